"""Named numeric parameters with their accepted ranges: the one source of every default and bound.

Values are checked up front, as torch.optim does, and a bad one raises ParameterError, which names
the parameter and says what it accepts. The lab narrows these ranges for its public page
(`Hyperparameter.narrowed`), never widens them, and takes its defaults from here.
"""

import copy
import functools
import math
import re
from dataclasses import dataclass, replace
from numbers import Integral, Real

# A number as people type it: ASCII digits, an optional sign, point and exponent. float() alone would also take
# "1_0" (10), full-width "１" and Arabic-Indic "١" (1), " 1 ", "infinity": silent normalisation, refused here.
PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", flags=re.ASCII)


class ParameterError(ValueError):
    """A value the engine refuses: .name is the parameter, .accepted what it takes (in words), .value what it got,
    and, so that a page can say it in its own language, .spec (a number's range) or .options (a name's choices), or
    .reason (a short code of the rule that refused it) and .token (what it refused), for a typed function or a
    data set (whose .row says where, 1 first)."""

    def __init__(self, name: str, accepted: str, value, message: str | None = None, *, spec=None, options=None,
                 reason: str | None = None, token: str | None = None, row: int | None = None):
        self.name, self.accepted, self.value, self.spec, self.options = name, accepted, value, spec, options
        self.reason, self.token, self.row = reason, token, row
        super().__init__(message or f"{name} must be {accepted} (got {_shown(value)})")

    def __reduce__(self):  # raised in another process (the page's heavy worker), raised again where it was asked for
        return ParameterError, (self.name, self.accepted, self.value, str(self)), dict(self.__dict__)


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:60] + "…"


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
        """Return value as a float (or int), or raise ParameterError naming this parameter and its range."""
        try:
            number = (as_integer if self.integer else as_finite)(self.name, value, self.accepted)
        except ParameterError:
            raise ParameterError(self.name, self.accepted, value, spec=self) from None
        too_low = number <= self.low if self.low_open else number < self.low
        too_high = number >= self.high if self.high_open else number > self.high
        if too_low or too_high:
            raise ParameterError(self.name, self.accepted, value, spec=self)
        return number

    def narrowed(self, low=None, high=None, *, name=None, default=None) -> "Hyperparameter":
        """The same parameter on a sub-range (closed at a new end), for a page that accepts less than the engine;
        renamed or with another default for a control that feeds this parameter."""
        narrower = replace(self, name=name or self.name, default=self.default if default is None else default,
                           **({} if low is None else {"low": low, "low_open": False}),
                           **({} if high is None else {"high": high, "high_open": False}))
        for value in (narrower.low, narrower.high, narrower.default):
            if math.isfinite(value):
                self.check(value)  # a narrowed range stays inside the engine's
        narrower.check(narrower.default)
        return narrower


def remembered(maxsize: int):
    """A reading cached on its arguments, refusals too (gd.typed's formulas, gd.data's rows): a refused text is kept as
    its ParameterError and raised again as a new error equal to it, so tracebacks never pile up on one object. The
    reading keeps functools.lru_cache's cache_info and cache_clear."""
    def decorate(read):
        @functools.lru_cache(maxsize=maxsize)
        def kept(*arguments):
            try:
                return read(*arguments)
            except ParameterError as error:
                return error

        @functools.wraps(read)
        def reading(*arguments):
            found = kept(*arguments)
            if isinstance(found, ParameterError):
                raise copy.copy(found)  # __reduce__ below: the same name, message, reason, token and row
            return found

        reading.cache_info, reading.cache_clear = kept.cache_info, kept.cache_clear
        return reading

    return decorate


def number_text(value: float) -> str:
    """The shortest text that reads back as exactly this float: "0.1", "1e-06", "0.9999999"."""
    short = f"{value:g}"
    return short if float(short) == value else repr(value)


def read_number(text: str) -> float | str:
    """text as a float if it is a plain number (PLAIN_NUMBER), else text unchanged, for a spec to refuse by name."""
    return float(text) if PLAIN_NUMBER.fullmatch(text) else text


def as_finite(name: str, value, accepted: str = "a finite number") -> float:
    """A finite float. Refused: bools (True is not 1.0), strings, None, arrays, and ints too large for a float."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ParameterError(name, accepted, value)
    try:
        number = float(value)
    except OverflowError:  # 10**400
        raise ParameterError(name, accepted, value) from None
    if not math.isfinite(number):
        raise ParameterError(name, accepted, value)
    return number


def as_integer(name: str, value, accepted: str = "an integer") -> int:
    """An int; a float is accepted only when it is whole (3.0), never rounded (3.5)."""
    if isinstance(value, bool):
        raise ParameterError(name, accepted, value)
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real) and math.isfinite(value) and float(value).is_integer():
        return int(value)
    raise ParameterError(name, accepted, value)


def choose(name: str, value, options) -> str:
    """One of options (names), or a ParameterError that lists the valid ones."""
    if isinstance(value, str) and value in options:
        return value
    raise ParameterError(name, f"one of {', '.join(options)}", value, options=tuple(options))


def check_all(specs, values: dict) -> dict:
    """Check keyword values against their specs: unknown names are refused, missing ones take defaults."""
    by_name = {spec.name: spec for spec in specs}
    unknown = sorted(set(values) - set(by_name))
    if unknown:
        valid = ", ".join(by_name) or "none"
        raise ParameterError(unknown[0], f"one of {valid}", values[unknown[0]],
                             f"unknown hyperparameter {', '.join(unknown)} (valid: {valid})")
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


def start_point(value, dim: int):
    """θ₀ for an objective of dim coordinates: a number in THETA0's range for dim 1, else a tuple/list/array of
    dim such numbers, returned as a tuple of floats (hashable, so a Settings holding it compares by value)."""
    if dim == 1:
        return THETA0.check(value)
    accepted = f"a pair (x, y), each {THETA0.accepted}" if dim == 2 else \
        f"{dim} numbers, each {THETA0.accepted}"
    try:
        sequence = isinstance(value, (tuple, list)) or getattr(value, "ndim", None) == 1  # a numpy vector
        if not sequence or len(value) != dim:
            raise ParameterError("theta0", accepted, value)
        return tuple(THETA0.check(coordinate) for coordinate in value)
    except ParameterError:
        raise ParameterError("theta0", accepted, value, spec=THETA0) from None


# The run's own parameters (gd.Settings and minimize/compare/seeds take their defaults from these).
ETA = Hyperparameter("eta", 0.1, 0.0, math.inf, low_open=True)
THETA0 = Hyperparameter("theta0", 0.0)
EPSILON = Hyperparameter("epsilon", 1e-8, 0.0)
MAX_ITER = Hyperparameter("max_iter", 10_000, 1, 1_000_000, integer=True)
SEED = Hyperparameter("seed", 0, 0, 2**32 - 1, integer=True)
BATCH_SIZE = Hyperparameter("batch_size", 16, 1, 64, integer=True)  # the high end is the data set's size
