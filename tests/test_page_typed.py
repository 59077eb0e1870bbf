"""The page on "Your function" (issue 15): a formula typed or linked is run as the engine runs it when called
separately, in every view it has, and a hostile one shows one clear message naming the control. App tests through
Streamlit's AppTest; the expected numbers come from separate engine runs."""

import numpy as np
import pytest
from app import charts, metrics, open_page, plain, seen
from test_text import INVISIBLE, unseen

import gd
from gd.lab import budget, views
from gd.lab.budget import WorkCapError
from gd.lab.controls import CURVE_VIEWS, CUSTOM, DEFAULT_FUNCTION, DEFAULTS, Run, refusal, views_of
from gd.lab.format import every_digit, number
from gd.lab.links import read_url, to_url
from gd.lab.text import speaking, t
from gd.params import ParameterError

ARTICLE = "(x-2.5)^2-1"
BANANA = "(1-x)^2 + 100*(y-x^2)^2"  # Rosenbrock's, typed
HOSTILE = {  # text: the rule of gd.typed that refuses it
    "__import__('os').system('x')": "character", "9**9**9": "exponent", "x.__class__": "character",
    "x" * 100_000: "too_long", "lambda: 1": "character", "ｘ": "character",
}


def test_the_article_curve_typed_in_a_link_gives_exactly_the_articles_run():
    app = open_page(objective=CUSTOM, function=ARTICLE)
    assert not app.exception and not app.error and not app.warning
    article = gd.minimize()  # the built-in curve, a separate run
    assert article.iterations == 45 and article.theta == 2.499891109642585
    shown = metrics(app)
    assert shown[t("metric.theta")] == number(article.theta)
    assert shown[t("metric.updates")] == "45"
    assert every_digit(article.theta) in plain(app.caption[-1].value) or any(
        every_digit(article.theta) in plain(caption.value) for caption in app.caption)
    assert app.text_input(key="function").value == ARTICLE
    assert any(r"\left(\theta - 2.5\right)^{2} - 1" in element.value for element in app.sidebar.markdown)
    assert app.query_params["function"] in (ARTICLE, [ARTICLE])
    assert app.query_params["objective"] in (CUSTOM, [CUSTOM])


TYPED_VIEWS = (*CURVE_VIEWS[:3], "basins", *CURVE_VIEWS[3:])  # a curve's views, and the basins


@pytest.mark.parametrize("view", TYPED_VIEWS)  # a typed surface's views (the next test), known before it is read
def test_a_typed_surface_opens_in_every_view_it_has(view):
    noisy = {"variant": "sgd", "max_iter": "2000"} if view == "noise" else {}
    app = open_page(objective=CUSTOM, function=BANANA, theta0="-1.5,2", eta="0.001", etas="0.0005,0.001,0.002",
                    view=view, **noisy)
    assert not app.exception
    assert [tab.label for tab in app.tabs] == [t(f"view.{name}") for name in views_of(CUSTOM, BANANA)]
    refusals = [plain(box.value) for box in app.error]
    assert all("would take up to" in said for said in refusals), refusals  # only the work cap may refuse
    if not refusals and view not in ("predict", "inside"):  # inside: plain descent keeps nothing, and says so
        assert charts(app), view
    # the same function on the full batch: the engine's own surface; sampled, the typed one's examples are its own
    builtin = gd.minimize(gd.parse_objective(BANANA) if noisy else "rosenbrock", eta=0.001, theta0=(-1.5, 2.0),
                          max_iter=2000 if noisy else 10_000, variant="sgd" if noisy else "batch")
    shown = metrics(app)[t("metric.theta")]
    assert np.allclose([float(part) for part in shown.strip("()").split(",")], builtin.theta, rtol=1e-5, atol=1e-6)


def test_a_typed_surface_has_the_curves_views_and_the_basins_and_no_race():
    assert views_of(CUSTOM, BANANA) == TYPED_VIEWS == views_of(CUSTOM, ARTICLE) == views_of("double_well")
    assert views_of("quadratic") == CURVE_VIEWS


@pytest.mark.parametrize("text", list(HOSTILE), ids=list(HOSTILE.values()))
def test_a_hostile_function_in_a_link_is_one_warning_and_the_default_function_runs(text):
    app = open_page(objective=CUSTOM, function=text)
    assert not app.exception and not app.error
    assert len(app.warning) == 1
    said = plain(app.warning[0].value)
    assert "function" in said and "must be a formula in x" in said
    assert "Traceback" not in said
    assert metrics(app)[t("metric.theta")] == number(gd.minimize().theta)  # the default: the article's curve
    assert app.text_input(key="function").value == DEFAULT_FUNCTION


@pytest.mark.parametrize("text", list(HOSTILE), ids=list(HOSTILE.values()))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_hostile_function_typed_keeps_the_last_good_one_and_says_why(text, lang):
    app = open_page(objective=CUSTOM, function="x^2", lang=lang)
    kept = metrics(app)
    app.text_input(key="function").set_value(text).run()
    assert not app.exception
    with speaking(lang):
        assert len(app.error) == 1
        said = plain(app.error[0].value)
        assert said.startswith(t("label.function")) and "x^2" in said  # the control, and the function kept
        rule = "name" if HOSTILE[text] == "too_long" else HOSTILE[text]  # the field keeps its first 200 characters
        reason = t(f"function.reason.{rule}", token="", limit=gd.typed.MAX_LENGTH).split("“")[0]
        assert reason.split("「")[0] in said
        assert "Traceback" not in said and "ParameterError" not in said
    assert metrics(app) == kept
    assert app.query_params["function"] in ("x^2", ["x^2"])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_refused_character_that_hides_or_reorders_text_is_shown_as_its_escape(lang):
    """U+202E in the field was echoed raw in the refusal, and reversed the sentence after it; each such character is
    named by its escape, and the box holds none of them."""
    app = open_page(objective=CUSTOM, function="x^2", lang=lang)
    for char, escape in INVISIBLE.items():
        app.text_input(key="function").set_value(f"x {char}+ 1").run()
        assert not app.exception and len(app.error) == 1
        said = seen(app.error[0].value)
        assert f"“{escape}”" in said or f"「{escape}」" in said, (char, said)
        assert f"x {escape}+ 1" in said and not unseen(said), (char, said)


def test_a_refusal_names_the_refused_token_in_the_visitors_language():
    with pytest.raises(ParameterError) as refused:
        gd.parse_objective("x + os")
    with speaking("en"):
        assert "the name “os” is not one of x, y, θ" in refusal(refused.value)
    with speaking("zh"):
        assert "名称「os」不是 x、y、θ 之一" in refusal(refused.value)


def test_a_run_that_leaves_the_domain_says_where_and_why():
    app = open_page(objective=CUSTOM, function="log(x)", theta0="1", eta="5")
    assert not app.exception
    result = gd.minimize(gd.parse_objective("log(x)"), eta=5.0, theta0=1.0)  # a separate run: θ₁ = 1 − 5 · 1 = −4
    assert result.status == "left_domain" and result.history[-1] == 1.0 - 5.0 * 1.0
    assert metrics(app)[t("metric.status")] == t("status.left_domain")
    said = [plain(box.value) for box in app.error]
    assert said == [plain(t("explain.left_domain", updates="1", theta=number(-4.0),
                             why=t("explain.left_domain.log")))]
    assert "overflow" not in said[0]


def test_a_function_with_no_minimum_says_theory_does_not_know():
    run = Run(objective=CUSTOM, function="x", theta0=1.0, max_iter=200, sweep_points=5, view="theory")
    view = views.theory_view(run)
    assert view.note == t("theory.unknown") and view.table is None and view.exact is None


def test_the_link_carries_the_function_only_for_your_function():
    run = Run(objective=CUSTOM, function="sin(x) + x^2/10")
    query = to_url(run)
    assert query["function"] == "sin(x) + x^2/10"
    values, problems = read_url(query)
    assert not problems and Run(**{**DEFAULTS.__dict__, **values}) == run
    assert "function" not in to_url(Run(objective="quadratic"))
    assert to_url(Run(objective=CUSTOM))["function"] == DEFAULT_FUNCTION


def test_the_cap_refuses_an_overpriced_typed_view_before_it_runs(monkeypatch):
    largest = "sin(x)*exp(-x^2/9)+cos(2*x)*tanh(x)+log(1+x^2)*sqrt(4+x^2)+abs(x-1)*sin(x)^2+exp(cos(x))*tanh(sin(x))"
    run = Run(objective=CUSTOM, function=largest, max_iter=100_000, sweep_points=200, view="theory")

    def never(*args, **keywords):
        raise AssertionError("the engine ran")

    monkeypatch.setattr(gd, "compare", never)
    with pytest.raises(WorkCapError) as refused:
        budget.check(run)
    assert 0 < refused.value.fits < 100_000
    budget.check(Run(objective=CUSTOM, function=largest, max_iter=refused.value.fits, sweep_points=200,
                     view="theory"))


def test_a_typed_update_is_priced_per_instruction_of_its_formula_the_article_curves_at_least():
    def price(text):
        return budget.price(Run(objective=CUSTOM, function=text, view="compare"))[0]

    larger = "(x - 2.5)^2 - 1 + sin(x)*cos(x)"
    ratio = budget.instructions(larger) / budget.instructions(DEFAULT_FUNCTION)
    assert price(larger) / price(DEFAULT_FUNCTION) == pytest.approx(ratio)
    assert budget.instructions("x^2") < budget.instructions(DEFAULT_FUNCTION)
    assert price("x^2") == price(DEFAULT_FUNCTION)
    # the article curve's run typed is priced above the built-in curve's (the interpreter costs more per update than
    # the built-in's own code), on the compiled loop and on the numpy one
    for reference in (False, True):
        assert (budget.cost(Run(objective=CUSTOM), budget.calls(Run(objective=CUSTOM), "headline"),
                            reference=reference)[0]
                > budget.cost(Run(), budget.calls(Run(), "headline"), reference=reference)[0])


def test_the_page_refuses_an_overpriced_typed_view_and_offers_what_fits():
    app = open_page(objective=CUSTOM, function=ARTICLE, max_iter="100000", view="theory", sweep_points="200")
    assert not app.exception
    assert any("would take up to" in plain(box.value) for box in app.error)
