"""What the work cap allows at worst: the time and memory of the most expensive page view under it.

Every lane runs to the iteration limit (ε = 0), so the view costs the full cap:
(compared η + 1 + sweep points) × limit ≤ MAX_WORK η-updates. Each case runs in a fresh process
so that its peak resident memory is its own.
Run: python bench/budget.py
"""

import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import describe  # noqa: E402

from gd.lab.budget import MAX_WORK  # noqa: E402
from gd.lab.controls import MAX_ETAS, NUMBERS  # noqa: E402

CASES = {  # compared η, sweep points
    "12 η + 60-point sweep": (MAX_ETAS, 60),
    "12 η + 200-point sweep": (MAX_ETAS, NUMBERS["sweep_points"].high),
    "12 η + 5-point sweep, longest limit": (MAX_ETAS, NUMBERS["sweep_points"].low),
}


def measure(etas: int, points: int) -> tuple[int, float, float]:
    limit = min(MAX_WORK // (etas + 1 + points), int(NUMBERS["max_iter"].high))
    child = [sys.executable, __file__, "--child", str(etas), str(points), str(limit)]
    seconds, peak_kib = subprocess.run(child, capture_output=True, text=True, check=True).stdout.split()
    return limit, float(seconds), int(peak_kib) / 1024


def view(etas: int, points: int, limit: int) -> None:
    """The computations of one page view, as dashboard.py makes them, charts included."""
    import numpy as np

    import gd
    from gd.lab import charts, frames

    compared = list(np.geomspace(1e-4, 0.9, etas))
    keywords = {"epsilon": 0.0, "max_iter": limit}
    gd.minimize(eta=0.1, **keywords)
    results = gd.compare(compared, **keywords)
    problem = results[0].settings.problem
    charts.trajectories(frames.curve(problem), frames.trajectories(results),
                        [frames.panel_title(result) for result in results]).to_dict()
    charts.convergence(frames.gaps(results)).to_dict()
    del results
    table = frames.sweep(gd.compare(list(np.geomspace(1e-3, 1.5, points)), **keywords))
    for measure_name in charts.SWEEP_MEASURES:
        charts.sweep(table, measure_name, frames.best_eta(table), problem.smoothness).to_dict()


def main() -> None:
    print(describe())
    baseline = subprocess.run([sys.executable, "-c", "import resource, numpy, pandas, altair;"
                               "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"],
                              capture_output=True, text=True, check=True).stdout
    print(f"cap: {MAX_WORK:,} η-updates per view; a process with numpy, pandas and altair imported: "
          f"{int(baseline) / 1024:.0f} MB")
    for name, (etas, points) in CASES.items():
        start = time.perf_counter()
        limit, seconds, peak = measure(etas, points)
        work = (etas + 1 + points) * limit
        print(f"{name:<38} limit {limit:>7,}  work {work:>9,}  {seconds:6.2f} s  peak RSS {peak:6.0f} MB"
              f"  (wall {time.perf_counter() - start:.1f} s)")


def child(etas: str, points: str, limit: str) -> None:
    """In a fresh process: one view, then its time and peak resident memory (KiB)."""
    import resource

    start = time.perf_counter()
    view(int(etas), int(points), int(limit))
    print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


if __name__ == "__main__":
    child(*sys.argv[2:]) if sys.argv[1:2] == ["--child"] else main()
