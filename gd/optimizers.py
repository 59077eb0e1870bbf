"""Update rules as init/update pairs, in the manner of optax, with torch.optim's formulas.

init(θ) -> state and update(g, state, lr) -> (step, new_state); the loop applies θ ← θ + step.
States are NamedTuples of arrays shaped like θ (lanes, dim), returned, never mutated. lr has
shape (lanes, 1): one learning rate per lane.

Choices, as torch.optim makes them (float64 throughout):
- momentum: the buffer starts at zero, so the first buffer is exactly g (dampening 0);
  nesterov steps along g + μ·buf.
- adagrad: eps is added after the square root, lr_decay 0.
- rmsprop: eps is added after the square root, no centring, no momentum.
- adam: eps is added after the bias-corrected root: lr/(1 − β1ᵗ) · m / (√v/√(1 − β2ᵗ) + eps).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NamedTuple

import numpy as np

from gd.params import Hyperparameter, checked
from gd.registry import Entry

_MOMENTUM = Hyperparameter("momentum", 0.9, 0.0, 1.0, high_open=True)


def _eps(default: float) -> Hyperparameter:
    return Hyperparameter("eps", default, 0.0, 1.0, low_open=True)


def _beta(name: str, default: float) -> Hyperparameter:
    return Hyperparameter(name, default, 0.0, 1.0, high_open=True)


@dataclass(frozen=True)
class UpdateRule:
    """Two rules are equal when their names and hyperparameters are. compiled: gd.compiled has this rule under
    its name (true of the rules built here); a rule made by hand runs on the numpy loop."""

    name: str
    hyperparameters: MappingProxyType
    init: Callable = field(compare=False)
    update: Callable = field(compare=False)
    compiled: bool = field(default=False, compare=False)


class NoState(NamedTuple):
    pass


class MomentumState(NamedTuple):
    buffer: np.ndarray


class SumState(NamedTuple):
    sum_of_squares: np.ndarray


class AverageState(NamedTuple):
    square_average: np.ndarray


class AdamState(NamedTuple):
    count: int
    first_moment: np.ndarray
    second_moment: np.ndarray


def _rule(name, init, update, **hyperparameters) -> UpdateRule:
    return UpdateRule(name, MappingProxyType(hyperparameters), init, update, compiled=True)


@checked()
def gd() -> UpdateRule:
    """θ ← θ − η·g."""
    return _rule("gd", lambda theta: NoState(), lambda g, state, lr: (-lr * g, state))


def _heavy_ball(name, momentum, nesterov) -> UpdateRule:
    def update(g, state, lr):
        buffer = momentum * state.buffer + g
        direction = g + momentum * buffer if nesterov else buffer
        return -lr * direction, MomentumState(buffer)

    return _rule(name, lambda theta: MomentumState(np.zeros_like(theta)), update, momentum=momentum)


@checked(_MOMENTUM)
def momentum(momentum) -> UpdateRule:
    """b ← μ·b + g;  θ ← θ − η·b."""
    return _heavy_ball("momentum", momentum, nesterov=False)


@checked(_MOMENTUM)
def nesterov(momentum) -> UpdateRule:
    """b ← μ·b + g;  θ ← θ − η·(g + μ·b)."""
    return _heavy_ball("nesterov", momentum, nesterov=True)


@checked(_eps(1e-10))
def adagrad(eps) -> UpdateRule:
    """s ← s + g²;  θ ← θ − η·g / (√s + eps)."""
    def update(g, state, lr):
        total = state.sum_of_squares + g * g
        return -lr * (g / (np.sqrt(total) + eps)), SumState(total)

    return _rule("adagrad", lambda theta: SumState(np.zeros_like(theta)), update, eps=eps)


@checked(_beta("alpha", 0.99), _eps(1e-8))
def rmsprop(alpha, eps) -> UpdateRule:
    """v ← α·v + (1 − α)·g²;  θ ← θ − η·g / (√v + eps)."""
    def update(g, state, lr):
        average = alpha * state.square_average + (1 - alpha) * g * g
        return -lr * (g / (np.sqrt(average) + eps)), AverageState(average)

    return _rule("rmsprop", lambda theta: AverageState(np.zeros_like(theta)), update, alpha=alpha, eps=eps)


@checked(_beta("beta1", 0.9), _beta("beta2", 0.999), _eps(1e-8))
def adam(beta1, beta2, eps) -> UpdateRule:
    """m ← β1·m + (1 − β1)·g;  v ← β2·v + (1 − β2)·g²;  θ ← θ − η/(1 − β1ᵗ) · m / (√v/√(1 − β2ᵗ) + eps)."""
    def init(theta):
        return AdamState(0, np.zeros_like(theta), np.zeros_like(theta))

    def update(g, state, lr):
        count = state.count + 1
        first = beta1 * state.first_moment + (1 - beta1) * g
        second = beta2 * state.second_moment + (1 - beta2) * g * g
        step_size = lr / (1 - beta1**count)
        denominator = np.sqrt(second) / np.sqrt(1 - beta2**count) + eps
        return -step_size * (first / denominator), AdamState(count, first, second)

    return _rule("adam", init, update, beta1=beta1, beta2=beta2, eps=eps)


def bias_corrected(count, first, second, beta1: float, beta2: float) -> tuple[np.ndarray, np.ndarray]:
    """Adam's m̂ = m/(1 − β1ᵗ) and v̂ = v/(1 − β2ᵗ) (Kingma & Ba 2015, Algorithm 1) for states after `count` updates
    (rows of first and second, one count each): what adam's update folds into its step in torch's order, so that its
    step is −η·m̂/(√v̂ + eps) up to rounding."""
    t = np.reshape(count, (-1,) + (1,) * (np.ndim(first) - 1))
    return first / (1 - beta1**t), second / (1 - beta2**t)


def adam_step(lr, first, second, eps: float) -> np.ndarray:
    """The length-and-direction Adam moves by, η·m/(√v + eps), in the paper's form: from bias-corrected moments it is
    adam's step (negated) up to rounding; from the raw m and v, the step Adam would take without its correction."""
    return lr * first / (np.sqrt(second) + eps)


OPTIMIZERS = MappingProxyType({entry.name: entry for entry in (
    Entry("optimizer", "gd", r"\theta_{k+1} = \theta_k - \eta\, g_k", gd),
    Entry("optimizer", "momentum",
          r"b_{k+1} = \mu b_k + g_k,\quad \theta_{k+1} = \theta_k - \eta\, b_{k+1}", momentum),
    Entry("optimizer", "nesterov",
          r"b_{k+1} = \mu b_k + g_k,\quad \theta_{k+1} = \theta_k - \eta\,(g_k + \mu b_{k+1})", nesterov),
    Entry("optimizer", "adagrad",
          r"s_{k+1} = s_k + g_k^2,\quad \theta_{k+1} = \theta_k - \frac{\eta\, g_k}{\sqrt{s_{k+1}} + \epsilon}",
          adagrad),
    Entry("optimizer", "rmsprop",
          r"v_{k+1} = \alpha v_k + (1-\alpha) g_k^2,\quad "
          r"\theta_{k+1} = \theta_k - \frac{\eta\, g_k}{\sqrt{v_{k+1}} + \epsilon}",
          rmsprop),
    Entry("optimizer", "adam",
          r"m_{t} = \beta_1 m_{t-1} + (1-\beta_1) g_t,\ v_{t} = \beta_2 v_{t-1} + (1-\beta_2) g_t^2,\ "
          r"\theta_{t} = \theta_{t-1} - \frac{\eta}{1-\beta_1^t}\,\frac{m_t}{\sqrt{v_t}/\sqrt{1-\beta_2^t} + \epsilon}",
          adam),
)})
