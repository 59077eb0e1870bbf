"""A plain one-run reference of the engine, in Python floats, written from the documented math.

torch keeps `_single_tensor_sgd` beside `_multi_tensor_sgd`; this is the single form of gd.minimize, written
without looking at gd/run.py: one θ, one loop, one update at a time. Nothing here calls the engine's update
rules, schedules, stopping rules, divergence test or status split. From gd it takes only

- each objective's per-example data, recovered through the public batch_grad at single examples
  (Problem.recovered), because the data sets live inside the objectives; tests/test_objectives.py checks the
  recovered data against the engine's value() and batch_grad() at other points, so a wrong recovery fails there;
- the example indices gd.variants.batches draws, whose sampling tests/test_variants.py checks on its own;
- an objective's plot range, an input of the divergence bound.

Every number below (defaults, 1e-2, 1e-8, 1e8, patience 5) is written out from the docstrings and torch.optim /
scikit-learn, not imported from the engine.
"""

import itertools
import math
from dataclasses import dataclass

import numpy as np

import gd
from gd.variants import batches

N = 64  # examples in every objective's data set (the objectives' docstring)

# --- objectives -------------------------------------------------------------------------------------------------

# The analytic curves: J, J', J'' by hand; example i adds its offset aᵢ to the gradient: jᵢ(θ) = J(θ) + aᵢ(θ − c).
CURVES = {
    "quadratic": (lambda t: (t - 2.5) * (t - 2.5) - 1, lambda t: 2 * (t - 2.5), lambda t: 2.0),
    "double_well": (lambda t: t * t * t * t / 4 - t * t + 0.3 * t, lambda t: t * t * t - 2 * t + 0.3,
                    lambda t: 3 * t * t - 2),
    "quartic": (lambda t: (t - 1) * (t - 1) * (t - 1) * (t - 1), lambda t: 4 * (t - 1) * (t - 1) * (t - 1),
                lambda t: 12 * (t - 1) * (t - 1)),
}


def _single(objective, theta: float, i: int) -> float:
    """The engine's gradient of example i alone at θ (public batch_grad over a batch of one)."""
    return float(objective.batch_grad(np.array([[theta]]), np.array([i]))[0, 0])


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _softplus(z: float) -> float:
    """log(1 + eᶻ) without overflow."""
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


@dataclass(frozen=True)
class Problem:
    """One objective by hand: J, J', J'' and the gradient of each example, in Python floats."""

    name: str
    plot_range: tuple[float, float]
    offsets: tuple[float, ...] = ()  # curves: aᵢ
    x: tuple[float, ...] = ()  # linear regression: xᵢ (up to a shared sign choice per example) and yᵢ
    y: tuple[float, ...] = ()
    u: tuple[float, ...] = ()  # logistic regression: uᵢ = sᵢxᵢ, the label sign times the input

    @classmethod
    def recovered(cls, name: str) -> "Problem":
        objective = gd.OBJECTIVES[name]
        assert objective.n_examples == N
        if name in CURVES:
            # jᵢ' = J' + aᵢ, so aᵢ = batch_grad over {i} − J' (hand), read at θ = 0
            slope = CURVES[name][1](0.0)
            return cls(name, objective.plot_range, offsets=tuple(_single(objective, 0.0, i) - slope
                                                                  for i in range(N)))
        if name == "linear_regression":
            # jᵢ = (θxᵢ − yᵢ)², jᵢ' = 2xᵢ²θ − 2xᵢyᵢ: the slope in θ gives xᵢ², the value at 0 gives xᵢyᵢ
            squares = [(_single(objective, 1e3, i) - _single(objective, -1e3, i)) / 4e3 for i in range(N)]
            products = [-_single(objective, 0.0, i) / 2 for i in range(N)]
            x = [math.sqrt(s) for s in squares]
            y = [product / xi for product, xi in zip(products, x, strict=True)]
            return cls(name, objective.plot_range, x=tuple(x), y=tuple(y))
        if name == "logistic_regression":
            # jᵢ = log(1 + e^(−uᵢθ)), jᵢ' = −uᵢ σ(−uᵢθ), so jᵢ'(0) = −uᵢ/2
            return cls(name, objective.plot_range, u=tuple(-2 * _single(objective, 0.0, i) for i in range(N)))
        raise KeyError(name)

    def value(self, t: float) -> float:
        if self.name in CURVES:
            return CURVES[self.name][0](t)
        if self.x:
            return sum((t * x - y) * (t * x - y) for x, y in zip(self.x, self.y, strict=True)) / N
        return sum(_softplus(-u * t) for u in self.u) / N

    def example_grad(self, t: float, i: int) -> float:
        if self.name in CURVES:
            return CURVES[self.name][1](t) + self.offsets[i]
        if self.x:
            return 2 * (t * self.x[i] - self.y[i]) * self.x[i]
        return -self.u[i] * _sigmoid(-self.u[i] * t)

    def grad(self, t: float) -> float:
        """The full gradient: the curve's J' (the offsets cancel in pairs), or the mean over the 64 examples."""
        if self.name in CURVES:
            return CURVES[self.name][1](t)
        return sum(self.example_grad(t, i) for i in range(N)) / N

    def batch_grad(self, t: float, indices) -> float:
        if self.name in CURVES:  # J' plus the mean offset of the batch
            return CURVES[self.name][1](t) + sum(self.offsets[i] for i in indices) / len(indices)
        return sum(self.example_grad(t, i) for i in indices) / len(indices)

    def curvature(self, t: float) -> float:
        if self.name in CURVES:
            return CURVES[self.name][2](t)
        if self.x:
            return 2 * sum(x * x for x in self.x) / N
        return sum(u * u * _sigmoid(u * t) * _sigmoid(-u * t) for u in self.u) / N


_PROBLEMS: dict[str, Problem] = {}


def problem(name: str) -> Problem:
    if name not in _PROBLEMS:
        _PROBLEMS[name] = Problem.recovered(name)
    return _PROBLEMS[name]


# --- update rules (torch.optim's documented equations, float64) -------------------------------------------------

OPTIMIZER_DEFAULTS = {  # torch.optim's defaults
    "gd": {},
    "momentum": {"momentum": 0.9},
    "nesterov": {"momentum": 0.9},
    "adagrad": {"eps": 1e-10},
    "rmsprop": {"alpha": 0.99, "eps": 1e-8},
    "adam": {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8},
}


def update_rule(name: str, **options):
    """A closure step(g, lr) -> Δθ keeping its own state, one per run."""
    h = {**OPTIMIZER_DEFAULTS[name], **options}
    state = {"buf": 0.0, "sum": 0.0, "avg": 0.0, "m": 0.0, "v": 0.0, "t": 0}

    def step(g, lr):
        if name == "gd":
            return -lr * g
        if name in ("momentum", "nesterov"):  # torch SGD, dampening 0: buf = μ·buf + g from 0, so buf₁ = g
            state["buf"] = h["momentum"] * state["buf"] + g
            return -lr * (g + h["momentum"] * state["buf"] if name == "nesterov" else state["buf"])
        if name == "adagrad":  # lr_decay 0, eps after the root
            state["sum"] = state["sum"] + g * g
            return -lr * (g / (math.sqrt(state["sum"]) + h["eps"]))
        if name == "rmsprop":  # not centred, no momentum, eps after the root
            state["avg"] = h["alpha"] * state["avg"] + (1 - h["alpha"]) * g * g
            return -lr * (g / (math.sqrt(state["avg"]) + h["eps"]))
        if name == "adam":  # torch's single-tensor Adam
            state["t"] += 1
            t = state["t"]
            state["m"] = h["beta1"] * state["m"] + (1 - h["beta1"]) * g
            state["v"] = h["beta2"] * state["v"] + (1 - h["beta2"]) * g * g
            step_size = lr / (1 - h["beta1"] ** t)
            denominator = math.sqrt(state["v"]) / math.sqrt(1 - h["beta2"] ** t) + h["eps"]
            return -step_size * (state["m"] / denominator)
        raise KeyError(name)

    return step


# --- schedules: η_t = η·factor(t), t = updates made so far -----------------------------------------------------

SCHEDULE_DEFAULTS = {
    "constant": {},
    "step": {"gamma": 0.5, "every": 20},
    "exponential": {"gamma": 0.99},
    "inverse_time": {"gamma": 0.1},
    "cosine": {"period": 100, "floor": 0.0},
    "invscaling": {"power": 0.25},
}


def factor(name: str, t: int, **options) -> float:
    h = {**SCHEDULE_DEFAULTS[name], **options}
    if name == "constant":
        return 1.0
    if name == "step":
        return h["gamma"] ** (t // h["every"])
    if name == "exponential":
        return h["gamma"] ** t
    if name == "inverse_time":
        return 1.0 / (1.0 + h["gamma"] * t)
    if name == "cosine":
        return h["floor"] + (1 - h["floor"]) * (1 + math.cos(math.pi * min(t, h["period"]) / h["period"])) / 2
    if name == "invscaling":
        return 1.0 / (t + 1) ** h["power"]
    raise KeyError(name)


# --- the run ----------------------------------------------------------------------------------------------------

PATIENCE = 5  # scikit-learn's n_iter_no_change default
STALL_RATIO = 1e-2  # converged: the gradient shrank a hundredfold ...
GRAD_FLOOR = 1e-8  # ... or is below this
DIVERGENCE_FACTOR = 1e8


@dataclass(frozen=True)
class Run:
    history: list[float]
    losses: list[float]
    iterations: int
    status: str
    edge: float  # the closest any decision came to its threshold, relative: near 0 means a knife edge


def descend(objective="quadratic", eta=0.1, *, theta0=0.0, epsilon=1e-8, variant="batch", batch_size=16,
            optimizer="gd", optimizer_options=None, schedule="constant", schedule_options=None,
            stop="loss_change", max_iter=10_000, seed=0) -> Run:
    """The run gd.minimize makes, one update at a time."""
    p = problem(objective)
    step = update_rule(optimizer, **(optimizer_options or {}))
    schedule_options = schedule_options or {}
    sample = batches(variant, N, batch_size, seed) if variant != "batch" else itertools.repeat(None)
    bound = DIVERGENCE_FACTOR * max(1.0, abs(theta0), abs(p.plot_range[0]), abs(p.plot_range[1]))
    theta, loss = theta0, p.value(theta0)
    history, losses, edge = [theta], [loss], math.inf
    first_grad = abs(p.grad(theta0))
    best, stale = loss, 0  # no_improvement: the lowest J so far, and the updates in a row that did not beat it by ε

    def near(value, threshold, scale):
        nonlocal edge
        if scale > 0:
            edge = min(edge, abs(value - threshold) / scale)

    if not math.isfinite(loss):
        return Run(history, losses, 0, "diverged", edge)
    for k in range(max_iter):
        indices = next(sample)
        g = p.grad(theta) if indices is None else p.batch_grad(theta, [int(i) for i in indices])
        delta = step(g, eta * factor(schedule, k, **schedule_options))
        previous, theta = theta, theta + delta
        previous_loss, loss = loss, p.value(theta)
        history.append(theta)
        losses.append(loss)
        near(abs(theta), bound, bound)
        if not (abs(theta) <= bound and math.isfinite(loss)):  # checked before the rule
            return Run(history, losses, k + 1, "diverged", edge)
        if stop == "no_improvement":
            near(loss, best - epsilon, epsilon)
            stale = stale + 1 if loss > best - epsilon else 0  # a drop of exactly ε counts as improvement
            best = min(best, loss)
            fired = epsilon > 0 and stale >= PATIENCE
        else:
            if stop == "loss_change":
                measure = abs(loss - previous_loss)
            elif stop == "grad_norm":
                measure = abs(p.grad(theta))
            else:
                measure = abs(theta - previous)
            near(measure, epsilon, epsilon)
            fired = measure < epsilon
        if fired:
            tolerance = max(STALL_RATIO * first_grad, GRAD_FLOOR)
            final = abs(p.grad(theta))
            near(final, tolerance, tolerance)
            return Run(history, losses, k + 1, "converged" if final <= tolerance else "stalled", edge)
    return Run(history, losses, max_iter, "max_iter", edge)
