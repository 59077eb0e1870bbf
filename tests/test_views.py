"""The view builders, called as plain functions (no Streamlit): what each view shows, checked against the
engine run separately and against numbers written out from the article and the closed forms."""

import json
from dataclasses import replace

import numpy as np
import pytest

import gd
from gd.lab import charts, frames, views
from gd.lab.controls import DEFAULT_ETAS, DEFAULTS
from gd.lab.format import number
from gd.lab.text import t

ARTICLE_THETA = 2.499891109642585  # the article prints these for η = 0.1, θ₀ = 0, ε = 1e-8
ARTICLE_GRAD = -0.0002177807148298072
ARTICLE_LOSS = -0.99999998814289


def rows(spec: dict, layer: dict | None = None) -> list[dict]:
    """The data rows a chart (or one of its layers) draws."""
    name = ((layer or {}).get("data") or spec["data"])["name"]
    return spec["datasets"][name]


def layer_of(spec: dict, mark: str) -> dict:
    layers = spec["spec"]["layer"] if "spec" in spec else spec["layer"]
    return next(layer for layer in layers if (layer["mark"] if isinstance(layer["mark"], str)
                                              else layer["mark"]["type"]) == mark)


def test_the_headline_is_the_articles_run():
    shown = views.headline(DEFAULTS.for_view("headline"))
    assert [value for _, value, _ in shown.metrics] == ["2.49989", "-0.000217781", "-1", "45", "converged"]
    assert all(text in shown.exact for text in (repr(ARTICLE_THETA), repr(ARTICLE_GRAD), repr(ARTICLE_LOSS)))
    assert shown.status == "converged" and shown.updates == 45 and shown.outcome == "converges"
    assert shown.explanation.startswith("Converged after 45 updates")
    theta = 0.0
    for k in range(46):  # the article's update, written out
        assert shown.history[k] == theta
        theta = theta - 0.1 * 2 * (theta - 2.5)
    assert len(shown.history) == 46 and shown.plain and shown.schedule is None
    assert shown.prediction.updates == 45 and shown.prediction.regime == "monotone"


def test_the_headline_keeps_only_the_first_updates_of_a_long_run():
    shown = views.headline(replace(DEFAULTS, eta=0.001).for_view("headline"))
    assert shown.updates > views.GEOMETRY_STEPS
    assert len(shown.history) == len(shown.losses) == views.GEOMETRY_STEPS + 1
    assert shown.losses[1] == pytest.approx((shown.history[1] - 2.5) ** 2 - 1, abs=1e-15)


def test_compare_draws_one_panel_per_eta_with_the_points_each_run_visited():
    view = views.compare(DEFAULTS.for_view("compare"))
    assert [" · ".join(panel["title"]["text"]) for panel in view.panels] == [
        "η = 0.01 · 423 updates · converged", "η = 0.1 · 45 updates · converged",
        "η = 0.9 · 45 updates · converged", "η = 1 · 1 update · stalled", "η = 1.1 · diverged at update 106"]
    for eta, panel in zip(DEFAULT_ETAS, view.panels, strict=True):
        [path] = [layer for layer in panel["layer"] if layer["mark"].get("point", {}).get("shape") == "diamond"]
        points = rows(panel, path)
        theta = 0.0
        for row in sorted(points, key=lambda row: row["k"])[:40]:  # the first 40 are drawn without thinning
            assert row["theta"] == pytest.approx(theta, rel=1e-15, abs=1e-15)
            assert row["loss"] == pytest.approx((theta - 2.5) ** 2 - 1, rel=1e-12, abs=1e-12)
            theta = theta - eta * 2 * (theta - 2.5)
        assert path["mark"]["clip"] is True and path["mark"]["point"]["clip"] is True  # cut at the plot's edge
        if eta == 1.1:
            assert max(row["k"] for row in points) == 106  # drawn to its last update, clipped where it leaves
    assert view.table["updates"].tolist() == [423, 45, 45, 1, 106]
    assert view.table["status"].tolist() == ["converged", "converged", "converged", "stalled", "diverged"]
    assert view.columns["theta"] == "final θ"


def test_compare_measures_the_gap_to_the_minimum_in_the_unit_asked_for():
    view = views.compare(replace(DEFAULTS, unit="examples", variant="minibatch", batch_size=8).for_view("compare"))
    gaps = rows(view.convergence, view.convergence["layer"][0])
    assert view.convergence["layer"][0]["encoding"]["x"]["field"] == "examples"
    assert all(row["examples"] == 8 * row["k"] for row in gaps)
    first = [row for row in gaps if row["k"] == 0]
    assert all(row["gap"] == pytest.approx(5.25 + 1) for row in first)  # J(0) − J* = (0 − 2.5)² − 1 − (−1)


def test_theory_puts_the_closed_form_beside_the_measurement():
    view = views.theory_view(DEFAULTS.for_view("theory"))
    assert view.exact is True and "L = 2" in view.note
    assert view.table["regime"].tolist() == ["monotone", "monotone", "oscillating, converging", "bouncing forever",
                                             "diverging"]
    # |ΔJ_k| = (L/2) d₀² |1 − r²| r^(2(k−1)) < ε with L = 2, d₀ = 2.5, r = 1 − 2η: the first k, written out
    for eta, predicted in zip(DEFAULT_ETAS[:3], view.table["predicted"][:3], strict=True):
        r, k = 1 - 2 * eta, 1
        while 6.25 * abs(1 - r * r) * r ** (2 * (k - 1)) >= 1e-8:
            k += 1
        assert predicted == k
    assert (view.table["updates"] - view.table["predicted"]).abs().max() <= 1


def test_the_sweep_runs_every_eta_and_marks_the_fastest_that_converged():
    run = replace(DEFAULTS, sweep_points=9, sweep_low=0.05, sweep_high=1.2).for_view("theory")
    view = views.theory_view(run)
    updates_chart = view.sweeps[0]
    layers = updates_chart["layer"]
    sweep_layer, best_layer = [layer for layer in layers if layer["mark"]["type"] == "point"]
    assert sweep_layer["encoding"]["shape"]["field"] == "status"  # a status is a colour and a shape
    points = rows(updates_chart, sweep_layer)
    etas = np.geomspace(0.05, 1.2, 9)
    separate = [gd.minimize(eta=eta) for eta in etas]
    assert [row["updates"] for row in points] == [result.iterations for result in separate]
    converged = [(result.iterations, result.eta) for result in separate if result.status == "converged"]
    best = rows(updates_chart, best_layer)
    assert [row["eta"] for row in best] == [min(converged)[1]]
    shaded = rows(updates_chart, layer_of(updates_chart, "rect"))
    assert [(row["regime"], row["start"], row["end"]) for row in shaded] == [
        ("monotone", 0.05, 0.5), ("oscillating", 0.5, 1.0), ("diverging", 1.0, 1.2)]  # 1/L = 0.5, 2/L = 1


def test_theory_says_when_there_is_no_closed_form():
    view = views.theory_view(replace(DEFAULTS, optimizer="adam").for_view("theory"))
    assert view.table is None and view.exact is None and "Closed forms exist" in view.note
    assert [formula.latex for formula in view.formulas] == [
        gd.OBJECTIVES["quadratic"].latex, gd.OPTIMIZERS["adam"].latex, gd.SCHEDULES["constant"].latex,
        gd.STOPS["loss_change"].latex]


@pytest.mark.parametrize("settings", [{}, {"eta": 1.0}, {"optimizer": "adam", "variant": "sgd", "max_iter": 3000},
                                      {"eta": 1.1}, {"objective": "double_well", "theta0": 1.5, "epsilon": 1e-4}])
def test_the_stopping_lab_equals_a_separate_run_under_each_rule(settings):
    run = replace(DEFAULTS, **settings)
    view = views.stopping(run.for_view("stopping"))
    keywords = dict(variant=run.variant, optimizer=run.optimizer, max_iter=run.max_iter, epsilon=run.epsilon,
                    theta0=run.theta0)
    separate = [gd.minimize(run.objective, eta=run.eta, **{**keywords, "stop": stop}) for stop in gd.STOPS]
    separate.append(gd.minimize(run.objective, eta=run.eta, **{**keywords, "epsilon": 0.0}))
    assert view.table["updates"].tolist() == [result.iterations for result in separate]
    assert view.table["rule"].tolist() == ["|ΔJ| < ε (the article's)", "|dJ| < ε", "|Δθ| < ε",
                                           "no improvement for 5 updates", "the iteration limit alone"]
    assert len(view.panels) == len(view.explanations) == 5
    assert [panel["title"]["text"][0] for panel in view.panels] == view.table["rule"].tolist()


def test_the_article_trap_in_the_stopping_lab():
    view = views.stopping(replace(DEFAULTS, eta=1.0).for_view("stopping"))
    article = view.table.iloc[0]
    assert (article["updates"], article["status"], article["at_minimum"]) == (1, "stalled", "no")
    assert view.table.iloc[-1]["updates"] == 10_000  # bouncing between 0 and 5 until the limit
    assert "J(5) = J(0)" in view.explanations[0][1]


def test_one_update_shows_the_minus_sign_at_work():
    shown = views.headline(DEFAULTS.for_view("headline"))
    steps = views.step_through(DEFAULTS, shown)
    assert steps.updates == 45
    assert steps.sentences[0].startswith("Update 1: at θ₀ = 0 the slope is dJ = -5.")
    assert "−η·dJ = -0.1 × (-5) = 0.5, so θ₁ = 0.5" in steps.sentences[0]
    theta3 = 2.5 - 2.5 * 0.8**3  # θ_k = 2.5 + (1 − 2η)^k (θ₀ − 2.5)
    assert steps.sentences[3].startswith(f"Update 4: at θ₃ = {theta3:.6g}")
    chart = steps.at(3)
    assert chart["datasets"][charts.PLAYER][0][charts.STEP] == 3
    arrow = layer_of(chart, "rule")
    drawn = [row for row in rows(chart, arrow) if row["k"] == 3]  # what the chart's filter k == step keeps
    assert drawn[0]["theta_next"] == pytest.approx(2.5 - 2.5 * 0.8**4, rel=1e-14)
    assert arrow["transform"] == [{"filter": "(datum.k === step)"}]
    assert {**steps.at(3), "datasets": None} == {**steps.chart, "datasets": None}  # the spec stays as it is
    assert {**steps.at(3)["datasets"], charts.PLAYER: None} == {**steps.chart["datasets"], charts.PLAYER: None}


def test_the_step_through_follows_a_diverging_run_with_its_axes():
    """η = 1.1 is blank in the plot from the third update on; each update's chart now has axes that hold both
    ends of its arrow and the curve drawn over them, and its sentence says the view widened."""
    shown = views.headline(replace(DEFAULTS, eta=1.1).for_view("headline"))
    steps = views.step_through(replace(DEFAULTS, eta=1.1), shown)
    assert steps.updates == 106
    for k in (0, 2, 50, 105):
        chart = steps.at(k)
        (player,) = chart["datasets"][charts.PLAYER]  # the step, the zoom and the axes' domains the chart reads
        x_domain, y_domain = [player["x_low"], player["x_high"]], [player["y_low"], player["y_high"]]
        ends = (shown.history[k], shown.history[k + 1])
        assert x_domain[0] <= min(ends) and max(ends) <= x_domain[1]
        scaled = [layer["encoding"][axis]["scale"]["domain"] for layer in chart["layer"]
                  for axis in ("x", "y") if "scale" in layer.get("encoding", {}).get(axis, {})]
        assert scaled and all(domain in ({"expr": "[x_low, x_high]"}, {"expr": "[y_low, y_high]"}) for domain in scaled)
        zoomed = [{"filter": "(datum.zoom === zoom)"}]
        (curve,) = [layer for layer in chart["layer"] if layer.get("transform") == zoomed]
        zoom = player["zoom"]
        drawn = [row for row in rows(chart, curve) if row["zoom"] == zoom]
        assert min(row["theta"] for row in drawn) == x_domain[0] and max(row["theta"] for row in drawn) == x_domain[1]
        loss = [row["loss"] for row in drawn]
        assert y_domain[0] == min(loss) and y_domain[1] >= max(loss)  # room above for the top point's label
        assert all(y_domain[0] <= (end - 2.5) ** 2 - 1 <= y_domain[1] for end in ends)  # both points inside, in J too
        assert ("axes follow it" in steps.sentences[k]) == (x_domain[1] - x_domain[0] > 7.0)
    assert [steps.at(0)["datasets"][charts.PLAYER][0][name] for name in ("x_low", "x_high")] == [-1.0, 6.0]


def test_the_step_through_writes_subscripts_and_draws_the_tangent():
    shown = views.headline(replace(DEFAULTS, eta=0.01).for_view("headline"))
    steps = views.step_through(replace(DEFAULTS, eta=0.01), shown)
    assert steps.updates == 200 and "θ₁₂ = " in steps.sentences[11] and "θ₁₉₉ = " in steps.sentences[198]
    curve, tangent_layer = steps.chart["layer"][:2]
    windows = len(steps.domains)  # the run creeps in: its steps shrink, and the view zooms in on them
    assert 10 < windows <= frames.MOST_WINDOWS and "the axes zoom in on it" in steps.sentences[-1]
    assert tangent_layer["mark"]["strokeDash"] == [6, 3]
    assert len(rows(steps.chart, curve)) == min(frames.CURVE_POINTS, charts.MAX_ROWS // windows) * windows
    (left, right) = sorted((row for row in rows(steps.chart, tangent_layer) if row["k"] == 0),
                           key=lambda row: row["theta"])
    assert (right["loss"] - left["loss"]) / (right["theta"] - left["theta"]) == pytest.approx(-5.0)  # dJ(0)


def test_one_update_does_not_claim_minus_eta_times_dj_for_a_sampled_gradient():
    run = replace(DEFAULTS, variant="sgd")
    shown = views.headline(run.for_view("headline"))
    sentence = views.step_through(run, shown).sentences[0]
    assert "not exactly −η·dJ" in sentence
    assert f"The step taken was {shown.history[1] - shown.history[0]:.6g}" in sentence


def test_a_run_without_updates_has_nothing_to_step_through():
    run = replace(DEFAULTS, theta0=100.0, objective="quartic", eta=10.0)
    shown = views.headline(run.for_view("headline"))
    assert views.step_through(run, shown).updates == shown.updates


def test_noise_draws_the_spread_of_the_seeds():
    run = replace(DEFAULTS, variant="sgd", seeds=6, max_iter=400)
    view = views.noise(run.for_view("noise"))
    separate = [gd.minimize(eta=0.1, variant="sgd", seed=seed, max_iter=400) for seed in range(6)]
    seeds = view.spread["layer"][0]  # one point per seed, over its bin of the final θ
    assert seeds["encoding"]["x"]["field"] == "middle" and seeds["transform"][0]["field"] == "theta"
    assert seeds["encoding"]["shape"]["field"] == "status"
    ends = rows(view.spread, seeds)
    assert sorted(row["theta"] for row in ends) == sorted(result.theta for result in separate)
    assert sorted(row["updates"] for row in ends) == sorted(result.iterations for result in separate)
    finals = np.array([result.theta for result in separate])
    assert view.spread_sentence.startswith(f"Where the seeds end: θ from {number(finals.min())} to "
                                           f"{number(finals.max())}, mean {number(finals.mean())}, standard "
                                           f"deviation {number(np.sqrt(np.mean((finals - finals.mean()) ** 2)))}.")
    band = rows(view.band, view.band["layer"][0])
    length = max(len(result.history) for result in separate)
    paths = np.array([np.pad(result.history, (0, length - len(result.history)), mode="edge") for result in separate])
    by_k = {row["k"]: row for row in band}
    for k in (0, 1, 10, length - 1):
        assert by_k[k]["mean"] == pytest.approx(paths[:, k].mean(), rel=1e-12)
        assert by_k[k]["low"] <= by_k[k]["mean"] <= by_k[k]["high"]
    assert "6 runs of Stochastic descent" in view.caption


@pytest.mark.parametrize(("eta", "guess", "bucket", "points"), [
    (1.1, "diverges", 2, 2), (0.9, "zigzags", 1, 2), (0.9, "converges", 1, 1), (0.01, "diverges", 0, 0),
    (0.1, "converges", 1, 2)])
def test_predict_scores_the_guess(eta, guess, bucket, points):
    """η = 1.1 diverges at update 106 (bucket 101–1000); η = 0.9 crosses the minimum every update in 45; η = 0.01
    creeps in over 423; the article's η = 0.1 converges in 45 (bucket 11–100)."""
    shown = views.headline(views.guessed(DEFAULTS, eta))
    view = views.predict(DEFAULTS, shown, guess, bucket, earlier=(2, 0))
    assert view.points == points
    assert view.verdict.endswith(f"Your total: {2 + points} of 6.")



def test_the_convergence_caption_says_which_lines_coincide_only_when_they_do():
    """On the article's parabola η and 1 − η shrink the gap alike, (1 − 2η)² per update: 0.1 and 0.9 draw one line.
    Under Adam, or with sampled examples, they do not, and the caption must not say so (it always did)."""
    caption = views.compare(DEFAULTS.for_view("compare")).convergence_caption
    assert "η = 0.1 and η = 0.9" in caption and "(1 − ηL)²" in caption
    for settings in ({"optimizer": "adam"}, {"variant": "sgd"}, {"etas": (0.1, 0.2)}):
        assert "coincide" not in views.compare(replace(DEFAULTS, **settings).for_view("compare")).convergence_caption
    pairs = views.compare(replace(DEFAULTS, etas=(0.1, 0.9, 0.2, 0.8)).for_view("compare")).convergence_caption
    assert "η = 0.1 and η = 0.9, η = 0.2 and η = 0.8" in pairs


def test_a_run_that_reached_the_minimum_at_the_limit_is_at_a_minimum():
    """ε = 0 runs to the limit and ends at θ = 2.5 with dJ ≈ 1e-15: at a minimum, and no advice to raise the limit
    (the stopping lab's last column said "no" and "raise the iteration limit")."""
    view = views.stopping(DEFAULTS.for_view("stopping"))
    assert view.table.iloc[-1]["at_minimum"] == "yes" and view.table.iloc[-1]["status"] == "hit the limit"
    sentence = view.explanations[-1][1]
    assert "ended at a minimum" in sentence and "with ε = 0 the stopping rule never fires" in sentence
    assert "Raise the iteration limit" not in sentence
    shown = views.headline(replace(DEFAULTS, stop="grad_norm", epsilon=0.0).for_view("headline"))
    assert "ended at a minimum" in shown.explanation
    assert views.stopping(replace(DEFAULTS, eta=1.0).for_view("stopping")).table.iloc[-1]["at_minimum"] == "no"


@pytest.mark.parametrize(("settings", "said", "not_said"), [
    ({"variant": "sgd", "max_iter": 300}, "a larger η only adds noise", "pick a larger η"),
    ({"eta": 0.999, "max_iter": 200}, "pick a smaller η", "pick a larger η"),
    ({"eta": 0.001, "max_iter": 100}, "pick a larger η (up to 1/L = 0.5", "smaller η"),
    ({"optimizer": "adam", "eta": 0.001, "max_iter": 100}, "Raise the iteration limit or ε.", "larger η"),
])
def test_advice_after_the_limit_follows_theory_and_the_run(settings, said, not_said):
    """A larger η helps only plain full-batch descent creeping in from one side (ηL < 1): with sampled examples it
    adds noise, past 1/L it overshoots, and there is no closed form for Adam."""
    explanation = views.headline(replace(DEFAULTS, **settings).for_view("headline")).explanation
    assert explanation.startswith("Hit the limit") and said in explanation and not_said not in explanation


@pytest.mark.parametrize("settings", [{}, {"eta": 0.9}, {"eta": 1.0}, {"epsilon": 0.0, "max_iter": 50},
                                      {"theta0": -3.0, "eta": 0.3, "epsilon": 1e-3}, {"eta": 0.001, "max_iter": 20}])
def test_the_articles_code_prints_what_the_page_says_it_prints(settings):
    """Run the code the page shows, as a learner would paste it: its output is the page's line, digit for digit."""
    import subprocess
    import sys

    shown = views.article_code(replace(DEFAULTS, **settings).for_view("headline"))
    printed = subprocess.run([sys.executable, "-c", shown.code], capture_output=True, text=True, check=True).stdout
    assert printed.strip() == shown.printed
    assert f"eta = {float(settings.get('eta', 0.1))!r}" in shown.code and "max_iter" in shown.code


def test_the_articles_code_with_the_articles_numbers():
    shown = views.article_code(DEFAULTS.for_view("headline"))
    assert shown.printed == "2.499891109642585 -0.0002177807148298072 -0.99999998814289 46"  # as the article prints
    assert shown.note.startswith("Run it and it prints exactly")
    other = views.article_code(replace(DEFAULTS, optimizer="adam").for_view("headline"))
    assert "your run above uses other settings" in other.note


RUN_AS_SHOWN = """
import json, sys
namespace, error = {}, None
try:
    exec(sys.stdin.read(), namespace)
except OverflowError as raised:
    error = str(raised)
history = namespace["theta_history"]
print(json.dumps({"error": error, "updates": len(history) - 1, "last": history[-3:]}))
"""


@pytest.mark.parametrize("settings", [
    {"eta": 0.01}, {"eta": 0.1}, {"eta": 0.9}, {"eta": 1.0}, {"eta": 1.1}, {"eta": 2.0}, {"eta": 10.0},
    {"eta": 1.1, "max_iter": 1_000}, {"eta": 0.1, "epsilon": 0.0, "max_iter": 5_000},
    {"eta": 1.0, "epsilon": 0.0, "max_iter": 300}, {"eta": 0.001, "max_iter": 20}, {"eta": 1.0001, "max_iter": 900},
])
def test_the_articles_code_ends_as_the_page_says(settings):
    """The code the page shows, run as shown (Python floats, in its own process): the page's sentence says how it
    ends. A diverging η stops it with OverflowError after 1,942 updates at η = 1.1 (323 at 2, 121 at 10): the page
    said θ reaches inf and the loop never ends. It prints what the page prints otherwise; at the limit the page says
    whether the loop would never end without it (θ no longer changes or only repeats, as the run's last θ show)."""
    import subprocess
    import sys

    run = replace(DEFAULTS, **settings)
    shown = views.article_code(run.for_view("headline"))
    ran = subprocess.run([sys.executable, "-c", RUN_AS_SHOWN], input=shown.code, capture_output=True, text=True,
                         check=True).stdout.splitlines()
    fate = json.loads(ran[-1])
    updates, last = fate["updates"], fate["last"]
    if fate["error"] is not None:
        assert fate["error"] == "(34, 'Numerical result out of range')"
        assert shown.printed is None and f"stops after {updates:,} updates with OverflowError" in shown.note
    else:
        assert shown.printed == ran[-2] and "OverflowError" not in shown.note
        at_limit = f"It ran to the limit of {run.max_iter:,} updates" in shown.note
        assert at_limit == (updates == run.max_iter and not abs(
            ((last[-1] - 2.5) ** 2 - 1) - ((last[-2] - 2.5) ** 2 - 1)) < run.epsilon)
        repeating = last[-1] in last[:-1]
        assert ("would never end" in shown.note) == (at_limit and repeating)
    assert {1.1: 1_942, 2.0: 323, 10.0: 121}.get(settings["eta"], updates) == updates or "max_iter" in settings


def test_the_flat_bottomed_quartic_has_no_closed_form_and_no_crash():
    """J = (θ − 1)⁴ has J''(θ*) = 0: 1/L does not exist (the theory tab used to divide by zero)."""
    view = views.theory_view(replace(DEFAULTS, objective="quartic").for_view("theory"))
    assert view.table is None and view.note.startswith("No prediction") and "J''(θ*) = 0," in view.note
    explanation = views.headline(replace(DEFAULTS, objective="quartic", epsilon=0.0, max_iter=50,
                                         theta0=1.125, eta=1.0).for_view("headline")).explanation
    assert explanation.startswith("Hit the limit") and "1/L" not in explanation


def test_the_download_is_named_for_what_it_holds():
    assert views.compare(DEFAULTS.for_view("compare")).download_name == "quadratic_points_eta_0.01_0.1_0.9_1_1.1.csv"
    typed = replace(DEFAULTS, objective="custom", function="x^2", etas=(0.25, 1e-05))
    assert views.compare(typed.for_view("compare")).download_name == "your-function_points_eta_0.25_1e-05.csv"


def test_the_sweeps_advice_follows_its_runs_and_the_cap():
    """When no η of the sweep converged, the advice comes from the sweep's runs (run here with gd.compare) and from
    the cap: with ε = 0 nothing can converge (it said: raise the limit, right after the cap had lowered it)."""
    from gd.lab import budget

    def advice(**settings):
        run = replace(DEFAULTS, view="theory", **settings)
        statuses = {result.status for result in gd.compare(list(run.sweep_etas()), **run.keywords())}
        return views.theory_view(run.for_view("theory")).sweep_none, statuses

    said, statuses = advice(epsilon=0.0, max_iter=2_000)
    assert statuses <= {"max_iter", "diverged"} and said == t("section.sweep.none.epsilon") and "raise" not in said
    said, statuses = advice(sweep_low=1.5, sweep_high=10.0)
    assert statuses == {"diverged"} and said == t("section.sweep.none.diverged")
    said, statuses = advice(sweep_low=1e-6, sweep_high=1e-5, max_iter=100)
    assert "max_iter" in statuses and said == t("section.sweep.none.limit")
    heavy = replace(DEFAULTS, objective="logistic_regression", view="theory", sweep_low=1e-6, sweep_high=1e-5,
                    sweep_points=200, etas=(1e-6,))
    with pytest.raises(budget.WorkCapError) as refused:
        budget.check(heavy)
    at_the_cap = replace(heavy, max_iter=refused.value.fits)
    with pytest.raises(budget.WorkCapError):
        budget.check(replace(at_the_cap, max_iter=2 * at_the_cap.max_iter))
    assert views.theory_view(at_the_cap.for_view("theory")).sweep_none == t("section.sweep.none.capped")
