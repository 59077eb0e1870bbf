"""Chart builders, checked on the Vega-Lite spec they produce (no Streamlit needed)."""

import numpy as np
import pytest

import gd
from gd.lab import charts, frames
from gd.lab.format import number


def rows(spec) -> int:
    return sum(len(data) for data in spec["datasets"].values())


def layers_of(spec):
    return spec["spec"]["layer"] if "spec" in spec else spec["layer"]


@pytest.fixture(scope="module")
def default_runs():
    return gd.compare([0.01, 0.1, 0.9, 1.0, 1.1])


def side_by_side(results):
    from gd.lab.views import panels

    return panels(results), [frames.panel_title(result) for result in results]


def convergence_of(results, unit="k"):
    gaps, last = frames.gaps(results), frames.horizon(results)
    span = frames.gap_span(gaps)
    return charts.convergence(gaps, frames.ends(results, last, span[1]), last, span, unit).to_dict()


def title_of(spec) -> str:
    return charts.TITLE_SEPARATOR.join(spec["title"]["text"])


def test_one_panel_per_eta_in_the_given_order_each_in_its_etas_colour(default_runs):
    specs, titles = side_by_side(default_runs)
    assert [title_of(spec) for spec in specs] == titles
    path_colours = [spec["layer"][1]["mark"]["color"] for spec in specs]
    assert path_colours == list(charts.ETA_COLORS[:5])
    assert len(set(path_colours)) == 5  # told apart at a glance
    convergence = convergence_of(default_runs)
    colour = convergence["layer"][0]["encoding"]["color"]["scale"]
    assert colour["domain"] == ["0.01", "0.1", "0.9", "1", "1.1"] and colour["range"] == path_colours


def test_panels_share_axes_take_their_columns_width_and_show_the_curve_with_the_path(default_runs):
    specs, _ = side_by_side(default_runs)
    for spec in specs:
        curve_layer, path_layer = spec["layer"][:2]
        assert spec["width"] == "container"  # a panel never sets its own width, so none spills out of a column
        assert curve_layer["encoding"]["x"]["field"] == path_layer["encoding"]["x"]["field"] == "theta"
        assert curve_layer["encoding"]["x"]["scale"]["domain"] == [-1.0, 6.0]  # the article's plot range
        assert [tooltip["field"] for tooltip in path_layer["encoding"]["tooltip"]] == ["k", "theta", "loss", "grad"]
    assert len({str(spec["layer"][0]["encoding"]["y"]["scale"]["domain"]) for spec in specs}) == 1


def test_a_run_that_leaves_the_plot_is_marked_on_the_edge_and_its_value_said_under_the_title(default_runs):
    """The marker stays on the edge; its value goes under the title, so no label lies on the plot (the Rosenbrock
    panel's "θ₅ = (1.33655e+14, …)" sat on the minimum's marker); every panel has as many note lines, so panels side by
    side keep their plots level."""
    specs, _ = side_by_side(default_runs)
    diverged = default_runs[-1]
    assert diverged.status == "diverged" and diverged.theta < 0
    assert not [layer for spec in specs for layer in spec["layer"] if layer["mark"]["type"] == "text"]
    assert specs[-1]["title"]["subtitle"] == [f"◀ θ{frames.subscript(diverged.iterations)} = {number(diverged.theta)}"]
    assert [spec["title"]["subtitle"] for spec in specs[:-1]] == [["\u00a0"]] * 4
    (edge,) = [layer for layer in specs[-1]["layer"] if layer["mark"].get("shape") == "triangle-left"]
    (row,) = specs[-1]["datasets"][edge["data"]["name"]]
    assert row["theta"] == specs[-1]["layer"][0]["encoding"]["x"]["scale"]["domain"][0]  # on the left edge


def test_chart_data_stays_small_for_long_runs():
    results = gd.compare(list(np.geomspace(1e-4, 0.5, 12)), epsilon=0, max_iter=100_000)
    assert all(result.iterations == 100_000 for result in results)
    specs, _ = side_by_side(results)
    assert sum(rows(spec) for spec in specs) <= 12 * (frames.CURVE_POINTS + frames.PATH_POINTS)
    assert rows(convergence_of(results)) <= 2 * 12 * frames.PATH_POINTS + 12


def test_convergence_is_log_scaled_one_line_per_eta_with_hover(default_runs):
    spec = convergence_of(default_runs)
    lines, points = spec["layer"][:2]
    assert lines["encoding"]["y"]["scale"]["type"] == "log"
    assert lines["encoding"]["color"]["field"] == "eta"
    data = spec["datasets"][spec["data"]["name"]] if "data" in spec else spec["datasets"][lines["data"]["name"]]
    assert {row["eta"] for row in data} == {"0.01", "0.1", "0.9", "1", "1.1"}
    (hover,) = spec["params"]  # Altair lifts a layer's selection to the top, bound to its view
    assert hover["select"]["on"] == "pointerover" and hover["views"] == [points["name"]]
    assert lines["encoding"]["opacity"]["condition"]["param"] == hover["name"]


def test_every_runs_last_point_is_drawn_so_a_one_update_run_is_seen(default_runs):
    spec = convergence_of(default_runs)
    ends_layer = spec["layer"][2]
    assert ends_layer["mark"]["type"] == "point" and ends_layer["mark"]["filled"] is True
    assert ends_layer["encoding"]["shape"]["scale"]["range"] == [charts.eta_shape(i) for i in range(5)]
    drawn = {(row["eta"], row["k"]) for row in spec["datasets"][ends_layer["data"]["name"]]}
    assert drawn == {("0.01", 423), ("0.1", 45), ("0.9", 45), ("1", 1), ("1.1", 106)}


def test_each_eta_has_its_own_dash_in_one_legend_below_and_the_edge_marks_say_their_update(default_runs):
    """A second channel beside colour (the lines' dash), one legend under the plot in as many columns as the width
    holds, whose entries say where a run diverged or goes on; the marks on the edge are drawn inside the plot."""
    spec = convergence_of(default_runs)
    lines = spec["layer"][0]
    dash = lines["encoding"]["strokeDash"]
    assert dash["scale"]["range"] == [charts.eta_dash(i) for i in range(5)] and dash["legend"]["orient"] == "bottom"
    assert dash["legend"]["columns"] == 1 and dash["legend"]["labelLimit"] == 0  # long entries one a row, never cut
    assert "1.1 ✕ diverged at 106" in dash["legend"]["labelExpr"]
    assert all(layer["encoding"].get(channel, {}).get("legend", "none") in (None, "none")
               for layer in spec["layer"][1:] for channel in ("shape", "strokeDash"))  # one legend, not two
    (cross,) = [layer for layer in spec["layer"] if layer["mark"].get("shape") == "cross"]
    assert cross["mark"]["yOffset"] > 0 and cross["mark"]["clip"] is True  # below the top edge, inside
    assert all(layer["mark"].get("clip") for layer in spec["layer"])  # nothing drawn outside the plot
    assert spec["autosize"] == {"type": "fit-x", "contains": "padding"}  # as tall as its legend needs


def test_runs_orders_of_magnitude_apart_put_the_updates_on_a_log_axis_with_ticks_that_read_as_one():
    """Twelve η from 3,681 updates down to 12: a linear axis squeezes the short runs into its left edge."""
    results = gd.compare([0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1, 1.1])
    last = frames.horizon(results)
    assert last == 3681 and frames.spans_decades(results, last)
    gaps = frames.gaps(results)
    span = frames.gap_span(gaps)
    spec = charts.convergence(gaps, frames.ends(results, last, span[1]), last, span, "k", True).to_dict()
    x = spec["layer"][0]["encoding"]["x"]
    assert x["scale"]["type"] == "symlog" and x["axis"]["values"] == [0, 1, 10, 100, 1000]
    assert x["axis"]["format"] == "~s" and x["axis"]["title"] == "updates k (log scale)"
    assert not frames.spans_decades(gd.compare([0.01, 0.1, 0.9, 1.0, 1.1]), 634)  # 45 to 634: linear


def test_the_charts_description_says_each_runs_last_gap_as_the_engine_computes_it(default_runs):
    from gd.lab.views import describe_convergence

    said = describe_convergence(default_runs, "k", False)
    for result in default_runs:  # J* = −1 on the article's curve
        if result.status == "diverged":
            assert f"η = 1.1 diverged at update {result.iterations}" in said
        else:
            assert f"η = {number(result.eta)} ends {number(result.loss + 1)} above J* after" in said


def test_divergence_is_marked_where_it_happened(default_runs):
    spec = convergence_of(default_runs)
    crosses = [layer for layer in spec["layer"] if layer["mark"].get("shape") == "cross"]
    assert len(crosses) == 1
    rows_ = spec["datasets"][spec["layer"][-1]["data"]["name"]]
    assert [(row["eta"], row["k"], row["kind"]) for row in rows_] == [("1.1", 106, "diverged")]


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


def test_larger_type_scales_every_size_a_spec_gives_and_the_defaults_it_leaves_but_no_data():
    spec = {"title": {"text": ["η = 0.1"], "fontSize": 12, "subtitleFontSize": 11},
            "layer": [{"mark": {"type": "text", "fontSize": 13}}, {"mark": "line"}],
            "config": {"axis": {"labelFontSize": 20, "grid": True}, "view": {"strokeWidth": 0}},
            "datasets": {"rows": [{"fontSize": 10, "x": 1}]}}
    larger = charts.larger(spec, 1.5)
    assert larger["title"] == {"text": ["η = 0.1"], "fontSize": 18, "subtitleFontSize": 16}  # 12 × 1.5, 11 × 1.5
    assert larger["layer"] == [{"mark": {"type": "text", "fontSize": 20}}, {"mark": "line"}]  # 13 × 1.5 = 19.5
    assert larger["config"]["axis"] == {"labelFontSize": 30, "titleFontSize": 16, "grid": True}  # its own 20, and 11
    assert larger["config"]["legend"] == {"labelFontSize": 16, "titleFontSize": 16}  # Vega's 11 px, × 1.5
    assert larger["config"]["view"] == {"strokeWidth": 0}
    assert larger["datasets"] == spec["datasets"] and spec["title"]["fontSize"] == 12  # data, and the page's spec
