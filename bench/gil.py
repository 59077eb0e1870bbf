"""Does a heavy run leave the GIL free? Two threads each running a heavy gd.compare at once, against one alone.

If the compiled loop releases the GIL (nogil=True), two calls on two cores take about as long as one;
if it held the GIL they would take twice as long. The numpy reference loop is timed the same way for
contrast (numpy releases the GIL only inside each array operation, so its threads mostly take turns).
Run: python bench/gil.py [--repeats 3]
"""

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import describe  # noqa: E402

from gd import compiled, run  # noqa: E402

ETAS = [0.001 * 1.5**i for i in range(12)]  # the page's most compared η
HEAVY = dict(optimizer="adam", variant="sgd", epsilon=0.0)


def heavy(engine: str, updates: int) -> None:
    run._compare(ETAS, "quadratic", dict(HEAVY, max_iter=updates), engine=engine)


def timed(threads: int, engine: str, updates: int) -> float:
    workers = [threading.Thread(target=heavy, args=(engine, updates)) for _ in range(threads)]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(describe())
    compiled.wait()
    print(f"gd.compare of {len(ETAS)} η, adam/sgd, ε = 0; medians of {args.repeats}")
    for engine, updates in (("compiled", 1_000_000), ("reference", 20_000)):
        one = statistics.median(timed(1, engine, updates) for _ in range(args.repeats))
        two = statistics.median(timed(2, engine, updates) for _ in range(args.repeats))
        print(f"{engine:>9} loop, {updates:>9,} updates: one call alone {one * 1e3:7.0f} ms; "
              f"two calls in two threads at once {two * 1e3:7.0f} ms ({two / one:.2f}× one)")


if __name__ == "__main__":
    main()
