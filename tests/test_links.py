"""Hostile links: whatever a URL carries, the page opens, uses the defaults for what it cannot use,
names every refused value in one warning, renders none of it as markup and evaluates none of it."""

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

import gd
from gd.controls import CHOICES, DEFAULTS, NUMBERS, RULE_PARAMETERS, SHOWN_TEXT, Run, check_budget, read_url
from gd.explain import number
from gd.text import literal, t

HOSTILE = [
    "", " ", "nan", "NaN", "-nan", "inf", "-Infinity", "1e400", "-1e400", "-1", "0", "1", "0.5", "1e-300",
    "2.5", "100000", "1e5", "9" * 400, "1" * 5000, "0x10", "1_000", "１", "True", "None", "[]", "{}",
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "__import__('os').system('id')",
    "eval('1+1')", "{{7*7}}", "${7*7}", "[x](javascript:alert(1))", "**bold** _it_", "$$\\frac{1}{0}$$",
    "0.1,0.2", "0.1,,abc", ",".join(["0.5"] * 20), "adam", "quadratic", "minibatch", "grad_norm", "\x00",
    "\u202e1", "../../etc/passwd", "%3Cscript%3E", "a\nb",
]
KNOWN = sorted({*NUMBERS, *RULE_PARAMETERS, *CHOICES, "etas"})
keys = st.one_of(st.sampled_from(KNOWN), st.sampled_from(["foo", "x" * 300, "<b>", "eta ", "ETA", "", "$x$"]),
                 st.text(max_size=20))
values = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=60),
                   st.floats(allow_nan=True, allow_infinity=True).map(repr))
queries = st.dictionaries(keys, values, min_size=1, max_size=5)


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
    rule_parameters = tuple((f"{name}_{spec.name}", accepted.get(f"{name}_{spec.name}", spec.default))
                            for kind, name in chosen for spec in CHOICES[kind][name].hyperparameters)
    return Run(**fields, rule_parameters=rule_parameters)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(queries)
def test_any_link_opens_with_defaults_for_what_it_cannot_use(query):
    app = open_page(query)
    assert not app.exception
    accepted, problems = read_url(query)
    link_warning = literal(t("page.link_problems", problems="")).split(":")[0]
    warnings = [warning.value for warning in app.warning if warning.value.startswith(link_warning)]
    if problems:
        assert len(warnings) == 1
        for key in set(query) - set(accepted):
            assert literal(key[:SHOWN_TEXT]) in warnings[0]  # named, as text
    else:
        assert not warnings
    for shown in [warning.value for warning in app.warning] + [error.value for error in app.error]:
        # markup characters from the link are escaped, so Markdown shows them as text
        for index, char in enumerate(shown):
            if char in "<>[]*_`$":
                assert index > 0 and shown[index - 1] == "\\", shown
    run = expected_run(accepted)
    try:
        check_budget(run)
    except ValueError:
        assert not app.metric and app.error
        return
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
    assert all(isinstance(value, (int, float, tuple)) and not isinstance(value, bool) or value in CHOICES.get(key, {})
               for key, value in accepted.items())
    assert not any(isinstance(value, float) and not math.isfinite(value) for value in accepted.values())
