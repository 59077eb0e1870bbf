"""Learning-rate schedules (the article's decay): η_t = η · factor(t), t = 0, 1, 2, … updates made."""

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType

from gd.params import Hyperparameter, checked
from gd.registry import Entry

_GAMMA = Hyperparameter("gamma", 0.5, 0.0, 1.0, low_open=True)


@dataclass(frozen=True)
class Schedule:
    """Two schedules are equal when their names and hyperparameters are. compiled: gd.compiled has this schedule
    under its name (true of those built here); one made by hand runs on the numpy loop."""

    name: str
    hyperparameters: MappingProxyType
    factor: Callable[[int], float] = field(compare=False)
    compiled: bool = field(default=False, compare=False)


def _schedule(name, factor, **hyperparameters) -> Schedule:
    return Schedule(name, MappingProxyType(hyperparameters), factor, compiled=True)


@checked()
def constant() -> Schedule:
    return _schedule("constant", lambda t: 1.0)


@checked(_GAMMA, Hyperparameter("every", 20, 1, 100_000, integer=True))
def step(gamma, every) -> Schedule:
    """η multiplied by γ every `every` updates: η·γ^⌊t/every⌋."""
    return _schedule("step", lambda t: gamma ** (t // every), gamma=gamma, every=every)


@checked(Hyperparameter("gamma", 0.99, 0.0, 1.0, low_open=True))
def exponential(gamma) -> Schedule:
    """η·γᵗ."""
    return _schedule("exponential", lambda t: gamma**t, gamma=gamma)


@checked(Hyperparameter("gamma", 0.1, 0.0, 100.0))
def inverse_time(gamma) -> Schedule:
    """η / (1 + γ·t)."""
    return _schedule("inverse_time", lambda t: 1.0 / (1.0 + gamma * t), gamma=gamma)


@checked(Hyperparameter("period", 100, 1, 1_000_000, integer=True), Hyperparameter("floor", 0.0, 0.0, 1.0))
def cosine(period, floor) -> Schedule:
    """η·(floor + (1 − floor)·(1 + cos(π·t/period))/2) for t ≤ period, then η·floor (torch's CosineAnnealingLR
    with η_min = floor·η, held at η_min instead of rising again)."""
    def factor(t):
        return floor + (1 - floor) * (1 + math.cos(math.pi * min(t, period) / period)) / 2

    return _schedule("cosine", factor, period=period, floor=floor)


@checked(Hyperparameter("power", 0.25, 0.0, 10.0))
def invscaling(power) -> Schedule:
    """η / (t + 1)^power: scikit-learn's "invscaling", whose step count starts at 1."""
    return _schedule("invscaling", lambda t: 1.0 / (t + 1) ** power, power=power)


SCHEDULES = MappingProxyType({entry.name: entry for entry in (
    Entry("schedule", "constant", r"\eta_t = \eta", constant),
    Entry("schedule", "step", r"\eta_t = \eta\,\gamma^{\lfloor t / k \rfloor}", step),
    Entry("schedule", "exponential", r"\eta_t = \eta\,\gamma^{t}", exponential),
    Entry("schedule", "inverse_time", r"\eta_t = \frac{\eta}{1 + \gamma t}", inverse_time),
    Entry("schedule", "cosine", r"\eta_t = \eta\left(f + (1-f)\,\tfrac{1 + \cos(\pi \min(t, T)/T)}{2}\right)",
          cosine),
    Entry("schedule", "invscaling", r"\eta_t = \frac{\eta}{(t + 1)^{p}}", invscaling),
)})
