"""A typed formula's programs (gd.formula) run by the compiled loop: one interpreter, compiled once, to which a formula
is data.

numba compiles the kernel for the types of its arguments, never for a formula: every formula is the same few arrays
(opcodes, operands, numbers), so a new one compiles nothing, and nothing a user typed reaches a compiler. The
interpreter does what gd.formula's opcodes say and nothing else, each as formula.run computes it with numpy, so a
typed run on the compiled loop equals the numpy reference bit for bit:

- + − · / and negation are the same IEEE operations in both;
- a power is what formula._power makes of its exponent: a product left to right for an integer up to 16 in size (1
  over it for a negative one), a square root for ±1/2, else the C library's pow;
- sin cos tan exp log tanh and pow are the C library's, called through numba's bindings of it, which formula._libm
  calls too; |u| clears the sign bit, and sign(u) is numpy's (0 at ±0, NaN at NaN).

The one exception is a NaN's sign where two NaNs of opposite signs meet in a sum or a product: x86 keeps the first
operand's, and the compiler may put either first (the C library's log of a negative number is +NaN, a root's or 0/0
−NaN). The lane ends there either way, with the same status at the same update.

The lanes run a block at a time (as many as registers has columns), each instruction over every lane of the block
before the next: the opcode is read and branched on once per instruction, not once per lane, and the loop over lanes
is one the compiler vectorizes (registers are rows, one per instruction, with a column per lane). A lone lane (the
page's run above the tabs, each_stop's) takes a loop of its own, without a loop per instruction: at one lane the
instructions' loop setup was a third of the cost.
"""

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from gd.formula import (
    ABS,
    ADD,
    CONSTANT,
    COS,
    DIVIDE,
    EXP,
    LOG,
    MULTIPLY,
    NEGATE,
    NONNEGATIVE,
    POSITIVE,
    POWER,
    PRODUCTS,
    SIN,
    SUBTRACT,
    TAN,
    TANH,
    VARIABLE,
    Formula,
)

UPDATE, GRADIENT, DOMAIN = 0, 1, 2  # the code's sections: J and ∇J (Formula.update), ∇J alone, the domain's arguments
WIDTH = 256  # lanes per block: a block's registers of a formula at the instruction cap take 2 MB


class Code(NamedTuple):
    """A Formula's programs for J and ∇J, for ∇J, and for the domain, as one for the kernel: each section's
    instructions read only registers of its own section (its operands are offset by where it starts)."""

    operations: np.ndarray  # (n,) int8: gd.formula's opcodes
    operands: np.ndarray  # (n, 2) int64: registers of the whole code (a VARIABLE's first: its axis)
    numbers: np.ndarray  # (n,) float64: a CONSTANT's value, a POWER's exponent
    steps: np.ndarray  # int64: the instructions to run, in order, section by section: all but the constants,
    # which registers() puts in place once
    bounds: np.ndarray  # (4,) int64: where each section's steps start, then their count
    outputs: np.ndarray  # int64: the registers of each section's outputs, section by section
    firsts: np.ndarray  # (4,) int64: where each section's outputs start, then their count
    tests: np.ndarray  # (k,) int8: the test each domain argument must pass (gd.formula's codes)


def code(read: Formula | None) -> Code:
    """The Code of a typed formula's Formula; for an objective without one, a Code of no instructions (the kernel's
    arguments keep their types, so nothing is compiled again)."""
    programs = () if read is None else (read.update, read.gradient, read.domain)
    starts = np.cumsum([0, *(len(program) for program in programs)])
    operations = np.concatenate([np.empty(0, dtype=np.int8), *(program.operations for program in programs)])
    operands = [np.where((program.operations[:, None] != VARIABLE) & (program.operands >= 0), program.operands + start,
                         program.operands) for program, start in zip(programs, starts[:-1], strict=True)]
    steps = [start + np.flatnonzero(program.operations != CONSTANT) for program, start in
             zip(programs, starts[:-1], strict=True)]
    outputs = [program.outputs + start for program, start in zip(programs, starts[:-1], strict=True)]

    def bounds(parts) -> np.ndarray:
        return np.cumsum([0, *(len(part) for part in parts)] + [0] * (3 - len(parts)), dtype=np.int64)

    return Code(operations, np.concatenate([np.empty((0, 2), dtype=np.int64), *operands]).astype(np.int64),
                np.concatenate([np.empty(0), *(program.numbers for program in programs)]),
                np.concatenate([np.empty(0, dtype=np.int64), *steps]).astype(np.int64), bounds(steps),
                np.concatenate([np.empty(0, dtype=np.int64), *outputs]).astype(np.int64), bounds(outputs),
                np.array([] if read is None else read.tests, dtype=np.int8))


def registers(program: Code, lanes: int) -> np.ndarray:
    """Work space for interpret() over up to lanes lanes (WIDTH at a time): a row per instruction, the constants'
    rows filled with their values (they are never written again)."""
    space = np.empty((len(program.operations), max(1, min(lanes, WIDTH))))
    constants = program.operations == CONSTANT
    space[constants] = program.numbers[constants, None]
    return space


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy", inline="always")
def interpret(program, section, theta, lanes, registers, results):
    """Section UPDATE, GRADIENT or DOMAIN of program (a Code) at rows lanes[0], lanes[1], … of theta (rows, dim): its
    outputs into results[0], results[1], …. registers: registers(program, len(lanes)) (or wider). Inlined, so that
    the section, a constant, reaches the interpreter as numbers read from program (each constant argument would
    compile it once more)."""
    _interpret(program, program.bounds[section], program.bounds[section + 1], program.firsts[section],
               program.firsts[section + 1], theta, lanes, registers, results)


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy")
def _interpret(program, first, last, first_output, last_output, theta, lanes, registers, results):
    """Steps first … last − 1 of program at rows lanes of theta, then outputs first_output … last_output − 1 into
    results."""
    operations, operands, numbers, steps = program.operations, program.operands, program.numbers, program.steps
    m, width = lanes.shape[0], registers.shape[1]
    for start in range(0, m, width):
        count = min(width, m - start)
        if count == 1:  # one lane (a run's most common case): no loop per instruction, indices unsigned (unchecked)
            lane = lanes[start]
            for step in range(first, last):
                i = np.uint64(steps[step])
                operation = operations[i]
                a, b = np.uint64(max(operands[i, 0], 0)), np.uint64(max(operands[i, 1], 0))
                if operation == VARIABLE:
                    registers[i, 0] = theta[lane, a]
                elif operation == ADD:
                    registers[i, 0] = registers[a, 0] + registers[b, 0]
                elif operation == SUBTRACT:
                    registers[i, 0] = registers[a, 0] - registers[b, 0]
                elif operation == MULTIPLY:
                    registers[i, 0] = registers[a, 0] * registers[b, 0]
                elif operation == DIVIDE:
                    registers[i, 0] = registers[a, 0] / registers[b, 0]
                elif operation == NEGATE:
                    registers[i, 0] = -registers[a, 0]
                elif operation == POWER:
                    _power(registers[a], numbers[i], registers[i], 1)
                else:
                    registers[i, 0] = _function(operation, registers[a, 0])
        else:  # each instruction over the block's lanes: loops the compiler vectorizes
            for step in range(first, last):
                i = np.uint64(steps[step])
                operation = operations[i]
                a, b = np.uint64(max(operands[i, 0], 0)), np.uint64(max(operands[i, 1], 0))
                out, x, y = registers[i], registers[a], registers[b]
                if operation == VARIABLE:
                    for j in range(count):
                        out[j] = theta[lanes[start + j], a]
                elif operation == ADD:
                    for j in range(count):
                        out[j] = x[j] + y[j]
                elif operation == SUBTRACT:
                    for j in range(count):
                        out[j] = x[j] - y[j]
                elif operation == MULTIPLY:
                    for j in range(count):
                        out[j] = x[j] * y[j]
                elif operation == DIVIDE:
                    for j in range(count):
                        out[j] = x[j] / y[j]
                elif operation == NEGATE:
                    for j in range(count):
                        out[j] = -x[j]
                elif operation == POWER:
                    _power(x, numbers[i], out, count)
                else:
                    for j in range(count):
                        out[j] = _function(operation, x[j])
        for o in range(first_output, last_output):
            column, source = o - first_output, registers[program.outputs[o]]
            for j in range(count):
                results[start + j, column] = source[j]


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy", inline="always")
def _function(operation, x):
    """sin cos tan exp log tanh abs or sign of one lane's x (the C library's; sign as numpy's: ±1, 0 at ±0, NaN at
    NaN)."""
    if operation == SIN:
        return math.sin(x)
    if operation == COS:
        return math.cos(x)
    if operation == TAN:
        return math.tan(x)
    if operation == EXP:
        return math.exp(x)
    if operation == LOG:
        return math.log(x)
    if operation == TANH:
        return math.tanh(x)
    if operation == ABS:
        return abs(x)
    return 1.0 if x > 0 else -1.0 if x < 0 else 0.0 if x == 0 else x


# _interpret's body compiled into its caller, for the loop's one call per update: the call itself (some 90 arguments,
# the arrays' parts) cost 60 ns, as much as the article curve's instructions at one lane
_interpret_here = njit(cache=True, nogil=True, _nrt=False, error_model="numpy", inline="always")(_interpret.py_func)


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy", inline="always")
def interpret_here(program, section, theta, lanes, registers, results):
    """interpret(), compiled into the caller (once: each call site compiles the interpreter again)."""
    _interpret_here(program, program.bounds[section], program.bounds[section + 1], program.firsts[section],
                    program.firsts[section + 1], theta, lanes, registers, results)


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy", inline="always")
def _power(a, exponent, out, count):
    """formula._power: an integer exponent up to PRODUCTS in size a product left to right (1 over it below 0), ±1/2 a
    square root, any other the C library's pow."""
    size = abs(exponent)
    if size == math.floor(size) and 1 <= size <= PRODUCTS:
        factors = int(size)
        for j in range(count):
            total = a[j]
            for _ in range(factors - 1):
                total = total * a[j]
            out[j] = total if exponent > 0 else 1.0 / total
    elif exponent == 0.5:
        for j in range(count):
            out[j] = math.sqrt(a[j])
    elif exponent == -0.5:
        for j in range(count):
            out[j] = 1.0 / math.sqrt(a[j])
    else:
        for j in range(count):
            out[j] = math.pow(a[j], exponent)


@njit(cache=True, nogil=True, _nrt=False, error_model="numpy")
def outside(program, theta, lane, registers, arguments):
    """Whether row lane[0] of theta is outside the formula's domain (TypedObjective.domain is False there): a test of
    the domain's arguments fails (a NaN argument fails > 0 and ≥ 0 but passes ≠ 0, as numpy's comparisons do).
    arguments (1, k): work space."""
    interpret(program, DOMAIN, theta, lane, registers, arguments)
    for k in range(program.tests.shape[0]):
        value, test = arguments[0, k], program.tests[k]
        passed = value > 0.0 if test == POSITIVE else value >= 0.0 if test == NONNEGATIVE else value != 0.0
        if not passed:
            return True
    return False

