"""Hostile links: whatever a URL carries, the page opens, uses the defaults for what it cannot use,
names every refused value in one warning, renders none of it as markup and evaluates none of it."""

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

import gd
from gd.lab import budget
from gd.lab.budget import WorkCapError
from gd.lab.controls import CHOICES, DEFAULTS, HYPERPARAMETERS, NUMBERS, Run, hyperparameters_of, refusal
from gd.lab.format import number
from gd.lab.links import SHOWN_TEXT, read_url, to_url, warning
from gd.lab.text import t

HOSTILE = [
    "", " ", "nan", "NaN", "-nan", "inf", "-Infinity", "1e400", "-1e400", "-1", "0", "1", "0.5", "1e-300",
    "2.5", "100000", "1e5", "9" * 400, "1" * 5000, "0x10", "1_000", "１", "True", "None", "[]", "{}",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "__import__('os').system('id')",
    "eval('1+1')", "{{7*7}}", "${7*7}", "[x](javascript:alert(1))", "**bold** _it_", "$$\\frac{1}{0}$$",
    "0.1,0.2", "0.1,,abc", ",".join(["0.5"] * 20), "adam", "quadratic", "minibatch", "grad_norm", "\x00",
    "\u202e1", "../../etc/passwd", "%3Cscript%3E", "a\nb",
]
KNOWN = sorted({*NUMBERS, *HYPERPARAMETERS, *CHOICES, "etas"})
keys = st.one_of(st.sampled_from(KNOWN), st.sampled_from(["foo", "x" * 300, "<b>", "eta ", "ETA", "", "$x$"]),
                 st.text(max_size=20))
values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60),
                   st.floats(allow_nan=True, allow_infinity=True).map(repr))
queries = st.dictionaries(keys, values, min_size=1, max_size=5)


MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])  # GitHub-flavoured, as Streamlit's


def visible(text: str) -> str:
    """What quoted() promises to show: the text, with each unprintable character as its escape (and, invisible,
    a word joiner after the colon of ":material/")."""
    shown = "".join(char if char.isprintable() else char.encode("unicode_escape").decode() for char in text)
    return shown.replace(":material/", ":\u2060material/")


def assert_shown_as_text(markdown: str, user_texts: list[str]) -> None:
    """Rendered, the Markdown is one paragraph of plain text and code spans, and every text the user gave appears
    whole and unchanged inside a code span."""
    tokens = MARKDOWN.parse(markdown)
    assert [token.type for token in tokens] == ["paragraph_open", "inline", "paragraph_close"], markdown
    children = tokens[1].children
    assert {child.type for child in children} <= {"text", "code_inline"}, [child.type for child in children]
    spans = [child.content for child in children if child.type == "code_inline"]
    for text in user_texts:
        assert any(visible(text) in span for span in spans), (text, spans)


def open_page(query) -> AppTest:
    app = AppTest.from_file("../dashboard.py", default_timeout=120)
    for key, value in query.items():
        app.query_params[key] = value
    return app.run()


def expected_run(accepted: dict) -> Run:
    """The Run the page should build from the values a link may set, defaults for the rest."""
    fields = {key: value for key, value in accepted.items() if hasattr(DEFAULTS, key)}
    variant = fields.get("variant", DEFAULTS.variant)
    if variant != "minibatch":
        fields.pop("batch_size", None)
    if variant == "batch":
        fields.pop("seed", None)
    chosen = [("optimizer", fields.get("optimizer", DEFAULTS.optimizer)),
              ("schedule", fields.get("schedule", DEFAULTS.schedule))]
    hyperparameters = tuple((f"{name}_{spec.name}", accepted.get(f"{name}_{spec.name}", spec.default))
                            for kind, name in chosen for spec in hyperparameters_of(kind, name))
    return Run(**fields, hyperparameters=hyperparameters)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(queries)
def test_any_link_opens_with_defaults_for_what_it_cannot_use(query):
    app = open_page(query)
    assert not app.exception
    accepted, problems = read_url(query)
    first_words = t("page.link_problems", problems="")[:20]
    warnings = [box.value for box in app.warning if box.value.replace("\\", "").startswith(first_words)]
    if problems:
        assert warnings == [warning(problems)]
        assert_shown_as_text(warnings[0], [problem.raw[:SHOWN_TEXT] for problem in problems if problem.refused]
                             + [problem.key[:SHOWN_TEXT] for problem in problems if problem.refused is None])
    else:
        assert not warnings
    run = expected_run(accepted)
    try:
        budget.check(run)
    except WorkCapError:
        assert any("over the cap" in error.value for error in app.error)
    result = gd.minimize(run.objective, eta=run.eta, **run.keywords())
    shown = {metric.label: metric.value for metric in app.metric}
    assert shown["final θ"] == number(result.theta) and shown["updates"] == f"{result.iterations:,}"


def test_a_repeated_parameter_uses_its_last_value():
    app = AppTest.from_file("../dashboard.py", default_timeout=60)
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
