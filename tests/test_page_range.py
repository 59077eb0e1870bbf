"""The learning-rate range test's tab as a visitor meets it: what it reads off, its buttons, its link and its refusals,
against the plain loop of tests/test_lr_range.py."""

import numpy as np
from app import clean, open_page, plain
from test_lr_range import article_range
from test_page_views import charts, main_buttons

from gd.lab.text import CHINESE, speaking, t


def read_off(low: float, high: float, updates: int) -> tuple[float, float]:
    """The plain loop's steepest η (np.gradient of J over log η, most negative, before the first J above J(θ₀) =
    5.25) and the last η before that J."""
    etas, losses = article_range(low, high, updates)
    blow_up = next(k for k, loss in enumerate(losses) if loss > 5.25)
    slopes = np.gradient(np.array(losses[:blow_up]), np.log(etas[:blow_up]))
    return etas[int(np.argmin(slopes))], etas[blow_up - 1]


def test_the_tab_reads_off_the_plain_loops_etas_and_a_button_sets_the_run_to_one():
    app = clean(open_page(view="range"))
    steepest, edge = read_off(1e-4, 10.0, 100)
    buttons = {button.key: button for button in main_buttons(app)}
    assert buttons["range_steepest"].label == f"Use the steepest η = {steepest:.2g}"  # 0.027
    assert buttons["range_edge"].label == f"Try the last η before the blow-up = {edge:.2g}"  # 5.6
    said = " ".join(plain(text.value) for text in app.markdown)
    assert f"η = {steepest:.6g}" in said and f"the last η before that was {edge:.6g}" in said
    assert "2/L = 1" in said and "1/L = 0.5" in said  # theory beside it: L = 2 on the article's curve
    buttons["range_steepest"].click().run()
    clean(app)
    assert app.text_input(key="eta").value == f"{steepest:.2g}" == app.text_input(key="eta_here").value
    assert app.header[0].value == f"Your run: η = {steepest:.2g}"


def test_the_chart_draws_each_update_and_the_etas_it_reads_off():
    app = clean(open_page(view="range", range_low="0.001", range_high="8", range_updates="60"))
    etas, losses = article_range(1e-3, 8.0, 60)
    spec = charts(app)[0]
    lines = [layer for layer in spec["layer"] if layer["mark"]["type"] == "line"]
    assert len(lines) == 1  # the full batch: nothing smoothed
    drawn = spec["datasets"][lines[0]["data"]["name"]]
    assert [row["k"] for row in drawn] == list(range(1, 61))
    np.testing.assert_allclose([row["eta"] for row in drawn], etas, rtol=1e-12)
    rules = {row.get("eta") for layer in spec["layer"] if layer["mark"]["type"] == "rule"
             for row in spec["datasets"].get(layer.get("data", {}).get("name"), [])}
    assert rules == {None, *read_off(1e-3, 8.0, 60), 0.5, 1.0}  # J(θ₀)'s level, the two read off, 1/L and 2/L
    assert any("from 0.001 to 8 over 60 updates" in caption.value for caption in app.caption)


def test_its_numbers_are_in_the_link_and_a_link_reopens_them():
    app = clean(open_page(view="range", range_low="0.01", range_high="2", range_updates="40"))
    keys = ("range_low", "range_high", "range_updates")
    assert [app.text_input(key=key).value for key in keys] == ["0.01", "2", "40"]
    assert (app.query_params["range_low"], app.query_params["range_high"], app.query_params["range_updates"]) in (
        ("0.01", "2", "40"), (["0.01"], ["2"], ["40"]))
    app.text_input(key="range_updates").set_value("55").run()
    assert app.query_params["range_updates"] in ("55", ["55"])


def test_a_refused_number_names_its_control_and_range_in_the_visitors_language():
    app = clean(open_page(view="range", lang="zh"))
    app.text_input(key="range_updates").set_value("5000").run()
    assert not app.exception
    [box] = app.error
    said = plain(box.value)
    assert CHINESE["label.range_updates"] in said and "10 到 1,000" in said and "5000" in said and "100" in said
    with speaking("zh"):
        assert t("range.use.steepest", eta="0.027") in [button.label for button in app.button]  # 100 updates kept


def test_without_a_known_curvature_nothing_is_said_of_one_over_l():
    app = clean(open_page(view="range", objective="double_well"))
    said = " ".join(plain(text.value) for text in app.markdown)
    assert "1/L" not in said and "J fell fastest" in said
