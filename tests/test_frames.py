"""Tidy frames: thinning keeps what matters, exact values survive into the table and the CSV."""

import io

import numpy as np
import pandas as pd
import pytest

import gd
from gd import frames


@pytest.mark.parametrize("count", [1, 5, 200, 201, 1000, 100_001])
def test_thin_keeps_the_ends_and_at_most_the_limit(count):
    kept = frames.thin(count)
    assert kept[0] == 0 and kept[-1] == count - 1
    assert len(kept) <= frames.PATH_POINTS
    assert np.all(np.diff(kept) > 0)
    if count <= frames.PATH_POINTS:
        assert np.array_equal(kept, np.arange(count))


def test_a_diverging_path_is_drawn_up_to_where_it_leaves_the_plot():
    result = gd.minimize(eta=1.1)
    path = frames.trajectories([result])
    low, high = result.settings.problem.plot_range
    shown = len(path)
    assert path["theta"].between(low, high).all()
    assert not low <= result.history[shown] <= high  # the next point is outside
    assert np.array_equal(path["theta"], result.history[:shown])


def test_path_rows_carry_the_engines_values():
    result = gd.minimize(eta=0.1)
    path = frames.trajectories([result])
    assert np.array_equal(path["theta"], result.history) and np.array_equal(path["loss"], result.losses)
    assert np.allclose(path["grad"], 2 * (result.history - 2.5), rtol=0, atol=1e-15)


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


def test_csv_holds_every_point_at_full_precision():
    results = gd.compare([0.1, 1.1])
    table = pd.read_csv(io.BytesIO(frames.csv(results)))
    assert list(table.columns) == ["eta", "k", "theta", "loss", "grad"]
    assert len(table) == sum(result.iterations + 1 for result in results)
    first = table[table["eta"] == 0.1]
    assert first["theta"].tolist() == results[0].history.tolist()
    assert first["loss"].tolist() == results[0].losses.tolist()


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


def test_one_update_is_drawn_with_the_tangent_of_its_slope():
    run = gd.minimize()
    shapes = frames.geometry(run.history, run.losses, 0, run.settings.problem)
    (left, right) = shapes["tangent"].itertuples(index=False)
    assert (right.loss - left.loss) / (right.theta - left.theta) == pytest.approx(-5.0)  # dJ(0) = −5
    assert shapes["step_size"] == run.history[1] - run.history[0] == 0.5
