"""Numbers as the lab shows them: short by default, ten digits where they are compared with the article."""

import math

import numpy as np

from gd.lab.text import t
from gd.params import number_text  # noqa: F401 - the lab's name for it: links and controls write numbers with it


def number(value, digits: int = 6) -> str:
    """A short, honest rendering of a float: six significant digits, inf and nan as such; a vector in brackets."""
    if np.size(value) > 1:
        return "(" + ", ".join(number(part, digits) for part in np.ravel(value)) + ")"
    return f"{float(np.ravel(value)[0]):.{digits}g}"


def argument(value, digits: int = 6) -> str:
    """number() as the argument of J: J(2.5) and J(1.5, 0), not J((1.5, 0))."""
    shown = number(value, digits)
    return shown[1:-1] if np.size(value) > 1 else shown


def every_digit(value) -> str:
    """Every digit, as the article's print() writes a float: repr; a vector as (x, y)."""
    if np.size(value) > 1:
        return "(" + ", ".join(repr(float(part)) for part in np.ravel(value)) + ")"
    return repr(float(np.ravel(value)[0]))


def precise(value) -> str:
    """Ten significant digits: enough to compare with the article's printed values."""
    return number(value, 10)


def updates(count: int) -> str:
    """"1 update", "45 updates", "10,000 updates"."""
    return t("explain.update" if count == 1 else "explain.updates", count=f"{count:,}")


def accepted(spec=None, *, options=None) -> str:
    """What a control accepts, in the current language: a number's range from its spec, or a name's options."""
    if options is not None:
        return t("accepted.one_of", options=", ".join(options))
    if spec.integer and math.isfinite(spec.high):
        return t("accepted.integers", low=f"{spec.low:,.0f}", high=f"{spec.high:,.0f}")
    bounds = []
    if math.isfinite(spec.low):
        bounds.append(t("accepted.above" if spec.low_open else "accepted.at_least", value=f"{spec.low:g}"))
    if math.isfinite(spec.high):
        bounds.append(t("accepted.below" if spec.high_open else "accepted.at_most", value=f"{spec.high:g}"))
    return t("accepted.numbers", bounds=t("accepted.and").join(bounds)) if bounds else t("accepted.number")


def rounded(values, digits: int = 6) -> np.ndarray:
    """Values to digits significant digits, for what a chart only shows (its JSON is then short); 0, inf and nan
    as they are (and anything below 1e-294 becomes 0)."""
    values = np.asarray(values, dtype=float)
    with np.errstate(all="ignore"):
        places = digits - 1 - np.floor(np.log10(np.abs(values)))
        places = np.where(np.isfinite(places), places, 0)
        up, down = 10.0 ** np.clip(places, 0, 300), 10.0 ** np.clip(-places, 0, 300)
        rounded = np.round(values * up / down) * down / up  # an integer over a power of ten: a short repr
    return np.where(np.isfinite(values), rounded, values)
