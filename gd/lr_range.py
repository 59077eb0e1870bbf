"""Smith's learning-rate range test (Smith 2017, fastai's lr_find): one run whose η grows geometrically every update,
from tiny to large, with J read against η. Where J falls fastest is a good η; where it climbs back, η is too large.

Update k (k = 0 … updates − 1) uses η_k = low · (high/low)^(k/(updates − 1)): the schedule `geometric`, made by hand
here and not in gd.SCHEDULES (a test, not a way to train), so it runs on the numpy loop. No stopping rule ends the run
(ε = 0): it makes every update, or ends where it diverges.

J after update k is read against η_k, the η that made it. Two points are read off:
- steepest: the η where J falls fastest against log η (np.gradient of J over log η, most negative), before the
  blow-up: Smith's and fastai's suggestion;
- blow-up: the first update whose J is above J(θ₀), where the run started (or not finite): η has become too large to
  keep even the start's loss. fastai stops at 4 × the lowest loss instead, which means nothing where J can be
  negative (the article's curve reaches −1). The η of the update before it is the last one the test tolerated.
With sampled gradients J is smoothed first (SMOOTHING); with the full batch it has no noise, and a moving average would
only make it lag.
"""

from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from gd.params import ETA, Hyperparameter
from gd.run import Result, minimize
from gd.schedules import Schedule

UPDATES = Hyperparameter("updates", 100, 2, 100_000, integer=True)  # fastai's num_it is 100
SMOOTHING = 0.9  # β of the moving average, about 10 updates: fastai's 0.98 (about 50) is half of a 100-update test,
# and its steepest point then lags J by about that, several times in η


def geometric(ratio: float, updates: int) -> Schedule:
    """η_t = η · ratio^(t/(updates − 1)): from η at t = 0 to η · ratio at t = updates − 1."""
    return Schedule("geometric", MappingProxyType({"ratio": ratio, "updates": updates}),
                    lambda t: ratio ** (t / (updates - 1)))


@dataclass(frozen=True, eq=False)
class RangeTest:
    """The run and what is read off it: etas[k] made update k and losses[k] is J after it (k < result.iterations)."""

    result: Result
    etas: np.ndarray
    losses: np.ndarray
    smoothed: np.ndarray  # losses, smoothed when sampled; what steepest and blow_up read
    steepest: int | None  # the update where J falls fastest against log η; None: J never fell before the blow-up
    blow_up: int | None  # the first update whose J is above J(θ₀) or not finite; None: none in the range


def range_test(low: float, high: float, updates: int = UPDATES.default, objective="quadratic", **keywords
               ) -> RangeTest:
    """The range test from low to high (either order) over `updates` updates, with the run's other settings."""
    low, high = sorted((ETA.check(low), ETA.check(high)))
    updates = UPDATES.check(updates)
    for fixed in ("eta", "schedule", "max_iter", "epsilon", "stop"):
        keywords.pop(fixed, None)
    result = minimize(objective, eta=low, schedule=geometric(high / low, updates), max_iter=updates, epsilon=0.0,
                      stop="loss_change", **keywords)
    made = np.arange(result.iterations)
    etas = result.eta * np.array([result.settings.schedule.factor(k) for k in made], dtype=float)  # as the loop
    losses = np.asarray(result.losses[1:], dtype=float)
    sampled = result.settings.variant != "batch"
    smoothed = smooth(losses) if sampled else losses
    blow_up = first_above(smoothed, float(result.losses[0]))
    return RangeTest(result, etas, losses, smoothed, steepest(etas, smoothed, blow_up), blow_up)


def smooth(losses: np.ndarray, beta: float = SMOOTHING) -> np.ndarray:
    """fastai's smoothing: the moving average a_k = β·a_(k−1) + (1 − β)·J_k from a_(−1) = 0, divided by 1 − β^(k+1)
    (the same bias correction as Adam's)."""
    average, out = 0.0, np.empty(len(losses))
    with np.errstate(all="ignore"):
        for k, loss in enumerate(losses):
            average = beta * average + (1 - beta) * loss
            out[k] = average / (1 - beta ** (k + 1))
    return out


def first_above(losses: np.ndarray, start: float) -> int | None:
    """The first index whose J is above start, or not finite."""
    with np.errstate(invalid="ignore"):
        above = np.flatnonzero(~(losses <= start))
    return int(above[0]) if above.size else None


def steepest(etas: np.ndarray, losses: np.ndarray, blow_up: int | None) -> int | None:
    """The index, before blow_up, where J's slope against log η is most negative; None where it never falls."""
    end = len(losses) if blow_up is None else blow_up
    if end < 2:
        return None
    slopes = np.gradient(losses[:end], np.log(etas[:end]))
    k = int(np.argmin(slopes))
    return k if slopes[k] < 0 else None


def suggested(test: RangeTest) -> tuple[float | None, float | None]:
    """(the steepest η, the last η before the blow-up), or None for either the test did not find."""
    last = None if test.blow_up is None or test.blow_up == 0 else float(test.etas[test.blow_up - 1])
    return (None if test.steepest is None else float(test.etas[test.steepest])), last
