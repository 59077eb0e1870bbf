"""The learning-rate range test (gd.range_test) against a plain loop in Python floats, and what it reads off against
numbers worked out by hand."""

import math

import numpy as np
import pytest

import gd
from gd.lr_range import first_above, smooth, steepest, suggested
from gd.params import ParameterError


def article_range(low: float, high: float, updates: int) -> tuple[list[float], list[float]]:
    """The article's curve, J = (θ − 2.5)² − 1 from θ₀ = 0, with η_k = low·(high/low)^(k/(updates − 1)) at update k,
    written out as a plain loop: each update's η and J after it, until |θ| passes 1e5 (far past any plotted point)."""
    theta, etas, losses = 0.0, [], []
    for k in range(updates):
        eta = low * (high / low) ** (k / (updates - 1))
        theta = theta - eta * (2 * (theta - 2.5))
        etas.append(eta)
        losses.append((theta - 2.5) ** 2 - 1)
        if abs(theta) > 1e5:
            break
    return etas, losses


def test_eta_grows_by_one_factor_and_j_follows_a_plain_loop():
    test = gd.range_test(1e-4, 10.0, 100)
    etas, losses = article_range(1e-4, 10.0, 100)
    assert test.result.iterations == 100 and test.result.status == "max_iter"  # no stopping rule ends it
    assert test.etas.tolist() == etas
    np.testing.assert_allclose(test.etas, np.geomspace(1e-4, 10.0, 100), rtol=1e-12)
    np.testing.assert_allclose(test.losses, losses, rtol=1e-12, atol=1e-12)


def test_it_ends_where_the_run_diverges_and_either_order_of_the_ends_gives_the_same_test():
    test = gd.range_test(10.0, 1.2, 1_000)  # high first; every η past 2/L = 1
    assert test.etas[0] == 1.2
    assert test.result.status == "diverged" and test.result.iterations < 1_000
    etas, losses = article_range(1.2, 10.0, 1_000)
    shared = len(losses)  # the plain loop stops at |θ| > 1e5, before the engine's own divergence bound
    assert shared < test.result.iterations
    np.testing.assert_allclose(test.losses[:shared], losses[:shared], rtol=1e-12, atol=1e-12)
    assert test.blow_up is not None and test.blow_up < test.result.iterations


def test_a_run_that_lands_on_the_minimum_exactly_never_blows_up():
    """Near η = 1/L = 0.5 one update lands on θ = 2.5 to the last bit: the gradient there is exactly 0, so no η moves
    θ again, and J stays at its minimum to the end of the range. The plain loop does the same."""
    test = gd.range_test(1e-3, 10.0, 1_000)
    etas, losses = article_range(1e-3, 10.0, 1_000)
    assert test.result.theta == 2.5 and losses[-1] == -1.0 and len(losses) == 1_000
    assert test.blow_up is None and suggested(test)[1] is None


def test_smoothing_is_fastais_moving_average_divided_by_its_bias():
    # β = 0.5: a = 0.5, 0.5·0.5 + 0.5·2 = 1.25, 0.5·1.25 + 0.5·3 = 2.125; divided by 0.5, 0.75, 0.875
    assert smooth(np.array([1.0, 2.0, 3.0]), beta=0.5) == pytest.approx([1.0, 5 / 3, 17 / 7], rel=1e-15)


def test_the_blow_up_is_the_first_j_above_the_start_and_the_steepest_is_before_it():
    etas = np.geomspace(1e-3, 1.0, 7)  # log η evenly spaced, h = ln(10)/2
    losses = np.array([5.0, 4.9, 4.0, 1.0, 0.5, 3.0, 9.0])
    assert first_above(losses, 5.0) == 6
    assert first_above(np.array([5.0, 4.0, math.nan]), 5.0) == 2  # J that is not finite counts
    assert first_above(losses[:6], 5.0) is None
    # central differences on [:6]: (4 − 5)/2h, (1 − 4.9)/2h, (0.5 − 4)/2h, (3 − 1)/2h; the ends one-sided
    assert steepest(etas, losses, 6) == 2
    assert steepest(etas, losses, 3) == 2  # J₀…J₂ only: −0.1/h, (4 − 5)/2h and, one-sided, (4 − 4.9)/h
    assert steepest(etas, np.array([1.0, 2.0, 3.0]), None) is None  # J never falls
    assert steepest(etas, losses, 1) is None  # one point has no slope


def test_sampled_gradients_are_read_on_smoothed_j_and_the_full_batch_on_j_itself():
    batch = gd.range_test(1e-4, 10.0, 100)
    assert batch.smoothed is batch.losses or np.array_equal(batch.smoothed, batch.losses)
    sampled = gd.range_test(1e-4, 10.0, 100, variant="sgd", seed=3)
    average, by_hand = 0.0, []
    for k, loss in enumerate(sampled.losses):
        average = 0.9 * average + 0.1 * loss
        by_hand.append(average / (1 - 0.9 ** (k + 1)))
    np.testing.assert_allclose(sampled.smoothed, by_hand, rtol=1e-12)
    assert not np.array_equal(sampled.smoothed, sampled.losses)


def test_what_it_suggests_on_the_article_curve_comes_from_the_plain_loop():
    """The steepest η: where np.gradient of the plain loop's J over log η is most negative, before the first J above
    J(θ₀) = 5.25; the last η before that J."""
    test = gd.range_test(1e-4, 10.0, 100)
    etas, losses = article_range(1e-4, 10.0, 100)
    blow_up = next(k for k, loss in enumerate(losses) if loss > 5.25)
    slopes = np.gradient(np.array(losses[:blow_up]), np.log(etas[:blow_up]))
    assert suggested(test) == (etas[int(np.argmin(slopes))], etas[blow_up - 1])
    assert 0.01 < etas[int(np.argmin(slopes))] < 0.5 < 1.0 < etas[blow_up - 1]  # before 1/L; the blow-up after 2/L


def test_other_settings_are_the_runs_and_its_own_are_refused_by_name():
    test = gd.range_test(1e-3, 1.0, 50, "ravine", optimizer="adam", theta0=(3.0, 1.0), max_iter=7, epsilon=0.5)
    assert test.result.settings.optimizer.name == "adam" and test.result.settings.theta0 == (3.0, 1.0)
    assert test.result.settings.max_iter == 50 and test.result.settings.epsilon == 0.0
    with pytest.raises(ParameterError) as refused:
        gd.range_test(1e-3, 1.0, 1)
    assert refused.value.name == "updates"
    with pytest.raises(ParameterError) as refused:
        gd.range_test(0.0, 1.0, 10)
    assert refused.value.name == "eta"
