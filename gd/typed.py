"""A function typed by a user, made an Objective safely: text → an allow-listed tree → SymPy → numpy.

The text never reaches eval, exec, compile, sympify or parse_expr (SymPy's documentation warns that the last two
call eval). It passes, in this order and before any expensive work:

1. a length cap (MAX_LENGTH characters) and an allow-list of characters: printable ASCII without quotes, brackets,
   commas, colons, underscores and the like, plus θ and the minus sign − (read as -); look-alikes such as
   full-width digits or a Cyrillic х are refused, never normalised;
2. Python's own parser, ast.parse(mode="eval"), which only builds a tree and runs nothing;
3. limits on the tree: at most MAX_NODES nodes and MAX_DEPTH levels;
4. a walk that builds the SymPy expression node by node from an allow-list: numbers written plainly and at most
   MAX_NUMBER in size (kept exact, 2.5 as 5/2: SymPy evaluates Floats eagerly), the variables (x or θ or theta;
   y), + - * / ** (^ means **), unary minus, and calls of FUNCTIONS with one argument. Anything else is refused
   with a ParameterError (name "function") whose .reason (a key of REASONS) says which rule refused it and
   .token what it refused. Every constant part is evaluated in float64 as it is built; an exponent must be a
   constant of at most MAX_EXPONENT, checked before SymPy sees the power, so nothing like 9**9**9 is ever
   computed exactly; no number in any expression SymPy builds may pass 2^±MAX_BITS; no simplification is asked
   for beyond SymPy's automatic one;
5. a deadline: SymPy's automatic rewriting (assumptions, expansions) is not bounded by its input's size, so
   building and differentiating run under SYMBOLIC_SECONDS of wall time and are refused ("too_slow") past it.

The variables are this module's own SymPy symbols, so no name a user typed is ever a Symbol or Function, and
values, gradients and Hessians are computed by walking SymPy's trees with numpy (no lambdify: its exec would be
safe on these trees, every node of which is ours, but a walk needs no generated code at all, and it lets small
integer powers be products, as the built-in curves write them: typed "(x - 2.5)**2 - 1" gives the article's curve
bit for bit). |u| is differentiated as sign(u) and sign(u) as 0 (its second derivative away from the kink). The
formula's LaTeX is written from Python's tree, as typed (SymPy's printer may call simplify).

What is said about the function holds on its plot range, not beyond: minimizers are found on a grid of the range
and refined (bisection of J' in 1-D, Newton in 2-D); none found means the list is empty, and the theory tab has
no prediction; L is the largest |J''| (the Hessian's spectral norm) on the grid. Per-example noise is the built-in
curves' (objectives._curve): offsets aᵢ·(θ − c) in antithetic pairs that sum to zero, the article curve's data.
A typed function has a domain: the points where J and ∇J are defined (logarithm of a positive number, even root
of a non-negative one, no division by zero); a run that reaches a point outside it ends with the status
LEFT_DOMAIN (gd.stopping), not "diverged".
"""

import ast
import functools
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from fractions import Fraction

import numpy as np

from gd.objectives import DATA_SEED, Objective, _antithetic
from gd.params import PLAIN_NUMBER, ParameterError, as_finite

MAX_LENGTH = 200  # characters of text
MAX_NODES = 150  # nodes of Python's tree of the text (operators and contexts count too)
MAX_DEPTH = 30  # levels of that tree
MAX_NUMBER = 1e15  # largest number that may be written
MAX_EXPONENT = 100  # largest |exponent| of a power whose exponent is a constant
MAX_CONSTANT = 1e300  # largest |value| of a constant part
MAX_DERIVATIVE_NODES = 2_000  # nodes of ∇J and the Hessian together, after differentiation
SYMBOLIC_SECONDS = 0.5  # the most SymPy may take to build and differentiate a formula
PLOT_RANGE = (-5.0, 5.0)  # default range of every axis
NOISE = 2.0  # scale of the per-example offsets: the article curve's
GRID = 2001  # points of the 1-D grid (101 per axis in 2-D) on which minimizers and L are found
MAX_MINIMIZERS = 50  # local minima looked at in 2-D
FUNCTIONS = ("sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "abs")
VARIABLES = {"x": 0, "θ": 0, "theta": 0, "y": 1}  # name: axis
ACCEPTED = (f"a formula in x (or x and y) of at most {MAX_LENGTH} characters: numbers, + − * / ** ^, parentheses "
            f"and {', '.join(FUNCTIONS)} of one argument")
_CHARACTERS = re.compile(r"[A-Za-z0-9 .+\-*/^()θ−]*")  # the allow-list of characters
REASONS = {  # reason code: what is not allowed, in English (a page says it in its own language from the code)
    "type": "a value of type {token} is not", "empty": "an empty formula is not",
    "too_long": "more than {limit} characters are not", "character": "the character {token} is not",
    "syntax": "this is not a formula and is not", "too_complex": "a formula this large ({token}) is not",
    "too_slow": "a formula this slow to read is not", "construct": "{shown} ({token}) is not",
    "name": "the name {token} is not", "function": "calling {token} is not",
    "arguments": "{token} with other than one argument is not", "number": "the number {token} is not",
    "exponent": "the exponent {token} is too large and not", "variable_exponent": "an exponent with a variable "
    "({token}) is not", "too_large": "{token} is too large and not", "undefined": "{token} is undefined and not",
    "constant": "a formula without a variable is not",
    "nowhere_defined": "a function undefined on the whole range is not",
}


def refused(reason: str, token="", text=None, shown="") -> ParameterError:
    """The ParameterError for text refused by rule reason (a key of REASONS) at token (shown: where, for the
    message)."""
    def quoted(part):
        return repr(str(part) if len(str(part)) <= 40 else str(part)[:40] + "…")

    what = REASONS[reason].format(token=quoted(token), shown=quoted(shown), limit=MAX_LENGTH)
    return ParameterError("function", ACCEPTED, text, f"function: {what} allowed; it must be {ACCEPTED}",
                          reason=reason, token=str(token))


@functools.cache
def _sympy():
    """SymPy and this module's own symbols and |u|, imported on first use so that `import gd` does not load it."""
    import sympy

    class Abs(sympy.Function):  # |u| with d|u| = sign(u)·du for every real u (SymPy's Abs asks whether u is real)
        @classmethod
        def eval(cls, arg):
            if arg.is_Number:
                return abs(arg)

        def fdiff(self, argindex=1):
            return Sign(self.args[0])

    class Sign(sympy.Function):  # the derivative of |u|, whose own derivative is 0 away from u = 0
        @classmethod
        def eval(cls, arg):
            if arg.is_Number:
                return sympy.sign(arg)

        def fdiff(self, argindex=1):
            return sympy.S.Zero

    symbols = (sympy.Symbol("x", real=True), sympy.Symbol("y", real=True))
    functions = {"sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan, "exp": sympy.exp, "log": sympy.log,
                 "sqrt": sympy.sqrt, "tanh": sympy.tanh, "abs": Abs}
    numpy_of = {sympy.sin: np.sin, sympy.cos: np.cos, sympy.tan: np.tan, sympy.exp: np.exp, sympy.log: np.log,
                sympy.tanh: np.tanh, Abs: np.abs, Sign: np.sign,
                # SymPy's own |u| where it rewrites sqrt(u²) for a real u; its second derivative is a DiracDelta,
                # 0 away from the kink
                sympy.Abs: np.abs, sympy.sign: np.sign, sympy.DiracDelta: lambda u: np.zeros(np.shape(u))}
    return sympy, symbols, functions, numpy_of


# --- text → SymPy ---------------------------------------------------------------------------------------------

def _screened(text) -> str:
    """The text with − as - and ^ as **, once it has passed the length cap and the allow-list of characters."""
    if not isinstance(text, str):
        raise refused("type", type(text).__name__, text)
    if len(text) > MAX_LENGTH:
        raise refused("too_long", len(text), text[:MAX_LENGTH])
    allowed = _CHARACTERS.match(text).end()
    if allowed < len(text):
        raise refused("character", text[allowed], text)
    if not text.strip():
        raise refused("empty", "", text)
    return text.replace("−", "-").replace("^", "**").strip()


def _tree(text: str) -> ast.Expression:
    try:
        tree = ast.parse(text, mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        raise refused("syntax", getattr(error, "msg", type(error).__name__), text) from None
    nodes = sum(1 for _ in ast.walk(tree))
    if nodes > MAX_NODES:
        raise refused("too_complex", f"{nodes} nodes", text)
    if _depth(tree) > MAX_DEPTH:
        raise refused("too_complex", f"more than {MAX_DEPTH} levels", text)
    return tree


def _depth(node, level=0) -> int:
    if level > MAX_DEPTH:  # deep enough to refuse: stop before Python's recursion limit could matter
        return level
    return max((_depth(child, level + 1) for child in ast.iter_child_nodes(node)), default=level)


class _Builder:
    """SymPy from Python's tree, node by node, from the allow-list; every constant part checked in float64."""

    def __init__(self, text):
        self.text = text
        self.sympy, self.symbols, self.functions, self.numpy_of = _sympy()
        self.axes = set()

    def segment(self, node) -> str:
        return ast.get_source_segment(self.text, node) or type(node).__name__

    def refuse(self, reason, token, shown=""):
        return refused(reason, token, self.text, shown)

    def build(self, node):
        sympy = self.sympy
        if isinstance(node, ast.Constant):
            return self.number(node)
        if isinstance(node, ast.Name):
            if node.id not in VARIABLES:
                raise self.refuse("name", node.id)
            self.axes.add(VARIABLES[node.id])
            return self.symbols[VARIABLES[node.id]]
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.build(node.operand)
            return self.checked(-operand if isinstance(node.op, ast.USub) else operand, node)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)):
            left, right = self.build(node.left), self.build(node.right)
            if isinstance(node.op, ast.Pow):
                return self.checked(self.power(left, right, node), node)
            combine = {ast.Add: sympy.Add, ast.Sub: lambda a, b: a - b, ast.Mult: sympy.Mul,
                       ast.Div: lambda a, b: a / b}[type(node.op)]
            try:
                combined = combine(left, right)
            except ArithmeticError:  # SymPy's Float raises on 1.0/0.0
                raise self.refuse("undefined", self.segment(node)) from None
            return self.checked(combined, node)
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                raise self.refuse("function", self.segment(node.func))
            if len(node.args) != 1 or node.keywords or isinstance(node.args[0], ast.Starred):
                raise self.refuse("arguments", node.func.id)
            return self.checked(self.functions[node.func.id](self.build(node.args[0])), node)
        raise self.refuse("construct", type(node).__name__, self.segment(node))

    def number(self, node):
        """The number exactly as written, a SymPy Rational (2.5 is 5/2, 0.1 is 1/10): SymPy evaluates its Floats
        eagerly (cos(1000.0), 0.1**(y − 1e15) split into a huge factor), its Rationals only where exact."""
        written = self.segment(node)
        value = node.value
        if (not PLAIN_NUMBER.fullmatch(written) or isinstance(value, bool) or not isinstance(value, (int, float))
                or not abs(value) <= MAX_NUMBER):  # not hex, complex, 1e999 (inf) or larger than MAX_NUMBER
            raise self.refuse("number", written)
        exact = Fraction(written)  # Python's own decimal reading of a plain number, not SymPy's parser
        if exact and not abs(exact) >= 1 / MAX_NUMBER ** 20:  # 1e-300
            raise self.refuse("number", written)
        return self.sympy.Rational(exact.numerator, exact.denominator)

    def power(self, base, exponent, node):
        """base ** exponent for a constant exponent of at most MAX_EXPONENT; a variable one (x^x, 2^x) is refused:
        SymPy splits b^(x + c) into b^x · b^c and would compute b^c exactly (2^(10^15) never ends)."""
        if exponent.free_symbols:
            raise self.refuse("variable_exponent", self.segment(node.right))
        size = float(_constant(exponent, self.numpy_of))
        if not abs(size) <= MAX_EXPONENT:
            raise self.refuse("exponent", self.segment(node.right))
        if not base.free_symbols:  # both constant: the float64 value first, so SymPy never meets a huge one
            with np.errstate(all="ignore"):
                value = np.power(float(_constant(base, self.numpy_of)), size)
            if not abs(value) <= MAX_CONSTANT:
                raise self.refuse("undefined" if np.isnan(value) else "too_large", self.segment(node))
        return self.sympy.Pow(base, exponent)

    def checked(self, expression, node):
        """expression, if it is not a constant that is undefined (1/0, log(0), (−8)^(1/3)), complex or too large, and
        holds no number beyond 2^±MAX_BITS: SymPy rewrites as it goes (exp(x + 1e15) is 6.7e434294481903251·e^x),
        and such a number must never reach another power."""
        if not _bounded(expression, self.sympy):
            raise self.refuse("too_large", self.segment(node))
        if expression.free_symbols:
            return expression
        try:
            value = _constant(expression, self.numpy_of)
        except _Unsupported:  # I, zoo, nan: SymPy's value of a complex or undefined constant
            raise self.refuse("undefined", self.segment(node)) from None
        if np.isnan(value):
            raise self.refuse("undefined", self.segment(node))
        if not abs(value) <= MAX_CONSTANT:
            raise self.refuse("too_large", self.segment(node))
        return expression


MAX_BITS = 1100  # binary orders of magnitude of any number in a SymPy expression (1e±331)


def _bounded(expression, sympy) -> bool:
    """Whether every number in expression lies within 2^±MAX_BITS (or is 0), read from its integer parts or its
    binary exponent, never by computing with it."""
    for atom in expression.atoms(sympy.Number):
        if atom.is_Rational:
            if max(atom.p.bit_length(), atom.q.bit_length()) > MAX_BITS:
                return False
        elif atom.is_Float:
            _, mantissa, exponent, bits = atom._mpf_
            if mantissa and not -MAX_BITS <= exponent + bits <= MAX_BITS:
                return False
        elif not atom.is_finite:  # nan, oo
            return False
    return True


_FUNCTION_LATEX = {"sin": r"\sin", "cos": r"\cos", "tan": r"\tan", "tanh": r"\tanh", "log": r"\log"}


def _latex(node, text: str, dim: int) -> str:
    """The formula as typed, in LaTeX, from Python's tree of it (SymPy's printer may call simplify, which is
    unbounded): the user's own order and numbers, in θ in 1-D, x and y in 2-D."""
    return (r"J(\theta) = " if dim == 1 else "J(x, y) = ") + _tex(node, text, r"\theta" if dim == 1 else "x")[0]


def _tex(node, source: str, first: str) -> tuple[str, int]:
    """(LaTeX, precedence): 1 sum, 2 product, 3 negation, 4 power, 5 atom."""
    def tex(child):
        return _tex(child, source, first)

    def wrapped(child, below):
        text, level = tex(child)
        return rf"\left({text}\right)" if level < below else text

    if isinstance(node, ast.Constant):
        written = ast.get_source_segment(source, node)
        mantissa, _, power = written.lower().partition("e")
        if not power:
            return written, 5
        return (f"10^{{{int(power)}}}", 4) if float(mantissa) == 1 else (rf"{mantissa} \cdot 10^{{{int(power)}}}", 2)
    if isinstance(node, ast.Name):
        return (first if VARIABLES[node.id] == 0 else "y"), 5
    if isinstance(node, ast.UnaryOp):
        return ("-" if isinstance(node.op, ast.USub) else "+") + wrapped(node.operand, 3), 3
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.Add):
            below = 2 if isinstance(node.right, ast.UnaryOp) else 1  # x + (−y), as Python reads x + -y
            return f"{wrapped(node.left, 1)} + {wrapped(node.right, below)}", 1
        if isinstance(node.op, ast.Sub):
            return f"{wrapped(node.left, 1)} - {wrapped(node.right, 2)}", 1
        if isinstance(node.op, ast.Mult):
            right = wrapped(node.right, 4 if isinstance(node.right, ast.UnaryOp) else 2)
            joint = r" \cdot " if right[0].isdigit() else r"\,"
            return f"{wrapped(node.left, 2)}{joint}{right}", 2
        if isinstance(node.op, ast.Div):
            return rf"\frac{{{tex(node.left)[0]}}}{{{tex(node.right)[0]}}}", 5
        return f"{wrapped(node.left, 5)}^{{{tex(node.right)[0]}}}", 4
    (argument,) = node.args  # a call of one of FUNCTIONS, as the builder has checked
    inner = tex(argument)[0]
    name = node.func.id
    if name == "sqrt":
        return rf"\sqrt{{{inner}}}", 5
    if name == "abs":
        return rf"\left|{inner}\right|", 5
    if name == "exp":
        return f"e^{{{inner}}}", 4
    return rf"{_FUNCTION_LATEX[name]}\left({inner}\right)", 5


def _size(expression, sympy) -> int:
    return sum(1 for _ in sympy.preorder_traversal(expression))


# --- SymPy → numpy ------------------------------------------------------------------------------------------------

class _Unsupported(Exception):
    """A node the numpy walk has no rule for (never one this module builds from the allow-list)."""


def _walker(expression, numpy_of) -> Callable:
    """A function of the variables' arrays (a tuple, one per axis) that computes expression with numpy: Python
    closures over SymPy's tree, built once. Integer powers up to 16 are products, left to right."""
    sympy = _sympy()[0]
    if expression.is_Symbol:
        axis = 0 if expression.name == "x" else 1
        return lambda variables: variables[axis]
    if expression.is_Number or expression.is_NumberSymbol:
        if not expression.is_finite:  # nan, oo: an undefined constant
            raise _Unsupported(str(expression))
        constant = float(expression)
        return lambda variables: constant
    parts = [_walker(argument, numpy_of) for argument in expression.args]
    if expression.is_Add:
        def add(variables):
            total = parts[0](variables)
            for part in parts[1:]:
                total = total + part(variables)
            return total
        return add
    if expression.is_Mul:
        coefficient, _ = expression.as_coeff_Mul()
        if coefficient.is_Rational and coefficient.q != 1 and max(abs(coefficient.p), coefficient.q) <= 2**53:
            # p/q · rest as (p · rest) / q: typed x/3 is x / 3, as written, not x · 0.333…
            p, q, rest = float(coefficient.p), float(coefficient.q), parts[1:]

            def fraction(variables):
                total = rest[0](variables)
                for part in rest[1:]:
                    total = total * part(variables)
                return (total if p == 1 else p * total) / q
            return fraction

        def multiply(variables):
            total = parts[0](variables)
            for part in parts[1:]:
                total = total * part(variables)
            return total
        return multiply
    if expression.is_Pow:
        base, exponent = parts[0], expression.args[1]
        if exponent.is_Integer and 1 <= abs(int(exponent)) <= 16:
            count = abs(int(exponent))

            def product(variables):
                value = base(variables)
                total = value
                for _ in range(count - 1):
                    total = total * value
                return total if count == int(exponent) else 1.0 / total
            return product
        if exponent == sympy.S.Half:
            return lambda variables: np.sqrt(base(variables))
        if exponent == -sympy.S.Half:
            return lambda variables: 1.0 / np.sqrt(base(variables))
        power = parts[1]
        return lambda variables: np.power(base(variables), power(variables))
    function = numpy_of.get(expression.func)
    if function is None or len(parts) != 1:
        raise _Unsupported(type(expression).__name__)
    (inner,) = parts
    return lambda variables: function(inner(variables))


def _constant(expression, numpy_of) -> float:
    with np.errstate(all="ignore"):
        return np.float64(_walker(expression, numpy_of)(()))


def _on(walk: Callable, dim: int) -> Callable[[np.ndarray], np.ndarray]:
    """walk as a function of θ shaped (lanes, dim), returning a new (lanes,) array: a constant is broadcast to every
    lane, and a bare variable (J = x) copied, so no result is a view of θ."""
    def evaluate(theta):
        value = np.asarray(walk(tuple(theta[..., axis] for axis in range(dim))), dtype=float)
        if value.shape != theta.shape[:-1] or np.may_share_memory(value, theta):
            return np.array(np.broadcast_to(value, theta.shape[:-1]))
        return value
    return evaluate


_CONDITIONS = {"positive": np.greater, "nonnegative": np.greater_equal, "nonzero": np.not_equal}


def _conditions(expressions) -> list[tuple[str, str, object]]:
    """Where the expressions are defined, as (reason, test, argument): "log" (argument > 0), "root" (≥ 0, or > 0
    under a negative exponent), "division" (≠ 0). Every exponent is a constant (variable ones are refused)."""
    sympy = _sympy()[0]
    found = {}
    for expression in expressions:
        for node in sympy.preorder_traversal(expression):
            if isinstance(node, sympy.log):
                found[("log", "positive", node.args[0])] = None
            elif node.is_Pow and node.args[0].free_symbols:
                base, exponent = node.args
                if float(exponent).is_integer():
                    if exponent.is_negative:
                        found[("division", "nonzero", base)] = None
                else:
                    found[("root", "positive" if exponent.is_negative else "nonnegative", base)] = None
    return list(found)


# --- the objective ------------------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class TypedObjective(Objective):
    """An Objective from a typed formula, started at 0 (or (0, 0)) by default. Beyond Objective's fields: the
    text as read, its variables and its domain. minimizers and smoothness
    hold on plot_range only (found numerically there); curvature is J'' in 1-D and the Hessian's largest
    eigenvalue in 2-D (the curvature that limits a stable η)."""

    text: str = ""
    variables: tuple[str, ...] = ("x",)
    domain_tests: tuple = field(default=(), repr=False)  # ((reason, test, argument as a function of θ), ...)

    def domain(self, theta: np.ndarray) -> np.ndarray:
        """Lanes where J and ∇J are defined: θ (lanes, dim) -> (lanes,) bool."""
        inside = np.ones(theta.shape[:-1], dtype=bool)
        with np.errstate(all="ignore"):
            for _, test, argument in self.domain_tests:
                inside &= _CONDITIONS[test](argument(theta), 0.0)
        return inside

    def undefined(self, point) -> tuple[str, ...]:
        """Why J or ∇J is undefined at one point (θ, or (x, y)): the reasons of the tests it fails, in order, each
        once ("log", "root", "division"); () where it is defined."""
        theta = np.reshape(np.asarray(point, dtype=float), (1, self.dim))
        reasons = []
        with np.errstate(all="ignore"):
            for reason, test, argument in self.domain_tests:
                if not _CONDITIONS[test](argument(theta), 0.0)[0] and reason not in reasons:
                    reasons.append(reason)
        return tuple(reasons)


def parse_objective(text: str, plot_range=PLOT_RANGE) -> TypedObjective:
    """The objective a user typed, in 1-D (x, θ or theta) or 2-D (x and y), drawn and searched on plot_range
    (low, high) on every axis; a ParameterError (name "function", with .reason and .token) for anything refused.
    Cached: the same text and range give the same object."""
    screened = _screened(text)  # before the cache, so it never holds a refused (or 100 kB) text
    try:
        low, high = plot_range
    except (TypeError, ValueError):
        raise ParameterError("plot_range", "two finite numbers low < high", plot_range) from None
    low, high = as_finite("plot_range", low), as_finite("plot_range", high)
    if not low < high:
        raise ParameterError("plot_range", "two finite numbers low < high", plot_range)
    return _parse(screened, low, high)


class _Late(BaseException):  # a BaseException, so that no `except Exception` inside SymPy swallows it
    """The symbolic stage ran past SYMBOLIC_SECONDS."""


def _within(seconds: float, work: Callable):
    """work(), stopped by _Late once it has run for seconds: a trace function (this thread's only) checks the clock
    at every Python call. SymPy is pure Python; the numbers it could multiply in C are bounded (MAX_BITS). Tracing
    stops at the first _Late (CPython unsets a trace function that raises), so SymPy gets one interruption."""
    deadline = time.perf_counter() + seconds
    previous = sys.gettrace()

    def trace(frame, event, argument):  # only in SymPy's own frames: never in a finalizer that GC runs meanwhile
        if time.perf_counter() > deadline and frame.f_globals.get("__name__", "").startswith(("sympy", "mpmath")):
            raise _Late
    sys.settrace(trace)
    try:
        return work()
    finally:
        sys.settrace(previous)


def _symbolic(text: str, tree):
    """J, ∇J and the Hessian as numpy walks, the domain's tests, the dimension and whether J is a parabola."""
    builder = _Builder(text)
    expression = builder.build(tree.body)
    if not expression.free_symbols:
        raise refused("constant", text, text)
    sympy, numpy_of = builder.sympy, builder.numpy_of
    dim = 2 if 1 in builder.axes else 1
    symbols = builder.symbols[:dim]
    gradient = [sympy.diff(expression, symbol) for symbol in symbols]
    hessian = {(i, j): sympy.diff(gradient[i], symbols[j]) for i in range(dim) for j in range(i, dim)}
    size = sum(_size(part, sympy) for part in [*gradient, *hessian.values()])
    if size > MAX_DERIVATIVE_NODES:  # each node is a numpy operation per evaluation, in every update of a run
        raise refused("too_complex", f"{size} nodes in its derivatives", text)
    try:
        value = _on(_walker(expression, numpy_of), dim)
        slopes = [_on(_walker(part, numpy_of), dim) for part in gradient]
        seconds = {key: _on(_walker(part, numpy_of), dim) for key, part in hessian.items()}
        tests = tuple((reason, test, _on(_walker(argument, numpy_of), dim))
                      for reason, test, argument in _conditions([expression, *gradient]))
    except _Unsupported as error:  # SymPy's derivative holds a complex or undefined number (I, zoo, nan)
        raise refused("undefined", str(error), text) from None
    # exactly quadratic (so the theory's closed forms are exact): a polynomial whose Hessian is a non-zero constant
    quadratic = bool(expression.is_polynomial(*symbols) and not any(part.free_symbols for part in hessian.values())
                     and any(float(_constant(part, numpy_of)) != 0 for part in hessian.values()))
    return dim, value, slopes, seconds, tests, quadratic


@functools.lru_cache(maxsize=64)
def _parse(text: str, low: float, high: float) -> TypedObjective:
    tree = _tree(text)
    _sympy()  # imported outside the deadline: the first import takes longer than reading any formula
    try:
        dim, value, slopes, seconds, tests, quadratic = _within(SYMBOLIC_SECONDS, lambda: _symbolic(text, tree))
    except _Late:
        raise refused("too_slow", f"over {SYMBOLIC_SECONDS} s", text) from None

    def grad(theta):
        return np.stack([slope(theta) for slope in slopes], axis=-1)

    def hess(theta):
        rows = [[seconds[min(i, j), max(i, j)](theta) for j in range(dim)] for i in range(dim)]
        return np.stack([np.stack(row, axis=-1) for row in rows], axis=-2)

    if dim == 1:
        offsets = _antithetic(NOISE, DATA_SEED)  # the article curve's data set, so a typed parabola gets its noise

        def batch_grad(theta, idx):  # as objectives._curve: the mean of the offsets aᵢ of the batch
            return grad(theta) + np.mean(offsets[idx], axis=-1)[..., None]

        def curvature(theta):
            return seconds[0, 0](theta)
    else:
        offsets = np.stack([_antithetic(NOISE, DATA_SEED), _antithetic(NOISE, DATA_SEED + 10)], axis=-1)  # (n, 2)

        def batch_grad(theta, idx):
            return grad(theta) + np.mean(offsets[idx], axis=-2)

        def curvature(theta):
            return np.linalg.eigvalsh(hess(theta))[..., -1]

    latex = _latex(tree.body, text, dim)
    objective = TypedObjective(
        "function", latex, value, grad, batch_grad, curvature, (low, high), (), None, dim=dim, text=text,
        variables=("x", "y")[:dim], hessian=hess, domain_tests=tests, start=None if dim == 1 else (0.0, 0.0))
    minimizers, smoothness, defined = (_search_1d if dim == 1 else _search_2d)(objective, low, high)
    if not defined:
        raise refused("nowhere_defined", text, text)
    return replace(objective, minimizers=minimizers, smoothness=smoothness, quadratic=quadratic)


def _search_1d(objective, low, high):
    """(minimizers deepest first, L on the range or None, whether J is finite anywhere on the grid): brackets where
    J' turns from − to + on the grid, halved 60 times (a kink such as |θ| is found as well as a smooth bottom)."""
    points = np.linspace(low, high, GRID)[:, None]
    with np.errstate(all="ignore"):
        values = objective.value(points)
        slopes = objective.grad(points)[:, 0]
        defined = bool(np.isfinite(values).any())
        ok = np.isfinite(values) & np.isfinite(slopes)
        turns = np.flatnonzero(ok[:-1] & ok[1:] & (slopes[:-1] < 0) & (slopes[1:] >= 0))
        left, right = points[turns, 0], points[turns + 1, 0]
        for _ in range(60):
            middle = (left + right) / 2
            falling = objective.grad(middle[:, None])[:, 0] < 0
            left, right = np.where(falling, middle, left), np.where(falling, right, middle)
        # the better end of the last bracket: the lower J, then the smaller |J'| (a grid point at the bottom stays)
        depths = np.where(np.isfinite(objective.value(left[:, None])), objective.value(left[:, None]), np.inf), \
            np.where(np.isfinite(objective.value(right[:, None])), objective.value(right[:, None]), np.inf)
        flatter = np.abs(objective.grad(right[:, None])[:, 0]) < np.abs(objective.grad(left[:, None])[:, 0])
        take_right = (depths[1] < depths[0]) | ((depths[1] == depths[0]) & flatter)
        found, depth = np.where(take_right, right, left), np.where(take_right, depths[1], depths[0])
        keep = (np.isfinite(depth) & (depth <= np.minimum(values[turns], values[turns + 1]))
                & (found > low) & (found < high))
        found, depth = found[keep], depth[keep]
        second = np.abs(objective.curvature(points))
        smooth = float(np.max(second)) if np.isfinite(second).all() else None
    order = np.lexsort((found, depth))
    return tuple(float(point) for point in found[order]), smooth, defined


def _search_2d(objective, low, high, side=101):
    """As _search_1d in 2-D: the grid's interior local minima of J, refined by 30 Newton steps; kept when the
    gradient there is (nearly) zero, the Hessian positive semi-definite and the point inside the range."""
    axis = np.linspace(low, high, side)
    grid = np.stack(np.meshgrid(axis, axis, indexing="ij"), axis=-1).reshape(-1, 2)
    with np.errstate(all="ignore"):
        values = objective.value(grid).reshape(side, side)
        defined = bool(np.isfinite(values).any())
        padded = np.pad(np.where(np.isfinite(values), values, np.inf), 1, constant_values=np.inf)
        lowest = np.ones((side, side), dtype=bool)
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                if di or dj:
                    lowest &= values <= padded[1 + di:1 + di + side, 1 + dj:1 + dj + side]
        lowest[[0, -1], :] = lowest[:, [0, -1]] = False
        theta = grid[np.flatnonzero(lowest & np.isfinite(values))][:MAX_MINIMIZERS]
        for _ in range(30):  # Newton: H⁻¹∇J by Cramer's rule; a singular H gives a non-finite step, not taken
            (a, b), (c, d) = np.moveaxis(objective.hessian(theta), (-2, -1), (0, 1))
            g = objective.grad(theta)
            steps = np.stack([d * g[:, 0] - b * g[:, 1], a * g[:, 1] - c * g[:, 0]], axis=-1) / (a * d - b * c)[:, None]
            steps = np.where(np.isfinite(steps), steps, 0.0)
            theta = theta - steps
            if not np.any(np.abs(steps) > 1e-15 * np.maximum(1.0, np.abs(theta))):
                break
        gradients = objective.grad(theta)
        scale = np.maximum(1.0, np.abs(objective.value(theta)))
        eigen = np.linalg.eigvalsh(objective.hessian(theta)) if len(theta) else np.zeros((0, 2))
        keep = (np.all(np.abs(gradients) <= 1e-8 * scale[:, None], axis=-1) & (eigen[:, 0] >= -1e-8)
                & np.all((theta > low) & (theta < high), axis=-1) & np.isfinite(objective.value(theta)))
        theta = theta[keep]
        unique = []
        for point in theta:
            if all(np.max(np.abs(point - other)) > 1e-6 * (high - low) for other in unique):
                unique.append(point)
        depth = objective.value(np.array(unique).reshape(-1, 2))
        norms = np.max(np.abs(np.linalg.eigvalsh(objective.hessian(grid))), axis=-1)  # spectral norm: symmetric H
        smooth = float(np.max(norms)) if np.isfinite(norms).all() else None
    order = sorted(range(len(unique)), key=lambda k: (depth[k], tuple(unique[k])))
    return tuple((float(unique[k][0]), float(unique[k][1])) for k in order), smooth, defined
