"""The work cap: what one page view may cost in time and memory, priced and refused before any work starts.

A view's runs are priced by what they cost, not by how many updates they make: an update of logistic
regression (64 examples through exp and log) costs a hundred times one of the parabola, a mini-batch
draws a permutation, and lanes of one array share the loop's cost where seeds each draw their own
samples. COST_NS holds the compiled loop's cost per objective, sampling and stopping rule (the worst of gd
and Adam), measured by `python bench/budget.py --calibrate` on this project's machine kind. A view is priced
as if every run went to the iteration limit: most stop sooner, and `python bench/budget.py` measures the
worst the cap allows against its price (within about 5 % of it).
"""

import ast
import functools
import threading
from contextlib import contextmanager
from dataclasses import replace

from gd.lab.controls import CUSTOM, DEFAULT_FUNCTION, RACE, Run, problem_of

SECONDS = 1.5  # what one view may cost on the server, priced as if every run went to the limit (most stop sooner)
MEGABYTES = 100  # what one view's histories may hold: with frames, charts and copies, at most 150 MB of the server
MAP_SECONDS = 0.75  # drawing a surface's view beside its runs: up to 12 maps and the convergence chart, the first of
# a surface in a fresh process included (0.45 s warm, up to 0.8 s cold; bench/budget.py --objectives ravine …)
HEAVY_SECONDS = 0.05  # a view priced above this waits for the one heavy lane (see heavy_lane)

# ns per update: (fixed, per lane of a shared run, per lane with its own samples), keyed (objective, sampling,
# stop); the worst over gd and Adam (own samples: 50 seeds, the page's most), from
# `python bench/budget.py --calibrate` (2-core Xeon, numba 0.68, compiled loop warm, 20,000 updates, best of 2;
# the surfaces' rows measured 2026-12-03 at load 2.4–3.5, so on the high side).
COST_NS = {
    ("quadratic", "batch", "loss_change"): (46, 9, 0),
    ("quadratic", "batch", "grad_norm"): (36, 14, 0),
    ("quadratic", "batch", "step_size"): (44, 9, 0),
    ("quadratic", "batch", "no_improvement"): (35, 14, 0),
    ("quadratic", "sgd", "loss_change"): (67, 6, 49),
    ("quadratic", "sgd", "grad_norm"): (60, 11, 34),
    ("quadratic", "sgd", "step_size"): (58, 9, 29),
    ("quadratic", "sgd", "no_improvement"): (57, 12, 33),
    ("quadratic", "minibatch16", "loss_change"): (202, 6, 313),
    ("quadratic", "minibatch16", "grad_norm"): (212, 9, 176),
    ("quadratic", "minibatch16", "step_size"): (208, 5, 175),
    ("quadratic", "minibatch16", "no_improvement"): (204, 10, 178),
    ("quadratic", "minibatch64", "loss_change"): (615, 4, 688),
    ("quadratic", "minibatch64", "grad_norm"): (646, 6, 633),
    ("quadratic", "minibatch64", "step_size"): (629, 3, 615),
    ("quadratic", "minibatch64", "no_improvement"): (630, 7, 717),
    ("double_well", "batch", "loss_change"): (44, 5, 0),
    ("double_well", "batch", "grad_norm"): (40, 10, 0),
    ("double_well", "batch", "step_size"): (51, 5, 0),
    ("double_well", "batch", "no_improvement"): (41, 10, 0),
    ("double_well", "sgd", "loss_change"): (65, 6, 28),
    ("double_well", "sgd", "grad_norm"): (62, 11, 30),
    ("double_well", "sgd", "step_size"): (61, 6, 26),
    ("double_well", "sgd", "no_improvement"): (62, 11, 30),
    ("double_well", "minibatch16", "loss_change"): (215, 6, 178),
    ("double_well", "minibatch16", "grad_norm"): (210, 10, 180),
    ("double_well", "minibatch16", "step_size"): (207, 6, 172),
    ("double_well", "minibatch16", "no_improvement"): (214, 10, 177),
    ("double_well", "minibatch64", "loss_change"): (657, 3, 640),
    ("double_well", "minibatch64", "grad_norm"): (626, 8, 633),
    ("double_well", "minibatch64", "step_size"): (651, 3, 652),
    ("double_well", "minibatch64", "no_improvement"): (632, 9, 636),
    ("quartic", "batch", "loss_change"): (49, 5, 0),
    ("quartic", "batch", "grad_norm"): (44, 10, 0),
    ("quartic", "batch", "step_size"): (48, 5, 0),
    ("quartic", "batch", "no_improvement"): (40, 10, 0),
    ("quartic", "sgd", "loss_change"): (67, 6, 27),
    ("quartic", "sgd", "grad_norm"): (60, 11, 30),
    ("quartic", "sgd", "step_size"): (63, 6, 27),
    ("quartic", "sgd", "no_improvement"): (69, 11, 33),
    ("quartic", "minibatch16", "loss_change"): (211, 6, 182),
    ("quartic", "minibatch16", "grad_norm"): (208, 11, 186),
    ("quartic", "minibatch16", "step_size"): (205, 6, 180),
    ("quartic", "minibatch16", "no_improvement"): (204, 10, 178),
    ("quartic", "minibatch64", "loss_change"): (617, 4, 618),
    ("quartic", "minibatch64", "grad_norm"): (608, 9, 752),
    ("quartic", "minibatch64", "step_size"): (612, 4, 617),
    ("quartic", "minibatch64", "no_improvement"): (624, 8, 626),
    ("linear_regression", "batch", "loss_change"): (36, 93, 0),
    ("linear_regression", "batch", "grad_norm"): (29, 123, 0),
    ("linear_regression", "batch", "step_size"): (28, 95, 0),
    ("linear_regression", "batch", "no_improvement"): (34, 95, 0),
    ("linear_regression", "sgd", "loss_change"): (54, 79, 90),
    ("linear_regression", "sgd", "grad_norm"): (48, 105, 121),
    ("linear_regression", "sgd", "step_size"): (57, 79, 92),
    ("linear_regression", "sgd", "no_improvement"): (59, 78, 92),
    ("linear_regression", "minibatch16", "loss_change"): (185, 90, 297),
    ("linear_regression", "minibatch16", "grad_norm"): (192, 118, 284),
    ("linear_regression", "minibatch16", "step_size"): (204, 100, 258),
    ("linear_regression", "minibatch16", "no_improvement"): (190, 93, 315),
    ("linear_regression", "minibatch64", "loss_change"): (607, 135, 822),
    ("linear_regression", "minibatch64", "grad_norm"): (606, 164, 906),
    ("linear_regression", "minibatch64", "step_size"): (596, 130, 862),
    ("linear_regression", "minibatch64", "no_improvement"): (606, 134, 797),
    ("logistic_regression", "batch", "loss_change"): (37, 2175, 0),
    ("logistic_regression", "batch", "grad_norm"): (51, 3403, 0),
    ("logistic_regression", "batch", "step_size"): (173, 2082, 0),
    ("logistic_regression", "batch", "no_improvement"): (37, 2132, 0),
    ("logistic_regression", "sgd", "loss_change"): (87, 835, 872),
    ("logistic_regression", "sgd", "grad_norm"): (100, 2231, 2189),
    ("logistic_regression", "sgd", "step_size"): (76, 799, 852),
    ("logistic_regression", "sgd", "no_improvement"): (118, 817, 880),
    ("logistic_regression", "minibatch16", "loss_change"): (235, 1210, 1513),
    ("logistic_regression", "minibatch16", "grad_norm"): (217, 2459, 2817),
    ("logistic_regression", "minibatch16", "step_size"): (267, 1129, 1430),
    ("logistic_regression", "minibatch16", "no_improvement"): (330, 1146, 1352),
    ("logistic_regression", "minibatch64", "loss_change"): (690, 2238, 2988),
    ("logistic_regression", "minibatch64", "grad_norm"): (710, 3658, 4516),
    ("logistic_regression", "minibatch64", "step_size"): (639, 2295, 3178),
    ("logistic_regression", "minibatch64", "no_improvement"): (817, 2356, 3141),
    ("ravine", "batch", "loss_change"): (49, 27, 0),
    ("ravine", "batch", "grad_norm"): (56, 29, 0),
    ("ravine", "batch", "step_size"): (47, 29, 0),
    ("ravine", "batch", "no_improvement"): (47, 25, 0),
    ("ravine", "sgd", "loss_change"): (67, 45, 117),
    ("ravine", "sgd", "grad_norm"): (73, 50, 64),
    ("ravine", "sgd", "step_size"): (77, 49, 72),
    ("ravine", "sgd", "no_improvement"): (88, 45, 62),
    ("ravine", "minibatch16", "loss_change"): (228, 62, 298),
    ("ravine", "minibatch16", "grad_norm"): (227, 67, 278),
    ("ravine", "minibatch16", "step_size"): (229, 70, 314),
    ("ravine", "minibatch16", "no_improvement"): (231, 66, 245),
    ("ravine", "minibatch64", "loss_change"): (695, 131, 1175),
    ("ravine", "minibatch64", "grad_norm"): (689, 151, 820),
    ("ravine", "minibatch64", "step_size"): (730, 131, 831),
    ("ravine", "minibatch64", "no_improvement"): (673, 127, 883),
    ("rosenbrock", "batch", "loss_change"): (45, 27, 0),
    ("rosenbrock", "batch", "grad_norm"): (46, 32, 0),
    ("rosenbrock", "batch", "step_size"): (48, 30, 0),
    ("rosenbrock", "batch", "no_improvement"): (46, 27, 0),
    ("rosenbrock", "sgd", "loss_change"): (73, 44, 60),
    ("rosenbrock", "sgd", "grad_norm"): (85, 51, 73),
    ("rosenbrock", "sgd", "step_size"): (77, 49, 73),
    ("rosenbrock", "sgd", "no_improvement"): (82, 45, 61),
    ("rosenbrock", "minibatch16", "loss_change"): (241, 63, 242),
    ("rosenbrock", "minibatch16", "grad_norm"): (230, 68, 247),
    ("rosenbrock", "minibatch16", "step_size"): (219, 67, 242),
    ("rosenbrock", "minibatch16", "no_improvement"): (232, 62, 324),
    ("rosenbrock", "minibatch64", "loss_change"): (666, 123, 792),
    ("rosenbrock", "minibatch64", "grad_norm"): (655, 132, 825),
    ("rosenbrock", "minibatch64", "step_size"): (525, 223, 1081),
    ("rosenbrock", "minibatch64", "no_improvement"): (638, 122, 816),
    ("himmelblau", "batch", "loss_change"): (52, 26, 0),
    ("himmelblau", "batch", "grad_norm"): (54, 32, 0),
    ("himmelblau", "batch", "step_size"): (58, 30, 0),
    ("himmelblau", "batch", "no_improvement"): (48, 26, 0),
    ("himmelblau", "sgd", "loss_change"): (80, 41, 62),
    ("himmelblau", "sgd", "grad_norm"): (74, 51, 69),
    ("himmelblau", "sgd", "step_size"): (61, 48, 66),
    ("himmelblau", "sgd", "no_improvement"): (73, 46, 62),
    ("himmelblau", "minibatch16", "loss_change"): (231, 67, 405),
    ("himmelblau", "minibatch16", "grad_norm"): (211, 68, 286),
    ("himmelblau", "minibatch16", "step_size"): (205, 66, 244),
    ("himmelblau", "minibatch16", "no_improvement"): (212, 62, 235),
    ("himmelblau", "minibatch64", "loss_change"): (609, 112, 776),
    ("himmelblau", "minibatch64", "grad_norm"): (691, 122, 823),
    ("himmelblau", "minibatch64", "step_size"): (725, 124, 931),
    ("himmelblau", "minibatch64", "no_improvement"): (684, 123, 856),
    ("saddle", "batch", "loss_change"): (46, 23, 0),
    ("saddle", "batch", "grad_norm"): (39, 27, 0),
    ("saddle", "batch", "step_size"): (41, 25, 0),
    ("saddle", "batch", "no_improvement"): (42, 22, 0),
    ("saddle", "sgd", "loss_change"): (70, 45, 56),
    ("saddle", "sgd", "grad_norm"): (66, 50, 63),
    ("saddle", "sgd", "step_size"): (69, 47, 63),
    ("saddle", "sgd", "no_improvement"): (75, 42, 61),
    ("saddle", "minibatch16", "loss_change"): (242, 59, 354),
    ("saddle", "minibatch16", "grad_norm"): (225, 66, 235),
    ("saddle", "minibatch16", "step_size"): (245, 68, 243),
    ("saddle", "minibatch16", "no_improvement"): (254, 64, 239),
    ("saddle", "minibatch64", "loss_change"): (669, 121, 875),
    ("saddle", "minibatch64", "grad_norm"): (698, 131, 922),
    ("saddle", "minibatch64", "step_size"): (824, 115, 813),
    ("saddle", "minibatch64", "no_improvement"): (654, 120, 900),
    ("linear_regression_2d", "batch", "loss_change"): (57, 98, 0),
    ("linear_regression_2d", "batch", "grad_norm"): (57, 149, 0),
    ("linear_regression_2d", "batch", "step_size"): (63, 106, 0),
    ("linear_regression_2d", "batch", "no_improvement"): (54, 99, 0),
    ("linear_regression_2d", "sgd", "loss_change"): (76, 74, 92),
    ("linear_regression_2d", "sgd", "grad_norm"): (72, 121, 138),
    ("linear_regression_2d", "sgd", "step_size"): (79, 78, 100),
    ("linear_regression_2d", "sgd", "no_improvement"): (73, 74, 89),
    ("linear_regression_2d", "minibatch16", "loss_change"): (206, 86, 323),
    ("linear_regression_2d", "minibatch16", "grad_norm"): (199, 134, 305),
    ("linear_regression_2d", "minibatch16", "step_size"): (221, 95, 275),
    ("linear_regression_2d", "minibatch16", "no_improvement"): (208, 88, 275),
    ("linear_regression_2d", "minibatch64", "loss_change"): (676, 139, 897),
    ("linear_regression_2d", "minibatch64", "grad_norm"): (824, 188, 989),
    ("linear_regression_2d", "minibatch64", "step_size"): (626, 144, 888),
    ("linear_regression_2d", "minibatch64", "no_improvement"): (634, 145, 1042),
    ("logistic_regression_2d", "batch", "loss_change"): (0, 2430, 0),
    ("logistic_regression_2d", "batch", "grad_norm"): (133, 3956, 0),
    ("logistic_regression_2d", "batch", "step_size"): (111, 2559, 0),
    ("logistic_regression_2d", "batch", "no_improvement"): (132, 2555, 0),
    ("logistic_regression_2d", "sgd", "loss_change"): (161, 1011, 1045),
    ("logistic_regression_2d", "sgd", "grad_norm"): (1081, 3097, 3549),
    ("logistic_regression_2d", "sgd", "step_size"): (98, 1049, 1061),
    ("logistic_regression_2d", "sgd", "no_improvement"): (75, 1084, 1075),
    ("logistic_regression_2d", "minibatch16", "loss_change"): (500, 1732, 2377),
    ("logistic_regression_2d", "minibatch16", "grad_norm"): (394, 2748, 3148),
    ("logistic_regression_2d", "minibatch16", "step_size"): (273, 1373, 1573),
    ("logistic_regression_2d", "minibatch16", "no_improvement"): (341, 1339, 1681),
    ("logistic_regression_2d", "minibatch64", "loss_change"): (761, 2733, 3406),
    ("logistic_regression_2d", "minibatch64", "grad_norm"): (700, 4399, 4950),
    ("logistic_regression_2d", "minibatch64", "step_size"): (878, 2562, 3456),
    ("logistic_regression_2d", "minibatch64", "no_improvement"): (938, 2524, 3313),
    # a typed function (objective "custom"), on the numpy reference loop: ns per update PER NODE of the formula's
    # tree (nodes()), the worst over bench/budget.py's TYPED_FORMULAS (the article curve typed, the most per node,
    # and large formulas of every allowed function), from `python bench/budget.py --calibrate --typed` (2,000
    # updates, best of 2, load 0.5–1.3, 2026-12-03)
    ("custom", "batch", "loss_change"): (2223, 14.5, 0),
    ("custom", "batch", "grad_norm"): (2691, 19.6, 0),
    ("custom", "batch", "step_size"): (2371, 10.3, 0),
    ("custom", "batch", "no_improvement"): (2191, 46.9, 0),
    ("custom", "sgd", "loss_change"): (2961, 10.7, 75),
    ("custom", "sgd", "grad_norm"): (3458, 22.2, 85),
    ("custom", "sgd", "step_size"): (2979, 5.5, 69),
    ("custom", "sgd", "no_improvement"): (3288, 28.7, 80),
    ("custom", "minibatch16", "loss_change"): (3221, 4.5, 135),
    ("custom", "minibatch16", "grad_norm"): (4331, 9.9, 159),
    ("custom", "minibatch16", "step_size"): (3128, 20.5, 140),
    ("custom", "minibatch16", "no_improvement"): (3526, 53.1, 153),
    ("custom", "minibatch64", "loss_change"): (3987, 8.2, 329),
    ("custom", "minibatch64", "grad_norm"): (3833, 8.7, 307),
    ("custom", "minibatch64", "step_size"): (3492, 11.6, 353),
    ("custom", "minibatch64", "no_improvement"): (4181, 43.0, 361),
    ("custom_2d", "batch", "loss_change"): (1892, 17.9, 0),
    ("custom_2d", "batch", "grad_norm"): (2977, 15.2, 0),
    ("custom_2d", "batch", "step_size"): (1810, 16.5, 0),
    ("custom_2d", "batch", "no_improvement"): (2080, 21.6, 0),
    ("custom_2d", "sgd", "loss_change"): (2443, 8.8, 62),
    ("custom_2d", "sgd", "grad_norm"): (3065, 2.7, 73),
    ("custom_2d", "sgd", "step_size"): (1818, 197.9, 110),
    ("custom_2d", "sgd", "no_improvement"): (2466, 20.6, 68),
    ("custom_2d", "minibatch16", "loss_change"): (2628, 12.8, 104),
    ("custom_2d", "minibatch16", "grad_norm"): (3054, 35.6, 117),
    ("custom_2d", "minibatch16", "step_size"): (2271, 10.4, 101),
    ("custom_2d", "minibatch16", "no_improvement"): (2489, 19.6, 105),
    ("custom_2d", "minibatch64", "loss_change"): (2357, 4.9, 213),
    ("custom_2d", "minibatch64", "grad_norm"): (3025, 17.6, 230),
    ("custom_2d", "minibatch64", "step_size"): (2263, 26.8, 214),
    ("custom_2d", "minibatch64", "no_improvement"): (2864, 42.7, 243),
}
EACH_STOP_FACTOR = 1.6  # gd.each_stop runs once and records its steps, then scans the history for every rule
OWN_SAMPLES_FACTOR = 1.4  # seeds over 40,000 updates and more: 900 ns per lane-update, not the calibration's 651
# (each block of fresh sample indices is new memory to fault in)


class WorkCapError(Exception):
    """A view priced over SECONDS or MEGABYTES: its .runs, the .limit it was asked for, its .seconds and .megabytes,
    and .fits, the largest iteration limit that would fit (0 when even one update would not)."""

    def __init__(self, run: Run, runs: int, seconds: float, megabytes: float, fits: int):
        self.runs, self.limit, self.seconds, self.megabytes, self.fits = runs, run.max_iter, seconds, megabytes, fits
        super().__init__(f"{runs} runs × {run.max_iter:,} updates cost {seconds:.2f} s and {megabytes:.0f} MB, "
                         f"over the cap of {SECONDS} s and {MEGABYTES} MB")


def _calls(run: Run) -> list[tuple[str, int]]:
    """The engine calls the open view makes, as (kind, lanes): kinds "shared" (minimize, compare), "own" (seeds),
    "stops" (each_stop). The headline run comes first; the step-through draws on it, the quiz runs its guessed η."""
    view = {"compare": [("shared", len(run.etas))],
            "theory": [("shared", len(run.etas)), ("shared", run.sweep_points)],
            "stopping": [("stops", 1)], "noise": [("own", run.seeds)], "predict": [("shared", 1)],
            "race": [("shared", 1)] * len(RACE), "regression": [("shared", 1)]}.get(run.view, [])
    return [("shared", 1), *view]


def runs(run: Run) -> int:
    """How many runs the open view makes, the headline run included (each up to max_iter updates)."""
    return sum(lanes for _, lanes in _calls(run))


def sampling(variant: str, batch_size: int) -> str:
    """COST_NS's name for how a run samples: "batch", "sgd", or a mini-batch of 16 or 64 examples."""
    return f"minibatch{batch_size}" if variant == "minibatch" else variant


@functools.lru_cache(maxsize=256)
def nodes(text: str) -> int:
    """Nodes of Python's tree of a typed formula (at most gd.typed.MAX_NODES): what a typed update's cost grows with
    (the reference loop walks the formula's and its gradient's trees once per update)."""
    return sum(1 for _ in ast.walk(ast.parse(problem_of("custom", text).text, mode="eval")))


def priced_as(run: Run) -> str:
    """COST_NS's name for the run's objective: its own, or for a typed function "custom" (1-D) or "custom_2d", the
    costs of the largest formula gd.typed reads (bench/budget.py --calibrate --typed), so that no formula can be
    priced under what it costs."""
    if run.objective != CUSTOM:
        return run.objective
    return "custom" if problem_of(run.objective, run.function).dim == 1 else "custom_2d"


def _costs(run: Run) -> tuple[float, ...]:
    """COST_NS for the run; a mini-batch between 16 and 64 examples priced on the line between the two (a smaller
    one as 16: more updates share each permutation, so it costs less)."""
    name = priced_as(run)
    # custom rows are per node, and a formula smaller than the article curve costs the loop's own overhead, as it does
    scale = 1 if run.objective != CUSTOM else max(nodes(run.function or DEFAULT_FUNCTION), nodes(DEFAULT_FUNCTION))
    if run.variant != "minibatch":
        return tuple(scale * cost for cost in COST_NS[(name, run.variant, run.stop)])
    small, large = (COST_NS[(name, sampling("minibatch", size), run.stop)] for size in (16, 64))
    weight = (min(max(run.batch_size, 16), 64) - 16) / 48
    return tuple(scale * (a + weight * (b - a)) for a, b in zip(small, large, strict=True))


def price(run: Run, updates: int | None = None) -> tuple[float, float]:
    """The open view's worst-case (seconds, megabytes) at `updates` per run (the iteration limit unless given)."""
    updates = run.max_iter if updates is None else updates
    fixed, per_lane, own = _costs(run)
    dim = problem_of(run.objective, run.function).dim
    nanoseconds, rows = 0.0, 0
    for kind, lanes in _calls(run):
        if kind == "shared":
            nanoseconds += updates * (fixed + per_lane * lanes)
        elif kind == "own":
            nanoseconds += updates * OWN_SAMPLES_FACTOR * own * lanes
        else:
            nanoseconds += updates * EACH_STOP_FACTOR * (fixed + per_lane)
        # θ (dim numbers) and J per update; each_stop its steps too
        rows += lanes * (updates + 1) * (2 * dim + 1 if kind == "stops" else dim + 1)
    drawing = MAP_SECONDS if dim > 1 and run.view in ("compare", "theory", "stopping", "noise", "race") else 0.0
    return nanoseconds / 1e9 + drawing, rows * 8 / 1e6


def check(run: Run) -> None:
    """Raise WorkCapError, before any work, if the open view would cost more than SECONDS or MEGABYTES."""
    seconds, megabytes = price(run)
    if seconds <= SECONDS and megabytes <= MEGABYTES:
        return
    low, high = 0, run.max_iter  # the largest limit that fits: both prices grow with the limit
    while low < high:
        middle = (low + high + 1) // 2
        cost, memory = price(run, middle)
        low, high = (middle, high) if cost <= SECONDS and memory <= MEGABYTES else (low, middle - 1)
    raise WorkCapError(run, runs(run), seconds, megabytes, low)


_HEAVY = threading.RLock()  # a heavy builder may call another builder


@contextmanager
def heavy_lane(view: str, run: Run):
    """Work priced over HEAVY_SECONDS takes turns: with two cores, one heavy view at a time leaves the other core to
    every light request (an η change), so a few visitors on the heaviest views cannot slow everyone else down.
    Taken inside a view's builder, so that a view already cached never waits."""
    if price(replace(run, view=view))[0] <= HEAVY_SECONDS:
        yield
        return
    with _HEAVY:
        yield

