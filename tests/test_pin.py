"""Pin and compare: a run pinned stays drawn, dashed, in Side by side while the settings change, until unpinned; the
link carries it. What is drawn is checked against tests/reference.py's plain loop, the link against texts written
out here by hand."""

import json
from dataclasses import replace

import numpy as np
import pytest
import reference
from app import clean, open_page

import gd
from gd.lab import budget, state, views
from gd.lab.budget import Call
from gd.lab.charts import PIN_COLOR, PIN_DASH
from gd.lab.controls import DEFAULTS, Run
from gd.lab.links import pin_text, read_pin, read_url, to_url, warning
from gd.lab.text import speaking, t

ADAM = replace(DEFAULTS, eta=0.5, optimizer="adam",
               hyperparameters=(("adam_beta1", 0.8), ("adam_beta2", 0.999), ("adam_eps", 1e-8)))


def pin_rows(spec: dict) -> list[dict]:
    """The rows of a panel's pinned path: the layer drawn in the pin's colour, its dataset."""
    [layer] = [layer for layer in spec["layer"] if layer.get("mark", {}).get("color") == PIN_COLOR]
    assert layer["mark"]["strokeDash"] == list(PIN_DASH)
    return spec["datasets"][layer["data"]["name"]]


@pytest.mark.parametrize("pinned, text", [
    (DEFAULTS, "eta:0.1"),  # the article's run: its η, always said, and nothing else
    (ADAM, "eta:0.5;optimizer:adam;adam_beta1:0.8"),
    (replace(DEFAULTS, theta0=-3.0, variant="minibatch", batch_size=8, seed=4, max_iter=500, schedule="step",
             hyperparameters=(("step_gamma", 0.25), ("step_every", 20))),
     "eta:0.1;theta0:-3;variant:minibatch;batch_size:8;seed:4;schedule:step;max_iter:500;step_gamma:0.25"),
    (replace(DEFAULTS, objective="ravine", theta0=(1.0, -2.0), eta=0.05, max_iter=10_000), "eta:0.05;theta0:1,-2"),
], ids=["article", "adam", "minibatch", "surface"])
def test_a_pin_is_written_in_the_link_as_its_settings_and_read_back_exactly(pinned, text):
    pin = pinned.pinned()
    assert pin_text(pin) == text
    assert read_pin(text, pinned.objective) == pin
    here = replace(DEFAULTS, objective=pinned.objective, eta=0.3, pin=pin)
    assert to_url(here)["pin"] == text  # beside the page's own settings, which it does not change
    values, problems = read_url(to_url(here))
    assert not problems and values["pin"] == pin and values["eta"] == 0.3


HOSTILE = {  # a pin's text, and the setting the refusal names
    "eta:20": "pin eta",  # out of η's range
    "eta:nan": "pin eta", "eta:1e308": "pin eta",
    "optimizer:adam": "pin",  # no η
    "eta:0.1;eta:0.2": "pin",  # said twice
    "eta:0.1;objective:ravine": "pin",  # a pin is on the page's objective
    "eta:0.1;function:x^2": "pin",
    "eta:0.1;theta0:1,2": "pin theta0",  # a pair on a curve
    "eta:0.1;optimizer:sgdx": "pin optimizer",
    "eta:0.1;adam_beta1:1.5": "pin adam_beta1",
    "eta:0.1,optimizer:adam": "pin eta",  # the wrong separator
    "=HYPERLINK(\"x\")": "pin",  # a formula, as a spreadsheet would take it
    "eta:0.1;" + "x" * 500: "pin",  # past the link's text limit, refused unread
    "": "pin",
}


@pytest.mark.parametrize("text", HOSTILE)
def test_a_pin_that_cannot_be_used_whole_is_refused_and_named_in_the_visitors_language(text):
    values, problems = read_url({"pin": text, "eta": "0.3"})
    assert "pin" not in values and values["eta"] == 0.3  # nothing of the pin is kept; the rest of the link is
    [problem] = problems
    assert problem.key == HOSTILE[text]
    with speaking("zh"):
        said = warning(problems).replace("\\", "")  # as Markdown escapes it, unescaped
        form = problem.key == "pin" and len(text) <= 400  # what a pin's text must be, else the setting's range
        accepted = t("accepted.pin") if form else "必须是"  # (or the length: "最多 400 个字符的文本")
    assert "链接" in said and problem.key in said and accepted in said


def test_the_pinned_run_is_the_run_its_settings_make_drawn_in_every_panel_and_in_the_convergence_chart():
    """Adam with β₁ = 0.8 from θ₀ = 1 on mini-batches of 8, pinned; the page now runs plain descent at other η. The
    dashed path in each panel and the pinned line of gaps are the reference loop's run, point for point."""
    pinned = replace(ADAM, theta0=1.0, variant="minibatch", batch_size=8, seed=3, max_iter=400)
    run = replace(DEFAULTS, etas=(0.05, 0.3), pin=pinned.pinned())
    view = views.compare(run.for_view("compare"))
    plain = reference.descend("quadratic", 0.5, theta0=1.0, variant="minibatch", batch_size=8, seed=3,
                              optimizer="adam", optimizer_options={"beta1": 0.8}, max_iter=400)
    for panel in view.panels:
        rows = pin_rows(panel)
        k = [row["k"] for row in rows]
        assert k[0] == 0 and k[-1] == plain.iterations
        np.testing.assert_allclose([row["theta"] for row in rows], [plain.history[i] for i in k], rtol=1e-12)
        np.testing.assert_allclose([row["loss"] for row in rows], [plain.losses[i] for i in k], rtol=1e-12,
                                   atol=1e-12)
    name = "pinned: η = 0.5 · Start θ₀ = 1 · Mini-batch · Batch size = 8 · Random seed = 3 · Adam · " \
           "Iteration limit = 400 · β₁ (first moment) = 0.8"
    chart = view.convergence
    gaps = max(chart["datasets"].values(), key=len)  # every run's gaps (the others: the ends and the last points)
    line = [row for row in gaps if row["eta"] == name]
    assert line, "the pinned run has a line of its own"
    for row in line:  # J − J*, J* = −1 on the article's curve
        assert row["gap"] == pytest.approx(max(plain.losses[row["k"]] + 1, 1e-16), rel=1e-9, abs=1e-15)
    scales = [encoding["scale"] for layer in chart["layer"] for channel, encoding in layer.get("encoding", {}).items()
              if channel == "strokeDash" and "scale" in encoding]
    assert scales and all(scale["domain"][-1] == name and scale["range"][-1] == list(PIN_DASH) for scale in scales)
    assert view.pin.startswith(f"The dark dashed line (○) in every panel and in the convergence chart is “{name}”")
    assert f"{plain.iterations} updates" in view.pin
    assert name in chart["description"]  # a screen reader hears what the dashed line is


def test_on_a_surface_the_pin_is_drawn_under_each_runs_path():
    """Momentum pinned on the ravine, plain descent compared: every map draws the pinned path under its own, the run
    gd.minimize makes when given those settings directly."""
    pinned = replace(DEFAULTS, objective="ravine", theta0=(4.0, -3.0), eta=0.02, optimizer="momentum",
                     hyperparameters=(("momentum_momentum", 0.9),))
    run = replace(DEFAULTS, objective="ravine", theta0=(4.0, -3.0), eta=0.1, etas=(0.05, 0.1), pin=pinned.pinned())
    view = views.compare(run.for_view("compare"))
    alone = np.asarray(gd.minimize("ravine", eta=0.02, theta0=(4.0, -3.0), optimizer="momentum").history)
    for panel in view.panels:
        names = [layer.get("data", {}).get("name") for layer in panel["layer"]]
        assert names.index("pin") < names.index("path")  # under the run
        rows = pin_rows(panel)
        np.testing.assert_array_equal([[row["x"], row["y"]] for row in rows], alone[[row["k"] for row in rows]])


def test_pinning_keeps_the_run_while_settings_change_and_the_link_reopens_it(monkeypatch):
    app = clean(open_page({"eta": "0.5", "optimizer": "adam"}))
    [pin] = [button for button in app.button if button.key == "pin_run"]
    pin.click().run()
    app.text_input(key="eta_here").set_value("0.9").run()
    app.selectbox(key="optimizer.en").set_value("momentum").run()
    clean(app)
    link = dict(app.query_params)
    assert link["pin"] == ["eta:0.5;optimizer:adam"] or link["pin"] == "eta:0.5;optimizer:adam"
    said = [caption.value for caption in app.caption if "dashed line" in caption.value]
    assert len(said) == 1 and "η \\= 0\\.5 · Adam" in said[0]
    reopened = clean(open_page({key: value[0] if isinstance(value, list) else value for key, value in link.items()}))
    assert [caption.value for caption in reopened.caption if "dashed line" in caption.value] == said
    [unpin] = [button for button in reopened.button if button.key == "unpin"]
    unpin.click().run()
    assert "pin" not in reopened.query_params
    assert not [caption.value for caption in reopened.caption if "dashed line" in caption.value]


def test_a_new_objective_drops_the_pin_and_a_lesson_keeps_it():
    chinese = clean(open_page({"pin": "eta:0.5;optimizer:adam", "lang": "zh"}))
    assert [caption for caption in chinese.caption if "深色虚线" in caption.value]  # said in Chinese
    app = clean(open_page({"pin": "eta:0.5;optimizer:adam"}))
    [lesson] = [button for button in app.button if button.key == "preset_diverge"]
    lesson.click().run()
    assert app.query_params["pin"] in ("eta:0.5;optimizer:adam", ["eta:0.5;optimizer:adam"])
    assert app.query_params["eta"] in ("1.1", ["1.1"])  # the lesson's own η, beside the pin
    app.selectbox(key="objective.en").set_value("double_well").run()
    clean(app)
    assert "pin" not in app.query_params
    assert not [caption for caption in app.caption if "dashed line" in caption.value]
    on_ravine = replace(DEFAULTS, objective="ravine", theta0=(4.0, -3.0)).pinned()
    assert state.lesson("diverge", on_ravine).put == {"eta": 1.1}  # the lessons are on the article's curve


def test_a_pin_is_priced_as_one_run_of_its_own_settings_to_its_own_limit(monkeypatch):
    monkeypatch.setattr(budget, "warming", lambda: False)
    run = replace(DEFAULTS, view="compare", max_iter=100)
    pinned = replace(run, pin=replace(DEFAULTS, eta=0.5, variant="sgd", max_iter=50_000).pinned())
    assert budget.calls(pinned, "compare") == (Call("shared", len(DEFAULTS.etas)), Call("pin", 1))
    alone = replace(DEFAULTS, variant="sgd", max_iter=50_000)
    seconds, megabytes = (after - before for after, before in zip(
        budget.price(pinned), budget.price(run), strict=True))
    assert seconds == pytest.approx(budget.cost(alone, (Call("shared", 1),))[0])
    assert megabytes == pytest.approx(50_001 * 2 * 8 / 1e6)  # θ and J per update, one lane
    assert budget.runs(pinned) == budget.runs(run) + 1


def test_the_pin_is_named_by_what_differs_from_the_run_now():
    run = replace(DEFAULTS, eta=0.9, optimizer="adam", hyperparameters=ADAM.hyperparameters)
    with speaking("en"):
        assert views.pin_name(ADAM.pinned(), run) == "pinned: η = 0.5"  # only η differs
        assert views.pin_name(ADAM.pinned(), DEFAULTS) == "pinned: η = 0.5 · Adam · β₁ (first moment) = 0.8"
        assert views.pin_name(DEFAULTS.pinned(), ADAM) == "pinned: η = 0.1 · Plain gradient descent"
    with speaking("zh"):
        assert views.pin_name(ADAM.pinned(), run) == "固定的运行：η = 0.5"


def test_an_unpinned_page_is_as_before():
    view = views.compare(Run().for_view("compare"))
    assert view.pin == ""
    assert PIN_COLOR not in json.dumps(view.panels) + json.dumps(view.convergence)


def test_a_pin_equal_to_a_compared_run_is_not_said_to_coincide_with_it():
    """The pin is the run at η = 0.1, as is the second panel: their lines coincide, but the caption's pairs are the
    compared η's own (on the parabola 0.1 and 0.9 draw one line: (1 − 0.2)² = (1 − 1.8)²)."""
    view = views.compare(replace(DEFAULTS, pin=DEFAULTS.pinned()).for_view("compare"))
    assert "η = 0.1 and η = 0.9" in view.convergence_caption
    assert "η = 0.1 and η = 0.1" not in view.convergence_caption and view.convergence_caption.count(" and η") == 1
