"""What the 2-D maps cost to build and send: milliseconds and JSON bytes of each kind of chart, cold and warm.

python bench/maps.py --repeats 5   # every surface: the surface's cached layers (once per process), one map of the
                                   # side by side (the first of a colour builds its template, later ones fill it),
                                   # the race (its six runs, its map and its gap chart), and the other views' charts
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import describe  # noqa: E402

import gd  # noqa: E402
from gd.lab import fitted_model, frames, maps, momentum_map, races, views  # noqa: E402

ETAS = (0.0005, 0.001, 0.002, 0.005, 0.01)  # five compared η, as the page's default count


def timed(build, repeats: int) -> tuple[float, object]:
    """The median of repeats builds in ms, and what the last one built."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        built = build()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times), built


def size(spec) -> int:
    return len(json.dumps(spec).encode())  # as Streamlit sends it: JSON with the default separators


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    repeats = parser.parse_args().repeats
    print(describe())
    gd.minimize("ravine")  # the compiled loop's first call is not the maps' cost
    print("| surface | surface layers (once) | first map | later map | map KB | race runs | race charts | race KB "
          "(map + gaps) |")
    print("|---|---|---|---|---|---|---|---|")
    for name in gd.SURFACES:
        start = time.perf_counter()
        surface = maps.surface_map(name)
        once = (time.perf_counter() - start) * 1e3
        results = gd.compare(list(ETAS), name)
        start = time.perf_counter()
        views.panels(results[:1])  # builds the base layers' spec and the first colour's template
        first = (time.perf_counter() - start) * 1e3
        views.panels(results)  # every colour's template
        later, specs = timed(lambda results=results: views.panels(results), repeats)
        run_time, runs = timed(lambda name=name: races.runs(name), repeats)
        routes, gaps = races.paths(runs), races.gaps(runs)
        chart_time, (race, gap) = timed(lambda surface=surface, routes=routes, gaps=gaps: (
            races.chart(surface, routes, 10**6), races.gap_chart(gaps, 10**6)), repeats)
        print(f"| {name} | {once:.1f} ms | {first:.0f} ms | {later / len(ETAS):.1f} ms | "
              f"{statistics.median(size(spec) for spec in specs) / 1e3:.0f} | {run_time:.1f} ms | "
              f"{chart_time:.0f} ms | {size(race) / 1e3:.0f} + {size(gap) / 1e3:.0f} |")
    surface = maps.surface_map("rosenbrock")
    run = gd.minimize("rosenbrock", eta=0.001)
    regression = gd.minimize("logistic_regression_2d", eta=0.5)
    route = frames.path(regression)
    seeds = gd.seeds(0.01, list(range(20)), "himmelblau", variant="sgd")
    start = time.perf_counter()
    momentum_map.rates()
    measured = (time.perf_counter() - start) * 1e3
    others = {
        "momentum map (40 × 40, its rates measured once)": lambda: momentum_map.chart(momentum_map.rates(),
                                                                                       (0.1, 0.5)),
        "one update (200 updates, Rosenbrock)": lambda: maps.update_map(surface, maps.update_shapes(run, surface.box)),
        "regression fits (logistic)": lambda: fitted_model.chart(
            fitted_model.data("logistic_regression_2d"), fitted_model.fits(regression, route), 0, logistic=True),
        "regression map (logistic, stepped)": lambda: maps.panel(
            maps.surface_map("logistic_regression_2d"), route,
            maps.escapes(regression, maps.surface_map("logistic_regression_2d").box), "-", "#4c78a8", step=0),
        "seed cloud (20 seeds, Himmelblau)": lambda: maps.cloud_map(maps.surface_map("himmelblau"),
                                                                    maps.cloud(seeds)),
    }
    print(f"\nmomentum rates measured: {measured:.1f} ms (once per process)\n")
    print("| chart | build | KB |")
    print("|---|---|---|")
    for label, build in others.items():
        build()  # cold caches apart
        milliseconds, spec = timed(build, repeats)
        print(f"| {label} | {milliseconds:.0f} ms | {size(spec) / 1e3:.0f} |")


if __name__ == "__main__":
    main()
