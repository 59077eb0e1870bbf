"""The compiled loop (gd.compiled) against the numpy reference loop (gd.run._reference), bit for bit.

Every objective (the curves and the 2-D surfaces), variant, update rule, schedule and stopping rule, with
lanes that stop at different updates and lanes that diverge; seeds(); the parts the kernel copies from numpy
(pairwise sums, the norm, the sampled epochs); and the fallback to the reference for what has no compiled form.
"""

import itertools
import math
from dataclasses import replace
from types import MappingProxyType

import numpy as np
import pytest

import gd
from gd import compiled, run, settings
from gd.stopping import norm
from gd.variants import Epochs, batches

ETAS = [0.001, 0.05, 0.3, 1.0, 1.5]  # slow, fast, oscillating, fooled or diverging, depending on the curve
BASE = dict(max_iter=150, theta0=0.3, batch_size=10, seed=7, epsilon=1e-4)


def bits(value) -> bytes:
    return np.ascontiguousarray(value, dtype=float).tobytes()  # -0.0 differs from 0.0, NaN equals itself


def assert_identical(fast, slow):
    """Everything a Result says, to the last bit."""
    assert fast.iterations == slow.iterations
    assert fast.status == slow.status
    assert bits(fast.history) == bits(slow.history)
    assert bits(fast.losses) == bits(slow.losses)
    assert bits(fast.theta) == bits(slow.theta)
    assert bits(fast.grad) == bits(slow.grad)
    assert bits(fast.loss) == bits(slow.loss)
    assert fast.eta == slow.eta and fast.settings == slow.settings


def both(etas, objective, **keywords):
    """The compiled and the reference run of the same compare() call."""
    settings = gd.Settings(objective, **keywords)
    assert compiled.available(settings)
    return (run._compare(etas, objective, keywords, engine="compiled"),
            run._compare(etas, objective, keywords, engine="reference"))


def check(etas, objective, **keywords):
    fast, slow = both(etas, objective, **keywords)
    for a, b in zip(fast, slow, strict=True):
        assert_identical(a, b)
    return fast


SCHEDULES = sorted(gd.SCHEDULES)
STOPS = sorted(gd.STOPS)
PRODUCT = list(itertools.product(gd.OBJECTIVES, gd.VARIANTS, gd.OPTIMIZERS))


@pytest.mark.parametrize(("index", "case"), list(enumerate(PRODUCT)), ids=["-".join(case) for case in PRODUCT])
def test_every_objective_variant_and_rule(index, case):
    """Every objective × variant × update rule, each with another schedule and stopping rule in turn."""
    objective, variant, optimizer = case
    check(ETAS, objective, variant=variant, optimizer=optimizer, schedule=SCHEDULES[index % len(SCHEDULES)],
          stop=STOPS[index % len(STOPS)], **BASE)


SURFACE_ETAS = [1e-4, 1e-3, 0.01, 0.1, 0.5]  # slow … diverging on each surface, from its start
SURFACE_BASE = dict(max_iter=150, batch_size=10, seed=7, epsilon=1e-4)
SURFACE_PRODUCT = list(itertools.product(gd.SURFACES, gd.VARIANTS, gd.OPTIMIZERS))


@pytest.mark.parametrize(("index", "case"), list(enumerate(SURFACE_PRODUCT)),
                         ids=["-".join(case) for case in SURFACE_PRODUCT])
def test_every_surface_variant_and_rule(index, case):
    """Every 2-D surface × variant × update rule, each with another schedule and stopping rule in turn: the
    compiled loop runs θ as a pair and equals the reference bit for bit."""
    surface, variant, optimizer = case
    fast = check(SURFACE_ETAS, surface, variant=variant, optimizer=optimizer,
                 schedule=SCHEDULES[index % len(SCHEDULES)], stop=STOPS[(index // 3) % len(STOPS)], **SURFACE_BASE)
    assert fast[0].history.shape[1] == 2


@pytest.mark.parametrize("stop", STOPS)
@pytest.mark.parametrize("surface", sorted(gd.SURFACES))
def test_every_surface_and_stopping_rule(surface, stop):
    """Every surface × stopping rule, Adam on mini-batches, and momentum on the full batch from another start."""
    check(SURFACE_ETAS, surface, variant="minibatch", optimizer="adam", stop=stop, **SURFACE_BASE)
    check(SURFACE_ETAS, surface, optimizer="momentum", stop=stop, theta0=(0.5, -0.25), **SURFACE_BASE)


def test_surface_lanes_stop_for_every_reason():
    """On the ravine, in one call: converged, stalled (2/λmax bounces the steep direction), diverged, max_iter."""
    fast = check([0.001, 0.1, 0.2, 0.3], "ravine", max_iter=400, epsilon=1e-8)
    assert [result.status for result in fast] == ["max_iter", "converged", "stalled", "diverged"]


@pytest.mark.parametrize(("surface", "variant"), [("himmelblau", "sgd"), ("saddle", "minibatch"),
                                                  ("linear_regression_2d", "sgd"),
                                                  ("logistic_regression_2d", "minibatch")])
def test_seeds_on_the_surfaces(surface, variant):
    """seeds(): each lane its own samples, θ a pair; compiled equals reference lane for lane."""
    keywords = dict(SURFACE_BASE, variant=variant, optimizer="nesterov", max_iter=300)
    ss = [0, 1, 7, 2**32 - 1]
    fast = run._seeds(0.01, ss, surface, keywords, engine="compiled")
    slow = run._seeds(0.01, ss, surface, keywords, engine="reference")
    for a, b in zip(fast, slow, strict=True):
        assert_identical(a, b)
    assert len({a.history[-1].tobytes() for a in fast}) == len(ss)


@pytest.mark.parametrize(("schedule", "stop"), list(itertools.product(SCHEDULES, STOPS)))
@pytest.mark.parametrize("objective", sorted(gd.OBJECTIVES))
def test_every_schedule_and_stopping_rule(objective, schedule, stop):
    """Every objective × schedule × stopping rule, with Adam on mini-batches (the most state)."""
    check(ETAS, objective, variant="minibatch", optimizer="adam", schedule=schedule, stop=stop, **BASE)


HYPERPARAMETERS = [
    ("momentum", {"momentum": 0.5}), ("nesterov", {"momentum": 0.99}), ("adagrad", {"eps": 0.5}),
    ("rmsprop", {"alpha": 0.5, "eps": 1e-3}), ("adam", {"beta1": 0.5, "beta2": 0.9, "eps": 1e-2}),
]
SCHEDULE_PARAMETERS = [("step", {"gamma": 0.3, "every": 3}), ("exponential", {"gamma": 0.9}),
                       ("inverse_time", {"gamma": 2.0}), ("cosine", {"period": 7, "floor": 0.2}),
                       ("invscaling", {"power": 1.5})]


@pytest.mark.parametrize(("optimizer", "hyperparameters"), HYPERPARAMETERS)
@pytest.mark.parametrize(("schedule", "timing"), SCHEDULE_PARAMETERS)
def test_hyperparameters_other_than_the_defaults(optimizer, hyperparameters, schedule, timing):
    """The kernel reads each hyperparameter in its place: none is confused with a default."""
    check(ETAS, "double_well", variant="sgd", optimizer=gd.OPTIMIZERS[optimizer].build(**hyperparameters),
          schedule=gd.SCHEDULES[schedule].build(**timing), **BASE)


@pytest.mark.parametrize("epsilon", [0.0, 1e-12, 1e-2])
@pytest.mark.parametrize("stop", STOPS)
def test_long_runs_across_blocks(stop, epsilon):
    """Runs of 3,000 updates cross the kernel's blocks (256, 512, … updates) and many epochs of sampling."""
    check([0.01, 0.2, 0.9], "quadratic", variant="minibatch", optimizer="momentum", stop=stop, epsilon=epsilon,
          max_iter=3000, batch_size=7, seed=3)


def test_lanes_stop_at_different_updates_and_for_every_reason():
    """The comparisons above are not vacuous: in one call lanes converge, stall, diverge and hit the limit."""
    fast = check(ETAS + [2.0], "quadratic", **BASE)
    assert {result.status for result in fast} == {"converged", "stalled", "diverged", "max_iter"}
    assert len({result.iterations for result in fast}) >= 4


def test_theta0_that_diverges_at_once():
    """J(θ₀) overflows: no update is made, on both paths."""
    fast = check([0.1, 0.5], "quartic", theta0=1e100)
    assert [result.status for result in fast] == ["diverged", "diverged"]
    assert all(result.iterations == 0 for result in fast)


@pytest.mark.parametrize(("objective", "variant", "stop"), [
    ("quadratic", "sgd", "no_improvement"), ("logistic_regression", "minibatch", "loss_change"),
    ("linear_regression", "sgd", "grad_norm"), ("double_well", "minibatch", "step_size")])
def test_seeds_each_lane_its_own_samples(objective, variant, stop):
    """seeds(): every lane draws its own epochs; compiled equals reference lane for lane."""
    keywords = dict(BASE, variant=variant, stop=stop, optimizer="rmsprop", epsilon=1e-3, max_iter=400)
    ss = [0, 1, 7, 7, 2**32 - 1]
    fast = run._seeds(0.05, ss, objective, keywords, engine="compiled")
    slow = run._seeds(0.05, ss, objective, keywords, engine="reference")
    for a, b in zip(fast, slow, strict=True):
        assert_identical(a, b)
    assert len({result.iterations for result in fast}) >= 2


def test_public_calls_take_the_compiled_path(monkeypatch):
    """minimize, compare and seeds run the compiled loop whenever it has the run (a test would not notice
    if they quietly kept to the reference)."""
    compiled.wait()
    calls = []
    real = compiled.descend
    monkeypatch.setattr(compiled, "descend", lambda *args, **kw: calls.append(1) or real(*args, **kw))
    gd.minimize()
    gd.compare([0.1, 0.2], variant="sgd")
    gd.seeds(0.1, [1, 2], variant="minibatch")
    assert len(calls) == 3


# --- what the compiled loop does not have runs on the reference ---------------------------------------------

def _cosine_bowl() -> gd.objectives.Objective:
    """J(θ) = 1 − cos(θ − 1) + θ²/10, with no compiled form (as a function typed by a user would have none)."""
    def value(theta):
        return 1 - np.cos(theta[..., 0] - 1) + theta[..., 0] * theta[..., 0] / 10

    def grad(theta):
        return np.sin(theta - 1) + theta / 5

    return gd.objectives.Objective("cosine_bowl", "", value, grad, lambda theta, idx: grad(theta),
                                   lambda theta: np.cos(theta[..., 0] - 1) + 0.2, (-3.0, 4.0), (0.8,), 1.2)


def test_an_objective_without_compiled_form_runs_on_the_reference(monkeypatch):
    """The fallback: the compiled loop is never asked, and the numbers are those of a plain loop."""
    bowl = _cosine_bowl()
    monkeypatch.setattr(settings, "OBJECTIVES", MappingProxyType({**gd.OBJECTIVES, bowl.name: bowl}))
    monkeypatch.setattr(compiled, "descend", lambda *args, **kw: pytest.fail("compiled loop used"))
    assert not compiled.available(gd.Settings("cosine_bowl"))
    result = gd.minimize("cosine_bowl", eta=0.3)
    theta, history = 0.0, [0.0]
    while True:  # the article's loop on this curve, in numpy scalars as the reference computes them
        previous = theta
        theta = theta - 0.3 * float(bowl.grad(np.array([[theta]]))[0, 0])
        history.append(theta)
        if abs(float(bowl.value(np.array([[theta]]))[0]) - float(bowl.value(np.array([[previous]]))[0])) < 1e-8:
            break
    assert result.history.tolist() == history
    assert result.status == "converged"
    stops = gd.each_stop("cosine_bowl", eta=0.3, max_iter=300)  # each_stop takes the same path
    for name in gd.STOPS:
        assert_identical(stops[name], gd.minimize("cosine_bowl", eta=0.3, max_iter=300, stop=name))


def test_a_rule_or_schedule_made_by_hand_runs_on_the_reference(monkeypatch):
    rule = replace(gd.OPTIMIZERS["gd"].build(), compiled=False)
    schedule = replace(gd.SCHEDULES["constant"].build(), compiled=False)
    assert not compiled.available(gd.Settings(optimizer=rule))
    assert not compiled.available(gd.Settings(schedule=schedule))
    monkeypatch.setattr(compiled, "descend", lambda *args, **kw: pytest.fail("compiled loop used"))
    assert gd.minimize(optimizer=rule).iterations == gd.minimize(schedule=schedule).iterations == 45


# --- the pieces the kernel copies from numpy -------------------------------------------------------------------

@pytest.mark.parametrize("length", list(range(1, 140)) + [255, 256, 257, 1000, 4099])
def test_pairwise_sum_is_numpys(length):
    """np.sum and np.mean sum pairwise (8 accumulators up to 128 terms, halves beyond): _sum does the same."""
    rng = np.random.default_rng(length)
    values = rng.normal(size=length) * 10.0 ** rng.integers(-8, 8, length)
    assert bits(compiled._sum(values, length)) == bits(np.sum(values))
    assert bits(compiled._sum(values, length) / length) == bits(np.mean(values))


@pytest.mark.parametrize("dim", [1, 2, 3, 5])
def test_norm_is_stopping_norm(dim):
    """|v| in one dimension, hypot folded in order beyond (the 2-D surfaces will need it)."""
    vectors = np.random.default_rng(dim).normal(size=(50, dim)) * 1e150
    assert [compiled._norm(vectors, lane) for lane in range(50)] == norm(vectors).tolist()


@pytest.mark.parametrize(("variant", "size"), [("sgd", 1), ("minibatch", 10), ("minibatch", 64), ("minibatch", 63)])
def test_epochs_are_the_batches_the_reference_draws(variant, size):
    """Epochs.draw, in blocks of different lengths, gives the orders batches() slices its batches from."""
    per_epoch = -(-64 // size)
    epochs, drawn = Epochs(64, [5, 9]), []
    for count in (1, 3, 2):
        drawn.append(epochs.draw(count, [0, 1]))
    orders = np.concatenate(drawn, axis=1)
    for row, seed in enumerate([5, 9]):
        expected = list(itertools.islice(batches(variant, 64, size, seed), 6 * per_epoch))
        sliced = [orders[row, k // per_epoch, (k % per_epoch) * size:(k % per_epoch) * size + size]
                  for k in range(6 * per_epoch)]
        assert all(np.array_equal(a, b) for a, b in zip(sliced, expected, strict=True))


def test_schedule_factors_are_the_schedules():
    """The tabulated factors and Adam's bias terms are the Python formulas' numbers (libm pow, not numba's)."""
    for name, timing in SCHEDULE_PARAMETERS:
        schedule = gd.SCHEDULES[name].build(**timing)
        table = np.empty((3, 500))
        hyper = np.array([0.9, 0.999, 1e-8])
        compiled._tables(5, hyper, list(compiled.SCHEDULES).index(name),
                         compiled._numbers(compiled.SCHEDULES[name], schedule.hyperparameters), 0, table)
        assert table[0].tolist() == [schedule.factor(t) for t in range(500)]
        assert table[1].tolist() == [1 - 0.9 ** (t + 1) for t in range(500)]
        assert table[2].tolist() == [math.sqrt(1 - 0.999 ** (t + 1)) for t in range(500)]


@pytest.mark.parametrize("objective", sorted(gd.problems()))
def test_gradients_of_a_history_are_the_objectives(objective):
    """compiled.gradients (each_stop's grad_norm test on long runs) is problem.grad, row for row, to the bit."""
    problem = gd.problems()[objective]
    compiled.wait()
    dim = problem.dim
    theta = np.concatenate([np.random.default_rng(1).normal(0, 3, (200, dim)),
                            np.repeat([[0.0], [-0.0], [1e200], [np.inf]], dim, axis=1)])
    with np.errstate(all="ignore"):
        assert bits(compiled.gradients(problem, theta)) == bits(problem.grad(theta))
