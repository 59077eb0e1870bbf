"""The lab's controls as data: what each accepts on the public page, and the Run they describe.

Every range here is the engine's (gd.params) narrowed for a small shared server; every default is the
engine's unless the control exists only in the lab. Pure Python, no Streamlit, so tests reach it.
"""

import math
import re
from dataclasses import dataclass, replace

import numpy as np

from gd import data, params
from gd.data import parse_data
from gd.lab.format import accepted, number_text
from gd.lab.text import LANGUAGES, has, t, visible
from gd.lr_range import UPDATES
from gd.objectives import OBJECTIVES, Objective
from gd.optimizers import OPTIMIZERS
from gd.params import Hyperparameter, ParameterError, read_number
from gd.schedules import SCHEDULES
from gd.settings import problems
from gd.stopping import STOPS
from gd.surfaces import SURFACES
from gd.typed import MAX_LENGTH, parse_objective
from gd.variants import VARIANTS

MAX_ETAS = 12  # learning rates compared side by side: one panel each
MAX_TEXT = 400  # characters of a typed or linked value: 12 η of 17 digits and their commas fit; longer is refused

NUMBERS = {spec.name: spec for spec in (
    params.THETA0.narrowed(-100.0, 100.0),  # the curves are drawn near their minima
    params.ETA.narrowed(1e-6, 10.0),  # beyond 10 every curve here diverges in one update
    params.EPSILON.narrowed(high=1.0),
    params.BATCH_SIZE,
    params.SEED.narrowed(high=1_000_000),
    params.MAX_ITER.narrowed(high=100_000),
    params.ETA.narrowed(1e-6, 10.0, name="sweep_low", default=1e-3),
    params.ETA.narrowed(1e-6, 10.0, name="sweep_high", default=1.5),
    Hyperparameter("sweep_points", 60, 5, 200, integer=True),  # lab only: how many η the sweep runs
    Hyperparameter("seeds", 20, 2, 50, integer=True),  # lab only: runs in the noise view
    params.ETA.narrowed(1e-6, 10.0, name="range_low", default=1e-4),  # the learning-rate range test's first η
    params.ETA.narrowed(1e-6, 10.0, name="range_high", default=10.0),  # and its last
    UPDATES.narrowed(10, 1_000, name="range_updates"),
    params.MAX_ITER.narrowed(10, 2_000, name="basin_updates", default=200),  # each start's run in the basins view
)}
GUESS = NUMBERS["eta"].narrowed(name="guess_eta", default=0.5)  # the η a learner guesses about in the quiz
HYPERPARAMETERS = {f"{entry.name}_{spec.name}": spec  # an update rule's or schedule's own numbers: "adam_beta1"
                   for registry in (OPTIMIZERS, SCHEDULES) for entry in registry.values()
                   for spec in entry.hyperparameters}
# Each rule's η in the race, per surface: from the surface's start, the η of a grid (1, 2, 5 × 10ᵏ from 1e-4 to 10)
# that converges (within 1 % of the map's width of a minimizer or saddle) in the fewest updates, the smaller on a
# tie, with the engine's defaults (full batch, ε = 1e-8 on |ΔJ|, 10,000 updates at most); gd.lab.races.eta
# finds it and a test checks this table against it. On the saddle, from its start on y = 0, no full-batch rule
# leaves that line: every one converges to the saddle point, which is the lesson there.
RACE_ETAS = {
    "ravine": {"gd": 0.1, "momentum": 0.005, "nesterov": 0.1, "adagrad": 2.0, "rmsprop": 0.2, "adam": 1.0},
    "rosenbrock": {"gd": 0.002, "momentum": 0.002, "nesterov": 0.001, "adagrad": 1.0, "rmsprop": 0.001, "adam": 2.0},
    "himmelblau": {"gd": 0.02, "momentum": 0.005, "nesterov": 0.01, "adagrad": 2.0, "rmsprop": 0.2, "adam": 1.0},
    "saddle": {"gd": 0.5, "momentum": 0.01, "nesterov": 0.5, "adagrad": 10.0, "rmsprop": 5.0, "adam": 1.0},
    "linear_regression_2d": {"gd": 0.2, "momentum": 0.01, "nesterov": 0.2, "adagrad": 2.0, "rmsprop": 0.2,
                             "adam": 0.1},
    "logistic_regression_2d": {"gd": 5.0, "momentum": 0.1, "nesterov": 5.0, "adagrad": 2.0, "rmsprop": 0.1,
                               "adam": 0.1},
}
SCALED_RULES = ("gd", "momentum", "nesterov")  # their stable η is a multiple of 1/L: on the learner's data, scaled
RACE = {f"race_{name}": NUMBERS["eta"].narrowed(name=f"race_{name}") for name in OPTIMIZERS}  # typed in the race


CUSTOM = "custom"  # the objective typed as a formula (gd.typed): its text is the Run's function
DEFAULT_FUNCTION = "(x - 2.5)^2 - 1"  # the article's curve, typed
DATA = {"data_linear": "linear", "data_logistic": "logistic"}  # the regressions on the learner's rows (gd.data): the
# rows are the Run's function (data_text's form), the model is the objective's
LIKE = {"data_linear": "linear_regression_2d", "data_logistic": "logistic_regression_2d"}  # the built-in each
# resembles: its limit, its race and its price per example
SAMPLES = {  # the rows a table starts with: off-centre x, so slope and intercept are coupled (κ = 107) until x is
    # standardised (κ = 1); the classes overlap, so the logistic regression's minimizer is finite
    "data_linear": "1,1.8;1.5,2.3;2,2.5;2.5,2.6;3,3.2;3.5,3.3;4,4.2;4.5,5.3;5,4.8;5.5,5.1;6,6;6.5,6.4",
    "data_logistic": "0.5,0;1,0;1.5,0;2,1;2.5,0;3,0;3.5,1;4,0;4.5,1;5,1;5.5,1;6,1",
}
MAX_LINK_DATA = 1_500  # characters of the learner's rows a link carries: with the rest, a link stays under the 2,000
# characters every browser and server keeps whole; a larger data set is shared as its CSV
FEATURES = ("raw", "standardized")  # x as given, or (x − mean) / standard deviation
CHOICES = {"objective": (*OBJECTIVES, *SURFACES, *DATA, CUSTOM), "variant": VARIANTS, "optimizer": tuple(OPTIMIZERS),
           "schedule": tuple(SCHEDULES), "stop": tuple(STOPS), "features": FEATURES}
CURVE_VIEWS = ("compare", "theory", "range", "stopping", "geometry", "inside", "noise", "predict")  # what a 1-D
# objective shows; a surface adds the race, and momentum's map on a quadratic,
REGRESSIONS = ("linear_regression_2d", "logistic_regression_2d", *DATA)  # and the fitted model on these
BASINS = ("double_well", "himmelblau", "saddle")  # the built-in objectives with more than one place to end (and a
# typed function): their basins of attraction are a view of their own
VIEWS = (*CURVE_VIEWS[:3], "basins", *CURVE_VIEWS[3:], "race", "momentum", "regression")  # the tabs, in their order
BASIN_CELLS = {1: 121, 2: 31}  # the grid of starts across the plot: per axis, by the objective's dimension
UNITS = ("k", "epochs", "examples")  # what the convergence chart's x axis counts
OPTIONS = {**CHOICES, "view": VIEWS, "unit": UNITS, "lang": LANGUAGES}
SWITCH = ("0", "1")  # off and on, in a link
SAMPLING = {"batch": (), "sgd": ("seed",), "minibatch": ("batch_size", "seed")}  # the numbers a variant brings
LOCKABLE = ("objective", "theta0", "eta", "variant", "optimizer", "schedule", "stop", "epsilon", "max_iter", "etas",
            "lessons")  # what a teacher's link can hide (a choice with the numbers it brings: a rule's own, the
# variant's batch size and seed; the objective with its formula or rows), and the lessons' buttons
HIDEABLE = (*LOCKABLE, *VIEWS)  # and the views: the tabs a student's link leaves out
SWITCHED = ("present", "worksheet")  # the page for a projector, for a printer: present=1, worksheet=1 in a link
MODES = ("hide", *SWITCHED)  # how the page is shown, which a link sets: not a control, and no view reads it
NO_RULE = "none"  # the stopping lab's last column: no rule, the iteration limit alone (gd.each_stop's key)
STOPPING_LAB = (*STOPS, NO_RULE)
DEFAULT_ETAS = (0.01, 0.1, 0.9, 1.0, 1.1)  # too small, good, oscillating, stalled, diverging
PRESETS = {  # a lesson in one click: the controls that differ from the defaults, and the view to open
    "article": {"view": "compare"},  # the article's run, exactly
    "trap": {"eta": 1.0, "view": "stopping"},  # J(5) = J(0) fools |ΔJ| < ε after one update
    "diverge": {"eta": 1.1, "view": "compare"},  # past 2/L every step overshoots further
    "noise": {"variant": "sgd", "view": "noise"},  # one example per update: the paths spread
    "rescue": {"eta": 1.1, "schedule": "exponential", "view": "compare"},  # a decaying η brings 1.1 back
}

# The controls each cached view reads beyond the sidebar's settings (SETTINGS), so that its cache key changes
# only when one of them does.
PINNED = ("theta0", "eta", "epsilon", "variant", "batch_size", "seed", "optimizer", "schedule", "stop", "max_iter",
          "hyperparameters")  # what a pin keeps of the run above the tabs: the objective is the page's (a new one
# drops the pin, state.objective_changed)
SETTINGS = ("objective", "function", "features", "theta0", "epsilon", "variant", "batch_size", "seed", "optimizer",
            "schedule", "stop", "max_iter", "hyperparameters", "lang")
READS = {"headline": ("eta",), "compare": ("etas", "unit", "pin"), "theory": ("etas", "sweep_low", "sweep_high",
         "sweep_points"), "range": ("range_low", "range_high", "range_updates"), "basins": ("etas", "basin_updates"),
         "stopping": ("eta",), "geometry": ("eta",), "inside": ("eta",), "noise": ("eta", "seeds"), "predict": ("eta",),
         "race": ("race",), "momentum": ("eta",), "regression": ("eta",)}
IN_VIEW = {"compare": ("unit",), "theory": ("sweep_low", "sweep_high", "sweep_points"),
           "range": ("range_low", "range_high", "range_updates"), "basins": ("basin_updates",), "noise": ("seeds",),
           "race": tuple(RACE)}


INSIDE_UPDATES = 1_000  # updates the inside view replays at most: Adam's v is corrected by 1 − β₂ᵗ, still a half at
# t ≈ 700 with β₂ = 0.999
NEWTON_UPDATES = 100  # Newton's method in the race: at most this many updates (it converges in a handful, or never)
MOMENTUM_CELLS = (40, 40)  # momentum's map over (η, β): columns (η), rows (β)
SPREAD = (0.1, 0.5, 1.0, 1.5, 2.0)  # a surface's compared η, as multiples of its own: slow, good, too large


def problem_of(objective: str, function: str = "", features: str = "raw") -> Objective:
    """The Objective a run minimises: a registry's by name; for CUSTOM the formula typed (DEFAULT_FUNCTION when none
    was), read by gd.parse_objective; for DATA the rows (its SAMPLES when none were given) with x as `features` says,
    read by gd.parse_data (each cached on its text; a ParameterError named "function" or "data" if refused)."""
    if objective == CUSTOM:
        return parse_objective(function or DEFAULT_FUNCTION)
    if objective in DATA:
        return parse_data(function or SAMPLES[objective], DATA[objective], features == "standardized")
    return problems()[objective]


def text_key(objective: str) -> str:
    """Where the page keeps the objective's own text (a Run's function): "function" for a typed formula, and each
    DATA objective's rows apart ("data_linear_rows"), so that a learner's rows stay theirs while another objective
    is open (a link carries them as "data")."""
    return f"{objective}_rows" if objective in DATA else "function"


def target(run) -> str | Objective:
    """What the engine is given for run: the registry's name of a built-in objective, the typed or the learner's
    Objective itself."""
    return run.problem() if run.objective in (CUSTOM, *DATA) else run.objective


SURFACE_OWN = ("eta", "etas", "max_iter")  # what a surface brings of its own (surface_defaults)
SURFACE_LIMITS = {"logistic_regression_2d": 4_000}  # its theory view at 10,000 updates is over the cap: 66 runs of
# 64 examples through exp and log per update (2.4 µs a lane), and its maps


def surface_defaults(objective: str, function: str = "") -> dict:
    """What a surface starts with where the curves' defaults would only diverge (η = 0.1 on Rosenbrock): η is
    plain descent's η in the race (RACE_ETAS), the compared η SPREAD around it (those the page takes), and the
    iteration limit at which every view it has fits the cap at these defaults (on a learner's rows η is about 1/L of
    them instead: no race was run on them); nothing for a curve, nor for a typed function (no race was run on it: the
    curves' η, changed by the learner where they diverge)."""
    if objective == CUSTOM or problem_of(objective, function).dim == 1:
        return {}
    eta = _one_over_l(objective, function) if objective in DATA else RACE_ETAS[objective]["gd"]
    spec = NUMBERS["eta"]
    return {"eta": eta, "etas": tuple(spread for factor in SPREAD if spec.low <= (spread := round(eta * factor, 12))),
            "max_iter": SURFACE_LIMITS.get(LIKE.get(objective, objective), NUMBERS["max_iter"].default)}


def _one_over_l(objective: str, function: str) -> float:
    """1/L of the learner's rows (x as given) to one significant digit: the η that theory says is safe (below 2/L)
    and fast; the page's smallest η where that is smaller (x across ±1,000: no η the page takes is stable there, and
    the sidebar says so)."""
    return max(float(f"{1 / problem_of(objective, function).smoothness:.1g}"), NUMBERS["eta"].low)


def race_etas(objective: str, typed: tuple[tuple[str, float], ...] = (), function: str = "",
              features: str = "raw") -> dict[str, float]:
    """Every rule's η in the race on this surface: RACE_ETAS, with what was typed (("race_adam", 0.3), …) over it. On
    the learner's data, the built-in regression's with the rules whose stable η is set by the curvature (descent,
    momentum, Nesterov) scaled by its L over the data's (to one significant digit); the adaptive rules divide by
    the gradient's own size, so theirs are kept."""
    own = RACE_ETAS[LIKE.get(objective, objective)]
    if objective in DATA:
        ratio = problems()[LIKE[objective]].smoothness / problem_of(objective, function, features).smoothness
        own = {name: float(f"{eta * ratio:.1g}") if name in SCALED_RULES else eta for name, eta in own.items()}
    chosen = {f"race_{name}": eta for name, eta in own.items()} | dict(typed)
    return {name: chosen[f"race_{name}"] for name in OPTIMIZERS}


def views_of(objective: str, function: str = "", hide: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The tabs an objective has: the curves' (CURVE_VIEWS), with the basins where a run can end in more than one
    place (BASINS, and a typed function); on a surface also the race, momentum's map on a built-in quadratic (its
    grid of η is drawn for their curvatures) and the fitted model on a regression. A typed function has the curves'
    views in 1-D and 2-D alike: the race needs each rule's own η (RACE_ETAS, found per surface by a search), which a
    formula typed a moment ago does not have (a learner's rows have the built-in regression's, scaled: race_etas).
    hide: the views a teacher's link leaves out; every view where it would leave none (a link that does is refused,
    links.read_url, but a new objective may have only views the link hides)."""
    problem = problem_of(objective, function)
    curve = (*CURVE_VIEWS[:3], "basins", *CURVE_VIEWS[3:]) if objective in (*BASINS, CUSTOM) else CURVE_VIEWS
    if problem.dim == 1 or objective == CUSTOM:
        shown = curve
    else:
        shown = (*curve, "race", *(("momentum",) if problem.quadratic and objective not in DATA else ()),
                 *(("regression",) if objective in REGRESSIONS else ()))
    return tuple(name for name in shown if name not in hide) or shown


def title(kind: str, name: str) -> str:
    """What a registry's choice is called on the page: title("optimizer", "adam")."""
    return t(f"{kind}.{name}.title")


def hyperparameters_of(kind: str, name: str) -> tuple[Hyperparameter, ...]:
    """The own numbers of an update rule (kind "optimizer") or a schedule: their specs, defaults and ranges."""
    return {"optimizer": OPTIMIZERS, "schedule": SCHEDULES}[kind][name].hyperparameters


def help_text(key: str, template: str | None = None) -> str:
    """A number control's help (or the η list's), with its accepted range filled in from its spec; template: another
    string of the table for it (θ₀ on a surface)."""
    spec = NUMBERS["eta" if key == "etas" else key]
    low, high = (f"{end:,}" for end in (spec.low, spec.high)) if spec.integer else (f"{spec.low:g}", f"{spec.high:g}")
    return t(template or f"help.{key}", low=low, high=high, count=MAX_ETAS)


def label(name: str) -> str:
    """A parameter as the page names it: its control's label ("Iteration limit" for max_iter), else its name."""
    return t(f"label.{name}") if has(f"label.{name}") else name


def refusal(error: ParameterError) -> str:
    """What the refused control accepts, in the current language; the engine's own words for a refusal the page's
    bounded controls never make."""
    if error.spec is not None or error.options is not None:
        return accepted(error.spec, options=error.options)
    if error.reason == "too_long" and error.name != "function":  # a text past MAX_TEXT, refused unread
        return t("accepted.too_long", limit=MAX_TEXT, length=len(error.value))
    if error.name == "function":  # what a formula may hold, and the rule this text broke, naming what it refused
        token = visible(error.token if len(error.token) <= 40 else error.token[:40] + "…")  # U+202E as \u202e
        return t("function.refused", accepted=t("accepted.function", limit=MAX_LENGTH),
                 reason=t(f"function.reason.{error.reason}", token=token, limit=MAX_LENGTH))
    if error.name == "pin":
        return t("accepted.pin")
    if error.name == "hide":  # names the page's controls and views by their labels, and what each is in a link
        return t(f"accepted.hide.{error.reason}", names=", ".join(f"{name} ({hidden_label(name)})"
                                                              for name in HIDEABLE))
    if error.name == "data":
        return t("function.refused", accepted=data_accepted(), reason=data_reason(error))
    return t("accepted.etas", count=MAX_ETAS) if error.name == "etas" else error.accepted


def data_limits() -> dict:
    """The bounds of a learner's data set, as the strings about it name them."""
    return {"least": data.MIN_ROWS, "most": data.MAX_ROWS, "limit": data.MAX_VALUE, "bytes": data.MAX_BYTES,
            "link": MAX_LINK_DATA}


def data_accepted() -> str:
    return t("accepted.data", **data_limits())


def data_reason(error: ParameterError) -> str:
    """Why a data set was refused (gd.data's reason), naming the row and the text refused, in the page's language."""
    return t(f"data.reason.{error.reason}", token=visible(error.token or ""), row=error.row, **data_limits())


def table_text(table) -> str:
    """The rows of the data table (a frame with columns x and y, as the page's editor gives it) as gd.data reads
    them: a row per line, each cell written exactly; an empty cell is left out (so its row is refused for having one
    value), a row with none is skipped."""
    return "\n".join(",".join(number_text(value) for value in row if not math.isnan(value))
                     for row in table[["x", "y"]].astype(float).itertuples(index=False))


def hidden_label(name: str) -> str:
    """What the page calls a control or a view a teacher's link can hide."""
    return t(f"view.{name}") if name in VIEWS else t(f"label.{name}")


def format_etas(etas) -> str:
    return ", ".join(number_text(eta) for eta in etas)


def parse_etas(text: str) -> tuple[float, ...]:
    """Learning rates typed as "0.01, 0.1, 1.1": 1 to MAX_ETAS numbers in the η range, duplicates dropped."""
    spec = replace(NUMBERS["eta"], name="etas")
    parts = [part for part in re.split(r"[,;，；、\s]+", str(text)) if part]  # a Chinese comma separates too
    if not 1 <= len(parts) <= MAX_ETAS:
        raise ParameterError("etas", f"1 to {MAX_ETAS} learning rates separated by commas", text)
    return tuple(dict.fromkeys(spec.check(read_number(part)) for part in parts))


def parse_hidden(text: str) -> tuple[str, ...]:
    """What a link hides, "optimizer,schedule,theory": names of HIDEABLE separated by commas, each once, in
    HIDEABLE's order."""
    parts = [part for part in str(text).split(",") if part]
    if not parts or len(set(parts)) < len(parts) or not set(parts) <= set(HIDEABLE):
        raise ParameterError("hide", f"names of controls and views separated by commas: {', '.join(HIDEABLE)}",
                             text, reason="hide")
    return tuple(name for name in HIDEABLE if name in parts)


def chosen_hyperparameters(optimizer: str, schedule: str, given: dict) -> tuple[tuple[str, float], ...]:
    """The chosen rule's and schedule's own numbers as a Run holds them (the sidebar's order, every one): given's
    value where it names one, else its default; given's others (another rule's) are not used."""
    chosen = (("optimizer", optimizer), ("schedule", schedule))
    return tuple((key, given.get(key, spec.default)) for kind, name in chosen
                 for spec in hyperparameters_of(kind, name) for key in (f"{name}_{spec.name}",))


def spec_of(key: str) -> Hyperparameter:
    """The spec of a number control: the page's own (NUMBERS, RACE) or an update rule's or schedule's, by its key."""
    if key in NUMBERS or key in RACE:
        return NUMBERS.get(key) or RACE[key]
    return replace(HYPERPARAMETERS[key], name=key)


def start_of(objective: str, function: str = "") -> float | tuple[float, ...]:
    """Where a run starts unless θ₀ is typed: a surface's own start, the curves' θ₀ default."""
    start = problem_of(objective, function).start
    return NUMBERS["theta0"].default if start is None else tuple(start)


def parse_start(text: str) -> float | tuple[float, ...]:
    """θ₀ typed as one number (a curve) or two, "x, y" (a surface), each in θ₀'s range."""
    spec = NUMBERS["theta0"]
    parts = [part for part in re.split(r"[,;，；、\s]+", str(text)) if part]
    if len(parts) not in (1, 2):
        raise ParameterError("theta0", "one number, or two numbers x, y", text, spec=spec)
    values = tuple(spec.check(read_number(part)) for part in parts)
    return values[0] if len(values) == 1 else values


def fits(theta0, objective: str, function: str = "") -> bool:
    """Whether θ₀ has the objective's dimension: a number for a curve, a pair for a surface."""
    dim = problem_of(objective, function).dim
    return np.ndim(theta0) == 0 if dim == 1 else np.shape(theta0) == (dim,)


def read_control(key: str, text: str, spec: Hyperparameter | None = None):
    """A control's value from its text, as a visitor typed it or a link gave it: a choice, the η list, θ₀ (one number
    or two), or a plain number in the control's range (spec, if given, else spec_of(key)); else a ParameterError
    naming it. A text longer than MAX_TEXT is refused whole, never cut and read (a typed function has its own,
    shorter limit, which gd.typed says)."""
    if key != "function" and len(text) > MAX_TEXT:
        raise ParameterError(key, f"text of at most {MAX_TEXT} characters", text, reason="too_long")
    if key in SWITCHED:
        return params.choose(key, text, SWITCH) == SWITCH[1]
    if key in OPTIONS:
        return params.choose(key, text, OPTIONS[key])
    if key == "hide":
        return parse_hidden(text)
    if key == "etas":
        return parse_etas(text)
    if key == "theta0":
        return parse_start(text)
    if key == "function":  # kept as typed, once gd.typed has read it
        parse_objective(text)
        return text
    return (spec or spec_of(key)).check(read_number(str(text)))


def control_text(key: str, value) -> str:
    """What a typed control shows for a value: read_control(key, control_text(key, value)) == value exactly."""
    if isinstance(value, str):  # a typed function
        return value
    if isinstance(value, tuple):  # the η list, or a 2-D start
        return format_etas(value)
    return str(value) if isinstance(value, int) else number_text(value)


@dataclass(frozen=True)
class Run:
    """Every control's value: the one object the cached views depend on."""

    objective: str = "quadratic"
    theta0: float | tuple[float, ...] = NUMBERS["theta0"].default  # a pair on a surface
    eta: float = NUMBERS["eta"].default
    epsilon: float = NUMBERS["epsilon"].default
    variant: str = "batch"
    batch_size: int = NUMBERS["batch_size"].default
    seed: int = NUMBERS["seed"].default
    optimizer: str = "gd"
    schedule: str = "constant"
    stop: str = "loss_change"
    max_iter: int = NUMBERS["max_iter"].default
    etas: tuple[float, ...] = DEFAULT_ETAS
    sweep_low: float = NUMBERS["sweep_low"].default
    sweep_high: float = NUMBERS["sweep_high"].default
    sweep_points: int = NUMBERS["sweep_points"].default
    hyperparameters: tuple[tuple[str, float], ...] = ()  # (("adam_beta1", 0.8), …) for the chosen rule and schedule
    race: tuple[tuple[str, float], ...] = ()  # (("race_adam", 0.3), …): the race's η typed over RACE_ETAS
    seeds: int = NUMBERS["seeds"].default
    range_low: float = NUMBERS["range_low"].default
    range_high: float = NUMBERS["range_high"].default
    range_updates: int = NUMBERS["range_updates"].default
    basin_updates: int = NUMBERS["basin_updates"].default
    unit: str = "k"
    view: str = "compare"
    lang: str = "en"  # the language the page speaks: "zh" or "en"; every view's text, so every cache key, has it
    function: str = ""  # the objective's own text: the formula typed when it is CUSTOM (DEFAULT_FUNCTION if empty), the
    # learner's rows for DATA (its SAMPLES if empty), else ""
    features: str = "raw"  # x as given, or standardised ("standardized"): DATA objectives only
    pin: "Run | None" = None  # a run pinned to compare with (pinned()): drawn dashed while the learner changes settings
    hide: tuple[str, ...] = ()  # the controls and views a teacher's link leaves out (HIDEABLE's names): none by default
    present: bool = False  # the page as a projector shows it: one view, large type, no sidebar
    worksheet: bool = False  # the page as a printed worksheet: question, settings, room to predict, the view's figures

    def keywords(self) -> dict:
        """Keyword arguments for gd.compare, with the optimizer and schedule built from their hyperparameters."""
        def build(registry, name):
            prefix = f"{name}_"
            values = {key[len(prefix):]: value for key, value in self.hyperparameters if key.startswith(prefix)}
            return registry[name].build(**values)

        return {"theta0": self.theta0, "epsilon": self.epsilon, "variant": self.variant,
                "batch_size": self.batch_size, "seed": self.seed, "optimizer": build(OPTIMIZERS, self.optimizer),
                "schedule": build(SCHEDULES, self.schedule), "stop": self.stop, "max_iter": self.max_iter}

    def problem(self) -> Objective:
        """The Objective this run minimises (problem_of its objective, text and features)."""
        return problem_of(self.objective, self.function, self.features)

    def for_view(self, name: str) -> "Run":
        """The same run with every field view `name` does not read at its default: the view's cache key."""
        reads = (*SETTINGS, *READS[name])
        return replace(DEFAULTS, **{field: getattr(self, field) for field in reads})

    def pinned(self) -> "Run":
        """This run's settings as a pin: PINNED on this objective, everything else at its default."""
        return replace(DEFAULTS, objective=self.objective, function=self.function, features=self.features,
                       **{name: getattr(self, name) for name in PINNED})

    def sweep_etas(self) -> np.ndarray:
        low, high = sorted((self.sweep_low, self.sweep_high))
        return np.geomspace(low, high, self.sweep_points)


DEFAULTS = Run()
