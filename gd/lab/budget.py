"""The work cap: what one page view may cost in time and memory, priced and refused before any work starts.

A view's runs are priced by what they cost, not by how many updates they make: an update of logistic
regression (64 examples through exp and log) costs a hundred times one of the parabola, a mini-batch
draws a permutation, and lanes of one array share the loop's cost where seeds each draw their own
samples. COST_NS holds the compiled loop's worst cost (over update rules and batch sizes) per
objective, variant and stopping rule, measured by `python bench/budget.py --calibrate` on this project's
machine kind; a view is priced as if every run went to the iteration limit, so the price bounds it.
"""

import threading
from contextlib import contextmanager
from dataclasses import replace

from gd.lab.controls import Run

SECONDS = 1.5  # what one view may cost on the server, priced as if every run went to the limit (most stop sooner)
MEGABYTES = 100  # what one view's histories may hold: with frames, charts and copies, at most 150 MB of the server
HEAVY_SECONDS = 0.05  # a view priced above this waits for the one heavy lane (see heavy_lane)

# ns per update: (fixed, per lane of a shared run, per lane with its own samples), keyed (objective, sampling,
# stop); the worst over gd and Adam (own samples: 50 seeds, the page's most), from
# `python bench/budget.py --calibrate` (2-core Xeon, numba 0.68, compiled loop warm, 20,000 updates, best of 2).
COST_NS = {
    ("quadratic", "batch", "loss_change"): (42, 14, 0),
    ("quadratic", "batch", "grad_norm"): (37, 15, 0),
    ("quadratic", "batch", "step_size"): (38, 14, 0),
    ("quadratic", "batch", "no_improvement"): (48, 12, 0),
    ("quadratic", "sgd", "loss_change"): (45, 23, 43),
    ("quadratic", "sgd", "grad_norm"): (49, 27, 43),
    ("quadratic", "sgd", "step_size"): (51, 26, 41),
    ("quadratic", "sgd", "no_improvement"): (54, 25, 43),
    ("quadratic", "minibatch16", "loss_change"): (201, 33, 255),
    ("quadratic", "minibatch16", "grad_norm"): (204, 34, 200),
    ("quadratic", "minibatch16", "step_size"): (189, 33, 199),
    ("quadratic", "minibatch16", "no_improvement"): (185, 33, 193),
    ("quadratic", "minibatch64", "loss_change"): (572, 76, 686),
    ("quadratic", "minibatch64", "grad_norm"): (636, 83, 691),
    ("quadratic", "minibatch64", "step_size"): (630, 82, 703),
    ("quadratic", "minibatch64", "no_improvement"): (619, 83, 862),
    ("double_well", "batch", "loss_change"): (56, 10, 0),
    ("double_well", "batch", "grad_norm"): (50, 11, 0),
    ("double_well", "batch", "step_size"): (50, 10, 0),
    ("double_well", "batch", "no_improvement"): (46, 11, 0),
    ("double_well", "sgd", "loss_change"): (66, 23, 41),
    ("double_well", "sgd", "grad_norm"): (50, 30, 49),
    ("double_well", "sgd", "step_size"): (64, 28, 51),
    ("double_well", "sgd", "no_improvement"): (50, 27, 44),
    ("double_well", "minibatch16", "loss_change"): (201, 52, 377),
    ("double_well", "minibatch16", "grad_norm"): (192, 46, 686),
    ("double_well", "minibatch16", "step_size"): (202, 50, 603),
    ("double_well", "minibatch16", "no_improvement"): (213, 36, 230),
    ("double_well", "minibatch64", "loss_change"): (718, 90, 1027),
    ("double_well", "minibatch64", "grad_norm"): (1355, 53, 2570),
    ("double_well", "minibatch64", "step_size"): (1041, 152, 1383),
    ("double_well", "minibatch64", "no_improvement"): (600, 82, 707),
    ("quartic", "batch", "loss_change"): (52, 8, 0),
    ("quartic", "batch", "grad_norm"): (45, 11, 0),
    ("quartic", "batch", "step_size"): (45, 10, 0),
    ("quartic", "batch", "no_improvement"): (46, 9, 0),
    ("quartic", "sgd", "loss_change"): (43, 23, 37),
    ("quartic", "sgd", "grad_norm"): (44, 26, 40),
    ("quartic", "sgd", "step_size"): (48, 27, 40),
    ("quartic", "sgd", "no_improvement"): (47, 29, 46),
    ("quartic", "minibatch16", "loss_change"): (209, 34, 217),
    ("quartic", "minibatch16", "grad_norm"): (196, 37, 204),
    ("quartic", "minibatch16", "step_size"): (207, 36, 204),
    ("quartic", "minibatch16", "no_improvement"): (214, 37, 209),
    ("quartic", "minibatch64", "loss_change"): (692, 102, 885),
    ("quartic", "minibatch64", "grad_norm"): (590, 79, 685),
    ("quartic", "minibatch64", "step_size"): (589, 73, 648),
    ("quartic", "minibatch64", "no_improvement"): (569, 74, 672),
    ("linear_regression", "batch", "loss_change"): (34, 96, 0),
    ("linear_regression", "batch", "grad_norm"): (36, 117, 0),
    ("linear_regression", "batch", "step_size"): (33, 103, 0),
    ("linear_regression", "batch", "no_improvement"): (31, 100, 0),
    ("linear_regression", "sgd", "loss_change"): (41, 90, 106),
    ("linear_regression", "sgd", "grad_norm"): (55, 112, 126),
    ("linear_regression", "sgd", "step_size"): (49, 91, 108),
    ("linear_regression", "sgd", "no_improvement"): (53, 86, 102),
    ("linear_regression", "minibatch16", "loss_change"): (189, 101, 383),
    ("linear_regression", "minibatch16", "grad_norm"): (202, 122, 288),
    ("linear_regression", "minibatch16", "step_size"): (184, 99, 254),
    ("linear_regression", "minibatch16", "no_improvement"): (178, 100, 258),
    ("linear_regression", "minibatch64", "loss_change"): (539, 146, 830),
    ("linear_regression", "minibatch64", "grad_norm"): (566, 171, 804),
    ("linear_regression", "minibatch64", "step_size"): (572, 145, 763),
    ("linear_regression", "minibatch64", "no_improvement"): (588, 142, 770),
    ("logistic_regression", "batch", "loss_change"): (83, 2102, 0),
    ("logistic_regression", "batch", "grad_norm"): (0, 3563, 0),
    ("logistic_regression", "batch", "step_size"): (0, 2218, 0),
    ("logistic_regression", "batch", "no_improvement"): (99, 2261, 0),
    ("logistic_regression", "sgd", "loss_change"): (72, 925, 950),
    ("logistic_regression", "sgd", "grad_norm"): (128, 2385, 2325),
    ("logistic_regression", "sgd", "step_size"): (115, 838, 874),
    ("logistic_regression", "sgd", "no_improvement"): (52, 843, 867),
    ("logistic_regression", "minibatch16", "loss_change"): (227, 1231, 1598),
    ("logistic_regression", "minibatch16", "grad_norm"): (210, 2717, 2935),
    ("logistic_regression", "minibatch16", "step_size"): (295, 1186, 1367),
    ("logistic_regression", "minibatch16", "no_improvement"): (213, 1232, 1557),
    ("logistic_regression", "minibatch64", "loss_change"): (777, 2288, 3203),
    ("logistic_regression", "minibatch64", "grad_norm"): (818, 3570, 4382),
    ("logistic_regression", "minibatch64", "step_size"): (780, 2266, 3013),
    ("logistic_regression", "minibatch64", "no_improvement"): (831, 2349, 3085),
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


def runs(run: Run) -> int:
    """How many runs the open view makes, the headline run included (each up to max_iter updates)."""
    return 1 + {"compare": len(run.etas), "theory": len(run.etas) + run.sweep_points, "stopping": 1,
                "geometry": 0, "noise": run.seeds, "predict": 1}[run.view]


def _calls(run: Run) -> list[tuple[str, int]]:
    """The engine calls the open view makes, as (kind, lanes): kinds "shared" (minimize, compare), "own" (seeds),
    "stops" (each_stop). The headline run comes first."""
    view = {"compare": [("shared", len(run.etas))],
            "theory": [("shared", len(run.etas)), ("shared", run.sweep_points)],
            "stopping": [("stops", 1)], "noise": [("own", run.seeds)]}.get(run.view, [])
    return [("shared", 1), *view]


def sampling(variant: str, batch_size: int) -> str:
    """COST_NS's name for how a run samples: "batch", "sgd", or a mini-batch of 16 or 64 examples."""
    return f"minibatch{batch_size}" if variant == "minibatch" else variant


def _costs(run: Run) -> tuple[float, ...]:
    """COST_NS for the run; a mini-batch between 16 and 64 examples priced on the line between the two (a smaller
    one as 16: more updates share each permutation, so it costs less)."""
    if run.variant != "minibatch":
        return COST_NS[(run.objective, run.variant, run.stop)]
    small, large = (COST_NS[(run.objective, sampling("minibatch", size), run.stop)] for size in (16, 64))
    weight = (min(max(run.batch_size, 16), 64) - 16) / 48
    return tuple(a + weight * (b - a) for a, b in zip(small, large, strict=True))


def price(run: Run, updates: int | None = None) -> tuple[float, float]:
    """The open view's worst-case (seconds, megabytes) at `updates` per run (the iteration limit unless given)."""
    updates = run.max_iter if updates is None else updates
    fixed, per_lane, own = _costs(run)
    nanoseconds, rows = 0.0, 0
    for kind, lanes in _calls(run):
        if kind == "shared":
            nanoseconds += updates * (fixed + per_lane * lanes)
        elif kind == "own":
            nanoseconds += updates * OWN_SAMPLES_FACTOR * own * lanes
        else:
            nanoseconds += updates * EACH_STOP_FACTOR * (fixed + per_lane)
        rows += lanes * (updates + 1) * (3 if kind == "stops" else 2)  # θ and J per update; each_stop its steps too
    return nanoseconds / 1e9, rows * 8 / 1e6


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

