"""Typed formulas on the compiled loop (gd.interpreter in gd.compiled) against the numpy reference loop, bit for bit.

Every opcode, in one and two dimensions; domains left for each reason (log, root, division; θ_k outside, θ_{k−1}
outside, θ₀ itself) and overflows that stay divergences; every variant, update rule, schedule and stopping rule; seeds;
blocks of lanes wider than the interpreter's; the functions the two loops share (the C library's, as numba binds them);
and that a new formula compiles nothing.
"""

import ctypes
import itertools
import math

import numpy as np
import pytest
from numba import _helperlib
from test_compiled import SCHEDULES, STOPS, assert_identical, bits

import gd
from gd import compiled, formula, interpreter, run
from gd.stopping import LEFT_DOMAIN

FORMULAS_1D = [  # (text, θ₀, η): between them every opcode (|u| brings sign(u) into ∇J)
    ("(x - 2.5)^2 - 1", 0.3, [0.001, 0.05, 0.3, 1.0, 1.5]),
    ("x^4/4 - x^2 + 0.3*x", 0.3, [0.001, 0.05, 0.3, 1.0, 2.0]),
    ("sin(3*x) + x^2/10 + exp(-x^2) + log(x^2 + 1) + tanh(x)*abs(x)", 1.3, [0.001, 0.05, 0.3, 1.0, 3.0]),
    ("tan(x/3) + cos(x) - x/2", 0.5, [0.001, 0.05, 0.3, 1.0, 4.0]),
    ("sqrt(x^2 + 1) + (x^2 + 2)^(-0.5) + abs(x - 1)^1.5", -1.2, [0.001, 0.05, 0.3, 1.0, 3.0]),
    ("(x/3)^17 + x^2 - 2/(x^2 + 1) + x^-2/100", 1.5, [0.001, 0.01, 0.1, 0.5, 2.0]),
    ("x^2 - log(x)", 2.0, [0.001, 0.05, 0.3, 0.9, 1.5]),  # leaves through log and division
    ("x^2 + sqrt(x) - (x + 1)^(1/3)", 1.0, [0.001, 0.05, 0.3, 1.0, 1.5]),  # leaves through its roots
    ("1/(x - 2) + x^2", 0.5, [0.001, 0.05, 0.3, 1.0, 2.0]),
    ("-(x^2) + x", 0.3, [0.001, 0.05, 0.3, 1.0, 1.5]),  # no minimum: runs off to −∞
]
FORMULAS_2D = [
    ("(x-1)^2 + 10*(y+2)^2", (0.0, 0.0), [1e-3, 0.01, 0.05, 0.1, 0.2]),
    ("(1 - x)^2 + 100*(y - x^2)^2", (-1.5, 2.0), [1e-5, 1e-4, 1e-3, 3e-3, 0.01]),
    ("sin(x*y) + (x^2 + y^2)/10", (1.0, -0.5), [1e-3, 0.05, 0.5, 2.0, 10.0]),
    ("log(x^2 + y^2 + 1) + exp(-x*y/4) + tanh(x - y)", (0.7, 1.2), [1e-3, 0.05, 0.5, 2.0, 10.0]),
    ("x^2 + y^2 - log(x + y)", (1.0, 1.0), [1e-3, 0.05, 0.3, 1.0, 2.0]),  # leaves where x + y ≤ 0
    ("sqrt(x^2 + y^2 + 1) + abs(x - y)/2 + x^2/(y^2 + 1) + cos(x)*tan(y/3)", (0.4, -0.8),
     [1e-3, 0.05, 0.5, 2.0, 10.0]),
]
FORMULAS = FORMULAS_1D + FORMULAS_2D
BASE = dict(max_iter=150, batch_size=10, seed=7, epsilon=1e-4)


def check(text, theta0, etas, **keywords):
    """The compiled and the reference run of the same compare() call on the typed formula, equal in every bit; the
    compiled results."""
    objective = gd.parse_objective(text)
    keywords = {**BASE, "theta0": theta0, **keywords}
    assert compiled.available(gd.Settings(objective, **keywords))
    fast = run._compare(etas, objective, keywords, engine="compiled")
    slow = run._compare(etas, objective, keywords, engine="reference")
    for a, b in zip(fast, slow, strict=True):
        assert_identical(a, b)
    return fast


PRODUCT = list(itertools.product(range(len(FORMULAS)), gd.VARIANTS, gd.OPTIMIZERS))


@pytest.mark.parametrize(("index", "case"), list(enumerate(PRODUCT)),
                         ids=[f"{FORMULAS[f][0][:24]}-{variant}-{optimizer}" for f, variant, optimizer in PRODUCT])
def test_every_formula_variant_and_rule(index, case):
    """Every formula × variant × update rule, each with another schedule and stopping rule in turn."""
    which, variant, optimizer = case
    text, theta0, etas = FORMULAS[which]
    check(text, theta0, etas, variant=variant, optimizer=optimizer, schedule=SCHEDULES[index % len(SCHEDULES)],
          stop=STOPS[(index // 3) % len(STOPS)])


@pytest.mark.parametrize(("schedule", "stop"), list(itertools.product(SCHEDULES, STOPS)))
@pytest.mark.parametrize("which", [2, 4, 11, 13], ids=lambda which: FORMULAS[which][0][:24])
def test_every_schedule_and_stopping_rule(which, schedule, stop):
    """Every schedule × stopping rule, with Adam on mini-batches (the most state), in one and two dimensions."""
    text, theta0, etas = FORMULAS[which]
    check(text, theta0, etas, variant="minibatch", optimizer="adam", schedule=schedule, stop=stop)


def test_the_comparisons_are_not_vacuous():
    """Across the formulas, lanes converge, stall, hit the limit, diverge and leave the domain, at many updates."""
    statuses, iterations = set(), set()
    for text, theta0, etas in FORMULAS:
        for result in check(text, theta0, etas, max_iter=400, epsilon=1e-8):
            statuses.add(result.status)
            iterations.add(result.iterations)
    assert statuses == {"converged", "stalled", "max_iter", "diverged", LEFT_DOMAIN}
    assert len(iterations) > 20


@pytest.mark.parametrize(("text", "theta0", "eta", "status", "iterations"), [
    ("log(x)", 0.5, 0.1, LEFT_DOMAIN, 2),  # θ_k outside: 0.5 → 0.3 → 0.3 − 0.1/0.3 < 0
    ("log(x)", 0.0, 0.1, LEFT_DOMAIN, 0),  # θ₀ itself
    ("sqrt(x)", 0.0, 0.1, LEFT_DOMAIN, 1),  # θ_{k−1} outside: J(0) = 0 but ∇J(0) = ∞, so θ₁ = −∞
    ("1/x", 0.0, 0.1, LEFT_DOMAIN, 0),
    ("x^2 - log(x)", 1.0, 1.0, LEFT_DOMAIN, 1),  # 1 − (2 − 1) = 0
    ("x^2 + sqrt(x)", 1.0, 1.0, LEFT_DOMAIN, 1),  # a root of −1.5
    ("x^2 + y^2 - log(x + y)", (1.0, 1.0), 1.0, LEFT_DOMAIN, 1),
    ("log(y) + x^2", (0.5, 0.2), 0.3, LEFT_DOMAIN, 1),  # 0.2 − 0.3/0.2 < 0
    ("exp(x^2)", 3.0, 0.1, "diverged", 1),  # ∇J overflows inside the domain: a divergence
    ("x^2 - log(x)", 1e200, 0.1, "diverged", 0),  # J(θ₀) = ∞ − 460.5, where log is defined
    ("x^4", 3.0, 0.5, "diverged", 3),
])
def test_a_run_ends_where_the_reference_says_and_why(text, theta0, eta, status, iterations):
    """The kernel's own test of the domain (gd.interpreter.outside) decides as stopping.ended does, at the same
    update, for each engine and variant."""
    for variant in ("batch", "sgd"):
        (result,) = check(text, theta0, [eta], variant=variant, epsilon=0.0, max_iter=50)
        if variant == "batch":
            assert (result.status, result.iterations) == (status, iterations)


@pytest.mark.parametrize(("which", "variant", "stop"), [(2, "sgd", "no_improvement"), (6, "minibatch", "grad_norm"),
                                                        (11, "sgd", "step_size"), (14, "minibatch", "loss_change")])
def test_seeds_each_lane_its_own_samples(which, variant, stop):
    """seeds(): every lane draws its own epochs, its own batches' mean offsets on every axis."""
    text, theta0, etas = FORMULAS[which]
    objective = gd.parse_objective(text)
    keywords = dict(BASE, theta0=theta0, variant=variant, stop=stop, optimizer="rmsprop", epsilon=1e-3, max_iter=400)
    ss = [0, 1, 7, 7, 2**32 - 1]
    fast = run._seeds(etas[1], ss, objective, keywords, engine="compiled")
    slow = run._seeds(etas[1], ss, objective, keywords, engine="reference")
    for a, b in zip(fast, slow, strict=True):
        assert_identical(a, b)
    assert len({result.history[-1].tobytes() for result in fast}) >= 4


@pytest.mark.parametrize("stop", STOPS)
def test_long_runs_many_lanes_across_blocks(stop):
    """300 lanes (two of the interpreter's blocks of WIDTH) for 3,000 updates (the kernel's blocks of 256, 512, …
    updates, each starting with J and ∇J of the lanes still running), stopping at many different updates."""
    assert interpreter.WIDTH < 300
    etas = list(np.geomspace(1e-3, 2.0, 300))
    fast = check("sin(3*x) + x^2/10 + exp(-x^2) + log(x^2 + 1) + tanh(x)*abs(x)", 1.3, etas, variant="batch",
                 optimizer="momentum", stop=stop, epsilon=1e-6, max_iter=3000)
    assert len({result.iterations for result in fast}) > 10


def test_the_typed_article_curve_and_quartic_are_the_built_ins_on_the_compiled_loop():
    """On the built-ins' drawn ranges (the same divergence bound), the compiled loop runs them as it runs the built-in
    curves, bit for bit (sampled too for the article curve, whose noise a typed curve has; not the quartic's)."""
    sampled = ({"variant": "sgd", "optimizer": "adam", "stop": "step_size"},
               {"variant": "minibatch", "schedule": "cosine", "stop": "no_improvement"})
    for text, name, variants in (("(x - 2.5)^2 - 1", "quadratic", ({}, *sampled)), ("(x - 1)^4", "quartic", ({},))):
        typed_curve = gd.parse_objective(text, plot_range=gd.OBJECTIVES[name].plot_range)
        for keywords in variants:
            keywords = {**keywords, "theta0": 2.5 if name == "quartic" else 0.0, "max_iter": 500}
            typed_run = run._compare([0.01, 0.05, 0.3, 1.1], typed_curve, keywords, engine="compiled")
            built_in = run._compare([0.01, 0.05, 0.3, 1.1], name, keywords, engine="compiled")
            for a, b in zip(typed_run, built_in, strict=True):
                assert (a.iterations, a.status) == (b.iterations, b.status)
                assert bits(a.history) == bits(b.history) and bits(a.losses) == bits(b.losses)


def test_public_calls_and_each_stop_take_the_compiled_path(monkeypatch):
    """minimize, compare, seeds and each_stop run a typed formula on the compiled loop (each_stop's measures of ∇J
    from compiled.gradients); each_stop equals minimize per rule."""
    objective = gd.parse_objective(FORMULAS[2][0])
    calls = []
    real = compiled.descend
    monkeypatch.setattr(compiled, "descend", lambda *args, **kw: calls.append(1) or real(*args, **kw))
    gd.minimize(objective, theta0=1.3)
    gd.compare([0.1, 0.2], objective, variant="sgd")
    gd.seeds(0.1, [1, 2], objective, variant="minibatch")
    stops = gd.each_stop(objective, eta=0.05, theta0=1.3, epsilon=1e-6, max_iter=2000)
    assert len(calls) == 4
    for name in gd.STOPS:
        assert_identical(stops[name], run._compare([0.05], objective, dict(theta0=1.3, epsilon=1e-6, max_iter=2000,
                                                                           stop=name), engine="reference")[0])


SPECIAL = [0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, 1e-300, 1e200, -1e200, 800.0, -800.0, math.pi / 2 * 3, math.inf,
           -math.inf, math.nan, -math.nan]


@pytest.mark.parametrize("text", [text for text, _, _ in FORMULAS] + [
    "exp(x) + log(x) + x^(1/3) + x^-17 + tan(x) + 1/x", "abs(x - 1)*x + x^2",
    "exp(x*y) - log(x - y) + (x + y)^2.5 + tanh(y)/x"])
def test_the_interpreter_computes_what_numpy_computes_everywhere(text):
    """J and ∇J (and the domain's verdict) at special points (±0, ±∞, NaN of either sign, overflow, poles, negative
    logarithms and roots) and ordinary ones, a lane alone and a block of lanes: the same bits as formula.run with
    numpy, but for a NaN's sign (the C library's log of a negative number is NaN, +NaN, a root's −NaN, and where two
    NaNs of opposite signs meet in a sum or product the compiler may take either first: gd.interpreter)."""
    objective = gd.parse_objective(text)
    axis = np.array(SPECIAL + list(np.random.default_rng(3).normal(0, 3, 30)))
    theta = (axis[:, None] if objective.dim == 1  # in 2-D every pair of the special values: more than a block
             else np.stack(np.meshgrid(axis[:len(SPECIAL)], axis[:len(SPECIAL)]), axis=-1).reshape(-1, 2))
    program = interpreter.code(objective.formula)
    registers = interpreter.registers(program, len(theta))
    with np.errstate(all="ignore"):
        expected = np.column_stack([objective.value(theta), objective.grad(theta)])
        inside = objective.domain(theta)
    for rows in (np.arange(len(theta)), *(np.array([row]) for row in range(len(theta)))):
        results = np.empty((len(rows), 1 + objective.dim))
        interpreter.interpret(program, interpreter.UPDATE, theta, rows, registers, results)
        assert bits(unsigned_nan(results)) == bits(unsigned_nan(expected[rows]))
    arguments = np.empty((1, max(1, len(program.tests))))
    outside = [interpreter.outside(program, theta, np.array([row]), registers, arguments) for row in range(len(theta))]
    assert outside == (~inside).tolist()
    assert bits(unsigned_nan(compiled.gradients(objective, theta))) == bits(unsigned_nan(expected[:, 1:]))


def unsigned_nan(values: np.ndarray) -> np.ndarray:
    return np.where(np.isnan(values), np.nan, values)


def test_the_functions_are_the_ones_numba_binds():
    """formula's elementwise sin, cos, tan, exp, log, tanh and pow give, at every value, what the C functions numba's
    compiled code calls give (NaN's sign included; numpy's own exp, log, tan, tanh and power differ in the last bit
    on machines with AVX-512, and Python's math.log of a negative number would give NaN of the other sign)."""
    values = np.array(SPECIAL + list(np.random.default_rng(5).normal(0, 50, 2000)))
    for name in ("sin", "cos", "tan", "exp", "log", "tanh"):
        bound = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double)(_helperlib.c_helpers[name])
        assert bits(formula._libm(name)(values)) == bits([bound(value) for value in values.tolist()]), name
    bound = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double, ctypes.c_double)(_helperlib.c_helpers["pow"])
    for exponent in (2.5, 1 / 3, -1.5, 17.0, -17.0):
        assert bits(formula._POW(values, exponent)) == bits([bound(value, exponent) for value in values.tolist()])


def test_a_new_formula_compiles_nothing():
    """The kernel is compiled for its arguments' types, never for a formula: running formulas never seen before adds
    no specialization to any kernel."""
    kernels = (compiled._advance, compiled._gradients, interpreter._interpret, interpreter.outside)
    before = [len(kernel.signatures) for kernel in kernels]
    for text, theta0, etas in FORMULAS:
        objective = gd.parse_objective(f"{text} + 0.123456789*x")
        run._compare(etas[:2], objective, dict(BASE, theta0=theta0, variant="sgd", stop="grad_norm"),
                     engine="compiled")
        compiled.gradients(objective, np.zeros((3, objective.dim)))
    assert [len(kernel.signatures) for kernel in kernels] == before


def test_what_the_kernel_is_given_is_the_formula_as_data():
    """A typed formula reaches the kernel as arrays of opcodes, operands and numbers (no text, no function); its
    three sections read only their own registers."""
    read = gd.parse_objective(FORMULAS_2D[3][0]).formula
    program = interpreter.code(read)
    assert all(isinstance(part, np.ndarray) for part in program)
    assert set(program.operations.tolist()) <= set(range(16))
    starts = np.cumsum([0, len(read.update), len(read.gradient), len(read.domain)])
    for section in range(3):
        for i in program.steps[program.bounds[section]:program.bounds[section + 1]]:
            assert starts[section] <= i < starts[section + 1]
            if program.operations[i] != formula.VARIABLE:
                assert all(starts[section] <= operand < i for operand in program.operands[i] if operand >= 0)
