"""中文 / English: every view in the visitor's language, and nothing of the other one.

The pages are opened with AppTest and every string a visitor can read is collected: headings, text, captions,
alerts, metrics and their help, widget labels, help texts and options, tab names, table columns, and the titles,
axes, legends and tooltips of every chart (from its Vega-Lite spec)."""

import json
import re
from dataclasses import replace

import pytest
from app import new_page
from app import open_page as opened

import gd
from gd.lab import views
from gd.lab.controls import CURVE_VIEWS, DEFAULTS, VIEWS
from gd.lab.explain import explain
from gd.lab.text import CHINESE, ENGLISH, speaking, t

# English a Chinese page may show: the names of methods and tools, the CSV's column names, the language switch,
# and symbols. Everything else in a Chinese page is Chinese.
ALLOWED_IN_CHINESE = {"Adam", "Adagrad", "RMSprop", "Nesterov", "scikit", "learn", "torch", "optim", "n_iter_no_change",
                      "CSV", "MSE", "SGD", "BGD", "Mini", "Batch", "GD", "epoch", "English", "Language", "eta",
                      "theta", "loss", "grad", "dJ", "eps", "inf", "nan", "e", "Python", "numpy", "OverflowError",
                      "Rosenbrock", "Himmelblau", "Smith", "fastai", "lr_find",  # names, written so in Chinese too
                      "Tab", "Home", "End", "Ctrl",  # keys, named as printed on them
                      "sin", "cos", "tan", "exp", "log", "sqrt", "tanh", "abs"}  # what a typed formula may call
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
ON_A_SURFACE = {"race": {"objective": "rosenbrock"}, "momentum": {"objective": "ravine"},
                "basins": {"objective": "double_well"},  # the views only some objectives have
                "regression": {"objective": "logistic_regression_2d"}}  # the views only a surface has
SETTINGS = [{}, {"variant": "sgd", "max_iter": "300"}, {"optimizer": "adam", "schedule": "step", "max_iter": "300"},
            {"eta": "1.1"}, {"objective": "double_well", "stop": "no_improvement"},
            {"objective": "custom", "function": "x^4/4 - x^2 + 0.3*x", "max_iter": "300"}]


def open_page(lang: str, **query):
    app = opened({"lang": lang, **query})
    assert not app.exception
    return app


def chart_text(spec, found: list[str]) -> None:
    """Titles, axis and legend titles, tooltip titles, facet panel names and label expressions of a chart."""
    if isinstance(spec, dict):
        for key, value in spec.items():
            if key == "title" and isinstance(value, str):
                found.append(value)
            elif key == "title" and isinstance(value, dict) and isinstance(value.get("text"), list):
                found.extend(value["text"])  # a panel's title, one part per line
            elif key == "sort" and isinstance(value, list) and all(isinstance(item, str) for item in value):
                found.extend(value)
            elif key not in ("datasets", "data", "$schema", "field", "type", "name", "scheme", "format", "shape",
                             "filter", "value", "test"):
                chart_text(value, found)
    elif isinstance(spec, list):
        for item in spec:
            chart_text(item, found)
    if isinstance(spec, dict) and "datasets" in spec:  # the panel titles and legend labels travel as data
        for rows in spec["datasets"].values():
            for row in rows:
                found.extend(str(value) for key, value in row.items() if key in ("panel", "label"))


def readable(app) -> list[str]:
    """Every string of the page a visitor can read."""
    found = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "success", "info", "warning", "error"):
        found += [shown_math(element.value) for element in getattr(app, kind)]
    for metric in app.metric:
        found += [metric.label, metric.value, metric.proto.help]
    for kind in ("number_input", "text_input", "selectbox", "radio", "slider", "button", "toggle",
                 "segmented_control"):
        for widget in getattr(app, kind, []):
            found += [widget.label, widget.help or ""]
            found += [str(option) for option in getattr(widget, "options", [])]
    found += [tab.label for tab in app.tabs]
    for frame in app.dataframe:
        found += [column.get("label", "") for column in json.loads(frame.proto.columns or "{}").values()]
        found += [value for value in frame.value.to_numpy().ravel() if isinstance(value, str)]
    for element in app.main:
        if getattr(element, "type", "") == "vega_lite_chart":
            spec = json.loads(element.proto.spec)
            spec["datasets"] = {dataset.name: rows(dataset.data.data) for dataset in element.proto.datasets}
            chart_text(spec, found)
    return [text for text in found if text]


def shown_math(text: str) -> str:
    """Markdown as read: in its $…$ math, a command such as \\frac is drawn, not shown (\\text{…} keeps its words)."""
    return re.sub(r"\$[^$]+\$", lambda math: re.sub(r"\\[A-Za-z]+", " ", math.group()), text)


def rows(arrow: bytes) -> list[dict]:
    import pyarrow as pa

    return pa.ipc.open_stream(arrow).read_all().to_pylist()


def english_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z_]{2,}", re.sub(r"\d+(\.\d+)?e[+-]?\d+", " ", text))) - ALLOWED_IN_CHINESE


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda settings: ",".join(settings) or "defaults")
@pytest.mark.parametrize("view", VIEWS)
def test_a_chinese_page_shows_no_english(view, settings):
    app = open_page("zh", view=view, **{**settings, **ON_A_SURFACE.get(view, {})})
    if view == "predict":
        app.button[-1].click().run()  # the form's button, the last on the page: the score and its sentences too
    texts = readable(app)
    assert any(CJK.search(text) for text in texts)
    leaks = {text: english_words(text) for text in texts if english_words(text)}
    assert not leaks


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda settings: ",".join(settings) or "defaults")
@pytest.mark.parametrize("view", VIEWS)
def test_an_english_page_shows_no_chinese(view, settings):
    app = open_page("en", view=view, **{**settings, **ON_A_SURFACE.get(view, {})})
    texts = [text for text in readable(app) if text != t("language.label") and text != t("language.zh")]
    assert not [text for text in texts if CJK.search(text)]


def test_a_link_with_lang_zh_reopens_in_chinese_and_writes_it():
    app = open_page("zh", eta="0.9")
    assert app.title[0].value == CHINESE["page.title"]
    assert [tab.label for tab in app.tabs] == [CHINESE[f"view.{view}"] for view in CURVE_VIEWS]
    assert app.query_params["lang"] == ["zh"] or app.query_params["lang"] == "zh"
    assert app.radio(key="lang").value == "zh"


def test_without_lang_in_the_link_the_browser_decides():
    chinese, english = CHINESE["page.title"], ENGLISH["page.title"]
    for locale, title in (("zh-CN", chinese), ("zh-TW", chinese), ("en-US", english), ("de-DE", english),
                          (None, english)):
        app = new_page()
        app.context["locale"] = locale
        app.run()
        assert app.title[0].value == title, locale


def test_two_sessions_in_two_languages_each_see_their_own():
    """The same settings, so the same cached views, in two languages at once: each page in its own."""
    chinese, english = open_page("zh", view="theory"), open_page("en", view="theory")
    chinese.run()
    english.run()
    assert chinese.title[0].value == CHINESE["page.title"] and english.title[0].value == ENGLISH["page.title"]
    assert not [text for text in readable(english) if CJK.search(text) and text not in (
        t("language.label"), t("language.zh"))]
    assert not {text: english_words(text) for text in readable(chinese) if english_words(text)}


def test_switching_the_language_keeps_the_open_view_and_the_settings():
    app = open_page("en", view="stopping", eta="0.5")
    app.radio(key="lang").set_value("zh").run()
    assert not app.exception
    assert app.title[0].value == CHINESE["page.title"]
    assert app.query_params["view"] in ("stopping", ["stopping"])
    assert app.text_input(key="eta").value == "0.5"
    assert [tab.label for tab in app.tabs][CURVE_VIEWS.index("stopping")] == CHINESE["view.stopping"]


def test_chinese_sentences_read_as_chinese():
    """No doubled brackets around a pair, a measure word after a count of runs, no space before 的, one kind of minus
    in a worked step."""
    with speaking("zh"):
        converged = explain(gd.minimize("ravine", eta=0.1))
        stalled = explain(gd.minimize(gd.parse_objective("x^2 + y^2"), eta=1.0, theta0=(1.0, 1.0)))
        assert "（(" not in converged and "((" not in converged
        assert "J(-1, -1) = J(1, 1)" in stalled and "J((" not in stalled
        assert t("race.label", rule=t("optimizer.gd.title")) == "普通梯度下降的 η"
    noise = views.noise(replace(DEFAULTS, variant="sgd", seeds=5, lang="zh", max_iter=20).for_view("noise"))
    assert "5 个达到上限" in noise.spread_sentence
    steps = views.step_through(DEFAULTS.for_view("geometry"), views.headline(DEFAULTS.for_view("headline")))
    assert "-0.1 × (-5)" in steps.sentences[0] and "−0.1" not in steps.sentences[0]
