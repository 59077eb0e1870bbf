"""What the benchmarks that time drawing share: a cold start, the best of a few runs, and how long the server's other
threads waited meanwhile."""

import subprocess
import sys
import threading
import time

RUNS = 3


def best(work, runs: int = RUNS) -> float:
    """The shortest of `runs` runs of work, in seconds (warm: the first is as likely to be the slowest)."""
    seconds = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        work()
        seconds = min(seconds, time.perf_counter() - started)
    return seconds


def longest_gap(work) -> tuple[object, float, float]:
    """work's result, how long it took, and the longest a thread sleeping 1 ms at a time (as the server's event loop
    and the other pages' threads do) waited meanwhile: long where work holds the GIL."""
    gaps, done = [], threading.Event()

    def tick():
        while not done.is_set():
            started = time.perf_counter()
            time.sleep(0.001)
            gaps.append(time.perf_counter() - started)

    ticker = threading.Thread(target=tick)
    ticker.start()
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    done.set()
    ticker.join()
    return result, seconds, max(gaps)


COLD = """
import resource, time
def rss(): return int(open('/proc/self/statm').read().split()[1]) * resource.getpagesize() / 2**20
before = rss(); started = time.perf_counter()
import {module}
imported = time.perf_counter()
{first}
print(f"{{before:.0f}} {{rss():.0f}} {{imported - started:.3f}} {{time.perf_counter() - imported:.3f}}")
"""


def cold_start(module: str, first: str = "pass") -> tuple[float, float, float, float]:
    """In a fresh interpreter: its resident MB before importing module and after running `first` with it, the import's
    seconds and first's."""
    out = subprocess.run([sys.executable, "-c", COLD.format(module=module, first=first)], capture_output=True,
                         text=True, check=True).stdout
    before, after, imported, ran = map(float, out.split())
    return before, after, imported, ran
