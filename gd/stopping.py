"""When a run ends, and what its status means.

A stopping rule fires when its measure falls below ε, or, for "no_improvement" (scikit-learn's
n_iter_no_change), after PATIENCE updates in a row that did not lower the best J so far by ε.
ε = 0 means never: the run goes to max_iter.
Firing alone does not mean success. The article's rule |ΔJ| < ε fires at η = 1 after one update
because J(5) = J(0), with the gradient still 5. So a run whose rule fired is

    converged  if |∇J(θ_k)| ≤ max(STALL_RATIO · |∇J(θ₀)|, GRAD_FLOOR)
    stalled    otherwise: the rule fired far from a stationary point.

A run is diverged, and ends at once, when J(θ_k) is not finite or |θ_k| exceeds
DIVERGENCE_FACTOR · max(1, |θ₀|, |plot range ends|); this is checked before the rule. Beyond one
dimension |·| is the Euclidean norm, in every rule and test here. A run of a typed function
(gd.typed), which has a domain, ends so as LEFT_DOMAIN instead when θ_k is a finite point outside
the domain (J undefined there: the log of a negative number, a division by zero) or θ_{k-1} was
(∇J undefined there, as that of √θ at 0).
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType
from typing import NamedTuple

import numpy as np

LEFT_DOMAIN = "left_domain"  # appended to STATUSES, never inserted: the compiled loop's codes index it
STATUSES = ("converged", "stalled", "max_iter", "diverged", LEFT_DOMAIN)
DIVERGENCE_FACTOR = 1e8  # how far past the drawn range θ may go before the run is called diverged
STALL_RATIO = 1e-2  # the gradient must have shrunk a hundredfold for "converged"
GRAD_FLOOR = 1e-8  # ... or be this small, when it started at (almost) zero


def norm(vectors: np.ndarray) -> np.ndarray:
    """Euclidean norm over the last axis: (lanes, dim) -> (lanes,), without overflow for |θ| > 1e154."""
    if vectors.shape[-1] == 1:  # one dimension: |v|, one call instead of a reduction
        return np.abs(vectors[..., 0])
    return np.hypot.reduce(np.abs(vectors), axis=-1)


PATIENCE = 5  # updates without improvement before "no_improvement" fires (scikit-learn's default)


class NoMemory(NamedTuple):
    pass


class Progress(NamedTuple):
    best: np.ndarray  # lowest J seen so far, per lane
    stale: np.ndarray  # updates in a row that did not beat best by ε


@dataclass(frozen=True)
class StopRule:
    """A memoryless rule has a measure (fires when it is < ε); "no_improvement" keeps a Progress state."""

    name: str
    latex: str
    measure: Callable | None = None  # (objective, theta, step, loss, previous_loss) -> (lanes,)

    def init(self, loss: np.ndarray):
        return NoMemory() if self.measure else Progress(loss.copy(), np.zeros(loss.shape, dtype=int))

    def fires(self, objective, theta, step, loss, previous, epsilon, state):
        """(lanes that stop now, new state); nothing fires when ε = 0."""
        if self.measure:
            return self.measure(objective, theta, step, loss, previous) < epsilon, state
        stale = np.where(_improves(loss, state.best, epsilon), 0, state.stale + 1)
        return (stale >= PATIENCE) & (epsilon > 0), Progress(np.fmin(state.best, loss), stale)

    def first_firing(self, objective, history, steps, losses, epsilon) -> int | None:
        """The first update k ≥ 1 after which this rule stops a run whose θ_k, steps and J(θ_k) are rows k of
        history, steps and losses (row 0 is θ₀; steps[0] is unused), or None: the loop's test, on every row at once.

        Rows are treated as lanes, so each row's measure is the number the loop computed at that update."""
        if self.measure:
            fired = self.measure(objective, history[1:], steps[1:], losses[1:], losses[:-1]) < epsilon
        else:
            best = np.fmin.accumulate(losses[:-1])  # best[k − 1]: the lowest J before update k, from J(θ₀)
            stale = ~_improves(losses[1:], best, epsilon)
            if len(stale) < PATIENCE or not epsilon > 0:
                return None
            # stale reaches PATIENCE at the first update that ends PATIENCE non-improving updates in a row
            fired = np.lib.stride_tricks.sliding_window_view(stale, PATIENCE).all(axis=1)
            fired = np.concatenate([np.zeros(PATIENCE - 1, dtype=bool), fired])
        hits = np.flatnonzero(fired)
        return int(hits[0]) + 1 if hits.size else None


def _improves(loss, best, epsilon):
    """An update improves when it lowers the best J so far by at least ε (a drop of exactly ε counts, as in sklearn)."""
    return loss <= best - epsilon


STOPS = MappingProxyType({rule.name: rule for rule in (
    StopRule("loss_change", r"|J(\theta_k) - J(\theta_{k-1})| < \varepsilon",
             lambda objective, theta, step, loss, previous: np.abs(loss - previous)),
    StopRule("grad_norm", r"|\nabla J(\theta_k)| < \varepsilon",
             lambda objective, theta, step, loss, previous: norm(objective.grad(theta))),
    StopRule("step_size", r"|\theta_k - \theta_{k-1}| < \varepsilon",
             lambda objective, theta, step, loss, previous: norm(step)),
    StopRule("no_improvement", r"J(\theta_{k-j}) > \min_{i < k-j} J(\theta_i) - \varepsilon"
             rf"\ \text{{for}}\ j = 0, \dots, {PATIENCE - 1}"),
)})


def divergence_bound(theta0, plot_range) -> float:
    """DIVERGENCE_FACTOR · max(1, ‖θ₀‖, |every end|): θ₀ a number or a point, plot_range a pair (low, high) or one
    pair per axis."""
    start = abs(float(theta0)) if np.ndim(theta0) == 0 else math.hypot(*(float(c) for c in theta0))
    ends = [end for pair in plot_range for end in pair] if np.ndim(plot_range[0]) else list(plot_range)
    return DIVERGENCE_FACTOR * max(1.0, start, *(abs(float(end)) for end in ends))


def diverged(theta: np.ndarray, loss: np.ndarray, bound: float) -> np.ndarray:
    """Lanes whose θ left the bound or whose J is not finite (NaN included)."""
    return ~((norm(theta) <= bound) & np.isfinite(loss))


def ended(objective, before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """The status of lanes that diverged() stopped, from θ_{k-1} (before) and θ_k (after): LEFT_DOMAIN where the
    objective has a domain (a typed function's .domain) and θ_k is finite and outside it or θ_{k-1} is outside it,
    else "diverged"."""
    inside = getattr(objective, "domain", None)
    if inside is None:
        return np.full(len(after), "diverged", dtype=object)
    left = (np.isfinite(after).all(axis=-1) & ~inside(after)) | ~inside(before)
    return np.where(left, LEFT_DOMAIN, "diverged").astype(object)


def tolerance(initial_grad_norm):
    """The largest |∇J(θ_k)| that "converged" accepts (per lane, for an array of lanes' initial norms)."""
    return np.maximum(STALL_RATIO * initial_grad_norm, GRAD_FLOOR)


def settle(final_grad_norm: np.ndarray, initial_grad_norm: float) -> np.ndarray:
    """The status of lanes whose rule fired: "converged" near a stationary point, else "stalled"."""
    return np.where(final_grad_norm <= tolerance(initial_grad_norm), "converged", "stalled")
