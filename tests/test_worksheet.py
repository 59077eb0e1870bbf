"""A worksheet: the lesson a run is, its question, its settings as the sidebar says them, and its first page."""

from dataclasses import replace
from html.parser import HTMLParser

import pytest

from gd.lab import state, worksheet
from gd.lab.controls import DEFAULTS, PRESETS
from gd.lab.text import speaking


def lesson_run(name: str, **more):
    """The run a lesson's button opens (state.lesson), with more settings over it."""
    change = state.lesson(name)
    return replace(DEFAULTS, **change.put, view=change.view, **more)


@pytest.mark.parametrize("name", PRESETS)
def test_each_lesson_is_known_by_its_settings_in_any_view_and_asks_its_own_question(name):
    run = lesson_run(name)
    assert worksheet.lesson_of(run) == name and worksheet.lesson_of(replace(run, view="theory")) == name
    assert worksheet.lesson_of(replace(run, eta=0.2)) is None  # another run: no lesson's question
    with speaking("zh"):
        assert worksheet.question(run) != worksheet.question(replace(run, eta=0.2))


def test_the_trap_lessons_worksheet_is_titled_and_asks_in_the_page_language():
    run = lesson_run("trap")
    with speaking("en"):
        assert worksheet.heading(run) == "Worksheet: The η = 1 trap"
        assert worksheet.question(run).startswith("With η = 1, where does the first update take θ from θ₀ = 0")
    with speaking("zh"):
        assert worksheet.heading(run) == "练习单：η = 1 的陷阱"
        assert worksheet.heading(replace(run, eta=0.3)) == "练习单：停止条件"  # any other run: the view's name


def test_the_settings_are_every_control_as_the_sidebar_writes_it_and_the_chosen_rules_own_numbers():
    run = replace(DEFAULTS, objective="ravine", theta0=(2.5, -1.0), eta=0.05, variant="minibatch", batch_size=16,
                  optimizer="adam", schedule="step", view="compare", etas=(0.01, 0.1),
                  hyperparameters=(("adam_beta1", 0.8), ("adam_beta2", 0.999), ("adam_eps", 1e-8),
                                   ("step_gamma", 0.5), ("step_every", 20)))
    with speaking("en"):
        said = worksheet.settings(run)
    assert said == [
        ("Objective J(θ)", "Ravine (κ = 10)"), ("Start θ₀", "2.5, -1"), ("Learning rate η", "0.05"),
        ("Variant", "Mini-batch"), ("Batch size", "16"), ("Random seed", "0"), ("Update rule", "Adam"),
        ("Adam: β₁ (first moment)", "0.8"), ("Adam: β₂ (second moment)", "0.999"),
        ("Adam: eps (added to the denominator)", "1e-08"), ("Learning-rate schedule", "Step decay"),
        ("Step decay: Factor γ", "0.5"), ("Step decay: Every k updates", "20"),
        ("Stopping rule", "|ΔJ| < ε (the article's)"), ("Tolerance ε", "1e-08"), ("Iteration limit", "10000"),
        ("η values to compare", "0.01, 0.1")]
    assert [name for name, _ in worksheet.settings(replace(run, view="geometry"))][-1] == "Iteration limit"


class Parsed(HTMLParser):
    """What a browser would read of the first page: its text, and every tag left open."""

    def __init__(self):
        super().__init__()
        self.text, self.open = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in ("br", "img"):
            self.open.append(tag)

    def handle_endtag(self, tag):
        assert self.open.pop() == tag

    def handle_data(self, data):
        self.text.append(data)


def test_the_first_page_holds_the_question_the_settings_and_room_to_predict_every_tag_closed():
    run = lesson_run("diverge", lang="zh")
    with speaking("zh"):
        page = worksheet.first_page(run)
        parsed = Parsed()
        parsed.feed(page)
        assert parsed.open == []
        text = "".join(parsed.text)
        assert worksheet.question(run) in text and "学习率 η1.1" in text  # a setting and its value
        assert all(word in text for word in ("收敛", "振荡着收敛", "没到最小值就停下", "发散", "1–10", "更多"))
    assert page.count('<span class="box"') == 4 + 4 and page.count("<div></div>") == worksheet.WHY_LINES
    assert 'lang="zh"' in page


def test_every_word_of_the_first_page_is_escaped():
    run = replace(DEFAULTS, objective="custom", function="x^2 + 1 < 2 & x > 0")  # as the typed text would be shown
    page = worksheet.first_page(run)
    assert "J = x^2 + 1 &lt; 2 &amp; x &gt; 0" in page and "< 2 &" not in page
