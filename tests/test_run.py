"""minimize and compare: the article's numbers, its loop, the statuses, lane independence, validation."""

import dataclasses
import itertools
import math

import numpy as np
import pytest
import reference

import gd

ARTICLE_THETA = 2.499891109642585  # printed by the article for η = 0.1, θ₀ = 0, ε = 1e-8
ARTICLE_GRAD = -0.0002177807148298072
ARTICLE_LOSS = -0.99999998814289
ARTICLE_LENGTH = 46  # len(theta_history): 45 updates


def article_loop(eta, theta=0.0, epsilon=1e-8, limit=100_000):
    """The article's loop in plain Python floats, with a guard so that a bad η cannot hang the test."""

    def j(theta):
        return (theta - 2.5) ** 2 - 1.0

    def dj(theta):
        return 2 * (theta - 2.5)

    theta_history = [theta]
    while True:
        gradient = dj(theta)
        last_theta = theta
        theta = theta - eta * gradient
        theta_history.append(theta)
        if abs(j(theta) - j(last_theta)) < epsilon:
            break
        assert len(theta_history) < limit, "reference loop did not stop"
    return theta_history


def test_defaults_reproduce_the_article():
    """minimize() with its defaults prints what the article prints, to 1e-12."""
    result = gd.minimize()
    assert result.status == "converged"
    assert result.iterations == ARTICLE_LENGTH - 1
    assert len(result.history) == ARTICLE_LENGTH
    assert len(result.losses) == ARTICLE_LENGTH
    assert result.theta == pytest.approx(ARTICLE_THETA, abs=1e-12)
    assert result.grad == pytest.approx(ARTICLE_GRAD, abs=1e-12)
    assert result.loss == pytest.approx(ARTICLE_LOSS, abs=1e-12)
    assert result.eta == 0.1
    assert result.history[0] == 0.0


def test_defaults_are_the_articles_settings():
    """The defaults are η = 0.1, θ₀ = 0, ε = 1e-8 on the article's parabola, spelled out."""
    spelled_out = gd.minimize("quadratic", eta=0.1, theta0=0.0, epsilon=1e-8)
    default = gd.minimize()
    assert np.array_equal(default.history, spelled_out.history)
    assert default.settings.objective == "quadratic"
    assert default.settings.theta0 == 0.0
    assert default.settings.epsilon == 1e-8


@pytest.mark.parametrize("eta", [0.01, 0.1, 0.5, 0.9])
def test_history_equals_the_articles_loop(eta):
    """Every θ visited equals the article's loop, element for element, and losses are J of them."""
    reference = article_loop(eta)
    result = gd.minimize(eta=eta)
    assert result.history.tolist() == reference
    assert result.iterations == len(reference) - 1
    expected_losses = [(theta - 2.5) * (theta - 2.5) - 1 for theta in reference]
    np.testing.assert_allclose(result.losses, expected_losses, rtol=0, atol=1e-14)


@pytest.mark.parametrize("eta", [0.001, 0.01, 0.5, 0.9, 0.99])
def test_stable_learning_rates_converge(eta):
    """Below 2/L = 1 the parabola is reached: status converged, θ near 2.5, few updates."""
    result = gd.minimize(eta=eta)
    assert result.status == "converged"
    assert abs(result.theta - 2.5) < 1e-2
    assert abs(result.grad) <= 0.01 * 5  # a hundredfold below the first gradient, |dJ(0)| = 5
    assert result.iterations < result.settings.max_iter


def test_eta_one_stalls_after_one_jump():
    """η = 1 jumps 0 → 5; J(5) = J(0) fools |ΔJ| < ε, and the run is called stalled, not converged."""
    result = gd.minimize(eta=1.0)
    assert result.status == "stalled"
    assert result.iterations == 1
    assert result.history.tolist() == [0.0, 5.0]
    assert result.theta == 5.0
    assert result.grad == 5.0  # 2·(5 − 2.5)
    assert result.losses[0] == result.losses[1] == 5.25  # (0 − 2.5)² − 1 = (5 − 2.5)² − 1


def first_update_past(bound, eta, theta0=0.0):
    """The first k where |θ_k| > bound, from the closed form θ_k − 2.5 = (1 − 2η)ᵏ (θ₀ − 2.5)."""
    k = 0
    while abs(2.5 + (1 - 2 * eta) ** k * (theta0 - 2.5)) <= bound:
        k += 1
    return k


def test_eta_above_the_limit_diverges_quickly_without_warning():
    """η = 1.1 grows |θ − 2.5| by 1.2 per step: diverged as soon as |θ| passes 1e8·6, with no warning."""
    result = gd.minimize(eta=1.1)  # filterwarnings = error turns any overflow warning into a failure
    assert result.status == "diverged"
    assert result.iterations == first_update_past(1e8 * 6.0, 1.1)
    assert result.iterations < result.settings.max_iter / 50
    assert abs(result.theta) > 6e8
    assert np.all(np.isfinite(result.history))
    distance = result.history - 2.5
    np.testing.assert_allclose(distance[1:] / distance[:-1], 1 - 2 * 1.1, rtol=1e-9)


@pytest.mark.parametrize("eta", [1e-3, 0.1, 1.0, 1.1, 50.0])
@pytest.mark.parametrize("max_iter", [1, 7, 60])
def test_no_run_exceeds_max_iter(eta, max_iter):
    """Whatever η does, a run makes at most max_iter updates, and history has iterations + 1 rows."""
    result = gd.minimize(eta=eta, max_iter=max_iter)
    assert result.iterations <= max_iter
    assert len(result.history) == len(result.losses) == result.iterations + 1
    if result.status == "max_iter":
        assert result.iterations == max_iter


@pytest.mark.parametrize("stop", sorted(gd.STOPS))
def test_epsilon_zero_runs_to_the_limit(stop):
    """ε = 0: no measure is below 0, so a converging run makes exactly max_iter updates."""
    result = gd.minimize(eta=0.1, epsilon=0.0, max_iter=500, stop=stop)
    assert result.status == "max_iter"
    assert result.iterations == 500
    assert len(result.history) == 501
    assert result.theta == pytest.approx(2.5, abs=1e-12)


def test_max_iter_status_when_the_limit_comes_first():
    """η = 0.001 needs thousands of updates; with max_iter = 100 it stops there, status max_iter."""
    result = gd.minimize(eta=0.001, max_iter=100)
    assert result.status == "max_iter"
    assert result.iterations == 100
    assert result.history.tolist() == article_loop(0.001)[:101]


def assert_same_run(a, b):
    assert np.array_equal(a.history, b.history)
    assert np.array_equal(a.losses, b.losses)
    assert a.theta == b.theta or (math.isnan(a.theta) and math.isnan(b.theta))
    assert a.iterations == b.iterations
    assert a.status == b.status
    assert a.eta == b.eta


ETAS = [0.001, 0.05, 0.3, 1.0, 1.5]  # slow, fast, oscillating, fooled or diverging, depending on the curve


@pytest.mark.parametrize(("objective", "variant", "optimizer"),
                         list(itertools.product(gd.OBJECTIVES, gd.VARIANTS, gd.OPTIMIZERS)))
def test_compare_equals_minimize_bit_for_bit(objective, variant, optimizer):
    """compare(etas)[i] is minimize(eta=etas[i]) exactly, though lanes stop at different updates."""
    keywords = dict(variant=variant, optimizer=optimizer, max_iter=300, theta0=0.3, batch_size=10, seed=7)
    results = gd.compare(ETAS, objective, **keywords)
    assert len(results) == len(ETAS)
    for eta, result in zip(ETAS, results, strict=True):
        assert_same_run(result, gd.minimize(objective, eta=eta, **keywords))


@pytest.mark.parametrize("schedule", sorted(gd.SCHEDULES))
@pytest.mark.parametrize("objective", sorted(gd.OBJECTIVES))
def test_compare_equals_minimize_for_each_schedule(schedule, objective):
    """The same lane independence holds when η changes with the step count."""
    results = gd.compare(ETAS, objective, schedule=schedule, max_iter=300, variant="minibatch")
    for eta, result in zip(ETAS, results, strict=True):
        assert_same_run(result, gd.minimize(objective, eta=eta, schedule=schedule, max_iter=300,
                                            variant="minibatch"))


def test_compare_keeps_the_order_and_duplicates():
    """Results come back in the order of etas, a repeated η giving the same run twice."""
    etas = [1.1, 0.1, 0.5, 0.1]
    results = gd.compare(etas)
    assert [result.eta for result in results] == etas
    assert_same_run(results[1], results[3])
    assert [result.status for result in results] == ["diverged", "converged", "converged", "converged"]


@pytest.mark.parametrize("variant", ["sgd", "minibatch"])
def test_stochastic_lanes_see_the_same_examples(variant):
    """Every η gets the same sampled examples: the noise recovered from each lane is the same sequence.

    On the parabola a lane's update is θ' = θ − η(2(θ − 2.5) + n_k), so n_k = (θ − θ')/η − 2(θ − 2.5).
    """
    etas = [0.01, 0.02, 0.05]
    results = gd.compare(etas, variant=variant, batch_size=8, epsilon=0.0, max_iter=40, seed=3)
    noises = []
    for eta, result in zip(etas, results, strict=True):
        theta = result.history
        noises.append((theta[:-1] - theta[1:]) / eta - 2 * (theta[:-1] - 2.5))
    assert np.std(noises[0]) > 0.1  # the noise is real
    for noise in noises[1:]:
        np.testing.assert_allclose(noise, noises[0], rtol=0, atol=1e-9)


def test_seed_changes_the_stochastic_path_only():
    """Another seed draws other examples for sgd; batch descent does not sample, so it ignores the seed."""
    first, second = (gd.minimize(variant="sgd", seed=seed, max_iter=50, epsilon=0.0) for seed in (1, 2))
    assert not np.array_equal(first.history, second.history)
    assert np.array_equal(gd.minimize(variant="sgd", seed=1, max_iter=50).history,
                          gd.minimize(variant="sgd", seed=1, max_iter=50).history)
    assert np.array_equal(gd.minimize(seed=1).history, gd.minimize(seed=2).history)


def test_result_is_frozen_and_history_read_only():
    """A Result cannot be changed after the fact: fields are frozen and the arrays refuse writes."""
    result = gd.minimize()
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.theta = 0.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.status = "converged"
    with pytest.raises(ValueError, match="read-only"):
        result.history[0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        result.losses[-1] = 1.0
    assert result.history[0] == 0.0


def test_result_fields_agree_with_history():
    """theta, loss and grad describe the last row of history: J and dJ of the final θ."""
    result = gd.minimize(eta=0.3)
    assert result.theta == result.history[-1]
    assert result.loss == result.losses[-1] == (result.theta - 2.5) ** 2 - 1
    assert result.grad == 2 * (result.theta - 2.5)
    assert isinstance(result.theta, float) and isinstance(result.iterations, int)


BAD_INPUTS = [
    ({"eta": 0.0}, "eta"),
    ({"eta": -0.1}, "eta"),
    ({"eta": math.nan}, "eta"),
    ({"eta": math.inf}, "eta"),
    ({"eta": True}, "eta"),
    ({"eta": "0.1"}, "eta"),
    ({"epsilon": -1e-9}, "epsilon"),
    ({"epsilon": math.nan}, "epsilon"),
    ({"theta0": math.inf}, "theta0"),
    ({"theta0": -math.inf}, "theta0"),
    ({"theta0": math.nan}, "theta0"),
    ({"max_iter": 0}, "max_iter"),
    ({"max_iter": 1_000_001}, "max_iter"),
    ({"max_iter": 2.5}, "max_iter"),
    ({"max_iter": True}, "max_iter"),
    ({"batch_size": 0, "variant": "minibatch"}, "batch_size"),
    ({"batch_size": 65, "variant": "minibatch"}, "batch_size"),
    ({"seed": -1}, "seed"),
]


@pytest.mark.parametrize(("keywords", "name"), BAD_INPUTS, ids=[repr(k) for k, _ in BAD_INPUTS])
def test_bad_input_names_the_parameter(keywords, name):
    """Each bad value is refused up front with a ValueError whose message names the parameter."""
    with pytest.raises(ValueError, match=rf"\b{name}\b"):
        gd.minimize(**keywords)


def test_batch_size_range_is_the_data_set():
    """batch_size may be anything from 1 to the 64 examples, and nothing outside."""
    assert gd.minimize(variant="minibatch", batch_size=64, max_iter=5).iterations <= 5
    assert gd.minimize(variant="minibatch", batch_size=1, max_iter=5).iterations <= 5
    with pytest.raises(ValueError, match="64"):
        gd.minimize(variant="minibatch", batch_size=65)


@pytest.mark.parametrize(("parameter", "registry"), [
    ("objective", gd.OBJECTIVES), ("variant", gd.VARIANTS), ("optimizer", gd.OPTIMIZERS),
    ("schedule", gd.SCHEDULES), ("stop", gd.STOPS)])
def test_unknown_names_list_the_valid_ones(parameter, registry):
    """An unknown name is refused with the parameter named and every valid choice listed."""
    with pytest.raises(ValueError) as raised:
        gd.minimize(**{parameter: "nope"})
    message = str(raised.value)
    assert parameter in message and "nope" in message
    for name in registry:
        assert name in message


@pytest.mark.parametrize("etas", [[], "0.1", 0.1, None])
def test_etas_must_be_a_list_of_rates(etas):
    """compare() wants a non-empty sequence of numbers; a string or a bare number is refused."""
    with pytest.raises(ValueError, match="etas"):
        gd.compare(etas)


def test_one_bad_eta_in_a_list_is_named():
    """A bad value among good ones is still refused, and the message names eta."""
    with pytest.raises(ValueError, match="eta"):
        gd.compare([0.1, -1.0, 0.5])


def test_settings_validate_on_construction():
    """Settings checks its fields itself, so a bad one never reaches the loop."""
    assert gd.Settings().max_iter == 10_000
    with pytest.raises(ValueError, match="theta0"):
        gd.Settings(theta0=math.inf)
    with pytest.raises(ValueError, match="objective"):
        gd.Settings(objective="nope")


# --- the engine against the plain reference loop (tests/reference.py) ------------------------------------------

# η per objective: slow, fast, and (for the non-adaptive rules) too large: diverging or oscillating
REFERENCE_ETAS = {"quadratic": (0.05, 0.3, 1.2), "double_well": (0.02, 0.1, 1.5), "quartic": (0.01, 0.05, 3.0),
                  "linear_regression": (0.05, 0.2, 0.9), "logistic_regression": (0.5, 1.0, 3.0)}
REFERENCE_EPSILON = {"loss_change": 1e-6, "grad_norm": 1e-3, "step_size": 1e-5, "no_improvement": 1e-4}
OPTIMIZER_OPTIONS = {"gd": {}, "momentum": {"momentum": 0.5}, "nesterov": {"momentum": 0.7}, "adagrad": {"eps": 1e-3},
                     "rmsprop": {"alpha": 0.9, "eps": 1e-4}, "adam": {"beta1": 0.8, "beta2": 0.99, "eps": 1e-6}}
SCHEDULE_OPTIONS = {"constant": {}, "step": {"gamma": 0.7, "every": 7}, "exponential": {"gamma": 0.98},
                    "inverse_time": {"gamma": 0.5}, "cosine": {"period": 40, "floor": 0.1},
                    "invscaling": {"power": 0.5}}


def reference_cases():
    """Every objective × optimizer × variant; the schedule and the stopping rule rotate so that each optimizer
    meets every schedule and each variant every rule; odd cases use non-default hyperparameters."""
    schedules, stops = sorted(gd.SCHEDULES), sorted(gd.STOPS)
    for i, (objective, optimizer, variant) in enumerate(itertools.product(
            sorted(gd.OBJECTIVES), sorted(gd.OPTIMIZERS), gd.VARIANTS)):
        yield objective, optimizer, variant, schedules[i % 6], stops[(i // 6 + i) % 4], i % 2 == 1


def assert_follows(result, expected, label):
    """Same updates and status; θ and J equal to 1e-12 (relative), where only summation order may differ."""
    assert expected.edge > 1e-6, f"{label}: a knife-edge case, choose another"
    assert (result.iterations, result.status) == (expected.iterations, expected.status), label
    np.testing.assert_allclose(result.history, expected.history, rtol=1e-12, atol=1e-12, err_msg=str(label))
    np.testing.assert_allclose(result.losses, expected.losses, rtol=1e-12, atol=1e-12, err_msg=str(label))


def reference_runs(objective, optimizer, variant, schedule, stop, options):
    """(η, the engine's Result, the reference Run) for each η of one case; the engine's lanes from one compare()."""
    rule_options = OPTIMIZER_OPTIONS[optimizer] if options else {}
    decay_options = SCHEDULE_OPTIONS[schedule] if options else {}
    etas = REFERENCE_ETAS[objective]
    etas = etas if optimizer in ("gd", "momentum", "nesterov") else etas[:2]  # adaptive steps do not blow up
    keywords = dict(theta0=0.3, epsilon=REFERENCE_EPSILON[stop], variant=variant, batch_size=10, stop=stop,
                    max_iter=300, seed=5)
    results = gd.compare(list(etas), objective, optimizer=gd.OPTIMIZERS[optimizer].build(**rule_options),
                         schedule=gd.SCHEDULES[schedule].build(**decay_options), **keywords)
    return [(eta, result, reference.descend(objective, eta, optimizer=optimizer, optimizer_options=rule_options,
                                            schedule=schedule, schedule_options=decay_options, **keywords))
            for eta, result in zip(etas, results, strict=True)]


@pytest.mark.parametrize(("objective", "optimizer", "variant", "schedule", "stop", "options"),
                         list(reference_cases()))
def test_compare_follows_the_reference_loop(objective, optimizer, variant, schedule, stop, options):
    """Each lane of compare() is the run the plain reference loop makes: the update rules, the schedules, the
    sampled examples, the stopping rules, divergence and the converged/stalled split, all written out by hand."""
    for eta, result, expected in reference_runs(objective, optimizer, variant, schedule, stop, options):
        assert_follows(result, expected, (objective, optimizer, variant, schedule, stop, eta))


def test_the_reference_cases_reach_every_status():
    """The cases above are not all one kind of run: every status occurs, and every rule fires, converged in some
    runs; loss_change, step_size and no_improvement also stall in some (grad_norm with ε = 1e-3 cannot: see
    test_grad_norm_stalls_when_epsilon_is_coarse)."""
    seen = {(case[4], expected.status) for case in reference_cases() for _, _, expected in reference_runs(*case)}
    assert {status for _, status in seen} == {"converged", "stalled", "max_iter", "diverged"}
    assert {stop for stop, status in seen if status == "converged"} == set(gd.STOPS)
    assert {stop for stop, status in seen if status == "stalled"} == {"loss_change", "step_size", "no_improvement"}


def test_grad_norm_stalls_when_epsilon_is_coarse():
    """|∇J| < ε = 1 on the article's run: ∇J(θ_k) = −5·0.8ᵏ is below 1 first at k = 8 (0.8⁷ = 0.21, 0.8⁸ = 0.17),
    and 5·0.8⁸ = 0.84 is far above 5/100: stalled, not converged."""
    result = gd.minimize(stop="grad_norm", epsilon=1.0)
    assert (result.iterations, result.status) == (8, "stalled")
    assert result.grad == pytest.approx(-5 * 0.8**8, rel=1e-12)
