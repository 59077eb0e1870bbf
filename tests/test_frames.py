"""Tidy frames: thinning keeps what matters, exact values survive into the table and the CSV."""

import io

import numpy as np
import pandas as pd
import pytest

import gd
from gd.lab import frames
from gd.lab.format import number


@pytest.mark.parametrize("count", [1, 5, 200, 201, 1000, 100_001])
def test_thin_keeps_the_ends_and_at_most_the_limit(count):
    kept = frames.thin(count)
    assert kept[0] == 0 and kept[-1] == count - 1
    assert len(kept) <= frames.PATH_POINTS
    assert np.all(np.diff(kept) > 0)
    if count <= frames.PATH_POINTS:
        assert np.array_equal(kept, np.arange(count))


def test_a_path_is_drawn_whole_and_the_chart_clips_it():
    """η = 1.1 leaves the plot and never comes back: every update is in the path (the chart clips it at the edge);
    a decaying η that leaves and comes back is drawn coming back (it used to stop where it first left)."""
    result = gd.minimize(eta=1.1)
    path = frames.path(result)
    assert path["k"].tolist() == list(range(result.iterations + 1))
    assert np.array_equal(path["theta"], result.history)
    back = gd.minimize(eta=1.1, schedule="exponential")
    assert back.status == "converged" and abs(back.theta - 2.5) < 1e-2
    low, high = back.settings.problem.plot_range
    drawn = frames.path(back)
    assert not drawn["theta"].between(low, high).all()  # it left the plot ...
    assert drawn["theta"].iloc[-1] == back.theta  # ... and its last point, back at the minimum, is drawn


def test_path_rows_carry_the_engines_values():
    result = gd.minimize(eta=0.1)
    path = frames.path(result)
    assert np.array_equal(path["theta"], result.history) and np.array_equal(path["loss"], result.losses)
    assert np.allclose(path["grad"], 2 * (result.history - 2.5), rtol=0, atol=1e-15)


def test_the_one_update_view_widens_by_powers_of_two_to_follow_a_run_out_of_the_plot():
    """The plot is −1 … 6 (centre 2.5, half-width 3.5). η = 1.1 from 0: θ_k − 2.5 = −2.5 · (−1.2)^k, so update k
    reaches 2.5 · 1.2^(k+1) from the centre; the window is the plot widened 2^z times around its centre, the smallest
    z with 3.5 · 2^z ≥ 1.05 × that."""
    run = gd.minimize(eta=1.1)
    window, shown = frames.windows(run.history, (-1.0, 6.0))
    assert len(window) == run.iterations and shown[0] == (-1.0, 6.0)
    for k in (1, 5, 20, 60, 105):
        reach = 2.5 * 1.2 ** (k + 1)
        z = max(0, int(np.ceil(np.log2(reach * 1.05 / 3.5))))
        assert shown[window[k]] == (2.5 - 3.5 * 2**z, 2.5 + 3.5 * 2**z), k
    assert shown[window[105]][1] - shown[window[105]][0] > 7 * 2**25  # by the end the view is 2^26 times as wide
    wide = frames.curve(run.settings.problem, window=shown[window[60]])
    assert (wide["theta"].min(), wide["theta"].max()) == shown[window[60]]
    assert np.allclose(wide["loss"], (wide["theta"] - 2.5) ** 2 - 1)


@pytest.mark.parametrize("eta", [0.1, 0.9, 0.01, 0.001])
def test_the_one_update_view_zooms_in_on_a_small_step_and_holds_both_ends(eta):
    """Each step is shown in a window that holds θ_k and θ_(k+1) with an eighth of its width to spare, at least 4
    times as wide as the step, and, once the step is small next to the plot, at most 2^5 = 32 times (the windows
    are widened only to stay within MOST_WINDOWS); at most MOST_WINDOWS windows."""
    history = gd.minimize(eta=eta).history[:201]
    window, shown = frames.windows(history, (-1.0, 6.0))
    assert len(shown) <= frames.MOST_WINDOWS
    for k, index in enumerate(window):
        low, high = shown[index]
        width, step = high - low, abs(history[k + 1] - history[k])
        ends = (history[k], history[k + 1])
        assert all(low + width / 8 - 1e-12 <= end <= high - width / 8 + 1e-12 for end in ends), k
        assert width >= 4 * step or width == 7.0, k
        if step > 0 and 4 * step < 7.0 / 4 and width > 7.0 * 2.0**-frames.DEEPEST:
            assert width < 7.0 and width <= 2**5 * 4 * step, k  # zoomed in, close to the step
    widths = [shown[index][1] - shown[index][0] for index in window]
    if eta == 0.1:  # the article's run: the steps shrink by 0.8 an update, so the view keeps zooming in
        assert widths[0] == 7.0 and widths[-1] < 7.0 / 2**10 and widths == sorted(widths, reverse=True)


def test_a_run_outside_the_plot_is_marked_where_it_ended_and_where_it_went_farthest():
    """The box is the article's plot: θ from −1 to 6, J up to J(−1) = 11.25. Written out by hand for three runs."""
    plot = (-1.0, 6.0, -1.0, 11.25)
    inside = gd.minimize(eta=0.1)
    assert frames.escapes(inside, plot).empty
    gone = gd.minimize(eta=1.1)  # θ_k − 2.5 = (1 − 2.2)^k (0 − 2.5) = −2.5 · 1.2^k at an even k: far to the left
    (mark,) = frames.escapes(gone, plot).itertuples()
    assert mark.k == gone.iterations == 106 and gone.theta == pytest.approx(2.5 - 2.5 * 1.2**106, rel=1e-9)
    assert mark.side == "left" and mark.theta == -1.0
    assert mark.loss == 11.25  # J there is far above the top: drawn at the top edge
    back = gd.minimize(eta=1.1, schedule="exponential")  # leaves, then comes back to the minimum
    (far,) = frames.escapes(back, plot).itertuples()
    history = np.asarray(back.history)
    assert far.k == int(np.argmax(np.abs(history - 2.5)))  # the farthest point, the last being inside
    assert far.label == f"θ{frames.subscript(far.k)} = {number(history[far.k])}"


def test_the_convergence_axis_ends_past_the_runs_that_stopped_and_marks_the_others():
    runs = gd.compare([0.1, 1e-4], epsilon=1e-8, max_iter=10_000)  # 45 updates; the small η runs to the limit
    assert [run.status for run in runs] == ["converged", "max_iter"]
    last = frames.horizon(runs)
    assert last == int(1.5 * 45)
    (mark,) = frames.ends(runs, last, top=1e3).itertuples()
    assert (mark.eta, mark.k, mark.kind) == ("0.0001", last, "beyond")
    assert mark.gap == pytest.approx(runs[1].losses[last] + 1.0)
    assert "10,000" in mark.label
    alone = gd.compare([0.001], max_iter=500)  # nothing stopped on its own: every update is shown
    assert frames.horizon(alone) == 500 and frames.ends(alone, 500, top=1e3).empty


def test_runs_left_to_the_limit_end_the_axis_where_they_stop_changing():
    """ε = 0 and a limit of 100,000: no rule fires, but every run's gap has long reached its floor (or bounces at one
    value); the axis ends 1.5 times the update where the last of them stopped changing, found here on its own."""
    runs = gd.compare([0.01, 0.1, 1.0], epsilon=0, max_iter=100_000)
    assert {run.status for run in runs} == {"max_iter"}
    gaps = np.maximum(runs[0].losses + 1.0, 1e3 * np.finfo(float).eps)  # J* = −1; the slowest run, to rounding
    still = max(k for k in range(len(gaps)) if gaps[k] != gaps[-1]) + 1
    assert 500 < still < 5_000 and frames.settled(runs[0]) == still
    assert frames.settled(runs[2]) == 0  # η = 1 bounces between 0 and 5: the same J from the start
    assert frames.horizon(runs) == int(1.5 * still)


def test_gaps_are_loss_minus_the_minimum_floored_for_the_log_axis():
    result = gd.minimize(eta=0.5)  # lands exactly on the minimum: gap 0
    gap = frames.gaps([result])
    assert gap["gap"].min() == frames.GAP_FLOOR
    assert gap["gap"].iloc[0] == pytest.approx(result.losses[0] - (-1.0))


def test_summary_keeps_exact_final_values():
    results = gd.compare([0.1, 1.0, 1.1])
    table = frames.summary(results)
    assert table["theta"].tolist() == [result.theta for result in results]
    assert table["updates"].tolist() == [result.iterations for result in results]
    assert table["status"].tolist() == ["converged", "stalled", "diverged"]


def test_best_eta_is_the_converged_one_with_fewest_updates():
    results = gd.compare(list(np.geomspace(1e-3, 1.5, 30)))
    table = frames.summary(results)
    converged = [(result.iterations, result.eta) for result in results if result.status == "converged"]
    assert frames.best_eta(table) == min(converged)[1]
    assert frames.best_eta(frames.summary(gd.compare([1.1, 1.2]))) is None


def test_csv_holds_every_point_of_a_short_run_at_full_precision():
    results = gd.compare([0.1, 1.1])
    table = pd.read_csv(io.BytesIO(frames.csv(frames.points(results))))
    assert list(table.columns) == ["eta", "k", "theta", "loss", "grad"]
    assert len(table) == sum(result.iterations + 1 for result in results) == 46 + 107
    first = table[table["eta"] == 0.1]
    assert first["theta"].tolist() == results[0].history.tolist()
    rows = frames.csv(frames.points(results)).decode().splitlines()  # each number as Python's repr writes it
    assert rows[46] == ",".join(repr(value) for value in (0.1, 45, 2.499891109642585, -0.99999998814289,
                                                            -0.0002177807148298072))  # the article's last line
    assert rows[1].startswith("0.1,0,")  # not 0.10000000000000001
    assert first["loss"].tolist() == results[0].losses.tolist()
    assert first["grad"].tolist() == [2 * (theta - 2.5) for theta in results[0].history]


def test_csv_of_long_runs_is_bounded_and_keeps_the_start_and_the_end():
    """12 runs of 100,000 updates: 2,000 rows each (the first 1,000, then log-spaced, the last), about 2 MB."""
    results = gd.compare(list(np.geomspace(1e-4, 0.9, 12)), epsilon=0.0, max_iter=100_000)
    table = frames.points(results)
    data = frames.csv(table)
    assert len(table) <= 12 * frames.CSV_POINTS == 24_000 and len(data) < 2.6e6
    run = table[table["eta"] == results[0].eta]
    assert run["k"].tolist()[:1000] == list(range(1000)) and run["k"].iloc[-1] == 100_000
    assert run["theta"].tolist() == [results[0].history[k] for k in run["k"]]


def test_the_shown_table_reads_huge_and_tiny_values_alike():
    results = gd.compare([0.1, 1.1])
    table = frames.shown(frames.summary(results))
    assert table["loss"].tolist() == [f"{result.loss:.10g}" for result in results]
    assert "e+17" in table["loss"].iloc[1]  # J ≈ 3.8e17 is written as such, never as a long integer
    assert table["status"].tolist() == ["converged", "diverged"]


def test_sweep_floors_a_zero_gradient_for_the_log_axis():
    table = frames.sweep(gd.compare([0.5, 0.1]))  # η = 0.5 lands on the minimum: dJ = 0
    assert table["grad"].tolist() == [frames.GAP_FLOOR, abs(gd.minimize(eta=0.1).grad)]


def test_the_band_holds_stopped_runs_where_they_stopped():
    runs = gd.seeds(0.05, [0, 1, 2], variant="sgd", epsilon=1e-3, max_iter=150)
    band = frames.band(runs)
    length = max(len(run.history) for run in runs)
    last = band.iloc[-1]
    finals = [run.history[-1] for run in runs]  # every run has stopped by the last row
    assert last["k"] == length - 1 and last["mean"] == pytest.approx(sum(finals) / 3)
    assert last["low"] <= last["mean"] <= last["high"]
    assert band["low"].le(band["high"]).all()


def test_regimes_split_the_sweep_at_one_and_two_over_l():
    table = frames.regimes(2.0, 1e-3, 1.5)
    assert table[["start", "end"]].values.tolist() == [[1e-3, 0.5], [0.5, 1.0], [1.0, 1.5]]
    assert frames.regimes(2.0, 1e-3, 0.4)["regime"].tolist() == ["monotone"]  # clipped to the range


def test_every_update_is_drawn_with_the_tangent_of_its_slope_and_its_labels_apart():
    run = gd.minimize(eta=0.9)
    updates = frames.steps(run.history, run.losses, run.settings.problem)
    assert len(updates) == 45 and updates["theta_next"].tolist() == run.history[1:].tolist()
    window, shown = frames.windows(run.history, (-1.0, 6.0))
    widths = np.array([shown[index][1] - shown[index][0] for index in window])
    shapes = frames.step_shapes(updates, widths)
    for k in (0, 1, 44):
        (left, right) = shapes["tangent"][shapes["tangent"]["k"] == k].sort_values("theta").itertuples(index=False)
        theta = run.history[k]
        assert (right.loss - left.loss) / (right.theta - left.theta) == pytest.approx(2 * (theta - 2.5))  # J'(θ_k)
        assert right.theta - left.theta == pytest.approx(widths[k] / 3)  # a sixth of its window either side
    directions = shapes["arrow"]["direction"].tolist()
    assert directions[:3] == ["right", "left", "right"]  # η = 0.9 jumps across the minimum every update
    points = shapes["points"]
    assert points[points["k"] == 12]["label"].tolist() == ["θ₁₂", "θ₁₃"]
    for k in range(45):  # each label on its own point's outer side: the left point's on the left
        here = points[points["k"] == k].sort_values("theta")
        assert here["side"].tolist() == ["left", "right"], k
