"""Learning-rate schedules (the article's decay): η_t = η · factor(t), t = 0, 1, 2, … updates made."""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType

from gd.params import Hyperparameter, checked
from gd.registry import Entry

_GAMMA = Hyperparameter("gamma", 0.5, 0.0, 1.0, low_open=True)


@dataclass(frozen=True)
class Schedule:
    """Two schedules are equal when their names and hyperparameters are."""

    name: str
    hyperparameters: MappingProxyType
    factor: Callable[[int], float] = field(compare=False)


@checked()
def constant() -> Schedule:
    return Schedule("constant", MappingProxyType({}), lambda t: 1.0)


@checked(_GAMMA, Hyperparameter("every", 20, 1, 100_000, integer=True))
def step(gamma, every) -> Schedule:
    """η multiplied by γ every `every` updates: η·γ^⌊t/every⌋."""
    return Schedule("step", MappingProxyType({"gamma": gamma, "every": every}), lambda t: gamma ** (t // every))


@checked(Hyperparameter("gamma", 0.99, 0.0, 1.0, low_open=True))
def exponential(gamma) -> Schedule:
    """η·γᵗ."""
    return Schedule("exponential", MappingProxyType({"gamma": gamma}), lambda t: gamma**t)


@checked(Hyperparameter("gamma", 0.1, 0.0, 100.0))
def inverse_time(gamma) -> Schedule:
    """η / (1 + γ·t)."""
    return Schedule("inverse_time", MappingProxyType({"gamma": gamma}), lambda t: 1.0 / (1.0 + gamma * t))


SCHEDULES = MappingProxyType({entry.name: entry for entry in (
    Entry("schedule", "constant", r"\eta_t = \eta", constant),
    Entry("schedule", "step", r"\eta_t = \eta\,\gamma^{\lfloor t / k \rfloor}", step),
    Entry("schedule", "exponential", r"\eta_t = \eta\,\gamma^{t}", exponential),
    Entry("schedule", "inverse_time", r"\eta_t = \frac{\eta}{1 + \gamma t}", inverse_time),
)})
