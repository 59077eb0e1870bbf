"""The one loop: every learning rate a lane of one array, advanced together until each stops.

minimize(eta=…) is compare([eta])[0]. Every operation on θ is elementwise per lane, so a lane's
numbers do not depend on which other lanes run beside it: compare(etas)[i] equals
minimize(eta=etas[i]) bit for bit. A lane that stops is dropped from the arrays (its history
is kept), so finished lanes cost nothing.
"""

from dataclasses import dataclass, field, replace

import numpy as np

from gd.objectives import OBJECTIVES, Objective
from gd.optimizers import OPTIMIZERS, UpdateRule
from gd.params import BATCH_SIZE, EPSILON, ETA, MAX_ITER, SEED, THETA0, ParameterError, choose
from gd.schedules import SCHEDULES, Schedule
from gd.stopping import STOPS, StopRule, diverged, divergence_bound, norm, settle
from gd.variants import VARIANTS, batches, lane_batches

MAX_LANES = 100_000  # learning rates (or seeds) in one compare() (or seeds()) call
MAX_HISTORY = 200_000_000  # lanes × (max_iter + 1) rows of θ one call may keep: 1.6 GB per array in float64


@dataclass(frozen=True)
class Settings:
    """Everything a run depends on except η, validated on construction."""

    objective: str = "quadratic"
    theta0: float = THETA0.default
    epsilon: float = EPSILON.default
    variant: str = "batch"
    batch_size: int = BATCH_SIZE.default
    optimizer: UpdateRule | str = "gd"
    schedule: Schedule | str = "constant"
    stop: str = "loss_change"
    max_iter: int = MAX_ITER.default
    seed: int = SEED.default

    def __post_init__(self):
        def put(name, value):
            object.__setattr__(self, name, value)

        put("objective", choose("objective", self.objective, OBJECTIVES))
        put("theta0", THETA0.check(self.theta0))
        put("epsilon", EPSILON.check(self.epsilon))
        put("variant", choose("variant", self.variant, VARIANTS))
        put("batch_size", BATCH_SIZE.narrowed(high=self.problem.n_examples).check(self.batch_size))
        if not isinstance(self.optimizer, UpdateRule):
            put("optimizer", OPTIMIZERS[choose("optimizer", self.optimizer, OPTIMIZERS)].build())
        if not isinstance(self.schedule, Schedule):
            put("schedule", SCHEDULES[choose("schedule", self.schedule, SCHEDULES)].build())
        put("stop", choose("stop", self.stop, STOPS))
        put("max_iter", MAX_ITER.check(self.max_iter))
        put("seed", SEED.check(self.seed))

    @property
    def problem(self) -> Objective:
        return OBJECTIVES[self.objective]

    @property
    def rule(self) -> StopRule:
        return STOPS[self.stop]


@dataclass(frozen=True, eq=False)
class Result:
    """One run. history and losses are read-only arrays of length iterations + 1."""

    theta: float | np.ndarray
    loss: float
    grad: float | np.ndarray
    iterations: int
    history: np.ndarray = field(repr=False)
    losses: np.ndarray = field(repr=False)
    status: str
    eta: float
    settings: Settings = field(repr=False)


class _Trace:
    """Rows 0…k of an array with one row per step, grown by doubling (never past max_iter + 1)."""

    def __init__(self, first_row: np.ndarray, limit: int):
        self.limit = limit
        self.rows = np.empty((min(limit, 1024),) + first_row.shape)
        self.rows[0] = first_row

    def put(self, k: int, lanes: np.ndarray | None, values: np.ndarray):
        if k == len(self.rows):
            grown = np.empty((min(self.limit, 2 * k),) + self.rows.shape[1:])
            grown[:k] = self.rows
            self.rows = grown
        if lanes is None:
            self.rows[k] = values
        else:
            self.rows[k, lanes] = values


def _keep(state, keep: np.ndarray):
    """The optimizer's or stopping rule's state of the lanes still running; scalars (Adam's count) are shared."""
    return type(state)(*(part[keep] if isinstance(part, np.ndarray) else part for part in state))


def _lanes(name: str, values, what: str, settings: Settings) -> list:
    """values as a list of 1 to MAX_LANES items, one per lane, whose history fits in MAX_HISTORY rows; else a
    ParameterError naming the parameter, raised before anything is allocated."""
    accepted = f"a list of 1 to {MAX_LANES:,} {what}"
    try:
        flat = not isinstance(values, (str, bytes)) and np.ndim(values) == 1  # refuses 0-d arrays, nested lists
    except ValueError:  # a ragged list
        flat = False
    if not flat or not 0 < len(values) <= MAX_LANES:
        raise ParameterError(name, accepted, values)
    if len(values) * (settings.max_iter + 1) > MAX_HISTORY:
        raise ParameterError(name, f"at most {MAX_HISTORY // (settings.max_iter + 1):,} {what} at max_iter = "
                                   f"{settings.max_iter:,} (the history would not fit in memory)", len(values))
    return list(values)


def compare(etas, objective="quadratic", **keywords) -> list[Result]:
    """One Result per η, in the order given, from one vectorized pass over all of them.

    Every η sees the same sampled examples, so a comparison isolates η."""
    settings = Settings(objective, **keywords)
    sample = batches(settings.variant, settings.problem.n_examples, settings.batch_size, settings.seed)
    rates = np.array([ETA.check(eta) for eta in _lanes("etas", etas, "learning rates", settings)])
    return _descend(rates, settings, sample, [settings] * len(rates))


def seeds(eta, seeds, objective="quadratic", **keywords) -> list[Result]:
    """One Result per seed for one η, from one vectorized pass: the noise of the stochastic variants.

    seeds(eta, ss)[i] equals minimize(eta=eta, seed=ss[i]) bit for bit."""
    settings = Settings(objective, **keywords)
    per_lane = [replace(settings, seed=SEED.check(seed)) for seed in _lanes("seeds", seeds, "seeds", settings)]
    sample = lane_batches(settings.variant, settings.problem.n_examples, settings.batch_size,
                          [lane.seed for lane in per_lane])
    return _descend(np.full(len(per_lane), ETA.check(eta)), settings, sample, per_lane)


def _descend(rates, settings, sample, lane_settings) -> list[Result]:
    """The loop. sample yields, per update, None (all examples), shared indices, or one row per lane."""
    problem, rule, update = settings.problem, settings.rule, settings.optimizer.update
    lanes = len(rates)
    theta = np.full((lanes, problem.dim), settings.theta0)
    bound = divergence_bound(settings.theta0, problem.plot_range)
    iterations = np.zeros(lanes, dtype=int)
    status = np.full(lanes, "max_iter", dtype=object)
    with np.errstate(all="ignore"):
        loss = problem.value(theta)
        initial_grad_norm = float(norm(problem.grad(theta[:1]))[0])
        thetas, losses = _Trace(theta, settings.max_iter + 1), _Trace(loss, settings.max_iter + 1)
        active = np.arange(lanes)
        if diverged(theta, loss, bound)[0]:  # J(θ₀) itself overflows: nothing to run
            status[:], active = "diverged", active[:0]
        state, memory = settings.optimizer.init(theta), rule.init(loss)
        rate = rates[:, None]
        factor = settings.schedule.factor
        for k in range(settings.max_iter):
            if not active.size:
                break
            examples = next(sample)
            if examples is not None and examples.ndim == 2:
                examples = examples[active]
            gradient = problem.grad(theta) if examples is None else problem.batch_grad(theta, examples)
            scale = factor(k)
            step, state = update(gradient, state, rate if scale == 1.0 else rate * scale)
            theta = theta + step
            previous, loss = loss, problem.value(theta)
            every = None if active.size == lanes else active
            thetas.put(k + 1, every, theta)
            losses.put(k + 1, every, loss)
            gone = diverged(theta, loss, bound)
            fired, memory = rule.fires(problem, theta, step, loss, previous, settings.epsilon, memory)
            done = gone | fired
            if done.any():
                fired &= ~gone  # divergence wins over a rule that fired on a non-finite J
                iterations[active[done]] = k + 1
                status[active[gone]] = "diverged"
                status[active[fired]] = settle(norm(problem.grad(theta[fired])), initial_grad_norm)
                keep = ~done
                active, theta, loss, rate = active[keep], theta[keep], loss[keep], rate[keep]
                state, memory = _keep(state, keep), _keep(memory, keep)
        iterations[active] = settings.max_iter
        thetas.rows.flags.writeable = losses.rows.flags.writeable = False  # so no history view can be written
        return [_result(lane, rates[lane], iterations[lane], status[lane], thetas.rows, losses.rows,
                        lane_settings[lane]) for lane in range(lanes)]


def _result(lane, eta, iterations, status, thetas, losses, settings) -> Result:
    problem = settings.problem
    history = thetas[:iterations + 1, lane]
    final = history[-1]
    grad = problem.grad(final[None, :])[0]
    if problem.dim == 1:
        history, final, grad = history[:, 0], float(final[0]), float(grad[0])
    trail = losses[:iterations + 1, lane]
    return Result(final, float(trail[-1]), grad, int(iterations), history, trail, str(status), float(eta), settings)


def minimize(objective="quadratic", *, eta=ETA.default, **keywords) -> Result:
    """One run of gradient descent; the same loop as compare(), with one lane."""
    return compare([eta], objective, **keywords)[0]
