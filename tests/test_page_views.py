"""App tests of the teaching views as a visitor meets them: theory, stopping rules, one update, noise, predict."""

import json

import pyarrow as pa
import pytest
from app import clean, open_page, plain

import gd
from gd import theory
from gd.lab import frames
from gd.lab.controls import DEFAULT_ETAS
from gd.lab.format import number
from gd.lab.text import t


def main_buttons(app) -> list:
    """The open view's buttons (not the lessons, keys "preset_…", and the pin's above the tabs, nor Present and
    Worksheet under them, "start_…")."""
    return [button for button in app.button
            if not str(button.key).startswith(("preset_", "pin_run", "unpin", "start_"))]


def open_view(view, **query):
    return clean(open_page(view=view, **query))


def charts(app) -> list[dict]:
    """Each chart's spec, with the data Streamlit sent beside it (as Arrow) put back under "datasets"."""
    found = []
    for element in app.main:
        if getattr(element, "type", "") == "vega_lite_chart":
            spec = json.loads(element.proto.spec)
            spec["datasets"] = {dataset.name: rows(dataset.data.data) for dataset in element.proto.datasets}
            if element.proto.data.data:
                spec["datasets"][spec.get("data", {}).get("name")] = rows(element.proto.data.data)
            found.append(spec)
    return found


def rows(arrow: bytes) -> list[dict]:
    return pa.ipc.open_stream(arrow).read_all().to_pylist()


def test_theory_puts_prediction_beside_measurement_for_every_compared_eta():
    app = open_view("theory")
    assert not app.exception
    table = app.dataframe[0].value
    measured = gd.compare(DEFAULT_ETAS)
    assert table["regime"].tolist() == [t(f"regime.{name}") for name in
                                        ("monotone", "monotone", "oscillating", "bouncing", "diverging")]
    assert table["updates"].tolist() == [result.iterations for result in measured]
    assert all(abs(predicted - result.iterations) <= 1 for predicted, result in zip(table["predicted"], measured,
                                                                                    strict=True))
    assert table["predicted_status"].tolist() == table["status"].tolist()
    assert any("exact" in text.value and "L = 2" in text.value for text in app.markdown)  # theory.exact, said


def test_the_sweep_shades_the_three_regimes():
    app = open_view("theory")
    spec = charts(app)[0]
    rects = [layer for layer in spec["layer"] if layer["mark"]["type"] == "rect"]
    shaded = spec["datasets"][rects[0]["data"]["name"]]
    assert [row["regime"] for row in shaded] == ["monotone", "oscillating", "diverging"]
    assert [(row["start"], row["end"]) for row in shaded] == [(1e-3, 0.5), (0.5, 1.0), (1.0, 1.5)]  # L = 2


def test_theory_is_local_off_the_parabola_and_absent_without_a_closed_form():
    assert any("local" in text.value and "J''(θ*)" in text.value  # theory.local, said
               for text in open_view("theory", objective="double_well").markdown)
    app = open_view("theory", optimizer="adam")
    assert not app.exception and t("theory.none") in [info.value for info in app.info]


def test_the_stopping_lab_shows_every_rule_and_the_trap_is_one_click_away():
    app = open_view("stopping")
    assert len(app.dataframe[0].value) == len(gd.STOPS) + 1
    clean(main_buttons(app)[0].click().run())  # "Show the article's trap"
    table = app.dataframe[0].value.set_index("rule")
    article = table.loc[t("stop.loss_change.title")]
    assert (article["updates"], article["status"], article["at_minimum"]) == (1, "stalled", "no")
    limit_only = table.loc[t("stop.none.title")]
    assert limit_only["updates"] == 10_000  # bouncing between 0 and 5 until the limit
    assert any("J(5) = J(0)" in plain(text.value) for text in app.markdown)
    assert len([spec for spec in charts(app) if "title" in spec]) == len(gd.STOPS) + 1  # a panel per rule


def update_sentence(app) -> str:
    return next(plain(text.value) for text in app.markdown if plain(text.value).startswith("Update "))


def test_one_update_shows_the_minus_sign_at_work():
    app = open_view("geometry")
    sentence = update_sentence(app)
    assert "−η·dJ = -0.1 × (-5) = 0.5, so θ₁ = 0.5" in sentence
    clean(app.select_slider(key="step").set_value(4).run())
    run = gd.minimize()
    sentence = update_sentence(app)
    assert sentence.startswith(f"Update 4: at θ₃ = {number(run.history[3])}")
    assert f"θ₄ = {number(run.history[4])}" in sentence
    spec = charts(app)[0]
    (player,) = spec["datasets"]["player"]
    window, shown = frames.windows(run.history, run.settings.problem.plot_range)
    assert (player["step"], player["zoom"]) == (3, window[3])
    low, high = shown[window[3]]
    assert low <= min(run.history[3:5]) and max(run.history[3:5]) <= high  # both ends of the step in sight,
    assert high - low < shown[0][1] - shown[0][0]  # zoomed in: a small step next to the plot range
    arrow = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "rule")
    drawn = [row for row in spec["datasets"][arrow["data"]["name"]] if row["k"] == 3]
    assert drawn[0]["theta_next"] == pytest.approx(run.history[4])


def test_play_moves_one_update_per_tick_and_stops_at_the_last():
    app = open_view("geometry")
    clean(main_buttons(app)[0].click().run())  # Play
    assert app.select_slider(key="step").value == 2 and app.session_state["playing"]
    assert main_buttons(app)[0].label == t("geometry.pause")
    clean(app.run())  # one tick
    assert app.select_slider(key="step").value == 3
    app.select_slider(key="step").set_value(44).run()
    assert app.select_slider(key="step").value == 45 and not app.session_state["playing"]  # the last of 45: stopped
    clean(app.run())
    assert app.select_slider(key="step").value == 45 and main_buttons(app)[0].label == t("geometry.play")
    clean(main_buttons(app)[0].click().run())  # Play again from the end starts over
    assert app.select_slider(key="step").value == 2


def test_leaving_the_view_stops_the_play():
    app = open_view("geometry")
    clean(main_buttons(app)[0].click().run())
    app.session_state["view_label.en"] = t("view.compare")
    clean(app.run())
    assert not app.session_state["playing"]


def test_noise_needs_a_stochastic_variant_and_draws_a_band_over_seeds():
    app = open_view("noise")
    assert t("noise.batch") in [info.value for info in app.info]
    clean(main_buttons(app)[0].click().run())  # switch to stochastic descent
    band, spread = charts(app)
    runs = gd.seeds(0.1, list(range(20)), variant="sgd")
    assert all(result.status == "max_iter" for result in runs)  # the defaults: every seed runs to the limit ...
    histogram = spread["layer"][0]
    ends = spread["datasets"][histogram["data"]["name"]]
    assert sorted(row["theta"] for row in ends) == sorted(result.theta for result in runs)
    assert len({round(row["theta"], 6) for row in ends}) > 10  # ... and yet ends in a spread, which is drawn
    assert len(band["layer"]) == 3  # band, mean line, minimizer


@pytest.mark.parametrize(("eta", "outcome", "bucket", "points"), [
    (1.1, "diverges", 2, 2), (0.9, "zigzags", 1, 2), (0.9, "converges", 1, 1), (1.0, "stops_short", 0, 2),
    (0.01, "diverges", 0, 0)])
def test_predict_then_run_scores_the_guess(eta, outcome, bucket, points):
    app = open_view("predict")
    app.text_input(key="guess_eta").set_value(str(eta))
    app.radio(key="guess_outcome.en").set_value(outcome)
    app.radio(key="guess_updates.en").set_value(bucket)
    main_buttons(app)[0].click().run()
    assert not app.exception
    result = gd.minimize(eta=eta)
    assert theory.judge(outcome, bucket, theory.outcome(result), result.iterations).points == points
    verdicts = [plain(box.value) for box in [*app.success, *app.warning, *app.error] if "/2" in box.value]
    assert verdicts[0].startswith(f"{points}/2: it {t(f'outcome.{theory.outcome(result)}')}")


def convergence_chart(app) -> dict:
    (chart,) = [spec for spec in charts(app) if spec["layer"][0]["encoding"]["y"].get("field") == "gap"]
    return chart


def test_the_convergence_axis_can_count_examples_touched():
    app = open_view("compare", variant="minibatch", batch_size="8")
    assert convergence_chart(app)["layer"][0]["encoding"]["x"]["field"] == "k"
    app = open_view("compare", variant="minibatch", batch_size="8", unit="examples")
    chart = convergence_chart(app)
    assert chart["layer"][0]["encoding"]["x"]["field"] == "examples"
    rows = chart["datasets"][chart["layer"][0]["data"]["name"]]
    assert all(row["examples"] == 8 * row["k"] for row in rows)


def test_a_schedule_shows_its_learning_rate_over_the_updates():
    app = open_view("compare", schedule="cosine")
    (schedule,) = [spec for spec in charts(app) if spec.get("encoding", {}).get("y", {}).get("field") == "factor"]
    rows = schedule["datasets"][schedule["data"]["name"]]
    factors = [row["factor"] for row in rows]
    assert factors[0] == 1.0 and factors == sorted(factors, reverse=True)  # cosine only falls


def test_the_open_view_is_part_of_the_link():
    app = open_view("stopping")
    assert app.query_params["view"] == "stopping"
    assert len(open_view("compare").query_params.get("view", "")) == 0


def test_one_update_does_not_claim_minus_eta_times_dj_for_a_sampled_gradient():
    sentence = update_sentence(open_view("geometry", variant="sgd"))
    run = gd.minimize(variant="sgd")
    assert f"The step taken was {number(run.history[1] - run.history[0])}" in sentence
    assert "not exactly −η·dJ" in sentence


def test_controls_inside_a_view_keep_their_value_while_another_view_is_open():
    app = open_view("theory")
    app.text_input(key="sweep_points").set_value("12").run()
    app.session_state["view_label.en"] = t("view.compare")
    app.run()
    app.session_state["view_label.en"] = t("view.theory")
    clean(app.run())
    assert app.text_input(key="sweep_points").value == "12"
    assert app.query_params["sweep_points"] == "12"
