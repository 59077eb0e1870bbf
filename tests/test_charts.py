"""Chart builders, checked on the Vega-Lite spec they produce (no Streamlit needed)."""

import numpy as np
import pytest

import gd
from gd.lab import charts, frames


def rows(spec) -> int:
    return sum(len(data) for data in spec["datasets"].values())


def layers_of(spec):
    return spec["spec"]["layer"] if "spec" in spec else spec["layer"]


@pytest.fixture(scope="module")
def default_runs():
    return gd.compare([0.01, 0.1, 0.9, 1.0, 1.1])


def side_by_side(results):
    problem = results[0].settings.problem
    panels = [frames.panel_title(result) for result in results]
    return charts.trajectories(frames.curve(problem), frames.trajectories(results), panels).to_dict(), panels


def test_one_panel_per_eta_in_the_given_order(default_runs):
    spec, panels = side_by_side(default_runs)
    assert spec["facet"]["field"] == "panel" and spec["facet"]["sort"] == panels
    path_data = next(data for data in spec["datasets"].values() if "panel" in data[0])
    assert [row["panel"] for row in path_data if row["k"] == 0] == panels


def test_panels_share_axes_and_show_the_curve_with_the_path(default_runs):
    spec, _ = side_by_side(default_runs)
    curve_layer, path_layer = layers_of(spec)
    assert curve_layer["encoding"]["x"]["field"] == path_layer["encoding"]["x"]["field"] == "theta"
    assert path_layer["encoding"]["y"]["field"] == "loss"
    assert curve_layer["encoding"]["x"]["scale"]["domain"] == [-1.0, 6.0]  # the article's plot range
    assert "data" in curve_layer  # drawn in every panel from one data set, not faceted
    assert spec.get("resolve") is None  # shared scales
    assert [tooltip["field"] for tooltip in path_layer["encoding"]["tooltip"]] == ["k", "theta", "loss", "grad"]


def test_chart_data_stays_small_for_long_runs():
    results = gd.compare(list(np.geomspace(1e-4, 0.5, 12)), epsilon=0, max_iter=100_000)
    assert all(result.iterations == 100_000 for result in results)
    spec, _ = side_by_side(results)
    assert rows(spec) <= frames.CURVE_POINTS + 12 * frames.PATH_POINTS
    convergence = charts.convergence(frames.gaps(results)).to_dict()
    assert rows(convergence) <= 12 * frames.PATH_POINTS


def test_convergence_is_log_scaled_one_line_per_eta_with_hover(default_runs):
    spec = charts.convergence(frames.gaps(default_runs)).to_dict()
    lines, points = spec["layer"]
    assert lines["encoding"]["y"]["scale"]["type"] == "log"
    assert lines["encoding"]["color"]["field"] == "eta"
    data = next(iter(spec["datasets"].values()))
    assert {row["eta"] for row in data} == {"0.01", "0.1", "0.9", "1", "1.1"}
    (hover,) = spec["params"]  # Altair lifts a layer's selection to the top, bound to its view
    assert hover["select"]["on"] == "pointerover" and hover["views"] == [points["name"]]
    assert lines["encoding"]["opacity"]["condition"]["param"] == hover["name"]


def sweep_spec(objective, measure="updates"):
    results = gd.compare(list(np.geomspace(1e-3, 1.5, 20)), objective)
    table = frames.sweep(results)
    best = frames.best_eta(table)
    return charts.sweep(table, measure, best, results[0].settings.problem.smoothness).to_dict(), best


def rule_positions(spec):
    found = set()
    for layer in spec["layer"]:
        if layer["mark"]["type"] == "rule":
            found |= {row["eta"] for row in spec["datasets"][layer["data"]["name"]]}
    return found


def test_sweep_draws_one_over_l_and_two_over_l_where_l_is_known():
    spec, best = sweep_spec("quadratic")
    assert rule_positions(spec) == {0.5, 1.0}  # L = 2
    assert best is not None
    diamonds = [layer for layer in spec["layer"] if layer["mark"].get("shape") == "diamond"]
    assert [row["eta"] for row in spec["datasets"][diamonds[0]["data"]["name"]]] == [best]


def test_sweep_has_no_guides_without_a_global_l():
    spec, _ = sweep_spec("double_well")
    assert rule_positions(spec) == set()


def test_sweep_colours_by_status_on_a_log_eta_axis():
    spec, _ = sweep_spec("quadratic")
    points = spec["layer"][0]
    assert points["encoding"]["x"]["scale"]["type"] == "log"
    assert points["encoding"]["color"]["scale"]["domain"] == list(gd.STATUSES)


def test_final_gradient_is_on_a_log_axis_with_zero_floored():
    spec, _ = sweep_spec("quadratic", "grad")
    points = spec["layer"][0]
    assert points["encoding"]["y"]["field"] == "grad" and points["encoding"]["y"]["scale"]["type"] == "log"
    assert min(row["grad"] for row in spec["datasets"][spec["layer"][0]["data"]["name"]]) >= frames.GAP_FLOOR
