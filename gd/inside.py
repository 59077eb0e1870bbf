"""Inside an update rule: its state over a run's first updates, replayed with the rule's own init and update from the
gradients the loop used (the same samples, the same η after the schedule), so what is shown is what the loop did:
θ_k + step_k is θ_(k+1) of the run, bit for bit (tests/test_inside.py)."""

from typing import NamedTuple

import numpy as np

from gd.run import Result, sampled_gradient
from gd.variants import batches


class Inside(NamedTuple):
    """Updates 1 … len(rates) of a run: row k is update k + 1 (from θ_k to θ_(k+1))."""

    gradients: np.ndarray  # (updates, dim): the gradient the update used
    rates: np.ndarray  # (updates,): its η, after the schedule
    states: dict[str, np.ndarray]  # each field of the rule's state after the update: (updates, dim), or (updates,)
    steps: np.ndarray  # (updates, dim): θ_(k+1) − θ_k as the update made it


def replay(result: Result, updates: int) -> Inside:
    """The first min(updates, result.iterations) updates of result, replayed."""
    settings = result.settings
    problem, rule = settings.problem, settings.optimizer
    count = min(updates, result.iterations)
    history = np.reshape(np.asarray(result.history, dtype=float), (len(result.history), problem.dim))
    sample = batches(settings.variant, problem.n_examples, settings.batch_size, settings.seed)
    state = rule.init(history[:1])
    gradients, steps, rates = np.empty((count, problem.dim)), np.empty((count, problem.dim)), np.empty(count)
    states = {}
    with np.errstate(all="ignore"):
        for k in range(count):
            gradient = sampled_gradient(problem, history[k:k + 1], next(sample))
            rates[k] = result.eta * settings.schedule.factor(k)
            step, state = rule.update(gradient, state, np.array([[rates[k]]]))
            gradients[k], steps[k] = gradient[0], step[0]
            for name, part in state._asdict().items():
                row = part[0] if isinstance(part, np.ndarray) else part
                states.setdefault(name, np.empty((count, *np.shape(row))))[k] = row
    return Inside(gradients, rates, states, steps)
