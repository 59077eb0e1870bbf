"""Stopping: what each rule measures, when a fired rule means converged or stalled, and divergence."""

import math

import numpy as np
import pytest

import gd
from gd import theory
from gd.stopping import diverged, divergence_bound, norm, settle


def test_statuses():
    # left_domain last: the compiled loop's status codes index the first four
    assert gd.STATUSES == ("converged", "stalled", "max_iter", "diverged", "left_domain")


@pytest.mark.parametrize(("final", "initial", "expected"), [
    (0.0, 5.0, "converged"),
    (0.05, 5.0, "converged"),  # exactly a hundredfold smaller
    (0.0500001, 5.0, "stalled"),
    (5.0, 5.0, "stalled"),  # η = 1 on the parabola: the gradient did not shrink at all
    (1e-8, 1e-7, "converged"),  # started almost flat: the floor 1e-8 applies, not 1e-9
    (1.01e-8, 1e-7, "stalled"),
    (0.0, 0.0, "converged"),
    (2e-8, 0.0, "stalled"),
])
def test_settle_thresholds(final, initial, expected):
    """converged iff |∇J(θ_k)| ≤ max(|∇J(θ₀)|/100, 1e-8); otherwise the rule fired far from a minimum."""
    assert settle(np.array([final]), initial).tolist() == [expected]


def test_settle_is_per_lane():
    assert settle(np.array([0.01, 1.0, 0.1]), 5.0).tolist() == ["converged", "stalled", "stalled"]


def test_divergence_bound():
    """1e8 × the largest of 1, |θ₀| and the plot range's ends."""
    assert divergence_bound(0.0, (-1.0, 6.0)) == 6e8
    assert divergence_bound(-50.0, (-1.0, 6.0)) == 5e9
    assert divergence_bound(0.0, (-0.5, 0.5)) == 1e8


@pytest.mark.parametrize(("theta", "loss", "expected"), [
    (1.0, 1.0, False),
    (6e8, 1.0, False),  # on the bound is not past it
    (-6e8, 1.0, False),
    (6.0000001e8, 1.0, True),
    (-6.0000001e8, 1.0, True),
    (1.0, math.inf, True),
    (1.0, -math.inf, True),
    (1.0, math.nan, True),
    (math.nan, 1.0, True),
    (math.inf, math.inf, True),
])
def test_diverged(theta, loss, expected):
    """A lane has diverged when J is not finite (NaN too) or |θ| is past the bound."""
    assert diverged(np.array([[theta]]), np.array([loss]), 6e8).tolist() == [expected]


def test_diverged_at_huge_but_bounded_theta():
    """|θ| = 1e160 is inside a bound of 1e168 with J finite: not diverged.

    norm() squares θ, and 1e160² overflows to inf, so this lane is wrongly called diverged."""
    with np.errstate(over="ignore"):  # the loop calls diverged() under errstate too
        assert diverged(np.array([[1e160]]), np.array([1.0]), 1e168).tolist() == [False]


def test_run_from_a_huge_start_is_not_diverged_at_once():
    """logistic_regression has a finite J at θ₀ = 1e160 (J grows like |θ|): the run takes updates,
    it is not diverged after 0 updates."""
    result = gd.minimize("logistic_regression", theta0=1e160, max_iter=5)
    assert result.iterations > 0


def test_norm_is_euclidean_over_the_last_axis():
    assert norm(np.array([[3.0, 4.0], [-5.0, 12.0]])).tolist() == [5.0, 13.0]
    assert norm(np.array([[-2.0]])).tolist() == [2.0]


def test_stop_rule_measures():
    """loss_change = |J_k − J_{k−1}|, grad_norm = |∇J(θ_k)|, step_size = |θ_k − θ_{k−1}|, per lane."""
    objective = gd.OBJECTIVES["quadratic"]
    theta = np.array([[1.0], [4.0]])
    step = np.array([[-0.3], [0.2]])
    loss, previous = np.array([1.25, 1.25]), np.array([1.5, 1.0])
    measure = {name: rule.measure(objective, theta, step, loss, previous).tolist() for name, rule in gd.STOPS.items()
               if rule.measure}
    assert measure["loss_change"] == [0.25, 0.25]
    assert measure["grad_norm"] == [3.0, 3.0]  # |2(1 − 2.5)|, |2(4 − 2.5)|
    assert measure["step_size"] == [0.3, 0.2]


@pytest.mark.parametrize(("stop", "epsilon"), [("loss_change", 1e-8), ("grad_norm", 1e-3), ("step_size", 1e-4)])
def test_each_rule_stops_the_run_when_its_measure_first_falls_below_epsilon(stop, epsilon):
    """The run ends at the first k whose measure < ε, computed by hand from the article's iterates."""
    theta, history = 0.0, [0.0]
    while True:
        new = theta - 0.1 * 2 * (theta - 2.5)
        history.append(new)
        measures = {"loss_change": abs((new - 2.5) ** 2 - (theta - 2.5) ** 2),
                    "grad_norm": abs(2 * (new - 2.5)), "step_size": abs(new - theta)}
        theta = new
        if measures[stop] < epsilon:
            break
    result = gd.minimize(eta=0.1, epsilon=epsilon, stop=stop)
    assert result.status == "converged"
    assert result.iterations == len(history) - 1
    np.testing.assert_allclose(result.history, history, rtol=1e-15, atol=1e-15)


def test_rules_disagree_on_when_to_stop():
    """On the same run, |ΔJ| < 1e-8 fires at 45 updates but |dJ| < 1e-8 needs many more."""
    by_loss = gd.minimize(stop="loss_change")
    by_grad = gd.minimize(stop="grad_norm")
    assert by_loss.iterations < by_grad.iterations
    assert abs(by_grad.grad) < 1e-8


def test_start_at_the_minimum_converges_through_the_floor():
    """θ₀ = 2.5 has ∇J = 0; the first update changes nothing, and the floor makes that converged."""
    result = gd.minimize(theta0=2.5)
    assert result.status == "converged"
    assert result.iterations == 1
    assert result.history.tolist() == [2.5, 2.5]


def test_small_steps_stall():
    """|Δθ| < 0.5 fires at update 2 at θ = 0.9, where the gradient −3.2 is still large: stalled."""
    result = gd.minimize(stop="step_size", epsilon=0.5)
    assert result.status == "stalled"
    assert result.iterations == 2  # steps 0.5, then 0.4
    assert result.grad == pytest.approx(-3.2, abs=1e-12)


def test_divergence_is_checked_before_the_rule():
    """quartic from θ₀ = 1e70 (bound 1e78), η = 5e-134: θ₁ ≈ 1e70 − 5e-134·4·1e210 = −2e77, inside the
    bound but J(θ₁) = (2e77)⁴ overflows. |Δθ| = 2e77 < ε = 1e100 fires too, but diverged wins."""
    result = gd.minimize("quartic", eta=5e-134, theta0=1e70, stop="step_size", epsilon=1e100)
    assert result.status == "diverged"
    assert result.iterations == 1
    assert result.theta == pytest.approx(-2e77, rel=1e-6)
    assert result.loss == math.inf


def test_past_the_bound_is_diverged_though_j_is_finite():
    """quartic from θ₀ = 10 with η = 1e6: θ₁ = 10 − 1e6·4·9³ is past 1e8·10 while J(θ₁) is still finite."""
    result = gd.minimize("quartic", eta=1e6, theta0=10.0)
    assert result.status == "diverged"
    assert result.iterations == 1
    assert result.theta == 10.0 - 1e6 * 4 * 9**3
    assert math.isfinite(result.loss)


def test_the_four_rules_and_their_formulas():
    """The article's |ΔJ| < ε and the three others, each formula comparing with ε."""
    assert sorted(gd.STOPS) == ["grad_norm", "loss_change", "no_improvement", "step_size"]
    for rule in gd.STOPS.values():
        assert r"\varepsilon" in rule.latex


def sklearn_no_change_stop(losses, tol, patience=5):
    """scikit-learn's n_iter_no_change (MLP's _update_no_improvement_count, SGD's epoch loop) in plain Python:
    count += 1 if loss > best − tol else count = 0; best = min(best, loss); stop once count ≥ patience.
    losses[0] is J(θ₀) (best starts at +inf, so it never counts); returns the index k of the stopping update,
    or None if the sequence ends first."""
    best, count = math.inf, 0
    for k, loss in enumerate(losses):
        loss = float(loss)
        if loss > best - tol:
            count += 1
        else:
            count = 0
        best = min(best, loss)
        if count >= patience:
            return k
    return None


@pytest.mark.parametrize(("eta", "epsilon"), [
    (0.01, 1e-8), (0.01, 1e-4), (0.1, 1e-8), (0.1, 1e-3), (0.1, 0.5), (0.5, 1e-8), (0.5, 1e-3),
    (1.0, 1e-8), (1.1, 1e-8), (1.1, 1e-3)])
@pytest.mark.parametrize(("objective", "variant", "optimizer"), [
    ("quadratic", "batch", "gd"),
    ("quadratic", "sgd", "gd"),  # noisy losses: the best so far is not the previous loss
    ("quadratic", "batch", "momentum"),  # overshoots: J rises and falls again
    ("double_well", "minibatch", "gd"),
])
def test_no_improvement_stops_where_scikit_learn_would(eta, epsilon, objective, variant, optimizer):
    """The run stops at exactly the update where the reference stops, computed over the same run's losses
    continued without any stopping rule (ε = 0), so a rule that fired late would also be caught."""
    keywords = dict(variant=variant, optimizer=optimizer, batch_size=8, seed=4, stop="no_improvement")
    full = gd.minimize(objective, eta=eta, epsilon=0.0, max_iter=2_000, **keywords)
    expected = sklearn_no_change_stop(full.losses, epsilon)
    result = gd.minimize(objective, eta=eta, epsilon=epsilon, max_iter=2_000, **keywords)
    if full.status == "diverged" and (expected is None or expected >= full.iterations):
        assert result.status == "diverged" and result.iterations == full.iterations
        return
    assert expected is not None
    assert result.iterations == expected
    assert result.status in ("converged", "stalled")
    np.testing.assert_array_equal(result.losses, full.losses[:expected + 1])


def test_no_improvement_with_epsilon_zero_never_fires():
    """ε = 0 means never: η = 0.1 reaches 2.5 and J stops falling, yet the run goes on to max_iter."""
    result = gd.minimize(eta=0.1, epsilon=0.0, stop="no_improvement", max_iter=800)
    assert (result.status, result.iterations) == ("max_iter", 800)
    assert np.all(result.losses[400:] == -1.0)  # J has not fallen for hundreds of updates


def test_no_improvement_stops_a_diverging_run_before_it_diverges():
    """η = 1.1: J rises at every update, so after 5 updates without improvement the rule fires, far from the
    minimum (stalled), 100 updates before |θ| would pass the bound (diverged at 106 without the rule)."""
    result = gd.minimize(eta=1.1, stop="no_improvement")
    assert (result.status, result.iterations) == ("stalled", 5)
    assert np.all(np.diff(result.losses) > 0)
    assert result.theta == pytest.approx(2.5 - 2.5 * (-1.2) ** 5, rel=1e-12)
    assert gd.minimize(eta=1.1).status == "diverged"


def test_no_improvement_by_exactly_epsilon_counts_as_improvement():
    """η = 0.5 lands on 2.5 at once: J₀ = 5.25, J₁ = −1 = J₀ − ε for ε = 6.25 (exact in floating point), then
    J stays −1. scikit-learn resets the count when J is not above best − tol, so J₁ is an improvement and the
    5 stale updates are 2 … 6; the rule's own formula J > min J − ε says the same. Stops after 6, not 5."""
    losses = gd.minimize(eta=0.5, epsilon=0.0, max_iter=10).losses
    assert losses[0] - 6.25 == losses[1] == -1.0
    assert sklearn_no_change_stop(losses, 6.25) == 6
    assert theory.predict(gd.Settings(epsilon=6.25, stop="no_improvement"), 0.5).updates == 6
    result = gd.minimize(eta=0.5, epsilon=6.25, stop="no_improvement")
    assert result.iterations == 6


@pytest.mark.parametrize(("stop", "eta", "epsilon", "measures"), [
    ("loss_change", 0.5, 6.25, "|ΔJ₁| = |−1 − 5.25| = 6.25, |ΔJ₂| = 0"),
    ("grad_norm", 0.25, 2.5, "θ₁ = 1.25, |∇J₁| = 2.5; θ₂ = 1.875, |∇J₂| = 1.25"),
    ("step_size", 0.25, 1.25, "|Δθ₁| = 1.25, |Δθ₂| = 0.625"),
])
def test_a_measure_of_exactly_epsilon_does_not_fire(stop, eta, epsilon, measures):
    """The rules are strict, measure < ε: a measure equal to ε (exact in binary) lets the run go on, and it
    stops at the next update."""
    result = gd.minimize(eta=eta, epsilon=epsilon, stop=stop)
    assert result.iterations == 2, measures


def test_the_floor_makes_a_tiny_start_converged():
    """θ₀ = 2.5 + 1e-9: ∇J(θ₀) = 2e-9, so a hundredfold is 2e-11, but the floor is 1e-8. |ΔJ| < 1e-8 fires
    at once with ∇J = 1.6e-9 ≤ 1e-8: converged (it would be stalled against 2e-11 alone)."""
    result = gd.minimize(theta0=2.5 + 1e-9)
    assert (result.iterations, result.status) == (1, "converged")
    assert result.grad == pytest.approx(1.6e-9, rel=1e-6)


def test_above_the_floor_a_tiny_start_stalls():
    """θ₀ = 2.5 + 5e-8: ∇J(θ₀) = 1e-7, so the tolerance is max(1e-9, 1e-8) = 1e-8. |ΔJ| < 1e-8 fires at once
    with ∇J = 8e-8 > 1e-8: stalled; the floor is 1e-8, not larger."""
    result = gd.minimize(theta0=2.5 + 5e-8)
    assert (result.iterations, result.status) == (1, "stalled")
    assert result.grad == pytest.approx(8e-8, rel=1e-6)

