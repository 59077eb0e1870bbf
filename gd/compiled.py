"""The compiled loop: gd.run's numpy loop written out for numba, equal to it bit for bit.

The readable reference is gd.run._reference (numpy, vectorized over lanes); this is the fast path
for every objective, update rule and schedule that names a kind listed here, a formula typed by a
user included: its programs are data to gd.interpreter, compiled once with the rest. The loop is the
same: updates outside, lanes inside, a lane that stops is skipped from then on; each update runs in
phases (gradients, steps, losses, tests), each a loop over the running lanes, and while every lane
runs, the loops on a curve are one per kind, which the compiler vectorizes. On a 2-D surface θ is
a pair and each phase is the plain loop over lanes, each rule applied per coordinate. Each formula
below is the one in objectives.py, surfaces.py, optimizers.py, schedules.py and stopping.py, in
the same order of operations, because floating point is not associative:

- np.mean over examples is numpy's pairwise summation (8 accumulators up to 128 terms),
  reproduced in _sum, then one division by the count;
- powers with an integer exponent (β1ᵗ, γᵗ) are libm's pow, as Python's float ** int is:
  numba's own float ** int multiplies repeatedly, so the exponent is made a float first;
- exp, log1p, cos, hypot are libm's in both (objectives.py avoids numpy's SIMD exp), and so are a
  typed formula's functions (gd.formula._libm calls the C functions numba binds);
- a typed formula's domain is tested (gd.interpreter.outside) only where a lane diverges, as
  stopping.ended does: left_domain if θ_k is finite and outside it or θ_{k−1} was.

Compiled with cache=True (the first process compiles, in about 20 s; later ones load the cache),
nogil=True (a long run leaves other threads of a server free to run), error_model="numpy"
(x / 0 is ±inf or NaN, as in numpy) and without numba's reference counting (_nrt=False: its
atomic counts cost more than the update itself), so the kernels allocate nothing: descend()
passes in every array they write.
"""

import math
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
from numba import njit

from gd import interpreter, work
from gd.interpreter import GRADIENT, UPDATE, interpret, interpret_here, outside
from gd.settings import Settings
from gd.stopping import LEFT_DOMAIN, PATIENCE, STATUSES, diverged, divergence_bound, ended, norm, tolerance
from gd.variants import Epochs, examples_per_update

OBJECTIVES = ("quadratic", "double_well", "quartic", "linear_regression", "logistic_regression",  # θ a number
              "ravine", "rosenbrock", "himmelblau", "saddle", "linear_regression_2d", "logistic_regression_2d",  # pairs
              "typed")  # a typed formula (gd.typed), in either: its programs run by gd.interpreter
TYPED = OBJECTIVES.index("typed")
OPTIMIZERS = {"gd": (), "momentum": ("momentum",), "nesterov": ("momentum",), "adagrad": ("eps",),
              "rmsprop": ("alpha", "eps"), "adam": ("beta1", "beta2", "eps")}  # name: its hyperparameters, in order
SCHEDULES = {"constant": (), "step": ("gamma", "every"), "exponential": ("gamma",), "inverse_time": ("gamma",),
             "cosine": ("period", "floor"), "invscaling": ("power",)}
STOPS = ("loss_change", "grad_norm", "step_size", "no_improvement")
RUNNING = -1  # status codes are indices into STATUSES
CONVERGED, STALLED, DIVERGED, OUTSIDE = (STATUSES.index(name) for name in ("converged", "stalled", "diverged",
                                                                           LEFT_DOMAIN))
LOGE2 = math.log(2.0)  # numpy's NPY_LOGE2, rounded to a double
BLOCK_UPDATES = 2**17  # lane-updates between two checks of gd.work's limit


def available(settings) -> bool:
    """Whether the compiled loop has every part of this run: objective, update rule and schedule (ready() says
    whether it has been compiled yet)."""
    objective = settings.problem.compiled
    return (objective is not None and objective[0] in OBJECTIVES and settings.optimizer.compiled
            and settings.optimizer.name in OPTIMIZERS and settings.schedule.compiled
            and settings.schedule.name in SCHEDULES and settings.stop in STOPS)


def _numbers(names, hyperparameters) -> np.ndarray:
    return np.array([float(hyperparameters[name]) for name in names] + [0.0] * (3 - len(names)))


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy")
def _sum(a, n):
    """numpy's pairwise sum of a[:n] (numpy/_core/src/umath/loops_utils.h.src), as np.sum and np.mean use it."""
    return _block_sum(a, n) if n <= 128 else _halves_sum(a, n)


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy")
def _halves_sum(a, n):
    """Past 128 terms numpy sums two halves (the first a multiple of 8 long) and adds them."""
    if n <= 128:
        return _block_sum(a, n)
    half = n // 2
    half -= half % 8
    return _halves_sum(a, half) + _halves_sum(a[half:], n - half)


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy")
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


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy")
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


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy", inline="always")
def _curve(kind, t):
    """(J, dJ) of the analytic curves: objectives.py's f and df."""
    if kind == 0:  # quadratic
        return (t - 2.5) * (t - 2.5) - 1.0, 2.0 * (t - 2.5)
    if kind == 1:  # double_well
        return t * t * t * t / 4.0 - t * t + 0.3 * t, t * t * t - 2.0 * t + 0.3
    return (t - 1.0) * (t - 1.0) * (t - 1.0) * (t - 1.0), 4.0 * (t - 1.0) * (t - 1.0) * (t - 1.0)  # quartic


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy", inline="always")
def _surface(kind, x, y):
    """(J, ∂J/∂x, ∂J/∂y) of the analytic surfaces: surfaces.py's f and df."""
    if kind == 5:  # ravine
        return 0.5 * (5.5 * x * x + 9.0 * x * y + 5.5 * y * y), 5.5 * x + 4.5 * y, 4.5 * x + 5.5 * y
    if kind == 6:  # rosenbrock
        return ((1.0 - x) * (1.0 - x) + 100.0 * ((y - x * x) * (y - x * x)),
                -2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x))
    if kind == 7:  # himmelblau
        return ((x * x + y - 11.0) * (x * x + y - 11.0) + (x + y * y - 7.0) * (x + y * y - 7.0),
                4.0 * x * (x * x + y - 11.0) + 2.0 * (x + y * y - 7.0),
                2.0 * (x * x + y - 11.0) + 4.0 * y * (x + y * y - 7.0))
    return x * x + y * y * y * y / 4.0 - y * y / 2.0, 2.0 * x, y * y * y - y  # saddle


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy")
def _row_mean(data, row, batch, offset, count, scratch):
    """The mean of data[row] over examples batch[offset:offset + count]: a surface's mean offset on one axis."""
    for i in range(count):
        scratch[i] = data[row, batch[offset + i]]
    return _sum(scratch, count) / count


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy")
def _regression(kind, data, w, b, batch, offset, count, scratch, gradient):
    """The 2-D regressions' mean over examples batch[offset:offset + count] (all n when count is 0): (J, 0) or
    (∂J/∂w, ∂J/∂b), from surfaces.py's formulas. scratch holds 2n numbers: the two sums' terms."""
    n = count if count else data.shape[1]
    other = scratch[n:]
    for i in range(n):
        j = batch[offset + i] if count else i
        x, y = data[0, j], data[1, j]
        if kind == 9:  # linear_regression_2d: r = w·x + b − y; r², or (r·x, r) (times 2 below)
            r = w * x + b - y
            scratch[i] = r * x if gradient else r * r
            other[i] = r
        elif gradient:  # logistic_regression_2d, y the sign s: q = σ(−s·z) = exp(−logaddexp(0, s·z)), z = w·x + b
            q = math.exp(-_logaddexp0(y * (w * x + b)))
            scratch[i] = -y * x * q
            other[i] = -y * q
        else:  # log(1 + exp(−s·z))
            scratch[i] = _logaddexp0(-(y * (w * x + b)))
    first = _sum(scratch, n) / n
    if not gradient:
        return first, 0.0
    second = _sum(other, n) / n
    return (2.0 * first, 2.0 * second) if kind == 9 else (first, second)


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy")
def _terms(kind, data, t, batch, offset, count, scratch, gradient):
    # callers pass variables, not constants: a constant argument would compile another specialization
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


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy", inline="always")
def _value(kind, data, theta, lane, whole, nothing, scratch):
    """J(θ) of one lane (row of theta): objectives.py's value(). whole, nothing: an empty batch and a count of
    0 (all examples)."""
    t = theta[lane, 0]
    if kind <= 2:
        return _curve(kind, t)[0]
    if kind <= 4:
        return _terms(kind, data, t, whole, nothing, nothing, scratch, nothing > 0)
    if kind <= 8:
        return _surface(kind, t, theta[lane, 1])[0]
    return _regression(kind, data, t, theta[lane, 1], whole, nothing, nothing, scratch, nothing > 0)[0]


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy", inline="always")
def _grad(kind, data, theta, lane, batch, offset, count, out, scratch):
    """∇J of one lane over examples batch[offset:offset + count], or all of them when count is 0: objectives.py's
    batch_grad() and grad() (a curve's or a surface's full gradient is its formula alone: the offsets sum to
    zero), into out[0]."""
    t = theta[lane, 0]
    if kind <= 2:
        slope = _curve(kind, t)[1]
        out[0, 0] = slope + _terms(kind, data, t, batch, offset, count, scratch, kind >= 0) if count else slope
    elif kind <= 4:
        mean = _terms(kind, data, t, batch, offset, count, scratch, kind >= 0)
        out[0, 0] = 2.0 * mean if kind == 3 else mean
    elif kind <= 8:
        _, gx, gy = _surface(kind, t, theta[lane, 1])
        if count:
            gx, gy = (gx + _row_mean(data, 0, batch, offset, count, scratch),
                      gy + _row_mean(data, 1, batch, offset, count, scratch))
        out[0, 0], out[0, 1] = gx, gy
    else:
        out[0, 0], out[0, 1] = _regression(kind, data, t, theta[lane, 1], batch, offset, count, scratch, kind >= 0)


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy", inline="always")
def _norm(v, lane):
    """stopping.norm of row lane of v: |v| in one dimension, else hypot folded over the entries in order
    (np.hypot.reduce)."""
    if v.shape[1] == 1:
        return abs(v[lane, 0])
    total = abs(v[lane, 0])
    for i in range(1, v.shape[1]):
        total = math.hypot(total, abs(v[lane, i]))
    return total


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy", inline="always")
def _finite(v, lane):
    """Whether every entry of row lane of v is finite."""
    for i in range(v.shape[1]):
        if not math.isfinite(v[lane, i]):
            return False
    return True


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy")
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


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy")
def _tables(optimizer, p, schedule, timing, start, table):
    """What depends on the update count alone, once for all lanes of a block of updates start, start + 1, …:
    the schedule's factor(k), and Adam's 1 − β1ᵗ and √(1 − β2ᵗ) for t = k + 1 (pow calls, the costly part)."""
    for j in range(table.shape[1]):
        k = start + j
        table[0, j] = _factor(schedule, timing, k)
        if optimizer == 5:
            table[1, j] = 1 - p[0] ** float(k + 1)
            table[2, j] = math.sqrt(1 - p[1] ** float(k + 1))


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy", inline="always")
def _update(kind, p0, p1, p2, g, first, second, lr, bias1, bias2):
    """optimizers.py's update() for one coordinate: (step, first, second), the state's new values (first: the
    momentum buffer, Adagrad's sum, RMSprop's average or Adam's m; second: Adam's v). p0, p1, p2: the
    hyperparameters in compiled.OPTIMIZERS order; bias1, bias2: Adam's 1 − β1ᵗ and √(1 − β2ᵗ)."""
    if kind == 0:  # gd
        return -lr * g, first, second
    if kind <= 2:  # momentum, nesterov
        buffer = p0 * first + g
        return -lr * (g + p0 * buffer if kind == 2 else buffer), buffer, second
    if kind == 3:  # adagrad
        total = first + g * g
        return -lr * (g / (math.sqrt(total) + p0)), total, second
    if kind == 4:  # rmsprop
        average = p0 * first + (1 - p0) * g * g
        return -lr * (g / (math.sqrt(average) + p1)), average, second
    m = p0 * first + (1 - p0) * g  # adam
    v = p1 * second + (1 - p1) * g * g
    return -(lr / bias1) * (m / (math.sqrt(v) / bias2 + p2)), m, v


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy", inline="always")
def _slope(kind, theta, lane, sampled, shift, g):
    """dJ of a curve at lane, plus shift when sampled (the batch's mean offset, the same for every lane when the
    lanes share their batches)."""
    slope = _curve(kind, theta[lane, 0])[1]
    g[lane, 0] = slope + shift if sampled else slope


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy", inline="always")
def _slopes(kind, theta, m, sampled, shift, g):
    """_slope of lanes 0 … m − 1 (all of them running), kind a constant: a loop the compiler vectorizes."""
    for lane in range(m):
        _slope(kind, theta, lane, sampled, shift, g)


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy", inline="always")
def _step(kind, p0, p1, p2, rates, factor, bias1, bias2, lane, g, first, second, step, theta, row):
    """One update of lane: optimizers.py's update(), θ + step, and θ into its history row."""
    s, moment, other = _update(
        kind, p0, p1, p2, g[lane, 0], first[lane, 0], second[lane, 0], rates[lane] * factor, bias1, bias2)
    if kind != 0:  # kind is a constant here: gd stores no state, only Adam a second moment
        first[lane, 0] = moment
    if kind == 5:
        second[lane, 0] = other
    step[lane, 0] = s
    theta[lane, 0] = theta[lane, 0] + s
    row[lane, 0] = theta[lane, 0]


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy", inline="always")
def _step_vector(kind, p0, p1, p2, rates, factor, bias1, bias2, lane, g, first, second, step, theta, row):
    """_step of every coordinate of lane, beyond one dimension: each update rule acts coordinate by coordinate."""
    lr = rates[lane] * factor
    for d in range(theta.shape[1]):
        s, moment, other = _update(kind, p0, p1, p2, g[lane, d], first[lane, d], second[lane, d], lr, bias1, bias2)
        first[lane, d], second[lane, d], step[lane, d] = moment, other, s
        theta[lane, d] = theta[lane, d] + s
        row[lane, d] = theta[lane, d]


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy", inline="always")
def _steps(kind, p0, p1, p2, rates, factor, bias1, bias2, m, g, first, second, step, theta, row):
    """_step of lanes 0 … m − 1 (all of them running), kind a constant: a loop the compiler vectorizes."""
    for lane in range(m):
        _step(kind, p0, p1, p2, rates, factor, bias1, bias2, lane, g, first, second, step, theta, row)


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy", inline="always")
def _losses(kind, theta, m, rule, bound, epsilon, step, loss, before, row):
    """J(θ) of lanes 0 … m − 1 (all of them running) of a curve into loss and its history row, the previous J
    into before, kind a constant. Returns how many lanes surely go on (finite, within bound, the rule's measure
    at least ε; for rules 0 and 2, else 0), so that the exact tests can be skipped while no lane is near
    stopping."""
    calm = 0
    for lane in range(m):
        previous, value = loss[lane], _curve(kind, theta[lane, 0])[0]
        before[lane], loss[lane], row[lane] = previous, value, value
        measure = abs(value - previous) if rule == 0 else abs(step[lane, 0])
        calm += int((abs(theta[lane, 0]) <= bound) & (abs(value) < math.inf) & (measure >= epsilon))
    return calm if rule == 0 or rule == 2 else 0


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy", inline="always")
def _typed_losses(lane, idx, results, theta, rule, bound, epsilon, step, loss, before, g, row):
    """A typed formula's J and ∇J at lane's new θ (results[idx]) into loss and its history row, the previous J into
    before, ∇J into g for the next update. Returns 1 if the lane surely goes on (as _losses; 1-D only), else 0."""
    previous, value = loss[lane], results[idx, 0]
    before[lane], loss[lane], row[lane] = previous, value, value
    for d in range(g.shape[1]):
        g[lane, d] = results[idx, 1 + d]
    if g.shape[1] > 1:
        return 0
    measure = abs(value - previous) if rule == 0 else abs(step[lane, 0])
    return int((abs(theta[lane, 0]) <= bound) & (abs(value) < math.inf) & (measure >= epsilon))


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy")
def _advance(objective, data, program, optimizer, hyper, schedule, timing, rule, epsilon, bound, tolerance,
             rates, theta, loss, first, second, best, stale, status, iterations,
             orders, shared, size, start,
             history, losses, steps, g, step, before, active, probe, scratch, whole, registers, results, arguments,
             table):
    """Updates start … start + table.shape[1] − 1 of every lane still running, in place; a lane that stops gets
    its status and iteration count. orders (seeds, epochs, n): the sampled epochs, the first of them the one
    update start falls in (start is a multiple of the updates per epoch); empty for batch.
    g, step (lanes, dim), before (lanes), active (lanes), probe (1, dim), scratch (2n), whole (empty), registers
    (gd.interpreter.registers), results (lanes, 1 + dim), arguments (1, tests), table: work space, since nothing is
    allocated here (no NRT). θ has one coordinate (the curves) or two (the surfaces).

    A typed formula (objective TYPED; program its gd.interpreter.Code, an empty one for the others) is run over every
    running lane at once, J and ∇J together after each step (results[idx]: J and ∇J at θ of lane active[idx]): the
    next update's gradient, and the tests', are the ones computed with J.

    Each update runs in phases, each one loop over the running lanes (active[:m]): gradients, steps, losses,
    then the tests. A lane's operations are the same and in the same order as in one loop over lanes doing all
    of it (no sum runs across lanes); the phases only let the processor overlap many lanes' work, with the
    branches on the objective, the rule and the stopping rule taken once per update instead of once per lane.
    While every lane runs (dense) on a curve, each phase is a loop per kind over lanes 0 … m − 1, which the
    compiler vectorizes (gd/batch at 1,000 lanes: 8.8 ns per update in one loop, 4.1–4.5 now); and the exact
    tests run only when the loss loop's count says some lane may stop. One loop fusing all phases per curve
    and rule was 0.1 ns faster for gd, 0.8 ns for Adam, but took 25 s to compile."""
    lanes, dim = theta.shape[0], theta.shape[1]
    n = data.shape[1]
    nothing = n - n  # a count of 0: the whole data set
    flag = nothing >= 0  # True, as a variable (a constant argument would compile another specialization)
    _tables(optimizer, hyper, schedule, timing, start, table)
    p0, p1, p2 = hyper[0], hyper[1], hyper[2]  # in locals: stores to history cannot change them
    m = 0
    for lane in range(lanes):
        if status[lane] == RUNNING:
            active[m] = lane
            m += 1
    epoch, offset = 0, 0  # update k's batch is orders[row, epoch, offset:offset + size]
    if objective == TYPED:  # J and ∇J where each running lane starts this block
        interpret(program, UPDATE, theta, active[:m], registers, results)
        for idx in range(m):
            for d in range(dim):
                g[active[idx], d] = results[idx, 1 + d]
    for j in range(table.shape[1]):
        if m == 0:
            return
        k = start + j
        count = min(size, n - offset)
        dense = m == lanes  # every lane runs: active[:m] is 0 … m − 1
        # 1. gradients
        if objective <= 2 and (orders.shape[0] == 0 or shared):
            shift = 0.0  # batch; else the batch's mean offset aᵢ, the same for every lane
            if orders.shape[0]:
                shift = _terms(objective, data, theta[active[0], 0], orders[0, epoch], offset, count, scratch, flag)
            sampled = orders.shape[0] > 0
            if not dense:  # one loop for every kind; the dense ones below, one per kind, vectorize
                for idx in range(m):
                    _slope(objective, theta, active[idx], sampled, shift, g)
            elif objective == 0:
                _slopes(0, theta, m, sampled, shift, g)
            elif objective == 1:
                _slopes(1, theta, m, sampled, shift, g)
            else:
                _slopes(2, theta, m, sampled, shift, g)
        elif objective == TYPED:  # ∇J, in g since J was computed (phase 3), plus the batch's mean offset on each axis
            sampled = orders.shape[0] > 0
            if sampled and shared:  # the same for every lane
                for d in range(dim):
                    probe[0, d] = _row_mean(data, d, orders[0, epoch], offset, count, scratch)
            if sampled:  # (not added to a full batch's gradient: −0 + 0 is +0)
                for idx in range(m):
                    lane = active[idx]
                    for d in range(dim):
                        g[lane, d] += probe[0, d] if shared else _row_mean(data, d, orders[lane, epoch], offset, count,
                                                                           scratch)
        else:
            sampled = orders.shape[0] > 0
            for idx in range(m):
                lane = active[idx]
                # one call site (each inlined _grad is compiled again): whole data set, or this update's batch
                batch = orders[0 if shared else lane, epoch] if sampled else whole
                _grad(objective, data, theta, lane, batch, offset if sampled else nothing,
                      count if sampled else nothing, probe, scratch)
                for d in range(dim):
                    g[lane, d] = probe[0, d]
        # 2. steps, θ and its history
        factor, bias1, bias2 = table[0, j], table[1, j], table[2, j]
        row = history[k + 1]
        if dim > 1:
            for idx in range(m):
                _step_vector(optimizer, p0, p1, p2, rates, factor, bias1, bias2, active[idx], g, first, second, step,
                             theta, row)
        elif not dense:
            for idx in range(m):
                _step(optimizer, p0, p1, p2, rates, factor, bias1, bias2, active[idx], g, first, second, step, theta,
                      row)
        elif optimizer == 0:
            _steps(0, p0, p1, p2, rates, factor, bias1, bias2, m, g, first, second, step, theta, row)
        elif optimizer == 1:
            _steps(1, p0, p1, p2, rates, factor, bias1, bias2, m, g, first, second, step, theta, row)
        elif optimizer == 2:
            _steps(2, p0, p1, p2, rates, factor, bias1, bias2, m, g, first, second, step, theta, row)
        elif optimizer == 3:
            _steps(3, p0, p1, p2, rates, factor, bias1, bias2, m, g, first, second, step, theta, row)
        elif optimizer == 4:
            _steps(4, p0, p1, p2, rates, factor, bias1, bias2, m, g, first, second, step, theta, row)
        else:
            _steps(5, p0, p1, p2, rates, factor, bias1, bias2, m, g, first, second, step, theta, row)
        if steps.shape[0]:
            for idx in range(m):
                for d in range(dim):
                    steps[k + 1, active[idx], d] = step[active[idx], d]
        # 3. losses
        calm = 0
        if objective <= 2 and not dense:
            for idx in range(m):
                lane = active[idx]
                before[lane] = loss[lane]
                loss[lane] = _curve(objective, theta[lane, 0])[0]
                losses[k + 1, lane] = loss[lane]
        elif objective == 0:
            calm = _losses(0, theta, m, rule, bound, epsilon, step, loss, before, losses[k + 1])
        elif objective == 1:
            calm = _losses(1, theta, m, rule, bound, epsilon, step, loss, before, losses[k + 1])
        elif objective == 2:
            calm = _losses(2, theta, m, rule, bound, epsilon, step, loss, before, losses[k + 1])
        elif objective == TYPED:
            interpret_here(program, UPDATE, theta, active[:m], registers, results)
            if dense and dim == 1:  # lane idx is active[idx]: a loop the compiler vectorizes
                for lane in range(m):
                    calm += _typed_losses(lane, lane, results, theta, rule, bound, epsilon, step, loss, before, g,
                                          losses[k + 1])
            else:
                for idx in range(m):
                    calm += _typed_losses(active[idx], idx, results, theta, rule, bound, epsilon, step, loss, before,
                                          g, losses[k + 1])
            if not (dim == 1 and (rule == 0 or rule == 2)):
                calm = 0
        else:
            for idx in range(m):
                lane = active[idx]
                before[lane] = loss[lane]
                loss[lane] = _value(objective, data, theta, lane, whole, nothing, scratch)
                losses[k + 1, lane] = loss[lane]
        # 4. divergence, then the stopping rule
        stopped = 0
        typed = objective == TYPED
        for idx in range(0 if calm == m else m):
            lane = active[idx]
            value, previous = loss[lane], before[lane]
            if not (_norm(theta, lane) <= bound and math.isfinite(value)):
                status[lane], iterations[lane] = DIVERGED, k + 1
                # stopping.ended: left the domain if θ_k is finite and outside it, or θ_{k−1} (history row k) was
                point = active[idx:idx + 1]
                if typed and ((_finite(theta, lane) and outside(program, theta, point, registers, arguments))
                              or outside(program, history[k], point, registers, arguments)):
                    status[lane] = OUTSIDE
                stopped += 1
                continue
            fired = False
            if rule == 0:  # loss_change
                fired = abs(value - previous) < epsilon
            elif rule == 2:  # step_size
                fired = _norm(step, lane) < epsilon
            elif rule == 3:  # no_improvement: stopping.StopRule.fires
                stale[lane] = 0 if value <= best[lane] - epsilon else stale[lane] + 1
                fired = stale[lane] >= PATIENCE and epsilon > 0
                if math.isnan(best[lane]) or value < best[lane]:  # np.fmin
                    best[lane] = value
            if rule == 1 or fired:  # the full gradient, at one call site: grad_norm's measure, or the status's
                if not typed:
                    _grad(objective, data, theta, lane, whole, nothing, nothing, probe, scratch)
                else:
                    for d in range(dim):
                        probe[0, d] = results[idx, 1 + d]
                if rule == 1:
                    fired = _norm(probe, 0) < epsilon
            if fired:
                status[lane] = CONVERGED if _norm(probe, 0) <= tolerance else STALLED
                iterations[lane] = k + 1
                stopped += 1
        if stopped:  # keep the running lanes, in order (and a typed formula's J and ∇J of each)
            kept = 0
            for idx in range(m):
                if status[active[idx]] == RUNNING:
                    active[kept] = active[idx]
                    for column in range(results.shape[1] if typed else 0):
                        results[kept, column] = results[idx, column]
                    kept += 1
            m = kept
        if orders.shape[0]:
            offset += size
            if offset >= n:
                epoch, offset = epoch + 1, 0


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy")
def _gradients(kind, data, program, theta, out, g, scratch, whole, rows, registers):
    """∇J of every row of theta into out: objectives.py's grad() on a whole history at once (a typed formula's
    program over rows, the indices of every row, a block at a time)."""
    if kind == TYPED:
        interpret(program, GRADIENT, theta, rows, registers, out)
        return
    nothing = whole.size
    for row in range(theta.shape[0]):
        _grad(kind, data, theta, row, whole, nothing, nothing, g, scratch)
        for i in range(theta.shape[1]):
            out[row, i] = g[0, i]


def gradients(problem, theta: np.ndarray) -> np.ndarray:
    """problem.grad(theta) for (rows, dim) θ, the same numbers from the kernel's gradient (problem must have a
    compiled form): each_stop's grad_norm test over a run of 100,000 updates, without numpy's temporaries."""
    kind, data = problem.compiled
    theta = np.ascontiguousarray(theta, dtype=float)
    out = np.empty_like(theta)
    program = _program(problem)
    _gradients(OBJECTIVES.index(kind), np.ascontiguousarray(data, dtype=float), program, theta, out,
               np.empty((1, theta.shape[1])), np.empty(2 * data.shape[1]), np.empty(0, dtype=np.intp),
               np.arange(len(theta)), interpreter.registers(program, len(theta)))
    return out


def _program(problem) -> interpreter.Code:
    """The objective's formula as the interpreter's Code: a typed one's programs, else none."""
    return interpreter.code(problem.formula if problem.compiled[0] == "typed" else None)


def descend(rates: np.ndarray, settings, seeds, shared: bool, record_steps: bool = False):
    """The compiled run of every lane: (history (lanes, rows, dim), losses (lanes, rows), steps or None,
    iterations, status names). seeds: one per lane (seeds()) or one shared by all (compare(), shared=True)."""
    problem = settings.problem
    kind, data = problem.compiled
    lanes, dim, rows = len(rates), problem.dim, settings.max_iter + 1
    history, losses = np.empty((rows, lanes, dim)), np.empty((rows, lanes))  # as the reference's: one row per update
    steps = np.empty((rows, lanes, dim) if record_steps else (0, 1, dim))
    theta = np.full((lanes, dim), settings.theta0)
    with np.errstate(all="ignore"):
        loss = problem.value(theta)
        initial_grad_norm = float(norm(problem.grad(theta[:1]))[0])
        gone = bool(diverged(theta[:1], loss[:1], divergence_bound(settings.theta0, problem.plot_range))[0])
        start_status = STATUSES.index(ended(problem, theta[:1], theta[:1])[0]) if gone else RUNNING
    history[0], losses[0] = theta, loss
    status = np.full(lanes, start_status, dtype=np.int64)
    iterations = np.zeros(lanes, dtype=np.int64)
    first, second = np.zeros((lanes, dim)), np.zeros((lanes, dim))
    best, stale = loss.copy(), np.zeros(lanes, dtype=np.int64)
    optimizer, schedule = settings.optimizer, settings.schedule
    program = _program(problem)
    fixed = (OBJECTIVES.index(kind), np.ascontiguousarray(data, dtype=float), program,
             list(OPTIMIZERS).index(optimizer.name), _numbers(OPTIMIZERS[optimizer.name], optimizer.hyperparameters),
             list(SCHEDULES).index(schedule.name), _numbers(SCHEDULES[schedule.name], schedule.hyperparameters),
             STOPS.index(settings.stop), settings.epsilon, divergence_bound(settings.theta0, problem.plot_range),
             tolerance(initial_grad_norm),
             np.asarray(rates, dtype=float), theta, loss, first, second, best, stale, status, iterations)
    space = (np.empty((lanes, dim)), np.empty((lanes, dim)), np.empty(lanes), np.empty(lanes, dtype=np.intp),
             np.empty((1, dim)), np.empty(2 * problem.n_examples), np.empty(0, dtype=np.intp),
             interpreter.registers(program, lanes), np.empty((lanes, 1 + dim)),
             np.empty((1, max(1, len(program.tests)))))
    n = problem.n_examples
    size = examples_per_update(settings.variant, settings.batch_size, n)
    per_epoch = -(-n // size) if size else 1  # updates per epoch
    epochs = Epochs(n, seeds) if size else None
    none = np.empty((0, 0, 0), dtype=np.intp)
    # Blocks of updates, growing while lanes keep running: a run that stops early draws and tabulates little. A block
    # draws at most 4 Mi indices and makes at most BLOCK_UPDATES lane-updates, so that gd.work's limit is checked
    # every few milliseconds (up to 0.3 s on logistic regression, 64 examples per update).
    start, count = 0, max(1, 256 // per_epoch)
    cap = max(1, min(2**22 // (n * len(seeds)), BLOCK_UPDATES // (per_epoch * lanes)))
    while start < settings.max_iter and (status == RUNNING).any():
        work.check()
        updates = min(count * per_epoch, settings.max_iter - start)
        orders = none if epochs is None else epochs.draw(-(-updates // per_epoch),
                                                         [0] if shared else np.flatnonzero(status == RUNNING))
        _advance(*fixed, orders, shared, size, start, history, losses, steps,
                 *space, np.ones((3, updates)))
        start, count = start + updates, min(2 * count, cap)
    iterations[status == RUNNING] = settings.max_iter
    names = np.array(STATUSES, dtype=object)[np.where(status == RUNNING, STATUSES.index("max_iter"), status)]
    return (history.swapaxes(0, 1), losses.T, steps.swapaxes(0, 1) if record_steps else None, iterations,
            names)


# The first process on a fresh checkout compiles for about 20 s (later ones load numba's cache in about 0.15 s).
# So the kernel is compiled in the background, started by the first run that could use it, and until it is ready
# runs go to the reference loop, which gives the same numbers: a fresh server answers at once. The compiling itself
# happens in a separate process: numba's compiler holds the GIL for seconds, which would stall every
# page of the server meanwhile; it writes numba's cache, which this process then loads.
_compiling = threading.Lock()
_ready = threading.Event()
_failure: list[BaseException] = []


def _every_branch():
    """One call of each kernel that types every branch: compiles them, or loads them from numba's cache."""
    descend(np.array([0.1]), Settings(max_iter=2, variant="sgd"), [0], True)
    gradients(Settings().problem, np.zeros((1, 1)))


def _compile():
    path = os.pathsep.join(filter(None, (str(Path(__file__).resolve().parents[1]), os.environ.get("PYTHONPATH"))))
    try:
        subprocess.run([sys.executable, "-c", "from gd import compiled; compiled._every_branch()"],
                       env={**os.environ, "PYTHONPATH": path}, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False, timeout=600)
    except (OSError, subprocess.SubprocessError):  # no second process here: this one compiles, as it would anyway
        pass
    try:
        _every_branch()
    except BaseException as error:  # noqa: BLE001 - kept, and raised by wait(); runs stay on the reference
        _failure.append(error)
        raise
    finally:
        _ready.set()


def ready() -> bool:
    """Whether the kernel is compiled (or loaded from the cache) and usable; starts compiling it if not begun."""
    if not _ready.is_set() and _compiling.acquire(blocking=False):
        threading.Thread(target=_compile, name="gd.compiled", daemon=True).start()
    return _ready.is_set() and not _failure


def preparing() -> bool:
    """Whether the kernel is still being compiled or loaded (started if not begun): neither ready nor failed."""
    return not ready() and not failed()


def failed() -> bool:
    """Whether compiling the kernel failed: runs stay on the reference loop for good."""
    return bool(_failure)


def settle(timeout: float) -> None:
    """Wait until the kernel is ready or has failed, at most timeout seconds (compiling starts if not begun)."""
    ready()
    _ready.wait(timeout)


def wait() -> None:
    """Block until the kernel is compiled, for benchmarks and tests that must time or test the compiled loop."""
    ready()
    _ready.wait()
    if _failure:
        raise RuntimeError("the compiled loop failed to compile") from _failure[0]
