"""What theory says before a run: the regime of η and the number of updates until the rule fires.

On a parabola J(θ) = J* + (L/2)(θ − θ*)², plain gradient descent is exactly

    θ_k − θ* = r^k (θ₀ − θ*),   r = 1 − ηL,

so |r| decides everything: monotone (0 < r < 1, η < 1/L), one step (r = 0), oscillating but
converging (−1 < r < 0), bouncing forever (r = −1, η = 2/L), diverging (|r| > 1, η > 2/L).
The article's curve and linear regression are parabolas, so there the prediction is exact (up to
rounding, which can move a threshold by one update). On the other objectives the same formula
with L = J''(θ*) at the minimum nearest θ₀ is a local prediction: right near θ*, not far from it.
Closed forms exist here only for plain gradient descent with the full batch and a constant η.

Beyond one dimension the same holds per eigendirection of the Hessian H = Σᵢ λᵢ vᵢvᵢᵀ:

    θ_k − θ* = Σᵢ (1 − ηλᵢ)^k cᵢ vᵢ,   cᵢ = vᵢ·(θ₀ − θ*),

so each direction has its own regime, descent is stable for η < 2/λmax, the best constant η is
2/(λmin + λmax), with rate (κ − 1)/(κ + 1), κ = λmax/λmin, and heavy-ball momentum in torch's form
(b ← βb + g, θ ← θ − ηb; the same trajectory as θ ← θ − ηg + β(θ − θ_prev)) does best at
η = 4/(√λmax + √λmin)², β = ((√κ − 1)/(√κ + 1))², with rate (√κ − 1)/(√κ + 1). Exact on the
quadratic surfaces (ravine, linear_regression_2d), local elsewhere (H at the minimum nearest θ₀).

All of this needs a parabola that fits the bottom (see fits): where a direction is flat (λ = 0, as θ⁴ at 0), bends
down (λ < 0), is not a number, or the curvature J has around θ* is not the Hessian's there (a kink, |θ|, or a flat
bottom found a little off its lowest point), κ, 1/L, 2/L, the best η and momentum's best (η, β) are undefined and
theory predicts nothing: applies() is false, predict and predict_directions give None, Eigenbasis.curved is false.
"""

import math
import sys
from dataclasses import dataclass

import numpy as np

from gd import work
from gd.optimizers import OPTIMIZERS
from gd.params import ETA, MAX_ITER
from gd.run import gradient
from gd.settings import START, Settings
from gd.stopping import GRAD_FLOOR, LEFT_DOMAIN, PATIENCE, STALL_RATIO, STOPS, diverged, divergence_bound, norm, settle

REGIMES = ("monotone", "one_step", "oscillating", "bouncing", "diverging")
# What a learner predicts about a run, defined so that the run's status and theory's regime say the same:
# it reaches a minimum from one side (monotone, one step) or crossing it back and forth (oscillating), stops
# short of one (the rule fooled, bouncing forever, or the limit first), or diverges.
OUTCOMES = ("converges", "zigzags", "stops_short", "diverges")
BUCKETS = ((1, 10), (11, 100), (101, 1_000), (1_001, math.inf))  # "roughly how many updates"
BLOCK = 1024  # rows of a history whose gradients outcome() takes at once
FIT_SPAN = 1e-3  # a parabola fits J at θ* if J's curvature across θ* ± FIT_SPAN · the plot's width (a pixel or two
FIT_RATIO = 2.0  # of a map) is within this factor of the Hessian's: a flat bottom found 1e-7 off gives λ ~ 1e-13,
# whose parabola is off by a factor of a million there, while any smooth bottom is within a few per cent


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
    outcome: str  # what outcome() will call the run (OUTCOMES)


def plain(settings) -> bool:
    """Plain gradient descent on the full batch with a constant η: every step is exactly −η·∇J(θ)."""
    return settings.optimizer.name == "gd" and settings.variant == "batch" and settings.schedule.name == "constant"


def applies(settings) -> bool:
    """Closed forms exist for plain gradient descent (see plain), in one dimension, where a minimizer is known (a
    typed function may have none on its range) and a parabola fits the bottom (fits: the flat-bottomed quartic,
    J''(θ*) = 0, has none)."""
    return plain(settings) and settings.problem.dim == 1 and bool(settings.problem.minimizers) and curved(settings)


def fit_span(problem) -> float:
    """h: how far from θ* fits() measures J's curvature, FIT_SPAN of the plot's widest axis."""
    return FIT_SPAN * max(high - low for low, high in problem.bounds)


def measured_curvatures(problem, minimizer, directions) -> np.ndarray:
    """J's own curvature along each direction vᵢ (rows, unit length) at θ*: the change of ∇J·vᵢ from θ* − h vᵢ to
    θ* + h vᵢ over 2h (h = fit_span); nan where ∇J is undefined there."""
    vectors = np.reshape(np.asarray(directions, dtype=float), (-1, problem.dim))
    h = fit_span(problem)
    points = np.reshape(np.asarray(minimizer, dtype=float), (1, -1)) + h * np.concatenate([vectors, -vectors])
    with np.errstate(all="ignore"):
        slopes = gradient(problem, points)
        return np.einsum("ij,ij->i", slopes[:len(vectors)] - slopes[len(vectors):], vectors) / (2 * h)


def fits(eigenvalues, measured) -> bool:
    """Whether the parabola J* + ½ Σᵢ λᵢ ((θ − θ*)·vᵢ)² fits J at its minimum: every λᵢ a finite positive number, and
    J's curvature measured along vᵢ (measured_curvatures) within a factor FIT_RATIO of it. Fails on a flat direction
    (λ = 0), one that bends down or is not a number, a kink (|θ|: J'' = 0 beside a jump of J'), and a flat bottom
    found a little off its lowest point (a tiny λ > 0 there, where J curves far more across h)."""
    values, measured = np.asarray(eigenvalues, dtype=float), np.asarray(measured, dtype=float)
    if not (np.all(np.isfinite(values)) and np.all(values > 0)):
        return False
    with np.errstate(all="ignore"):
        ratio = measured / values
    return bool(np.all((ratio >= 1 / FIT_RATIO) & (ratio <= FIT_RATIO)))


def curved(settings) -> bool:
    """In one dimension: a parabola fits J at the minimizer nearest θ₀ (fits, with L = J''(θ*))."""
    minimizer, curvature = local_curvature(settings)
    return fits([curvature], measured_curvatures(settings.problem, [minimizer], [[1.0]]))


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
        return Prediction(regime_name, curvature, minimizer, r, 0, "diverged", problem.quadratic, "diverges")
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
    tolerance = max(STALL_RATIO * gradient, GRAD_FLOOR)  # |J'(θ_k)| = L d₀ |r|^k against it, in logs
    arrives = _log(gradient) + updates * _log(abs(r)) <= _log(tolerance)  # at a minimum when the run ends
    if updates == settings.max_iter and min(fires, escapes) > settings.max_iter:
        status = "max_iter"
    elif escapes < fires:
        status = "diverged"
    else:
        status = "converged" if arrives else "stalled"
    if status == "diverged":
        expected = "diverges"
    elif arrives:
        expected = "zigzags" if regime_name == "oscillating" else "converges"
    else:
        expected = "stops_short"
    return Prediction(regime_name, curvature, minimizer, r, int(updates), status, problem.quadratic, expected)


NEIGHBOURHOOD = 0.05  # a minimum must lie within this share of the plot range's width of where a run ended, on
SAMPLES = 21  # a grid of this many points per axis around it


def at_minimum(result) -> bool:
    """Whether the run ended at a minimum: its gradient passed the test that makes a fired rule "converged" (it shrank
    a hundredfold, or is below 1e-8; true also of a run that got there but hit the limit), and a minimum lies near:
    J sampled on a grid of ±NEIGHBOURHOOD of each axis's plot width around θ is lowest inside the grid, not on its
    edge. A small gradient alone is no minimum: exp(θ) far to the left, θ³ near 0 and a saddle point have one, and
    J keeps falling past them."""
    if result.status in ("diverged", LEFT_DOMAIN):
        return False
    problem = result.settings.problem
    with np.errstate(all="ignore"):
        first = norm(gradient(problem, np.reshape(result.history[0], (1, -1))))[0]
    if settle(norm(np.reshape(result.grad, (1, -1))), first)[0] != "converged":
        return False
    return lowest_inside(problem, np.reshape(result.theta, problem.dim))


def lowest_inside(problem, theta: np.ndarray) -> bool:
    """Whether J, sampled on a grid of ±NEIGHBOURHOOD of each axis's plot width around θ (θ at its centre), is lowest
    strictly inside the grid rather than on its edge (an undefined J counts as +∞): a minimum lies near θ."""
    offsets = np.linspace(-1.0, 1.0, SAMPLES)
    radius = [NEIGHBOURHOOD * (high - low) for low, high in problem.bounds]
    axes = [theta[axis] + radius[axis] * offsets for axis in range(problem.dim)]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1)
    with np.errstate(all="ignore"):
        values = problem.value(grid.reshape(-1, problem.dim)).reshape(grid.shape[:-1])
    values = np.where(np.isnan(values), np.inf, values)
    inside = values[(slice(1, -1),) * problem.dim]
    edge = np.ones(values.shape, dtype=bool)
    edge[(slice(1, -1),) * problem.dim] = False
    return bool(np.min(inside) <= np.min(values[edge]))


def outcome(result) -> str:
    """What a learner would call the run (OUTCOMES): it diverges; it ends at a minimum, reached from one side
    (converges) or crossing it back and forth, the gradient turning at least twice (zigzags); or it stops short."""
    if result.status in ("diverged", LEFT_DOMAIN):  # a run that left a typed function's domain broke off too
        return "diverges"
    if not at_minimum(result):
        return "stops_short"
    problem = result.settings.problem
    history = np.asarray(result.history, dtype=float).reshape(-1, problem.dim)
    count, last = 0, history[:0]
    for start in range(0, len(history), BLOCK):  # blocks, so a long regression run needs no history-sized temporary
        gradients = np.concatenate([last, gradient(problem, history[start:start + BLOCK])])
        count += reversals(gradients)
        moving = gradients[np.any(gradients != 0, axis=1)]
        last = moving[-1:] if len(moving) else last
        if count >= 2:
            return "zigzags"
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


# --- beyond one dimension: the eigenbasis ------------------------------------------------------------------------


@dataclass(frozen=True)
class Eigenbasis:
    """The quadratic that fits J at a minimum θ*: J ≈ J* + ½ (θ − θ*)ᵀ H (θ − θ*), H = Σᵢ λᵢ vᵢvᵢᵀ, λ ascending."""

    minimizer: tuple[float, ...]
    eigenvalues: tuple[float, ...]  # λ₁ ≤ … ≤ λ_d
    eigenvectors: tuple[tuple[float, ...], ...]  # vᵢ, one per eigenvalue, unit length
    coefficients: tuple[float, ...]  # cᵢ = vᵢ·(θ₀ − θ*)
    exact: bool  # J is quadratic, so H is the same everywhere; else a local fit at θ*
    measured: tuple[float, ...]  # J's own curvature along each vᵢ around θ* (measured_curvatures)

    @property
    def curved(self) -> bool:
        """A parabola fits J at θ* (fits): without it every number below is None."""
        return fits(self.eigenvalues, self.measured)

    @property
    def condition(self) -> float | None:
        """κ = λmax/λmin."""
        return self.eigenvalues[-1] / self.eigenvalues[0] if self.curved else None

    @property
    def stability_limit(self) -> float | None:
        """2/λmax: plain descent converges for η below it (every |1 − ηλᵢ| < 1)."""
        return 2.0 / self.eigenvalues[-1] if self.curved else None

    @property
    def best_eta(self) -> float | None:
        """2/(λmin + λmax): the constant η whose slowest direction is fastest (|1 − ηλmin| = |1 − ηλmax|)."""
        return 2.0 / (self.eigenvalues[0] + self.eigenvalues[-1]) if self.curved else None

    @property
    def best_rate(self) -> float | None:
        """(κ − 1)/(κ + 1): the factor on ‖θ − θ*‖ per update at best_eta, in the worst direction."""
        return (self.condition - 1) / (self.condition + 1) if self.curved else None

    @property
    def momentum_best(self) -> tuple[float, float] | None:
        """(η, β) = (4/(√λmax + √λmin)², ((√κ − 1)/(√κ + 1))²) for torch's SGD momentum (dampening 0), b ← βb + g,
        θ ← θ − ηb: the heavy ball θ ← θ − αg + β(θ − θ_prev) with α = η."""
        if not self.curved:
            return None
        low, high = math.sqrt(self.eigenvalues[0]), math.sqrt(self.eigenvalues[-1])
        return 4.0 / ((high + low) * (high + low)), self.momentum_rate * self.momentum_rate

    @property
    def momentum_rate(self) -> float | None:
        """(√κ − 1)/(√κ + 1): the asymptotic factor per update at momentum_best."""
        if not self.curved:
            return None
        root = math.sqrt(self.condition)
        return (root - 1) / (root + 1)

    def rates(self, eta: float) -> tuple[float, ...]:
        """rᵢ = 1 − ηλᵢ: each direction's factor per update of plain descent."""
        return tuple(1.0 - eta * value for value in self.eigenvalues)

    def regimes(self, eta: float) -> tuple[str, ...]:
        """Each direction's regime (REGIMES), λ ascending."""
        return tuple(regime(eta, value) for value in self.eigenvalues)

    def path(self, eta: float, updates: np.ndarray) -> np.ndarray:
        """θ_k = θ* + Σᵢ rᵢᵏ cᵢ vᵢ at each k of updates: (len(updates), dim)."""
        powers = np.power(np.asarray(self.rates(eta))[None, :], np.asarray(updates, dtype=float)[:, None])
        return np.asarray(self.minimizer) + (powers * np.asarray(self.coefficients)) @ np.asarray(self.eigenvectors)


def eigenbasis(settings) -> Eigenbasis:
    """The minimizer nearest θ₀ (Euclidean), the Hessian's eigenpairs there and θ₀'s coordinates in them; in one
    dimension the single direction is J''(θ*)."""
    problem = settings.problem
    start = np.reshape(np.asarray(settings.theta0, dtype=float), problem.dim)
    minimizer = min(problem.points, key=lambda point: float(norm((point - start)[None, :])[0]))
    with np.errstate(all="ignore"):
        hessian = problem.hessian(minimizer[None, :])[0]
    if np.all(np.isfinite(hessian)):
        values, vectors = np.linalg.eigh(hessian)
    else:  # undefined at θ* (a kink the formula's derivative cannot say): no direction to name
        values, vectors = np.full(problem.dim, np.nan), np.eye(problem.dim)
    return Eigenbasis(tuple(float(v) for v in minimizer), tuple(float(v) for v in values),
                      tuple(tuple(float(v) for v in column) for column in vectors.T),
                      tuple(float(c) for c in vectors.T @ (start - minimizer)), problem.quadratic,
                      tuple(float(v) for v in measured_curvatures(problem, minimizer, vectors.T)))


@dataclass(frozen=True)
class DirectionalPrediction:
    """What the eigenbasis predicts for plain descent at one η: per direction, then for the run."""

    basis: Eigenbasis
    regimes: tuple[str, ...]  # per eigendirection, λ ascending
    rates: tuple[float, ...]  # rᵢ = 1 − ηλᵢ
    rate: float  # max |rᵢ| over the directions θ₀ has a component along: what rules ‖θ_k − θ*‖ in the end
    updates: int  # until the rule fires, the run diverges, or max_iter
    status: str
    exact: bool  # False: a local prediction from the Hessian at the minimum


class _Model:
    """The fitted quadratic, as the stopping rules read an objective: only its gradient is asked for."""

    def __init__(self, basis: Eigenbasis):
        vectors, values = np.asarray(basis.eigenvectors), np.asarray(basis.eigenvalues)
        self.minimizer, self.hessian = np.asarray(basis.minimizer), vectors.T @ np.diag(values) @ vectors

    def grad(self, theta):
        return (theta - self.minimizer) @ self.hessian

    def excess(self, theta):
        """J − J* of the quadratic."""
        offset = theta - self.minimizer
        return 0.5 * np.einsum("ij,jk,ik->i", offset, self.hessian, offset)


def predict_directions(settings, eta: float) -> DirectionalPrediction | None:
    """The eigenbasis's prediction for plain descent (see plain) at η, or None for another run.

    The closed form gives θ_k, J_k = J* + ½ (θ_k − θ*)ᵀH(θ_k − θ*) and the steps for k = 0, 1, …; the engine's
    own tests are then applied to them, in the loop's order: divergence, then the rule, then converged or
    stalled. Evaluated on a doubling span of updates, up to max_iter."""
    if not plain(settings) or not settings.problem.minimizers:  # a typed function may have none on its range
        return None
    basis, problem = eigenbasis(settings), settings.problem
    if not basis.curved:  # no parabola fits the bottom
        return None
    model, rule = _Model(basis), STOPS[settings.stop]
    floor = settings.problem.min_value
    bound = divergence_bound(settings.theta0, problem.plot_range)
    moving = [abs(r) for r, c in zip(basis.rates(eta), basis.coefficients, strict=True) if c != 0]
    span, updates, status = 1024, settings.max_iter, "max_iter"
    with np.errstate(all="ignore"):
        start_loss = float(problem.value(np.reshape(np.asarray(settings.theta0, dtype=float), (1, -1)))[0])
        first_grad = float(norm(model.grad(basis.path(eta, [0])))[0])
        while math.isfinite(start_loss):
            count = min(span, settings.max_iter)
            history = basis.path(eta, np.arange(count + 1))
            losses = floor + model.excess(history)
            steps = np.concatenate([np.full((1, problem.dim), np.nan), np.diff(history, axis=0)])
            gone = np.flatnonzero(diverged(history[1:], losses[1:], bound))
            fired = rule.first_firing(model, history, steps, losses, settings.epsilon)
            escape = int(gone[0]) + 1 if gone.size else math.inf
            if escape <= (fired or math.inf):
                updates, status = (escape, "diverged") if gone.size else (updates, status)
            elif fired is not None:
                updates = fired
                status = str(settle(norm(model.grad(history[fired:fired + 1])), first_grad)[0])
            if gone.size or fired is not None or count == settings.max_iter:
                break
            span *= 2
        else:
            updates, status = 0, "diverged"  # J(θ₀) itself overflows: the engine makes no update
    return DirectionalPrediction(basis, basis.regimes(eta), basis.rates(eta), max(moving, default=0.0), int(updates),
                                 status, basis.exact)


@dataclass(frozen=True)
class MomentumMap:
    """Measured convergence rates of heavy-ball momentum over a grid of (η, β), beside theory's best pair."""

    etas: np.ndarray  # (columns,)
    betas: np.ndarray  # (rows,)
    rates: np.ndarray  # (rows, columns): rates[i, j] for β = betas[i], η = etas[j]; inf where the run overflowed
    updates: int  # K
    best: tuple[float, float]  # theory's (η, β) = Eigenbasis.momentum_best
    best_rate: float  # theory's (√κ − 1)/(√κ + 1)


def momentum_map(etas, betas, objective: str = "ravine", *, theta0=START, updates: int = 200) -> MomentumMap:
    """The measured rate of torch's SGD momentum (b ← βb + g from b = 0, θ ← θ − ηb, full batch) at every (η, β)
    of the grid, from the same θ₀ (the objective's start by default), in one vectorized pass: one lane per cell.

    What it measures: rate = (‖θ_K − θ*‖ / ‖θ_{K/2} − θ*‖)^(1/(K − K/2)), K = updates, θ* the minimizer nearest
    θ₀: the geometric mean factor per update over the second half of the run, once the start's transient has
    faded (over the whole run a repeated eigenvalue's k·ρᵏ would add K^(1/K), 2.7% at K = 200; over the second
    half it adds 2^(2/K), 0.7%). Below 1 converges, above 1 diverges; 0 where θ reached θ* exactly; inf where θ
    overflowed."""
    settings = Settings(objective, theta0=theta0)
    problem, basis = settings.problem, eigenbasis(settings)
    momentum = OPTIMIZERS["momentum"].hyperparameters[0]  # β's range: [0, 1)
    grid_etas = np.array([ETA.check(eta) for eta in etas])
    grid_betas = np.array([momentum.check(beta) for beta in betas])
    updates = MAX_ITER.narrowed(low=2).check(updates)  # two at least: the rate is taken over the second half
    rate = np.tile(grid_etas, len(grid_betas))[:, None]  # lane = row·columns + column
    beta = np.repeat(grid_betas, len(grid_etas))[:, None]
    theta = np.tile(np.asarray(settings.theta0, dtype=float), (len(rate), 1))
    buffer, minimizer, half = np.zeros_like(theta), np.asarray(basis.minimizer), updates // 2
    with np.errstate(all="ignore"):
        for k in range(updates):
            work.check()
            if k == half:
                middle = norm(theta - minimizer)
            buffer = beta * buffer + problem.grad(theta)
            theta = theta - rate * buffer
        last = norm(theta - minimizer)
        measured = np.where(last == 0, 0.0, (last / middle) ** (1.0 / (updates - half)))
    measured = np.where(np.isfinite(measured), measured, np.inf)
    return MomentumMap(grid_etas, grid_betas, measured.reshape(len(grid_betas), len(grid_etas)), updates,
                       basis.momentum_best, basis.momentum_rate)
