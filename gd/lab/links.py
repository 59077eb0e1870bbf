"""Links in and out: the controls a URL's query parameters carry, checked, and the query that reopens a view.

Nothing from a URL is ever evaluated: a number must be written plainly (gd.params.read_number) and lie in its
control's range, a name must be one of the registry's. A bad value is dropped (its control keeps the default)
and named in one warning, where what the link gave is shown as text (text.quoted).
"""

from dataclasses import fields, replace
from typing import NamedTuple
from urllib.parse import urlencode

from gd.lab.controls import (
    CHOICES,
    CUSTOM,
    DATA,
    DEFAULT_FUNCTION,
    DEFAULTS,
    HYPERPARAMETERS,
    LOCKABLE,
    MAX_LINK_DATA,
    MAX_TEXT,
    MODES,
    NUMBERS,
    OPTIONS,
    PINNED,
    RACE,
    RACE_ETAS,
    SAMPLES,
    SWITCH,
    SWITCHED,
    Run,
    chosen_hyperparameters,
    control_text,
    fits,
    hidden_label,
    problem_of,
    race_etas,
    read_control,
    refusal,
    start_of,
    surface_defaults,
    text_key,
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
    """A link parameter that was not used: its key, the value it gave, and why (None: there is no such control, or,
    with an objective, none that objective has); for a view the link's objective does not have, that objective."""

    key: str
    raw: str
    refused: ParameterError | None = None
    objective: str | None = None


def read_url(params) -> tuple[dict, list[Problem]]:
    """Control values from a link's query parameters, and one Problem per value that was refused. Never raises."""
    values, problems = {}, []
    for key, raw in params.items():
        known = key in OPTIONS or key in NUMBERS or key in HYPERPARAMETERS or key in RACE or key in (
            "etas", "function", *MODES)
        if key in ("pin", "data"):  # read below, once the objective they belong to is known
            continue
        if not known:
            problems.append(Problem(str(key), str(raw)))
            continue
        try:
            values[key] = read_control(key, str(raw))
        except ParameterError as error:
            problems.append(Problem(key, str(raw), error))
    objective = values.get("objective", DEFAULTS.objective)
    for key in ("data", "features"):  # rows and x's scaling mean nothing to a curve, a surface or a formula
        if key in params and objective not in DATA and (key == "data" or key in values):  # (a refused one is named)
            values.pop(key, None)
            problems.append(Problem(key, str(params[key]), objective=objective))
    if "data" in params and objective in DATA:
        try:
            values[text_key(objective)] = read_data(str(params["data"]), objective)
        except ParameterError as error:
            problems.append(Problem("data", str(params["data"]), error))
    text = values.get(text_key(objective), "")
    if "pin" in params:
        try:
            values["pin"] = read_pin(str(params["pin"]), objective, text, values.get("features", DEFAULTS.features))
        except ParameterError as error:  # the whole pin is refused, naming the setting in it that was
            problems.append(Problem("pin" if error.name == "pin" else f"pin {error.name}", str(params["pin"]), error))
    shown = views_of(objective, text)
    hidden = values.get("hide", ())
    if set(shown) <= set(hidden):  # an exercise with nothing to look at: the link hides nothing
        problems.append(Problem("hide", str(params["hide"]), ParameterError(
            "hide", "at least one view of the objective left shown", values.pop("hide"), reason="every_view")))
        hidden = ()
    if values.get("view", DEFAULTS.view) not in shown:  # the race on a curve: the page opens its first view
        view = values.pop("view")
        problems.append(Problem("view", view, ParameterError("view", f"one of {', '.join(shown)}", view,
                                                             options=shown), objective))
    if values.get("view") in hidden:  # a view the link itself hides: the first it leaves shown (as the page opens
        values["view"] = next(name for name in shown if name not in hidden)  # when it names none and hides that)
    return values, problems


def _shown(text: str) -> str:
    return quoted(text if len(text) <= SHOWN_TEXT else text[:SHOWN_TEXT] + "…")


def warning(problems: list[Problem]) -> str:
    """The one warning that names every refused link value (as Markdown; what the link gave is quoted as text)."""
    return markdown("page.link_problems", problems="; ".join(map(_said, problems)))


def _said(problem: Problem) -> str:
    if problem.refused is None and problem.objective is not None:
        return markdown("link.not_here", name=_shown(problem.key),
                        objective=escaped(title("objective", problem.objective)))
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
            elif run.objective in DATA and value not in ("", SAMPLES[run.objective]) and fits_link(run):
                query["data"] = value  # the rows, unless the sample (or too many for a link: the page says so)
        elif key == "features":
            if run.objective in DATA and value != DEFAULTS.features:
                query[key] = value
        elif key == "hide":  # a teacher's exercise: what it leaves out, kept in every link made from it
            if value:
                query[key] = ",".join(value)
        elif key in SWITCHED:
            if value:
                query[key] = SWITCH[1]
        elif key == "hyperparameters":
            query.update({name: number_text(number) for name, number in value
                          if number != HYPERPARAMETERS[name].default})
        elif key == "race":  # each rule's η where it differs from the surface's own
            defaults = race_etas(run.objective, (), run.function, run.features) \
                if run.objective in (*RACE_ETAS, *DATA) else {}
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


def exercise_said(run: Run) -> str:
    """What a teacher's link fixes, said beside the controls it hides: each hidden control with the value the run
    uses ("" when it hides none, only views or the lessons)."""
    settings = [t("exercise.setting", name=hidden_label(name), value=setting_said(run, name)) for name in run.hide
                if name in LOCKABLE and name != "lessons"]
    return t("exercise.caption", settings=t("describe.separator").join(settings)) if settings else ""


def setting_said(run: Run, name: str) -> str:
    """A setting of the run as the page shows it: a choice by its title (the objective with a typed formula as typed),
    a number as its control writes it; an update rule's or schedule's own number by its key ("adam_beta1")."""
    if name == "objective":
        return title("objective", run.objective) + (f": J = {run.function}" if run.objective == CUSTOM else "")
    if name in CHOICES:
        return title(name, getattr(run, name))
    if name in HYPERPARAMETERS:
        return control_text(name, dict(run.hyperparameters)[name])
    return control_text(name, getattr(run, name))


def pin_text(pin: Run) -> str:
    """A pinned run as a link writes it: "eta:0.5;optimizer:adam;adam_beta1:0.8", its η always, then each setting
    of PINNED that differs from its objective's defaults, as to_url writes them (read_pin reads it back)."""
    query = to_url(pin)
    written = {"eta": number_text(pin.eta)} | {key: value for key, value in query.items() if key in PIN_KEYS}
    return ";".join(f"{key}:{value}" for key, value in written.items())


def read_data(text: str, objective: str) -> str:
    """The learner's rows a link gives, for one of the DATA objectives: read and checked as the table's are (a
    ParameterError named "data" otherwise, a text longer than MAX_LINK_DATA refused unread), in data_text's form."""
    if len(text) > MAX_LINK_DATA:
        raise ParameterError("data", f"text of at most {MAX_LINK_DATA} characters", text, reason="link_too_long",
                             token=f"{len(text):,}")
    return problem_of(objective, text).text


def fits_link(run: Run) -> bool:
    """Whether a link can carry this run: its rows, if it has any, are at most MAX_LINK_DATA characters."""
    return run.objective not in DATA or len(run.function) <= MAX_LINK_DATA


def read_pin(text: str, objective: str, function: str = "", features: str = "raw") -> Run:
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
    return replace(DEFAULTS, objective=objective, function=function, features=features, **{**own, **settings},
                   hyperparameters=chosen)
