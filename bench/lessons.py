"""The learning-rate range test, the inside of an update rule, the basins and a pinned run at their worst allowed sizes:
time against price.

python bench/lessons.py

Each view is built as the page builds it (views.range_view, views.inside_view), in this process with the compiled loop
warm, for every built-in objective and the largest typed formulas bench/budget.py calibrates with, on the full batch
and on mini-batches of 64: the range test at its most updates (range_updates = 1,000), and Adam from inside at the
page's iteration limit with ε = 0 (the run goes to the limit, and the first INSIDE_UPDATES updates are replayed); the
basins of every objective that has them with twelve compared η, at the most updates per start the cap allows.
Figures are processor time (time.thread_time), best of 3: the engine's calls alone beside the cap's price of them, and
the whole view (its frames, charts and sentences too, which the cap prices for no view but the maps: it is what the
processor-time limit, 3 × the price + 1 s, stops). A pinned run: Side by side with twelve η and the pin (Adam on
mini-batches of 64), every run to the largest limit the cap allows with ε = 0.
"""

import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from budget import TYPED_FORMULAS, _timed  # noqa: E402
from machine import describe  # noqa: E402

import gd  # noqa: E402
from gd import compiled  # noqa: E402
from gd.lab import budget, views  # noqa: E402
from gd.lab.controls import (  # noqa: E402
    BASINS,
    CUSTOM,
    DEFAULTS,
    INSIDE_UPDATES,
    MAX_ETAS,
    NUMBERS,
    start_of,
    target,
)

RUNS = 3


def best(work) -> float:
    return min(_timed(work) for _ in range(RUNS))


def cases():
    """(name, run) for every built-in objective and the two largest typed formulas (1-D and 2-D)."""
    for name in gd.problems():
        yield name, replace(DEFAULTS, objective=name, theta0=start_of(name))
    for dim, texts in TYPED_FORMULAS.items():
        text = max(texts, key=budget.instructions)
        yield f"{dim}: {budget.instructions(text)} instr.", replace(DEFAULTS, objective=CUSTOM, function=text,
                                                                    theta0=start_of(CUSTOM, text))


def main() -> None:
    gd.minimize()
    compiled.wait()
    print(describe())
    most = int(NUMBERS["range_updates"].high)
    print(f"{'objective':<26} {'variant':<11} {'range: price':>12} {'engine':>7} {'view':>7}   "
          f"{'inside: price':>13} {'engine':>7} {'view':>7}")
    for name, run in cases():
        for variant, size in (("batch", 16), ("minibatch", 64)):
            settings = replace(run, variant=variant, batch_size=size, epsilon=0.0, optimizer="adam")
            ranged = replace(settings, view="range", range_updates=most)
            inside = replace(settings, view="inside", max_iter=int(NUMBERS["max_iter"].default))
            figures = [budget.builder_seconds("range", ranged),
                       best(lambda run=ranged: gd.range_test(run.range_low, run.range_high, run.range_updates,
                                                             target(run), **run.keywords())),
                       best(lambda run=ranged: views.range_view.__wrapped__(run.for_view("range"))),
                       budget.builder_seconds("inside", inside),
                       best(lambda run=inside: gd.replay(gd.minimize(target(run), eta=run.eta, **run.keywords()),
                                                         INSIDE_UPDATES)),
                       best(lambda run=inside: views.inside_view.__wrapped__(run.for_view("inside")))]
            print(f"{name:<26} {variant + str(size if variant != 'batch' else ''):<11} "
                  + " ".join(f"{figure:6.3f}s" for figure in figures[:3]) + "   "
                  + " ".join(f"{figure:6.3f}s" for figure in figures[3:]), flush=True)
    basins()
    pins()


def largest_fitting(run, field: str, low: int, high: int, change=lambda run: run):
    """run with `field` at the largest value in low … high whose page price fits the cap (change: what else follows
    the value)."""
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if budget.price(change(replace(run, **{field: middle})))[0] <= budget.SECONDS \
            else (low, middle - 1)
    return change(replace(run, **{field: low}))


def pins() -> None:
    """Side by side with twelve η and a pinned run, at the largest iteration limit the cap allows for both."""
    print(f"\n{'pinned, side by side':<26} {'limit':>8} {'price':>7} {'engine':>7} {'view':>7}   {'no pin: price':>13}")
    for name, run in cases():
        run = replace(run, view="compare", epsilon=0.0, etas=tuple(0.001 * k for k in range(1, MAX_ETAS + 1)))

        def pinned(run):
            return replace(run, pin=replace(run, eta=0.01, optimizer="adam", variant="minibatch", batch_size=64,
                                            hyperparameters=()).pinned())

        run = largest_fitting(run, "max_iter", 1, int(NUMBERS["max_iter"].high), pinned)
        pin = run.pin
        engine = best(lambda run=run, pin=pin: (gd.compare(run.etas, target(run), **run.keywords()),
                                                gd.minimize(target(run), eta=pin.eta, **pin.keywords())))
        view = best(lambda run=run: views.compare.__wrapped__(run.for_view("compare")))
        alone = budget.builder_seconds("compare", replace(run, pin=None))
        print(f"{name:<26} {run.max_iter:>8,} {budget.builder_seconds('compare', run):6.3f}s {engine:6.3f}s "
              f"{view:6.3f}s   {alone:12.3f}s", flush=True)


def basins() -> None:
    """Each objective with basins, twelve compared η on the full batch with ε = 0 (every start's run goes to its
    limit), at the most updates per start the cap allows."""
    print(f"\n{'basins of':<26} {'starts':>7} {'updates':>8} {'price':>7} {'engine':>7} {'view':>7}")
    for name, run in cases():
        if run.objective not in (*BASINS, CUSTOM):
            continue
        run = replace(run, view="basins", epsilon=0.0, etas=tuple(0.001 * k for k in range(1, MAX_ETAS + 1)))
        run = largest_fitting(run, "basin_updates", 10, int(NUMBERS["basin_updates"].high))
        starts = views.frames.grid_of_starts(views.problem_of(run.objective, run.function),
                                             views.BASIN_CELLS[views.problem_of(run.objective, run.function).dim])
        lanes = starts[:, 0] if starts.shape[1] == 1 else starts
        keywords = {**run.keywords(), "max_iter": run.basin_updates}
        engine = best(lambda run=run, lanes=lanes, keywords=keywords: [
            gd.starts(eta, lanes, target(run), **keywords) for eta in run.etas])
        view = best(lambda run=run: views.basins.__wrapped__(run.for_view("basins")))
        print(f"{name:<26} {len(starts) * len(run.etas):>7,} {run.basin_updates:>8,} "
              f"{budget.builder_seconds('basins', run):6.3f}s {engine:6.3f}s {view:6.3f}s", flush=True)


if __name__ == "__main__":
    main()
