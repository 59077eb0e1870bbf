"""The page on your own data (issue 23, item 1): a CSV uploaded or rows linked run in every view as the built-in
regressions do; a hostile file is refused, named and nothing of it kept, in the visitor's language. App tests through
Streamlit's AppTest; the expected numbers come from numpy's least squares and separate engine runs."""

import statistics

import numpy as np
import pytest
from app import charts, metrics, open_page, plain, seen

import gd
from gd import data
from gd.data import parse_data
from gd.lab import views
from gd.lab.controls import SAMPLES, Run, data_accepted, data_limits, surface_defaults, views_of
from gd.lab.format import number
from gd.lab.text import speaking, t

GOOD = b"hours,score\n0,1\n1,3\n2,5.5\n3,6.9\n4,9.2\n"
HOSTILE = {  # file: (content, the reason gd.data gives, the text it refused, its row)
    "huge.csv": (b"1,2\n" * 6_000, "too_long", "24,000", None),
    "picture.csv": (bytes(range(256)) * 4, "binary", "", None),
    "three.csv": (b"x,y,z\n1,2,3\n4,5,6\n", "columns", "3", 1),
    "nan.csv": (b"x,y\n1,2\n2,nan\n", "number", "nan", 3),
    "large.csv": (b"x,y\n1,2\n2,1e308\n", "range", "1e308", 3),
    "formula.csv": (b"x,y\n1,2\n2,=HYPERLINK(\"x\")\n", "number", '=HYPERLINK("x")', 3),
    "one.csv": (b"x,y\n1,2\n", "rows", "1", None),
}


def upload(app, name, content):
    app.sidebar.get("file_uploader")[0].set_value((name, content, "text/csv"))
    return app.run()


def shown_link(app) -> dict:
    return {key: app.query_params[key] for key in app.query_params}


@pytest.mark.parametrize("objective", ["data_linear", "data_logistic"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_sample_rows_open_in_every_view(objective, lang):
    app = open_page(objective=objective, lang=lang)
    for view in views_of(objective):
        noisy = {"variant": "sgd"} if view == "noise" else {}  # a full batch has no noise to show, and says so
        app = open_page(objective=objective, lang=lang, view=view, **noisy)
        assert not app.exception, view
        assert not app.error, (view, [box.value for box in app.error])
        assert charts(app) or view in ("predict", "inside"), view  # inside: plain descent keeps nothing, and says so
    problem = parse_data(SAMPLES[objective], objective.removeprefix("data_"))
    with speaking(lang):
        said = " ".join(plain(caption.value) for caption in app.sidebar.caption)
        assert t("data.read", rows=12, smoothness=number(problem.smoothness, 4),
                 limit=number(2 / problem.smoothness, 4)) in said


def test_an_uploaded_file_is_fitted_as_least_squares_and_its_link_carries_it():
    app = open_page(objective="data_linear")
    app = upload(app, "scores.csv", GOOD)
    assert not app.exception and not app.error
    assert [box.value for box in app.sidebar.success] == ["Read 5 rows from ` scores.csv `\\."]
    x, y = np.array([0, 1, 2, 3, 4.0]), np.array([1, 3, 5.5, 6.9, 9.2])
    (w, b), *_ = np.linalg.lstsq(np.column_stack([x, np.ones(5)]), y, rcond=None)
    hessian = 2 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1]])
    eta = float(f"{1 / max(np.linalg.eigvalsh(hessian)):.1g}")  # the upload starts at about 1/L of its rows
    assert app.text_input(key="eta").value == str(eta) and "eta" not in shown_link(app)  # the rows' own default
    result = gd.minimize(parse_data(GOOD.decode(), "linear"), eta=eta, max_iter=10_000)
    assert result.theta == pytest.approx([w, b], abs=1e-3)
    assert metrics(app)[t("metric.theta")] == number(result.theta)
    link = shown_link(app)
    assert link["data"] == "0,1;1,3;2,5.5;3,6.9;4,9.2"
    reopened = open_page(link)
    assert not reopened.exception and not reopened.error and not reopened.warning
    assert metrics(reopened) == metrics(app)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_hostile_file_is_refused_named_and_nothing_of_it_kept(name, lang):
    content, reason, token, row = HOSTILE[name]
    app = open_page(objective="data_linear", lang=lang)
    before_metrics, before_link = metrics(app), shown_link(app)
    app = upload(app, name, content)
    assert not app.exception
    [box] = app.sidebar.error
    said = seen(box.value)
    with speaking(lang):
        assert name in said
        assert t(f"data.reason.{reason}", token=token, row=row, **data_limits()) in said  # why, where, what
        assert data_accepted() in said  # and what is accepted: the limits
    assert ("not used" in said) == (lang == "en") and ("未被使用" in said) == (lang == "zh")
    assert metrics(app) == before_metrics and shown_link(app) == before_link
    again = app.run()  # the refusal stays said while that file is in the uploader, and still nothing is kept
    assert len(again.sidebar.error) == 1 and metrics(again) == before_metrics


def test_standardising_x_gives_kappa_one_and_a_fitted_chart_in_z():
    raw = open_page(objective="data_linear", view="regression")
    scaled = open_page(objective="data_linear", view="regression", features="standardized")
    assert not scaled.exception and not scaled.error
    assert "κ = 1:" in " ".join(plain(caption.value) for caption in scaled.sidebar.caption)
    x, _ = data.read_rows(SAMPLES["data_linear"])
    hessian = 2 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])  # of the mean squared error, by hand
    low, high = np.linalg.eigvalsh(hessian)
    assert f"κ = {number(high / low, 4)}:" in " ".join(plain(caption.value) for caption in raw.sidebar.caption)
    run = Run(objective="data_linear", features="standardized", theta0=(0.0, 0.0), view="regression",
              **surface_defaults("data_linear"))
    fit = views.regression(run).fit
    [points] = [values for values in fit["datasets"].values() if set(values[0]) == {"x", "y"}]
    raw_x, raw_y = data.read_rows(SAMPLES["data_linear"])
    z = (raw_x - statistics.fmean(raw_x)) / statistics.pstdev(raw_x)
    assert [point["x"] for point in points] == pytest.approx(z.tolist(), rel=1e-14)  # the rows, standardised
    assert [point["y"] for point in points] == raw_y.tolist()
    axis = fit["layer"][0]["encoding"]["x"]["title"]
    assert axis == f"(x − {number(statistics.fmean(raw_x), 4)}) / {number(statistics.pstdev(raw_x), 4)}"


def test_rows_too_long_for_a_link_are_said_and_left_out():
    rows = "\n".join(f"{i / 7:.6f},{i / 3:.6f}" for i in range(120)).encode()
    app = upload(open_page(objective="data_linear"), "long.csv", rows)
    assert not app.exception and not app.error
    assert any("A link cannot carry these rows" in plain(box.value) for box in app.warning)
    assert "data" not in shown_link(app)


def test_a_linked_data_set_a_page_refuses_is_named_and_the_sample_used():
    app = open_page(objective="data_logistic", data="1,0;2,0;3,1;4,1")
    [warning] = app.warning
    assert "data" in plain(warning.value) and "cross-entropy has no minimum" in plain(warning.value)
    sample = gd.minimize(parse_data(SAMPLES["data_logistic"], "logistic"), eta=surface_defaults("data_logistic")["eta"],
                         max_iter=4_000)
    assert metrics(app)[t("metric.theta")] == number(sample.theta)


def test_a_mini_batch_larger_than_the_rows_is_all_of_them():
    rows = "0,1;1,3;2,5.5;3,6.9;4,9.2"
    larger = open_page(objective="data_linear", data=rows, variant="minibatch", batch_size="16", view="noise")
    whole = open_page(objective="data_linear", data=rows, view="noise")
    assert not larger.exception and not larger.error
    assert metrics(larger) == metrics(whole)
