"""Anything read can be shown (issue 19, item 3): a formula typed or linked, however hard on a plot (a pole, a flat
bottom, overflow, a thousand contour lines), goes through every view the page has for it without an exception; every
chart spec the views build is JSON that Vega accepts (no inf or nan: json.dumps(allow_nan=False)) with at most
charts.MAX_ROWS rows a dataset (Altair's own limit); where no parabola fits the bottom, theory says it predicts
nothing, checked against the Hessian written by hand. The built-in objectives at the extremes the page accepts too.

Nothing is rendered (vl-convert is not installed): the specs' JSON is checked. UnshowableWarning, which the views'
last check (charts.guarded) raises when it has to repair a spec, is an error here, so a cause upstream cannot hide
behind the repair."""

import json
from dataclasses import replace

import numpy as np
import pytest

from gd.lab import charts, maps, views
from gd.lab.controls import CHOICES, CUSTOM, DEFAULTS, Run, start_of, views_of
from gd.lab.format import number
from gd.lab.text import t

pytestmark = pytest.mark.filterwarnings("error::gd.lab.charts.UnshowableWarning")

ONE = [  # 1-D: poles, logarithms, roots, overflow, flat and kinked bottoms, wild oscillation, huge and tiny scales
    "tan(x)", "1/x", "log(x)", "exp(x)", "x^(-2)", "abs(x)/x", "sqrt(x)", "exp(x^2)", "sin(1/x)", "1/(x-1)", "x^4",
    "abs(x)", "x^6 - x^2", "1/x^2 + x^2", "log(abs(x))", "exp(-x^2)", "-x^2", "sqrt(abs(x))", "tanh(x)", "x^3",
    "exp(exp(x))", "log(x^2)", "1/sin(x)", "x*sin(1/x)", "cos(100*x)", "(x-0.3)^4", "exp(x)*1e15", "1e-15*x^2",
    "sqrt(x - 4.99)", "1/(x^2 - 1)", "x^100", "tan(x)^2",
]
TWO = [  # 2-D: the same troubles on a map, and contours by the thousand (sin(30x)·sin(30y): 135,000 vertices)
    "sin(x*y)", "x^4+y^2", "x^2 + 0*y", "x*y", "1/(x*y)", "log(x^2+y^2)", "exp(x+y)", "tan(x)*y", "x^4 + 0*y",
    "(x^2+y^2)^2", "sin(10*x)*sin(10*y)", "sin(30*x)*sin(30*y)", "abs(x)+y^2", "1/(x^2+y^2)", "sqrt(x*y)",
    "exp(x^2+y^2)", "x^2 - y^2", "sin(x^2+y^2)", "(x-0.33)^4+y^2", "log(x)+log(y)", "x/y", "tan(x*y)",
    "exp(exp(x+y))", "1e-15*(x^2+y^2)", "1e15*(x^2+y^2)", "x^100+y^100", "(1-x)^2+100*(y-x^2)^2", "sqrt(x^2+y^2)",
    "abs(x)/x + y^2",
]
AWAY = {1: 0.7, 2: (0.7, -0.4)}  # a second start, off the origin where many of these are undefined


def specs(part):
    """Every chart spec in a view's result: its dicts with layers or a mark, wherever they sit."""
    if isinstance(part, dict):
        if "layer" in part or "mark" in part:
            yield part
        return
    if isinstance(part, list | tuple):
        for item in part:
            yield from specs(item)
    elif hasattr(part, "__dataclass_fields__"):
        for name in part.__dataclass_fields__:
            yield from specs(getattr(part, name))


def assert_showable(built, where: str) -> int:
    """Every spec in built is JSON without inf or nan, each inline dataset within MAX_ROWS; the specs' count."""
    count = 0
    for spec in specs(built):
        json.dumps(spec, allow_nan=False)  # raises ValueError on inf or nan
        for name, rows in spec.get("datasets", {}).items():
            assert len(rows) <= charts.MAX_ROWS, f"{where}: dataset {name} has {len(rows):,} rows"
        count += 1
    if isinstance(built, views.StepThrough):  # what the page draws at each update: the chart with that zoom's axes
        for k in sorted({0, built.updates // 2, built.updates - 1} if built.updates else ()):
            json.dumps(built.at(k), allow_nan=False)
    return count


def every_view(run: Run) -> dict:
    """Every builder the page calls for run's objective (views_of names its tabs), as the page calls it: the headline,
    the formulas and (on a curve built in) the article's code above the tabs, then each tab's builder."""
    shown = views.headline(run.for_view("headline"))
    built = {"headline": shown, "formulas": views.formulas(run.for_view("headline"))}
    if run.objective != CUSTOM and np.ndim(start_of(run.objective)) == 0:  # the page shows it on the curves built in
        built["article"] = views.article_code(run.for_view("headline"))
    builders = {
        "compare": lambda: views.compare(run.for_view("compare")),
        "theory": lambda: views.theory_view(run.for_view("theory")),
        "range": lambda: views.range_view(run.for_view("range")),
        "basins": lambda: views.basins(run.for_view("basins")),
        "stopping": lambda: views.stopping(run.for_view("stopping")),
        "geometry": lambda: views.step_through(run.for_view("geometry"), shown),
        "inside": lambda: views.inside_view(replace(run, optimizer="adam").for_view("inside")),  # gd keeps nothing
        "noise": lambda: views.noise(replace(run, variant="sgd").for_view("noise")),  # the page needs sampling
        "predict": lambda: views.predict(run, shown, "converges", 1),
        "race": lambda: views.race(run.for_view("race")),
        "momentum": lambda: views.momentum(run.for_view("momentum")),
        "regression": lambda: views.regression(run.for_view("regression")),
    }
    for name in views_of(run.objective, run.function):
        built[name] = builders[name]()
    return built


def typed(text: str, start=None) -> Run:
    """A run of the typed formula as a link opens it (its own start unless given), short: 300 updates, two η (one that
    settles, the largest the page takes), 20 sweep points, 5 seeds."""
    own = start_of(CUSTOM, text)
    return replace(DEFAULTS, objective=CUSTOM, function=text, max_iter=300, etas=(0.1, 10.0), sweep_points=20, seeds=5,
                   theta0=own if start is None else start)


@pytest.mark.parametrize("text", ONE + TWO)
def test_every_view_of_a_typed_function_can_be_shown(text):
    for run in (typed(text), typed(text, AWAY[np.size(start_of(CUSTOM, text))])):
        built = every_view(run)
        assert set(views_of(CUSTOM, text)) <= set(built)
        assert sum(assert_showable(part, f"{text} · {name}") for name, part in built.items()) > 0


def test_the_lists_are_as_long_as_the_issue_asks():
    dims = [np.ndim(start_of(CUSTOM, text)) for text in ONE + TWO]
    assert dims.count(0) >= 20 and dims.count(1) >= 20 and dims.count(0) == len(ONE)


EXTREMES = [(objective, theta0) for objective in CHOICES["objective"] if objective != CUSTOM
            for theta0 in (-100.0, 100.0)]


@pytest.mark.parametrize("objective, theta0", EXTREMES)
def test_the_built_in_objectives_at_the_extremes_can_be_shown(objective, theta0):
    """η = 10 (the largest the page takes) beside 0.01 and 1, θ₀ = ±100, ε = 0, 300 updates; a schedule too, so the
    headline draws its chart."""
    start = theta0 if np.ndim(start_of(objective)) == 0 else (theta0, -theta0)
    run = replace(DEFAULTS, objective=objective, theta0=start, eta=10.0, etas=(0.01, 1.0, 10.0), epsilon=0.0,
                  max_iter=300, schedule="exponential", race=tuple((f"race_{name}", 10.0) for name in
                                                                   ("gd", "momentum", "adam")))
    built = every_view(run)
    assert sum(assert_showable(part, f"{objective} · {name}") for name, part in built.items()) > 0


# --- a map's rows -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["sin(x*y)", "sin(10*x)*sin(10*y)", "sin(30*x)*sin(30*y)", "sin(x^2+y^2)"])
def test_a_busy_map_keeps_its_contours_within_the_cap(text):
    """Hundreds of lines (sin(x·y): 380 of them, 10,340 vertices; sin(30x)·sin(30y): 27,542) are thinned, then fewer
    levels drawn, so a map's contours hold at most CONTOUR_ROWS vertices; the background is shaded by the levels
    drawn, so its bands and the lines agree."""
    surface = maps.surface_map(maps.TYPED + text)
    assert 0 < len(surface.contours) <= maps.CONTOUR_ROWS and len(surface.background) <= maps.GRID_CELLS ** 2
    assert 1 <= len(surface.levels) <= maps.LEVELS and surface.background["band"].max() <= len(surface.levels)
    assert set(surface.contours["level"]) <= set(range(len(surface.levels)))
    assert surface.contours.groupby("piece").size().min() >= 2


def test_a_thinned_contour_vertex_is_still_on_its_level():
    """sin(x·y) keeps every level, its lines thinned: J at each vertex is its level's value within linear
    interpolation's error on the grid (h²/8 · max|J''| = h²/8 · 25, half again for the cell) and the rounding of
    the vertex to 1e-4 of the map (|∇J| ≤ 5√2 times 5e-4)."""
    surface = maps.surface_map(maps.TYPED + "sin(x*y)")
    assert len(surface.levels) == maps.LEVELS and len(surface.contours) <= maps.CONTOUR_ROWS
    x, y = surface.contours["x"].to_numpy(), surface.contours["y"].to_numpy()
    level = surface.levels[surface.contours["level"].to_numpy()]
    h = 10 / (maps.CONTOUR_GRID - 1)
    assert np.max(np.abs(np.sin(x * y) - level)) <= 1.5 * h * h / 8 * 25 + 5 * np.sqrt(2) * 5e-4


def test_the_built_in_maps_are_drawn_whole():
    """The cap is above every built-in surface's contours: each keeps all 12 levels and lines of up to LINE_POINTS."""
    for name in ("ravine", "rosenbrock", "himmelblau", "saddle", "linear_regression_2d", "logistic_regression_2d"):
        surface = maps.surface_map(name)
        assert len(surface.levels) == maps.LEVELS and len(surface.contours) <= maps.CONTOUR_ROWS
        assert surface.contours.groupby("piece").size().max() <= maps.LINE_POINTS


# --- theory where no parabola fits ---------------------------------------------------------------------------------

NO_PREDICTION = {"en": "No prediction", "zh": "无法预测"}
HESSIANS = {  # formula: (its minimizer nearest the start, its Hessian there written by hand; J'' in 1-D)
    "x^4": (0.0, [[0.0]]), "(x-0.3)^4": (0.3, [[0.0]]),
    "x^100": (None, [[0.0]]),  # J underflows to 0 within 1e-3 of 0, so the minimum is found anywhere there
    "abs(x)": (0.0, [[0.0]]),  # |x|'' = 0 on both sides of the kink
    "x^6 - x^2": (3 ** -0.25, [[30 / 3 - 2]]), "1/x^2 + x^2": (1.0, [[6 + 2]]), "1e-15*x^2": (None, [[2e-15]]),
    "x^4+y^2": ((0, 0), [[0, 0], [0, 2]]), "x^4 + 0*y": (None, [[0, 0], [0, 0]]), "x^2 + 0*y": (None, [[2, 0], [0, 0]]),
    "(x^2+y^2)^2": ((0, 0), [[0, 0], [0, 0]]), "abs(x)+y^2": ((0, 0), [[0, 0], [0, 2]]),
    "(x-0.33)^4+y^2": ((0.33, 0), [[0, 0], [0, 2]]), "x^100+y^100": ((0, 0), [[0, 0], [0, 0]]),
    "x^2 - y^2 + y^4": (None, [[2, 0], [0, 4]]),  # minima at (0, ±1/√2), where −2 + 12y² = 4
    "exp(x^2+y^2)": ((0, 0), [[2, 0], [0, 2]]), "1e15*(x^2+y^2)": ((0, 0), [[2e15, 0], [0, 2e15]]),
    "(1-x)^2+100*(y-x^2)^2": ((1, 1), [[802, -400], [-400, 200]]),
}


@pytest.mark.parametrize("text", HESSIANS)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_theory_predicts_nothing_exactly_where_a_direction_is_flat(text, lang):
    """The theory view's note against the eigenvalues of the Hessian written by hand: a zero one gives "no
    prediction" and no table (the run's sweep still drawn); positive ones give κ (or L) to six digits and a table."""
    minimizer, hessian = HESSIANS[text]
    hand = np.linalg.eigvalsh(np.array(hessian, dtype=float))
    run = replace(typed(text, AWAY[len(hessian)] if len(hessian) == 2 else 0.7), lang=lang)
    view = views.theory_view(run.for_view("theory"))
    assert len(view.sweeps) == 2 and assert_showable(view, text) == 2
    said = NO_PREDICTION[lang]
    if hand[0] <= 0:
        assert view.note.startswith(said) and view.table is None and view.exact is None
        assert minimizer is None or f"θ* = {number(minimizer)}" in view.note
    else:
        assert not view.note.startswith(said) and view.table is not None
        assert number(hand[0]) in view.note if len(hand) == 1 else f"κ = {number(hand[-1] / hand[0])}" in view.note


def test_the_flat_note_says_what_was_measured():
    view = views.theory_view(typed("x^4 + y^2", (0.7, -0.4)).for_view("theory"))
    assert view.note.startswith("No prediction") and "(0, 2)" in view.note  # the eigenvalues, by hand: 12x², 2
    assert "condition number κ, the stability limit, the best η and momentum's best (η, β) are undefined" in view.note
    curve = views.theory_view(typed("x^4", 0.7).for_view("theory"))
    assert curve.note.startswith("No prediction") and "J''(θ*) = 0," in curve.note


# --- the marks that say a value was cut ----------------------------------------------------------------------------


def test_a_pole_is_cut_at_the_plots_edge_and_the_axis_says_so():
    """1/(x − 1) on (−5, 5): the curve's samples reach ±∞ at 1; the panel's J axis ends at finite numbers, holds the
    other samples' middle, and is titled to say that the curve is drawn at its edge where it runs off."""
    panel = views.compare(typed("1/(x-1)", 3.0).for_view("compare")).panels[0]
    curve = panel["layer"][0]
    domain = curve["encoding"]["y"]["scale"]["domain"]
    x = np.linspace(-5, 5, 141)
    with np.errstate(divide="ignore"):
        samples = 1 / (x - 1)
    assert np.all(np.isfinite(domain)) and domain[0] < np.quantile(samples[np.isfinite(samples)], 0.05)
    assert domain[1] > np.quantile(samples[np.isfinite(samples)], 0.95) and domain[1] < 1e6
    assert curve["encoding"]["y"]["title"] == t("chart.loss.cut")
    rows = panel["datasets"][curve["data"]["name"]]
    assert all(row["loss"] is None or domain[0] <= row["loss"] <= domain[1] for row in rows)


def test_a_curve_that_stays_on_the_plot_is_not_said_to_be_cut():
    panel = views.compare(typed("(x-2.5)^2-1", 0.0).for_view("compare")).panels[0]
    assert panel["layer"][0]["encoding"]["y"]["title"] == "J(θ)"
    assert panel["layer"][0]["encoding"]["y"]["scale"]["domain"] == [-1.0, (-5 - 2.5) ** 2 - 1]  # the whole curve


def test_a_convergence_chart_with_nothing_to_draw_says_why():
    view = views.compare(typed("1/x", 0.0).for_view("compare"))  # J(0) is undefined: every run ends at θ₀
    assert view.convergence_caption.endswith(t("section.convergence.none"))
    assert all(np.isfinite(view.convergence["layer"][0]["encoding"]["y"]["scale"]["domain"]))


def test_the_guard_finds_what_json_cannot_carry_and_repairs_it_with_a_warning():
    spec = {"layer": [{"encoding": {"y": {"scale": {"domain": [0.0, float("inf")]}}}}],
            "datasets": {"a": [{"x": float("nan")}, {"x": 1.0}]}}
    assert charts.problems(spec) == ["layer[0].encoding.y.scale.domain[1] = inf", "datasets.a[0].x = nan"]
    with pytest.warns(charts.UnshowableWarning, match="domain"):
        repaired = charts.guarded(spec)
    assert json.loads(json.dumps(repaired, allow_nan=False))["layer"][0]["encoding"]["y"]["scale"]["domain"] == [
        0.0, None]
    assert spec["datasets"]["a"][0]["x"] != spec["datasets"]["a"][0]["x"]  # the original is left as it was (nan)
    with pytest.raises(ValueError, match="rows"):
        charts.guarded({"datasets": {"a": [{"x": 1}] * (charts.MAX_ROWS + 1)}})
