"""Typed functions: hostile texts refused without side effects, the same way every time; valid ones equal to
references written by hand and to central differences; the typed article curve is the built-in one bit for bit;
leaving the domain has its own status."""

import builtins
import math
import threading

import numpy as np
import pytest
import reference
from hypothesis import given, settings
from hypothesis import strategies as st

import gd
from gd import compiled, theory, typed
from gd.params import ParameterError
from gd.stopping import LEFT_DOMAIN, STATUSES

ARTICLE = "(x - 2.5)**2 - 1"

CODE = [
    "__import__('os').system('ls')", "__import__", "exec('x')", "eval('1')", "open('/etc/passwd')", "print(1)",
    "globals()", "locals()", "vars()", "dir()", "getattr(x, 'y')", "breakpoint()", "input()", "compile",
    "import os", "del x", "x = 1", "x := 1", "(y := 1)", "x; x", "x\nimport os", "lambda: 1", "(lambda x: x)(1)",
    "lambda x: x**2", "[x for x in ()]", "{x for x in ()}", "(x for x in ())", "{1: 2}", "[1, 2]", "(x, y)", "x, y",
    "x if x else y", "x and y", "x or 1", "not x", "x < 1", "x == 1", "x != 1", "x is x", "x in x", "...", "None",
    "True", "False", "'abc'", "b'x'", "f'{x}'", 'f"{__import__(\'os\')}"', "x[0]", "x[1:2]", "x.real",
    "x.__class__", "().__class__.__bases__[0].__subclasses__()", "sin.__globals__", "sin.__call__(x)",
    "x.__add__(1)", "__builtins__", "__dict__", "__class__", "_", "x_1", "Symbol('x')", "sympify('x')",
    "Function('f')(x)", "parse_expr('x')", "lambdify(x, x)", "S('x')", "x(1)", "1(x)", "sin(x)(x)", "sin",
    "sin(x, x)", "sin()", "sin(x=1)", "sin(*x)", "exp(**x)", "sin(x)[0]", "E", "pi", "I", "oo", "zoo", "nan", "inf",
    "e", "z", "t", "X", "Y", "xx", "sinx", "ln(x)", "asin(x)", "Abs(x)", "Pow(x, 2)", "Max(x, 1)", "mod(x)",
    "x // 2", "x % 2", "x @ x", "x & 1", "x | 1", "x << 1", "x >> 1", "~x", "x ^ ^ 2", "x**", "**x", "()", "",
    "   ", "x +", "* x", "2x", "x y", "sin x", "x!", "|x|", "x²", "√x", "x·y", "x×y", "x÷2", "#x", "$x", "x`",
    "x\\y", "x?", "x:1", "{x}", "[x]", "x,", "x;", "'", '"', "x # comment", "await x", "yield x", "async",
    "raise", "assert x", "with", "class A: pass", "def f(): pass", "for x in x: x", "while 1: x", "try: x",
    "if x: x", "return x", "global x", "nonlocal x", "pass", "match x:", "case 1:", "*x", "**x", "x.y", "x..y",
]
NUMBERS = ["0x10", "0b11", "0o7", "1j", "2J", "1_000", "1e999", "1e16", "10000000000000000", "1.5e300",
           "1e-101", "0e5x", "1e", "1.2.3", ".", "1__0", "00", "0_0"]
POWERS = ["9**9**9", "9^9^9", "10**400", "(10**100)**100", "2**1000", "x**1000", "x**(10**3)", "x**-101",
          "9**9**9**9", "2**x", "x**x", "x**y", "x**sin(x)", "exp(1)**x", "(x+1)**(y+3)", "2**-(x+1e15)",
          "0.1**(y-1e15)", "x**(101)", "x**(100.5)", "x^(-200)", "(x^50)^(3^5)", "x**(2**7)", "(x**100)**100",
          "((x**10)**5)**3", "(-(x**60))**2", "sqrt(x**100)**3", "(x**-20)**-6"]
UNDEFINED = ["log(0)", "1/0", "x + 1/0", "x/0", "x/(1 - 1)", "0/0", "log(-1)", "sqrt(-1)", "(-8)**(1/3)", "x*0**-1",
             "x + 1e3/0.0", "x + log(0)", "x + (-1)**0.5", "sqrt(-x**2 - 1)", "log(-x**2 - 1)", "1", "2 + 3", "x - x",
             "sin(1)", "0*x", "exp(1000) + x", "x + 10**300*10**300", "x*10**100*10**100*10**100*10**100",
             "x*1e15*1e15*1e15*1e15*1e15*1e15*1e15*1e15*1e15*1e15*1e15*1e15*1e15*1e15*1e15*1e15*1e15*1e15*1e15*1e15"
             "*1e15*1e15"]
DEEP = ["-" * 199 + "x", "-(" * 66 + "x" + ")" * 66, "sin(" * 40 + "x" + ")" * 40, "+".join(["x"] * 100),
        "x" + "**x" * 60, "(((((((((((((((((((((((((((((((((x)))))))))))))))))))))))))))))))))+" * 5,
        "*".join(["sin(x+1)"] * 22), "*".join([f"sin(x+{k})" for k in range(20)]),
        "(" * 150 + "x" + ")" * 49]
HUGE = ["x" * 100_000, "1" * 100_000, "(" * 100_000, "x+" * 50_000 + "x", "x" * 201, " " * 300 + "x",
        "sin(" * 30_000 + "x" + ")" * 30_000, "\x00" * 100_000, "θ" * 100_000, "x\n" * 50_000]
CONTROL = [f"x{chr(code)}" for code in [*range(32), 127]] + [f"x{char}+1" for char in
                                                              "\u200b\u202e\ufeff\u00a0\u2028\u2029\u180e\u3000"]
LOOKALIKES = ["ｘ", "１", "x+１", "х", "х**2", "ϑ", "𝑥", "𝐱", "ℯ", "x⁻¹", "x²", "ⅹ", "sіn(x)", "ѕin(x)",
              "еxp(x)", "θ̂", "Θ", "ｓｉｎ(x)", "x＋1", "x＊x", "（x）", "x٫5", "x+١", "x+०", "x÷2", "x∗x", "x⋅x",
              "ﬁ", "x＾2", "x–1", "x—1", "x‐1", "ʃ", "µ", "Σx", "∞", "x\u0301"]
EMBEDDED = [template.format(part) for part in ["__import__('os')", "x.real", "lambda: 1", "[1]", "9**9**9", "1/0",
                                               "x if x else x", "f'{x}'", "ｘ", "\x00", "2**x"]
            for template in ["x + {}", "sin({})", "({})**2", "{} * y", "exp(-{})"]]
HOSTILE = sorted(set(CODE + NUMBERS + POWERS + UNDEFINED + DEEP + HUGE + CONTROL + LOOKALIKES + EMBEDDED))


def test_there_are_a_few_hundred_hostile_texts():
    assert len(HOSTILE) >= 300


@pytest.mark.parametrize("text", HOSTILE, ids=lambda text: repr(text[:30]))
def test_a_hostile_text_is_refused_without_side_effects(text, monkeypatch, tmp_path, capsys):
    """A ParameterError naming "function", with a reason code; meanwhile nothing calls eval or exec, compile is only
    asked for a tree (ast.parse), no file appears and nothing is printed."""
    compiled_modes, me = [], threading.get_ident()  # other threads (a page test's, the compiler's) go on as usual
    real = {name: getattr(builtins, name) for name in ("compile", "eval", "exec")}

    def tree_only(source, filename, mode, flags=0, *args, **keywords):
        if threading.get_ident() == me:
            compiled_modes.append(mode)
            assert flags & 0x400, "compile() asked for code, not a tree"  # ast.PyCF_ONLY_AST
        return real["compile"](source, filename, mode, flags, *args, **keywords)

    def forbidden(name):
        def call(*args, **keywords):
            assert threading.get_ident() != me, f"{name} called"
            return real[name](*args, **keywords)
        return call

    monkeypatch.setattr(builtins, "compile", tree_only)
    monkeypatch.setattr(builtins, "eval", forbidden("eval"))
    monkeypatch.setattr(builtins, "exec", forbidden("exec"))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ParameterError) as refusal:
        gd.parse_objective(text)
    assert refusal.value.name == "function" and refusal.value.reason in typed.REASONS
    assert len(str(refusal.value)) < 600 and "\n" not in str(refusal.value)
    assert list(tmp_path.iterdir()) == []
    assert capsys.readouterr() == ("", "")
    assert set(compiled_modes) <= {"eval"}


@pytest.mark.parametrize(("text", "reason", "token"), [
    (123, "type", "int"), (b"x", "type", "bytes"), ("", "empty", ""), ("  ", "empty", ""),
    ("x" * 201, "too_long", "201"), ("x.real", "construct", "Attribute"), ("x + х", "character", "х"),
    ("x_1", "character", "_"), ("x\x00", "character", "\x00"), ("2x", "syntax", "invalid decimal literal"),
    ("-" * 40 + "x", "too_complex", "more than 30 levels"), ("z + x", "name", "z"), ("ln(x)", "function", "ln"),
    ("x.real(1)", "function", "x.real"), ("sin()", "arguments", "sin"), ("0x10 * x", "number", "0x10"),
    ("x**200", "exponent", "200"), ("9**9**9", "exponent", "9**9"), ("2**x", "variable_exponent", "x"),
    ("(x**100)**100", "exponent", "10000"), ("(-(x**60))**2", "exponent", "120"), ("x/0", "undefined", "x/0"),
    ("x*10**100*10**100*10**100*10**100", "too_large", "x*10**100*10**100*10**100*10**100"),  # slope 1e400
    ("x + 1e15**20*1e15", "too_large", "1e15**20*1e15"), ("x + 1/0", "undefined", "1/0"),
    ("x + log(0)", "undefined", "log(0)"),
    ("3", "constant", "3"), ("sqrt(-x**2 - 1)", "nowhere_defined", "sqrt(-x**2 - 1)"),
    ("x" + "+x" * 50, "too_complex", "203 nodes"), ("x if x else 1", "construct", "IfExp"),
])
def test_each_refusal_says_its_rule_and_what_it_refused(text, reason, token):
    with pytest.raises(ParameterError) as refusal:
        gd.parse_objective(text)
    assert (refusal.value.name, refusal.value.reason, refusal.value.token) == ("function", reason, token)
    assert str(refusal.value).startswith("function: ") and "not allowed" in str(refusal.value)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="xyθ0123456789.+-*/^() −sincoetaqrlgbh", max_size=40))
def test_any_text_is_an_objective_or_a_parameter_error(text):
    """Random texts over the allowed characters: never another exception, never a warning."""
    try:
        objective = gd.parse_objective(text)
    except ParameterError as error:
        assert error.reason in typed.REASONS
    else:
        assert objective.dim in (1, 2)


def column(values):
    return np.asarray(values, dtype=float).reshape(-1, 1)


POINTS = np.array([-3.7, -1.2, -0.3, 0.45, 1.1, 2.9, 4.2])
POSITIVE = np.array([0.3, 0.8, 1.7, 2.2, 4.1])
VALID_1D = [  # text, J, J', J'' by hand (math module), points
    (ARTICLE, lambda t: (t - 2.5) ** 2 - 1, lambda t: 2 * (t - 2.5), lambda t: 2.0, POINTS),
    ("x^4/4 - x^2 + 0.3*x", lambda t: t**4 / 4 - t**2 + 0.3 * t, lambda t: t**3 - 2 * t + 0.3,
     lambda t: 3 * t**2 - 2, POINTS),
    ("sin(x) + cos(2*x)", lambda t: math.sin(t) + math.cos(2 * t), lambda t: math.cos(t) - 2 * math.sin(2 * t),
     lambda t: -math.sin(t) - 4 * math.cos(2 * t), POINTS),
    ("exp(-x^2)", lambda t: math.exp(-t * t), lambda t: -2 * t * math.exp(-t * t),
     lambda t: (4 * t * t - 2) * math.exp(-t * t), POINTS),
    ("log(x^2 + 1)", lambda t: math.log(t * t + 1), lambda t: 2 * t / (t * t + 1),
     lambda t: 2 * (1 - t * t) / (t * t + 1) ** 2, POINTS),
    ("sqrt(x^2 + 1)", lambda t: math.sqrt(t * t + 1), lambda t: t / math.sqrt(t * t + 1),
     lambda t: (t * t + 1) ** -1.5, POINTS),
    ("tanh(x) * x", lambda t: math.tanh(t) * t, lambda t: math.tanh(t) + t * (1 - math.tanh(t) ** 2),
     lambda t: 2 * (1 - math.tanh(t) ** 2) * (1 - t * math.tanh(t)), POINTS),
    ("abs(x - 1) + x^2", lambda t: abs(t - 1) + t * t, lambda t: math.copysign(1, t - 1) + 2 * t, lambda t: 2.0,
     POINTS),
    ("tan(x/4)", lambda t: math.tan(t / 4), lambda t: 1 / math.cos(t / 4) ** 2 / 4,
     lambda t: math.tan(t / 4) / math.cos(t / 4) ** 2 / 8, POINTS),
    ("theta**3 − θ", lambda t: t**3 - t, lambda t: 3 * t * t - 1, lambda t: 6 * t, POINTS),
    ("1/(1 + x^2)", lambda t: 1 / (1 + t * t), lambda t: -2 * t / (1 + t * t) ** 2,
     lambda t: (6 * t * t - 2) / (1 + t * t) ** 3, POINTS),
    ("x^(1/3) + log(x)", lambda t: t ** (1 / 3) + math.log(t), lambda t: t ** (-2 / 3) / 3 + 1 / t,
     lambda t: -2 / 9 * t ** (-5 / 3) - 1 / t**2, POSITIVE),
    ("-x + exp(x) / 2", lambda t: -t + math.exp(t) / 2, lambda t: -1 + math.exp(t) / 2, lambda t: math.exp(t) / 2,
     POINTS),
    ("(x - 1)^4", lambda t: (t - 1) ** 4, lambda t: 4 * (t - 1) ** 3, lambda t: 12 * (t - 1) ** 2, POINTS),
]


@pytest.mark.parametrize(("text", "f", "df", "d2f", "points"), VALID_1D, ids=[case[0] for case in VALID_1D])
def test_value_gradient_and_curvature_equal_hand_formulas(text, f, df, d2f, points):
    objective = gd.parse_objective(text)
    assert objective.dim == 1 and objective.compiled[0] == "typed"
    theta = column(points)
    values, grads = objective.value(theta), objective.grad(theta)
    assert values.shape == (len(points),) and grads.shape == (len(points), 1)
    np.testing.assert_allclose(values, [f(t) for t in points], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grads[:, 0], [df(t) for t in points], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(objective.curvature(theta), [d2f(t) for t in points], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(objective.hessian(theta)[:, 0, 0], [d2f(t) for t in points], rtol=1e-10, atol=1e-12)
    h = 1e-6  # and the gradient against a central difference of the value
    np.testing.assert_allclose(grads[:, 0], (objective.value(theta + h) - objective.value(theta - h)) / (2 * h),
                               rtol=1e-6, atol=1e-6)


ROSENBROCK = "(1 - x)**2 + 100*(y - x**2)**2"
VALID_2D = [  # text, J, ∇J, Hessian by hand
    (ROSENBROCK, lambda x, y: (1 - x) ** 2 + 100 * (y - x * x) ** 2,
     lambda x, y: (-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)),
     lambda x, y: ((2 - 400 * y + 1200 * x * x, -400 * x), (-400 * x, 200))),
    ("x^2 + 3*y^2 + x*y", lambda x, y: x * x + 3 * y * y + x * y, lambda x, y: (2 * x + y, 6 * y + x),
     lambda x, y: ((2, 1), (1, 6))),
    ("sin(x)*cos(y)", lambda x, y: math.sin(x) * math.cos(y),
     lambda x, y: (math.cos(x) * math.cos(y), -math.sin(x) * math.sin(y)),
     lambda x, y: ((-math.sin(x) * math.cos(y), -math.cos(x) * math.sin(y)),
                   (-math.cos(x) * math.sin(y), -math.sin(x) * math.cos(y)))),
    ("exp(x - y) + y^2/2", lambda x, y: math.exp(x - y) + y * y / 2,
     lambda x, y: (math.exp(x - y), -math.exp(x - y) + y),
     lambda x, y: ((math.exp(x - y), -math.exp(x - y)), (-math.exp(x - y), math.exp(x - y) + 1))),
]


@pytest.mark.parametrize(("text", "f", "df", "d2f"), VALID_2D, ids=[case[0] for case in VALID_2D])
def test_a_two_variable_formula_is_a_dim_2_objective_equal_to_hand_formulas(text, f, df, d2f):
    """Arrays shaped (lanes, 2) in, (lanes,) values, (lanes, 2) gradients, (lanes, 2, 2) Hessians out."""
    objective = gd.parse_objective(text)
    assert objective.dim == 2 and objective.variables == ("x", "y")
    points = np.array([[-1.3, 0.7], [0.2, -2.1], [1.5, 1.9], [3.3, -0.4], [0.0, 0.0]])
    values, grads, hessians = objective.value(points), objective.grad(points), objective.hessian(points)
    assert values.shape == (5,) and grads.shape == (5, 2) and hessians.shape == (5, 2, 2)
    assert objective.batch_grad(points, np.array([1, 5, 9])).shape == (5, 2)
    assert objective.batch_grad(points, np.array([[1, 5]] * 5)).shape == (5, 2)
    np.testing.assert_allclose(values, [f(*p) for p in points], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(grads, [df(*p) for p in points], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(hessians, [d2f(*p) for p in points], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(objective.curvature(points), [max(np.linalg.eigvalsh(d2f(*p))) for p in points],
                               rtol=1e-12, atol=1e-12)


def test_typed_rosenbrock_has_its_minimum_and_runs_in_two_dimensions():
    objective = gd.parse_objective(ROSENBROCK)
    assert objective.minimizers == ((1.0, 1.0),) and objective.min_value == 0.0
    assert objective.latex == r"J(x, y) = \left(1 - x\right)^{2} + 100\,\left(y - x^{2}\right)^{2}"
    result = gd.minimize(objective, eta=1e-3, max_iter=20_000)  # from (0, 0)
    assert result.status == "converged" and result.theta.shape == (2,)
    np.testing.assert_allclose(result.theta, [1.0, 1.0], atol=1e-2)


@pytest.mark.skipif("rosenbrock" not in gd.problems(),
                    reason="the built-in rosenbrock arrives with the 2-D objectives (issue 14); until then only the "
                           "typed one exists")
def test_typed_rosenbrock_is_the_built_in_one():
    """On the built-in's span (so the same divergence bound): J is the same bit for bit (computed as typed, each
    square a product as the built-in writes it), ∇J to 1e-12 (the product rule groups its factors otherwise than
    the built-in's hand-written gradient), and batch runs from the built-in's start the same to 1e-9 with the same
    status and update count."""
    built_in = gd.problems()["rosenbrock"]
    objective = gd.parse_objective(ROSENBROCK, plot_range=built_in.plot_range)
    assert objective.dim == built_in.dim == 2 and objective.plot_range == built_in.plot_range
    (x_low, x_high), (y_low, y_high) = built_in.bounds
    grid = np.stack(np.meshgrid(np.linspace(x_low, x_high, 23), np.linspace(y_low, y_high, 19)),
                    axis=-1).reshape(-1, 2)
    assert np.array_equal(objective.value(grid), built_in.value(grid))
    np.testing.assert_allclose(objective.grad(grid), built_in.grad(grid), rtol=1e-12, atol=1e-9)
    np.testing.assert_allclose(objective.hessian(grid), built_in.hessian(grid), rtol=1e-12, atol=1e-9)
    assert objective.points.tolist() == built_in.points.tolist() == [[1.0, 1.0]]
    for eta in (1e-4, 1e-3):
        typed_run = gd.minimize(objective, eta=eta, theta0=built_in.start, max_iter=5_000)
        built_in_run = gd.minimize("rosenbrock", eta=eta, max_iter=5_000)
        np.testing.assert_allclose(typed_run.history, built_in_run.history, rtol=1e-9, atol=1e-12)
        assert (typed_run.status, typed_run.iterations) == (built_in_run.status, built_in_run.iterations)


# --- the article's curve, typed --------------------------------------------------------------------------------

def same_run(a, b):
    return (np.array_equal(a.history, b.history) and np.array_equal(a.losses, b.losses) and a.status == b.status
            and a.iterations == b.iterations and a.theta == b.theta and a.grad == b.grad)


def test_the_typed_article_curve_reproduces_the_articles_run():
    result = gd.minimize(gd.parse_objective(ARTICLE))
    assert result.theta == pytest.approx(2.499891109642585, abs=1e-12)
    assert (result.iterations, result.status) == (45, "converged")


@pytest.mark.parametrize("keywords", [
    {}, {"eta": 0.01}, {"eta": 1.0}, {"eta": 1.1}, {"eta": 0.5, "theta0": -3.0, "stop": "grad_norm"},
    {"variant": "sgd", "eta": 0.05, "max_iter": 300}, {"variant": "minibatch", "batch_size": 8, "eta": 0.05},
    {"optimizer": "momentum", "eta": 0.05}, {"optimizer": "adam", "eta": 0.2, "stop": "step_size"},
    {"schedule": "exponential", "eta": 0.3, "stop": "no_improvement", "seed": 7},
])
def test_the_typed_article_curve_is_the_built_in_quadratic_bit_for_bit(keywords):
    """On the built-in's plot range (which sets the divergence bound), every run is the same, bit for bit: the
    walk computes (θ − 2.5)² − 1 as the built-in does (square, then − 1), ∇J as 2θ − 5 (= 2(θ − 2.5) exactly, as
    doubling is exact) and the per-example offsets are the same."""
    typed_curve = gd.parse_objective(ARTICLE, plot_range=gd.OBJECTIVES["quadratic"].plot_range)
    assert same_run(gd.minimize(typed_curve, **keywords), gd.minimize("quadratic", **keywords))
    assert typed_curve.quadratic and typed_curve.minimizers == (2.5,) and typed_curve.smoothness == 2.0


def test_on_the_default_range_only_the_divergence_bound_differs():
    """On −5 … 5 the bound is 5e8 instead of 6e8: runs that do not diverge are the same bit for bit."""
    typed_curve = gd.parse_objective(ARTICLE)
    for eta in (0.01, 0.1, 1.0):
        assert same_run(gd.minimize(typed_curve, eta=eta), gd.minimize("quadratic", eta=eta))
    assert gd.minimize(typed_curve, eta=1.1).status == "diverged"


def test_the_theory_of_the_typed_article_curve_is_the_built_ins():
    typed_settings = gd.Settings(gd.parse_objective(ARTICLE, plot_range=(-1.0, 6.0)))
    for eta in (0.01, 0.1, 0.5, 1.0, 1.1):
        assert theory.predict(typed_settings, eta) == theory.predict(gd.Settings(), eta)


def test_typed_double_well_has_the_built_in_minima():
    built_in = gd.OBJECTIVES["double_well"]
    objective = gd.parse_objective("x^4/4 - x^2 + 0.3*x", plot_range=built_in.plot_range)
    np.testing.assert_allclose(objective.minimizers, built_in.minimizers, rtol=0, atol=1e-12)
    points = column(np.linspace(-2.2, 2.2, 45))
    np.testing.assert_allclose(objective.value(points), built_in.value(points), rtol=1e-14, atol=1e-14)
    assert not objective.quadratic and objective.smoothness == pytest.approx(3 * 2.2**2 - 2, rel=1e-12)


# --- what is found on the range ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "minimizers"), [
    ("(x - 1)^4", (1.0,)), ("abs(x)", (0.0,)), ("abs(x + 1.5) + 0.1*x^2", (-1.5,)), ("x + 1/x", (1.0,)),
    ("exp(x) - 2*x", (math.log(2),)), ("cos(x)", (-math.pi, math.pi)),
    ("x", ()), ("-x^2", ()), ("exp(x)", ()), ("log(x)", ()), ("(x - 7)^2", ()),
])
def test_minimizers_are_found_on_the_range_or_none(text, minimizers):
    """Every local minimizer strictly inside −5 … 5, deepest first (ties left to right), or none: then the theory
    tab has no prediction."""
    objective = gd.parse_objective(text)
    np.testing.assert_allclose(objective.minimizers, minimizers, rtol=0, atol=1e-12)
    if not minimizers:
        assert theory.predict(gd.Settings(objective), 0.1) is None
        assert theory.predict_directions(gd.Settings(objective), 0.1) is None


def test_smoothness_is_the_largest_curvature_on_the_range():
    assert gd.parse_objective("x^2").smoothness == 2.0
    assert gd.parse_objective("sin(x)").smoothness == pytest.approx(1.0, abs=1e-5)
    assert gd.parse_objective("x^4", plot_range=(-2.0, 1.0)).smoothness == 48.0  # 12θ² at θ = −2
    assert gd.parse_objective("1/x").smoothness is None  # J'' is not finite at θ = 0, a grid point
    assert gd.parse_objective("x^2 + y^2").smoothness == 2.0


def test_the_plot_range_is_the_users():
    objective = gd.parse_objective("(x - 7)^2", plot_range=(0, 10))
    assert objective.plot_range == (0.0, 10.0) and objective.minimizers == (7.0,)
    for bad in [(1, 1), (2, 1), (0, math.inf), (math.nan, 1), "ab", (1, 2, 3), None]:
        with pytest.raises(ParameterError) as refusal:
            gd.parse_objective("x^2", plot_range=bad)
        assert refusal.value.name == "plot_range"


def test_the_same_text_and_range_give_the_same_object():
    assert gd.parse_objective("x^2 + 1") is gd.parse_objective("x^2 + 1")
    assert gd.parse_objective("x^2 + 1", plot_range=(-1, 1)) is not gd.parse_objective("x^2 + 1")
    assert gd.parse_objective(" x^2 + 1 ") is gd.parse_objective("x^2 + 1")  # read the same way


def test_the_latex_is_the_formula_as_typed():
    assert gd.parse_objective(ARTICLE).latex == r"J(\theta) = \left(\theta - 2.5\right)^{2} - 1"
    assert gd.parse_objective("x^4/4 − x^2 + 0.3*θ").latex == \
        r"J(\theta) = \frac{\theta^{4}}{4} - \theta^{2} + 0.3\,\theta"
    assert gd.parse_objective("abs(x)*exp(-x) + sqrt(1e-3 + x^2)").latex == \
        r"J(\theta) = \left|\theta\right|\,e^{-\theta} + \sqrt{10^{-3} + \theta^{2}}"


# --- the engine runs a typed function ---------------------------------------------------------------------------

WAVY = "sin(3*x) + x^2/10 + exp(-x^2) + log(x^2 + 1) + tanh(x)*abs(x)"


def test_a_typed_function_has_the_compiled_loop():
    """Its programs are data to the compiled loop's interpreter (tests/test_typed_compiled.py holds the two loops
    equal)."""
    settings = gd.Settings(gd.parse_objective(WAVY))
    assert compiled.available(settings)
    assert isinstance(settings.objective, typed.TypedObjective) and settings.problem is settings.objective


@pytest.mark.parametrize("variant", ["batch", "sgd", "minibatch"])
def test_each_lane_of_a_typed_function_is_as_if_alone(variant):
    """compare(etas)[i] equals minimize(eta=etas[i]) bit for bit: numpy's functions do not depend on the lane."""
    objective = gd.parse_objective(WAVY)
    etas = list(np.geomspace(1e-3, 2.0, 23))
    together = gd.compare(etas, objective, theta0=1.3, variant=variant, max_iter=400)
    for eta, result in zip(etas, together, strict=True):
        assert same_run(result, gd.minimize(objective, eta=eta, theta0=1.3, variant=variant, max_iter=400))


def test_batch_gradients_of_a_typed_curve_add_antithetic_offsets():
    """As for the built-in curves: one example's gradient is J' plus an offset that does not depend on θ, the
    offsets come in pairs (+a, −a), and over all 64 examples the batch gradient is J'."""
    objective = gd.parse_objective(WAVY)
    points = column([-2.0, 0.3, 1.7])
    offsets = np.stack([objective.batch_grad(points, np.array([i]))[:, 0] - objective.grad(points)[:, 0]
                        for i in range(64)], axis=-1)
    np.testing.assert_allclose(offsets, np.broadcast_to(offsets[0], offsets.shape), rtol=0, atol=1e-12)
    np.testing.assert_allclose(offsets[0, :32], -offsets[0, 32:], rtol=0, atol=1e-12)
    np.testing.assert_allclose(objective.batch_grad(points, np.arange(64)), objective.grad(points), atol=1e-12)


def test_each_stop_and_seeds_of_a_typed_function_equal_minimize():
    objective = gd.parse_objective(WAVY)
    for name, result in gd.each_stop(objective, eta=0.05, theta0=2.0, epsilon=1e-6).items():
        if name != "none":
            assert same_run(result, gd.minimize(objective, eta=0.05, theta0=2.0, epsilon=1e-6, stop=name))
    for seed, result in zip([1, 2, 3], gd.seeds(0.05, [1, 2, 3], objective, variant="sgd", max_iter=200),
                            strict=True):
        assert same_run(result, gd.minimize(objective, eta=0.05, variant="sgd", max_iter=200, seed=seed))


# --- leaving the domain -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "keywords", "iterations", "where", "why"), [
    ("log(x)", {"theta0": 0.5}, 2, -1 / 30, ("log",)),  # 0.5 → 0.3 → 0.3 − 0.1/0.3 < 0
    ("log(x)", {"theta0": 0.0}, 0, 0.0, ("log", "division")),  # θ₀ itself: log 0 and 1/θ
    ("sqrt(x)", {"theta0": 0.0}, 1, 0.0, ("root",)),  # J(0) = 0, but ∇J(0) = 1/(2√0) is not finite
    ("1/x", {"theta0": 0.0}, 0, 0.0, ("division",)),
    ("x^2 - log(x)", {"theta0": 1.0, "eta": 1.0}, 1, 0.0, ("log", "division")),  # 1 − 1·(2 − 1) = 0
    ("x^2 + sqrt(x)", {"theta0": 1.0, "eta": 1.0}, 1, -1.5, ("root",)),
])
def test_leaving_the_domain_has_its_own_status(text, keywords, iterations, where, why):
    """The run ends with LEFT_DOMAIN at the update that reached a point where J (at θ_k) or ∇J (at θ_{k−1}) is
    undefined; undefined() says why, at the last θ if it is finite and outside, else at the one before."""
    result = gd.minimize(gd.parse_objective(text), **keywords)
    assert (result.status, result.iterations) == (LEFT_DOMAIN, iterations)
    problem, history = result.settings.problem, result.history
    point = history[-1] if np.isfinite(history[-1]) and problem.undefined(history[-1]) else history[-2]
    assert point == pytest.approx(where, abs=1e-15) and problem.undefined(point) == why
    assert theory.outcome(result) == "diverges"
    assert gd.each_stop(gd.parse_objective(text), **keywords)[result.settings.stop].status == LEFT_DOMAIN


@pytest.mark.parametrize(("text", "keywords"), [
    ("exp(x^2)", {"theta0": 3.0}),  # ∇J overflows at θ = 3, in the domain: a divergence
    ("x^2", {"eta": 1.1, "theta0": 1.0}), (ARTICLE, {"theta0": 1e200}), ("x^4", {"theta0": 3.0, "eta": 0.5}),
    ("x^2 - log(x)", {"theta0": 1e200}),  # J(θ₀) = inf − 460.5, an overflow where log is defined
])
def test_an_overflow_is_still_a_divergence(text, keywords):
    assert gd.minimize(gd.parse_objective(text), **keywords).status == "diverged"


def test_the_built_in_objectives_never_leave_a_domain():
    assert STATUSES == ("converged", "stalled", "max_iter", "diverged", LEFT_DOMAIN)  # appended, codes unshifted
    for name in gd.OBJECTIVES:
        assert not hasattr(gd.OBJECTIVES[name], "domain")
        statuses = {result.status for result in gd.compare([0.1, 1.0, 3.0, 100.0], name, max_iter=50, theta0=1e3)}
        assert statuses <= set(STATUSES) - {LEFT_DOMAIN}


def test_the_domain_is_where_j_and_its_gradient_are_defined():
    objective = gd.parse_objective("log(x) + sqrt(4 - x) + 1/(x - 2)")
    theta = column([-1.0, 0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
    assert objective.domain(theta).tolist() == [False, False, True, False, True, False, False]
    assert objective.undefined(-1.0) == ("log",) and objective.undefined(2.0) == ("division",)
    assert objective.undefined(5.0) == ("root",) and objective.undefined(1.0) == ()


def test_reference_formulas_agree_with_the_typed_article_curve():
    """tests/reference.py's hand-written article curve against the typed one on its grid."""
    hand = reference.problem("quadratic")
    objective = gd.parse_objective(ARTICLE)
    points = np.linspace(-1, 6, 71)
    assert objective.value(column(points)).tolist() == [hand.value(t) for t in points]
    assert objective.grad(column(points))[:, 0].tolist() == [hand.grad(t) for t in points]


# --- bounded by structure, not by a clock -----------------------------------------------------------------------

def chain(steps, t):
    """Value and derivative of a composition of one-argument steps (f, f') applied in order, by the chain rule."""
    value, slope = t, 1.0
    for f, df in steps:
        value, slope = f(value), df(value) * slope
    return value, slope


BLOCK = [(math.sin, math.cos), (math.cos, lambda u: -math.sin(u)), (math.tan, lambda u: 1 / math.cos(u) ** 2),
         (lambda u: math.exp(u) + 1, math.exp), (math.log, lambda u: 1 / u), (math.sqrt, lambda u: 0.5 / math.sqrt(u)),
         (math.tanh, lambda u: 1 - math.tanh(u) ** 2)]
NESTED = "tanh(sqrt(log(exp(tan(cos(sin(" * 3 + "x" + ")))) + 1)))" * 3  # 21 calls, 28 levels deep


def central_gradient(objective, theta, h=1e-6):
    steps = np.eye(objective.dim) * h
    return np.stack([(objective.value(theta + step) - objective.value(theta - step)) / (2 * h) for step in steps],
                    axis=-1)


def central_hessian(objective, theta, h=1e-5):
    steps = np.eye(objective.dim) * h
    return np.stack([(objective.grad(theta + step) - objective.grad(theta - step)) / (2 * h) for step in steps],
                    axis=-1)


def test_a_deep_composition_of_every_function_is_read_by_the_chain_rule():
    """SymPy could not read such a formula within its deadline on a busy machine; here it is the chain rule, by
    hand, of sin, cos, tan, exp, log, sqrt and tanh three times over."""
    objective = gd.parse_objective(NESTED)
    points = np.linspace(-4.9, 4.9, 15)
    expected = [chain(BLOCK * 3, t) for t in points]
    np.testing.assert_allclose(objective.value(column(points)), [value for value, _ in expected], rtol=1e-12)
    np.testing.assert_allclose(objective.grad(column(points))[:, 0], [slope for _, slope in expected], rtol=1e-10,
                               atol=1e-14)
    np.testing.assert_allclose(objective.hessian(column(points)), central_hessian(objective, column(points)),
                               rtol=1e-5, atol=1e-8)


SLOW = "tanh(log((x+y+1)**100 - 1))"  # two formulas SymPy took over half a second to read, once refused as too slow
SLOWER = "tanh(log(((x+y+1)**100+1)**100 - 1)) + x"


def test_formulas_once_refused_as_slow_are_read_and_equal_hand_formulas():
    """J = tanh(log(s¹⁰⁰ − 1)) with s = x + y + 1 is defined where |s| > 1; its gradient is
    (1 − tanh²)·100 s⁹⁹/(s¹⁰⁰ − 1) on both axes. The nested one is computed where float64 holds its powers."""
    def hand(s):
        inner = s**100 - 1
        return math.tanh(math.log(inner)), (1 - math.tanh(math.log(inner)) ** 2) * 100 * s**99 / inner

    objective = gd.parse_objective(SLOW)
    points = np.array([[0.0, 0.001], [0.5, -0.49], [-2.0, -0.2], [1.0, 1.0], [-3.0, 0.5], [0.02, 0.0]])
    expected = [hand(x + y + 1) for x, y in points]
    np.testing.assert_allclose(objective.value(points), [value for value, _ in expected], rtol=1e-12)
    np.testing.assert_allclose(objective.grad(points), [(slope, slope) for _, slope in expected], rtol=1e-10)
    assert objective.undefined((0.0, -0.5)) == ("log",)  # s = 0.5: s¹⁰⁰ − 1 < 0
    assert objective.undefined((0.0, 0.0)) == ("log", "division")  # s = 1: s¹⁰⁰ − 1 = 0

    def nested(s):
        power = (s**100 + 1) ** 100 - 1
        slope = (1 - math.tanh(math.log(power)) ** 2) * 100 * (s**100 + 1) ** 99 * 100 * s**99 / power
        return math.tanh(math.log(power)), slope

    objective = gd.parse_objective(SLOWER)
    points = np.array([[-0.05, 0.0], [0.0, -0.03], [0.0, 0.0], [0.01, 0.01], [0.05, -0.01]])
    expected = [nested(x + y + 1) for x, y in points]
    np.testing.assert_allclose(objective.value(points), [value for value, _ in expected] + points[:, 0], rtol=1e-12)
    np.testing.assert_allclose(objective.grad(points), [(slope + 1, slope) for _, slope in expected], rtol=1e-9)

    objective = gd.parse_objective("tanh(log((x + 2)**2 + 1)) + x^2/7", plot_range=(-4.0, 4.0))
    points = np.linspace(-4, 4, 9)
    np.testing.assert_allclose(objective.value(column(points)),
                               [math.tanh(math.log((t + 2) ** 2 + 1)) + t * t / 7 for t in points], rtol=1e-12)
    slope = [(1 - math.tanh(math.log((t + 2) ** 2 + 1)) ** 2) * 2 * (t + 2) / ((t + 2) ** 2 + 1) + 2 * t / 7
             for t in points]
    np.testing.assert_allclose(objective.grad(column(points))[:, 0], slope, rtol=1e-12, atol=1e-15)


PRODUCT = "*".join(f"sin(x+{k})" for k in range(15))  # 149 nodes of Python's tree: at the node cap


def test_a_product_at_the_node_cap_is_read_and_a_longer_one_refused():
    objective = gd.parse_objective(PRODUCT)
    points = np.array([-2.3, -0.7, 0.4, 1.9, 3.3])
    factors = [[math.sin(t + k) for k in range(15)] for t in points]
    slopes = [sum(math.cos(t + j) * math.prod(row[:j] + row[j + 1:]) for j in range(15))
              for t, row in zip(points, factors, strict=True)]
    np.testing.assert_allclose(objective.value(column(points)), [math.prod(row) for row in factors], rtol=1e-12)
    np.testing.assert_allclose(objective.grad(column(points))[:, 0], slopes, rtol=1e-10, atol=1e-14)
    with pytest.raises(ParameterError) as refusal:
        gd.parse_objective("*".join(f"sin(x+{k})" for k in range(20)))
    assert (refusal.value.reason, refusal.value.token) == ("too_complex", "199 nodes")


def nested_roots(levels: int) -> str:
    return "sqrt(x/y/" * levels + "x/y" + ")" * levels


def test_the_instruction_cap_admits_a_formula_at_the_edge_of_the_caps_and_refuses_a_denser_one():
    """Nested quotients under roots are the densest formulas found within MAX_NODES: 11 levels (128 nodes) read
    within MAX_INSTRUCTIONS and equal their hand formula; 13 levels (150 nodes, 30 deep) do not."""
    edge = nested_roots(11)
    objective = gd.parse_objective(edge)
    assert objective.formula.size <= typed.MAX_INSTRUCTIONS
    assert objective.instructions == len(objective.formula.value) + len(objective.formula.gradient)

    def hand(x, y):
        value = math.sqrt(x / y / x / y)  # the innermost root, of ((x/y)/x)/y as Python reads x/y/x/y
        for _ in range(10):
            value = math.sqrt(x / y / value)
        return value

    points = np.array([[1.3, 0.7], [0.4, 2.2], [3.1, 1.9], [2.0, 0.5]])
    np.testing.assert_allclose(objective.value(points), [hand(*point) for point in points], rtol=1e-12)
    np.testing.assert_allclose(objective.grad(points), central_gradient(objective, points), rtol=1e-7)
    with pytest.raises(ParameterError) as refusal:
        gd.parse_objective(nested_roots(13))
    count, unit = refusal.value.token.split()
    assert refusal.value.reason == "too_complex" and unit == "instructions" and int(count) > typed.MAX_INSTRUCTIONS


def test_an_update_evaluates_each_common_subexpression_once():
    """Counted by hand: J = (x − 2.5)² − 1 loads x, 2.5 and 1 and computes x − 2.5, its square and J (6);
    ∇J = 2·(x − 2.5) loads x, 2.5, 2 and computes x − 2.5 and the product (5). In sin(x)·sin(x) + sin(x) the sine
    is one instruction."""
    assert gd.parse_objective(ARTICLE).instructions == 11
    assert len(gd.parse_objective("sin(x)*sin(x) + sin(x)").formula.value) == 4  # x, sin, ·, +


def verdict(text):
    try:
        objective = gd.parse_objective(text)
    except ParameterError as error:
        return error.reason, error.token, str(error)
    with np.errstate(all="ignore"):
        return "read", objective.instructions, objective.value(np.ones((1, objective.dim))).tobytes()


VALID_TEXTS = [case[0] for case in VALID_1D + VALID_2D] + [WAVY, NESTED, SLOW, SLOWER, PRODUCT, nested_roots(11)]


def test_a_verdict_is_the_same_every_time():
    """Reading is a pure function of the text: cleared from the cache and read again, every hostile and valid text
    gets the same verdict, reason and token (a refusal is cached as an equal error, with a traceback of its own)."""
    first = {text: verdict(text) for text in HOSTILE + VALID_TEXTS}
    typed._read.cache_clear()
    assert {text: verdict(text) for text in HOSTILE + VALID_TEXTS} == first
    assert sum(outcome[0] == "read" for outcome in first.values()) == len(VALID_TEXTS)
    with pytest.raises(ParameterError):
        gd.parse_objective("(x**100)**100")
    errors, hits = [], typed._read.cache_info().hits
    for _ in range(2):
        try:
            gd.parse_objective("(x**100)**100")
        except ParameterError as error:
            errors.append(error)
    assert typed._read.cache_info().hits == hits + 2  # read once, above, and cached as refused
    assert errors[0] is not errors[1] and str(errors[0]) == str(errors[1])
    assert (errors[0].reason, errors[0].token, errors[0].value) == (errors[1].reason, errors[1].token, "(x**100)**100")


LEAVES = st.sampled_from(["x", "y", "x", "y", "x", "0.5", "2", "1.7"])
FORMULAS = st.recursive(LEAVES, lambda inner: st.one_of(
    st.tuples(st.sampled_from(typed.FUNCTIONS), inner).map(lambda call: f"{call[0]}({call[1]})"),
    st.tuples(inner, st.sampled_from("+-*/"), inner).map(lambda parts: f"({parts[0]}){parts[1]}({parts[2]})"),
    st.tuples(inner, st.sampled_from(["2", "3", "-1", "-2", "0.5", "1.5", "-0.5"])).map(
        lambda power: f"({power[0]})**{power[1]}"),
    inner.map(lambda part: f"-({part})"),
), max_leaves=8)


@settings(max_examples=200, deadline=None)
@given(FORMULAS, st.lists(st.tuples(st.floats(-3, 3), st.floats(-3, 3)), min_size=4, max_size=4))
def test_the_gradient_and_hessian_are_central_differences_of_the_value_and_gradient(text, points):
    """Random formulas of the grammar, at random points where J and ∇J are defined: ∇J is the central difference of
    J and the Hessian that of ∇J, wherever the difference is well-conditioned (it agrees with itself at half the
    step) and the point is not at a kink."""
    try:
        objective = gd.parse_objective(text)
    except ParameterError as error:
        assert error.reason in typed.REASONS
        return
    theta = np.array(points)[:, :objective.dim]
    with np.errstate(all="ignore"):
        inside = objective.domain(theta) & np.isfinite(objective.value(theta))
        for derivative, differences, h in [(objective.grad, central_gradient, 1e-5),
                                           (objective.hessian, central_hessian, 1e-4)]:
            exact = derivative(theta)
            coarse, fine = (differences(objective, theta, step) for step in (h, h / 2))
            scale = 1 + np.abs(fine)
            # away from a kink of |u|: the forward and backward differences agree, and the derivative computed
            # beside θ is the one at θ (d|u| = sign(u)·du is 0 where u = 0, even for |x·x|)
            forward, backward = (differences(objective, theta + shift, h / 2) for shift in (h / 2, -h / 2))
            beside = [derivative(theta + shift) for shift in (h / 10, -h / 10)]
            steady = ((np.abs(coarse - fine) <= 1e-6 * scale) & (np.abs(forward - backward) <= 1e-3 * scale)
                      & (np.abs(beside[0] - exact) <= 1e-3 * scale) & (np.abs(beside[1] - exact) <= 1e-3 * scale)
                      & np.isfinite(exact))
            for lane in np.flatnonzero(inside & np.all(steady, axis=tuple(range(1, fine.ndim)))):
                np.testing.assert_allclose(exact[lane], fine[lane], rtol=1e-4, atol=1e-4, err_msg=text)


def test_typed_quartic_is_the_built_in_one_bit_for_bit():
    """Integer powers are products, left to right, as the built-in curves write them ((θ − 1)⁴ is u·u·u·u; numpy's
    power differs in the last bit at some θ)."""
    built_in = gd.OBJECTIVES["quartic"]
    objective = gd.parse_objective("(x - 1)**4", plot_range=built_in.plot_range)
    points = column(np.linspace(-1, 3, 4001) + 0.0123)
    assert np.array_equal(objective.value(points), built_in.value(points))
    assert same_run(gd.minimize(objective, eta=0.05, theta0=2.5), gd.minimize("quartic", eta=0.05, theta0=2.5))


def test_the_theory_of_a_typed_surface_is_the_eigenbasis_at_its_minimum():
    """x² + 10y² from (1, 1): the closed form in the eigenbasis predicts the run's updates and status."""
    settings = gd.Settings(gd.parse_objective("x^2 + 10*y^2"), theta0=(1.0, 1.0))
    prediction = theory.predict_directions(settings, 0.05)
    result = gd.minimize(settings.objective, eta=0.05, theta0=(1.0, 1.0))
    assert prediction.basis.eigenvalues == (2.0, 20.0) and prediction.basis.minimizer == (0.0, 0.0)
    assert (prediction.updates, prediction.status) == (result.iterations, result.status) and prediction.exact
    assert not gd.parse_objective(ROSENBROCK).quadratic and not gd.parse_objective("x^2 + abs(y)").quadratic
