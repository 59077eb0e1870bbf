"""A learner's own data set for the 2-D regressions: rows of (x, y) read from text, checked, and the objective on them.

The text is what a table, a CSV file or a link gives: a row per line (or per ";"), two plain numbers a row, separated
by a comma, a tab or spaces; a first row of two names is a header. Nothing is evaluated: a number must be written
plainly (gd.params.read_number), so a spreadsheet's "=1+1" is refused, as are NaN and numbers beyond MAX_VALUE.
Refusals are ParameterErrors named "data" with a reason code, the text refused (token) and its row, for a page to
say in its own language, as gd.typed's are. Both models need data with a finite minimizer: two different x at least,
and for the logistic regression labels 0 and 1 whose classes overlap (separable classes have none: w grows forever).
"""

import re
from dataclasses import dataclass, fields

import numpy as np

from gd.objectives import Objective
from gd.params import ParameterError, number_text, read_number, remembered
from gd.surfaces import linear_regression, logistic_regression

MODELS = ("linear", "logistic")  # J: the mean squared error of w·x + b, or the cross-entropy of σ(w·x + b)
MAX_BYTES = 20_000  # a data set's text at most: a CSV of MAX_ROWS rows of short numbers fits
MAX_ROWS = 500  # each update reads every row (J over all of them): the work cap prices a run by its rows
MIN_ROWS = 2
MAX_VALUE = 1_000.0  # |x| and |y| at most: a large scale is shown (κ, the best η), overflow is not
ACCEPTED = (f"{MIN_ROWS} to {MAX_ROWS} rows of two plain numbers x, y between −{MAX_VALUE:g} and {MAX_VALUE:g}, "
            f"at most {MAX_BYTES:,} bytes")
_SEPARATOR = re.compile(r"[,\t ]+|，")  # a Chinese comma separates too


@dataclass(frozen=True, eq=False)
class DataObjective(Objective):
    """A regression on the learner's rows: beyond Objective's fields, the rows as read (text: data_text's form), the
    model, whether x is standardised (the inputs its compiled data hold are then (x − centre) / scale), and the raw
    x's mean and standard deviation."""

    text: str = ""
    model: str = "linear"
    standardized: bool = False
    centre: float = 0.0
    scale: float = 1.0


def decode(raw: bytes) -> str:
    """An uploaded file's text: UTF-8 (a byte-order mark allowed), at most MAX_BYTES; refused ("too_long", "binary")
    otherwise, before anything is read."""
    if len(raw) > MAX_BYTES:
        raise _refused("too_long", f"{len(raw):,}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _refused("binary") from None
    if "\x00" in text:
        raise _refused("binary")
    return text


def _refused(reason: str, token: str = "", row: int | None = None) -> ParameterError:
    return ParameterError("data", ACCEPTED, token, reason=reason, token=token[:40], row=row)


def read_rows(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The columns x and y of a data set's text; empty rows are skipped, and a first row of two names (a header)."""
    values, _ = _table(text)
    return values[:, 0], values[:, 1]


def _table(text: str) -> tuple[np.ndarray, list[int]]:
    """The rows' values (n, 2) and where each row was in the text (1 first, as a spreadsheet counts)."""
    if not isinstance(text, str):
        raise _refused("binary")
    if (size := len(text.encode("utf-8"))) > MAX_BYTES:
        raise _refused("too_long", f"{size:,}")
    rows = [(number, cells) for number, line in enumerate(re.split(r"\r\n|[\n\r;；]", text), start=1)
            if (cells := [cell for cell in _SEPARATOR.split(line.strip()) if cell])]
    if rows and len(rows[0][1]) == 2 and all(isinstance(read_number(cell), str) for cell in rows[0][1]):
        rows = rows[1:]  # a header
    if not MIN_ROWS <= len(rows) <= MAX_ROWS:
        raise _refused("rows", f"{len(rows):,}")
    values = np.empty((len(rows), 2))
    for index, (number, cells) in enumerate(rows):
        if len(cells) != 2:
            raise _refused("columns", str(len(cells)), number)
        for column, cell in enumerate(cells):
            value = read_number(cell)
            if isinstance(value, str):
                raise _refused("number", cell, number)
            if not abs(value) <= MAX_VALUE:  # inf from 1e999 too
                raise _refused("range", cell, number)
            values[index, column] = value
    return values, [number for number, _ in rows]


def data_text(x, y) -> str:
    """Rows as one line, "x,y;x,y;…", each number in its shortest exact form: a link's value, and the cache's key."""
    return ";".join(f"{number_text(float(a))},{number_text(float(b))}" for a, b in zip(x, y, strict=True))


def csv_text(text: str) -> str:
    """Rows in data_text's form as a CSV file, with its header: "x,y", then a row per line."""
    return "x,y\n" + "".join(f"{row}\n" for row in text.split(";"))


def parse_data(text: str, model: str, standardized: bool = False) -> DataObjective:
    """The regression `model` ("linear" or "logistic") on the rows of text (read_rows), x standardised to mean 0 and
    standard deviation 1 if asked; a ParameterError named "data" for anything refused. Cached, refusals too."""
    if model not in MODELS:
        raise ParameterError("model", f"one of {', '.join(MODELS)}", model, options=MODELS)
    if not isinstance(text, str) or len(text) > MAX_BYTES:  # before the cache, which keeps texts of a bounded size
        raise _refused("too_long" if isinstance(text, str) else "binary",
                       f"{len(text.encode('utf-8')):,}" if isinstance(text, str) else "")
    return _read(text, model, bool(standardized))


def forget() -> None:
    """Drop every cached reading, read or refused (a server with no visitor gives its memory back)."""
    _read.cache_clear()


@remembered(maxsize=32)
def _read(text: str, model: str, standardized: bool) -> DataObjective:
    return _objective(text, model, standardized)


def _objective(text: str, model: str, standardized: bool) -> DataObjective:
    values, rows = _table(text)
    x, y = values[:, 0], values[:, 1]
    if np.ptp(x) == 0:
        raise _refused("same_x", number_text(float(x[0])))
    if model == "logistic":
        wrong = np.flatnonzero((y != 0) & (y != 1))
        if wrong.size:
            raise _refused("label", number_text(float(y[wrong[0]])), rows[wrong[0]])
        positive, negative = x[y == 1], x[y == 0]
        if not positive.size or not negative.size:
            raise _refused("one_class", number_text(float(y[0])))
        if not (negative.max() > positive.min() and positive.max() > negative.min()):
            raise _refused("separable")
    centre, scale = float(np.mean(x)), float(np.std(x))
    inputs = (x - centre) / scale if standardized else x
    fitted = (linear_regression if model == "linear" else logistic_regression)(inputs, y, name=f"data_{model}")
    return DataObjective(**{field.name: getattr(fitted, field.name) for field in fields(Objective)},
                         text=data_text(x, y), model=model, standardized=standardized, centre=centre, scale=scale)
