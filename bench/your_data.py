"""Your own data: reading rows, and every view on them at its worst allowed case, time against price.

python bench/your_data.py

Reading: gd.parse_data on a text not seen before (the cache is cleared each time): the sample's 12 rows and the
largest data set a page accepts (500 rows, 20 KB at most), linear and logistic. Then for each of the two objectives,
on the sample and on 500 rows, each view they have, built as the page builds it (in this process, the compiled loop
warm) with ε = 0 (every run goes to its limit), Adam on mini-batches of 64 (the costliest sampling the cap prices),
at the largest iteration limit the cap allows for that view: its price, the engine's calls, and the whole view.
Figures are processor time (time.thread_time), best of 3.
"""

import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np  # noqa: E402
from budget import _timed  # noqa: E402
from lessons import largest_fitting  # noqa: E402
from machine import describe  # noqa: E402

import gd  # noqa: E402
from gd import compiled, data  # noqa: E402
from gd.lab import budget, views  # noqa: E402
from gd.lab.controls import DATA, DEFAULTS, NUMBERS, SAMPLES, surface_defaults, views_of  # noqa: E402

RUNS = 3


def best(work) -> float:
    return min(_timed(work) for _ in range(RUNS))


def largest_rows(model: str) -> str:
    """500 rows of x across ±1,000 with six significant digits: the most a page reads, under its 20 KB."""
    rng = np.random.default_rng(23)
    x = np.round(rng.uniform(-1000, 1000, data.MAX_ROWS), 2)
    y = (rng.random(data.MAX_ROWS) < 1 / (1 + np.exp(-x / 300))).astype(float) if model == "logistic" \
        else np.round(0.4 * x + rng.normal(0, 80, data.MAX_ROWS), 2)
    return data.data_text(x, y)


def reading() -> None:
    print(f"{'reading':<32} {'bytes':>7} {'seconds':>8}")
    for objective, model in DATA.items():
        for name, text in (("sample", SAMPLES[objective]), ("500 rows", largest_rows(model))):
            def read(text=text, model=model):
                data.forget()
                data.parse_data(text, model)
            print(f"{objective + ', ' + name:<32} {len(text.encode()):>7,} {best(read):7.4f}s", flush=True)


def builder(view: str):
    """The view's builder as the page calls it, without the page's cache."""
    built = {"compare": views.compare, "theory": views.theory_view, "range": views.range_view,
             "stopping": views.stopping, "geometry": None, "inside": views.inside_view, "noise": views.noise,
             "predict": None, "race": views.race, "regression": views.regression}[view]
    return None if built is None else built.__wrapped__


def main() -> None:
    gd.minimize()
    compiled.wait()
    print(describe())
    reading()
    print(f"\n{'view':<32} {'limit':>8} {'price':>7} {'view':>7}")
    for objective, model in DATA.items():
        for name, text in (("sample", ""), ("500 rows", largest_rows(model))):
            base = replace(DEFAULTS, objective=objective, function=text, theta0=(0.0, 0.0), epsilon=0.0,
                           optimizer="adam", variant="minibatch", batch_size=64,
                           **surface_defaults(objective, text))
            for view in views_of(objective, text):
                build = builder(view)
                if build is None:  # built from the run above the tabs (geometry, predict): priced with it
                    continue
                run = largest_fitting(replace(base, view=view), "max_iter", 1, int(NUMBERS["max_iter"].high))
                seconds = best(lambda run=run, build=build, view=view: build(run.for_view(view)))
                print(f"{objective + ', ' + name + ', ' + view:<32} {run.max_iter:>8,} "
                      f"{budget.builder_seconds(view, run):6.3f}s {seconds:6.3f}s", flush=True)


if __name__ == "__main__":
    main()
