"""The compiled loop: gd.run's numpy loop written lane by lane for numba, equal to it bit for bit.

The readable reference is gd.run._reference (numpy, vectorized over lanes); this is the fast path.
Lanes are independent, so each lane runs all its updates before the next lane starts: no array
of active lanes to keep up to date, and the whole run of a lane sits in cache. Every formula
below is the one in objectives.py, optimizers.py, schedules.py and stopping.py, written in the
same order of operations, because floating point is not associative:

- np.mean over the data set is numpy's pairwise summation (8 accumulators up to 128 terms),
  reproduced in _sum, then one division by the count;
- powers with an integer exponent (β1ᵗ, γᵗ) are libm's pow, as Python's float ** int is:
  numba's own float ** int multiplies repeatedly, so the exponent is made a float first;
- exp, log1p, cos, hypot are libm's in both (objectives.py avoids numpy's SIMD exp).

Compiled with cache=True (first call compiles, about seconds; later processes load the cache)
and nogil=True (a long run does not stop other threads of a server).
"""

import math

import numpy as np
from numba import njit

from gd.stopping import PATIENCE, STATUSES, divergence_bound, diverged, norm, tolerance
from gd.variants import Epochs, examples_per_update

OBJECTIVES = ("quadratic", "double_well", "quartic", "linear_regression", "logistic_regression")
OPTIMIZERS = {"gd": (), "momentum": ("momentum",), "nesterov": ("momentum",), "adagrad": ("eps",),
              "rmsprop": ("alpha", "eps"), "adam": ("beta1", "beta2", "eps")}  # name: its hyperparameters, in order
SCHEDULES = {"constant": (), "step": ("gamma", "every"), "exponential": ("gamma",), "inverse_time": ("gamma",),
             "cosine": ("period", "floor"), "invscaling": ("power",)}
STOPS = ("loss_change", "grad_norm", "step_size", "no_improvement")
RUNNING = -1  # status codes are indices into STATUSES
CONVERGED, STALLED, DIVERGED = (STATUSES.index(name) for name in ("converged", "stalled", "diverged"))
LOGE2 = math.log(2.0)  # numpy's NPY_LOGE2, rounded to a double


def available(settings) -> bool:
    """Whether the compiled loop has every part of this run: objective, update rule and schedule."""
    objective = settings.problem.compiled
    return (objective is not None and objective[0] in OBJECTIVES and settings.optimizer.compiled
            and settings.optimizer.name in OPTIMIZERS and settings.schedule.compiled
            and settings.schedule.name in SCHEDULES and settings.stop in STOPS)


def _numbers(names, hyperparameters) -> np.ndarray:
    return np.array([float(hyperparameters[name]) for name in names] + [0.0] * (3 - len(names)))


@njit(cache=True, nogil=True, inline="always")
def _sum(a, n):
    """numpy's pairwise sum of a[:n] (numpy/_core/src/umath/loops_utils.h.src), as np.sum and np.mean use it."""
    return _block_sum(a, n) if n <= 128 else _halves_sum(a, n)


@njit(cache=True, nogil=True)
def _halves_sum(a, n):
    """Past 128 terms numpy sums two halves (the first a multiple of 8 long) and adds them."""
    if n <= 128:
        return _block_sum(a, n)
    half = n // 2
    half -= half % 8
    return _halves_sum(a, half) + _halves_sum(a[half:], n - half)


@njit(cache=True, nogil=True, inline="always")
def _block_sum(a, n):
    """At most 128 terms: one by one below 8, else 8 accumulators over multiples of 8, then the rest."""
    if n < 8:
        total = 0.0
        for i in range(n):
            total += a[i]
        return total
    r0, r1, r2, r3, r4, r5, r6, r7 = a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]
    i = 8
    while i < n - n % 8:
        r0, r1, r2, r3 = r0 + a[i], r1 + a[i + 1], r2 + a[i + 2], r3 + a[i + 3]
        r4, r5, r6, r7 = r4 + a[i + 4], r5 + a[i + 5], r6 + a[i + 6], r7 + a[i + 7]
        i += 8
    total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
    while i < n:
        total += a[i]
        i += 1
    return total


@njit(cache=True, nogil=True, inline="always")
def _logaddexp0(z):
    """np.logaddexp(0.0, z): numpy's npy_logaddexp, with libm's exp and log1p."""
    if z == 0.0:
        return LOGE2
    tmp = 0.0 - z
    if tmp > 0:
        return 0.0 + math.log1p(math.exp(-tmp))
    if tmp <= 0:
        return z + math.log1p(math.exp(tmp))
    return tmp  # NaN


@njit(cache=True, nogil=True, inline="always")
def _curve(kind, t):
    """(J, dJ) of the analytic curves: objectives.py's f and df."""
    if kind == 0:  # quadratic
        return (t - 2.5) * (t - 2.5) - 1.0, 2.0 * (t - 2.5)
    if kind == 1:  # double_well
        return t * t * t * t / 4.0 - t * t + 0.3 * t, t * t * t - 2.0 * t + 0.3
    return (t - 1.0) * (t - 1.0) * (t - 1.0) * (t - 1.0), 4.0 * (t - 1.0) * (t - 1.0) * (t - 1.0)  # quartic


@njit(cache=True, nogil=True, inline="always")
def _terms(kind, data, t, batch, offset, count, scratch, gradient):
    """The mean over examples batch[offset:offset + count] (all n when count is 0) of the data set's terms:
    the offsets aᵢ of a curve (gradient only), or the regressions' jᵢ(w) or their derivatives."""
    n = count if count else data.shape[1]
    for i in range(n):
        j = batch[offset + i] if count else i
        x, y = data[0, j], data[1, j]
        if kind <= 2:  # a curve's offset aᵢ
            scratch[i] = x
        elif kind == 3:  # linear_regression: (w·x − y)², or (w·x − y)·x (times 2 below)
            scratch[i] = (t * x - y) * x if gradient else (t * x - y) * (t * x - y)
        elif gradient:  # logistic_regression, y the sign s: −s·x·σ(−s·w·x), σ(−m) = exp(−logaddexp(0, m))
            scratch[i] = -y * x * math.exp(-_logaddexp0(y * t * x))
        else:  # log(1 + exp(−s·w·x))
            scratch[i] = _logaddexp0(-y * t * x)
    return _sum(scratch, n) / n


@njit(cache=True, nogil=True, inline="always")
def _value(kind, data, theta, lane, whole, scratch):
    """J(θ) of one lane (row of theta): objectives.py's value(). whole: an empty batch (all examples)."""
    t = theta[lane, 0]
    if kind <= 2:
        return _curve(kind, t)[0]
    return _terms(kind, data, t, whole, 0, 0, scratch, False)


@njit(cache=True, nogil=True, inline="always")
def _grad(kind, data, theta, lane, batch, offset, count, out, scratch):
    """∇J of one lane over examples batch[offset:offset + count], or all of them when count is 0: objectives.py's
    batch_grad() and grad() (a curve's full gradient is dJ alone: its offsets sum to zero)."""
    t = theta[lane, 0]
    if kind <= 2:
        slope = _curve(kind, t)[1]
        out[0, 0] = slope + _terms(kind, data, t, batch, offset, count, scratch, True) if count else slope
    else:
        mean = _terms(kind, data, t, batch, offset, count, scratch, True)
        out[0, 0] = 2.0 * mean if kind == 3 else mean


@njit(cache=True, nogil=True, inline="always")
def _norm(v, lane):
    """stopping.norm of row lane of v: |v| in one dimension, else hypot folded over the entries in order
    (np.hypot.reduce)."""
    if v.shape[1] == 1:
        return abs(v[lane, 0])
    total = abs(v[lane, 0])
    for i in range(1, v.shape[1]):
        total = math.hypot(total, abs(v[lane, i]))
    return total


@njit(cache=True, nogil=True, inline="always")
def _factor(kind, p, t):
    """schedules.py's factor(t)."""
    if kind == 0:  # constant
        return 1.0
    if kind == 1:  # step
        return p[0] ** float(t // int(p[1]))
    if kind == 2:  # exponential
        return p[0] ** float(t)
    if kind == 3:  # inverse_time
        return 1.0 / (1.0 + p[0] * t)
    if kind == 4:  # cosine
        period = int(p[0])
        return p[1] + (1 - p[1]) * (1 + math.cos(math.pi * min(t, period) / period)) / 2
    return 1.0 / float(t + 1) ** p[0]  # invscaling


@njit(cache=True, nogil=True, inline="always")
def _update(kind, p, g, first, second, lane, lr, count, step):
    """optimizers.py's update() for one lane: writes step[0], updates that lane's state (rows of first, second)
    in place; count = t ≥ 1."""
    for i in range(g.shape[1]):
        if kind == 0:  # gd
            step[0, i] = -lr * g[0, i]
        elif kind <= 2:  # momentum, nesterov
            buffer = p[0] * first[lane, i] + g[0, i]
            first[lane, i] = buffer
            step[0, i] = -lr * (g[0, i] + p[0] * buffer if kind == 2 else buffer)
        elif kind == 3:  # adagrad
            total = first[lane, i] + g[0, i] * g[0, i]
            first[lane, i] = total
            step[0, i] = -lr * (g[0, i] / (math.sqrt(total) + p[0]))
        elif kind == 4:  # rmsprop
            average = p[0] * first[lane, i] + (1 - p[0]) * g[0, i] * g[0, i]
            first[lane, i] = average
            step[0, i] = -lr * (g[0, i] / (math.sqrt(average) + p[1]))
        else:  # adam
            m = p[0] * first[lane, i] + (1 - p[0]) * g[0, i]
            v = p[1] * second[lane, i] + (1 - p[1]) * g[0, i] * g[0, i]
            first[lane, i], second[lane, i] = m, v
            step_size = lr / (1 - p[0] ** float(count))
            denominator = math.sqrt(v) / math.sqrt(1 - p[1] ** float(count)) + p[2]
            step[0, i] = -step_size * (m / denominator)


@njit(cache=True, nogil=True)
def _advance(objective, data, optimizer, hyper, schedule, timing, rule, epsilon, bound, tolerance,
             rates, theta, loss, first, second, best, stale, status, iterations,
             orders, shared, first_epoch, per_epoch, size, start, stop,
             history, losses, steps):
    """Updates start … stop − 1 of every lane still running, in place; a lane that stops gets its status and
    iteration count. orders (seeds, epochs, n) holds the sampled epochs from first_epoch on (none: batch)."""
    lanes, dim = theta.shape
    n = data.shape[1]
    g, step, scratch = np.empty((1, dim)), np.empty((1, dim)), np.empty(n)
    whole, nothing = np.empty(0, dtype=np.intp), n - n  # an empty batch and a count of 0: the whole data set
    for lane in range(lanes):
        if status[lane] != RUNNING:
            continue
        row = 0 if shared else lane
        for k in range(start, stop):
            if orders.shape[0] == 0:
                batch, offset, count = whole, 0, 0
            else:
                batch, offset = orders[row, k // per_epoch - first_epoch], (k % per_epoch) * size
                count = min(size, n - offset)
            _grad(objective, data, theta, lane, batch, offset, count, g, scratch)
            _update(optimizer, hyper, g, first, second, lane, rates[lane] * _factor(schedule, timing, k), k + 1,
                    step)
            for i in range(dim):
                theta[lane, i] = theta[lane, i] + step[0, i]
                history[lane, k + 1, i] = theta[lane, i]
            previous, value = loss[lane], _value(objective, data, theta, lane, whole, scratch)
            loss[lane] = value
            losses[lane, k + 1] = value
            if steps.shape[0]:
                for i in range(dim):
                    steps[lane, k + 1, i] = step[0, i]
            if not (_norm(theta, lane) <= bound and math.isfinite(value)):
                status[lane], iterations[lane] = DIVERGED, k + 1
                break
            if rule == 0:  # loss_change
                fired = abs(value - previous) < epsilon
            elif rule == 1:  # grad_norm
                _grad(objective, data, theta, lane, whole, offset, nothing, g, scratch)
                fired = _norm(g, 0) < epsilon
            elif rule == 2:  # step_size
                fired = _norm(step, 0) < epsilon
            else:  # no_improvement: stopping.StopRule.fires
                stale[lane] = 0 if value <= best[lane] - epsilon else stale[lane] + 1
                fired = stale[lane] >= PATIENCE and epsilon > 0
                if math.isnan(best[lane]) or value < best[lane]:  # np.fmin
                    best[lane] = value
            if fired:
                _grad(objective, data, theta, lane, whole, offset, nothing, g, scratch)
                status[lane] = CONVERGED if _norm(g, 0) <= tolerance else STALLED
                iterations[lane] = k + 1
                break


def descend(rates: np.ndarray, settings, seeds, shared: bool, record_steps: bool = False):
    """The compiled run of every lane: (history (lanes, rows, dim), losses (lanes, rows), steps or None,
    iterations, status names). seeds: one per lane (seeds()) or one shared by all (compare(), shared=True)."""
    problem = settings.problem
    kind, data = problem.compiled
    lanes, dim, rows = len(rates), problem.dim, settings.max_iter + 1
    history, losses = np.empty((lanes, rows, dim)), np.empty((lanes, rows))
    steps = np.empty((lanes, rows, dim) if record_steps else (0, 1, dim))
    theta = np.full((lanes, dim), settings.theta0)
    with np.errstate(all="ignore"):
        loss = problem.value(theta)
        initial_grad_norm = float(norm(problem.grad(theta[:1]))[0])
        gone = bool(diverged(theta[:1], loss[:1], divergence_bound(settings.theta0, problem.plot_range))[0])
    history[:, 0], losses[:, 0] = theta, loss
    status = np.full(lanes, DIVERGED if gone else RUNNING, dtype=np.int64)
    iterations = np.zeros(lanes, dtype=np.int64)
    first, second = np.zeros((lanes, dim)), np.zeros((lanes, dim))
    best, stale = loss.copy(), np.zeros(lanes, dtype=np.int64)
    optimizer, schedule = settings.optimizer, settings.schedule
    fixed = (OBJECTIVES.index(kind), np.ascontiguousarray(data, dtype=float),
             list(OPTIMIZERS).index(optimizer.name), _numbers(OPTIMIZERS[optimizer.name], optimizer.hyperparameters),
             list(SCHEDULES).index(schedule.name), _numbers(SCHEDULES[schedule.name], schedule.hyperparameters),
             STOPS.index(settings.stop), settings.epsilon, divergence_bound(settings.theta0, problem.plot_range),
             tolerance(initial_grad_norm),
             np.asarray(rates, dtype=float), theta, loss, first, second, best, stale, status, iterations)
    size = examples_per_update(settings.variant, settings.batch_size)
    if size == 0:  # batch: one call for the whole run
        _advance(*fixed, np.empty((0, 0, 0), dtype=np.intp), True, 0, 1, 0, 0, settings.max_iter,
                 history, losses, steps)
    else:  # sampled: a block of epochs at a time, drawn only for lanes still running, growing as lanes keep going
        n = problem.n_examples
        per_epoch = -(-n // size)
        epochs = Epochs(n, seeds)
        first_epoch, count = 0, max(1, 256 // per_epoch)
        cap = max(1, 2**22 // (n * len(seeds)))  # at most 4 Mi indices (32 MB) drawn at once
        while first_epoch * per_epoch < settings.max_iter and (status == RUNNING).any():
            rows_drawn = [0] if shared else np.flatnonzero(status == RUNNING)
            orders = epochs.draw(count, rows_drawn)
            start = first_epoch * per_epoch
            _advance(*fixed, orders, shared, first_epoch, per_epoch, size, start,
                     min(start + count * per_epoch, settings.max_iter), history, losses, steps)
            first_epoch, count = first_epoch + count, min(2 * count, cap)
    iterations[status == RUNNING] = settings.max_iter
    names = np.array(STATUSES, dtype=object)[np.where(status == RUNNING, STATUSES.index("max_iter"), status)]
    return history, losses, steps if record_steps else None, iterations, names
