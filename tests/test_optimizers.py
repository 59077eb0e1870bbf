"""Update rules against torch.optim's formulas written out by hand in plain Python floats."""

import math

import numpy as np
import pytest
from reference import update_rule
from test_surfaces import Hand

import gd
from gd import optimizers
from gd.variants import batches

GRADIENTS = [0.7, -1.3, 2.0, 0.05, -0.4, 3.3, -2.2]  # a fixed sequence with sign changes and a tiny one
LANE_SCALES = [1.0, -2.5, 1e-3]  # three lanes, each its own gradient scale and learning rate
RATES = [0.1, 0.03, 2.0]


def hand_gd(gradients, lr):
    return [-lr * g for g in gradients]


def hand_momentum(gradients, lr, momentum=0.9, nesterov=False):
    """torch.optim.SGD, dampening 0: buf = μ·buf + g from buf = 0; nesterov steps along g + μ·buf."""
    buf, steps = 0.0, []
    for g in gradients:
        buf = momentum * buf + g
        direction = g + momentum * buf if nesterov else buf
        steps.append(-lr * direction)
    return steps


def hand_adagrad(gradients, lr, eps=1e-10):
    """torch.optim.Adagrad, lr_decay 0: s += g²; step −lr·g / (√s + eps)."""
    total, steps = 0.0, []
    for g in gradients:
        total = total + g * g
        steps.append(-lr * g / (math.sqrt(total) + eps))
    return steps


def hand_rmsprop(gradients, lr, alpha=0.99, eps=1e-8):
    """torch.optim.RMSprop, not centred, no momentum: v = αv + (1 − α)g²; step −lr·g / (√v + eps)."""
    average, steps = 0.0, []
    for g in gradients:
        average = alpha * average + (1 - alpha) * g * g
        steps.append(-lr * g / (math.sqrt(average) + eps))
    return steps


def hand_adam(gradients, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    """torch.optim.Adam (single tensor): step −lr/(1 − β1ᵗ) · m / (√v/√(1 − β2ᵗ) + eps)."""
    m, v, steps = 0.0, 0.0, []
    for t, g in enumerate(gradients, start=1):
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        step_size = lr / (1 - beta1**t)
        denominator = math.sqrt(v) / math.sqrt(1 - beta2**t) + eps
        steps.append(-step_size * m / denominator)
    return steps


HAND = {
    "gd": hand_gd,
    "momentum": hand_momentum,
    "nesterov": lambda gradients, lr: hand_momentum(gradients, lr, nesterov=True),
    "adagrad": hand_adagrad,
    "rmsprop": hand_rmsprop,
    "adam": hand_adam,
}


def engine_steps(rule, gradients_by_lane, rates):
    """Feed each lane its gradient sequence through init/update; return the steps, shaped (steps, lanes)."""
    theta = np.zeros((len(rates), 1))
    state = rule.init(theta)
    lr = np.array(rates)[:, None]
    steps = []
    for k in range(len(gradients_by_lane[0])):
        g = np.array([[lane[k]] for lane in gradients_by_lane])
        step, state = rule.update(g, state, lr)
        assert step.shape == theta.shape
        steps.append(step[:, 0])
    return np.array(steps)


def test_every_registered_optimizer_has_a_hand_reference():
    assert set(HAND) == set(gd.OPTIMIZERS)


@pytest.mark.parametrize("name", sorted(HAND))
def test_update_rule_matches_the_formula(name):
    """Seven steps on three lanes, each with its own lr, equal the hand-written formula (rtol 1e-15), for the rule
    the registry builds with its defaults (what minimize(optimizer=name) runs)."""
    gradients_by_lane = [[scale * g for g in GRADIENTS] for scale in LANE_SCALES]
    steps = engine_steps(gd.OPTIMIZERS[name].build(), gradients_by_lane, RATES)
    expected = np.array([HAND[name](gradients, lr) for gradients, lr in zip(gradients_by_lane, RATES,
                                                                            strict=True)]).T
    np.testing.assert_allclose(steps, expected, rtol=1e-15, atol=0)


@pytest.mark.parametrize(("name", "hyperparameters"), [
    ("momentum", {"momentum": 0.5}),
    ("nesterov", {"momentum": 0.3}),
    ("adagrad", {"eps": 1e-3}),
    ("rmsprop", {"alpha": 0.9, "eps": 1e-4}),
    ("adam", {"beta1": 0.5, "beta2": 0.9, "eps": 1e-3}),
])
def test_non_default_hyperparameters_reach_the_formula(name, hyperparameters):
    """The keywords given to build() are the ones the update uses."""
    steps = engine_steps(gd.OPTIMIZERS[name].build(**hyperparameters), [GRADIENTS], [0.1])
    if name == "nesterov":
        expected = hand_momentum(GRADIENTS, 0.1, nesterov=True, **hyperparameters)
    else:
        expected = HAND[name](GRADIENTS, 0.1, **hyperparameters)
    np.testing.assert_allclose(steps[:, 0], expected, rtol=1e-15, atol=0)


def test_first_steps_by_hand():
    """Hand-derived first steps for g = 2, lr = 0.1: torch's conventions, not the alternatives."""
    lr, g = np.array([[0.1]]), np.array([[2.0]])
    first = {name: float(getattr(optimizers, name)().update(g, getattr(optimizers, name)().init(g), lr)[0][0, 0])
             for name in HAND}
    assert first["gd"] == -0.2
    assert first["momentum"] == -0.2  # buffer starts at 0, so the first buffer is g itself
    assert first["nesterov"] == pytest.approx(-0.1 * (2 + 0.9 * 2), rel=1e-15)
    assert first["adagrad"] == pytest.approx(-0.1 * 2 / (2 + 1e-10), rel=1e-15)  # √(g²) = |g|
    assert first["rmsprop"] == pytest.approx(-0.1 * 2 / (math.sqrt(0.01 * 4) + 1e-8), rel=1e-15)
    assert first["adam"] == pytest.approx(-0.1 * 2 / (2 + 1e-8), rel=1e-15)  # bias correction: m̂ = g, √v̂ = |g|


def test_the_loop_applies_the_step():
    """Through minimize, θ_{k+1} = θ_k + step: momentum on the parabola follows the hand formula."""
    result = gd.minimize(eta=0.05, optimizer="momentum", max_iter=6, epsilon=0.0)
    theta, buf, expected = 0.0, 0.0, [0.0]
    for _ in range(6):
        g = 2 * (theta - 2.5)
        buf = 0.9 * buf + g
        theta = theta + -0.05 * buf
        expected.append(theta)
    np.testing.assert_allclose(result.history, expected, rtol=1e-15, atol=0)


def test_documented_defaults():
    """The defaults are torch.optim's: μ 0.9, Adagrad eps 1e-10, RMSprop α 0.99 eps 1e-8, Adam .9/.999/1e-8."""
    assert dict(optimizers.momentum().hyperparameters) == {"momentum": 0.9}
    assert dict(optimizers.nesterov().hyperparameters) == {"momentum": 0.9}
    assert dict(optimizers.adagrad().hyperparameters) == {"eps": 1e-10}
    assert dict(optimizers.rmsprop().hyperparameters) == {"alpha": 0.99, "eps": 1e-8}
    assert dict(optimizers.adam().hyperparameters) == {"beta1": 0.9, "beta2": 0.999, "eps": 1e-8}


def test_build_fills_in_the_defaults_it_is_not_given():
    """build(beta1=0.5) keeps β2 = 0.999 and eps = 1e-8, and steps by the formula with those."""
    built = gd.OPTIMIZERS["adam"].build(beta1=0.5)
    assert dict(built.hyperparameters) == {"beta1": 0.5, "beta2": 0.999, "eps": 1e-8}
    np.testing.assert_allclose(engine_steps(built, [GRADIENTS], [0.1])[:, 0], hand_adam(GRADIENTS, 0.1, beta1=0.5),
                               rtol=1e-15, atol=0)


BAD_HYPERPARAMETERS = [
    ("momentum", {"momentum": 1.0}, "momentum"),
    ("momentum", {"momentum": -0.1}, "momentum"),
    ("nesterov", {"momentum": math.nan}, "momentum"),
    ("nesterov", {"momentum": True}, "momentum"),
    ("adagrad", {"eps": 0}, "eps"),
    ("rmsprop", {"eps": 0}, "eps"),
    ("rmsprop", {"alpha": 1.0}, "alpha"),
    ("adam", {"eps": 0}, "eps"),
    ("adam", {"beta1": 1.0}, "beta1"),
    ("adam", {"beta2": -0.1}, "beta2"),
    ("adam", {"beta2": math.inf}, "beta2"),
    ("adam", {"gamma": 0.5}, "gamma"),  # not one of Adam's
    ("gd", {"momentum": 0.5}, "momentum"),  # plain descent has none
]


@pytest.mark.parametrize(("name", "values", "hyperparameter"), BAD_HYPERPARAMETERS)
def test_bad_hyperparameters_are_refused_by_name(name, values, hyperparameter):
    """build() refuses an out-of-range or unknown hyperparameter with a ValueError naming it."""
    with pytest.raises(ValueError, match=rf"\b{hyperparameter}\b"):
        gd.OPTIMIZERS[name].build(**values)


def test_unknown_hyperparameter_lists_the_valid_ones():
    with pytest.raises(ValueError) as raised:
        gd.OPTIMIZERS["adam"].build(gamma=0.5)
    for name in ("beta1", "beta2", "eps"):
        assert name in str(raised.value)


def test_unknown_optimizer_name_is_refused():
    with pytest.raises(ValueError, match="optimizer"):
        gd.minimize(optimizer="sgd")


@pytest.mark.parametrize(("rule", "hyperparameter"), [
    (lambda: optimizers.adam(beta1=1.0), "beta1"),  # 1 − β1ᵗ = 0: the first step divides by zero
    (lambda: optimizers.momentum(momentum=1.5), "momentum"),  # the buffer grows without bound
    (lambda: optimizers.rmsprop(eps=0.0), "eps"),  # g = 0 gives 0/0
], ids=["adam-beta1", "momentum-momentum", "rmsprop-eps"])
def test_factory_hyperparameters_are_checked_before_a_run(rule, hyperparameter):
    """A rule made by the public factory with an out-of-range value is refused up front, naming it,
    not run into NaN (adam β1 = 1 ends "diverged" after one update, blaming η)."""
    with pytest.raises(ValueError, match=rf"\b{hyperparameter}\b"):
        gd.minimize(optimizer=rule(), max_iter=50)


@pytest.mark.parametrize("name", sorted(gd.OPTIMIZERS))
def test_update_does_not_mutate_its_inputs(name):
    """update() returns a new state; the old state, θ's init arrays and g are left as they were."""
    rule = gd.OPTIMIZERS[name].build()
    theta = np.array([[0.3], [-1.0]])
    lr = np.array([[0.1], [0.2]])
    state = rule.init(theta)
    for g in ([[0.5], [-2.0]], [[1.5], [0.25]]):
        g = np.array(g)
        before = [np.array(part, copy=True) for part in state]
        g_before, theta_before = g.copy(), theta.copy()
        _, new_state = rule.update(g, state, lr)
        for part, copy in zip(state, before, strict=True):
            assert np.array_equal(part, copy)
        assert np.array_equal(g, g_before) and np.array_equal(theta, theta_before)
        assert type(new_state) is type(state)
        state = new_state


@pytest.mark.parametrize("name", sorted(gd.OPTIMIZERS))
def test_state_is_shaped_like_theta(name):
    """State arrays are shaped like θ (lanes, dim) and start at zero, so dropping lanes is indexing."""
    theta = np.ones((4, 1))
    for part in optimizers.OPTIMIZERS[name].build().init(theta):
        if isinstance(part, np.ndarray):
            assert part.shape == theta.shape
            assert not part.any()


# --- on the 2-D surfaces: every rule against a plain loop and torch.optim ---------------------------------------

SURFACE_ETAS = {  # (plain descent and momentum, the adaptive rules): stable from each surface's start
    "ravine": (0.05, 0.1), "rosenbrock": (2e-4, 0.05), "himmelblau": (0.01, 0.1), "saddle": (0.1, 0.1),
    "linear_regression_2d": (0.1, 0.1), "logistic_regression_2d": (0.5, 0.1)}
STEPS = 25


def surface_eta(surface, name):
    return SURFACE_ETAS[surface][name in ("adagrad", "rmsprop", "adam")]


@pytest.mark.parametrize("name", sorted(HAND))
@pytest.mark.parametrize("surface", sorted(gd.SURFACES))
def test_every_rule_on_every_surface_is_a_plain_loop(surface, name):
    """25 updates on the surface, mini-batches of 10: the engine's θ_k against a plain-float loop with the hand
    gradient (tests/test_surfaces.py's Hand, over the same sampled batches) and tests/reference.py's torch
    formulas, one state per coordinate: every rule acts coordinate by coordinate."""
    hand, eta = Hand(surface), surface_eta(surface, name)
    result = gd.minimize(surface, eta=eta, optimizer=name, variant="minibatch", batch_size=10, epsilon=0.0,
                         max_iter=STEPS, seed=3)
    sample, rules = batches("minibatch", 64, 10, 3), (update_rule(name), update_rule(name))
    theta, expected = list(gd.SURFACES[surface].start), [tuple(gd.SURFACES[surface].start)]
    for _ in range(STEPS):
        g = hand.batch_grad(*theta, [int(i) for i in next(sample)])
        theta = [t + rule(gi, eta) for t, rule, gi in zip(theta, rules, g, strict=True)]
        expected.append(tuple(theta))
    np.testing.assert_allclose(result.history, expected, rtol=1e-10, atol=1e-12)


TORCH_RULES = {  # torch.optim's class and keywords for each rule at the engine's defaults
    "gd": ("SGD", {}), "momentum": ("SGD", {"momentum": 0.9}), "nesterov": ("SGD", {"momentum": 0.9, "nesterov": True}),
    "adagrad": ("Adagrad", {"eps": 1e-10}), "rmsprop": ("RMSprop", {"alpha": 0.99, "eps": 1e-8}),
    "adam": ("Adam", {"betas": (0.9, 0.999), "eps": 1e-8})}


def torch_loss(torch, surface, theta, batch):
    """J over the batch (all examples when None), written in torch from the issue's formulas, so autograd gives
    the gradient: the analytic surfaces plus the batch's mean offset aᵢ·θ, the regressions' mean loss."""
    rows = torch.tensor(gd.SURFACES[surface].compiled[1], dtype=torch.float64)
    first, second = (rows[0], rows[1]) if batch is None else (rows[0][batch], rows[1][batch])
    x, y = theta[0], theta[1]
    if surface == "linear_regression_2d":
        return torch.mean((x * first + y - second) ** 2)
    if surface == "logistic_regression_2d":
        return torch.mean(torch.nn.functional.softplus(-second * (x * first + y)))
    value = {"ravine": lambda: 0.5 * (5.5 * x * x + 9.0 * x * y + 5.5 * y * y),
             "rosenbrock": lambda: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
             "himmelblau": lambda: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
             "saddle": lambda: x**2 + y**4 / 4 - y**2 / 2}[surface]()
    return value if batch is None else value + torch.mean(first) * x + torch.mean(second) * y


@pytest.mark.parametrize("variant", ["batch", "sgd"])
@pytest.mark.parametrize("name", sorted(HAND))
@pytest.mark.parametrize("surface", sorted(gd.SURFACES))
def test_every_rule_on_every_surface_follows_torch_optim(surface, name, variant):
    """torch.optim itself, float64, single-tensor (foreach=False), on the surface written in torch: 25 updates on
    the full batch and on one sampled example per update (the engine's own samples) give the engine's θ_k."""
    torch = pytest.importorskip("torch")
    eta = surface_eta(surface, name)
    result = gd.minimize(surface, eta=eta, optimizer=name, variant=variant, epsilon=0.0, max_iter=STEPS, seed=5)
    theta = torch.tensor(gd.SURFACES[surface].start, dtype=torch.float64, requires_grad=True)
    kind, keywords = TORCH_RULES[name]
    optimizer = getattr(torch.optim, kind)([theta], lr=eta, foreach=False, **keywords)
    sample, trajectory = batches(variant, 64, 16, 5), [theta.detach().clone().numpy()]
    for _ in range(STEPS):
        batch = next(sample)
        optimizer.zero_grad()
        torch_loss(torch, surface, theta, None if batch is None else torch.as_tensor(batch)).backward()
        optimizer.step()
        trajectory.append(theta.detach().clone().numpy())
    np.testing.assert_allclose(result.history, trajectory, rtol=1e-9, atol=1e-12)
