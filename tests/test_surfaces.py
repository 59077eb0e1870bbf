"""The 2-D surfaces: hand formulas, finite differences, data-set sums, minima and saddles, and runs on them.

Each surface's J, ∇J and ∇²J are written out here in plain Python floats from the issue's formulas; the data sets
are the ones each surface declares (Objective.compiled's rows: the offsets aᵢ of an analytic surface, the inputs
and targets of a regression), and the value test checks the engine's J against these formulas on that data.
"""

import math

import numpy as np
import pytest

import gd
from gd.params import ParameterError

NAMES = ["ravine", "rosenbrock", "himmelblau", "saddle", "linear_regression_2d", "logistic_regression_2d"]
ANALYTIC = NAMES[:4]
N = 64


def _sigmoid(z):
    return 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))


def _softplus(z):
    return max(z, 0.0) + math.log1p(math.exp(-abs(z)))


# J, ∇J, ∇²J = ((xx, xy), (xy, yy)) of the analytic surfaces, from the issue's formulas
HAND = {
    "ravine": (lambda x, y: 0.5 * (5.5 * x * x + 2 * 4.5 * x * y + 5.5 * y * y),
               lambda x, y: (5.5 * x + 4.5 * y, 4.5 * x + 5.5 * y),
               lambda x, y: ((5.5, 4.5), (4.5, 5.5))),
    "rosenbrock": (lambda x, y: (1 - x) ** 2 + 100 * (y - x**2) ** 2,
                   lambda x, y: (-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)),
                   lambda x, y: ((2 - 400 * (y - x**2) + 800 * x**2, -400 * x), (-400 * x, 200.0))),
    "himmelblau": (lambda x, y: (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2,
                   lambda x, y: (4 * x * (x**2 + y - 11) + 2 * (x + y**2 - 7),
                                 2 * (x**2 + y - 11) + 4 * y * (x + y**2 - 7)),
                   lambda x, y: ((12 * x**2 + 4 * y - 42, 4 * x + 4 * y), (4 * x + 4 * y, 4 * x + 12 * y**2 - 26))),
    "saddle": (lambda x, y: x**2 + y**4 / 4 - y**2 / 2,
               lambda x, y: (2 * x, y**3 - y),
               lambda x, y: ((2.0, 0.0), (0.0, 3 * y**2 - 1))),
}


class Hand:
    """One surface by hand in Python floats: J, the gradient of example i, the full gradient and the Hessian."""

    def __init__(self, name):
        self.name = name
        rows = gd.SURFACES[name].compiled[1]
        self.first, self.second = [float(v) for v in rows[0]], [float(v) for v in rows[1]]

    def value(self, x, y):
        if self.name in HAND:
            return HAND[self.name][0](x, y)
        if self.name == "linear_regression_2d":
            return sum((x * u + y - t) ** 2 for u, t in zip(self.first, self.second, strict=True)) / N
        return sum(_softplus(-s * (x * u + y)) for u, s in zip(self.first, self.second, strict=True)) / N

    def example_grad(self, x, y, i):
        if self.name in HAND:  # jᵢ = J + aᵢ·θ
            gx, gy = HAND[self.name][1](x, y)
            return gx + self.first[i], gy + self.second[i]
        u, t = self.first[i], self.second[i]
        if self.name == "linear_regression_2d":
            r = x * u + y - t
            return 2 * r * u, 2 * r
        q = _sigmoid(-t * (x * u + y))
        return -t * u * q, -t * q

    def grad(self, x, y):
        if self.name in HAND:
            return HAND[self.name][1](x, y)
        return self.batch_grad(x, y, range(N))

    def batch_grad(self, x, y, indices):
        parts = [self.example_grad(x, y, i) for i in indices]
        return sum(p[0] for p in parts) / len(parts), sum(p[1] for p in parts) / len(parts)

    def hessian(self, x, y):
        if self.name in HAND:
            return HAND[self.name][2](x, y)
        if self.name == "linear_regression_2d":
            mean_x = sum(self.first) / N
            return ((2 * sum(u * u for u in self.first) / N, 2 * mean_x), (2 * mean_x, 2.0))
        weights = [_sigmoid(x * u + y) * _sigmoid(-(x * u + y)) for u in self.first]
        xx = sum(w * u * u for w, u in zip(weights, self.first, strict=True)) / N
        xy = sum(w * u for w, u in zip(weights, self.first, strict=True)) / N
        return ((xx, xy), (xy, sum(weights) / N))


def points(surface, count=7):
    """A grid over the surface's bounds, off the round numbers and the stationary points."""
    (x0, x1), (y0, y1) = surface.bounds
    xs, ys = np.linspace(x0, x1, count) + 0.0123, np.linspace(y0, y1, count) - 0.0071
    return np.array([(x, y) for x in xs for y in ys])


def test_the_six_surfaces_and_their_formulas():
    assert list(gd.SURFACES) == NAMES
    for surface in gd.SURFACES.values():
        assert surface.dim == 2 and len(surface.bounds) == 2 and surface.latex.startswith("J(")
        assert surface.plot_range == (min(b[0] for b in surface.bounds), max(b[1] for b in surface.bounds))
    assert not set(gd.SURFACES) & set(gd.OBJECTIVES)  # the page's 1-D list is unchanged
    assert list(gd.problems()) == list(gd.OBJECTIVES) + NAMES


@pytest.mark.parametrize("name", NAMES)
def test_value_gradient_and_hessian_are_the_hand_formulas(name):
    surface, hand = gd.SURFACES[name], Hand(name)
    theta = points(surface)
    np.testing.assert_allclose(surface.value(theta), [hand.value(*p) for p in theta], rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(surface.grad(theta), [hand.grad(*p) for p in theta], rtol=1e-12, atol=1e-10)
    np.testing.assert_allclose(surface.hessian(theta), [hand.hessian(*p) for p in theta], rtol=1e-12, atol=1e-10)
    np.testing.assert_allclose(surface.curvature(theta), [np.linalg.eigvalsh(hand.hessian(*p))[-1] for p in theta],
                               rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("name", NAMES)
def test_gradient_and_hessian_against_central_differences(name):
    """∇J from differences of J, ∇²J from differences of the engine's ∇J (h = 1e-5)."""
    surface, h = gd.SURFACES[name], 1e-5
    theta = points(surface, 5)
    for axis in range(2):
        shift = np.zeros(2)
        shift[axis] = h
        slope = (surface.value(theta + shift) - surface.value(theta - shift)) / (2 * h)
        scale = np.abs(surface.grad(theta)).max()
        np.testing.assert_allclose(surface.grad(theta)[:, axis], slope, rtol=1e-6, atol=1e-7 * scale)
        bend = (surface.grad(theta + shift) - surface.grad(theta - shift)) / (2 * h)
        np.testing.assert_allclose(surface.hessian(theta)[:, axis, :], bend, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_batch_grad_is_the_mean_of_the_examples_gradients(name):
    """Over a batch shared by every lane, or one batch per lane, the mean of the hand per-example gradients; over
    all 64 the full gradient; over the parts of an epoch, weighted by size, the full gradient too."""
    surface, hand = gd.SURFACES[name], Hand(name)
    theta = points(surface, 3)
    rng = np.random.default_rng(4)
    for size in (1, 5, 16, 64):
        shared = rng.choice(N, size, replace=False)
        np.testing.assert_allclose(surface.batch_grad(theta, shared),
                                   [hand.batch_grad(*p, shared) for p in theta], rtol=1e-11, atol=1e-11)
        rows = np.stack([rng.choice(N, size, replace=False) for _ in theta])
        np.testing.assert_allclose(surface.batch_grad(theta, rows),
                                   [hand.batch_grad(*p, row) for p, row in zip(theta, rows, strict=True)],
                                   rtol=1e-11, atol=1e-11)
    np.testing.assert_allclose(surface.batch_grad(theta, np.arange(N)), surface.grad(theta), rtol=1e-12, atol=1e-12)
    parts = np.array_split(rng.permutation(N), 7)
    total = sum(len(part) * surface.batch_grad(theta, part) for part in parts) / N
    np.testing.assert_allclose(total, [hand.grad(*p) for p in theta], rtol=1e-11, atol=1e-11)


@pytest.mark.parametrize("name", ANALYTIC)
def test_analytic_examples_add_antithetic_offsets(name):
    """jᵢ's gradient is ∇J + aᵢ with ∇J by hand: aᵢ is the same at every θ, the aᵢ come in pairs (+a, −a) on both
    axes (so they sum to zero and batch descent is descent on the plain surface), and they are not all zero."""
    surface = gd.SURFACES[name]
    theta = points(surface, 3)
    offsets = np.array([[surface.batch_grad(theta[k:k + 1], np.array([i]))[0] - HAND[name][1](*theta[k])
                         for i in range(N)] for k in range(len(theta))])
    np.testing.assert_allclose(offsets, np.broadcast_to(offsets[0], offsets.shape), rtol=0, atol=1e-9)
    np.testing.assert_allclose(offsets[0, :32], -offsets[0, 32:], rtol=0, atol=1e-9)
    assert np.std(offsets[0], axis=0).min() > 0.1


@pytest.mark.parametrize("name", NAMES)
def test_batch_descent_follows_the_plain_surface(name):
    """Plain descent on the full batch is the loop θ ← θ − η∇J with the hand ∇J, in Python floats: the data's
    noise cancels exactly."""
    surface, hand = gd.SURFACES[name], Hand(name)
    eta = {"ravine": 0.05, "rosenbrock": 1e-3, "himmelblau": 0.01, "saddle": 0.1}.get(name, 0.2)
    result = gd.minimize(name, eta=eta, max_iter=40, epsilon=0.0)
    x, y = surface.start
    expected = [(x, y)]
    for _ in range(40):
        gx, gy = hand.grad(x, y)
        x, y = x - eta * gx, y - eta * gy
        expected.append((x, y))
    np.testing.assert_allclose(result.history, expected, rtol=1e-11, atol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_minimizers_and_saddles_are_stationary_of_their_kind(name):
    """By the hand formulas: ∇J = 0 at each listed point; the Hessian positive definite at a minimizer, indefinite
    at a saddle; every point inside the bounds; minimizers deepest first, J* their lowest value."""
    surface, hand = gd.SURFACES[name], Hand(name)
    (x0, x1), (y0, y1) = surface.bounds
    for point, kind in [(p, "min") for p in surface.minimizers] + [(p, "saddle") for p in surface.saddles]:
        assert x0 < point[0] < x1 and y0 < point[1] < y1
        assert math.hypot(*hand.grad(*point)) < 1e-10
        low, high = np.linalg.eigvalsh(hand.hessian(*point))
        assert (low > 0) if kind == "min" else (low < 0 < high)
    values = [hand.value(*point) for point in surface.minimizers]
    assert all(a <= b + 1e-12 for a, b in zip(values, values[1:], strict=False))
    assert surface.min_value == pytest.approx(values[0], abs=1e-12)
    assert surface.points.shape == (len(surface.minimizers), 2)


@pytest.mark.parametrize("name", NAMES)
def test_nothing_on_the_bounds_is_below_the_deepest_minimum(name):
    surface = gd.SURFACES[name]
    (x0, x1), (y0, y1) = surface.bounds
    grid = np.stack(np.meshgrid(np.linspace(x0, x1, 301), np.linspace(y0, y1, 301)), axis=-1).reshape(-1, 2)
    assert surface.value(grid).min() >= surface.min_value - 1e-12


def test_the_issues_minima():
    """ravine (0, 0); rosenbrock (1, 1); himmelblau four minima, all J = 0; saddle: a saddle at the origin and
    minima at (0, ±1), J* = −1/4."""
    assert gd.SURFACES["ravine"].minimizers == ((0.0, 0.0),)
    assert gd.SURFACES["rosenbrock"].minimizers == ((1.0, 1.0),)
    himmelblau = gd.SURFACES["himmelblau"]
    assert himmelblau.minimizers[0] == (3.0, 2.0) and len(himmelblau.minimizers) == 4
    assert np.abs(himmelblau.value(himmelblau.points)).max() < 1e-20
    assert len(himmelblau.saddles) == 4
    saddle = gd.SURFACES["saddle"]
    assert set(saddle.minimizers) == {(0.0, 1.0), (0.0, -1.0)} and saddle.saddles == ((0.0, 0.0),)
    assert saddle.min_value == -0.25


def test_himmelblaus_minima_are_all_of_them():
    """Descent from a grid of starts over the bounds ends at one of the four listed minima (or, from a start on a
    ridge, a listed saddle), and each minimum is reached from somewhere."""
    surface = gd.SURFACES["himmelblau"]
    reached = set()
    for start in points(surface, 6):
        result = gd.minimize("himmelblau", eta=0.005, theta0=tuple(start), stop="grad_norm", epsilon=1e-9,
                             max_iter=20_000)
        assert result.status == "converged"
        distances = [math.dist(result.theta, p) for p in surface.minimizers + surface.saddles]
        assert min(distances) < 1e-6
        reached.add(int(np.argmin(distances)))
    assert set(range(4)) <= reached


def test_ravine_is_the_issues_matrix():
    """A = [[5.5, 4.5], [4.5, 5.5]]: eigenvalues 1 and 10, eigenvectors at 45°, κ = 10, L = 10."""
    ravine = gd.SURFACES["ravine"]
    hessian = ravine.hessian(np.array([[0.3, -2.0]]))[0]
    assert hessian.tolist() == [[5.5, 4.5], [4.5, 5.5]]
    assert np.allclose(hessian @ [1, 1], [10, 10]) and np.allclose(hessian @ [1, -1], [1, -1])
    assert ravine.smoothness == 10.0 and ravine.quadratic



@pytest.mark.parametrize("name", ["ravine", "linear_regression_2d", "logistic_regression_2d"])
def test_smoothness_is_the_largest_curvature(name):
    """L bounds the Hessian's largest eigenvalue on the bounds and is reached (at every θ for the quadratics, at
    the logit z = 0 for logistic regression: L = λmax(mean x̃x̃ᵀ)/4)."""
    surface, hand = gd.SURFACES[name], Hand(name)
    grid = points(surface, 15)
    assert surface.curvature(grid).max() <= surface.smoothness * (1 + 1e-12)
    if name == "logistic_regression_2d":
        inputs = np.array([hand.first, [1.0] * N])
        assert surface.smoothness == pytest.approx(np.linalg.eigvalsh(inputs @ inputs.T / N)[-1] / 4, rel=1e-12)
    else:
        assert surface.curvature(grid).min() == pytest.approx(surface.smoothness, rel=1e-12)
    assert [n for n in NAMES if gd.SURFACES[n].smoothness is not None] == [
        "ravine", "linear_regression_2d", "logistic_regression_2d"]


def test_linear_regression_2d_minimizer_is_least_squares():
    """(w, b) from numpy's least squares on the data set."""
    hand = Hand("linear_regression_2d")
    design = np.stack([hand.first, np.ones(N)], axis=1)
    solution = np.linalg.lstsq(design, np.array(hand.second), rcond=None)[0]
    np.testing.assert_allclose(gd.SURFACES["linear_regression_2d"].minimizers[0], solution, rtol=1e-12)


# --- runs on the surfaces --------------------------------------------------------------------------------------

def test_a_2d_result_is_arrays():
    result = gd.minimize("ravine", eta=0.1, max_iter=50)
    assert isinstance(result.theta, np.ndarray) and result.theta.shape == (2,)
    assert isinstance(result.grad, np.ndarray) and result.grad.shape == (2,)
    assert result.history.shape == (result.iterations + 1, 2)
    assert result.history[0].tolist() == [2.5, -1.0]  # the ravine's start, by default
    assert isinstance(gd.minimize(max_iter=5).theta, float)  # 1-D unchanged


@pytest.mark.parametrize(("objective", "theta0"), [
    ("ravine", 1.0), ("ravine", (1.0,)), ("ravine", (1.0, 2.0, 3.0)), ("ravine", (1.0, math.nan)),
    ("ravine", "1, 2"), ("ravine", None), ("ravine", (1.0, True)), ("quadratic", (1.0, 2.0)),
    ("quadratic", np.array([1.0, 2.0]))])
def test_theta0_must_fit_the_dimension(objective, theta0):
    """A number for a 1-D objective, a pair for a 2-D one; else a ParameterError naming theta0 and the form."""
    with pytest.raises(ParameterError) as refused:
        gd.Settings(objective, theta0=theta0)
    assert refused.value.name == "theta0"
    assert ("pair" in refused.value.accepted) == (objective == "ravine")


@pytest.mark.parametrize("theta0", [(1, 2), [1.0, 2.0], np.array([1.0, 2.0]), (np.float64(1), np.int64(2))])
def test_theta0_pairs_are_accepted_in_any_form(theta0):
    settings = gd.Settings("ravine", theta0=theta0)
    assert settings.theta0 == (1.0, 2.0) and settings == gd.Settings("ravine", theta0=(1.0, 2.0))


def test_ravine_stability_limit():
    """2/λmax = 0.2: just below, descent converges; just above, it diverges (the steep direction grows)."""
    below, above = gd.compare([0.199, 0.201], "ravine", max_iter=20_000)
    assert below.status == "converged" and np.linalg.norm(below.theta) < 1e-3
    assert above.status == "diverged"


def test_rosenbrock_is_reached_from_the_classic_start():
    """Plain descent from (−1.5, 2) down the curved valley to (1, 1), within the page's 100,000 updates."""
    result = gd.minimize("rosenbrock", eta=1e-3, theta0=(-1.5, 2.0), stop="grad_norm", epsilon=1e-6,
                         max_iter=100_000)
    assert result.status == "converged"
    assert math.dist(result.theta, (1.0, 1.0)) < 1e-4


def test_the_saddle_traps_batch_descent_and_noise_escapes():
    """From (1.5, 0) the full gradient has no y component ever, so batch descent ends on the saddle point; one
    sampled example per update adds noise on y, and descent leaves the line for a minimum at (0, ±1)."""
    stuck = gd.minimize("saddle", eta=0.1, theta0=(1.5, 0.0), stop="grad_norm", epsilon=1e-9)
    assert stuck.status == "converged" and np.all(stuck.history[:, 1] == 0.0)
    assert math.hypot(*stuck.theta) < 1e-8
    for seed in range(5):
        free = gd.minimize("saddle", eta=0.05, theta0=(1.5, 0.0), variant="sgd", seed=seed, epsilon=0.0,
                           max_iter=2_000)
        assert abs(abs(free.theta[1]) - 1) < 0.2 and abs(free.theta[0]) < 0.3


def test_stopping_rules_measure_vectors_by_their_norm():
    """grad_norm and step_size fire on the Euclidean norm, as a plain loop on the ravine measures it."""
    for stop in ("grad_norm", "step_size"):
        result = gd.minimize("ravine", eta=0.05, stop=stop, epsilon=1e-6)
        x, y, k = 2.5, -1.0, 0
        while True:
            gx, gy = 5.5 * x + 4.5 * y, 4.5 * x + 5.5 * y
            x, y, k = x - 0.05 * gx, y - 0.05 * gy, k + 1
            measure = math.hypot(5.5 * x + 4.5 * y, 4.5 * x + 5.5 * y) if stop == "grad_norm" else 0.05 * math.hypot(
                gx, gy)
            if measure < 1e-6:
                break
        assert result.iterations == k, stop


def test_divergence_is_measured_by_the_norm():
    """The bound is 1e8 · max(1, ‖θ₀‖, the bounds' ends); a run past it in norm is diverged."""
    assert gd.stopping.divergence_bound((3.0, 4.0), ((-1.0, 1.0), (-2.0, 2.0))) == 5e8
    assert gd.stopping.divergence_bound((0.0, 0.0), ((-1.0, 1.0), (-7.0, 2.0))) == 7e8
    theta = np.array([[3e8, 4e8], [3e8, 3e8]])
    assert gd.stopping.diverged(theta, np.zeros(2), 4.9e8).tolist() == [True, False]


@pytest.mark.parametrize("name", NAMES)
def test_compare_lanes_are_minimize(name):
    """compare(etas)[i] is minimize(eta=etas[i]) bit for bit on the surfaces too (each lane as if alone)."""
    etas = [1e-4, 1e-3, 0.01]
    for eta, result in zip(etas, gd.compare(etas, name, max_iter=300, variant="minibatch", optimizer="adam"),
                           strict=True):
        alone = gd.minimize(name, eta=eta, max_iter=300, variant="minibatch", optimizer="adam")
        assert result.history.tobytes() == alone.history.tobytes() and result.status == alone.status
