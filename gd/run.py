"""The one loop: every learning rate a lane of one array, advanced together until each stops.

Two forms of it give the same numbers bit for bit: the readable numpy loop here (_reference), and
gd.compiled, which runs every objective (a function typed by a user too, through gd.interpreter),
update rule and schedule that has a compiled form; any other (a rule made by hand) runs here.

starts(eta, grid) runs many starts as lanes of the numpy loop instead, keeping only where each ends (the basins).

minimize(eta=…) is compare([eta])[0]. Every operation on θ is elementwise per lane, so a lane's
numbers do not depend on which other lanes run beside it: compare(etas)[i] equals
minimize(eta=etas[i]) bit for bit. A lane that stops is dropped from the arrays (its history
is kept), so finished lanes cost nothing.
"""

from dataclasses import dataclass, field, replace
from typing import NamedTuple

import numpy as np

from gd import compiled, work
from gd.params import ETA, SEED, ParameterError, choose, start_point
from gd.settings import Settings, problems
from gd.stopping import LEFT_DOMAIN, STOPS, diverged, divergence_bound, ended, norm, settle
from gd.variants import batches, lane_batches

MAX_LANES = 100_000  # learning rates (or seeds) in one compare() (or seeds()) call
MAX_HISTORY = 200_000_000  # lanes × (max_iter + 1) rows of θ one call may keep: 1.6 GB per array in float64


@dataclass(frozen=True, eq=False)
class Result:
    """One run. history and losses are read-only arrays of length iterations + 1. In one dimension theta and grad
    are floats and history has shape (iterations + 1,); beyond, theta and grad are arrays (dim,) and history has
    shape (iterations + 1, dim)."""

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
    return _compare(etas, objective, keywords)


def _compare(etas, objective, keywords, engine=None, record_steps=False):
    settings = Settings(objective, **keywords)
    rates = np.array([ETA.check(eta) for eta in _lanes("etas", etas, "learning rates", settings)])
    lanes = _run(rates, settings, [settings.seed], True, engine, record_steps)
    return _results(lanes, rates, [settings] * len(rates))


def seeds(eta, seeds, objective="quadratic", **keywords) -> list[Result]:
    """One Result per seed for one η, from one vectorized pass: the noise of the stochastic variants.

    seeds(eta, ss)[i] equals minimize(eta=eta, seed=ss[i]) bit for bit."""
    return _seeds(eta, seeds, objective, keywords)


def _seeds(eta, seeds, objective, keywords, engine=None):
    settings = Settings(objective, **keywords)
    per_lane = [replace(settings, seed=SEED.check(seed)) for seed in _lanes("seeds", seeds, "seeds", settings)]
    rates = np.full(len(per_lane), ETA.check(eta))
    return _results(_run(rates, settings, [lane.seed for lane in per_lane], False, engine), rates, per_lane)


class Ends(NamedTuple):
    """Where each lane's run ended: θ (lanes, dim) and J after its last update, its updates and its status."""

    theta: np.ndarray
    loss: np.ndarray
    iterations: np.ndarray
    status: np.ndarray


def starts(eta, starts, objective="quadratic", **keywords) -> "Ends":
    """Where the runs at one η end from each of many starts, one lane each, in one vectorized pass of the numpy loop
    that keeps only each lane's end: row i is where minimize(eta=eta, theta0=starts[i]) ends, bit for bit (θ, J, its
    updates and status). The compiled loop takes one start for every lane, so a grid of starts runs here. starts: 1 to
    MAX_LANES numbers (a curve) or points (a surface), each in θ₀'s range."""
    settings = Settings(objective, **keywords)
    dim = settings.problem.dim
    try:
        count = len(starts)
    except TypeError:
        count = 0
    if isinstance(starts, (str, bytes)) or not 0 < count <= MAX_LANES:
        raise ParameterError("starts", f"a list of 1 to {MAX_LANES:,} starts", starts)
    theta = np.reshape(np.array([start_point(point, dim) for point in starts], dtype=float), (count, dim))
    rates = np.full(count, ETA.check(eta))
    sample = batches(settings.variant, settings.problem.n_examples, settings.batch_size, settings.seed)
    return _reference(rates, settings, sample, starts=theta)


class Lanes(NamedTuple):
    """A run of every lane: lane i's θ_k is history[i, k] for k ≤ iterations[i]; steps only when asked for."""

    history: np.ndarray  # (lanes, max_iter + 1, dim), read-only
    losses: np.ndarray  # (lanes, max_iter + 1), read-only
    steps: np.ndarray | None  # (lanes, max_iter + 1, dim): row k is θ_k − θ_{k−1} as the update made it
    iterations: np.ndarray
    status: np.ndarray


def _run(rates, settings, seeds, shared, engine=None, record_steps=False) -> Lanes:
    """The compiled loop when it has every part of this run and is compiled (engine None), else the numpy
    reference; both give the same numbers. engine "compiled" or "reference" forces one (tests, benchmarks).
    seeds: one shared by all lanes, or one per lane."""
    if engine is None:
        engine = "compiled" if compiled.available(settings) and compiled.ready() else "reference"
    if engine == "compiled":
        compiled.wait()
        lanes = Lanes(*compiled.descend(rates, settings, seeds, shared, record_steps))
    else:
        n, size = settings.problem.n_examples, settings.batch_size
        sample = (batches(settings.variant, n, size, seeds[0]) if shared
                  else lane_batches(settings.variant, n, size, seeds))
        lanes = _reference(rates, settings, sample, record_steps)
    for array in (lanes.history, lanes.losses, lanes.steps):
        if array is not None:
            array.flags.writeable = False  # so no history view can be written
    return lanes


def _reference(rates, settings, sample, record_steps=False, starts=None) -> Lanes | Ends:
    """The loop, vectorized over lanes. sample yields, per update, None (all examples), shared indices, or one
    row per lane. A lane that stops is dropped from the arrays (its history is kept). starts: θ₀ per lane (lanes,
    dim), each lane with its own divergence bound and its own first gradient's norm, as a run from that start alone
    has; then only each lane's end is kept (Ends), so that a grid of thousands of starts costs no history."""
    problem, rule, update = settings.problem, settings.rule, settings.optimizer.update
    lanes = len(rates)
    own = starts is not None
    theta = np.array(starts, dtype=float) if own else np.full((lanes, problem.dim), settings.theta0)
    bound = (np.array([divergence_bound(start[0] if problem.dim == 1 else start, problem.plot_range)
                       for start in theta]) if own else divergence_bound(settings.theta0, problem.plot_range))
    iterations = np.zeros(lanes, dtype=int)
    status = np.full(lanes, "max_iter", dtype=object)
    with np.errstate(all="ignore"):
        loss = problem.value(theta)
        initial_grad_norm = norm(problem.grad(theta)) if own else float(norm(problem.grad(theta[:1]))[0])
        if own:
            ends = (theta.copy(), loss.copy())
        else:
            thetas, losses = _Trace(theta, settings.max_iter + 1), _Trace(loss, settings.max_iter + 1)
        steps = _Trace(np.full_like(theta, np.nan), settings.max_iter + 1) if record_steps else None
        active = np.arange(lanes)
        gone = diverged(theta, loss, bound)  # J(θ₀) itself overflows (or is undefined): nothing to run
        if gone.any():
            status[gone] = ended(problem, theta[gone], theta[gone])
            keep = ~gone if own else np.zeros(lanes, dtype=bool)  # one shared start: every lane's
            active, theta, loss = active[keep], theta[keep], loss[keep]
            if own:
                bound, initial_grad_norm = bound[keep], initial_grad_norm[keep]
        state, memory = settings.optimizer.init(theta), rule.init(loss)
        rate = rates[active][:, None]
        factor = settings.schedule.factor
        for k in range(settings.max_iter):
            if not active.size:
                break
            if k % 64 == 0:  # a few µs of the tens each update costs here
                work.check()
            examples = next(sample)
            if examples is not None and examples.ndim == 2:
                examples = examples[active]
            gradient = sampled_gradient(problem, theta, examples)
            scale = factor(k)
            step, state = update(gradient, state, rate if scale == 1.0 else rate * scale)
            before, theta = theta, theta + step
            previous, loss = loss, problem.value(theta)
            every = None if active.size == lanes else active
            if not own:
                thetas.put(k + 1, every, theta)
                losses.put(k + 1, every, loss)
            if steps is not None:
                steps.put(k + 1, every, step)
            gone = diverged(theta, loss, bound)
            fired, memory = rule.fires(problem, theta, step, loss, previous, settings.epsilon, memory)
            done = gone | fired
            if done.any():
                fired &= ~gone  # divergence wins over a rule that fired on a non-finite J
                iterations[active[done]] = k + 1
                status[active[gone]] = ended(problem, before[gone], theta[gone])
                status[active[fired]] = settle(norm(problem.grad(theta[fired])),
                                               initial_grad_norm[fired] if own else initial_grad_norm)
                keep = ~done
                if own:
                    ends[0][active[done]], ends[1][active[done]] = theta[done], loss[done]
                    bound, initial_grad_norm = bound[keep], initial_grad_norm[keep]
                active, theta, loss, rate = active[keep], theta[keep], loss[keep], rate[keep]
                state, memory = _keep(state, keep), _keep(memory, keep)
        iterations[active] = settings.max_iter
    if own:
        ends[0][active], ends[1][active] = theta, loss
        return Ends(*ends, iterations, status)
    return Lanes(thetas.rows.swapaxes(0, 1), losses.rows.T, None if steps is None else steps.rows.swapaxes(0, 1),
                 iterations, status)


def sampled_gradient(problem, theta: np.ndarray, examples: np.ndarray | None) -> np.ndarray:
    """The gradient an update uses at θ (lanes, dim): over every example (None), or the mean over the sampled ones."""
    return problem.grad(theta) if examples is None else problem.batch_grad(theta, examples)


def _results(lanes: Lanes, rates, lane_settings) -> list[Result]:
    # every lane's final gradient in one call (a row's gradient does not depend on the rows beside it)
    finals = lanes.history[np.arange(len(rates)), lanes.iterations]
    with np.errstate(all="ignore"):
        grads = lane_settings[0].problem.grad(finals)
    return [_result(lanes.history[lane], lanes.losses[lane], lanes.iterations[lane], lanes.status[lane],
                    rates[lane], lane_settings[lane], grads[lane]) for lane in range(len(rates))]


def _result(history, losses, iterations, status, eta, settings, grad=None) -> Result:
    """Lane's Result from its rows (θ_k and J(θ_k) for k = 0 … at least iterations); grad: ∇J at the last, if
    already known."""
    problem = settings.problem
    history = history[:iterations + 1]
    final = history[-1]
    if grad is None:
        with np.errstate(all="ignore"):
            grad = problem.grad(final[None, :])[0]
    if problem.dim == 1:
        history, final, grad = history[:, 0], float(final[0]), float(grad[0])
    trail = losses[:iterations + 1]
    return Result(final, float(trail[-1]), grad, int(iterations), history, trail, str(status), float(eta), settings)


def minimize(objective="quadratic", *, eta=ETA.default, **keywords) -> Result:
    """One run of gradient descent; the same loop as compare(), with one lane."""
    return compare([ETA.check(eta)], objective, **keywords)[0]


def gradient(objective, theta) -> np.ndarray:
    """∇J at each row of θ, shaped (rows, dim): from the compiled loop's own gradient once it is ready (the same
    numbers as objective.grad, tested; without numpy's per-example temporaries), else from objective.grad. For
    what is drawn and explained after a run, over histories of up to a million rows."""
    problem = problems()[choose("objective", objective, problems())] if isinstance(objective, str) else objective
    theta = np.reshape(np.asarray(theta, dtype=float), (-1, problem.dim))
    with np.errstate(all="ignore"):
        if problem.compiled is not None and compiled.ready():
            return compiled.gradients(problem, theta)
        return problem.grad(theta)


def each_stop(objective="quadratic", *, eta=ETA.default, **keywords) -> dict[str, Result]:
    """What minimize() gives with each stopping rule, from one run: {rule name: Result} for every rule in
    STOPS, in that order, then "none": the run with no rule (ε = 0), to max_iter or divergence.

    each_stop(…)[name] equals minimize(…, stop=name) bit for bit: the trajectory does not depend on the
    rule, so the run goes to its end once and each rule's stop is found on that history by the test the
    loop makes (StopRule.first_firing)."""
    endless = Settings(objective, **{**keywords, "epsilon": 0.0})
    rate = np.array([ETA.check(eta)])
    lanes = _run(rate, endless, [endless.seed], True, record_steps=True)
    end = int(lanes.iterations[0])
    history, steps, losses = lanes.history[0, :end + 1], lanes.steps[0, :end + 1], lanes.losses[0, :end + 1]
    problem = endless.problem
    if compiled.available(endless) and compiled.ready():  # the same gradients, faster over a long history
        problem = replace(problem, grad=lambda theta: compiled.gradients(endless.problem, theta))
    with np.errstate(all="ignore"):
        initial_grad_norm = float(norm(problem.grad(history[:1]))[0])
    results = {}
    for name, rule in STOPS.items():
        settings = Settings(objective, **{**keywords, "stop": name})
        with np.errstate(all="ignore"):
            k = rule.first_firing(problem, history, steps, losses, settings.epsilon)
        if k is None or (k == end and lanes.status[0] in ("diverged", LEFT_DOMAIN)):  # divergence wins over the rule
            iterations, status = end, lanes.status[0]
        else:
            with np.errstate(all="ignore"):
                iterations, status = k, settle(norm(problem.grad(history[k:k + 1])), initial_grad_norm)[0]
        results[name] = _result(history, losses, iterations, status, rate[0], settings)
    results["none"] = _result(history, losses, end, lanes.status[0], rate[0], endless)
    return results
