"""The page on the 2-D surfaces (issue 14): every surface opens in every view it has, and what each view shows is what
the engine computes when run separately. App tests through Streamlit's AppTest."""

import numpy as np
import pytest
from app import charts, open_page, panel_titles, plain, written_title

import gd
from gd import theory
from gd.lab import frames, views
from gd.lab.controls import RACE_ETAS, Run, start_of, surface_defaults, views_of
from gd.lab.format import number
from gd.lab.links import read_url, to_url
from gd.lab.text import t

CASES = [(name, view) for name in gd.SURFACES for view in views_of(name)]


@pytest.mark.parametrize(("objective", "view"), CASES, ids=[f"{name}-{view}" for name, view in CASES])
def test_every_surface_opens_in_every_view_it_has(objective, view):
    noisy = {"variant": "sgd", "max_iter": "2000"} if view == "noise" else {}
    app = open_page(objective=objective, view=view, **noisy)
    assert not app.exception
    assert [tab.label for tab in app.tabs] == [t(f"view.{name}") for name in views_of(objective)]
    refusals = [plain(box.value) for box in app.error if not plain(box.value).startswith("Diverged")]
    assert all("would take up to" in said for said in refusals), refusals  # only the work cap may refuse
    if not refusals and view not in ("predict", "inside"):  # inside: plain descent keeps nothing, and says so
        assert charts(app), view
    result = gd.minimize(objective, eta=surface_defaults(objective)["eta"],
                         max_iter=2000 if view == "noise" else 10_000, variant="sgd" if view == "noise" else "batch")
    assert {metric.label: metric.value for metric in app.metric}[t("metric.theta")] == number(result.theta)


def test_a_surface_has_the_race_its_quadratic_momentums_map_and_a_regression_its_fitted_model():
    assert views_of("quadratic") == ("compare", "theory", "range", "stopping", "geometry", "inside", "noise", "predict")
    assert views_of("rosenbrock")[-1] == "race" and "momentum" not in views_of("rosenbrock")
    assert views_of("ravine")[-2:] == ("race", "momentum")
    assert views_of("linear_regression_2d")[-3:] == ("race", "momentum", "regression")
    assert views_of("logistic_regression_2d")[-2:] == ("race", "regression")  # not a quadratic


def test_side_by_side_on_a_surface_is_one_map_per_eta_with_each_runs_path():
    app = open_page(objective="ravine", etas="0.05,0.19,0.21")
    runs = gd.compare([0.05, 0.19, 0.21], "ravine")
    assert panel_titles(app) == [written_title(eta, result.status, result.iterations)
                                 for eta, result in zip([0.05, 0.19, 0.21], runs, strict=True)]
    shown = views.compare(Run(objective="ravine", theta0=start_of("ravine"), etas=(0.05, 0.19, 0.21)))
    for spec, result in zip(shown.panels, runs, strict=True):
        drawn = {row["k"]: (row["x"], row["y"]) for row in spec["datasets"]["path"]}
        for k in (0, 1, 5):
            assert drawn[k] == pytest.approx(tuple(result.history[k]), rel=1e-12, abs=1e-12)
    assert runs[2].status == "diverged" and spec["datasets"]["edges"]  # the one past 2/λmax = 0.2 is marked leaving
    assert list(shown.points.columns) == ["eta", "k", "x", "y", "loss", "grad_x", "grad_y"]  # the CSV's


def test_the_theory_tab_on_the_ravine_predicts_each_eta_within_one_update():
    """A = [[5.5, 4.5], [4.5, 5.5]] has λ = 1 and 10: stable below 2/10 = 0.2, best constant η = 2/11."""
    app = open_page(objective="ravine", view="theory", etas="0.05,0.1,0.19,0.21")
    note = " ".join(plain(text.value) for text in app.markdown)
    assert "λmin = 1, λmax = 10" in note and "2/λmax = 0.2" in note and f"= {number(2 / 11)}" in note
    table = app.dataframe[0].value
    runs = gd.compare([0.05, 0.1, 0.19, 0.21], "ravine")
    assert table["updates"].tolist() == [result.iterations for result in runs]
    assert (table["updates"] - table["predicted"]).abs().max() <= 1
    assert table["status"].tolist()[-1] == t("status.diverged")


def test_the_race_runs_every_rule_with_its_own_eta_as_the_engine_does():
    app = open_page(objective="rosenbrock", view="race", race_adam="0.5")
    table = app.dataframe[0].value
    etas = {**RACE_ETAS["rosenbrock"], "adam": 0.5}
    separate = [gd.minimize("rosenbrock", eta=etas[name], optimizer=name) for name in gd.OPTIMIZERS]
    assert table["updates"].tolist()[:-1] == [result.iterations for result in separate]
    assert table["eta"].tolist() == [*(number(etas[name]) for name in gd.OPTIMIZERS), "1"]  # and Newton's, η = 1
    assert app.text_input(key="race_adam").value == "0.5"
    assert app.query_params["race_adam"] in ("0.5", ["0.5"])
    assert "race_gd" not in app.query_params  # a surface's own default stays out of the link


def test_momentums_map_marks_theorys_best_pair_and_yours():
    app = open_page(objective="ravine", view="momentum", eta="0.1")
    basis = theory.eigenbasis(gd.Settings("ravine"))
    best_eta, best_beta = basis.momentum_best
    assert best_eta == pytest.approx(4 / (np.sqrt(10) + 1) ** 2) and best_beta == pytest.approx(
        ((np.sqrt(10) - 1) / (np.sqrt(10) + 1)) ** 2)
    said = " ".join(plain(text.value) for text in app.markdown)
    assert f"η = {number(best_eta)}, β = {number(best_beta)}" in said and "η = 0.1 and β = 0.9" in said


def test_the_fitted_line_at_each_update_is_the_runs_w_and_b():
    run = Run(objective="linear_regression_2d", theta0=start_of("linear_regression_2d"), eta=0.1, view="regression")
    shown = views.regression(run.for_view("regression"))
    result = gd.minimize("linear_regression_2d", eta=0.1, theta0=start_of("linear_regression_2d"))
    assert shown.updates == result.iterations
    rows = next(rows for rows in shown.fit["datasets"].values() if rows and "fit" in rows[0])
    for k in (0, 1, result.iterations):
        w, b = result.history[k]
        at_k = [row for row in rows if row["k"] == k]
        assert len(at_k) == 2 and all(row["fit"] == pytest.approx(w * row["x"] + b, rel=1e-5) for row in at_k)
    assert not open_page(**to_url(run)).exception


def test_a_start_typed_as_a_pair_reopens_from_a_link_exactly():
    run = Run(objective="himmelblau", theta0=(-4.0, 0.1234567), view="compare", **surface_defaults("himmelblau"))
    query = to_url(run)
    assert query["theta0"] == "-4,0.1234567"
    values, problems = read_url(query)
    assert not problems and values["theta0"] == (-4.0, 0.1234567)
    app = open_page(**query)
    result = gd.minimize("himmelblau", eta=surface_defaults("himmelblau")["eta"], theta0=(-4.0, 0.1234567))
    assert {metric.label: metric.value for metric in app.metric}[t("metric.theta")] == number(result.theta)
    assert app.text_input(key="theta0").value == "-4, 0.1234567"


def test_a_single_number_on_a_surface_keeps_its_own_start_and_says_so():
    app = open_page(objective="rosenbrock", theta0="3")
    (said,) = [plain(box.value) for box in app.error]
    assert said.startswith(t("label.theta0")) and "takes 2 numbers" in said and said.endswith("starts at -1.5, 2.")
    start = start_of("rosenbrock")
    result = gd.minimize("rosenbrock", eta=surface_defaults("rosenbrock")["eta"], theta0=start)
    assert {metric.label: metric.value for metric in app.metric}[t("metric.theta")] == number(result.theta)


def test_a_new_objective_starts_from_its_own_point_with_its_own_learning_rates():
    app = open_page(theta0="4", eta="0.3")
    app.selectbox(key="objective.en").set_value("saddle").run()
    assert not app.exception and not app.error
    assert app.text_input(key="theta0").value == "1.5, 0"
    assert app.text_input(key="eta_here").value == "0.5"  # plain descent's η in the saddle's race
    assert app.text_input(key="etas").value == "0.05, 0.25, 0.5, 0.75, 1"  # 0.1, 0.5, 1, 1.5 and 2 times it
    app.selectbox(key="objective.en").set_value("double_well").run()
    assert app.text_input(key="theta0").value == "0" and app.text_input(key="eta").value == "0.1"
    typed = app.text_input(key="eta").set_value("0.3").run()
    typed.selectbox(key="objective.en").set_value("quartic").run()
    assert app.text_input(key="eta").value == "0.3"  # from one curve to another, η stays


def test_a_link_to_a_surface_without_learning_rates_opens_with_the_surfaces_own():
    app = open_page(objective="rosenbrock")
    defaults = surface_defaults("rosenbrock")
    assert defaults == {"eta": 0.002, "etas": (0.0002, 0.001, 0.002, 0.003, 0.004), "max_iter": 10_000}
    runs = gd.compare(list(defaults["etas"]), "rosenbrock")
    assert {result.status for result in runs} == {"max_iter", "converged", "diverged"}  # slow, good, too large
    assert panel_titles(app) == [written_title(eta, result.status, result.iterations)
                                 for eta, result in zip(defaults["etas"], runs, strict=True)]


def test_the_race_of_a_new_surface_starts_from_that_surfaces_own_etas_in_the_same_tab():
    app = open_page(objective="ravine", view="race")
    assert app.text_input(key="race_adam").value == "1"
    app.selectbox(key="objective.en").set_value("rosenbrock").run()
    assert app.query_params["view"] in ("race", ["race"])  # the race stays open: Rosenbrock has one too
    assert app.text_input(key="race_adam").value == "2"  # Rosenbrock's, not the ravine's carried over
    assert "race_adam" not in app.query_params


def test_a_tab_the_new_objective_lacks_gives_way_to_side_by_side():
    app = open_page(objective="ravine", view="momentum")
    app.selectbox(key="objective.en").set_value("rosenbrock").run()  # not a quadratic: no momentum's map
    assert not app.exception and app.query_params.get("view", "compare") in ("compare", ["compare"])


def test_side_by_side_says_what_a_maps_marks_mean_not_a_curves():
    """The curves' caption speaks of "the same curve"; on a surface the map's own (contours, ◆ minimum, and + saddle
    point only where the surface has one)."""
    on_a_map = " ".join(plain(caption.value) for caption in open_page(objective="himmelblau").caption)
    assert plain(t("map.caption.contours")) in on_a_map and plain(t("map.caption.saddle")) in on_a_map
    assert plain(t("section.compare.caption")) not in on_a_map
    on_a_curve = " ".join(plain(caption.value) for caption in open_page().caption)
    assert plain(t("section.compare.caption")) in on_a_curve and plain(t("map.caption.contours")) not in on_a_curve


@pytest.mark.parametrize("name", sorted(gd.SURFACES))
def test_a_maps_caption_names_only_the_marks_it_draws(name):
    """Dashed lines are named where the map draws a dashed layer (the eigen-directions, on a quadratic), a saddle's
    cross where the surface has a saddle point: the saddle's caption named dashed lines that were not drawn."""
    from gd.lab import maps

    surface = maps.surface_map(name)
    caption = maps.legend_note(surface)
    spec = maps.panel(surface, frames.path(gd.minimize(name, eta=1e-3, max_iter=5)), maps.escapes(
        gd.minimize(name, eta=1e-3, max_iter=5), surface.box), "title", "#000", step=5)
    dashed = any(isinstance(layer.get("mark"), dict) and layer["mark"].get("strokeDash")
                 for layer in spec.get("layer", []))
    assert (t("map.caption.eigen") in caption) == dashed == gd.SURFACES[name].quadratic
    assert (t("map.caption.saddle") in caption) == bool(gd.SURFACES[name].saddles)
