"""gd.compare against plain Python-float loops of the same algorithm, at every lane count the page uses.

Prints nanoseconds per (η, update) for the engine and for the plain loop, and their ratio (how many
times faster the engine is), medians of --repeats runs, ε = 0 so no lane stops early:

1. gd/batch on the article's parabola against the article's own loop (history list, |ΔJ| test every
   update), and adam/sgd against the same loop written for Adam on one sampled example per update,
   with the engine's own sampled indices (drawn before the clock starts: the plain loop is not
   charged for sampling, the engine is). 1, 5, 12, 72, 1,000 lanes × 10,000 updates, and
   10,000 lanes × 1,000 updates (so the history fits in memory).
2. One row per update rule, variant, schedule and stopping rule, at 1 and 5 lanes, each against a
   plain-float loop of that combination (the stopping rule's measure evaluated every update).

3. Two dimensions (issue 14): gd/batch on the ravine and adam/sgd on Rosenbrock, θ a pair, at 1, 5,
   12 and 72 lanes × 10,000 updates, against plain Python-float loops of the same update on (x, y)
   (history list of pairs, |ΔJ| test every update; the sampled indices drawn before the clock).
4. Typed formulas on the compiled loop (issue 21): the article curve typed against the built-in quadratic
   and typed Rosenbrock against the built-in one, gd/batch and adam/sgd, at 1, 5 and 72 lanes (200,000 /
   lanes updates, at least 10,000, so that each run takes milliseconds), beside the article's own loop in
   Python floats; the target is a typed formula within 3× of its built-in per update. Processor time
   (time.thread_time), the least of --repeats runs, the two taking turns, since the machine is shared.

The plain loops' cost per (η, update) does not depend on how many η there are; they run 3 η.
Run: python bench/engine.py [--repeats 3] [--part all|1d|2d|typed]
"""

import argparse
import functools
import itertools
import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import describe  # noqa: E402

import gd  # noqa: E402
from gd import compiled  # noqa: E402
from gd.variants import batches  # noqa: E402

UPDATES = 10_000
LANES = ((1, UPDATES), (5, UPDATES), (12, UPDATES), (72, UPDATES), (1_000, UPDATES), (10_000, 1_000))
TARGETS = {1: 1.0, 5: 5.0, 72: 20.0, 1_000: 50.0}  # issue 10: at least this many times the plain loop
OFFSETS = [float(a) for a in gd.OBJECTIVES["quadratic"].compiled[1][0]]  # the parabola's per-example aᵢ
PLAIN_ETAS = (0.01, 0.1, 0.5)


def article_loop(eta: float, updates: int) -> list:
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
    return theta_history


def plain_loop(updates: int, optimizer="gd", variant="batch", schedule="constant", stop="loss_change",
               batch_size=16, seed=0, epsilon=0.0):
    """A plain-float loop of one combination on the parabola J(θ) = (θ − 2.5)² − 1 + aᵢ·(θ − c): returns
    run(eta) -> history. The batches are drawn here, before any clock starts."""
    draws = None if variant == "batch" else [
        [int(i) for i in batch] for batch in itertools.islice(batches(variant, 64, batch_size, seed), updates)]
    rule, factor = gd.OPTIMIZERS[optimizer].build(), gd.SCHEDULES[schedule].build().factor
    h = dict(rule.hyperparameters)

    def run(eta):
        theta, history = 0.0, [0.0]
        loss = (theta - 2.5) * (theta - 2.5) - 1
        first = second = 0.0
        best, stale = loss, 0
        for k in range(updates):
            g = 2 * (theta - 2.5)
            if draws is not None:
                batch = draws[k]
                g = g + sum(OFFSETS[i] for i in batch) / len(batch)
            lr = eta * factor(k)
            if optimizer == "gd":
                step = -lr * g
            elif optimizer in ("momentum", "nesterov"):
                first = h["momentum"] * first + g
                step = -lr * (g + h["momentum"] * first if optimizer == "nesterov" else first)
            elif optimizer == "adagrad":
                first = first + g * g
                step = -lr * (g / (math.sqrt(first) + h["eps"]))
            elif optimizer == "rmsprop":
                first = h["alpha"] * first + (1 - h["alpha"]) * g * g
                step = -lr * (g / (math.sqrt(first) + h["eps"]))
            else:
                t = k + 1
                first = h["beta1"] * first + (1 - h["beta1"]) * g
                second = h["beta2"] * second + (1 - h["beta2"]) * g * g
                denominator = math.sqrt(second) / math.sqrt(1 - h["beta2"] ** t) + h["eps"]
                step = -(lr / (1 - h["beta1"] ** t)) * (first / denominator)
            theta = theta + step
            history.append(theta)
            previous, loss = loss, (theta - 2.5) * (theta - 2.5) - 1
            if stop == "loss_change":
                fired = abs(loss - previous) < epsilon
            elif stop == "grad_norm":
                fired = abs(2 * (theta - 2.5)) < epsilon
            elif stop == "step_size":
                fired = abs(step) < epsilon
            else:
                stale = 0 if loss <= best - epsilon else stale + 1
                best = min(best, loss)
                fired = stale >= 5 and epsilon > 0
            if fired:  # never, at ε = 0, but tested every update as the engine does
                break
        return history

    return run


SURFACE_LANES = (1, 5, 12, 72)
RAVINE_ETAS = (0.01, 0.05, 0.15)  # plain loop; the engine's lanes span 1e-3 … 0.19, all stable (2/λmax = 0.2)
ROSENBROCK = gd.SURFACES["rosenbrock"]
ROSENBROCK_OFFSETS = [[float(a) for a in row] for row in ROSENBROCK.compiled[1]]  # aᵢ on x and on y
ROSENBROCK_ETAS = (0.001, 0.01, 0.05)


def ravine_loop(eta: float, updates: int) -> list:
    """Plain descent on J = ½θᵀAθ, A = [[5.5, 4.5], [4.5, 5.5]], in floats, as the article's loop is written."""
    x, y = 2.5, -1.0
    history = [(x, y)]
    loss = 0.5 * (5.5 * x * x + 9.0 * x * y + 5.5 * y * y)
    for _ in range(updates):
        gx, gy = 5.5 * x + 4.5 * y, 4.5 * x + 5.5 * y
        x, y = x - eta * gx, y - eta * gy
        history.append((x, y))
        previous, loss = loss, 0.5 * (5.5 * x * x + 9.0 * x * y + 5.5 * y * y)
        if abs(loss - previous) < 0.0:  # the stopping test, evaluated every update; never fires at ε = 0
            break
    return history


def rosenbrock_adam_loop(updates: int, seed: int = 0):
    """Adam (torch's formulas) on one sampled example of Rosenbrock per update, in floats: run(eta) -> history."""
    draws = [int(batch[0]) for batch in itertools.islice(batches("sgd", 64, 1, seed), updates)]
    offsets_x, offsets_y = ROSENBROCK_OFFSETS

    def run(eta):
        x, y = -1.5, 2.0
        history = [(x, y)]
        mx = my = vx = vy = 0.0
        loss = (1.0 - x) * (1.0 - x) + 100.0 * ((y - x * x) * (y - x * x))
        for k in range(updates):
            i = draws[k]
            gx = -2.0 * (1.0 - x) - 400.0 * x * (y - x * x) + offsets_x[i]
            gy = 200.0 * (y - x * x) + offsets_y[i]
            t = k + 1
            mx, my = 0.9 * mx + (1 - 0.9) * gx, 0.9 * my + (1 - 0.9) * gy
            vx, vy = 0.999 * vx + (1 - 0.999) * gx * gx, 0.999 * vy + (1 - 0.999) * gy * gy
            step_size, root = eta / (1 - 0.9**t), math.sqrt(1 - 0.999**t)
            x = x + -step_size * (mx / (math.sqrt(vx) / root + 1e-8))
            y = y + -step_size * (my / (math.sqrt(vy) / root + 1e-8))
            history.append((x, y))
            previous, loss = loss, (1.0 - x) * (1.0 - x) + 100.0 * ((y - x * x) * (y - x * x))
            if abs(loss - previous) < 0.0:
                break
        return history

    return run


def check_surface_loops() -> str:
    """The 2-D plain loops compute the engine's numbers, to the last bit."""
    ravine = gd.minimize("ravine", eta=0.05, epsilon=0.0, max_iter=2_000).history
    adam = gd.minimize("rosenbrock", eta=0.01, epsilon=0.0, max_iter=2_000, optimizer="adam", variant="sgd").history
    same = [tuple(row) for row in ravine.tolist()] == ravine_loop(0.05, 2_000)
    same_adam = [tuple(row) for row in adam.tolist()] == rosenbrock_adam_loop(2_000)(0.01)
    return f"ravine loop = engine: {same}; rosenbrock adam/sgd loop = engine: {same_adam}"


def surfaces(repeats: int) -> None:
    print(check_surface_loops())
    print(f"\n{'case (2-D)':<20} {'lanes':>6} {'updates':>7} {'engine ns':>10} {'plain ns':>9} {'ratio':>7}")
    cases = (("ravine gd/batch", {"objective": "ravine"}, (1e-3, 0.19),
              lambda eta: ravine_loop(eta, UPDATES), RAVINE_ETAS),
             ("rosenbrock adam/sgd", {"objective": "rosenbrock", "optimizer": "adam", "variant": "sgd"}, (1e-4, 0.05),
              rosenbrock_adam_loop(UPDATES), ROSENBROCK_ETAS))
    for name, keywords, span, run, plain_etas in cases:
        plain = median_seconds(lambda run=run, plain_etas=plain_etas: [run(eta) for eta in plain_etas],
                               repeats) / (len(plain_etas) * UPDATES) * 1e9
        for lanes in SURFACE_LANES:
            etas = list(np.geomspace(*span, lanes))
            seconds = median_seconds(lambda etas=etas, keywords=keywords: gd.compare(
                etas, epsilon=0.0, max_iter=UPDATES, **keywords), repeats)
            fast = seconds / (lanes * UPDATES) * 1e9
            print(f"{name:<20} {lanes:>6,} {UPDATES:>7,} {fast:>10.1f} {plain:>9.1f} {plain / fast:>6.1f}×")


TYPED_LANES = (1, 5, 72)
TYPED_TARGET = 3.0  # issue 21: a typed formula at most this many times its built-in's cost per update
TYPED_CASES = (  # name, the built-in, its formula typed, keywords, the η span of the lanes
    ("article gd/batch", "quadratic", "(x - 2.5)^2 - 1", {}, (1e-3, 0.99)),
    ("article adam/sgd", "quadratic", "(x - 2.5)^2 - 1", {"optimizer": "adam", "variant": "sgd"}, (1e-3, 0.99)),
    ("rosenbrock gd/batch", "rosenbrock", "(1 - x)^2 + 100*(y - x^2)^2", {}, (1e-5, 1e-3)),
    ("rosenbrock adam/sgd", "rosenbrock", "(1 - x)^2 + 100*(y - x^2)^2", {"optimizer": "adam", "variant": "sgd"},
     (1e-4, 0.05)),
)


def least_processor_seconds(works, repeats: int) -> list[float]:
    """The least processor time of this thread over repeats runs of each work, the works taking turns (so that a
    change of the machine's load weighs on all of them alike), after one run each to warm up."""
    for work in works:
        work()
    least = [math.inf] * len(works)
    for _ in range(repeats):
        for index, work in enumerate(works):
            start = time.thread_time()
            work()
            least[index] = min(least[index], time.thread_time() - start)
    return least


def typed(repeats: int) -> None:
    """Typed formulas against their built-ins, on the compiled loop; each typed one on its built-in's drawn range
    and from its start, so that the two runs make the same updates (the article curve's bit for bit)."""
    article = gd.parse_objective("(x - 2.5)^2 - 1", plot_range=gd.OBJECTIVES["quadratic"].plot_range)
    same = gd.minimize(article, eta=0.1, max_iter=2_000).history.tolist() == article_loop(0.1, 2_000)[:46]
    print(f"typed article curve = the article's loop (45 updates): {same}")
    plain = plain_ns(lambda eta: article_loop(eta, UPDATES), UPDATES, repeats)
    print(f"the article's loop in Python floats: {plain:.1f} ns per update")
    print(f"\n{'case (typed)':<20} {'lanes':>6} {'built-in ns':>12} {'typed ns':>9} {'ratio':>7} {'target':>12} "
          f"{'article loop / typed':>21}")
    for name, built_in, text, keywords, span in TYPED_CASES:
        problem = gd.problems()[built_in]
        formula = gd.parse_objective(text, plot_range=problem.plot_range)
        start = problem.start if problem.start is not None else gd.params.THETA0.default
        for lanes in TYPED_LANES:
            etas, updates = list(np.geomspace(*span, lanes)), max(UPDATES, 200_000 // lanes)
            runs = [functools.partial(gd.compare, etas, objective, epsilon=0.0, max_iter=updates, theta0=start,
                                      **keywords) for objective in (built_in, formula)]
            native, interpreted = (seconds / (lanes * updates) * 1e9
                                   for seconds in least_processor_seconds(runs, repeats))
            ratio = interpreted / native
            against = f"{plain / interpreted:>20.1f}×" if built_in == "quadratic" and not keywords else ""
            print(f"{name:<20} {lanes:>6} {native:>12.1f} {interpreted:>9.1f} {ratio:>6.2f}× "
                  f"{TYPED_TARGET:>5.0f}× {'met' if ratio <= TYPED_TARGET else 'MISSED':<6} {against}", flush=True)


def median_seconds(work, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def engine_ns(lanes: int, updates: int, repeats: int, **keywords) -> float:
    etas = list(np.geomspace(1e-3, 0.99, lanes))
    seconds = median_seconds(lambda: gd.compare(etas, epsilon=0.0, max_iter=updates, **keywords), repeats)
    return seconds / (lanes * updates) * 1e9


def plain_ns(run, updates: int, repeats: int) -> float:
    return median_seconds(lambda: [run(eta) for eta in PLAIN_ETAS], repeats) / (len(PLAIN_ETAS) * updates) * 1e9


def check_plain_loops() -> str:
    """The plain loops compute what the engine computes, to the last bit (so they are the same work)."""
    same = gd.minimize(eta=0.1, epsilon=0.0, max_iter=2_000).history.tolist() == article_loop(0.1, 2_000)
    adam = gd.minimize(eta=0.1, epsilon=0.0, max_iter=2_000, optimizer="adam", variant="sgd")
    same_adam = adam.history.tolist() == plain_loop(2_000, "adam", "sgd")(0.1)
    return f"article loop = engine: {same}; plain adam/sgd loop = engine: {same_adam}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--part", choices=("all", "1d", "2d", "typed"), default="all")
    args = parser.parse_args()
    print(describe())
    compiled.wait()  # time the compiled loop, not the reference that serves while it compiles
    if args.part in ("all", "typed"):
        typed(args.repeats)
    if args.part in ("all", "2d"):
        surfaces(args.repeats)
    if args.part in ("2d", "typed"):
        return
    print(check_plain_loops())
    headline = (("gd/batch", {}, lambda: article_loop),
                ("adam/sgd", {"optimizer": "adam", "variant": "sgd"}, None))
    print(f"\n{'case':<9} {'lanes':>6} {'updates':>7} {'engine ns':>10} {'plain ns':>9} {'ratio':>7} {'target':>7}")
    for name, keywords, _ in headline:
        plain = {}
        for updates in sorted({updates for _, updates in LANES}):
            run = (lambda eta, u=updates: article_loop(eta, u)) if name == "gd/batch" else plain_loop(
                updates, keywords["optimizer"], keywords["variant"])
            plain[updates] = plain_ns(run, updates, args.repeats)
        for lanes, updates in LANES:
            fast = engine_ns(lanes, updates, args.repeats, **keywords)
            target = TARGETS.get(lanes)
            ratio = plain[updates] / fast
            mark = "" if target is None else f"{target:>5.0f}× {'met' if ratio >= target else 'MISSED'}"
            print(f"{name:<9} {lanes:>6,} {updates:>7,} {fast:>10.1f} {plain[updates]:>9.1f} {ratio:>6.1f}× {mark}")
    combinations = ([{"optimizer": name} for name in gd.OPTIMIZERS]
                    + [{"variant": name} for name in gd.VARIANTS if name != "batch"]
                    + [{"schedule": name} for name in gd.SCHEDULES if name != "constant"]
                    + [{"stop": name} for name in gd.STOPS if name != "loss_change"]
                    + [{"optimizer": "adam", "variant": "minibatch", "schedule": "cosine", "stop": "no_improvement"}])
    print(f"\nEach combination against its plain loop ({UPDATES:,} updates; the rest: gd, batch, constant, "
          f"loss_change):")
    print(f"{'combination':<52} {'plain ns':>9} {'1 lane ns':>10} {'ratio':>7} {'5 lanes ns':>11} {'ratio':>7}")
    for keywords in combinations:
        plain = plain_ns(plain_loop(UPDATES, **keywords), UPDATES, args.repeats)
        one, five = (engine_ns(lanes, UPDATES, args.repeats, **keywords) for lanes in (1, 5))
        label = ", ".join(f"{key}={value}" for key, value in keywords.items())
        print(f"{label:<52} {plain:>9.1f} {one:>10.1f} {plain / one:>6.1f}× {five:>11.1f} {plain / five:>6.1f}×")


if __name__ == "__main__":
    main()
