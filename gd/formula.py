"""A formula as an expression graph, its derivatives, and straight-line programs that compute them with numpy.

A Graph holds nodes: constants (float64), the variables x (axis 0) and y (axis 1), + − · / and negation, a power
with a constant exponent, and the functions sin cos tan exp log tanh abs sign (√u is u^(1/2)). Nodes are hash-consed
(an expression built twice is one node, and so are a + b and b + a, equal in floating point) and simplified as they
are built, by rules exact in floating point apart from u·0 = 0, 0/u = 0 and u − u = 0 (which hold wherever u is
finite, and ≠ 0 for 0/u): constants fold in float64; u + 0, u − 0, u·1, u/1, u^1 and −(−u) are u, u^0 is 1;
u + (−v) is u − v and u − (−v) is u + v; a factor −1, and a negation inside a product or quotient, become a
negation of it. Nothing is regrouped, so a formula is computed in the order it was typed, and a power of a power is
kept, (u²)² rather than u⁴ (nesting[] multiplies their exponents, for the reader's bound on it).
A constant that is undefined (1/0, log 0, (−8)^(1/3): the domain tests below fail, or the result is NaN) or larger
than the graph's largest raises ConstantError.

derivative() applies the sum, product, quotient and chain rules, remembering each node's derivative per axis, so
that a graph of n nodes gains O(n) nodes per derivative: reading a formula is bounded by its size, and takes no
clock. d|u| = sign(u)·du and d sign(u) = 0 (away from the kink); d tan u = (1 + tan²u)·du; d log u = du/u.

program() turns outputs into a Program: instruction i computes register i from registers before it, each node
reachable from the outputs once (shared subexpressions are computed once). It is plain data (numpy arrays of
opcodes, operands and numbers), so that the compiled loop's interpreter (gd.interpreter) runs it without generated
code; run() and columns() interpret it with numpy over every lane at once, and the two give the same numbers bit
for bit. An integer power up to 16 is a product left to right (u·u·u·u, as the built-in curves write it; 1 / that
product for a negative one), u^(±1/2) is np.sqrt (1/np.sqrt), any other power the C library's pow; sin cos tan exp
log tanh are the C library's too (_libm: numpy's own SIMD exp, log, tan, tanh and power differ from it in the last
bit, and the compiled loop calls the C library).

A formula is defined where every log's argument is > 0, every non-integer power's base is ≥ 0 (> 0 under a negative
exponent) and every divisor (a denominator, the base of a negative integer power) is ≠ 0: conditions() lists these
tests of a graph's nodes in preorder.
"""

import ctypes
import functools
import itertools
import math
from dataclasses import dataclass

import numpy as np
from numba import _helperlib

# opcodes: instruction i writes register i; operands are earlier registers (-1 where unused)
CONSTANT = 0  # numbers[i]
VARIABLE = 1  # θ[:, operands[i, 0]]
ADD, SUBTRACT, MULTIPLY, DIVIDE = 2, 3, 4, 5  # operands[i, 0] op operands[i, 1]
NEGATE = 6
POWER = 7  # operands[i, 0] ** numbers[i]
SIN, COS, TAN, EXP, LOG, TANH, ABS, SIGN = range(8, 16)  # of operands[i, 0]
FUNCTIONS = {"sin": SIN, "cos": COS, "tan": TAN, "exp": EXP, "log": LOG, "tanh": TANH, "abs": ABS}
PRODUCTS = 16  # the largest |integer exponent| computed as a product

# tests of where a formula is defined, on an argument: codes of Formula.tests
POSITIVE, NONNEGATIVE, NONZERO = 0, 1, 2
TESTS = {POSITIVE: np.greater, NONNEGATIVE: np.greater_equal, NONZERO: np.not_equal}


class ConstantError(ValueError):
    """A constant that is undefined (.reason "undefined") or larger than the graph allows ("too_large")."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _libm(name: str, arity: int = 1):
    """The C library's function name, elementwise over an array (and a number, for pow): the function numba binds for
    its compiled code (numba._helperlib), so that gd.interpreter computes the same numbers. math's function is the
    C library's where it returns; where the C function gives inf or NaN it raises instead, and then the whole array
    goes through numba's binding itself (ctypes), which gives that inf or NaN with the kernel's sign (math's log is
    glibc's newer one, whose NaN has the other sign)."""
    fast = getattr(math, name)
    exact = ctypes.CFUNCTYPE(ctypes.c_double, *[ctypes.c_double] * arity)(_helperlib.c_helpers[name])

    def apply(values, *number):
        values = np.asarray(values, dtype=float)
        flat = values.ravel().tolist()
        with_number = [itertools.repeat(float(part)) for part in number]
        try:
            result = np.fromiter(map(fast, flat, *with_number), float, len(flat))
        except (OverflowError, ValueError):
            result = np.fromiter(map(exact, flat, *with_number), float, len(flat))
        return result.reshape(values.shape)

    return apply


_SIN, _COS, _TAN, _EXP, _LOG, _TANH = (_libm(name) for name in ("sin", "cos", "tan", "exp", "log", "tanh"))
_POW = _libm("pow", 2)


def _power(base, exponent: float):
    if exponent.is_integer() and 1 <= abs(exponent) <= PRODUCTS:
        total = base
        for _ in range(int(abs(exponent)) - 1):
            total = total * base
        return total if exponent > 0 else 1.0 / total
    if exponent == 0.5:
        return np.sqrt(base)
    if exponent == -0.5:
        return 1.0 / np.sqrt(base)
    return _POW(base, exponent)


_APPLY = {  # opcode: (first, second, number) -> its value; the one place where a node is computed
    ADD: lambda a, b, _: a + b, SUBTRACT: lambda a, b, _: a - b, MULTIPLY: lambda a, b, _: a * b,
    DIVIDE: lambda a, b, _: a / b, NEGATE: lambda a, _, __: -a, POWER: lambda a, _, p: _power(a, p),
    SIN: lambda a, _, __: _SIN(a), COS: lambda a, _, __: _COS(a), TAN: lambda a, _, __: _TAN(a),
    EXP: lambda a, _, __: _EXP(a), LOG: lambda a, _, __: _LOG(a), TANH: lambda a, _, __: _TANH(a),
    ABS: lambda a, _, __: np.abs(a), SIGN: lambda a, _, __: np.sign(a),
}


def condition(operation: int, exponent: float = 0.0) -> tuple[str, int, int] | None:
    """Where a node of this kind is defined: (reason, test, which operand it tests: 0 or 1), or None if everywhere."""
    if operation == LOG:
        return "log", POSITIVE, 0
    if operation == DIVIDE:
        return "division", NONZERO, 1
    if operation == POWER and not exponent.is_integer():
        return "root", POSITIVE if exponent < 0 else NONNEGATIVE, 0
    if operation == POWER and exponent < 0:
        return "division", NONZERO, 0
    return None


class Graph:
    """Hash-consed, simplified expression nodes; node i's operands are nodes before i."""

    def __init__(self, largest: float):
        self.largest = largest  # the largest |constant| allowed
        self.operations, self.operands, self.numbers = [], [], []
        self.axes = []  # bit k set: the node depends on axis k
        self.nesting = []  # a power of a power's effective exponent: |p| times its base's (1 for any other node)
        self._index, self._derivatives = {}, {}
        self.zero, self.one = self.constant(0.0), self.constant(1.0)

    def _node(self, operation, first=-1, second=-1, number=0.0) -> int:
        if operation in (ADD, MULTIPLY) and second < first:  # a + b and b + a are one node: both are exact
            first, second = second, first
        key = (operation, first, second, float(number).hex())  # hex: 0.0 and -0.0 stay apart
        if key not in self._index:
            self._index[key] = len(self.operations)
            self.operations.append(operation)
            self.operands.append((first, second))
            self.numbers.append(float(number))
            if operation == VARIABLE:  # its operand is its axis, not a node
                self.axes.append(1 << first)
            else:
                self.axes.append(self.axes[first] | self.axes[second] if second >= 0
                                 else self.axes[first] if first >= 0 else 0)
            self.nesting.append(abs(number) * self.nesting[first] if operation == POWER
                                else self.nesting[first] if operation == NEGATE else 1.0)
        return self._index[key]

    def constant(self, value) -> int:
        value = np.float64(value)
        if np.isnan(value):
            raise ConstantError("undefined")
        if not abs(value) <= self.largest:
            raise ConstantError("too_large")
        return self._node(CONSTANT, number=value)

    def variable(self, axis: int) -> int:
        return self._node(VARIABLE, axis)

    def is_constant(self, node: int) -> bool:
        return self.operations[node] == CONSTANT

    def value(self, node: int) -> float:
        return self.numbers[node]

    def _is(self, node: int, value: float) -> bool:
        return self.operations[node] == CONSTANT and self.numbers[node] == value

    def _folded(self, operation, first, second=-1, number=0.0) -> int | None:
        """The constant that operation on constant operands gives, checked; None if an operand is not constant."""
        operands = [node for node in (first, second) if node >= 0]
        if not all(self.is_constant(node) for node in operands):
            return None
        values = [np.float64(self.numbers[node]) for node in operands]
        test = condition(operation, number)
        with np.errstate(all="ignore"):
            if test and not TESTS[test[1]](values[test[2]], 0.0):
                raise ConstantError("undefined")
            return self.constant(_APPLY[operation](values[0], values[-1], float(number)))

    def add(self, a: int, b: int) -> int:
        folded = self._folded(ADD, a, b)
        if folded is not None:
            return folded
        if self._is(a, 0.0):
            return b
        if self._is(b, 0.0):
            return a
        if self.operations[b] == NEGATE:
            return self.subtract(a, self.operands[b][0])
        if self.operations[a] == NEGATE:
            return self.subtract(b, self.operands[a][0])
        return self._node(ADD, a, b)

    def subtract(self, a: int, b: int) -> int:
        folded = self._folded(SUBTRACT, a, b)
        if folded is not None:
            return folded
        if a == b:
            return self.zero
        if self._is(b, 0.0):
            return a
        if self._is(a, 0.0):
            return self.negate(b)
        if self.operations[b] == NEGATE:
            return self.add(a, self.operands[b][0])
        return self._node(SUBTRACT, a, b)

    def multiply(self, a: int, b: int) -> int:
        folded = self._folded(MULTIPLY, a, b)
        if folded is not None:
            return folded
        if self._is(a, 0.0) or self._is(b, 0.0):
            return self.zero
        if self._is(a, 1.0):
            return b
        if self._is(b, 1.0):
            return a
        if self._is(a, -1.0):
            return self.negate(b)
        if self._is(b, -1.0):
            return self.negate(a)
        if self.operations[a] == NEGATE:
            return self.negate(self.multiply(self.operands[a][0], b))
        if self.operations[b] == NEGATE:
            return self.negate(self.multiply(a, self.operands[b][0]))
        return self._node(MULTIPLY, a, b)

    def divide(self, a: int, b: int) -> int:
        folded = self._folded(DIVIDE, a, b)
        if folded is not None:
            return folded
        if self._is(b, 0.0):  # u/0
            raise ConstantError("undefined")
        if self._is(b, 1.0):
            return a
        if self._is(a, 0.0):
            return self.zero
        if self.operations[a] == NEGATE:
            return self.negate(self.divide(self.operands[a][0], b))
        if self.operations[b] == NEGATE:
            return self.negate(self.divide(a, self.operands[b][0]))
        return self._node(DIVIDE, a, b)

    def negate(self, a: int) -> int:
        folded = self._folded(NEGATE, a)
        if folded is not None:
            return folded
        if self.operations[a] == NEGATE:
            return self.operands[a][0]
        return self._node(NEGATE, a)

    def power(self, base: int, exponent: float) -> int:
        exponent = float(exponent)
        folded = self._folded(POWER, base, number=exponent)
        if folded is not None:
            return folded
        if exponent == 0:
            return self.one
        if exponent == 1:
            return base
        return self._node(POWER, base, number=exponent)

    def function(self, operation: int, a: int) -> int:
        """One of FUNCTIONS' opcodes, or SIGN, of a."""
        folded = self._folded(operation, a)
        return self._node(operation, a) if folded is None else folded

    def derivative(self, node: int, axis: int) -> int:
        """d node / d θ[axis], as a node of this graph."""
        key = (node, axis)
        if key not in self._derivatives:
            self._derivatives[key] = self._derive(node, axis)
        return self._derivatives[key]

    def _derive(self, node: int, axis: int) -> int:
        if not self.axes[node] >> axis & 1:
            return self.zero
        operation, (a, b), p = self.operations[node], self.operands[node], self.numbers[node]
        if operation == VARIABLE:
            return self.one
        if operation == SIGN:  # 0 away from the kink
            return self.zero
        da = self.derivative(a, axis)
        if operation in (ADD, SUBTRACT):
            return (self.add if operation == ADD else self.subtract)(da, self.derivative(b, axis))
        if operation == MULTIPLY:
            return self.add(self.multiply(da, b), self.multiply(a, self.derivative(b, axis)))
        if operation == DIVIDE:  # da/b − a·db/b²; a constant b: da/b
            db = self.derivative(b, axis)
            if self._is(db, 0.0):
                return self.divide(da, b)
            return self.subtract(self.divide(da, b), self.divide(self.multiply(a, db), self.power(b, 2.0)))
        if operation == NEGATE:
            return self.negate(da)
        if operation == LOG:
            return self.divide(da, a)
        if operation == POWER:
            outer = self.multiply(self.constant(p), self.power(a, p - 1.0))
        elif operation == SIN:
            outer = self.function(COS, a)
        elif operation == COS:
            outer = self.negate(self.function(SIN, a))
        elif operation == TAN:
            outer = self.add(self.one, self.power(node, 2.0))
        elif operation == EXP:
            outer = node
        elif operation == TANH:
            outer = self.subtract(self.one, self.power(node, 2.0))
        else:  # ABS
            outer = self.function(SIGN, a)
        return self.multiply(outer, da)  # f'(a)·da

    def reachable(self, roots) -> list[int]:
        """The nodes the roots are computed from, themselves included, in preorder (each once)."""
        seen, order, stack = set(), [], list(reversed(roots))
        while stack:
            node = stack.pop()
            if node in seen:
                continue
            seen.add(node)
            order.append(node)
            if self.operations[node] != VARIABLE:
                stack.extend(operand for operand in reversed(self.operands[node]) if operand >= 0)
        return order

    def program(self, outputs) -> "Program":
        nodes = sorted(self.reachable(outputs))  # operands come before what uses them
        register = {node: index for index, node in enumerate(nodes)}
        operands = [self.operands[node] if self.operations[node] == VARIABLE
                    else tuple(register.get(operand, -1) for operand in self.operands[node]) for node in nodes]
        return Program(np.array([self.operations[node] for node in nodes], dtype=np.int8),
                       np.array(operands, dtype=np.int32).reshape(-1, 2),
                       np.array([self.numbers[node] for node in nodes], dtype=np.float64),
                       np.array([register[node] for node in outputs], dtype=np.int32))

    def conditions(self, roots) -> list[tuple[str, int, int]]:
        """The tests where the roots are defined, as (reason, test, argument node), in preorder, each once."""
        found = {}
        for node in self.reachable(roots):
            test = condition(self.operations[node], self.numbers[node])
            if test is not None and not self.is_constant(self.operands[node][test[2]]):  # a constant one passed
                reason, kind, which = test
                found[(reason, kind, self.operands[node][which])] = None
        return list(found)

    def polynomial(self, node: int) -> bool:
        """Whether node is built from + − ·, non-negative integer powers and division by a constant alone."""
        for part in self.reachable([node]):
            operation, (_, b), p = self.operations[part], self.operands[part], self.numbers[part]
            if not (operation in (CONSTANT, VARIABLE, ADD, SUBTRACT, MULTIPLY, NEGATE)
                    or (operation == DIVIDE and self.is_constant(b))
                    or (operation == POWER and p.is_integer() and p > 0)):
                return False
        return True


@dataclass(frozen=True, eq=False)
class Program:
    """A straight-line program: instruction i sets register i to operations[i] of operands[i] (registers before i;
    a VARIABLE's first operand is its axis) and numbers[i] (a CONSTANT's value, a POWER's exponent); the result is
    the registers named by outputs."""

    operations: np.ndarray  # (n,) int8 opcodes
    operands: np.ndarray  # (n, 2) int32, -1 where unused
    numbers: np.ndarray  # (n,) float64, 0 where unused
    outputs: np.ndarray  # (k,) int32

    def __len__(self) -> int:
        return len(self.operations)

    @functools.cached_property
    def _plan(self) -> tuple[list, list, list]:
        """What run() walks: the registers with the constants in place, the other instructions as (register, what
        computes it, first, second, number), and the outputs as (register, whether it is loaded: a constant or θ's
        own column, which an output must not be)."""
        registers = [number if operation == CONSTANT else None
                     for operation, number in zip(self.operations.tolist(), self.numbers.tolist(), strict=True)]
        steps = [(index, None if operation == VARIABLE else _APPLY[operation], first, second, number)
                 for index, (operation, first, second, number) in enumerate(zip(
                     self.operations.tolist(), self.operands[:, 0].tolist(), self.operands[:, 1].tolist(),
                     self.numbers.tolist(), strict=True)) if operation != CONSTANT]
        outputs = [(output, int(self.operations[output]) in (CONSTANT, VARIABLE)) for output in self.outputs.tolist()]
        return registers, steps, outputs


def _registers(program: Program, theta: np.ndarray) -> list:
    template, steps, _ = program._plan
    registers = list(template)
    for index, compute, first, second, number in steps:
        if compute is None:  # a variable: θ's column
            registers[index] = theta[..., first]
        else:
            registers[index] = compute(registers[first], registers[second] if second >= 0 else None, number)
    return registers


def run(program: Program, theta: np.ndarray) -> list[np.ndarray]:
    """The program's outputs at θ shaped (lanes, dim): a new (lanes,) array each (a constant is broadcast to every
    lane and a bare variable copied, so no output is a view of θ)."""
    registers = _registers(program, theta)
    return [np.array(np.broadcast_to(registers[output], theta.shape[:-1])) if loaded else registers[output]
            for output, loaded in program._plan[2]]


def columns(program: Program, theta: np.ndarray) -> np.ndarray:
    """The program's outputs at θ shaped (lanes, dim) as the columns of a new array (lanes, k)."""
    registers = _registers(program, theta)
    outputs = program._plan[2]
    result = np.empty((*theta.shape[:-1], len(outputs)))
    for column, (output, _) in enumerate(outputs):
        result[..., column] = registers[output]
    return result


@dataclass(frozen=True, eq=False)
class Formula:
    """J, ∇J and the Hessian (dim 1: J''; dim 2: its entries xx, xy, yy) as programs, and where J and ∇J are
    defined: the domain program's outputs are arguments, each to pass tests[k] (a TESTS code) or be undefined for
    reasons[k] ("log", "root", "division"). update computes J and ∇J together (outputs J, then ∇J's entries), each
    node once: what the compiled loop runs after each update (the numbers are value's and gradient's)."""

    dim: int
    value: Program
    gradient: Program
    hessian: Program
    domain: Program
    tests: np.ndarray  # (k,) int8
    reasons: tuple[str, ...]
    quadratic: bool  # J is a polynomial whose Hessian entries are constants, not all zero: exactly quadratic
    update: Program

    @property
    def instructions(self) -> int:
        """Instructions an update evaluates: J's and ∇J's."""
        return len(self.value) + len(self.gradient)

    @property
    def size(self) -> int:
        """Instructions of J, ∇J and the Hessian together."""
        return self.instructions + len(self.hessian)


def differentiate(graph: Graph, root: int, dim: int) -> Formula:
    """The Formula of graph's node root in dim variables (ConstantError if a derivative's constant is undefined or
    too large)."""
    gradient = [graph.derivative(root, axis) for axis in range(dim)]
    hessian = [graph.derivative(gradient[i], j) for i in range(dim) for j in range(i, dim)]
    conditions = graph.conditions([root, *gradient])
    quadratic = (graph.polynomial(root) and all(graph.is_constant(entry) for entry in hessian)
                 and any(graph.value(entry) != 0 for entry in hessian))
    return Formula(dim, graph.program([root]), graph.program(gradient), graph.program(hessian),
                   graph.program([argument for _, _, argument in conditions]),
                   np.array([test for _, test, _ in conditions], dtype=np.int8),
                   tuple(reason for reason, _, _ in conditions), quadratic, graph.program([root, *gradient]))
