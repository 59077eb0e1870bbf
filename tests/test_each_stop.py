"""gd.each_stop: every stopping rule's run from one run to the limit, each equal to its own minimize() run."""

import itertools

import numpy as np
import pytest
from test_compiled import assert_identical

import gd
from gd import run

EPSILONS = [0.0, 1e-8, 1e-3, 0.1]


def assert_each_is_its_own_run(objective, eta, **keywords):
    stops = gd.each_stop(objective, eta=eta, **keywords)
    assert list(stops) == [*gd.STOPS, "none"]
    for name in gd.STOPS:
        assert_identical(stops[name], gd.minimize(objective, eta=eta, **{**keywords, "stop": name}))
    assert_identical(stops["none"], gd.minimize(objective, eta=eta, **{**keywords, "epsilon": 0.0}))
    return stops


CASES = list(itertools.product(gd.OBJECTIVES, gd.VARIANTS, gd.OPTIMIZERS))


@pytest.mark.parametrize(("index", "case"), list(enumerate(CASES)), ids=["-".join(case) for case in CASES])
def test_each_rule_equals_its_separate_run(index, case):
    """Every objective × variant × update rule, with a schedule, an ε and an η in turn (η = 1.5 diverges on
    the curves, 0.001 runs to the limit)."""
    objective, variant, optimizer = case
    schedule = sorted(gd.SCHEDULES)[index % len(gd.SCHEDULES)]
    eta = [0.001, 0.05, 0.3, 1.0, 1.5][index % 5]
    assert_each_is_its_own_run(objective, eta, variant=variant, optimizer=optimizer, schedule=schedule,
                               epsilon=EPSILONS[index % len(EPSILONS)], max_iter=200, theta0=0.3, batch_size=8,
                               seed=index)


@pytest.mark.parametrize("epsilon", EPSILONS)
@pytest.mark.parametrize("eta", [0.001, 0.1, 1.0, 1.1])
def test_the_article_curve_for_every_epsilon(eta, epsilon):
    """Converges, runs to the limit, is fooled (η = 1 stalls on loss_change) or diverges (η = 1.1)."""
    stops = assert_each_is_its_own_run("quadratic", eta, epsilon=epsilon, max_iter=500)
    if eta == 1.1:  # only "no_improvement" can end it first (J grows every update)
        assert all(stops[name].status == "diverged" for name in ("loss_change", "grad_norm", "step_size", "none"))
        assert stops["no_improvement"].status == ("diverged" if epsilon == 0 else "stalled")
    if eta == 1.0 and epsilon > 0:
        assert stops["loss_change"].status == "stalled" and stops["loss_change"].iterations == 1


def test_rules_fire_at_different_updates():
    """Not vacuous: on one run the rules end at different updates, each before the limit."""
    stops = assert_each_is_its_own_run("double_well", 0.05, variant="sgd", optimizer="adam", epsilon=1e-3,
                                       max_iter=2000)
    ends = [stops[name].iterations for name in gd.STOPS]
    assert len(set(ends)) >= 3 and max(ends) < 2000 == stops["none"].iterations


def test_the_lab_view_at_its_largest():
    """The stopping view's largest run (Adam, stochastic descent, 100,000 updates) is one run, rule by rule the
    separate runs' numbers."""
    assert_each_is_its_own_run("quadratic", 0.01, variant="sgd", optimizer="adam", epsilon=1e-6, max_iter=100_000)


def test_each_stop_runs_once(monkeypatch):
    """One run of the loop, however many rules."""
    calls = []
    real = run._run
    monkeypatch.setattr(run, "_run", lambda *args, **kw: calls.append(1) or real(*args, **kw))
    gd.each_stop(variant="minibatch", max_iter=300)
    assert len(calls) == 1


def test_each_stop_is_read_only_and_validates():
    stops = gd.each_stop()
    with pytest.raises(ValueError, match="read-only"):
        stops["none"].history[0] = 1.0
    with pytest.raises(ValueError, match=r"\beta\b"):
        gd.each_stop(eta=-1.0)
    with pytest.raises(ValueError, match=r"\bstop\b"):
        gd.each_stop(stop="nope")
    assert np.array_equal(stops["loss_change"].history, gd.minimize().history)


def test_step_size_reads_the_steps_the_loop_made():
    """|θ_k − θ_{k−1}| recomputed from the history is not always the step the update added (rounding), so
    each_stop must test the recorded steps: ε is put between the two at an update where they differ."""
    settings = gd.Settings(epsilon=0.0, max_iter=200)
    lanes = run._run(np.array([0.1]), settings, [0], True, record_steps=True)
    history, steps = lanes.history[0, :, 0], lanes.steps[0, :, 0]
    differ = [k for k in range(1, 150) if abs(history[k] - history[k - 1]) != abs(steps[k])]
    assert differ, "no update where the two differ: pick another run"
    k = differ[0]
    epsilon = max(abs(history[k] - history[k - 1]), abs(steps[k]))  # exactly one of the two is below it
    stops = assert_each_is_its_own_run("quadratic", 0.1, epsilon=epsilon, max_iter=200)
    assert stops["step_size"].iterations in (k, k + 1)
