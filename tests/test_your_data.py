"""Your own data (issue 23, item 1): rows read from text, checked, and fitted by the 2-D regressions.

The references are independent of the engine: numpy's least squares for the linear model, a Newton (IRLS) iteration
written here in Python floats for the logistic one, the standardised x from the statistics module, and a plain loop of
gradient descent on the mean squared error written out by hand.
"""

import math
import statistics

import numpy as np
import pytest

import gd
from gd import compiled, data, run
from gd.data import parse_data
from gd.lab import budget, links, state
from gd.lab.controls import (
    DEFAULTS,
    MAX_LINK_DATA,
    RACE_ETAS,
    SAMPLES,
    Run,
    race_etas,
    surface_defaults,
    text_key,
    views_of,
)
from gd.params import ParameterError

ROWS = "x,y\n0.5,1.1\n1,1.9\n1.5,3.2\n2,3.8\n2.5,5.3\n3,5.9\n4,8.2"  # seven rows: not the built-in 64
X = [0.5, 1, 1.5, 2, 2.5, 3, 4]
Y = [1.1, 1.9, 3.2, 3.8, 5.3, 5.9, 8.2]
LABELS = "x,label\n0.5,0\n1,0\n1.5,1\n2,0\n2.5,1\n3,0\n3.5,1\n4,1\n4.5,1"  # the classes overlap on 1.5 … 3
LX = [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5]
LY = [0, 0, 1, 0, 1, 0, 1, 1, 1]


def refused(text, model="linear"):
    with pytest.raises(ParameterError) as caught:
        parse_data(text, model)
    assert caught.value.name == "data"
    return caught.value


# --- reading the rows ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "x,y\n0.5,1.1\n1,1.9",  # a header
    "0.5,1.1\n1,1.9\n",  # none, and a last line break
    "0.5\t1.1\r\n1\t1.9",  # tabs, Windows line breaks
    "0.5 1.1;1  1.9",  # spaces, rows separated by ";" (a link's form)
    "0.5，1.1\n\n1，1.9",  # a Chinese comma, an empty row
    "+0.5,1.10\n1.0,1.9e0",  # the same numbers written otherwise
])
def test_rows_are_read_in_every_form_a_table_a_file_or_a_link_gives(text):
    x, y = data.read_rows(text)
    assert x.tolist() == [0.5, 1.0] and y.tolist() == [1.1, 1.9]


def test_the_canonical_text_reads_back_as_exactly_the_same_numbers():
    x = [0.1, 1 / 3, -2.5e-05, 123.456789012345, 1000.0, -0.0]
    y = [2 / 7, 0.30000000000000004, 5.0, -999.999, 1e-300, 7.0]
    text = data.data_text(x, y)
    assert text.startswith("0.1,0.2857142857142857;0.3333333333333333,0.30000000000000004;-2.5e-05,5;")
    back_x, back_y = data.read_rows(text)
    assert back_x.tobytes() == np.array(x).tobytes() and back_y.tobytes() == np.array(y).tobytes()


@pytest.mark.parametrize(("text", "reason", "token", "row"), [
    ("1,2", "rows", "1", None),  # too few
    ("\n".join(["1,2"] * (data.MAX_ROWS + 1)), "rows", "501", None),  # too many
    ("x,y,z\n1,2,3\n4,5,6", "columns", "3", 1),  # a header of three names is no header: row 1 has 3 cells
    ("1,2\n3\n4,5", "columns", "1", 2),
    ("1,2\n2,nan\n3,4", "number", "nan", 2),
    ("1,2\n2,inf\n3,4", "number", "inf", 2),
    ("1,2\n=1+1,3", "number", "=1+1", 2),  # a spreadsheet's formula
    ("1,2\n2,=SUM(A1:A2)", "number", "=SUM(A1:A2)", 2),
    ("1,2\n2,0x10", "number", "0x10", 2),
    ("1,2\n2,1_000", "number", "1_000", 2),
    ("1,2\n2,１", "number", "１", 2),  # a full-width digit is not read as 1
    ("1,2\n2,1e308", "range", "1e308", 2),
    ("1,2\n2,1e999", "range", "1e999", 2),
    ("1,2\n-1000.5,3", "range", "-1000.5", 2),
    ("2,1\n2,5\n2,3", "same_x", "2", None),
])
def test_what_cannot_be_used_is_refused_with_its_reason_text_and_row(text, reason, token, row):
    error = refused(text)
    assert (error.reason, error.token, error.row) == (reason, token, row)


def test_the_edges_of_the_ranges_are_accepted():
    x, y = data.read_rows("-1000,1000\n1000,-1000")
    assert x.tolist() == [-1000.0, 1000.0] and y.tolist() == [1000.0, -1000.0]
    assert data.read_rows("\n".join(f"{i},{i}" for i in range(data.MAX_ROWS)))[0].size == data.MAX_ROWS


def test_a_file_is_refused_unread_when_it_is_too_large_or_not_text():
    with pytest.raises(ParameterError) as caught:
        data.decode(b"1,2\n" * 5001)
    assert (caught.value.reason, caught.value.token) == ("too_long", "20,004")
    for raw in (bytes(range(256)), b"1,2\n\x00\x00,3", b"\xff\xfe1\x002\x00"):
        with pytest.raises(ParameterError) as caught:
            data.decode(raw)
        assert caught.value.reason == "binary"
    assert data.decode("\ufeffx,y\n1,2".encode()) == "x,y\n1,2"  # a spreadsheet's byte-order mark is no text
    assert refused("1,2\n" * 5001).reason == "too_long"  # a text as long, given otherwise


@pytest.mark.parametrize(("text", "reason", "token", "row"), [
    ("1,0\n2,2\n3,1", "label", "2", 2),
    ("1,0\n2,0.5\n3,1", "label", "0.5", 2),
    ("1,1\n2,1\n3,1", "one_class", "1", None),
    ("1,0\n2,0\n3,1\n4,1", "separable", "", None),  # 0s below 2.5, 1s above
    ("1,1\n2,1\n3,0\n4,0", "separable", "", None),  # the other way round: w < 0 separates
    ("1,0\n2,0\n2,1\n3,1", "separable", "", None),  # touching at 2: still no finite minimum
])
def test_labels_must_be_0_or_1_and_the_classes_must_overlap(text, reason, token, row):
    error = refused(text, "logistic")
    assert (error.reason, error.token, error.row) == (reason, token, row)


def test_a_refused_text_is_refused_again_from_the_cache_as_a_new_error():
    first, second = refused("1,2\n2,x"), refused("1,2\n2,x")
    assert first is not second and (first.reason, first.row) == (second.reason, second.row) == ("number", 2)


# --- the fit, against references written here -------------------------------------------------------------------

def test_the_linear_regression_minimum_is_numpys_least_squares():
    problem = parse_data(ROWS, "linear")
    (w, b), *_ = np.linalg.lstsq(np.column_stack([X, np.ones(len(X))]), Y, rcond=None)
    assert problem.points[0] == pytest.approx([w, b], rel=1e-12)
    assert problem.n_examples == 7
    theta = np.array([[0.7, -0.2]])
    by_hand = sum((0.7 * x - 0.2 - y) ** 2 for x, y in zip(X, Y, strict=True)) / 7
    assert problem.value(theta)[0] == pytest.approx(by_hand, rel=1e-14)
    hessian = 2 / 7 * np.array([[sum(x * x for x in X), sum(X)], [sum(X), 7]])
    assert problem.smoothness == pytest.approx(max(np.linalg.eigvalsh(hessian)), rel=1e-12)


def test_descent_on_the_rows_reaches_least_squares_and_follows_a_plain_loop():
    problem = parse_data(ROWS, "linear")
    result = gd.minimize(problem, eta=0.05, max_iter=20_000, epsilon=1e-14)
    assert result.status == "converged"
    assert result.theta == pytest.approx(problem.points[0], abs=1e-5)
    w = b = 0.0  # the plain loop: θ ← θ − η∇J, ∇J = (2/n) Σ (w·x + b − y)(x, 1)
    steps = gd.minimize(problem, eta=0.05, max_iter=40, epsilon=0.0).history
    for k in range(1, 41):
        residuals = [w * x + b - y for x, y in zip(X, Y, strict=True)]
        w, b = (w - 0.05 * 2 / 7 * sum(r * x for r, x in zip(residuals, X, strict=True)),
                b - 0.05 * 2 / 7 * sum(residuals))
        assert steps[k] == pytest.approx([w, b], rel=1e-12, abs=1e-15)


def newton_logistic(xs, labels):
    """Cross-entropy's minimizer by Newton's method (IRLS), in Python floats: H⁻¹∇J, 2×2 solved by Cramer's rule."""
    w = b = 0.0
    for _ in range(100):
        gw = gb = hww = hwb = hbb = 0.0
        for x, label in zip(xs, labels, strict=True):
            p = 1 / (1 + math.exp(-(w * x + b)))
            gw, gb = gw + (p - label) * x, gb + (p - label)
            weight = p * (1 - p)
            hww, hwb, hbb = hww + weight * x * x, hwb + weight * x, hbb + weight
        det = hww * hbb - hwb * hwb
        w, b = w - (hbb * gw - hwb * gb) / det, b - (hww * gb - hwb * gw) / det
    return w, b


def test_the_logistic_regression_minimum_is_newtons_on_the_cross_entropy():
    problem = parse_data(LABELS, "logistic")
    assert problem.points[0] == pytest.approx(newton_logistic(LX, LY), rel=1e-10)
    theta = np.array([[0.4, -1.0]])
    by_hand = sum(math.log(1 + math.exp(-(0.4 * x - 1.0))) if label else math.log(1 + math.exp(0.4 * x - 1.0))
                  for x, label in zip(LX, LY, strict=True)) / len(LX)
    assert problem.value(theta)[0] == pytest.approx(by_hand, rel=1e-14)
    result = gd.minimize(problem, eta=1.0, max_iter=50_000, epsilon=1e-15)
    assert result.theta == pytest.approx(problem.points[0], abs=1e-4)


def test_a_nearly_separable_data_set_still_finds_its_far_minimum():
    text = "1,0\n2,0\n3,0\n3.1,1\n2.95,0\n3.05,1\n4,1\n5,1\n2.9,1"  # one 1 just among the 0s
    xs, labels = data.read_rows(text)
    assert parse_data(text, "logistic").points[0] == pytest.approx(newton_logistic(xs.tolist(), labels.tolist()),
                                                                   rel=1e-8)


def test_standardised_x_has_mean_0_and_deviation_1_and_the_same_fitted_line():
    raw, scaled = parse_data(ROWS, "linear"), parse_data(ROWS, "linear", standardized=True)
    mean, deviation = statistics.fmean(X), statistics.pstdev(X)
    assert scaled.compiled[1][0].tolist() == pytest.approx([(x - mean) / deviation for x in X], rel=1e-14)
    assert (scaled.centre, scaled.scale) == pytest.approx((mean, deviation), rel=1e-14)
    (w, b), (ws, bs) = raw.points[0], scaled.points[0]
    assert (ws, bs) == pytest.approx((w * deviation, b + w * mean), rel=1e-12)  # the same line, in z
    assert scaled.smoothness == pytest.approx(2.0, rel=1e-12)  # ∇²J = 2·diag(mean z², 1) = 2I
    eigenvalues = np.linalg.eigvalsh(raw.hessian(np.zeros((1, 2)))[0])
    assert eigenvalues[-1] / eigenvalues[0] > 20  # off-centre x couples w and b: κ far above the scaled one's 1


def test_the_map_shows_the_minimum_and_the_start():
    for problem in (parse_data(ROWS, "linear"), parse_data("0,0\n1,300\n2,610", "linear")):
        (low_w, high_w), (low_b, high_b) = problem.bounds
        (w, b), = problem.minimizers
        assert low_w < min(w, 0) and max(w, 0) < high_w and low_b < min(b, 0) and max(b, 0) < high_b


# --- the engine's loops on the rows ------------------------------------------------------------------------------

@pytest.mark.parametrize("variant", gd.VARIANTS)
@pytest.mark.parametrize(("text", "model"), [(ROWS, "linear"), (LABELS, "logistic")])
def test_the_compiled_loop_equals_the_reference_bit_for_bit_on_the_rows(text, model, variant):
    compiled.wait()
    problem = parse_data(text, model, standardized=model == "logistic")
    keywords = dict(variant=variant, batch_size=3, seed=5, max_iter=300, optimizer="adam", epsilon=1e-10)
    fast = run._compare([0.01, 0.2, 5.0], problem, keywords, engine="compiled")
    slow = run._compare([0.01, 0.2, 5.0], problem, keywords, engine="reference")
    for a, b in zip(fast, slow, strict=True):
        assert (a.iterations, a.status) == (b.iterations, b.status)
        assert np.asarray(a.history).tobytes() == np.asarray(b.history).tobytes()
        assert np.asarray(a.losses).tobytes() == np.asarray(b.losses).tobytes()


def test_a_mini_batch_larger_than_the_rows_is_all_of_them():
    problem = parse_data(ROWS, "linear")
    whole = gd.minimize(problem, eta=0.05, max_iter=200, epsilon=0.0)
    for engine in ("compiled", "reference"):
        [larger] = run._compare([0.05], problem, dict(variant="minibatch", batch_size=16, max_iter=200, epsilon=0.0),
                                engine=engine)
        assert np.asarray(larger.history) == pytest.approx(np.asarray(whole.history), rel=1e-12, abs=1e-15)
    with pytest.raises(ParameterError):
        gd.Settings(problem, variant="minibatch", batch_size=65)  # the engine's range stays 1 … 64
    from gd.lab import frames
    assert frames.examples_per_update(gd.Settings(problem, variant="minibatch", batch_size=16)) == 7  # touched


# --- the lab --------------------------------------------------------------------------------------------------------

def run_on(objective, rows="", **settings):
    return Run(objective=objective, function=rows, theta0=(0.0, 0.0),
               **{**surface_defaults(objective, rows), **settings})


def test_each_objective_has_the_built_in_regressions_views_but_momentums_map():
    assert views_of("data_linear") == tuple(view for view in views_of("linear_regression_2d") if view != "momentum")
    assert views_of("data_logistic") == views_of("logistic_regression_2d")


def test_eta_starts_at_one_over_l_of_the_rows_to_one_digit():
    hessian = 2 / 7 * np.array([[sum(x * x for x in X), sum(X)], [sum(X), 7]])
    one_over_l = 1 / max(np.linalg.eigvalsh(hessian))
    own = surface_defaults("data_linear", parse_data(ROWS, "linear").text)
    assert own["eta"] == float(f"{one_over_l:.1g}") and own["etas"][-1] == pytest.approx(2 * own["eta"])
    assert own["max_iter"] == 10_000 and surface_defaults("data_logistic")["max_iter"] == 4_000


def test_the_race_scales_the_curvature_bound_rules_by_l_and_keeps_the_adaptive_ones():
    text = parse_data(ROWS, "linear").text
    built_in, rows = gd.SURFACES["linear_regression_2d"].smoothness, parse_data(ROWS, "linear").smoothness
    etas = race_etas("data_linear", (), text)
    for rule in ("gd", "momentum", "nesterov"):
        assert etas[rule] == float(f"{RACE_ETAS['linear_regression_2d'][rule] * built_in / rows:.1g}")
    for rule in ("adagrad", "rmsprop", "adam"):
        assert etas[rule] == RACE_ETAS["linear_regression_2d"][rule]
    assert race_etas("data_linear", (("race_adam", 0.3),), text)["adam"] == 0.3


def test_a_link_carries_the_rows_exactly_and_the_features():
    text = parse_data("0.1,0.30000000000000004\n1/3" .replace("1/3", "0.3333333333333333,2") + "\n2,5", "linear").text
    sent = run_on("data_linear", text, features="standardized", eta=0.2)
    query = links.to_url(sent)
    assert query["data"] == "0.1,0.30000000000000004;0.3333333333333333,2;2,5" and query["features"] == "standardized"
    values, problems = links.read_url(query)
    assert problems == [] and values["data_linear_rows"] == text and values["features"] == "standardized"
    change, _ = state.address_followed(query, "en")
    assert change.put["eta"] == 0.2 and change.put[text_key("data_linear")] == text


def test_the_sample_rows_are_not_written_and_a_curve_does_not_write_features():
    assert "data" not in links.to_url(run_on("data_linear", SAMPLES["data_linear"]))
    assert "data" not in links.to_url(run_on("data_logistic"))
    assert "features" not in links.to_url(Run(features="standardized"))  # only the rows' objectives read it


@pytest.mark.parametrize(("raw", "reason"), [
    ("1,=1+1;2,3", "number"), ("1,2", "rows"), ("1,nan;2,3", "number"), ("1,1e308;2,3", "range"),
    ("1,2,3;4,5,6", "columns"), (";".join(["1,2"] * 400), "link_too_long"),
])
def test_rows_a_link_cannot_use_are_refused_whole_and_named(raw, reason):
    values, problems = links.read_url({"objective": "data_linear", "data": raw})
    assert "data_linear_rows" not in values
    [problem] = problems
    assert (problem.key, problem.refused.reason) == ("data", reason)
    assert "data" in links.warning(problems)


def test_rows_and_features_in_a_link_for_another_objective_are_named_unused():
    values, problems = links.read_url({"objective": "ravine", "data": "1,2;3,4", "features": "standardized"})
    assert [(problem.key, problem.objective) for problem in problems] == [("data", "ravine"), ("features", "ravine")]
    assert not any(key.endswith("_rows") for key in values) and "features" not in values
    said = links.warning(problems).replace("\\", "")
    assert said.count("was ignored: it belongs to your own data, not to Ravine") == 2


def test_rows_too_long_for_a_link_are_left_out_of_it():
    text = parse_data("\n".join(f"{i / 7},{i / 3}" for i in range(60)), "linear").text
    assert len(text) > MAX_LINK_DATA
    sent = run_on("data_linear", text)
    assert not links.fits_link(sent) and "data" not in links.to_url(sent)


def test_a_pin_on_the_rows_keeps_the_rows_and_the_features():
    text = parse_data(ROWS, "linear").text
    pin = run_on("data_linear", text, features="standardized", eta=0.3).pinned()
    assert (pin.function, pin.features) == (text, "standardized")
    query = links.to_url(run_on("data_linear", text, features="standardized", pin=pin))
    values, problems = links.read_url(query)
    assert problems == [] and values["pin"] == pin


def test_new_rows_drop_the_pin_and_an_upload_starts_at_their_own_eta():
    assert state.rows_edited("1,2;3,4", "1,2;3,5").drop == ("pin",)
    assert state.rows_edited("1,2;3,4", "1,2;3,4").drop == ()
    text = parse_data("0,0\n10,20\n20,41", "linear").text
    change = state.rows_replaced("data_linear", text)
    assert change.put["eta"] == float(f"{1 / parse_data(text, 'linear').smoothness:.1g}") and change.drop == ("pin",)


def test_each_objective_keeps_its_own_rows_across_a_change_of_objective():
    texts = {"data_linear_rows": parse_data(ROWS, "linear").text, "data_logistic_rows": ""}
    change = state.objective_changed("data_linear", "data_logistic", "regression", texts)
    assert change.put["eta"] == surface_defaults("data_linear", texts["data_linear_rows"])["eta"]
    assert "data_linear_rows" not in change.drop and change.view == "regression"


def test_the_cap_prices_rows_by_their_number_and_never_below_the_built_in():
    same = {"eta": 0.1, "etas": (0.01, 0.1, 1.0)}  # the same runs on each: only the rows differ
    few = run_on("data_linear", parse_data(ROWS, "linear").text, **same)
    many_text = parse_data("\n".join(f"{i},{i % 7}" for i in range(data.MAX_ROWS)), "linear").text
    many = run_on("data_linear", many_text, **same)
    built_in = run_on("linear_regression_2d", "", **same)
    for reference in (False, True):
        seconds = {name: budget.cost(case, budget.page_calls(case), reference=reference)[0]
                   for name, case in (("few", few), ("many", many), ("built_in", built_in))}
        assert seconds["few"] == pytest.approx(seconds["built_in"], rel=1e-12)  # 7 rows cost what 64 do
        assert seconds["many"] == pytest.approx(seconds["built_in"] * data.MAX_ROWS / 64, rel=1e-12)


def test_a_default_run_has_no_features_of_its_own():
    assert DEFAULTS.features == "raw" and DEFAULTS.function == ""


def test_a_step_where_the_hessian_is_singular_is_drawn_without_a_newton_ghost():
    """At (w, b) = (−100, 100) only the row x = 1 has w·x + b = 0; every other σ(1 − σ) underflows to 0, so the
    Hessian is that row's alone, (1/12)·¼·[[1, 1], [1, 1]]: singular, and Newton has no step there."""
    from gd.lab import charts, maps

    problem = parse_data(SAMPLES["data_logistic"], "logistic")
    hessian = problem.hessian(np.array([[-100.0, 100.0]]))[0]
    assert hessian == pytest.approx(np.full((2, 2), 0.25 / 12), rel=1e-12)
    result = gd.minimize(problem, eta=10.0, theta0=(-100.0, 100.0), max_iter=3, epsilon=0.0)
    surface = maps.surface_map(problem)
    shapes = maps.update_shapes(result, surface.box, 3)
    assert np.isnan(shapes["newton_x"][0]) and np.isfinite(shapes["newton_x"][1:]).all()
    spec = charts.guarded(maps.update_map(surface, shapes))  # a value that is not a number would warn (an error here)
    [rows] = [values for values in spec["datasets"].values() if values and "newton" in values[0]]
    assert [row["newton"] for row in rows] == [False, True, True]
    assert (rows[0]["newton_x"], rows[0]["newton_y"]) == (rows[0]["x"], rows[0]["y"])
    ghost = [layer for layer in spec["layer"] if layer["mark"].get("color") == charts.NEWTON_COLOR]
    assert len(ghost) == 2 and all({"filter": "datum.newton"} in layer["transform"] for layer in ghost)  # not drawn


def test_the_tables_rows_are_read_as_typed_and_an_empty_cell_refuses_its_row():
    import pandas as pd

    from gd.lab.controls import table_text

    table = pd.DataFrame({"x": [0.1 + 0.2, 2.0, None, None], "y": [1e-05, None, None, 4.0]})
    text = table_text(table)
    assert text == "0.30000000000000004,1e-05\n2\n\n4"
    error = refused(text)
    assert (error.reason, error.row) == ("columns", 2)  # the table's second row; the empty third is skipped
    assert data.read_rows(table_text(table.iloc[:1]) + "\n" + table_text(pd.DataFrame({"x": [3], "y": [5]})))[0] \
        .tolist() == [0.30000000000000004, 3.0]


def test_the_rows_download_as_a_csv_that_reads_back_exactly():
    text = parse_data(ROWS, "linear").text
    csv = data.csv_text(text)
    assert csv.splitlines()[0] == "x,y" and len(csv.splitlines()) == 8 and csv.endswith("\n")
    x, y = data.read_rows(csv)
    assert x.tolist() == X and y.tolist() == Y
