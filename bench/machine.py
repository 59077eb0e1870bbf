"""One line that says what machine a benchmark ran on."""

import os
import platform

import numpy as np


def describe() -> str:
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next(line.split(":", 1)[1].strip() for line in cpuinfo if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return (f"{model}; {os.cpu_count()} cores; load {load}; Python {platform.python_version()}; "
            f"numpy {np.__version__}; {platform.system()} {platform.release()}")
