"""Hostile links: whatever a URL carries, the page opens, uses the defaults for what it cannot use,
names every refused value in one warning, renders none of it as markup and evaluates none of it; and the link
the page then shows reopens that same page.

The link's round trip is proved on the pure functions with many examples (gd.lab.links.read_url and to_url, and
each typed control's text and back); the whole page, which is costly to open, on the hardest links and a few
random ones: that it builds the Run those functions describe."""

import math
from dataclasses import replace

import pytest
from app import metrics, new_page, open_page, plain
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from test_text import unseen, visible

import gd
from gd.lab import budget
from gd.lab.budget import WorkCapError
from gd.lab.controls import (
    CHOICES,
    CUSTOM,
    DEFAULT_FUNCTION,
    DEFAULTS,
    HIDEABLE,
    HYPERPARAMETERS,
    MAX_TEXT,
    MODES,
    NUMBERS,
    OPTIONS,
    RACE,
    RACE_ETAS,
    SWITCHED,
    Run,
    control_text,
    fits,
    hyperparameters_of,
    race_etas,
    read_control,
    refusal,
    spec_of,
    start_of,
    surface_defaults,
    target,
    views_of,
)
from gd.lab.format import number, number_text, updates
from gd.lab.links import SHOWN_TEXT, exercise_said, read_url, to_url, warning
from gd.lab.text import speaking, t

HOSTILE = [
    "", " ", "nan", "NaN", "-nan", "inf", "-Infinity", "1e400", "-1e400", "-1", "0", "1", "0.5", "1e-300",
    "2.5", "100000", "1e5", "9" * 400, "1" * 5000, "0x10", "1_000", "１", "True", "None", "[]", "{}",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "__import__('os').system('id')",
    "eval('1+1')", "{{7*7}}", "${7*7}", "[x](javascript:alert(1))", "**bold** _it_", "$$\\frac{1}{0}$$",
    "0.1,0.2", "0.1,,abc", ",".join(["0.5"] * 20), "adam", "quadratic", "minibatch", "grad_norm", "race", "zh",
    "\x00", "\u202e1", "x\u2066+1", "\u200b", "x\t+1", "../../etc/passwd", "%3Cscript%3E", "a\nb",
    "0.1" + " " * MAX_TEXT + ",5",
]
TYPED = (*NUMBERS, *HYPERPARAMETERS, *RACE, "etas")  # the controls typed as text (and theta0, one of NUMBERS)
KNOWN = sorted({*TYPED, *OPTIONS, "function", *MODES})
FUNCTIONS = ["(x - 2.5)^2 - 1", "x^4/4 - x^2 + 0.3*x", " x^2 ", "(1-x)^2 + 100*(y-x^2)^2", "x^2 + 3*y^2"]


def number_texts(key: str):
    """Plain numbers in a number control's range, written as a link would write them; its default among them."""
    spec = spec_of(key)
    if spec.integer:
        return st.integers(int(spec.low), int(spec.high)).map(str)
    inside = st.floats(spec.low, spec.high, exclude_min=spec.low_open, exclude_max=spec.high_open)
    return st.one_of(st.just(number_text(spec.default)), inside.map(number_text))


def good_text(key: str):
    """A text the control accepts."""
    if key in OPTIONS:
        return st.sampled_from(OPTIONS[key])
    if key == "function":
        return st.sampled_from(FUNCTIONS)
    if key == "hide":  # any of the controls and views, in any order
        return st.lists(st.sampled_from(HIDEABLE), min_size=1, max_size=6, unique=True).map(",".join)
    if key in SWITCHED:
        return st.sampled_from(["0", "1"])
    if key == "etas":
        return st.one_of(st.just(",".join(map(number_text, DEFAULTS.etas))),
                         st.lists(number_texts("eta"), min_size=1, max_size=12).map(",".join))
    if key == "theta0":
        return st.lists(number_texts("theta0"), min_size=1, max_size=2).map(",".join)
    return number_texts(key)


hostile = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60), st.floats().map(repr))
known = st.sampled_from(KNOWN).flatmap(lambda key: st.tuples(st.just(key), st.one_of(good_text(key), hostile)))
unknown = st.tuples(st.one_of(st.sampled_from(["foo", "x" * 300, "<b>", "eta ", "ETA", "", "$x$", "\u202e"]),
                              st.text(max_size=20)).filter(lambda key: key not in KNOWN), hostile)
queries = st.lists(st.one_of(known, known, unknown), min_size=1, max_size=6).map(dict)

MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])  # GitHub-flavoured, as Streamlit's


def assert_shown_as_text(markdown: str, user_texts: list[str]) -> None:
    """Rendered, the Markdown is one paragraph of plain text and code spans, every text the user gave appears
    whole and unchanged inside a code span, and nothing in it hides or reorders the sentence."""
    tokens = MARKDOWN.parse(markdown)
    assert [token.type for token in tokens] == ["paragraph_open", "inline", "paragraph_close"], markdown
    children = tokens[1].children
    assert {child.type for child in children} <= {"text", "code_inline"}, [child.type for child in children]
    spans = [child.content for child in children if child.type == "code_inline"]
    for text in user_texts:
        assert any(visible(text) in span for span in spans), (text, spans)
    assert not unseen("".join(child.content for child in children).replace("\u2060", "")), markdown


IN_VIEW = {"compare": ("unit",), "theory": ("sweep_low", "sweep_high", "sweep_points"),
           "range": ("range_low", "range_high", "range_updates"), "basins": ("basin_updates",), "noise": ("seeds",)}


def expected_run(accepted: dict) -> Run:
    """The Run the page builds from the values a link set: a surface's own η and compared η under them, the
    objective's own start unless a θ₀ of its dimension is given, a batch size for mini-batches and a seed for
    sampled descent only, the chosen rules' hyperparameters, the open view's own controls (its race η, on top of
    the surface's), defaults for the rest."""
    objective = accepted.get("objective", DEFAULTS.objective)
    function = accepted.get("function", DEFAULT_FUNCTION).strip() if objective == CUSTOM else ""
    fields = {**surface_defaults(objective, function),
              **{key: value for key, value in accepted.items() if hasattr(DEFAULTS, key)}, "function": function}
    if not fits(fields.get("theta0"), objective, function):
        fields["theta0"] = start_of(objective, function)
    shown = [name for name in views_of(objective, function) if name not in fields.get("hide", ())]
    if not shown:  # a link that hides every view of its objective hides nothing
        fields.pop("hide")
        shown = list(views_of(objective, function))
    if fields.get("view") not in views_of(objective, function):  # one its objective lacks: the default view
        fields.pop("view", None)
    if fields.get("view", DEFAULTS.view) not in shown:  # a view the link hides: the first it shows
        fields["view"] = shown[0]
    variant, view = fields.get("variant", DEFAULTS.variant), fields.get("view", DEFAULTS.view)
    if variant != "minibatch":
        fields.pop("batch_size", None)
    if variant == "batch":
        fields.pop("seed", None)
    for name, keys in IN_VIEW.items():
        if view != name or (name == "noise" and variant == "batch"):  # the noise view has no seeds for batch descent
            for key in keys:
                fields.pop(key, None)
    chosen = [("optimizer", fields.get("optimizer", DEFAULTS.optimizer)),
              ("schedule", fields.get("schedule", DEFAULTS.schedule))]
    hyperparameters = tuple((f"{name}_{spec.name}", accepted.get(f"{name}_{spec.name}", spec.default))
                            for kind, name in chosen for spec in hyperparameters_of(kind, name))
    race = tuple((f"race_{name}", accepted.get(f"race_{name}", eta))
                 for name, eta in race_etas(objective).items()) if view == "race" and objective in RACE_ETAS else ()
    return Run(**fields, hyperparameters=hyperparameters, race=race)


@settings(max_examples=500, deadline=None)
@given(queries)
def test_any_link_is_read_into_checked_values_and_one_warning_that_shows_it_as_text(query):
    values, problems = read_url(query)
    assert sorted([*values, *(problem.key for problem in problems)]) == sorted(query)  # each once: used or named
    for key, value in values.items():
        if key in OPTIONS:
            assert value in OPTIONS[key]
        elif key == "hide":
            assert value and set(value) <= set(HIDEABLE) and len(set(value)) == len(value)
        elif key in SWITCHED:
            assert value in (True, False)
        elif key != "function":
            assert all(math.isfinite(number) for number in (value if isinstance(value, tuple) else (value,)))
    for language in ("en", "zh"):
        with speaking(language):
            if problems:
                assert_shown_as_text(warning(problems),  # (a view the objective lacks is named by its tab)
                                     [problem.raw[:SHOWN_TEXT] for problem in problems
                                      if problem.refused and problem.objective is None]
                                     + [problem.key[:SHOWN_TEXT] for problem in problems if problem.refused is None])


@settings(max_examples=500, deadline=None)
@given(queries)
@example({"objective": "rosenbrock", "eta": "0.1", "etas": "0.01,0.1,0.9,1,1.1"})  # a surface at the curves' η
def test_the_link_of_the_page_a_link_opens_reopens_that_page(query):
    """What a link sets is what the page's own link (to_url of its Run) sets again, and each typed control shows
    its value as a text that reads back as exactly that value."""
    accepted, _ = read_url(query)
    run = expected_run(accepted)
    again, problems = read_url(to_url(run))
    assert problems == []
    assert expected_run(again) == run
    for key, value in accepted.items():
        if key in TYPED:
            assert read_control(key, control_text(key, value)) == value


def over_the_cap(run: Run) -> WorkCapError | None:
    """The cap's refusal of the open view, for the views the page builds under the cap (not the step-through and the
    quiz, which reuse the headline run; nor the noise view of batch descent, which has no noise to show)."""
    if run.view in ("geometry", "predict") or (run.view == "noise" and run.variant == "batch"):
        return None
    try:
        budget.check(run)
    except WorkCapError as refused:
        return refused
    return None


def link_query(app) -> dict[str, str]:
    """The page's own link, as AppTest holds it (a value or a list of one)."""
    return {key: value[-1] if isinstance(value, list) else value for key, value in app.query_params.items()}


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(queries)
@example({"eta": "<script>alert(1)</script>", "x" * 300: "1", "\u202e": "a\nb", "etas": "0.1,,abc",
          "max_iter": "9" * 400, "theta0": ":material/warning:"})  # markup, direction controls, long names
@example({"objective": "double_well", "variant": "minibatch", "batch_size": "8", "seed": "3", "optimizer": "adam",
          "adam_beta1": "0.8", "schedule": "step", "step_every": "7", "stop": "grad_norm", "max_iter": "500",
          "etas": "0.02,0.3", "view": "noise", "seeds": "7", "lang": "zh", "theta0": "nan"})  # every choice, in 中文
@example({"objective": "logistic_regression", "max_iter": "100000", "view": "theory", "sweep_points": "200",
          "etas": ",".join(str(0.01 * k) for k in range(1, 13))})  # over the cap
@example({"objective": "rosenbrock", "view": "race", "race_adam": "0.5", "eta": "0.1", "etas": "0.01"})  # surface
@example({"objective": CUSTOM, "function": "x^2 + 3*y^2", "theta0": "1,2", "view": "race", "seed": "4",
          "variant": "batch", "batch_size": "3"})  # a typed surface has no race; unused seed and batch size
@example({"objective": "ravine", "theta0": "3", "view": "momentum", "etas": "0.1" + " " * MAX_TEXT + ",5"})
@example({"theta0": "1,2", "view": "race", "function": "x^3", "lang": "en"})  # a pair, a view, a formula: not here
@example({"present": "1", "eta": "0.5", "lang": "zh"})  # presenting: the run in one line, not the five numbers
def test_any_link_opens_the_page_it_describes(query):
    """The page opens without an exception, with one warning (in its language) that is exactly the one naming what
    the link gave and could not be used, the run of the Run the link describes (its metrics are the engine's, run
    separately), the cap's refusal if that Run is over it, and the Run's own link in the address bar."""
    app = open_page(query)
    assert not app.exception
    accepted, problems = read_url(query)
    run = expected_run(accepted)
    with speaking(run.lang):
        first_words = t("page.link_problems", problems="")[:20]
        warnings = [box.value for box in app.warning if plain(box.value).startswith(first_words)]
        assert warnings == ([warning(problems)] if problems else [])
        refused = over_the_cap(run)
        if refused is not None:
            said = t("error.cap.fix", fits=f"{refused.fits:,}", fewer=t(f"error.cap.fewer.{run.view}"))
            assert any(said in plain(box.value) for box in app.error), [box.value for box in app.error]
        result = gd.minimize(target(run), eta=run.eta, **run.keywords())
        if run.present:  # on a projector the five numbers give way to the run in one line under the presenter's bar
            said = f" · {updates(result.iterations)} · {t(f'status.{result.status}')}"
            assert any(plain(caption.value).endswith(said) for caption in app.caption), said
        else:
            shown = metrics(app)
            assert shown[t("metric.theta")] == number(result.theta)
            assert shown[t("metric.updates")] == f"{result.iterations:,}"
    assert link_query(app) == to_url(run)


@pytest.mark.parametrize("key", ["etas", "eta", "max_iter", "view", "adam_beta1", "race_adam"])
def test_a_value_past_the_limit_is_refused_not_cut_and_read(key):
    """"0.1", 400 spaces and ",5" was read as the one η 0.1; now the warning names the control and the limit."""
    raw = "0.1" + " " * MAX_TEXT + ",5"
    values, problems = read_url({key: raw, "objective": "ravine"})
    assert values == {"objective": "ravine"} and [problem.key for problem in problems] == [key]
    with speaking("en"):
        assert f"{key} must be text of at most {MAX_TEXT} characters (this one has {len(raw)})" in plain(
            warning(problems))
    with speaking("zh"):
        assert f"{key} 必须是 最多 {MAX_TEXT} 个字符的文本（这个值有 {len(raw)} 个字符）" in plain(warning(problems))


@pytest.mark.parametrize(("query", "english", "chinese"), [
    ({"view": "race"}, "The article's parabola has no view “Optimizer race”, so “Side by side” opened instead",
     "文章中的抛物线没有「优化器竞赛」视图，因此打开的是「并排对比」"),
    ({"objective": "rosenbrock", "view": "momentum"}, "Rosenbrock", "Rosenbrock"),
    ({"objective": CUSTOM, "function": "x^2 + y^2", "view": "regression"}, "Your function has no view", "你的函数没有"),
    ({"objective": "double_well", "view": "race", "lang": "zh"}, "has no view “Optimizer race”",
     "没有「优化器竞赛」视图"),
])
def test_a_view_the_objective_lacks_is_named_with_the_one_opened_instead(query, english, chinese):
    values, problems = read_url(query)
    assert "view" not in values and [problem.key for problem in problems] == ["view"]
    with speaking("en"):
        assert english in plain(warning(problems)) and "opened instead" in plain(warning(problems))
    with speaking("zh"):
        assert chinese in plain(warning(problems)) and "因此打开的是「并排对比」" in plain(warning(problems))


@pytest.mark.parametrize("view", ["race", "momentum"])
def test_a_view_the_objective_has_is_no_problem(view):
    assert read_url({"objective": "ravine", "view": view}) == ({"objective": "ravine", "view": view}, [])


def test_a_repeated_parameter_uses_its_last_value():
    app = new_page()
    app.query_params["eta"] = ["0.5", "0.9"]
    app.run()
    assert {metric.label: metric.value for metric in app.metric}["final θ"] == number(gd.minimize(eta=0.9).theta)


def test_nothing_in_a_link_reaches_the_engine_unparsed():
    """Numbers go through float() and a range check; names must be registry keys."""
    accepted, problems = read_url({"eta": "__import__('os')", "objective": "OBJECTIVES", "max_iter": "1e5",
                                   "etas": "1e-6,10"})
    assert accepted == {"max_iter": 100_000, "etas": (1e-6, 10.0)}
    assert len(problems) == 2
    assert all(isinstance(value, (int, float, tuple)) and not isinstance(value, bool) or value in CHOICES.get(key, ())
               for key, value in accepted.items())
    assert not any(isinstance(value, float) and not math.isfinite(value) for value in accepted.values())


def test_read_url_accepts_good_values():
    values, problems = read_url({"eta": "0.5", "objective": "quartic", "max_iter": "1e3", "etas": "0.1,0.2",
                                 "adam_beta1": "0.8", "view": "noise", "unit": "epochs"})
    assert problems == []
    assert values == {"eta": 0.5, "objective": "quartic", "max_iter": 1000, "etas": (0.1, 0.2), "adam_beta1": 0.8,
                      "view": "noise", "unit": "epochs"}


@pytest.mark.parametrize(("key", "raw", "accepted"), [
    ("eta", "abc", "a finite number ≥ 1e-06 and ≤ 10"), ("eta", "nan", "≤ 10"), ("eta", "20", "≤ 10"),
    ("theta0", "-1e12", "≥ -100 and ≤ 100"), ("max_iter", "2.5", "an integer from 1 to 100,000"),
    ("max_iter", "0", "from 1 to 100,000"), ("objective", "Quadratic", "one of quadratic, double_well"),
    ("variant", "", "one of batch, sgd, minibatch"), ("etas", "0.1,,abc", "≤ 10"),
    ("adam_beta1", "1", "< 1"), ("view", "admin", "one of compare, theory")])
def test_read_url_drops_bad_values_and_names_them_with_the_accepted_range(key, raw, accepted):
    values, (problem, *more) = read_url({key: raw})
    assert key not in values and not more
    assert (problem.key, problem.raw, problem.refused.name) == (key, raw, key) and accepted in refusal(problem.refused)


def test_read_url_names_unknown_parameters_and_shortens_long_values():
    values, problems = read_url({"foo": "1", "eta": "9" * 5000})
    assert values == {}
    assert problems[0].key == "foo" and problems[0].refused is None
    said = warning(problems)
    assert "foo" in said and len(said) < 400 and "9" * SHOWN_TEXT + "…" in said and "9" * (SHOWN_TEXT + 1) not in said


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(max_size=30), st.text(max_size=300), max_size=6))
def test_read_url_never_raises_and_returns_only_checked_values(params):
    values, problems = read_url(params)
    assert set(values) <= set(params)
    assert len(values) + len(problems) == len(params)


def test_a_run_survives_the_round_trip_through_its_link():
    run = Run(objective="double_well", theta0=-1.5, eta=0.037, epsilon=1e-6, variant="minibatch", batch_size=8,
              seed=3, optimizer="adam", schedule="step", stop="grad_norm", max_iter=500, etas=(0.02, 0.3),
              sweep_low=0.01, sweep_high=0.9, sweep_points=20, seeds=7, unit="epochs", view="noise",
              hyperparameters=(("adam_beta1", 0.8), ("adam_beta2", 0.999), ("adam_eps", 1e-8),
                               ("step_gamma", 0.5), ("step_every", 7)))
    values, problems = read_url(to_url(run))
    assert problems == []
    assert values == {"objective": "double_well", "theta0": -1.5, "eta": 0.037, "epsilon": 1e-6,
                      "variant": "minibatch", "batch_size": 8, "seed": 3, "optimizer": "adam", "schedule": "step",
                      "stop": "grad_norm", "max_iter": 500, "etas": (0.02, 0.3), "sweep_low": 0.01,
                      "sweep_high": 0.9, "sweep_points": 20, "seeds": 7, "unit": "epochs", "view": "noise",
                      "adam_beta1": 0.8, "step_every": 7, "lang": "en"}  # the defaults (β₂, eps, γ) stay out


def test_the_default_run_has_only_its_language_in_the_link():
    """With no lang, the receiver's browser would decide: a link says the language it was made in."""
    assert to_url(DEFAULTS) == {"lang": "en"}
    assert to_url(Run(lang="zh")) == {"lang": "zh"}


@settings(max_examples=300, deadline=None)
@given(st.floats(min_value=1e-6, max_value=10.0), st.floats(min_value=0.0, max_value=0.999999999),
       st.lists(st.floats(min_value=1e-6, max_value=10.0), min_size=1, max_size=12, unique=True))
def test_every_float_comes_back_exactly(eta, beta2, etas):
    """A link reopens the same numbers to the last bit, not six significant digits of them."""
    run = Run(eta=eta, etas=tuple(etas), optimizer="adam",
              hyperparameters=(("adam_beta1", 0.9), ("adam_beta2", beta2), ("adam_eps", 1e-8)))
    values, problems = read_url(to_url(run))
    assert problems == []
    assert values.get("eta", DEFAULTS.eta) == eta
    assert values.get("etas", DEFAULTS.etas) == tuple(etas)
    assert values.get("adam_beta2", 0.999) == beta2


@pytest.mark.parametrize("raw", ["1_0", "１", "١", "0.5 ", " 0.5", "0x1", "infinity", "1e-3\t", "٠٫٥"])
def test_a_number_not_written_in_plain_ascii_is_refused_not_normalised(raw):
    """float() would read "1_0" as 10 and "１" or "١" as 1; a link must say what it gives, so these are refused."""
    values, problems = read_url({"eta": raw, "max_iter": raw})
    assert values == {}
    assert [problem.key for problem in problems] == ["eta", "max_iter"]
    if raw.strip() == raw:  # spaces separate the η of a list
        assert read_url({"etas": f"0.1,{raw}"})[0] == {}


# ---------------------------------------------------------------- a teacher's exercise: what a link hides


def test_a_link_hides_controls_and_views_named_once_each_in_the_pages_order():
    values, problems = read_url({"hide": "theory,optimizer,lessons", "lang": "zh"})
    assert problems == [] and values["hide"] == ("optimizer", "lessons", "theory")
    assert to_url(replace(DEFAULTS, hide=values["hide"]))["hide"] == "optimizer,lessons,theory"


@pytest.mark.parametrize("raw", ["theory,theory", "optimizer,learning_rate", "", ",", "eta;theory", "ETA"])
def test_a_hide_that_names_no_control_or_names_one_twice_is_refused_naming_every_name(raw):
    values, problems = read_url({"hide": raw})
    assert "hide" not in values and [problem.key for problem in problems] == ["hide"]
    with speaking("zh"):
        said = refusal(problems[0].refused)
    assert said.startswith("用逗号分隔的控件和视图名称") and "optimizer（" not in said
    assert "optimizer (更新规则)" in said and "theory (理论解释)" in said  # each name, and what the page calls it


def test_a_link_that_hides_every_view_of_its_objective_hides_nothing_and_says_so():
    every = ",".join(views_of("quadratic"))
    values, problems = read_url({"hide": every})
    assert "hide" not in values and [problem.key for problem in problems] == ["hide"]
    with speaking("en"):
        assert refusal(problems[0].refused) == "names that leave at least one view of this objective shown"
    values, problems = read_url({"hide": every, "objective": "ravine"})  # the race is still there
    assert problems == [] and values["hide"] == views_of("quadratic")
    assert views_of("ravine", hide=values["hide"])[0] == "race"  # the view the page opens


def test_a_view_the_link_hides_opens_the_first_it_shows():
    assert read_url({"view": "theory", "hide": "theory"})[0]["view"] == "compare"
    assert read_url({"view": "compare", "hide": "compare,theory"})[0]["view"] == "range"


def test_an_exercise_says_what_it_fixes_with_the_values_the_run_uses():
    run = replace(DEFAULTS, optimizer="adam", eta=0.5, hide=("eta", "optimizer", "lessons", "theory"))
    with speaking("en"):
        assert exercise_said(run) == "An exercise: its link fixes Learning rate η: 0.5; Update rule: Adam."
    with speaking("zh"):
        assert exercise_said(run) == "这是一道练习：它的链接固定了学习率 η：0.5；更新规则：Adam。"
    typed = replace(DEFAULTS, objective=CUSTOM, function="x^4 - x", hide=("objective",))
    with speaking("en"):
        assert exercise_said(typed) == "An exercise: its link fixes Objective J(θ): Your function: J = x^4 - x."
    assert exercise_said(replace(DEFAULTS, hide=("lessons", "theory"))) == ""  # no control hidden: nothing to say


def test_presenting_and_a_worksheet_are_said_in_a_link_as_1_and_read_back():
    assert to_url(replace(DEFAULTS, present=True)) == {"lang": "en", "present": "1"}
    assert to_url(replace(DEFAULTS, worksheet=True, lang="zh")) == {"lang": "zh", "worksheet": "1"}
    assert read_url({"worksheet": "1"}) == ({"worksheet": True}, [])
    assert read_url({"present": "1"}) == ({"present": True}, [])
    assert read_url({"present": "0"}) == ({"present": False}, [])
    values, problems = read_url({"present": "yes"})
    assert values == {} and problems[0].refused.options == ("0", "1")
