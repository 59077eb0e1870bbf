"""Gentle inputs (issue 13): what a learner types never silently becomes something else, and one bad control never
blanks the page. App tests through Streamlit's AppTest; the expected numbers come from separate engine runs."""

import pytest
from app import metrics, open_page, plain

import gd
from gd.lab import budget
from gd.lab.budget import WorkCapError
from gd.lab.controls import CURVE_VIEWS, DEFAULT_ETAS, NUMBERS, Run, format_etas
from gd.lab.format import number
from gd.lab.text import quoted, t


def errors(app) -> list[str]:
    return [plain(box.value) for box in app.error]


def typed(app, key: str, text: str):
    app.text_input(key=key).set_value(text).run()
    assert not app.exception
    return app


def shows_the_run(app, **keywords) -> None:
    """The metrics are those of gd.minimize(**keywords), the tabs are all there, the page is not blank."""
    result = gd.minimize(**keywords)
    assert metrics(app)["final θ"] == number(result.theta)
    assert metrics(app)["updates"] == f"{result.iterations:,}"
    assert [tab.label for tab in app.tabs] == [t(f"view.{name}") for name in CURVE_VIEWS]


@pytest.mark.parametrize(("key", "text", "kept"), [
    ("eta", "", "0.1"),  # it ran η = 1e-6, the minimum of a number input
    ("eta", "1,5", "0.1"),  # it became 15
    ("eta", "20", "0.1"),  # red in the field while the results showed the old value, unsaid
    ("epsilon", "", "1e-08"),  # it set ε = 0
    ("epsilon", "abc", "1e-08"),
    ("max_iter", "1e12", "10000"),  # it became 1
    ("theta0", "1e400", "0"),
])
def test_an_unusable_entry_keeps_the_last_good_value_and_says_so_in_the_controls_words(key, text, kept):
    app = typed(open_page(), key, text)
    shows_the_run(app)  # the article's run, untouched
    (said,) = errors(app)
    label = t(f"label.{key}")
    assert said.startswith(label) and "so the run keeps" in said or "is empty, so the run keeps" in said
    assert said.startswith(label) and kept in said
    assert key not in said.replace(label, "")  # the control's words, never the parameter's name
    if text:
        assert f"“{quoted(text)}”" in app.error[0].value  # what was typed, shown as text
    assert app.text_input(key=key).value == text  # what was typed stays there to be corrected


def test_the_accepted_range_is_said_from_the_controls_spec():
    app = typed(open_page(), "eta", "20")
    spec = NUMBERS["eta"]
    (said,) = errors(app)
    assert f"≥ {spec.low:g}" in said and f"≤ {spec.high:g}" in said


def test_after_a_bad_entry_the_last_good_value_is_the_one_kept():
    app = typed(open_page(), "eta", "0.5")
    typed(app, "eta", "")
    shows_the_run(app, eta=0.5)
    assert errors(app)[0].endswith("so the run keeps 0.5. Type a finite number ≥ 1e-06 and ≤ 10.")
    typed(app, "eta", "0.9")  # corrected: the message goes
    shows_the_run(app, eta=0.9)
    assert not errors(app)


def test_eta_and_the_eta_list_are_typed_above_the_results_too():
    """On a phone the sidebar is folded away: the two controls every lesson turns on are also in the page, and the
    copies stay in step whichever is typed in."""
    app = open_page()
    assert {box.key for box in app.main.text_input} >= {"eta_here", "etas_here"}
    typed(app, "eta_here", "0.5")
    shows_the_run(app, eta=0.5)
    assert app.text_input(key="eta").value == "0.5"  # the sidebar's copy follows
    typed(app, "eta", "0.25")
    assert app.text_input(key="eta_here").value == "0.25"
    shows_the_run(app, eta=0.25)


def test_a_list_of_13_learning_rates_keeps_the_last_good_list_and_the_page():
    app = open_page()
    typed(app, "etas_here", ", ".join(["0.1"] * 13))
    shows_the_run(app)
    (said,) = errors(app)
    assert said.startswith(t("label.etas")) and "1 to 12 learning rates" in said
    assert said.endswith(f"so the run keeps {format_etas(DEFAULT_ETAS)}.")
    assert len([chart for chart in app.get("vega_lite_chart")]) == len(DEFAULT_ETAS) + 1  # panels and convergence


def test_a_view_over_the_cap_says_why_and_shows_nothing_of_other_settings():
    """Refused, the tab holds the reason and the way out alone: no table or chart of the settings before (they would
    show numbers that are not the ones asked for); the run above the tabs stays."""
    app = open_page({"objective": "logistic_regression", "view": "theory"})
    assert not app.error and app.dataframe  # fits at the default limit
    typed(app, "max_iter", "100000")
    run = Run(objective="logistic_regression", max_iter=100_000, view="theory")
    with pytest.raises(WorkCapError) as refused:
        budget.check(run)
    (said,) = errors(app)
    assert t("label.max_iter").lower() in said.lower() and f"{refused.value.fits:,}" in said
    assert not app.dataframe and not app.get("vega_lite_chart")
    shows_the_run(app, objective="logistic_regression", max_iter=100_000)


def test_the_bad_link_warning_goes_once_the_learner_changes_something():
    app = open_page({"eta": "abc"})
    assert "abc" in app.warning[0].value
    app.run()  # a rerun with nothing changed keeps it
    assert app.warning and "abc" in app.warning[0].value
    typed(app, "eta", "0.5")
    assert not [box for box in app.warning if "abc" in box.value]
    typed(app, "eta", "0.1")  # back where the link left it: the warning does not come back
    assert not [box for box in app.warning if "abc" in box.value]


def test_no_number_input_is_left_to_flicker_its_minimum_or_round_what_was_typed():
    app = open_page({"eta": "0.9999999", "etas": "0.1234567", "view": "theory"})
    assert not app.get("number_input")
    assert app.text_input(key="eta").value == "0.9999999"
    assert app.text_input(key="etas").value == "0.1234567"
    shows_the_run(app, eta=0.9999999)


def test_spaces_around_a_typed_number_are_not_an_error():
    """A phone's keyboard adds a space after a word: " 0.5 " is 0.5 (a link's value is taken as it is)."""
    app = typed(open_page(), "eta_here", " 0.5 ")
    shows_the_run(app, eta=0.5)
    assert not errors(app)
