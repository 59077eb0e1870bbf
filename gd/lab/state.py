"""The page's state changes as pure functions over plain values: what happens when a control is used, decided here
and tested without a browser; dashboard.py only maps widgets to them."""

import math
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

from gd.lab import maps
from gd.lab.controls import (
    CUSTOM,
    DEFAULTS,
    MODES,
    NUMBERS,
    PRESETS,
    RACE,
    SURFACE_OWN,
    problem_of,
    read_control,
    surface_defaults,
    text_key,
    views_of,
)
from gd.lab.links import read_url
from gd.params import ParameterError

IDLE_SECONDS = 60  # a server where no page has run for this long gives back the memory its caches hold
PLAY_SECONDS = 0.8  # one update per tick while playing at 1×
PLAY_SPEEDS = (0.5, 1.0, 2.0)  # the speeds a learner picks from: ticks of PLAY_SECONDS / speed (a server-driven tick
# sends the whole chart, 30–190 KB: at 0.2 s a busy server fell behind, bench/play.py)


def tick_seconds(speed: float) -> float:
    """The time between two steps of play at this speed."""
    return PLAY_SECONDS / speed


def play_pressed(playing: bool, place: int, last: int) -> tuple[bool, int]:
    """Play (or Pause) pressed at option `place` of 0 … last: (playing, place). Play at the last option starts over
    from the first, so that a finished play can be watched again."""
    playing = not playing
    return playing, 0 if playing and place == last else place


def play_tick(place: int, last: int) -> tuple[int, bool]:
    """One tick of play from option `place` of 0 … last: (the next place, whether play goes on): it stops at the last
    option, and stays there."""
    place = min(place + 1, last)
    return place, place < last


def idle(last_run: float, now: float) -> bool:
    """Whether a server whose last page run was at last_run (seconds, monotonic) is idle at now: no visitor has
    changed anything for IDLE_SECONDS, so its cached views serve no one."""
    return now - last_run >= IDLE_SECONDS


def typed(key: str, text: str, good: dict, spec=None) -> tuple[dict, ParameterError | None]:
    """A control typed as text (a number, the η list, θ₀, a function): the last good values with this one read from
    the text (a new dict), and no error; or, when the text cannot be used, the last good values as they were and
    why, for the page to say beside the control while it keeps using the last good value: nothing is silently
    replaced. spec: the control's range when it is not its own (a rule's hyperparameter)."""
    try:
        return {**good, key: read_control(key, text.strip(), spec)}, None
    except ParameterError as error:
        return good, error


class Change(NamedTuple):
    """What a transition does to the page's controls: reset (every control back to its default first), drop (these
    controls' values and their last good ones), put (these values), and the view to open (None: the open one)."""

    put: dict
    drop: tuple[str, ...] = ()
    reset: bool = False
    view: str | None = None


def follows(query: dict, written: dict | None) -> bool:
    """Whether the page takes its settings from the address: a link opened (nothing written yet in this session), or
    an address the page did not write last (Back, Forward, an edited URL: each change the page made is one step of
    the browser's history)."""
    return written is None or query != written


def address_followed(query: dict, language: str) -> tuple[Change, list]:
    """The address's values become the controls' — those it names, the objective's own defaults (a surface's η,
    compared η and limit) and the page's for those it leaves out (an address holds only what differs from them) —
    and its view opens; language: the one used where the address names none. Also what it gave that could not be
    used (links.Problem), to be said."""
    values, problems = read_url(query)
    values.setdefault("lang", language)
    values = {**{mode: getattr(DEFAULTS, mode) for mode in MODES}, **values}  # an address without them leaves an
    # exercise, a presentation or a worksheet
    objective = values.get("objective", DEFAULTS.objective)
    values = {**surface_defaults(objective, values.get(text_key(objective), "")), **values}
    view = values.pop("view", DEFAULTS.view)
    return Change(values, reset=True, view=view), problems


def objective_changed(objective: str, previous: str, view: str, texts: dict) -> Change:
    """A new objective starts from its own point: θ₀, the race's η and the pin, set on another one, mean nothing here. A
    surface brings its own η, compared η and iteration limit, and going back to a curve brings the curves' (within
    the curves, η stays); the open view stays open if the new objective has it. texts: the page's last good texts by
    text_key (a typed function, a learner's rows), for the objectives on either side that have one."""
    def text(name):
        return texts.get(text_key(name), "")

    put = {}
    if problem_of(objective, text(objective)).dim > 1 or problem_of(previous, text(previous)).dim > 1:
        put = surface_defaults(objective, text(objective)) or {key: getattr(DEFAULTS, key) for key in SURFACE_OWN}
    return Change(put, drop=("theta0", "pin", *RACE),
                  view=view if view in views_of(objective, text(objective)) else DEFAULTS.view)


def function_changed(text: str, previous: str) -> Change:
    """A typed function of another dimension starts from its own start: a θ₀ typed for a curve means nothing on a
    surface, nor the other way round; a run pinned on another function is not drawn on this one. A refused text
    changes nothing (the last good function, its θ₀ and the pin stay)."""
    try:
        dim = problem_of(CUSTOM, text.strip()).dim
    except ParameterError:
        return Change({})
    pin = ("pin",) if text.strip() != previous else ()
    return Change({}, drop=("theta0", *pin) if dim != problem_of(CUSTOM, previous).dim else pin)


def rows_edited(text: str, previous: str) -> Change:
    """Rows edited in the table: a run pinned on the rows before is not drawn on these (η stays the learner's)."""
    return Change({}, drop=("pin",) if text != previous else ())


def rows_replaced(objective: str, text: str) -> Change:
    """A data set given whole (an uploaded file) is a new problem, as a new objective is: η and the compared η start at
    its own (surface_defaults: about 1/L of these rows), and a run pinned on other rows is dropped. θ₀ stays: every
    regression starts at (0, 0) unless it is typed."""
    own = surface_defaults(objective, text)
    return Change({key: own[key] for key in ("eta", "etas")}, drop=("pin",))


def lesson(name: str, pin=None) -> Change:
    """A lesson in one click: every control back at its default, then the lesson's own, and its view open; a run
    pinned on the lessons' objective (the default one) stays pinned, to be compared with the lesson."""
    values = dict(PRESETS[name])
    view = values.pop("view")
    if pin is not None and (pin.objective, pin.function) == (DEFAULTS.objective, DEFAULTS.function):
        values["pin"] = pin
    return Change(values, reset=True, view=view)


START_DIGITS = 3  # significant digits of a θ₀ set by a click: a pointer is not more precise than that


def significant(value: float, digits: int = START_DIGITS) -> float:
    """value to `digits` significant digits as the chart's tooltip writes it (d3's "~g": JavaScript's toPrecision, a
    tie away from zero, on the double's exact value), so that the θ₀ a click sets is the one the tooltip said."""
    exact = Decimal(value)
    if not exact.is_finite() or exact == 0:
        return float(exact)
    return float(exact.quantize(Decimal(1).scaleb(exact.adjusted() - digits + 1), rounding=ROUND_HALF_UP))


def clicked_start(selected, box: tuple[float, float, float, float] | None = None) -> float | tuple[float, ...] | None:
    """θ₀ where a side-by-side panel was clicked, from its selection (charts.START, as the browser sent it): on a curve
    the θ of the curve's sample nearest the pointer; on a map (box: its bounds) the centre of the click target under
    it (maps.pick_centre); to START_DIGITS significant digits, as the tooltip said it. None when the selection holds
    no usable point (a click on a run's marks sends none; a crafted message is checked like a link: numbers only, in
    θ₀'s range, a target that exists)."""
    try:
        given = selected[0]["theta" if box is None else "cell"]
    except (TypeError, KeyError, IndexError):
        return None
    if type(given) not in (int, float) or not math.isfinite(given):  # finite numbers only (not text, nor True)
        return None
    if box is not None:
        if given != int(given) or not 0 <= given < maps.PICK_CELLS**2:
            return None
        values = maps.pick_centre(box, int(given))
    else:
        values = (given,)
    values = tuple(map(significant, values))
    spec = NUMBERS["theta0"]
    if not all(math.isfinite(value) and spec.low <= value <= spec.high for value in values):
        return None
    return values[0] if box is None else values
