"""The inside of an update rule as a visitor meets it: what the page draws and says of the state, against numbers
worked out by hand and a plain loop written here."""

import math

import pytest
from app import clean, open_page, plain
from test_page_views import charts, main_buttons

from gd.lab.controls import INSIDE_UPDATES
from gd.lab.text import t


def rows_of(spec: dict) -> list[dict]:
    return spec["datasets"][spec["data"]["name"]]


def test_plain_descent_keeps_nothing_and_offers_the_rules_that_do():
    app = clean(open_page(view="inside"))
    assert [box.value for box in app.info] == [t("inside.gd")]
    buttons = {button.key: button for button in main_buttons(app)}
    assert set(buttons) == {"inside_momentum", "inside_nesterov", "inside_adagrad", "inside_rmsprop", "inside_adam"}
    buttons["inside_adam"].click().run()
    clean(app)
    assert app.selectbox(key="optimizer.en").value == "adam" and len(charts(app)) == 2


def test_adams_first_update_on_the_article_curve_is_drawn_and_said_as_worked_by_hand():
    """θ₀ = 0, g = −5: m = −0.5, m̂ = −5, √v = √0.025, √v̂ = 5; the step 0.1·5/(5 + 1e-8) beside plain descent's
    0.1·5 = 0.5 and, without the correction, 0.1·0.5/(√0.025 + 1e-8) ≈ 0.316, 3.16 × the step."""
    app = clean(open_page(view="inside", optimizer="adam"))
    state, steps = charts(app)
    first = {row["quantity"]: row["value"] for row in rows_of(state) if row["t"] == 1}
    assert first == pytest.approx({"g": -5.0, "m": -0.5, "m̂": -5.0, "√v": math.sqrt(0.025), "√v̂": 5.0}, rel=1e-12)
    lengths = {row["label"]: row["length"] for row in rows_of(steps) if row["t"] == 1}
    assert lengths == pytest.approx({t("inside.kind.step"): 0.5 / (5 + 1e-8), t("inside.kind.plain"): 0.5,
                                     t("inside.kind.uncorrected"): 0.05 / (math.sqrt(0.025) + 1e-8)}, rel=1e-12)
    said = " ".join(plain(text.value) for text in app.markdown)
    assert "the first step would be 3.16 × as long" in said and "step is 0.2 × as long" in said


def test_momentums_buffer_on_the_ravine_follows_a_plain_loop_in_each_coordinate():
    """J = ½(5.5x² + 9xy + 5.5y²), ∇J = (5.5x + 4.5y, 4.5x + 5.5y); b ← 0.9·b + g, θ ← θ − 0.05·b from (4, −3)."""
    app = clean(open_page(view="inside", objective="ravine", optimizer="momentum", eta="0.05", theta0="4,-3"))
    x_chart, y_chart, _ = charts(app)
    assert (x_chart["title"], y_chart["title"]) == (t("inside.coordinate", name="x"), t("inside.coordinate", name="y"))
    x, y, b = 4.0, -3.0, [0.0, 0.0]
    expected = []
    for _ in range(30):
        g = (5.5 * x + 4.5 * y, 4.5 * x + 5.5 * y)
        b = [0.9 * b[0] + g[0], 0.9 * b[1] + g[1]]
        x, y = x - 0.05 * b[0], y - 0.05 * b[1]
        expected.append(b)
    for chart, coordinate in ((x_chart, 0), (y_chart, 1)):
        drawn = {row["t"]: row["value"] for row in rows_of(chart) if row["quantity"] == "b"}
        assert [drawn[k + 1] for k in range(30)] == pytest.approx([pair[coordinate] for pair in expected], rel=1e-9)


def test_a_long_run_is_replayed_to_its_first_thousand_updates_and_drawn_thinned():
    app = clean(open_page(view="inside", optimizer="adagrad"))  # adagrad at η = 0.1 runs past 1,000 updates
    state, steps = charts(app)
    updates = sorted({row["t"] for row in rows_of(state)})
    assert updates[0] == 1 and updates[-1] == INSIDE_UPDATES and len(updates) <= 200
    assert t("inside.caption", rule="Adagrad", updates="1,000 updates") in [caption.value for caption in app.caption]


@pytest.mark.parametrize(("function", "said"), [("1/x", "inside.nothing"), ("sqrt(abs(x))", "inside.unbounded")])
def test_a_run_with_nothing_to_replay_is_said_and_draws_no_chart(function, said):
    """1/x at θ₀ = 0: J itself is not finite, no update is made; √|x| at 0: J is 0 but its gradient is not a number.
    (The page drew nothing of it before: its panels' row split by zero panels.)"""
    app = open_page(view="inside", optimizer="adam", objective="custom", function=function)
    assert not app.exception and not charts(app)  # (the run above says, in red, that it left the domain)
    assert any(plain(text.value) == t(said, g="nan") for text in app.markdown), [
        text.value for text in app.markdown]
