"""What the work cap allows at worst: the time and memory of the most expensive page views under it.

python bench/budget.py              # search every view × objective × variant × stopping rule for the settings the
                                    # cap prices highest, then run the top ones, each in a fresh process (ε = 0, so
                                    # every run goes to the limit): seconds and peak RSS against the price
python bench/budget.py --calibrate  # measure the compiled loop's cost per update, the table gd/lab/budget.py uses
python bench/budget.py --calibrate --typed  # the same per instruction of a typed formula (the compiled loop's
                                    # interpreter), for the page's "custom" objective: TYPED_FORMULAS, the worst per
                                    # instruction taken; with --reference, the numpy loop's rows of typed formulas
python bench/budget.py --calibrate --reference  # the numpy reference loop's cost per update of every built-in
                                    # (what runs while the compiled loop is prepared), theory.momentum_map's, and
                                    # budget.speed()'s measure on this machine
Every figure is processor time (time.thread_time), so a busy machine calibrates as an idle one does.
"""

import argparse
import itertools
import json
import subprocess
import sys
import time
from dataclasses import replace
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import describe  # noqa: E402

import gd  # noqa: E402
from gd.lab import budget  # noqa: E402
from gd.lab.budget import WorkCapError  # noqa: E402
from gd.lab.controls import DEFAULTS, MAX_ETAS, NUMBERS, Run, start_of  # noqa: E402

VIEWS = ("compare", "theory", "stopping", "noise")  # geometry and predict make only the headline run
CALIBRATION_UPDATES = 20_000
SEEDS = int(NUMBERS["seeds"].high)
SAMPLINGS = (("batch", 16), ("sgd", 16), ("minibatch", 16), ("minibatch", 64))  # (variant, batch size)


def largest(run: Run) -> Run:
    """The run at the largest iteration limit the cap allows (the page's own maximum at most)."""
    run = replace(run, max_iter=int(NUMBERS["max_iter"].high))
    try:
        budget.check(run)
    except WorkCapError as refused:
        run = replace(run, max_iter=refused.fits)
    return run


def candidates(objectives) -> list[Run]:
    """For every view, objective, variant and stopping rule, the most runs the page allows at the longest limit."""
    sizes = {"etas": tuple(0.01 * k for k in range(1, MAX_ETAS + 1)), "sweep_points": int(NUMBERS["sweep_points"].high),
             "seeds": int(NUMBERS["seeds"].high)}
    found = []
    for view, objective, variant, stop in itertools.product(VIEWS, objectives, gd.VARIANTS, gd.STOPS):
        if view == "noise" and variant == "batch":
            continue  # the noise view draws nothing for batch descent
        run = replace(DEFAULTS, view=view, objective=objective, theta0=start_of(objective), variant=variant,
                      stop=stop, epsilon=0.0, optimizer="adam", batch_size=64, **sizes)
        found.append(largest(run))
    return sorted(found, key=lambda run: budget.price(run)[0], reverse=True)


def child(fields: str) -> None:
    """In a fresh process, with the compiled loop ready: the open view and its headline, as the page builds them;
    then seconds and peak RSS (KiB)."""
    import resource

    from gd import compiled
    from gd.lab import views

    given = json.loads(fields)
    start = tuple(given["theta0"]) if isinstance(given["theta0"], list) else given["theta0"]
    run = Run(**{**given, "etas": tuple(given["etas"]), "theta0": start})
    gd.minimize()
    compiled.wait()
    builder = {"compare": views.compare, "theory": views.theory_view, "stopping": views.stopping,
               "noise": views.noise}[run.view]
    start = time.perf_counter()
    views.headline(run.for_view("headline"))
    builder(run.for_view(run.view))
    print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def measure(run: Run) -> tuple[float, float]:
    fields = {key: getattr(run, key) for key in ("objective", "theta0", "variant", "stop", "epsilon", "optimizer",
                                                 "batch_size", "etas", "sweep_points", "seeds", "max_iter", "view")}
    out = subprocess.run([sys.executable, __file__, "--child", json.dumps(fields)], capture_output=True, text=True,
                         check=True).stdout.split()
    return float(out[0]), int(out[1]) / 1024


def search(top: int, objectives) -> None:
    from gd import compiled

    compiled.wait()  # the settings a warm server allows: priced on the compiled loop
    print(describe())
    baseline = subprocess.run([sys.executable, "-c", "import resource, gd, gd.lab.views; from gd import compiled;"
                               "gd.minimize(); compiled.wait(); gd.minimize();"
                               "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"],
                              capture_output=True, text=True, check=True).stdout
    print(f"cap: {budget.SECONDS} s and {budget.MEGABYTES} MB per view, priced as if every run went to the limit; "
          f"a process with the lab imported and the compiled loop loaded: {int(baseline) / 1024:.0f} MB")
    print(f"{'view':<9} {'objective':<20} {'variant':<10} {'stop':<15} {'runs':>4} {'limit':>8} "
          f"{'price':>7} {'took':>7} {'MB':>6} {'peak RSS':>9}")
    for run in candidates(objectives)[:top]:
        seconds, megabytes = budget.price(run)
        took, peak = measure(run)
        print(f"{run.view:<9} {run.objective:<20} {run.variant:<10} {run.stop:<15} {budget.runs(run):>4} "
              f"{run.max_iter:>8,} {seconds:6.2f}s {took:6.2f}s {megabytes:6.0f} {peak:7.0f} MB", flush=True)


TYPED_UPDATES = 2_000  # the numpy loop is 10–100 times slower than the compiled one: fewer updates suffice
TYPED_FORMULAS = {  # the article curve typed, large formulas of every function gd.typed allows, and chains of calls of
    # the C library, each lane's dearest instructions (in 1-D and 2-D)
    "custom": ("(x - 2.5)^2 - 1", "sin(sin(sin(sin(sin(sin(sin(sin(x))))))))",
               "sin(x)*exp(-x^2/9)+cos(2*x)*tanh(x)+log(1+x^2)*sqrt(4+x^2)+abs(x-1)*sin(x)^2+exp(cos(x))*tanh(sin(x))",
               "tanh(sin(x))*exp(cos(x)/3)*log(2+sin(x))*sqrt(5+cos(3*x))+sin(cos(x))*exp(tanh(x))*x^2/9+abs(x)*cos(x)"),
    "custom_2d": ("(1 - x)^2 + 100*(y - x^2)^2", "sin(sin(sin(sin(sin(x*y)))))*tan(tan(tan(x - y)/3)/3)",
                  "tanh(sin(x*y))*exp(cos(x)/3)*log(2+sin(y))*sqrt(5+cos(3*x*y))+sin(cos(x+y))*exp(tanh(y))*x^2/9"
                  "+abs(x)*y^2"),
}


def calibrate_typed(reference: bool) -> None:
    """budget.COST_NS's "custom" rows (the compiled loop), or with reference budget.REFERENCE_NS's (the numpy loop, the
    worst over the stopping rules as well): per instruction of the formula's programs for J and ∇J
    (budget.instructions), the worst over TYPED_FORMULAS and over gd and Adam, of (fixed ns per update, ns per lane of
    a shared run, ns per lane with its own samples)."""
    from gd import compiled
    from gd.run import _compare, _seeds

    engine, updates = ("reference", TYPED_UPDATES) if reference else ("compiled", CALIBRATION_UPDATES)
    if not reference:
        gd.minimize()
        compiled.wait()

    def per_update(work, repeats=2) -> float:
        return min(_timed(work) for _ in range(repeats)) / updates * 1e9

    print(describe())
    for kind, formulas in TYPED_FORMULAS.items():
        for variant, batch in SAMPLINGS:
            name = budget.sampling(variant, batch)
            over_stops = [0.0, 0.0, 0.0]
            for stop in gd.STOPS:
                worst = [0.0, 0.0, 0.0]
                for text in formulas:
                    problem, size = gd.parse_objective(text), budget.instructions(text)
                    one = twelve = own = 0.0
                    for optimizer in ("gd", "adam"):
                        keywords = dict(epsilon=0.0, max_iter=updates, variant=variant, batch_size=batch,
                                        optimizer=optimizer, stop=stop, theta0=start_of("custom", text))
                        one = max(one, per_update(partial(_compare, [1e-4], problem, keywords, engine)))
                        twelve = max(twelve, per_update(partial(_compare, [1e-4] * 12, problem, keywords, engine)))
                        if variant != "batch":
                            own = max(own, per_update(partial(_seeds, 1e-4, list(range(SEEDS)), problem, keywords,
                                                              engine), 1) / SEEDS)
                    per_lane = max((twelve - one) / 11, 0.0)
                    for index, value in enumerate((max(one - per_lane, 0.0), per_lane, own)):
                        worst[index] = max(worst[index], value / size)
                over_stops = [max(a, b) for a, b in zip(over_stops, worst, strict=True)]
                if not reference:
                    print(f'    ("{kind}", "{name}", "{stop}"): ({worst[0]:.1f}, {worst[1]:.2f}, {worst[2]:.1f}),',
                          flush=True)
            if reference:
                print(f'    ("{kind}", "{name}"): ({over_stops[0]:.0f}, {over_stops[1]:.1f}, {over_stops[2]:.0f}),',
                      flush=True)


def calibrate(objectives) -> None:
    """The table of gd/lab/budget.py: per objective, variant and stopping rule, the worst over gd and Adam (mini-batch
    of 64) of (fixed ns per update, ns per lane of a shared run, ns per lane with its own samples)."""
    from gd import compiled

    gd.minimize()
    compiled.wait()

    def per_update(work, repeats=2) -> float:
        return min(_timed(work) for _ in range(repeats)) / CALIBRATION_UPDATES * 1e9

    print(describe())
    for objective, (variant, batch), stop in itertools.product(objectives, SAMPLINGS, gd.STOPS):
        one = twelve = own = 0.0
        for optimizer in ("gd", "adam"):
            keywords = dict(epsilon=0.0, max_iter=CALIBRATION_UPDATES, variant=variant, batch_size=batch,
                            optimizer=optimizer, stop=stop)
            one = max(one, per_update(lambda: gd.minimize(objective, eta=1e-4, **keywords)))  # noqa: B023
            twelve = max(twelve, per_update(lambda: gd.compare([1e-4] * 12, objective, **keywords)))  # noqa: B023
            if variant != "batch":  # at the page's most seeds: each lane's own samples cost more when there are many
                own = max(own, per_update(lambda: gd.seeds(1e-4, list(range(SEEDS)), objective, **keywords), 1)  # noqa: B023
                          / SEEDS)
        per_lane = (twelve - one) / 11
        name = budget.sampling(variant, batch)
        print(f'    ("{objective}", "{name}", "{stop}"): ({round(max(one - per_lane, 0))}, {round(per_lane)}, '
              f'{round(own)}),', flush=True)


def calibrate_reference(objectives) -> None:
    """budget.REFERENCE_NS: per objective and sampling, the worst over the stopping rules and gd and Adam of (fixed ns
    per update, ns per lane of a shared run, ns per lane with its own samples) on the numpy loop; then MOMENTUM_NS,
    ARTICLE_NS and SPEED_SECONDS."""
    from gd.run import _compare, _seeds

    print(describe())
    updates = TYPED_UPDATES
    for objective, (variant, batch) in itertools.product(objectives, SAMPLINGS):
        one = twelve = own = 0.0
        for optimizer, stop in itertools.product(("gd", "adam"), gd.STOPS):
            keywords = dict(epsilon=0.0, max_iter=updates, variant=variant, batch_size=batch, optimizer=optimizer,
                            stop=stop)

            def per_update(work, repeats=2) -> float:
                return min(_timed(work) for _ in range(repeats)) / updates * 1e9

            one = max(one, per_update(lambda: _compare([1e-4], objective, keywords, "reference")))  # noqa: B023
            twelve = max(twelve, per_update(lambda: _compare([1e-4] * 12, objective, keywords, "reference")))  # noqa: B023
            if variant != "batch":
                own = max(own, per_update(lambda: _seeds(1e-4, list(range(SEEDS)), objective, keywords,  # noqa: B023
                                                         "reference"), 1) / SEEDS)
        per_lane = max((twelve - one) / 11, 0.0)
        name = budget.sampling(variant, batch)
        print(f'    ("{objective}", "{name}"): ({round(max(one - per_lane, 0))}, {round(per_lane)}, {round(own)}),',
              flush=True)
    from gd import theory
    from gd.lab.controls import MOMENTUM_CELLS

    cells = MOMENTUM_CELLS[0] * MOMENTUM_CELLS[1]
    per_map = {lanes: min(_timed(lambda: theory.momentum_map([0.1] * lanes, [0.5], "ravine")) for _ in range(3))  # noqa: B023
               for lanes in (1, cells)}
    per_lane = (per_map[cells] - per_map[1]) / (cells - 1)
    print(f"MOMENTUM_NS = ({round((per_map[1] - per_lane) / budget.MOMENTUM_UPDATES * 1e9)}, "
          f"{round(per_lane / budget.MOMENTUM_UPDATES * 1e9)})")
    from gd.lab.views import article_loop

    # ε = 0: every update of the 100,000
    article = min(_timed(lambda: article_loop(0.1, 0.0, 0.0, 100_000)) for _ in range(5)) / 100_000
    print(f"ARTICLE_NS = {round(article * 1e9)}")
    speed = min(_timed(lambda: _compare([0.1] * 5, "quadratic", {"max_iter": budget.SPEED_UPDATES, "epsilon": 0.0},
                                        "reference")) for _ in range(5))
    print(f"SPEED_SECONDS = {speed:.4f}")


def _timed(work) -> float:
    start = time.thread_time()
    work()
    return time.thread_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calibrate", action="store_true")
    parser.add_argument("--typed", action="store_true", help="with --calibrate: the typed functions' rows (with "
                        "--reference too: their numpy loop's)")
    parser.add_argument("--reference", action="store_true", help="with --calibrate: the numpy loop's rows")
    parser.add_argument("--objectives", nargs="+", default=None,
                        help="calibrate or search only these (default: every one)")
    parser.add_argument("--top", type=int, default=12, help="how many of the highest-priced settings to run")
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        child(args.child)
    elif args.calibrate and args.typed:
        calibrate_typed(args.reference)
    elif args.calibrate and args.reference:
        calibrate_reference(args.objectives or list(gd.problems()))
    elif args.calibrate:
        calibrate(args.objectives or list(gd.problems()))
    else:
        search(args.top, args.objectives or list(gd.problems()))


if __name__ == "__main__":
    main()
