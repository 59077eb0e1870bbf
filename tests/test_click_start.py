"""Click to start: a click on a side-by-side panel sets θ₀ where it fell. What the browser sends (a Vega-Lite point
selection, charts.START) is read here against numbers worked by hand; the panels' specs carry the selection where a
click must find it. tests/e2e clicks real panels."""

import json
import math

import altair as alt
import numpy as np
import pytest

from gd.lab import maps, views
from gd.lab.charts import START
from gd.lab.controls import DEFAULTS, Run
from gd.lab.state import clicked_start, significant

BOX = (-3.0, 3.0, -3.0, 3.0)  # the ravine's map: 20 targets of 0.3 per axis


@pytest.mark.parametrize("selected, box, start", [
    ([{"theta": 3.45}], None, 3.45),  # a sample of the article's grid, np.linspace(-1, 6, 141): a multiple of 0.05
    ([{"theta": 2.3571428571428568}], None, 2.36),  # three significant digits
    ([{"theta": -0.000123456}], None, -0.000123),
    ([{"theta": 0}], None, 0.0),
    ([{"cell": 12 * 20 + 10}], BOX, (0.15, 0.75)),  # row 12, column 10: (−3 + 10.5 × 0.3, −3 + 12.5 × 0.3)
    ([{"cell": 7 * 20 + 12, "_vgsid_": 3}], BOX, (0.75, -0.75)),  # the browser's own field beside it
    ([{"theta": 1.0}, {"theta": 5.0}], None, 1.0),  # the first point of the selection
])
def test_a_click_starts_at_the_sample_or_the_targets_centre_the_tooltip_names(selected, box, start):
    assert clicked_start(selected, box) == start


@pytest.mark.parametrize("value, written", [
    (1234.5, 1230.0),  # (1234.5).toPrecision(3) is "1.23e+3"
    (99.95, 100.0),  # 99.95 is 99.950000000000003 as a double: "100"
    (-2.675, -2.67),  # −2.675 is −2.67499999999999982 as a double: "-2.67", below the tie
    (0.125, 0.125), (1e-300, 1e-300), (6.0, 6.0)])
def test_three_significant_digits_as_javascripts_to_precision_gives_them(value, written):
    assert significant(value) == written


HOSTILE = [(None, None), ([], None), ({}, None), ("theta", None), ([None], None), ([{}], None),
           ([{"theta": "3"}], None), ([{"theta": True}], None), ([{"theta": [1]}], None),
           ([{"theta": float("nan")}], None), ([{"theta": float("inf")}], None), ([{"theta": 1e308}], None),
           ([{"theta": 100.5}], None), ([{"theta": -101}], None), ([{"cell": 400}], BOX), ([{"cell": -1}], BOX),
           ([{"cell": 2.5}], BOX), ([{"cell": "7"}], BOX), ([{"cell": float("inf")}], BOX),
           ([{"cell": float("nan")}], BOX), ([{"theta": 1.0}], BOX), ([{"cell": 7}], None),
           ([{"cell": 7}], (-1e308, 1e308, 0.0, 1.0))]  # a target whose centre is past θ₀'s range


@pytest.mark.parametrize("selected, box", HOSTILE, ids=range(len(HOSTILE)))
def test_what_a_browser_sends_that_is_not_a_start_in_range_sets_nothing(selected, box):
    """A click on a run's marks sends no point; a crafted message may send anything: θ₀ moves only to numbers in its
    range (−100 to 100), at a target that exists, as a link's would."""
    assert clicked_start(selected, box) is None


def test_the_browser_computes_a_targets_centre_as_the_server_does():
    """The tooltip's centre is computed in the browser from the expression the map's spec writes; evaluated here
    for every target (as JavaScript evaluates it: the same doubles, the same operations), it is pick_centre."""
    view = views.compare(Run(objective="ravine", theta0=(2.5, -1.0)).for_view("compare"))
    _, layer = layer_with_start(view.panels[0])
    formulas = {step["as"]: step["calculate"] for step in layer["transform"] if "calculate" in step}
    for cell in range(maps.PICK_CELLS**2):
        for axis, value in zip("xy", maps.pick_centre(BOX, cell), strict=True):
            written = formulas[f"start_{axis}"].replace("datum.cell", str(cell)).replace("floor", "math.floor")
            assert eval(written, {"math": math}) == value  # noqa: S307 (our own expression, numbers only)


def layer_with_start(spec: dict) -> tuple[int, dict]:
    """The layer that selects START, and its place: the selection is on the layer, or (as Altair writes it) at the
    top, naming the layer's view; the layer is returned with its selection."""
    found = [(index, layer) for index, layer in enumerate(spec["layer"])
             if any(param["name"] == START for param in layer.get("params", ()))]
    for param in spec.get("params", ()):
        if param["name"] == START:
            found += [(index, {**layer, "params": [param]}) for index, layer in enumerate(spec["layer"])
                      if layer.get("name") in param["views"]]
    [(index, layer)] = found
    return index, layer


def test_on_a_curve_a_click_anywhere_picks_the_nearest_sample_along_theta_under_the_runs_marks():
    view = views.compare(Run().for_view("compare"))
    for panel in view.panels:
        index, layer = layer_with_start(panel)
        [param] = layer["params"]
        assert param["select"] == {"type": "point", "on": "click", "nearest": True, "encodings": ["x"], "clear": False}
        assert layer["mark"]["type"] == "point"  # nearest needs points (Vega-Lite has none for a line)
        assert layer["mark"]["opacity"] == 0 and layer["encoding"]["x"]["field"] == "theta"
        samples = [row["theta"] for row in panel["datasets"][layer["data"]["name"]]]
        np.testing.assert_allclose(samples, np.linspace(-1, 6, 141), rtol=0, atol=1e-12)  # the article's grid
        path = next(i for i, each in enumerate(panel["layer"]) if each.get("mark", {}).get("point", {}).get("filled"))
        assert index < path  # the run's points, above, keep their tooltips
        alt.LayerChart.from_dict(panel, validate=True)


def test_on_a_map_a_click_picks_the_target_under_it_above_the_contours():
    run = Run(objective="ravine", theta0=(2.5, -1.0), eta=0.1, etas=(0.05, 0.1))
    view = views.compare(run.for_view("compare"))
    assert view.box == BOX
    for panel in view.panels:
        index, layer = layer_with_start(panel)
        assert layer["params"][0]["select"] == {"type": "point", "on": "click", "fields": ["cell"], "clear": False}
        assert layer["data"] == {"sequence": {"start": 0, "stop": 400, "as": "cell"}}  # made in the browser
        assert index == 2 and panel["layer"][1]["mark"]["type"] == "line"  # above the contour lines
        assert all(each["mark"]["type"] != "rect" for each in panel["layer"][index + 1:])  # under every other mark
        alt.LayerChart.from_dict(panel, validate=True)
    assert "Click or tap a map" in view.caption


def test_only_side_by_side_is_clicked_to_start():
    """The stopping rules' panels draw the same runs; a click there would move the start of a view about rules."""
    stopping = views.stopping(DEFAULTS.for_view("stopping"))
    assert START not in json.dumps(stopping.panels)
    assert "Click or tap a panel" in views.compare(DEFAULTS.for_view("compare")).caption
