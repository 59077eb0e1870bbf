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
)}
RULE_PARAMETERS = {f"{entry.name}_{spec.name}": spec
                   for registry in (OPTIMIZERS, SCHEDULES) for entry in registry.values()
                   for spec in entry.hyperparameters}
CHOICES = {"objective": OBJECTIVES, "variant": VARIANTS, "optimizer": OPTIMIZERS, "schedule": SCHEDULES,
           "stop": STOPS}
DEFAULT_ETAS = (0.01, 0.1, 0.9, 1.0, 1.1)  # too small, good, oscillating, stalled, diverging
DEFAULT_ETA = 0.1
DEFAULT_SWEEP = (1e-3, 1.5, 60)  # from η, to η, points


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
        etas.append(Hyperparameter("etas", spec.default, spec.low, spec.high).check(value))
    return tuple(dict.fromkeys(etas))


@dataclass(frozen=True)
class Run:
    """Every control's value: the one object the cached computations depend on."""

    objective: str = "quadratic"
    theta0: float = 0.0
    eta: float = DEFAULT_ETA
    epsilon: float = 1e-8
    variant: str = "batch"
    batch_size: int = 16
    seed: int = 0
    optimizer: str = "gd"
    schedule: str = "constant"
    stop: str = "loss_change"
    max_iter: int = 10_000
    etas: tuple[float, ...] = DEFAULT_ETAS
    sweep_low: float = DEFAULT_SWEEP[0]
    sweep_high: float = DEFAULT_SWEEP[1]
    sweep_points: int = DEFAULT_SWEEP[2]
    rule_parameters: tuple[tuple[str, float], ...] = ()  # (("adam_beta1", 0.8), …) for the chosen rules

    def keywords(self) -> dict:
        """Keyword arguments for gd.compare, with the optimizer and schedule built from their parameters."""
        def build(registry, name):
            prefix = f"{name}_"
            values = {key[len(prefix):]: value for key, value in self.rule_parameters if key.startswith(prefix)}
            return registry[name].build(**values)

        return {"theta0": self.theta0, "epsilon": self.epsilon, "variant": self.variant,
                "batch_size": self.batch_size, "seed": self.seed, "optimizer": build(OPTIMIZERS, self.optimizer),
                "schedule": build(SCHEDULES, self.schedule), "stop": self.stop, "max_iter": self.max_iter}

    def for_comparison(self) -> "Run":
        """The same run with the fields the comparison does not read set to defaults (one cache entry)."""
        return replace(self, eta=DEFAULT_ETA, sweep_low=DEFAULT_SWEEP[0], sweep_high=DEFAULT_SWEEP[1],
                       sweep_points=DEFAULT_SWEEP[2])

    def for_sweep(self) -> "Run":
        """The same run with the fields the sweep does not read set to defaults."""
        return replace(self, eta=DEFAULT_ETA, etas=DEFAULT_ETAS)

    def sweep_etas(self) -> np.ndarray:
        low, high = sorted((self.sweep_low, self.sweep_high))
        return np.geomspace(low, high, self.sweep_points)


DEFAULTS = Run()


def check_budget(run: Run) -> None:
    """Refuse, before any work starts, a view that would cost more than MAX_WORK η-updates."""
    work = (len(run.etas) + 1 + run.sweep_points) * run.max_iter
    if work > MAX_WORK:
        most = MAX_WORK // (len(run.etas) + 1 + run.sweep_points)
        raise ValueError(
            f"This view would cost up to {work:,} updates ((compared η + 1 + sweep points) × iteration limit), "
            f"over the cap of {MAX_WORK:,}. Lower max_iter to {most:,} or less, or compare fewer η, "
            f"or use fewer sweep points.")


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
            if key in CHOICES:
                if text not in CHOICES[key]:
                    raise ValueError(f"{key} must be one of {', '.join(CHOICES[key])}")
                values[key] = text
            elif key in NUMBERS or key in RULE_PARAMETERS:
                spec = NUMBERS.get(key) or RULE_PARAMETERS[key]
                try:
                    number = float(text)
                except ValueError:
                    number = text
                values[key] = Hyperparameter(key, spec.default, spec.low, spec.high, spec.low_open,
                                             spec.high_open, spec.integer).check(number)
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
