"""A function typed by a user, made an Objective safely: text → an allow-listed tree → an expression graph → programs.

The text never reaches eval, exec or compile (beyond ast.parse). It passes, in this order:

1. a length cap (MAX_LENGTH characters) and an allow-list of characters: printable ASCII without quotes, brackets,
   commas, colons, underscores and the like, plus θ and the minus sign − (read as -); look-alikes such as
   full-width digits or a Cyrillic х are refused, never normalised;
2. Python's own parser, ast.parse(mode="eval"), which only builds a tree and runs nothing;
3. limits on the tree: at most MAX_NODES nodes and MAX_DEPTH levels;
4. a walk that builds the expression graph (gd.formula) node by node from an allow-list: numbers written plainly
   and at most MAX_NUMBER in size (float64, as read by Python from the decimal text), the variables (x or θ or
   theta; y), + - * / ** (^ means **), unary minus, and calls of FUNCTIONS with one argument. Anything else is
   refused with a ParameterError (name "function") whose .reason (a key of REASONS) says which rule refused it and
   .token what it refused. Every constant part folds in float64 as it is built and is refused if undefined (1/0,
   log 0, (−8)^(1/3)) or larger than MAX_CONSTANT; an exponent must be a constant of at most MAX_EXPONENT, and so
   must the product of the exponents of a power of a power ((x^100)^100 is x^10000);
5. differentiation in the graph (∇J and the Hessian), refused if a derivative's constant is out of range
   (x·10^100·10^100·10^100·10^100 has the slope 1e400) or if the programs of J, ∇J and the Hessian take more than
   MAX_INSTRUCTIONS instructions.

Every stage is bounded by the text's size and structure, none by a clock: a verdict is a pure function of the
text (so refusals are cached too), the same on a busy machine as on an idle one. The variables are this module's
own, so no name a user typed is ever looked up. Values, gradients and Hessians are straight-line programs run with
numpy (gd.formula.run), computed in the order typed: small integer powers are products, as the built-in curves
write them, so typed "(x - 2.5)**2 - 1" gives the article's curve bit for bit. On the compiled loop (the objective's
compiled form is ("typed", the offsets)) the same programs are data to gd.interpreter, with the same numbers. |u| is
differentiated as sign(u) and sign(u) as 0 (its second derivative away from the kink). The formula's LaTeX is
written from Python's tree, as typed.

What is said about the function holds on its plot range, not beyond: minimizers are found on a grid of the range
and refined (bisection of J' in 1-D, Newton in 2-D); none found means the list is empty, and the theory tab has
no prediction; L is the largest |J''| (the Hessian's spectral norm) on the grid. Per-example noise is the built-in
curves' (objectives._curve): offsets aᵢ·(θ − c) in antithetic pairs that sum to zero, the article curve's data; in
2-D a second such set on y, each axis's batch mean summed pairwise as the built-in surfaces' (gd.surfaces).
A typed function has a domain: the points where J and ∇J are defined (logarithm of a positive number, even root
of a non-negative one, no division by zero); a run that reaches a point outside it ends with the status
LEFT_DOMAIN (gd.stopping), not "diverged". J is called quadratic (so the theory's closed forms are exact) when it
is built from + − ·, non-negative integer powers and division by constants and its Hessian folds to constants,
not all zero: a quadratic written otherwise may be called not quadratic, never the reverse.
"""

import ast
import re
from dataclasses import dataclass, field, replace
from fractions import Fraction

import numpy as np

from gd import formula
from gd.formula import ConstantError, Formula, Graph, differentiate
from gd.objectives import DATA_SEED, Objective, _antithetic
from gd.params import PLAIN_NUMBER, ParameterError, as_finite, remembered

MAX_LENGTH = 200  # characters of text
MAX_NODES = 150  # nodes of Python's tree of the text (operators and contexts count too)
MAX_DEPTH = 30  # levels of that tree
MAX_NUMBER = 1e15  # largest number that may be written
MAX_EXPONENT = 100  # largest |exponent| of a power (the exponents of a power of a power multiplied)
MAX_CONSTANT = 1e300  # largest |value| of a constant part
MAX_INSTRUCTIONS = 1_000  # instructions of the programs of J, ∇J and the Hessian together: 12 for the article curve,
# 44 for Rosenbrock, 352 for a product of 15 sines at MAX_NODES; up to ~1,200 for the densest formulas within
# MAX_NODES found (quotients nested under roots)
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
    "construct": "{shown} ({token}) is not", "name": "the name {token} is not", "function": "calling {token} is not",
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


# --- text → tree -------------------------------------------------------------------------------------------------

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


# --- text → graph -----------------------------------------------------------------------------------------------

class _Builder:
    """The expression graph of Python's tree, node by node, from the allow-list; every constant checked as it
    folds."""

    def __init__(self, text):
        self.text = text
        self.graph = Graph(largest=MAX_CONSTANT)
        self.axes = set()

    def segment(self, node) -> str:
        return ast.get_source_segment(self.text, node) or type(node).__name__

    def refuse(self, reason, token, shown=""):
        return refused(reason, token, self.text, shown)

    def made(self, node, make, *operands) -> int:
        """make(*operands), a node of the graph; a constant it folds to that is undefined or too large is refused,
        naming the part of the text it came from."""
        try:
            return make(*operands)
        except ConstantError as error:
            raise self.refuse(error.reason, self.segment(node)) from None

    def build(self, node) -> int:
        graph = self.graph
        if isinstance(node, ast.Constant):
            return self.number(node)
        if isinstance(node, ast.Name):
            if node.id not in VARIABLES:
                raise self.refuse("name", node.id)
            self.axes.add(VARIABLES[node.id])
            return graph.variable(VARIABLES[node.id])
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.build(node.operand)
            return self.made(node, graph.negate, operand) if isinstance(node.op, ast.USub) else operand
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow)):
            left, right = self.build(node.left), self.build(node.right)
            if isinstance(node.op, ast.Pow):
                return self.power(left, right, node)
            combine = {ast.Add: graph.add, ast.Sub: graph.subtract, ast.Mult: graph.multiply,
                       ast.Div: graph.divide}[type(node.op)]
            return self.made(node, combine, left, right)
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                raise self.refuse("function", self.segment(node.func))
            if len(node.args) != 1 or node.keywords or isinstance(node.args[0], ast.Starred):
                raise self.refuse("arguments", node.func.id)
            argument = self.build(node.args[0])
            if node.func.id == "sqrt":
                return self.made(node, graph.power, argument, 0.5)
            return self.made(node, graph.function, formula.FUNCTIONS[node.func.id], argument)
        raise self.refuse("construct", type(node).__name__, self.segment(node))

    def number(self, node) -> int:
        """The number as written, read by Python from its decimal text (never hex, complex, 1_0 or inf)."""
        written = self.segment(node)
        value = node.value
        if (not PLAIN_NUMBER.fullmatch(written) or isinstance(value, bool) or not isinstance(value, (int, float))
                or not abs(value) <= MAX_NUMBER):  # not hex, complex, 1e999 (inf) or larger than MAX_NUMBER
            raise self.refuse("number", written)
        exact = Fraction(written)  # Python's own decimal reading of a plain number
        if exact and not abs(exact) >= 1 / MAX_NUMBER ** 20:  # 1e-300
            raise self.refuse("number", written)
        return self.graph.constant(float(exact))

    def power(self, base, exponent, node) -> int:
        """base ** exponent for a constant exponent of at most MAX_EXPONENT, and of at most that times the exponents
        of the powers it is a power of ((x^100)^100 is x^10000); a variable exponent (x^x, 2^x) is refused."""
        graph = self.graph
        if not graph.is_constant(exponent):
            raise self.refuse("variable_exponent", self.segment(node.right))
        size = graph.value(exponent)
        if not abs(size) <= MAX_EXPONENT:
            raise self.refuse("exponent", self.segment(node.right))
        effective = abs(size) * graph.nesting[base]
        if effective > MAX_EXPONENT:
            raise self.refuse("exponent", f"{effective:g}")
        return self.made(node, graph.power, base, size)


def _formula(text: str, tree: ast.Expression) -> Formula:
    """J, ∇J and the Hessian of the text as programs, and where they are defined."""
    builder = _Builder(text)
    root = builder.build(tree.body)
    if builder.graph.is_constant(root):
        raise refused("constant", text, text)
    try:
        read = differentiate(builder.graph, root, 2 if 1 in builder.axes else 1)
    except ConstantError as error:  # a derivative's constant: x·10^100·10^100·10^100·10^100 has the slope 1e400
        raise refused(error.reason, text, text) from None
    if read.size > MAX_INSTRUCTIONS:  # each instruction is a numpy call per evaluation, in every update of a run
        raise refused("too_complex", f"{read.size} instructions", text)
    return read


_FUNCTION_LATEX = {"sin": r"\sin", "cos": r"\cos", "tan": r"\tan", "tanh": r"\tanh", "log": r"\log"}


def _latex(node, text: str, dim: int) -> str:
    """The formula as typed, in LaTeX, from Python's tree of it: the user's own order and numbers, in θ in 1-D, x and
    y in 2-D."""
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

# --- the objective ------------------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class TypedObjective(Objective):
    """An Objective from a typed formula, started at 0 (or (0, 0)) by default. Beyond Objective's fields: the
    text as read, its variables, what an update costs (instructions: J's program and ∇J's, constants and variables
    included) and the programs (formula). minimizers and smoothness hold on plot_range only (found numerically
    there); curvature is J'' in 1-D and the Hessian's largest eigenvalue in 2-D (the curvature that limits a stable
    η)."""

    text: str = ""
    variables: tuple[str, ...] = ("x",)
    instructions: int = 0
    formula: Formula | None = field(default=None, repr=False)

    def _tests(self, theta: np.ndarray) -> list[np.ndarray]:
        with np.errstate(all="ignore"):
            arguments = formula.run(self.formula.domain, theta)
            return [formula.TESTS[test](argument, 0.0)
                    for argument, test in zip(arguments, self.formula.tests.tolist(), strict=True)]

    def domain(self, theta: np.ndarray) -> np.ndarray:
        """Lanes where J and ∇J are defined: θ (lanes, dim) -> (lanes,) bool."""
        inside = np.ones(theta.shape[:-1], dtype=bool)
        for passed in self._tests(theta):
            inside &= passed
        return inside

    def undefined(self, point) -> tuple[str, ...]:
        """Why J or ∇J is undefined at one point (θ, or (x, y)): the reasons of the tests it fails, in order, each
        once ("log", "root", "division"); () where it is defined."""
        theta = np.reshape(np.asarray(point, dtype=float), (1, self.dim))
        failed = [reason for reason, passed in zip(self.formula.reasons, self._tests(theta), strict=True)
                  if not passed[0]]
        return tuple(dict.fromkeys(failed))


def parse_objective(text: str, plot_range=PLOT_RANGE) -> TypedObjective:
    """The objective a user typed, in 1-D (x, θ or theta) or 2-D (x and y), drawn and searched on plot_range
    (low, high) on every axis; a ParameterError (name "function", with .reason and .token) for anything refused.
    Cached, refusals too: the same text and range give the same object, or an equal error."""
    screened = _screened(text)  # before the cache, so it never holds a text of the wrong type, size or characters
    try:
        low, high = plot_range
    except (TypeError, ValueError):
        raise ParameterError("plot_range", "two finite numbers low < high", plot_range) from None
    low, high = as_finite("plot_range", low), as_finite("plot_range", high)
    if not low < high:
        raise ParameterError("plot_range", "two finite numbers low < high", plot_range)
    return _read(screened, low, high)


def forget() -> None:
    """Drop every cached reading, read or refused (a server with no visitor gives its memory back)."""
    _read.cache_clear()


@remembered(maxsize=128)
def _read(text: str, low: float, high: float) -> TypedObjective:
    return _parse(text, low, high)


def _parse(text: str, low: float, high: float) -> TypedObjective:
    tree = _tree(text)
    read = _formula(text, tree)
    dim = read.dim

    def value(theta):
        return formula.run(read.value, theta)[0]

    def grad(theta):
        return formula.columns(read.gradient, theta)

    def hess(theta):
        entries = formula.run(read.hessian, theta)
        if dim == 1:
            return entries[0][..., None, None]
        xx, xy, yy = entries
        return np.stack([np.stack([xx, xy], axis=-1), np.stack([xy, yy], axis=-1)], axis=-2)

    if dim == 1:
        offsets = _antithetic(NOISE, DATA_SEED)[None, :]  # the article curve's data: a typed parabola gets its noise

        def batch_grad(theta, idx):  # as objectives._curve: the mean of the offsets aᵢ of the batch
            return grad(theta) + np.mean(offsets[0][idx], axis=-1)[..., None]

        def curvature(theta):
            return formula.run(read.hessian, theta)[0]
    else:
        offsets = np.stack([_antithetic(NOISE, DATA_SEED), _antithetic(NOISE, DATA_SEED + 10)])  # (2, n)

        def batch_grad(theta, idx):  # as surfaces._surface: one axis at a time, each mean pairwise
            return grad(theta) + np.stack([np.mean(offsets[0][idx], axis=-1), np.mean(offsets[1][idx], axis=-1)],
                                          axis=-1)

        def curvature(theta):
            return np.linalg.eigvalsh(hess(theta))[..., -1]

    objective = TypedObjective(
        "function", _latex(tree.body, text, dim), value, grad, batch_grad, curvature, (low, high), (), None, dim=dim,
        text=text, variables=("x", "y")[:dim], hessian=hess, start=None if dim == 1 else (0.0, 0.0),
        compiled=("typed", offsets), instructions=read.instructions, formula=read)
    minimizers, smoothness, defined = (_search_1d if dim == 1 else _search_2d)(objective, low, high)
    if not defined:
        raise refused("nowhere_defined", text, text)
    return replace(objective, minimizers=minimizers, smoothness=smoothness, quadratic=read.quadratic)


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
