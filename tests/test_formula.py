"""The expression graph: hash-consed, folded and simplified as it is built; derivatives by the rules of calculus,
checked against hand formulas; programs as plain data that compute each node once, in the order typed."""

import math

import numpy as np
import pytest

from gd import formula
from gd.formula import ConstantError, Graph

POINTS = np.array([-2.7, -0.8, 0.3, 1.1, 2.4])


def graph():
    return Graph(largest=1e300)


def values(program, points=POINTS):
    return formula.run(program, points[:, None])


def test_the_same_expression_is_one_node_and_one_instruction():
    g = graph()
    x = g.variable(0)
    first, second = g.add(g.function(formula.SIN, x), g.constant(1.0)), g.add(g.function(formula.SIN, x), g.one)
    assert first == second and g.add(x, first) == g.add(first, x) and g.multiply(x, first) == g.multiply(first, x)
    square = g.multiply(first, first)
    program = g.program([square])
    assert len(program) == 5  # x, sin, 1, +, ·
    np.testing.assert_array_equal(values(program)[0], (np.sin(POINTS) + 1) * (np.sin(POINTS) + 1))


def test_constants_fold_and_an_undefined_or_huge_one_is_refused():
    g = graph()
    two, three = g.constant(2.0), g.constant(3.0)
    assert g.value(g.power(g.add(two, three), 2.0)) == 25.0 and g.value(g.divide(g.one, three)) == 1 / 3
    undefined = [lambda: g.divide(g.one, g.zero), lambda: g.function(formula.LOG, g.zero),
                 lambda: g.function(formula.LOG, g.constant(-1.0)), lambda: g.power(g.constant(-8.0), 1 / 3),
                 lambda: g.power(g.constant(-1.0), 0.5), lambda: g.power(g.zero, -1.0),
                 lambda: g.divide(g.variable(0), g.zero), lambda: g.constant(np.nan)]
    huge = [lambda: g.function(formula.EXP, g.constant(1000.0)),
            lambda: g.multiply(g.constant(1e200), g.constant(1e200)), lambda: g.constant(-np.inf)]
    for reason, makers in [("undefined", undefined), ("too_large", huge)]:
        for make in makers:
            with pytest.raises(ConstantError) as refusal:
                make()
            assert refusal.value.reason == reason


def test_light_simplification():
    g = graph()
    x, y = g.variable(0), g.variable(1)
    assert g.add(x, g.zero) == g.add(g.zero, x) == g.subtract(x, g.zero) == g.multiply(x, g.one) == x
    assert g.divide(x, g.one) == g.power(x, 1.0) == g.negate(g.negate(x)) == x
    assert g.multiply(x, g.zero) == g.subtract(x, x) == g.zero and g.power(x, 0.0) == g.one
    assert g.add(x, g.negate(y)) == g.subtract(x, y) and g.add(g.negate(y), x) == g.subtract(x, y)
    assert g.multiply(g.negate(x), y) == g.negate(g.multiply(x, y)) == g.multiply(g.constant(-1.0), g.multiply(x, y))


def test_a_power_of_a_power_is_kept_and_its_exponents_multiplied():
    g = graph()
    x = g.variable(0)
    nested = g.power(g.negate(g.power(x, 100.0)), 3.0)
    assert g.nesting[nested] == 300 and g.nesting[g.add(nested, x)] == 1
    assert len(g.program([g.power(g.power(x, 2.0), 2.0)])) == 3  # (x²)², not x⁴


def test_powers_are_computed_as_the_built_in_curves_write_them():
    """Integer powers up to 16 are products left to right (a negative one is 1 over it), ±1/2 is a square root, any
    other the C library's pow (math.pow, not np.power: numpy's SIMD power differs in the last bit, here at 0.3);
    a division by a constant is a division, not a product with its reciprocal."""
    g = graph()
    x = g.variable(0)
    u = POINTS - 1.0
    expected = {4.0: ((u * u) * u) * u, 16.0: math.prod([u] * 15, start=u), -3.0: 1.0 / (u * u * u),
                0.5: np.sqrt(np.abs(u)), -0.5: 1.0 / np.sqrt(np.abs(u)),
                2.5: [math.pow(abs(t), 2.5) for t in u], 17.0: [math.pow(t, 17.0) for t in u]}
    for exponent, value in expected.items():
        base = g.subtract(x, g.one) if exponent.is_integer() else g.function(formula.ABS, g.subtract(x, g.one))
        np.testing.assert_array_equal(values(g.program([g.power(base, exponent)]))[0], value)
    np.testing.assert_array_equal(values(g.program([g.divide(x, g.constant(3.0))]))[0], POINTS / 3.0)


DERIVATIVES = [  # opcode, f'(t) by hand
    (formula.SIN, math.cos), (formula.COS, lambda t: -math.sin(t)), (formula.TAN, lambda t: 1 / math.cos(t) ** 2),
    (formula.EXP, math.exp), (formula.TANH, lambda t: 1 / math.cosh(t) ** 2),
    (formula.ABS, lambda t: math.copysign(1, t)), (formula.SIGN, lambda t: 0.0),
]


@pytest.mark.parametrize(("operation", "slope"), DERIVATIVES, ids=[str(case[0]) for case in DERIVATIVES])
def test_the_derivative_of_each_function_is_the_hand_one_times_the_inner_slope(operation, slope):
    g = graph()
    x = g.variable(0)
    inner = g.multiply(g.constant(0.5), x)  # f(x/2)' = f'(x/2) / 2
    (computed,) = values(g.program([g.derivative(g.function(operation, inner), 0)]))
    np.testing.assert_allclose(computed, [slope(t / 2) / 2 for t in POINTS], rtol=1e-14, atol=1e-15)


def test_the_derivatives_of_arithmetic_log_and_powers_are_the_hand_ones():
    g = graph()
    x, y = g.variable(0), g.variable(1)
    quotient = g.divide(g.function(formula.LOG, g.add(g.multiply(x, x), g.one)), g.power(g.add(y, g.constant(3.0)),
                                                                                          0.5))
    theta = np.array([[-1.2, 0.4], [0.7, 2.5], [2.2, -1.9]])
    dx, dy = formula.run(g.program([g.derivative(quotient, 0), g.derivative(quotient, 1)]), theta)
    x_, y_ = theta.T
    np.testing.assert_allclose(dx, 2 * x_ / (x_ * x_ + 1) / np.sqrt(y_ + 3), rtol=1e-14)
    np.testing.assert_allclose(dy, -0.5 * np.log(x_ * x_ + 1) * (y_ + 3) ** -1.5, rtol=1e-14)
    assert g.derivative(quotient, 1) == g.derivative(quotient, 1)  # remembered


def test_a_program_is_plain_data_read_from_earlier_registers():
    g = graph()
    x, y = g.variable(0), g.variable(1)
    j = g.add(g.multiply(g.function(formula.SIN, x), y), g.power(x, 2.0))
    program = g.program([g.derivative(j, 0), g.derivative(j, 1), j])
    assert program.operations.dtype == np.int8 and program.operands.dtype == program.outputs.dtype == np.int32
    assert program.numbers.dtype == np.float64 and program.operands.shape == (len(program), 2)
    for index, (operation, (first, second)) in enumerate(zip(program.operations, program.operands, strict=True)):
        if operation == formula.VARIABLE:
            assert first in (0, 1) and second == -1
        else:
            assert first < index and second < index
    theta = np.array([[0.3, -1.0], [2.0, 0.5]])
    dx, dy, value = formula.run(program, theta)
    np.testing.assert_allclose(dx, np.cos(theta[:, 0]) * theta[:, 1] + 2 * theta[:, 0], rtol=1e-15)
    np.testing.assert_array_equal(dy, np.sin(theta[:, 0]))
    np.testing.assert_array_equal(value, np.sin(theta[:, 0]) * theta[:, 1] + theta[:, 0] * theta[:, 0])
    np.testing.assert_array_equal(formula.columns(program, theta), np.stack([dx, dy, value], axis=-1))


def test_every_output_is_a_new_array_per_lane():
    g = graph()
    x = g.variable(0)
    theta = POINTS[:, None].copy()
    bare, constant = formula.run(g.program([x, g.constant(2.0)]), theta)
    assert bare.shape == constant.shape == (len(POINTS),) and not np.may_share_memory(bare, theta)
    assert constant.tolist() == [2.0] * len(POINTS)


def test_the_domain_tests_are_in_preorder_each_once():
    g = graph()
    x = g.variable(0)
    log = g.function(formula.LOG, x)
    j = g.add(g.add(log, g.power(g.subtract(g.constant(4.0), x), 0.5)), g.divide(g.one, g.subtract(x, g.constant(2.0))))
    found = g.conditions([j, g.derivative(j, 0)])
    assert [(reason, test) for reason, test, _ in found] == [
        ("log", formula.POSITIVE), ("root", formula.NONNEGATIVE), ("division", formula.NONZERO),
        ("division", formula.NONZERO), ("root", formula.POSITIVE), ("division", formula.NONZERO)]
    assert found[0][2] == x and g.conditions([g.power(x, -2.0), g.divide(x, g.constant(3.0))]) == [
        ("division", formula.NONZERO, x)]


def test_derivatives_grow_with_the_formula_not_faster():
    """A composition n deep has a Hessian of O(n) instructions: each node's derivative is built once, and shared."""
    def size(depth):
        g = graph()
        node = g.variable(0)
        for level in range(depth):
            node = g.function([formula.SIN, formula.TANH, formula.EXP][level % 3], g.multiply(node, node))
        first = g.derivative(node, 0)
        return len(g.program([g.derivative(first, 0)]))

    assert size(40) < 2.2 * size(20) and size(20) < 2.2 * size(10)
