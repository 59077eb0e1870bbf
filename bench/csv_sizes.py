"""The largest CSV the page makes: for every built-in curve and surface, the compare view's download
(frames.csv of frames.points) for 12 compared η, ε = 0 so no run stops early, the
largest iteration limit the work cap allows (bench.budget.largest), plain descent and Adam, and four η ranges
(log-spaced, each η nudged off its round value so that it takes all 17 digits); runs that diverge stop early and
give fewer rows, so the largest is taken over the ranges.

Prints one line per setting and the largest file of a curve and of a surface: bytes, rows, bytes per row.
MB is 10⁶ bytes. Run: python bench/csv_sizes.py (about 3 minutes on 2 cores)
"""

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from budget import largest  # noqa: E402
from machine import describe  # noqa: E402

import gd  # noqa: E402
from gd.lab import views  # noqa: E402
from gd.lab.controls import MAX_ETAS, Run, start_of, surface_defaults  # noqa: E402


def ranges(objective: str) -> list[tuple[float, float]]:
    """η ranges to try: from tiny to the objective's own η, around it, and a fixed small band."""
    own = surface_defaults(objective).get("eta", 0.1)
    return [(1e-6, own), (own / 100, own), (own / 10, 2 * own), (1e-4, 1e-2)]


def main() -> int:
    print(describe())
    largest_of = {}
    for objective in (*gd.OBJECTIVES, *gd.SURFACES):
        kind = "surface" if gd.problems()[objective].dim > 1 else "curve"
        for low, high in ranges(objective):
            etas = tuple(float(eta) * (1 + 1 / 3e5) for eta in np.geomspace(low, high, MAX_ETAS))
            for optimizer in ("gd", "adam"):
                run = largest(replace(Run(), objective=objective, theta0=start_of(objective), view="compare",
                                      epsilon=0.0, etas=etas, optimizer=optimizer))
                view = views.compare(run.for_view("compare"))
                size, rows = len(view.csv()), len(view.points)
                print(f"{objective:24s} {optimizer:4s} η {low:.0e}…{high:.0e}  limit {run.max_iter:>7,}  "
                      f"{rows:>6,} rows  {size / 1e6:.2f} MB  {size / rows:.0f} B/row", flush=True)
                if size > largest_of.get(kind, (0,))[0]:
                    largest_of[kind] = (size, rows, objective, optimizer)
    for kind, (size, rows, objective, optimizer) in largest_of.items():
        print(f"largest on a {kind}: {size:,} bytes ({size / 1e6:.2f} MB), {rows:,} rows, {size / rows:.0f} B/row "
              f"({objective}, {optimizer})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
