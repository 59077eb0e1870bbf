"""What theory says before a run: the regime of η and the number of updates until the rule fires.

On a parabola J(θ) = J* + (L/2)(θ − θ*)², plain gradient descent is exactly

    θ_k − θ* = r^k (θ₀ − θ*),   r = 1 − ηL,

so |r| decides everything: monotone (0 < r < 1, η < 1/L), one step (r = 0), oscillating but
converging (−1 < r < 0), bouncing forever (r = −1, η = 2/L), diverging (|r| > 1, η > 2/L).
The article's curve and linear regression are parabolas, so there the prediction is exact (up to
rounding, which can move a threshold by one update). On the other objectives the same formula
with L = J''(θ*) at the minimum nearest θ₀ is a local prediction: right near θ*, not far from it.
Closed forms exist here only for plain gradient descent with the full batch and a constant η.
"""

import math
import sys
from dataclasses import dataclass

import numpy as np

from gd.run import gradient
from gd.stopping import GRAD_FLOOR, LEFT_DOMAIN, PATIENCE, STALL_RATIO, divergence_bound

REGIMES = ("monotone", "one_step", "oscillating", "bouncing", "diverging")
OUTCOMES = ("converges", "oscillates", "stalls", "diverges")
BUCKETS = ((1, 10), (11, 100), (101, 1_000), (1_001, math.inf))  # "roughly how many updates"
BLOCK = 1024  # rows of a history whose gradients outcome() takes at once


def regime(eta: float, curvature: float) -> str:
    product = eta * curvature
    if math.isclose(product, 1.0, rel_tol=1e-12):
        return "one_step"
    if math.isclose(product, 2.0, rel_tol=1e-12):
        return "bouncing"
    return "monotone" if product < 1 else "oscillating" if product < 2 else "diverging"


@dataclass(frozen=True)
class Prediction:
    regime: str
    curvature: float  # L, or J''(θ*) for a local prediction
    minimizer: float
    rate: float  # r = 1 − ηL: the factor on θ − θ* per update
    updates: int  # until the rule fires, the run diverges, or max_iter
    status: str
    exact: bool  # False: a local prediction from the curvature at the minimum


def plain(settings) -> bool:
    """Plain gradient descent on the full batch with a constant η: every step is exactly −η·∇J(θ)."""
    return settings.optimizer.name == "gd" and settings.variant == "batch" and settings.schedule.name == "constant"


def applies(settings) -> bool:
    """Closed forms exist for plain gradient descent (see plain), in one dimension, where a minimizer is known (a
    typed function may have none on its range) and a parabola fits the bottom (J''(θ*) > 0: the flat-bottomed
    quartic has none)."""
    return (plain(settings) and settings.problem.dim == 1 and bool(settings.problem.minimizers)
            and local_curvature(settings)[1] > 0)


def reversals(gradients: np.ndarray) -> int:
    """How often the gradient turned around along a run (rows: successive gradients, zeros skipped): each time θ
    crossed a minimum instead of approaching it from one side."""
    moving = np.reshape(gradients, (len(gradients), -1))
    moving = moving[np.any(moving != 0, axis=1)]
    return int(np.count_nonzero(np.einsum("ij,ij->i", moving[1:], moving[:-1]) < 0))


def _log(value: float) -> float:
    return math.log(value) if value > 0 else -math.inf


def _first(threshold: float, log_start: float, ratio: float, offset: int) -> float:
    """Smallest k ≥ 1 with start·ratio^(k − offset) < threshold, for 0 ≤ ratio < 1; inf if never. The start is
    given as its logarithm, so that a far θ₀ (d₀² past the largest float) cannot overflow."""
    if log_start < math.log(threshold):
        return 1
    if ratio == 0:
        return offset + 1
    if ratio >= 1:
        return math.inf
    return max(1, math.floor((math.log(threshold) - log_start) / math.log(ratio)) + offset + 1)


def local_curvature(settings) -> tuple[float, float]:
    """The minimizer nearest θ₀ and J'' there: the L of the parabola that fits J at the bottom."""
    problem = settings.problem
    minimizer = min(problem.minimizers, key=lambda point: abs(point - settings.theta0))
    return minimizer, float(problem.curvature(np.array([[minimizer]]))[0])


def predict(settings, eta: float) -> Prediction | None:
    """The regime and the predicted updates and status for η under settings, or None without a closed form."""
    if not applies(settings):
        return None
    problem = settings.problem
    minimizer, curvature = local_curvature(settings)
    r = 1.0 - eta * curvature
    regime_name = regime(eta, curvature)
    with np.errstate(all="ignore"):
        start_loss = float(problem.value(np.array([[settings.theta0]]))[0])
    if not math.isfinite(start_loss):  # the engine stops before the first update, as J(θ₀) overflows
        return Prediction(regime_name, curvature, minimizer, r, 0, "diverged", problem.quadratic)
    distance = abs(settings.theta0 - minimizer)
    gradient = curvature * distance  # |J'(θ₀)| of the parabola
    log_energy = _log(curvature / 2) + 2 * _log(distance)  # log of (L/2) d₀²
    epsilon = settings.epsilon if settings.epsilon > 0 else 0.0
    fires = math.inf
    if epsilon and settings.stop == "loss_change":  # |ΔJ_k| = (L/2) d₀² |1 − r²| r^(2(k−1))
        fires = _first(epsilon, log_energy + _log(abs(1 - r * r)), r * r, 1) if r * r != 1 else 1
    elif epsilon and settings.stop == "grad_norm":  # |J'(θ_k)| = L d₀ |r|^k
        fires = _first(epsilon, _log(gradient * abs(r)), abs(r), 1)
    elif epsilon and settings.stop == "step_size":  # |Δθ_k| = ηL d₀ |r|^(k−1)
        fires = _first(epsilon, _log(eta * gradient), abs(r), 1)
    elif epsilon and settings.stop == "no_improvement":  # J stops falling by ε, then PATIENCE updates more
        falls = distance > 0 and abs(r) < 1
        fires = PATIENCE if abs(r) >= 1 else _first(epsilon, log_energy + _log(1 - r * r), r * r, 1) + PATIENCE - 1
        fires = fires if falls or abs(r) >= 1 else PATIENCE
    escapes = math.inf
    if abs(r) > 1 and distance > 0:  # |θ* + r^k d₀| passes the bound (past the largest float, θ itself overflows)
        bound = min(divergence_bound(settings.theta0, problem.plot_range), sys.float_info.max)
        escapes = max(1, math.ceil((_log(bound - abs(minimizer)) - _log(distance)) / math.log(abs(r))))
    updates = min(fires, escapes, settings.max_iter)
    if updates == settings.max_iter and min(fires, escapes) > settings.max_iter:
        status = "max_iter"
    elif escapes < fires:
        status = "diverged"
    else:
        tolerance = max(STALL_RATIO * gradient, GRAD_FLOOR)  # |J'(θ_k)| = L d₀ |r|^k against it, in logs
        status = "converged" if _log(gradient) + updates * _log(abs(r)) <= _log(tolerance) else "stalled"
    return Prediction(regime_name, curvature, minimizer, r, int(updates), status, problem.quadratic)


def outcome(result) -> str:
    """What a learner would call the run: converges, oscillates (θ crosses the minimum back and forth), stalls,
    or diverges."""
    if result.status in ("diverged", LEFT_DOMAIN):  # a run that left a typed function's domain broke off too
        return "diverges"
    if result.status == "stalled":
        return "stalls"
    problem = result.settings.problem
    history = np.asarray(result.history, dtype=float).reshape(-1, problem.dim)
    count, last = 0, history[:0]
    for start in range(0, len(history), BLOCK):  # blocks, so a long regression run needs no history-sized temporary
        gradients = np.concatenate([last, gradient(problem, history[start:start + BLOCK])])
        count += reversals(gradients)
        moving = gradients[np.any(gradients != 0, axis=1)]
        last = moving[-1:] if len(moving) else last
        if count >= 2:
            return "oscillates"
    return "converges"


def bucket(updates: int) -> int:
    return next(index for index, (low, high) in enumerate(BUCKETS) if low <= updates <= high)


@dataclass(frozen=True)
class Score:
    outcome: str
    bucket: int
    outcome_right: bool
    bucket_right: bool

    @property
    def points(self) -> int:
        return int(self.outcome_right) + int(self.bucket_right)


def judge(guessed_outcome: str, guessed_bucket: int, actual_outcome: str, updates: int) -> Score:
    """Score a prediction made before the run: one point for the outcome, one for the rough update count."""
    actual_bucket = bucket(max(updates, 1))
    return Score(actual_outcome, actual_bucket, guessed_outcome == actual_outcome, guessed_bucket == actual_bucket)
