"""Named numeric parameters with their accepted ranges, checked up front as torch.optim does."""

import functools
import math
from dataclasses import dataclass
from numbers import Integral, Real


@dataclass(frozen=True)
class Hyperparameter:
    """One number a user may set: its default and the closed or open interval it must lie in."""

    name: str
    default: float
    low: float = -math.inf
    high: float = math.inf
    low_open: bool = False
    high_open: bool = False
    integer: bool = False

    @property
    def accepted(self) -> str:
        """The accepted range in words, for error messages and help texts."""
        kind = "an integer" if self.integer else "a finite number"
        if self.integer and math.isfinite(self.high):
            return f"{kind} from {self.low:,.0f} to {self.high:,.0f}"
        bounds = []
        if math.isfinite(self.low):
            bounds.append(f"{'>' if self.low_open else '≥'} {self.low:g}")
        if math.isfinite(self.high):
            bounds.append(f"{'<' if self.high_open else '≤'} {self.high:g}")
        return f"{kind} {' and '.join(bounds)}".rstrip()

    def check(self, value):
        """Return value as a float (or int), or raise ValueError naming this parameter and its range."""
        convert = as_integer if self.integer else as_finite
        number = convert(self.name, value, self.accepted)
        too_low = number <= self.low if self.low_open else number < self.low
        too_high = number >= self.high if self.high_open else number > self.high
        if too_low or too_high:
            raise ValueError(f"{self.name} must be {self.accepted} (got {value!r})")
        return number


def as_finite(name: str, value, accepted: str = "a finite number") -> float:
    """A finite float; bools and strings are refused so that True never passes for 1.0."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{name} must be {accepted} (got {value!r})")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError(f"{name} must be {accepted} (got {value!r})")
    return number


def as_integer(name: str, value, accepted: str = "an integer") -> int:
    """An int; a float is accepted only when it is whole (3.0), never rounded (3.5)."""
    if isinstance(value, bool):
        raise ValueError(f"{name} must be {accepted} (got {value!r})")
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real) and math.isfinite(value) and float(value).is_integer():
        return int(value)
    raise ValueError(f"{name} must be {accepted} (got {value!r})")


def choose(name: str, value, options) -> str:
    """A key of options, or a ValueError that lists the valid ones."""
    if isinstance(value, str) and value in options:
        return value
    raise ValueError(f"{name} must be one of {', '.join(options)} (got {value!r})")


def check_all(specs, values: dict) -> dict:
    """Check keyword values against their specs: unknown names are refused, missing ones take defaults."""
    by_name = {spec.name: spec for spec in specs}
    unknown = sorted(set(values) - set(by_name))
    if unknown:
        valid = ", ".join(by_name) or "none"
        raise ValueError(f"unknown hyperparameter {', '.join(unknown)} (valid: {valid})")
    return {name: spec.check(values.get(name, spec.default)) for name, spec in by_name.items()}


def checked(*specs: Hyperparameter):
    """Make a factory keyword-only and check its hyperparameters (defaults from specs) before it runs."""
    def wrap(factory):
        @functools.wraps(factory)
        def build(**values):
            return factory(**check_all(specs, values))

        build.hyperparameters = specs
        return build

    return wrap
