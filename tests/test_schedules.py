"""Learning-rate schedules: factor(t) against its formula, the decay through minimize, and validation."""

import math

import numpy as np
import pytest
import reference

import gd
from gd import schedules

STEPS = range(51)  # t = 0 … 50 updates made


def test_constant_is_one():
    assert [schedules.constant().factor(t) for t in STEPS] == [1.0] * len(STEPS)


@pytest.mark.parametrize(("gamma", "every"), [(0.5, 1), (0.5, 20), (0.3, 7), (0.9, 50), (1.0, 3)])
def test_step_multiplies_by_gamma_every_k_updates(gamma, every):
    """η·γ^⌊t/k⌋, built by hand as a running product that takes one more γ at t = k, 2k, …"""
    factor, expected = 1.0, []
    for t in STEPS:
        if t > 0 and t % every == 0:
            factor *= gamma
        expected.append(factor)
    actual = [schedules.step(gamma=gamma, every=every).factor(t) for t in STEPS]
    np.testing.assert_allclose(actual, expected, rtol=1e-14, atol=0)
    assert actual[:every] == [1.0] * min(every, len(STEPS))  # η itself until the first decay


@pytest.mark.parametrize("gamma", [0.99, 0.5, 0.1, 1.0])
def test_exponential_is_gamma_to_the_t(gamma):
    """η·γᵗ, as a running product; and exp(t·ln γ) as a second, independent form."""
    product, expected = 1.0, []
    for _ in STEPS:
        expected.append(product)
        product *= gamma
    actual = [schedules.exponential(gamma=gamma).factor(t) for t in STEPS]
    np.testing.assert_allclose(actual, expected, rtol=1e-13, atol=0)
    np.testing.assert_allclose(actual, [math.exp(t * math.log(gamma)) for t in STEPS], rtol=1e-13, atol=0)


@pytest.mark.parametrize("gamma", [0.1, 0.0, 2.0, 100.0])
def test_inverse_time_is_one_over_one_plus_gamma_t(gamma):
    """η / (1 + γt): 1 at t = 0, one half at t = 1/γ."""
    actual = [schedules.inverse_time(gamma=gamma).factor(t) for t in STEPS]
    np.testing.assert_allclose(actual, [1 / (1 + gamma * t) for t in STEPS], rtol=1e-15, atol=0)
    assert actual[0] == 1.0
    if gamma == 0.1:
        assert actual[10] == 0.5


def test_defaults():
    """step γ 0.5 every 20, exponential γ 0.99, inverse-time γ 0.1."""
    assert dict(schedules.step().hyperparameters) == {"gamma": 0.5, "every": 20}
    assert dict(schedules.exponential().hyperparameters) == {"gamma": 0.99}
    assert dict(schedules.inverse_time().hyperparameters) == {"gamma": 0.1}


@pytest.mark.parametrize("name", sorted(gd.SCHEDULES))
def test_registry_defaults_follow_the_formulas(name):
    """What minimize(schedule=name) uses: build() with no arguments, against the formulas of tests/reference.py with
    the documented defaults, for t = 0 … 150 (past cosine's period of 100)."""
    factor = gd.SCHEDULES[name].build().factor
    ts = range(151)
    np.testing.assert_allclose([factor(t) for t in ts], [reference.factor(name, t) for t in ts], rtol=1e-14,
                               atol=1e-16)


def test_step_decay_through_minimize_by_hand():
    """γ = 0.5 every update on the parabola: θ = 0 → 0.5 → 0.7 → 0.79 (η_k = 0.1·0.5ᵏ)."""
    result = gd.minimize(eta=0.1, schedule=schedules.step(gamma=0.5, every=1), max_iter=3, epsilon=0.0)
    # θ₁ = 0 − 0.1·2(0 − 2.5) = 0.5;  θ₂ = 0.5 − 0.05·2(0.5 − 2.5) = 0.7;  θ₃ = 0.7 − 0.025·2(0.7 − 2.5) = 0.79
    np.testing.assert_allclose(result.history, [0.0, 0.5, 0.7, 0.79], rtol=0, atol=1e-15)
    theta, expected = 0.0, [0.0]
    for k in range(3):
        theta = theta - 0.1 * 0.5**k * (2 * (theta - 2.5))
        expected.append(theta)
    assert result.history.tolist() == expected
    assert result.status == "max_iter"


def test_schedule_by_name_uses_the_default_hyperparameters():
    """schedule="step" is γ 0.5 every 20: the first 20 updates are plain descent, the 21st uses η/2."""
    result = gd.minimize(eta=0.05, schedule="step", max_iter=25, epsilon=0.0)
    theta, expected = 0.0, [0.0]
    for k in range(25):
        eta = 0.05 if k < 20 else 0.025
        theta = theta - eta * (2 * (theta - 2.5))
        expected.append(theta)
    np.testing.assert_allclose(result.history, expected, rtol=1e-15, atol=0)


def test_decay_slows_descent():
    """With the same η, exponential decay leaves θ further from 2.5 after 30 updates than constant η."""
    constant = gd.minimize(eta=0.02, max_iter=30, epsilon=0.0)
    decayed = gd.minimize(eta=0.02, schedule=schedules.exponential(gamma=0.8), max_iter=30, epsilon=0.0)
    assert abs(decayed.theta - 2.5) > abs(constant.theta - 2.5)


BAD_VALUES = [
    ("step", {"gamma": 0.0}, "gamma"),
    ("step", {"gamma": 1.5}, "gamma"),
    ("step", {"gamma": math.nan}, "gamma"),
    ("step", {"every": 0}, "every"),
    ("step", {"every": 2.5}, "every"),
    ("step", {"every": 100_001}, "every"),
    ("exponential", {"gamma": 0.0}, "gamma"),
    ("exponential", {"gamma": 1.1}, "gamma"),
    ("inverse_time", {"gamma": -0.1}, "gamma"),
    ("inverse_time", {"gamma": 101.0}, "gamma"),
    ("constant", {"gamma": 0.5}, "gamma"),  # constant has no hyperparameter
    ("exponential", {"every": 5}, "every"),
]


@pytest.mark.parametrize(("name", "values", "hyperparameter"), BAD_VALUES)
def test_bad_values_are_refused_by_name(name, values, hyperparameter):
    """build() refuses values outside the documented ranges, naming the hyperparameter."""
    with pytest.raises(ValueError, match=rf"\b{hyperparameter}\b"):
        gd.SCHEDULES[name].build(**values)


def test_unknown_schedule_name():
    with pytest.raises(ValueError, match="schedule"):
        gd.minimize(schedule="warm_restarts")


def test_factory_step_every_zero_is_refused_up_front():
    """every = 0 from the public factory is a ValueError naming it, not a ZeroDivisionError mid-run."""
    with pytest.raises(ValueError, match=r"\bevery\b"):
        gd.minimize(schedule=schedules.step(gamma=0.5, every=0))


@pytest.mark.parametrize(("period", "floor"), [(1, 0.0), (10, 0.0), (10, 0.1), (25, 0.5), (100, 0.0), (7, 1.0)])
def test_cosine_follows_its_formula(period, floor):
    """floor + (1 − floor)(1 + cos(π·min(t, T)/T))/2 for t = 0 … 2T, also as floor + (1 − floor)·cos²(π·t/(2T))
    (the half-angle form); 1 at t = 0, halfway at t = T/2, and exactly floor from t = T on (held, not rising)."""
    factor = schedules.cosine(period=period, floor=floor).factor
    ts = range(2 * period + 1)
    actual = [factor(t) for t in ts]
    formula = [floor + (1 - floor) * (1 + math.cos(math.pi * min(t, period) / period)) / 2 for t in ts]
    half_angle = [floor + (1 - floor) * math.cos(math.pi * min(t, period) / (2 * period)) ** 2 for t in ts]
    np.testing.assert_allclose(actual, formula, rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(actual, half_angle, rtol=1e-12, atol=1e-15)
    assert actual[0] == 1.0
    assert actual[period:] == [floor] * (period + 1)
    if period % 2 == 0:
        assert actual[period // 2] == pytest.approx(floor + (1 - floor) / 2, abs=1e-15)
    assert np.all(np.diff(actual) <= 0)  # never rising again


@pytest.mark.parametrize("power", [0.25, 0.5, 1.0, 0.0, 2.0])
def test_invscaling_is_one_over_t_plus_one_to_the_power(power):
    """scikit-learn's invscaling: eta = eta0 / pow(t, power_t), its t counting from 1 at the first update;
    so the factor of the update after t made is 1/(t + 1)^power: 1, 2^−p, 3^−p, …"""
    factor = schedules.invscaling(power=power).factor
    sklearn_t = range(1, 52)  # t = 1 … 51 for our t = 0 … 50
    expected = [1.0 / pow(t, power) for t in sklearn_t]
    np.testing.assert_allclose([factor(t) for t in STEPS], expected, rtol=1e-14, atol=0)
    assert factor(0) == 1.0
    if power == 1.0:
        assert factor(3) == 0.25
    if power == 0.5:
        assert factor(3) == 0.5


def test_cosine_and_invscaling_defaults():
    """cosine: period 100, floor 0 (decays to 0 at t = 100); invscaling: power 0.25 (scikit-learn's power_t)."""
    assert dict(schedules.cosine().hyperparameters) == {"period": 100, "floor": 0.0}
    assert dict(schedules.invscaling().hyperparameters) == {"power": 0.25}
    assert schedules.cosine().factor(100) == 0.0
    assert schedules.invscaling().factor(15) == pytest.approx(0.5, abs=1e-15)  # 16^−1/4


NEW_BAD_VALUES = [
    ("cosine", {"period": 0}, "period"),
    ("cosine", {"period": -5}, "period"),
    ("cosine", {"period": 2.5}, "period"),
    ("cosine", {"floor": 1.5}, "floor"),
    ("cosine", {"floor": -0.1}, "floor"),
    ("cosine", {"floor": math.nan}, "floor"),
    ("invscaling", {"power": -1.0}, "power"),
    ("invscaling", {"power": math.inf}, "power"),
    ("invscaling", {"gamma": 0.5}, "gamma"),  # invscaling has no gamma
]


@pytest.mark.parametrize(("name", "values", "hyperparameter"), NEW_BAD_VALUES)
def test_cosine_and_invscaling_refuse_bad_values(name, values, hyperparameter):
    """Out-of-range values are refused by build() and by the factory, naming the hyperparameter."""
    with pytest.raises(ValueError, match=rf"\b{hyperparameter}\b"):
        gd.SCHEDULES[name].build(**values)
    with pytest.raises(ValueError, match=rf"\b{hyperparameter}\b"):
        getattr(schedules, name)(**values)


def test_cosine_through_minimize_by_hand():
    """cosine(T = 2, floor 0.1), η = 0.1: factors 1, 0.1 + 0.9·(1 + cos(π/2))/2 = 0.55, then the floor 0.1.
    θ₁ = 0 − 0.1·2(0 − 2.5) = 0.5;  θ₂ = 0.5 − 0.055·2(0.5 − 2.5) = 0.72;  θ₃ = 0.72 − 0.01·2(0.72 − 2.5) = 0.7556."""
    result = gd.minimize(eta=0.1, schedule=schedules.cosine(period=2, floor=0.1), max_iter=3, epsilon=0.0)
    np.testing.assert_allclose(result.history, [0.0, 0.5, 0.72, 0.7556], rtol=0, atol=1e-14)
    assert result.status == "max_iter"


def test_invscaling_through_minimize_by_hand():
    """invscaling(power 1), η = 0.3: factors 1, 1/2, 1/3, so η_k = 0.3, 0.15, 0.1.
    θ₁ = 0 − 0.3·2(0 − 2.5) = 1.5;  θ₂ = 1.5 − 0.15·2(1.5 − 2.5) = 1.8;  θ₃ = 1.8 − 0.1·2(1.8 − 2.5) = 1.94."""
    result = gd.minimize(eta=0.3, schedule=schedules.invscaling(power=1.0), max_iter=3, epsilon=0.0)
    np.testing.assert_allclose(result.history, [0.0, 1.5, 1.8, 1.94], rtol=0, atol=1e-14)
    assert result.status == "max_iter"
