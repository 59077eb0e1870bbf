"""Numbers as the lab shows them: short by default, ten digits where they are compared with the article."""

import numpy as np

from gd.lab.text import t


def number(value, digits: int = 6) -> str:
    """A short, honest rendering of a float: six significant digits, inf and nan as such; a vector in brackets."""
    if np.size(value) > 1:
        return "(" + ", ".join(number(part, digits) for part in np.ravel(value)) + ")"
    return f"{float(np.ravel(value)[0]):.{digits}g}"


def precise(value) -> str:
    """Ten significant digits: enough to compare with the article's printed values."""
    return number(value, 10)


def updates(count: int) -> str:
    """"1 update", "45 updates", "10,000 updates"."""
    return t("explain.update" if count == 1 else "explain.updates", count=f"{count:,}")
