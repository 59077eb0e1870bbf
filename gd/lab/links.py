"""Links in and out: the controls a URL's query parameters carry, checked, and the query that reopens a view.

Nothing from a URL is ever evaluated: a number must be written plainly (gd.params.read_number) and lie in its
control's range, a name must be one of the registry's. A bad value is dropped (its control keeps the default)
and named in one warning, where what the link gave is shown as text (text.quoted).
"""

from dataclasses import fields, replace
from typing import NamedTuple
from urllib.parse import urlencode

from gd.lab.controls import (
    CUSTOM,
    DEFAULT_FUNCTION,
    DEFAULTS,
    HYPERPARAMETERS,
    MAX_TEXT,
    NUMBERS,
    OPTIONS,
    PINNED,
    RACE,
    RACE_ETAS,
    Run,
    chosen_hyperparameters,
    control_text,
    fits,
    race_etas,
    read_control,
    refusal,
    start_of,
    surface_defaults,
    title,
    views_of,
)
from gd.lab.format import number_text
from gd.lab.text import escaped, markdown, quoted, t
from gd.params import ParameterError

SHOWN_TEXT = 40  # characters of a bad value repeated back in a warning
PIN_KEYS = (*(name for name in PINNED if name != "hyperparameters"), *HYPERPARAMETERS)  # what a pin's text may name
PIN_FORM = "settings written as key:value, separated by ;, η among them"  # the engine's words (text: accepted.pin)


class Problem(NamedTuple):
    """A link parameter that was not used: its key, the value it gave, and why (None: there is no such control);
    for a view the link's objective does not have, that objective."""

    key: str
    raw: str
    refused: ParameterError | None = None
    objective: str | None = None


def read_url(params) -> tuple[dict, list[Problem]]:
    """Control values from a link's query parameters, and one Problem per value that was refused. Never raises."""
    values, problems = {}, []
    for key, raw in params.items():
        known = key in OPTIONS or key in NUMBERS or key in HYPERPARAMETERS or key in RACE or key in ("etas", "function")
        if key == "pin":  # read below, once the objective it is pinned on is known
            continue
        if not known:
            problems.append(Problem(str(key), str(raw)))
            continue
        try:
            values[key] = read_control(key, str(raw))
        except ParameterError as error:
            problems.append(Problem(key, str(raw), error))
    objective = values.get("objective", DEFAULTS.objective)
    if "pin" in params:
        try:
            values["pin"] = read_pin(str(params["pin"]), objective, values.get("function", ""))
        except ParameterError as error:  # the whole pin is refused, naming the setting in it that was
            problems.append(Problem("pin" if error.name == "pin" else f"pin {error.name}", str(params["pin"]), error))
    shown = views_of(objective, values.get("function", ""))
    if values.get("view", DEFAULTS.view) not in shown:  # the race on a curve: the page opens its first view
        view = values.pop("view")
        problems.append(Problem("view", view, ParameterError("view", f"one of {', '.join(shown)}", view,
                                                             options=shown), objective))
    return values, problems


def _shown(text: str) -> str:
    return quoted(text if len(text) <= SHOWN_TEXT else text[:SHOWN_TEXT] + "…")


def warning(problems: list[Problem]) -> str:
    """The one warning that names every refused link value (as Markdown; what the link gave is quoted as text)."""
    return markdown("page.link_problems", problems="; ".join(map(_said, problems)))


def _said(problem: Problem) -> str:
    if problem.refused is None:
        return markdown("link.unknown", name=_shown(problem.key))
    if problem.objective is not None:
        return markdown("link.view_missing", objective=escaped(title("objective", problem.objective)),
                        view=escaped(t(f"view.{problem.raw}")), shown=escaped(t(f"view.{DEFAULTS.view}")))
    return markdown("link.refused", name=escaped(problem.key), accepted=escaped(refusal(problem.refused)),
                    raw=_shown(problem.raw))


def share(base: str | None, run: Run) -> str:
    """The link that reopens this view: the page's address without its query, and the query of to_url(run)."""
    return f"{(base or '').split('?')[0]}?{urlencode(to_url(run))}"


def to_url(run: Run) -> dict[str, str]:
    """The query parameters that reopen this view: the values that differ from the defaults (a surface's own η and
    compared η: η = 0.1 on Rosenbrock must be said, the link would open at its 0.002), and the language always (with
    none in a link, the browser's language decides, and the receiver's may not be the sender's)."""
    own = replace(DEFAULTS, **surface_defaults(run.objective, run.function))  # the defaults of this objective
    query = {}
    for key, value in ((field.name, getattr(run, field.name)) for field in fields(run)):
        if key == "pin":
            if value is not None:
                query[key] = pin_text(value)
        elif key == "lang":
            query[key] = value
        elif key == "function":  # the formula, whenever one is in use (its default too: a link must not depend on it)
            if run.objective == CUSTOM:
                query[key] = value or DEFAULT_FUNCTION
        elif key == "hyperparameters":
            query.update({name: number_text(number) for name, number in value
                          if number != HYPERPARAMETERS[name].default})
        elif key == "race":  # each rule's η where it differs from the surface's own
            defaults = race_etas(run.objective) if run.objective in RACE_ETAS else {}
            query.update({name: number_text(eta) for name, eta in value
                          if eta != defaults.get(name.removeprefix("race_"))})
        elif value != getattr(own, key):
            if isinstance(value, tuple):  # the η list, or a 2-D start
                query[key] = ",".join(map(number_text, value))
            elif isinstance(value, float):
                query[key] = number_text(value)
            else:
                query[key] = str(value)
    return query


def pin_text(pin: Run) -> str:
    """A pinned run as a link writes it: "eta:0.5;optimizer:adam;adam_beta1:0.8", its η always, then each setting
    of PINNED that differs from its objective's defaults, as to_url writes them (read_pin reads it back)."""
    query = to_url(pin)
    written = {"eta": number_text(pin.eta)} | {key: value for key, value in query.items() if key in PIN_KEYS}
    return ";".join(f"{key}:{value}" for key, value in written.items())


def read_pin(text: str, objective: str, function: str = "") -> Run:
    """The pin a link's text gives (pin_text's form), on the link's objective: each setting read and checked as its
    control reads it (read_control), the rest at the objective's defaults; a ParameterError, named "pin" (the form)
    or after the setting refused, when any part cannot be used: a pin is used whole or not at all."""
    if len(text) > MAX_TEXT:
        raise ParameterError("pin", f"text of at most {MAX_TEXT} characters", text, reason="too_long")
    values = {}
    for part in text.split(";"):
        key, _, raw = part.partition(":")
        if key not in PIN_KEYS or key in values:
            raise ParameterError("pin", PIN_FORM, text)
        values[key] = read_control(key, raw)
    if "eta" not in values:
        raise ParameterError("pin", PIN_FORM, text)
    start = values.setdefault("theta0", start_of(objective, function))
    if not fits(start, objective, function):
        raise ParameterError("theta0", "one number, or two numbers x, y", control_text("theta0", start),
                             spec=NUMBERS["theta0"])
    settings = {key: value for key, value in values.items() if key in PINNED}
    own = {key: value for key, value in surface_defaults(objective, function).items() if key in PINNED}
    chosen = chosen_hyperparameters(settings.get("optimizer", DEFAULTS.optimizer),
                                    settings.get("schedule", DEFAULTS.schedule), values)
    return replace(DEFAULTS, objective=objective, function=function, **{**own, **settings}, hyperparameters=chosen)
