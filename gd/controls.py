"""The dashboard's controls as data: ranges, defaults, URL parsing and the work budget.

Pure Python, no Streamlit: everything a link or a widget can carry is checked here, so tests
reach it without a browser. Nothing from a URL is ever evaluated: numbers go through float(),
names are looked up in the registries.
"""

from dataclasses import asdict, dataclass, replace

import numpy as np

from gd.objectives import OBJECTIVES
from gd.optimizers import OPTIMIZERS
from gd.params import Hyperparameter
from gd.schedules import SCHEDULES
from gd.stopping import STOPS
from gd.variants import VARIANTS

MAX_ETAS = 12  # learning rates compared side by side
MAX_WORK = 5_000_000  # η-updates one page view may cost: compared η × limit + sweep points × limit
MAX_URL_TEXT = 200  # characters of a URL value we read at all
SHOWN_TEXT = 40  # characters of a bad value we repeat back in a warning

NUMBERS = {spec.name: spec for spec in (
    Hyperparameter("theta0", 0.0, -100.0, 100.0),
    Hyperparameter("eta", 0.1, 1e-6, 10.0),
    Hyperparameter("epsilon", 1e-8, 0.0, 1.0),
    Hyperparameter("batch_size", 16, 1, 64, integer=True),
    Hyperparameter("seed", 0, 0, 1_000_000, integer=True),
    Hyperparameter("max_iter", 10_000, 1, 100_000, integer=True),
    Hyperparameter("sweep_low", 1e-3, 1e-6, 10.0),
    Hyperparameter("sweep_high", 1.5, 1e-6, 10.0),
    Hyperparameter("sweep_points", 60, 5, 200, integer=True),
    Hyperparameter("seeds", 20, 2, 50, integer=True),
)}
RULE_PARAMETERS = {f"{entry.name}_{spec.name}": spec
                   for registry in (OPTIMIZERS, SCHEDULES) for entry in registry.values()
                   for spec in entry.hyperparameters}
CHOICES = {"objective": OBJECTIVES, "variant": VARIANTS, "optimizer": OPTIMIZERS, "schedule": SCHEDULES,
           "stop": STOPS}
VIEWS = ("compare", "theory", "stopping", "geometry", "noise", "predict")  # the page's tabs
UNITS = ("k", "epochs", "examples")  # what the convergence chart's x axis counts
OPTIONS = {"view": VIEWS, "unit": UNITS}
LIMIT_ONLY = "limit_only"  # the stopping lab's fifth column: no rule, the iteration limit alone
STOPPING_LAB = (*STOPS, LIMIT_ONLY)  # the columns of the stopping lab
DEFAULT_ETAS = (0.01, 0.1, 0.9, 1.0, 1.1)  # too small, good, oscillating, stalled, diverging


def format_etas(etas) -> str:
    return ", ".join(f"{eta:g}" for eta in etas)


def parse_etas(text: str) -> tuple[float, ...]:
    """Learning rates typed as "0.01, 0.1, 1.1": 1 to MAX_ETAS numbers in the η range, duplicates dropped."""
    spec = NUMBERS["eta"]
    parts = [part for part in str(text)[:MAX_URL_TEXT].replace(";", ",").replace(" ", ",").split(",") if part]
    if not 1 <= len(parts) <= MAX_ETAS:
        raise ValueError(f"etas must list 1 to {MAX_ETAS} learning rates separated by commas (got {len(parts)})")
    etas = []
    for part in parts:
        try:
            value = float(part)
        except ValueError:
            value = part
        etas.append(replace(spec, name="etas").check(value))
    return tuple(dict.fromkeys(etas))


@dataclass(frozen=True)
class Run:
    """Every control's value: the one object the cached computations depend on."""

    objective: str = "quadratic"
    theta0: float = 0.0
    eta: float = 0.1
    epsilon: float = 1e-8
    variant: str = "batch"
    batch_size: int = 16
    seed: int = 0
    optimizer: str = "gd"
    schedule: str = "constant"
    stop: str = "loss_change"
    max_iter: int = 10_000
    etas: tuple[float, ...] = DEFAULT_ETAS
    sweep_low: float = 1e-3
    sweep_high: float = 1.5
    sweep_points: int = 60
    rule_parameters: tuple[tuple[str, float], ...] = ()  # (("adam_beta1", 0.8), …) for the chosen rules
    seeds: int = 20  # runs with different seeds in the noise view
    unit: str = "k"
    view: str = "compare"

    def keywords(self) -> dict:
        """Keyword arguments for gd.compare, with the optimizer and schedule built from their parameters."""
        def build(registry, name):
            prefix = f"{name}_"
            values = {key[len(prefix):]: value for key, value in self.rule_parameters if key.startswith(prefix)}
            return registry[name].build(**values)

        return {"theta0": self.theta0, "epsilon": self.epsilon, "variant": self.variant,
                "batch_size": self.batch_size, "seed": self.seed, "optimizer": build(OPTIMIZERS, self.optimizer),
                "schedule": build(SCHEDULES, self.schedule), "stop": self.stop, "max_iter": self.max_iter}

    def runs(self) -> int:
        """How many runs this view makes (each up to max_iter updates), the headline run included."""
        return 1 + {"compare": len(self.etas), "theory": len(self.etas) + self.sweep_points,
                    "stopping": len(STOPPING_LAB), "geometry": 0, "noise": self.seeds, "predict": 1}[self.view]

    def only(self, *fields) -> "Run":
        """The same run with every display-only field, and every field not named, at its default: a cached view
        keyed on this recomputes only when something it reads changes."""
        reads = set(fields) | {"objective", "theta0", "epsilon", "variant", "batch_size", "seed", "optimizer",
                               "schedule", "stop", "max_iter", "rule_parameters"}
        return replace(DEFAULTS, **{name: getattr(self, name) for name in reads})

    def sweep_etas(self) -> np.ndarray:
        low, high = sorted((self.sweep_low, self.sweep_high))
        return np.geomspace(low, high, self.sweep_points)


DEFAULTS = Run()


def check_budget(run: Run) -> None:
    """Refuse, before any work starts, a view that would cost more than MAX_WORK η-updates."""
    work = run.runs() * run.max_iter
    if work > MAX_WORK:
        raise ValueError(
            f"This view would cost up to {work:,} updates ({run.runs()} runs × iteration limit {run.max_iter:,}), "
            f"over the cap of {MAX_WORK:,}. Lower max_iter to {MAX_WORK // run.runs():,} or less, or make fewer "
            f"runs (compared η, sweep points, seeds).")


def _shown(text) -> str:
    text = str(text)
    return text if len(text) <= SHOWN_TEXT else text[:SHOWN_TEXT] + "…"


def read_url(params) -> tuple[dict, list[str]]:
    """Control values from a link's query parameters, and one message per value that was refused.

    Bad values are dropped (the control keeps its default) and named in a message; nothing raises.
    """
    values, problems = {}, []
    for key, raw in params.items():
        text = str(raw)[:MAX_URL_TEXT]
        try:
            if key in CHOICES or key in OPTIONS:
                options = CHOICES.get(key) or OPTIONS[key]
                if text not in options:
                    raise ValueError(f"{key} must be one of {', '.join(options)}")
                values[key] = text
            elif key in NUMBERS or key in RULE_PARAMETERS:
                spec = NUMBERS.get(key) or RULE_PARAMETERS[key]
                try:
                    number = float(text)
                except ValueError:
                    number = text
                values[key] = replace(spec, name=key).check(number)
            elif key == "etas":
                values[key] = parse_etas(text)
            else:
                problems.append(f"unknown link parameter “{_shown(key)}” was ignored")
                continue
        except ValueError as error:
            message = str(error).split(" (got")[0]
            problems.append(f"{message}; the link gave “{_shown(raw)}”, so the default is used")
    return values, problems


def to_url(run: Run) -> dict[str, str]:
    """The query parameters that reopen this view: only the values that differ from the defaults."""
    params = {}
    for key, value in asdict(run).items():
        if key == "rule_parameters":
            params.update({name: f"{number:g}" for name, number in value
                           if number != RULE_PARAMETERS[name].default})
        elif value != getattr(DEFAULTS, key):
            if key == "etas":
                params[key] = ",".join(f"{eta:g}" for eta in value)
            elif isinstance(value, float):
                params[key] = f"{value:g}" if float(f"{value:g}") == value else repr(value)
            else:
                params[key] = str(value)
    return params
