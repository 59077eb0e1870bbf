"""gd.theory: regimes of η, the closed-form prediction of updates and status, and scoring a learner's guess.

On the article's parabola J(θ) = (θ − 2.5)² − 1 (L = 2) plain gradient descent is exactly
θ_k − 2.5 = (1 − 2η)ᵏ (θ₀ − 2.5), so the number of updates until each stopping rule fires can be
derived by hand; the prediction must agree with what minimize() measures (within one update).
"""

import itertools
import math

import numpy as np
import pytest
import reference

import gd
from gd import schedules, theory

QUADRATIC_L = 2.0  # J''(θ) of (θ − 2.5)² − 1
LINEAR = gd.OBJECTIVES["linear_regression"]

# Every regime on the quadratic (η·L = 2η): monotone … one step (0.5) … oscillating … bouncing (1.0) … diverging
ETAS = [0.001, 0.01, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1.0, 1.01, 1.1, 1.5, 3.0]


def expected_regime(product):
    """η·L against the thresholds 1 and 2, by hand."""
    if product == 1:
        return "one_step"
    if product == 2:
        return "bouncing"
    return "monotone" if product < 1 else "oscillating" if product < 2 else "diverging"


@pytest.mark.parametrize(("eta", "expected"), [
    (0.1, "monotone"), (0.5, "one_step"), (0.9, "oscillating"), (1.0, "bouncing"), (1.1, "diverging"),
    (0.001, "monotone"), (0.99, "oscillating"), (1.01, "diverging"), (3.0, "diverging")])
def test_regime_on_the_quadratic(eta, expected):
    """η·L < 1 monotone, = 1 one step, in (1, 2) oscillating, = 2 bouncing, > 2 diverging (L = 2)."""
    assert theory.regime(eta, QUADRATIC_L) == expected
    assert theory.predict(gd.Settings(), eta).regime == expected


@pytest.mark.parametrize(("product", "expected"), [
    (1e-6, "monotone"), (0.95, "monotone"), (0.999, "monotone"), (1.001, "oscillating"), (1.5, "oscillating"),
    (1.999, "oscillating"), (2.001, "diverging"), (40.0, "diverging")])
def test_regime_next_to_the_thresholds(product, expected):
    """r = 1 − ηL: monotone for 0 < r < 1 (η·L < 1), oscillating for −1 < r < 0 (1 < η·L < 2), diverging for
    r < −1 (η·L > 2), right up to the thresholds, with L = 2 and with linear regression's L."""
    for curvature in (2.0, LINEAR.smoothness):
        assert theory.regime(product / curvature, curvature) == expected


@pytest.mark.parametrize(("eta", "product", "expected"), [(0.41, 1.0, "one_step"), (0.79, 2.0, "bouncing"),
                                                      (0.91, 1.0, "one_step"), (0.91, 2.0, "bouncing")])
def test_regime_thresholds_hold_up_to_rounding(eta, product, expected):
    """L = product/η makes η·L one ulp below 1 or 2 in floating point; it is still the one-step or bouncing η."""
    curvature = product / eta
    assert eta * curvature != product  # the rounding is real
    assert theory.regime(eta, curvature) == expected
    assert theory.regime(eta * 0.999, curvature) != expected  # a real difference is not rounding


@pytest.mark.parametrize("eta", ETAS)
def test_regime_depends_on_eta_times_L_only(eta):
    """The same η·L on linear regression (L = 2·mean(x²), η scaled by 2/L) is the same regime,
    though η·L is 1 or 2 only up to rounding there."""
    curvature = LINEAR.smoothness
    scaled = eta * QUADRATIC_L / curvature
    assert theory.regime(scaled, curvature) == expected_regime(eta * QUADRATIC_L)
    assert theory.predict(gd.Settings("linear_regression"), scaled).regime == expected_regime(eta * QUADRATIC_L)


def assert_prediction_matches(prediction, result, label):
    assert prediction is not None, label
    assert abs(result.iterations - prediction.updates) <= 1, (label, result.iterations, prediction.updates)
    assert result.status == prediction.status, (label, result.status, prediction.status)


@pytest.mark.parametrize("stop", sorted(gd.STOPS))
def test_prediction_matches_minimize_for_every_eta_and_rule(stop):
    """The issue's requirement: for η in every regime and every stopping rule, the measured updates are within
    one of the predicted ones and the status is the predicted one (θ₀ = 0, ε = 1e-8, max_iter = 10 000)."""
    settings = gd.Settings(stop=stop)
    for eta in ETAS:
        result = gd.minimize(eta=eta, stop=stop)
        assert_prediction_matches(theory.predict(settings, eta), result, (stop, eta))


def grid_cases(objective, theta0s):
    return list(itertools.product([objective], theta0s, [1e-8, 1e-3, 0.0], [50, 10_000], sorted(gd.STOPS)))


# θ₀ = 2.5 is exactly the minimizer: ∇J(2.5) = 0 in floating point, so θ never moves.
# linear_regression's minimizer is not a float with ∇J = 0 exactly (∇J ≈ 5.6e-16 there), so for η·L > 2 and ε = 0
# a rounding-sized offset grows like |r|ᵏ; it is left out of this grid and tested with ε > 0 below.
GRID = grid_cases("quadratic", [0.0, -30.0, 7.3, 2.5]) + grid_cases("linear_regression", [0.0, -30.0, 7.3])


def grid_etas(epsilon, max_iter):
    """To keep the file fast, the 10 000-update cases leave out the lanes that would take thousands of updates:
    η = 0.001 and the bouncing η = 2/L (covered at the defaults above and with max_iter = 50) and, for ε = 0, every
    η ≤ 2/L, which runs to max_iter whatever the rule (covered with max_iter = 50 and by
    test_epsilon_zero_runs_to_max_iter)."""
    if max_iter == 50:
        return ETAS
    if epsilon == 0:
        return [eta for eta in ETAS if eta * QUADRATIC_L > 2]
    return [eta for eta in ETAS if eta >= 0.01 and eta != 1.0]


@pytest.mark.parametrize(("objective", "theta0", "epsilon", "max_iter", "stop"), GRID)
def test_prediction_matches_over_starts_tolerances_and_limits(objective, theta0, epsilon, max_iter, stop):
    """Every (θ₀, ε, max_iter, rule) and every η: within one update and the same status. On linear regression,
    also a parabola, η is scaled by 2/L so that the same η·L products (hence all regimes) are covered.

    The runs are measured with compare(), whose lanes are minimize() bit for bit (tests/test_run.py)."""
    problem = gd.OBJECTIVES[objective]
    assert problem.quadratic
    scale = QUADRATIC_L / float(problem.curvature(np.array([[problem.minimizers[0]]]))[0])
    etas = [eta * scale for eta in grid_etas(epsilon, max_iter)]
    keywords = dict(theta0=theta0, epsilon=epsilon, max_iter=max_iter, stop=stop)
    settings = gd.Settings(objective, **keywords)
    for eta, result in zip(etas, gd.compare(etas, objective, **keywords), strict=True):
        assert_prediction_matches(theory.predict(settings, eta), result, eta)


def test_epsilon_zero_runs_to_max_iter():
    """ε = 0 with 10 000 updates, every η, measured: max_iter up to η = 2/L (θ₀ = 0), diverged above."""
    settings = gd.Settings(epsilon=0.0, max_iter=10_000, stop="no_improvement")
    for eta, result in zip(ETAS, gd.compare(ETAS, epsilon=0.0, max_iter=10_000, stop="no_improvement"), strict=True):
        assert_prediction_matches(theory.predict(settings, eta), result, eta)
        assert result.status == ("diverged" if eta * QUADRATIC_L > 2 else "max_iter")


@pytest.mark.parametrize("stop", sorted(gd.STOPS))
@pytest.mark.parametrize("epsilon", [1e-8, 1e-3])
def test_prediction_from_linear_regressions_minimizer(stop, epsilon):
    """Started at linear regression's minimizer, every rule fires at once (or after PATIENCE = 5 updates without
    improvement), converged, for every η."""
    theta0 = LINEAR.minimizers[0]
    etas = [eta * QUADRATIC_L / LINEAR.smoothness for eta in ETAS]
    settings = gd.Settings("linear_regression", theta0=theta0, epsilon=epsilon, stop=stop)
    for eta, result in zip(etas, gd.compare(etas, "linear_regression", theta0=theta0, epsilon=epsilon, stop=stop),
                           strict=True):
        assert_prediction_matches(theory.predict(settings, eta), result, eta)
        assert result.status == "converged"
        assert result.iterations == (5 if stop == "no_improvement" else 1)


def test_epsilon_zero_predicts_max_iter_unless_diverging():
    """ε = 0 never fires: every η up to 2/L runs to max_iter; above it the run diverges first."""
    settings = gd.Settings(epsilon=0.0, max_iter=10_000)
    for eta in ETAS:
        prediction = theory.predict(settings, eta)
        if eta * QUADRATIC_L > 2:
            assert prediction.status == "diverged" and prediction.updates < 10_000
        else:
            assert (prediction.status, prediction.updates) == ("max_iter", 10_000)


def test_the_articles_run_is_predicted_to_take_45_updates():
    """η = 0.1, θ₀ = 0, ε = 1e-8, |ΔJ| < ε.

    With d₀ = |θ₀ − θ*| = 2.5 and r = 1 − ηL = 0.8, J_k − J* = d₀² r^(2k), so
        |ΔJ_k| = |J_k − J_{k−1}| = d₀² r^(2(k−1)) (1 − r²) = 6.25 · 0.36 · 0.64^(k−1) = 2.25 · 0.64^(k−1).
    2.25 · 0.64^(k−1) < 1e-8  ⇔  k − 1 > ln(1e-8 / 2.25) / ln 0.64 = 43.09…  ⇔  k ≥ 45.
    """
    k = 1
    while 2.5**2 * (1 - 0.8**2) * 0.8 ** (2 * (k - 1)) >= 1e-8:
        k += 1
    assert k == 45
    prediction = theory.predict(gd.Settings(), 0.1)
    assert prediction.updates == 45
    assert prediction.status == "converged"
    assert prediction.exact is True
    assert prediction.curvature == 2.0 and prediction.minimizer == 2.5
    assert prediction.rate == pytest.approx(0.8, abs=1e-15)
    assert gd.minimize(eta=0.1).iterations == 45


def test_one_step_eta_takes_two_updates():
    """η = 0.5 = 1/L: θ₁ = 2.5 exactly (|ΔJ₁| = 6.25), then θ₂ = 2.5 and ΔJ₂ = 0 < ε: two updates, converged."""
    prediction = theory.predict(gd.Settings(), 0.5)
    assert (prediction.updates, prediction.status, prediction.rate) == (2, "converged", 0.0)
    result = gd.minimize(eta=0.5)
    assert (result.iterations, result.status) == (2, "converged")


def test_bouncing_eta_stalls_after_one_update():
    """η = 1.0 = 2/L: 0 → 5 with J(5) = J(0), so |ΔJ| < ε fires at once, the gradient still 5: stalled."""
    prediction = theory.predict(gd.Settings(), 1.0)
    assert (prediction.updates, prediction.status, prediction.rate) == (1, "stalled", -1.0)


def test_diverging_eta_is_predicted_to_leave_the_bound():
    """η = 1.1: |θ_k − 2.5| = 2.5 · 1.2ᵏ; the run is called diverged once that passes the bound 1e8 · 6 less
    |θ*| = 2.5, counted here with a plain loop."""
    bound = 1e8 * max(1.0, abs(0.0), 1.0, 6.0)  # plot range of the quadratic is (−1, 6)
    k = 0
    while 2.5 * 1.2**k <= bound - 2.5:
        k += 1
    prediction = theory.predict(gd.Settings(), 1.1)
    assert (prediction.updates, prediction.status) == (k, "diverged")
    assert prediction.rate == pytest.approx(-1.2, abs=1e-15)
    result = gd.minimize(eta=1.1)
    assert (result.iterations, result.status) == (k, "diverged")


def first_update(measure, epsilon):
    """The smallest k ≥ 1 with measure(k) < ε, by counting."""
    k = 1
    while measure(k) >= epsilon:
        k += 1
    return k


def test_the_other_rules_on_the_articles_run():
    """η = 0.1, θ₀ = 0, ε = 1e-8 (d₀ = 2.5, L = 2, r = 0.8):
    grad_norm: |J'(θ_k)| = L d₀ rᵏ = 5 · 0.8ᵏ < 1e-8 first at k = 90 (ln(2e-9)/ln 0.8 = 89.8);
    step_size: |Δθ_k| = η L d₀ r^(k−1) = 0.5 · 0.8^(k−1) < 1e-8 first at k = 81 (k − 1 > 79.5);
    no_improvement: J falls by less than ε from update 45 on (as for loss_change), so updates 45 … 49 are the
    5 without improvement: 49."""
    grad_norm = first_update(lambda k: 5 * 0.8**k, 1e-8)
    step_size = first_update(lambda k: 0.5 * 0.8 ** (k - 1), 1e-8)
    no_improvement = first_update(lambda k: 2.25 * 0.64 ** (k - 1), 1e-8) + 5 - 1
    assert (grad_norm, step_size, no_improvement) == (90, 81, 49)
    for stop, updates in [("grad_norm", 90), ("step_size", 81), ("no_improvement", 49)]:
        prediction = theory.predict(gd.Settings(stop=stop), 0.1)
        assert (prediction.updates, prediction.status) == (updates, "converged"), stop
        assert gd.minimize(eta=0.1, stop=stop).iterations == updates, stop


@pytest.mark.parametrize(("eta", "updates", "status"), [(0.5, 6, "converged"), (1.0, 5, "stalled"),
                                                        (1.1, 5, "stalled")])
def test_no_improvement_spot_checks(eta, updates, status):
    """η = 0.5: J drops from 5.25 to −1 at update 1, then never again: updates 2 … 6 are the 5 without
    improvement. η = 1.0: J stays 5.25; η = 1.1: J rises: updates 1 … 5, far from the minimum."""
    prediction = theory.predict(gd.Settings(stop="no_improvement"), eta)
    assert (prediction.updates, prediction.status) == (updates, status)
    result = gd.minimize(eta=eta, stop="no_improvement")
    assert (result.iterations, result.status) == (updates, status)


@pytest.mark.parametrize(("eta", "theta0"), [(0.1, 0.0), (0.3, 0.0), (0.7, -30.0), (0.9, 7.3), (1.1, 0.0),
                                             (0.05, 100.0)])
def test_history_follows_the_closed_form(eta, theta0):
    """θ_k − θ* = (1 − ηL)ᵏ (θ₀ − θ*) for every k of the run."""
    result = gd.minimize(eta=eta, theta0=theta0, max_iter=200)
    k = np.arange(len(result.history))
    expected = 2.5 + (1 - 2 * eta) ** k * (theta0 - 2.5)
    np.testing.assert_allclose(result.history, expected, rtol=1e-12, atol=1e-14)
    assert len(result.history) > 10


def bisect(f, low, high, steps=200):
    """A root of f in [low, high], where f changes sign."""
    assert np.sign(f(low)) != np.sign(f(high))
    for _ in range(steps):
        middle = (low + high) / 2
        if np.sign(f(middle)) == np.sign(f(low)):
            low = middle
        else:
            high = middle
    return (low + high) / 2


def double_well_grad(theta):  # d/dθ (θ⁴/4 − θ² + 0.3θ)
    return theta**3 - 2 * theta + 0.3


def logistic_grad(theta):  # the mean of −uᵢσ(−uᵢθ) over the examples, by hand (tests/reference.py)
    return reference.problem("logistic_regression").grad(theta)


LOCAL = [  # (objective, θ₀, the minimizer nearest θ₀, found here independently)
    ("double_well", -0.5, bisect(double_well_grad, -2.0, -1.0)),  # minima ≈ −1.49 and 1.34; −0.5 is nearer −1.49
    ("double_well", 0.5, bisect(double_well_grad, 1.0, 2.0)),
    ("double_well", 2.0, bisect(double_well_grad, 1.0, 2.0)),
    ("logistic_regression", 0.0, bisect(logistic_grad, -10.0, 10.0)),
]


@pytest.mark.parametrize(("name", "theta0", "minimizer"), LOCAL)
def test_local_prediction_uses_the_curvature_at_the_nearest_minimum(name, theta0, minimizer):
    """Off the parabola the prediction is local: not exact, with L = J''(θ*) at the minimizer nearest θ₀,
    here a central difference of the gradient."""
    problem = gd.OBJECTIVES[name]
    assert not problem.quadratic
    prediction = theory.predict(gd.Settings(name, theta0=theta0), 0.1)
    assert prediction.exact is False
    assert prediction.minimizer == pytest.approx(minimizer, abs=1e-9)
    h = 1e-5
    second = (problem.grad(np.array([[minimizer + h]])) - problem.grad(np.array([[minimizer - h]])))[0, 0] / (2 * h)
    assert prediction.curvature == pytest.approx(second, rel=1e-6, abs=1e-8)
    assert prediction.rate == pytest.approx(1 - 0.1 * second, rel=1e-6, abs=1e-8)


@pytest.mark.parametrize("theta0", [0.0, 2.5])
def test_a_flat_bottom_has_no_local_prediction(theta0):
    """(θ − 1)⁴ has J''(1) = 0: no parabola fits the bottom, so theory predicts nothing rather than use L = 0."""
    settings = gd.Settings("quartic", theta0=theta0)
    assert not theory.applies(settings) and theory.predict(settings, 0.1) is None
    assert theory.applies(gd.Settings("double_well", theta0=theta0))


def test_double_well_curvatures_differ_by_valley():
    """J'' = 3θ² − 2 differs between the two minima, so the predicted rate depends on the start."""
    left, right = (theory.predict(gd.Settings("double_well", theta0=theta0), 0.1) for theta0 in (-0.5, 0.5))
    assert left.minimizer < 0 < right.minimizer
    assert left.curvature == pytest.approx(3 * left.minimizer**2 - 2, rel=1e-12)
    assert right.curvature == pytest.approx(3 * right.minimizer**2 - 2, rel=1e-12)
    assert left.curvature != pytest.approx(right.curvature, rel=1e-3)


@pytest.mark.parametrize("name", ["quadratic", "linear_regression"])
def test_parabolas_are_exact(name):
    """The article's curve and linear regression are parabolas: the prediction is exact, L their constant J''."""
    problem = gd.OBJECTIVES[name]
    prediction = theory.predict(gd.Settings(name), 0.1)
    assert prediction.exact is True
    h = 1e-3
    minimizer = problem.minimizers[0]
    second = (problem.grad(np.array([[minimizer + h]])) - problem.grad(np.array([[minimizer - h]])))[0, 0] / (2 * h)
    assert prediction.curvature == pytest.approx(second, rel=1e-9)


@pytest.mark.parametrize("keywords", [
    {"optimizer": "momentum"}, {"optimizer": "adam"}, {"optimizer": "nesterov"},
    {"variant": "sgd"}, {"variant": "minibatch"},
    {"schedule": "cosine"}, {"schedule": "step"}, {"schedule": "invscaling"},
])
def test_no_closed_form_outside_plain_batch_gd_with_constant_eta(keywords):
    """predict returns None unless optimizer gd, variant batch and schedule constant; the same objective with
    the defaults does have a prediction."""
    assert theory.predict(gd.Settings(**keywords), 0.1) is None
    assert theory.predict(gd.Settings(), 0.1) is not None


@pytest.mark.parametrize(("eta", "expected"), [(0.1, "converges"), (0.9, "zigzags"), (1.0, "stops_short"),
                                               (1.1, "diverges"), (0.5, "converges"), (0.01, "converges"),
                                               (1e-5, "stops_short")])
def test_outcome_names_what_the_run_did(eta, expected):
    """0.1 creeps up to 2.5 from one side; 0.9 jumps across 2.5 every update (r = −0.8); 1.0 is fooled after one
    jump, at θ = 5; 1.1 leaves; 0.5 lands on 2.5 and stays (no crossing); 1e-5 is still near θ₀ at the limit."""
    result = gd.minimize(eta=eta)
    assert theory.outcome(result) == expected
    side = np.sign(result.history[:40] - 2.5)
    crossings = int(np.count_nonzero(np.diff(side[side != 0])))
    if expected == "zigzags":
        assert crossings >= 2
    if expected == "converges":
        assert crossings == 0
    ends_near = abs(result.theta - 2.5) < 0.01 * 2.5  # |J'| = 2|θ − 2.5| shrank a hundredfold from 5
    assert ends_near == (expected in ("converges", "zigzags"))


@pytest.mark.parametrize("objective", ["quadratic", "linear_regression"])
@pytest.mark.parametrize("stop", ["loss_change", "grad_norm", "step_size"])
def test_the_quiz_the_status_and_the_theory_say_the_same_on_a_parabola(objective, stop):
    """For every η of a sweep across all five regimes, what the quiz scores (outcome of the run) is what theory
    predicts, and it agrees with the run's status: diverges ⇔ diverged; a minimum reached ⇔ converged (or at
    the limit with a gradient a hundredth of the first); zig-zags ⇔ theory's oscillating regime."""
    settings = gd.Settings(objective, stop=stop, max_iter=2000)
    _, curvature = theory.local_curvature(settings)
    etas = sorted({*np.geomspace(1e-4 / curvature, 2.3 / curvature, 60), 1 / curvature, 2 / curvature})
    for result in gd.compare(etas, objective, stop=stop, max_iter=2000):
        predicted = theory.predict(settings, result.eta)
        said = theory.outcome(result)
        assert said == predicted.outcome, (result.eta, said, predicted)
        assert (said == "diverges") == (result.status == "diverged")
        if result.status == "converged":
            assert said in ("converges", "zigzags")
        if said == "zigzags":
            assert predicted.regime == "oscillating"
        if predicted.regime == "bouncing":
            assert said == "stops_short"


def test_one_overshoot_is_not_oscillation():
    """η halved (γ = 0.55) after a first step of 0.9: θ jumps once past 2.5 (0 → 4.5), then η < 1/L and θ
    approaches 2.5 from above without crossing back: one crossing is an overshoot, the run converges."""
    result = gd.minimize(eta=0.9, schedule=schedules.step(gamma=0.55, every=1))
    assert result.history[0] < 2.5 and np.all(result.history[1:] > 2.5)
    assert result.status == "converged"
    assert theory.outcome(result) == "converges"


@pytest.mark.parametrize(("updates", "expected"), [(1, 0), (10, 0), (11, 1), (100, 1), (101, 2), (1000, 2),
                                                   (1001, 3), (10**6, 3)])
def test_bucket_edges(updates, expected):
    """Buckets 1–10, 11–100, 101–1000, more."""
    assert theory.bucket(updates) == expected


def score(guessed_outcome, guessed_bucket, result):
    return theory.judge(guessed_outcome, guessed_bucket, theory.outcome(result), result.iterations)


def test_score_points():
    """The article's run: converges in 45 updates (bucket 11–100). Two points for both right, one for half."""
    result = gd.minimize(eta=0.1)
    assert result.iterations == 45
    both = score("converges", 1, result)
    assert (both.outcome, both.bucket, both.outcome_right, both.bucket_right, both.points) == (
        "converges", 1, True, True, 2)
    assert score("diverges", 3, result).points == 0
    assert score("zigzags", 0, result).points == 0
    only_outcome = score("converges", 0, result)
    assert (only_outcome.outcome_right, only_outcome.bucket_right, only_outcome.points) == (True, False, 1)
    only_bucket = score("stops_short", 1, result)
    assert (only_bucket.outcome_right, only_bucket.bucket_right, only_bucket.points) == (False, True, 1)


def test_score_of_a_diverging_run():
    """η = 1.1 diverges after 106 updates: 'diverges' and bucket 101–1000 is the right guess."""
    result = gd.minimize(eta=1.1)
    assert score("diverges", 2, result).points == 2
    assert score("diverges", 1, result).points == 1
    assert math.isfinite(result.theta)


@pytest.mark.parametrize("block", [1, 2, 3, 7, 4096])
@pytest.mark.parametrize(("eta", "expected"), [(0.9, "zigzags"), (0.1, "converges"), (0.6, "zigzags")])
def test_outcome_is_the_same_in_any_block_size(monkeypatch, block, eta, expected):
    """outcome() takes the gradients a block at a time; the crossings it counts do not depend on the blocks."""
    monkeypatch.setattr(theory, "BLOCK", block)
    assert theory.outcome(gd.minimize(eta=eta)) == expected


def test_reversals_count_the_turns_of_the_gradient():
    assert theory.reversals(np.array([[1.0], [-1.0], [0.0], [2.0], [3.0], [-0.5]])) == 3  # zeros skipped
    assert theory.reversals(np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, -1.0]])) == 1  # only opposite directions
    assert theory.reversals(np.zeros((4, 1))) == 0


def test_outcome_of_a_long_regression_run_needs_no_history_sized_memory():
    import tracemalloc

    result = gd.minimize("logistic_regression", eta=0.01, epsilon=0.0, max_iter=100_000)
    tracemalloc.start()
    assert theory.outcome(result) == "converges"
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 20e6  # the whole history's gradients at once took about 200 MB


# --- beyond one dimension: the eigenbasis ------------------------------------------------------------------------

ROOT10 = math.sqrt(10.0)
QUADRATIC_SURFACES = ["ravine", "linear_regression_2d"]


def test_the_ravines_eigenbasis_by_hand():
    """A = [[5.5, 4.5], [4.5, 5.5]]: λ = 1 along (1, −1)/√2 and 10 along (1, 1)/√2; θ₀ = (2.5, −1) has
    coordinates c = (3.5/√2, 1.5/√2) in them (up to each vector's sign); κ = 10; the numbers of the issue."""
    basis = theory.eigenbasis(gd.Settings("ravine"))
    assert basis.eigenvalues == pytest.approx((1.0, 10.0), abs=1e-14)
    for vector, expected, c in zip(basis.eigenvectors, [(1, -1), (1, 1)], [3.5, 1.5], strict=True):
        sign = math.copysign(1.0, vector[0])
        assert np.allclose(np.multiply(vector, sign), np.divide(expected, math.sqrt(2)), atol=1e-15)
        assert basis.coefficients[basis.eigenvectors.index(vector)] * sign == pytest.approx(c / math.sqrt(2))
    assert basis.minimizer == (0.0, 0.0) and basis.exact
    assert basis.condition == pytest.approx(10.0, rel=1e-14)
    assert basis.stability_limit == pytest.approx(0.2, rel=1e-14)
    assert basis.best_eta == pytest.approx(2 / 11, rel=1e-14)
    assert basis.best_rate == pytest.approx(9 / 11, rel=1e-14)
    eta, beta = basis.momentum_best
    assert eta == pytest.approx(4 / (ROOT10 + 1) ** 2, rel=1e-14)
    assert beta == pytest.approx(((ROOT10 - 1) / (ROOT10 + 1)) ** 2, rel=1e-14)
    assert basis.momentum_rate == pytest.approx((ROOT10 - 1) / (ROOT10 + 1), rel=1e-14)
    assert basis.regimes(0.05) == ("monotone", "monotone")
    assert basis.regimes(0.1) == ("monotone", "one_step")
    assert basis.regimes(0.15) == ("monotone", "oscillating")
    assert basis.regimes(0.2) == ("monotone", "bouncing")
    assert basis.regimes(0.25) == ("monotone", "diverging")
    assert basis.regimes(1.5) == ("oscillating", "diverging")
    assert basis.rates(0.15) == pytest.approx((0.85, -0.5))


def test_one_dimension_has_one_direction():
    """On a curve the eigenbasis is J''(θ*) at the nearest minimizer: theory.local_curvature's."""
    settings = gd.Settings("double_well", theta0=0.5)
    basis = theory.eigenbasis(settings)
    assert (basis.minimizer[0], basis.eigenvalues[0]) == pytest.approx(theory.local_curvature(settings))


@pytest.mark.parametrize("eta", [0.02, 0.1, 0.15, 0.19])
@pytest.mark.parametrize("objective", QUADRATIC_SURFACES)
def test_the_closed_form_is_the_run(objective, eta):
    """θ_k − θ* = Σᵢ (1 − ηλᵢ)ᵏ cᵢ vᵢ: the eigenbasis's path is the measured history, update for update."""
    scale = 10.0 / gd.SURFACES[objective].smoothness  # the same ηλmax on both
    result = gd.minimize(objective, eta=eta * scale, epsilon=0.0, max_iter=60)
    basis = theory.eigenbasis(result.settings)
    np.testing.assert_allclose(basis.path(eta * scale, np.arange(61)), result.history, rtol=1e-9, atol=1e-12)


DIRECTIONAL_ETAS = [0.001, 0.02, 0.05, 0.1, 0.15, 2 / 11, 0.199, 0.2, 0.201, 0.25, 1.0]  # on the ravine's λ = 1, 10


@pytest.mark.parametrize(("theta0", "epsilon"), [(None, 1e-8), ((-2.0, -1.0), 1e-3), ((0.3, 0.3), 1e-10)])
@pytest.mark.parametrize("stop", sorted(gd.STOPS))
@pytest.mark.parametrize("objective", QUADRATIC_SURFACES)
def test_directional_predictions_match_the_runs(objective, stop, theta0, epsilon):
    """Every regime per direction (monotone, one step, oscillating, bouncing, diverging), every rule, three starts
    (one on an eigenvector) and tolerances: the measured updates within one of the predicted, the same status."""
    problem = gd.SURFACES[objective]
    scale = 10.0 / problem.smoothness
    start = {} if theta0 is None else {"theta0": tuple(np.add(problem.minimizers[0], theta0))}
    keywords = dict(stop=stop, epsilon=epsilon, max_iter=5_000, **start)
    settings = gd.Settings(objective, **keywords)
    etas = [eta * scale for eta in DIRECTIONAL_ETAS]
    seen = set()
    for eta, result in zip(etas, gd.compare(etas, objective, **keywords), strict=True):
        prediction = theory.predict_directions(settings, eta)
        assert prediction.exact
        assert_prediction_matches(prediction, result, (eta, prediction.regimes))
        seen.update(prediction.regimes)
    assert seen == set(theory.REGIMES)


@pytest.mark.parametrize("objective", ["rosenbrock", "himmelblau", "saddle", "logistic_regression_2d"])
def test_elsewhere_the_prediction_is_local(objective):
    """From the Hessian at the nearest minimum, flagged as local; right near it (started 1e-3 from the minimum, η a
    quarter of the local 2/λmax, so no direction oscillates into the nonlinear part) it is within 2 updates or
    0.1% of the measured (and the same status)."""
    problem = gd.SURFACES[objective]
    theta0 = tuple(np.add(problem.minimizers[0], (1e-3, -1e-3)))
    settings = gd.Settings(objective, theta0=theta0, stop="grad_norm", epsilon=1e-9, max_iter=100_000)
    basis = theory.eigenbasis(settings)
    assert not basis.exact and basis.minimizer == problem.minimizers[0]
    eta = basis.stability_limit / 4
    prediction = theory.predict_directions(settings, eta)
    result = gd.minimize(objective, eta=eta, theta0=theta0, stop="grad_norm", epsilon=1e-9, max_iter=100_000)
    assert not prediction.exact and prediction.status == result.status == "converged"
    assert abs(prediction.updates - result.iterations) <= max(2, 0.001 * result.iterations)


def test_the_best_constant_eta_is_best():
    """On the ravine, 2/(λmin + λmax) = 2/11 has the lowest measured rate of a fine grid of η (the factor per update
    on ‖θ − θ*‖ over updates 300 … 600, once the faster direction has faded), and that rate is (κ − 1)/(κ + 1) =
    9/11."""
    etas = list(np.linspace(0.1, 0.199, 100)) + [2 / 11]
    results = gd.compare(etas, "ravine", epsilon=0.0, max_iter=600)
    rates = [(np.linalg.norm(r.history[600]) / np.linalg.norm(r.history[300])) ** (1 / 300) for r in results]
    assert rates[-1] == pytest.approx(9 / 11, rel=1e-9)
    assert rates[-1] == min(rates)
    assert min(rates[:-1]) > 9 / 11


def test_no_closed_form_beyond_plain_descent():
    assert theory.predict_directions(gd.Settings("ravine", optimizer="momentum"), 0.1) is None
    assert theory.predict_directions(gd.Settings("ravine", variant="sgd"), 0.1) is None
    assert theory.predict(gd.Settings("ravine"), 0.1) is None  # the 1-D prediction stays 1-D


# --- momentum's map ----------------------------------------------------------------------------------------------

def heavy_ball_rate(eta, beta, updates=200):
    """The map's measure for one cell by a plain loop on the ravine in Python floats: θ ← θ − ηg + β(θ − θ_prev)
    (the heavy ball with α = η), from (2.5, −1)."""
    x, y, px, py, sizes = 2.5, -1.0, 2.5, -1.0, [math.hypot(2.5, -1.0)]
    for _ in range(updates):
        gx, gy = 5.5 * x + 4.5 * y, 4.5 * x + 5.5 * y
        x, y, px, py = x - eta * gx + beta * (x - px), y - eta * gy + beta * (y - py), x, y
        sizes.append(math.hypot(x, y))
    return (sizes[updates] / sizes[updates // 2]) ** (1 / (updates - updates // 2))


def test_momentum_map_is_a_plain_loop_per_cell():
    """Each cell is the heavy ball's measured rate, written here as a plain loop in the heavy-ball form: torch's
    b ← βb + g, θ ← θ − ηb is the same trajectory with α = η."""
    etas, betas = [0.02, 0.1, 0.23, 0.3], [0.0, 0.27, 0.6, 0.9]
    grid = theory.momentum_map(etas, betas)
    assert grid.rates.shape == (4, 4) and grid.updates == 200
    expected = [[heavy_ball_rate(eta, beta) for eta in etas] for beta in betas]
    np.testing.assert_allclose(grid.rates, expected, rtol=1e-9)
    assert grid.rates[0, 3] > 1  # β = 0, η = 0.3 > 2/λmax: plain descent diverges
    assert grid.rates[2, 3] < 1  # momentum widens the stable range to η < 2(1 + β)/λmax


def test_momentum_maps_best_pair_is_theorys():
    """At theory's pair the measured rate is (√κ − 1)/(√κ + 1) within 1% (2^(2/K) = 0.7% is the measure's own
    excess at a repeated eigenvalue); over a fine grid nothing beats it by more than that, and the best cell lies
    next to the pair. Also torch's momentum at that pair follows the heavy ball with α = η."""
    rho = (ROOT10 - 1) / (ROOT10 + 1)
    best = theory.momentum_map([4 / (ROOT10 + 1) ** 2], [rho * rho])
    assert best.best == pytest.approx((4 / (ROOT10 + 1) ** 2, rho * rho), rel=1e-12) and best.best_rate == rho
    assert best.rates[0, 0] == pytest.approx(rho, rel=0.01)
    grid = theory.momentum_map(np.linspace(0.01, 0.4, 79), np.linspace(0.0, 0.95, 96))
    assert grid.rates.min() >= rho * 0.99
    row, column = np.unravel_index(np.argmin(grid.rates), grid.rates.shape)
    assert abs(grid.etas[column] - best.best[0]) < 0.02 and abs(grid.betas[row] - best.best[1]) < 0.05
    eta, beta = best.best
    run = gd.minimize("ravine", eta=eta, optimizer=gd.OPTIMIZERS["momentum"].build(momentum=beta), epsilon=0.0,
                      max_iter=30)
    x, y, px, py = 2.5, -1.0, 2.5, -1.0
    for k in range(30):
        gx, gy = 5.5 * x + 4.5 * y, 4.5 * x + 5.5 * y
        x, y, px, py = x - eta * gx + beta * (x - px), y - eta * gy + beta * (y - py), x, y
        assert run.history[k + 1] == pytest.approx((x, y), rel=1e-9, abs=1e-12)


def test_momentum_map_refuses_what_momentum_refuses():
    with pytest.raises(ValueError, match="momentum"):
        theory.momentum_map([0.1], [1.0])
    with pytest.raises(ValueError, match="eta"):
        theory.momentum_map([0.0], [0.5])


@pytest.mark.parametrize(("text", "keywords", "minimum"), [
    ("exp(x)", {}, None),  # J' = eˣ > 0 everywhere: no minimum; the gradient is small only where the curve flattens
    ("exp(x)", {"epsilon": 0.0, "max_iter": 3_000}, None),
    ("x^3", {"theta0": 1.0}, None),  # 0 is an inflection point: J(−δ) = −δ³ < J(0)
    ("(x - 1)^4", {"theta0": 2.0, "eta": 0.05}, 1.0),  # a flat bottom, but a minimum
    ("sin(x) - 0.1*x", {"theta0": 4.0}, 2 * math.pi - math.acos(0.1)),  # cos θ = 0.1 with sin θ < 0: J'' > 0
])
def test_a_minimum_is_claimed_only_where_one_lies_near(text, keywords, minimum):
    """A small gradient alone is no minimum: at_minimum() also asks that J be lowest near θ, checked here against
    where a minimum is by hand (J' = 0 and J'' > 0), or that there is none."""
    result = gd.minimize(gd.parse_objective(text), **keywords)
    assert theory.at_minimum(result) == (minimum is not None)
    if minimum is not None:
        assert abs(result.theta - minimum) < 0.05
    else:
        assert theory.outcome(result) == "stops_short"


def test_the_saddle_point_is_not_a_minimum():
    """The saddle x² + y⁴/4 − y²/2 from its start on y = 0 converges to (0, 0), where the Hessian is diag(2, −1) by
    hand: a direction falls, so it is no minimum, though the gradient there is exactly 0."""
    result = gd.minimize("saddle", eta=0.5)
    assert result.status == "converged" and np.array_equal(result.theta, [0.0, 0.0])
    assert not theory.at_minimum(result)
    ravine = gd.minimize("ravine", eta=0.1)
    assert ravine.status == "converged" and theory.at_minimum(ravine)


# --- where no parabola fits the bottom ------------------------------------------------------------------------------

# formula: its Hessian at its minimum (0, 0) or 0 (or at the point given), written by hand
FLAT = {"x^4 + y^2": [[0, 0], [0, 2]], "(x^2 + y^2)^2": [[0, 0], [0, 0]], "x^4 + 0*y": [[0, 0], [0, 0]],
        "abs(x) + y^2": [[0, 0], [0, 2]],  # |x|'' = 0 beside the kink: its slope jumps by 2 there
        "(x - 0.33)^4 + y^2": [[0, 0], [0, 2]]}  # found a little off 0.33, where H has a tiny λ > 0
CURVED = {"x^2 + y^2": [[2, 0], [0, 2]], "1e-6*x^2 + y^2": [[2e-6, 0], [0, 2]],
          "(1 - x)^2 + 100*(y - x^2)^2": [[802, -400], [-400, 200]]}  # Rosenbrock's, at (1, 1)


@pytest.mark.parametrize("text", FLAT)
def test_a_flat_direction_at_the_minimum_leaves_kappa_and_the_best_eta_undefined(text):
    """The Hessian written by hand has λmin = 0: no quadratic fits, so nothing is divided by it, and plain descent
    gets no prediction."""
    assert np.linalg.eigvalsh(np.array(FLAT[text], dtype=float))[0] == 0
    settings = gd.Settings(gd.parse_objective(text), theta0=(0.5, 0.5))
    basis = theory.eigenbasis(settings)
    assert not basis.curved
    assert (basis.condition, basis.best_eta, basis.best_rate, basis.momentum_best, basis.momentum_rate,
            basis.stability_limit) == (None,) * 6
    assert theory.predict_directions(settings, 0.1) is None


@pytest.mark.parametrize("text", CURVED)
def test_a_curved_minimum_keeps_its_condition_number(text):
    hand = np.linalg.eigvalsh(np.array(CURVED[text], dtype=float))
    basis = theory.eigenbasis(gd.Settings(gd.parse_objective(text), theta0=(0.5, 0.5)))
    assert basis.curved and basis.eigenvalues == pytest.approx(tuple(hand), rel=1e-9)
    assert basis.condition == pytest.approx(hand[-1] / hand[0], rel=1e-9)
    assert basis.best_eta == pytest.approx(2 / (hand[0] + hand[-1]), rel=1e-9)


def test_the_measured_curvature_is_the_slopes_change_across_the_minimum():
    """On θ⁴ the slope 4θ³ goes from −4h³ to 4h³ across ±h: a curvature of 4h², not J''(0) = 0; on |θ| from −1 to 1:
    1/h, with J'' = 0; on a parabola exactly its L."""
    h = theory.fit_span(gd.parse_objective("x^4"))
    assert h == pytest.approx(theory.FIT_SPAN * 10)  # a typed function is drawn on (−5, 5)
    for text, expected in (("x^4", 4 * h * h), ("abs(x)", 1 / h), ("3*x^2", 6.0)):
        measured = theory.measured_curvatures(gd.parse_objective(text), [0.0], [[1.0]])
        assert measured[0] == pytest.approx(expected, rel=1e-9)
    assert not theory.applies(gd.Settings(gd.parse_objective("x^4")))
    assert not theory.applies(gd.Settings(gd.parse_objective("abs(x)")))
    assert theory.applies(gd.Settings(gd.parse_objective("3*x^2")))
