"""gd.compare against the article's plain loop on the same work: 1,000 η × 10,000 updates (ε = 0).

Prints nanoseconds per (η, update) for both, best and median of the repeats, and their ratio.
Run: python bench/engine.py [--repeats 7]
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import describe  # noqa: E402

import gd  # noqa: E402

ETAS = np.geomspace(1e-3, 0.99, 1000)  # all converge on the article's curve, none stop: ε = 0
UPDATES = 10_000


def article_loop(eta: float, updates: int) -> float:
    """The article's loop for one η, with a fixed number of updates instead of its stopping rule."""
    def j(theta):
        return (theta - 2.5) ** 2 - 1

    def dj(theta):
        return 2 * (theta - 2.5)

    theta = 0.0
    theta_history = [theta]
    for _ in range(updates):
        gradient = dj(theta)
        last_theta = theta
        theta = theta - eta * gradient
        theta_history.append(theta)
        abs(j(theta) - j(last_theta))  # the article's stopping test, evaluated as it does every update
    return theta


def timed(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--loop-etas", type=int, default=50, help="η values the plain loop runs (it is slow)")
    args = parser.parse_args()
    print(describe())
    engine = [timed(lambda: gd.compare(ETAS, epsilon=0.0, max_iter=UPDATES)) for _ in range(args.repeats)]
    loop_etas = ETAS[:: len(ETAS) // args.loop_etas]
    loop = [timed(lambda: [article_loop(eta, UPDATES) for eta in loop_etas]) for _ in range(args.repeats)]
    per_engine = [seconds / (len(ETAS) * UPDATES) * 1e9 for seconds in engine]
    per_loop = [seconds / (len(loop_etas) * UPDATES) * 1e9 for seconds in loop]
    for name, values in (("gd.compare", per_engine), ("article loop", per_loop)):
        print(f"{name:>13}: best {min(values):8.1f} ns, median {statistics.median(values):8.1f} ns per (η, update)")
    print(f"speed-up: best {min(per_loop) / min(per_engine):.1f}×, "
          f"median {statistics.median(per_loop) / statistics.median(per_engine):.1f}×")


if __name__ == "__main__":
    main()
