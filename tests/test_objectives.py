"""Objectives: gradients against finite differences, batches against the full sum, minima, L, shapes."""

import numpy as np
import pytest
import reference

import gd

NAMES = sorted(gd.OBJECTIVES)


def column(values):
    """θ as the engine wants it: shape (lanes, dim) with dim = 1."""
    return np.asarray(values, dtype=float).reshape(-1, 1)


def J(objective, theta):
    return objective.value(column([theta]))[0]


def dJ(objective, theta):
    return objective.grad(column([theta]))[0, 0]


def sample_points(objective, count=9):
    low, high = objective.plot_range
    return np.linspace(low, high, count) + 0.0123  # off the grid of round numbers and the minimizers


@pytest.mark.parametrize("name", NAMES)
def test_grad_matches_central_difference(name):
    """dJ/dθ equals (J(θ + h) − J(θ − h)) / 2h at points across the plot range."""
    objective, h = gd.OBJECTIVES[name], 1e-5
    points = sample_points(objective)
    differences = [(J(objective, p + h) - J(objective, p - h)) / (2 * h) for p in points]
    np.testing.assert_allclose(objective.grad(column(points))[:, 0], differences, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", NAMES)
def test_arrays_are_lanes_by_dim(name):
    """(lanes, dim) in, (lanes,) values and (lanes, dim) gradients out; each lane as if alone."""
    objective = gd.OBJECTIVES[name]
    assert objective.dim == 1
    points = sample_points(objective, 5)
    theta = column(points)
    values, grads = objective.value(theta), objective.grad(theta)
    batch = objective.batch_grad(theta, np.array([3, 17, 40]))
    assert values.shape == (5,) and grads.shape == (5, 1) and batch.shape == (5, 1)
    for lane, point in enumerate(points):
        alone = column([point])
        assert values[lane] == objective.value(alone)[0]
        assert grads[lane, 0] == objective.grad(alone)[0, 0]
        assert batch[lane, 0] == objective.batch_grad(alone, np.array([3, 17, 40]))[0, 0]


def grid(objective, count=201):
    """A fine grid of the plot range, off the round numbers, with the range's middle and 0 if drawn."""
    low, high = objective.plot_range
    points = np.linspace(low, high, count) + 0.0123
    return np.concatenate([points[points < high], [0.0] if low < 0 < high else []])


@pytest.mark.parametrize("name", NAMES)
def test_value_grad_and_curvature_are_the_hand_formulas(name):
    """J, ∇J and J'' equal the hand formulas of tests/reference.py (for the regressions: means over the 64
    examples recovered there), to 1e-12, across the plot range. This also checks that the recovered data are the
    engine's: J is computed from them by hand and compared with the engine's value()."""
    objective, hand = gd.OBJECTIVES[name], reference.problem(name)
    points = grid(objective, 41)
    for compute, formula in ((objective.value, hand.value), (lambda t: objective.grad(t)[:, 0], hand.grad),
                             (objective.curvature, hand.curvature)):
        np.testing.assert_allclose(compute(column(points)), [formula(p) for p in points], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_batch_grad_is_the_mean_of_the_examples_gradients(name):
    """batch_grad over any batch, shared by every lane (1-D indices) or one row per lane (2-D), is the mean of the
    examples' gradients written by hand; over all 64 it is the full gradient J'."""
    objective, hand = gd.OBJECTIVES[name], reference.problem(name)
    points = grid(objective, 5)
    rng = np.random.default_rng(8)
    for size in (1, 3, 10, 64):
        shared = rng.choice(64, size, replace=False)
        expected = [[np.mean([hand.example_grad(p, i) for i in shared])] for p in points]
        np.testing.assert_allclose(objective.batch_grad(column(points), shared), expected, rtol=1e-12, atol=1e-12)
        rows = np.stack([rng.choice(64, size, replace=False) for _ in points])
        expected = [[np.mean([hand.example_grad(p, i) for i in row])] for p, row in zip(points, rows, strict=True)]
        np.testing.assert_allclose(objective.batch_grad(column(points), rows), expected, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(objective.batch_grad(column(points), np.arange(64))[:, 0],
                               [hand.grad(p) for p in points], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", ["quadratic", "double_well", "quartic"])
def test_curve_examples_add_antithetic_offsets(name):
    """jᵢ'(θ) = J'(θ) + aᵢ with J' by hand: the offset aᵢ is the same at every θ, the aᵢ come in pairs (+a, −a),
    and they are not all zero, so one example's gradient is noisy and the noise averages out over the data."""
    objective = gd.OBJECTIVES[name]
    slope = reference.CURVES[name][1]
    offsets = np.array([[objective.batch_grad(column([t]), np.array([i]))[0, 0] - slope(t) for i in range(64)]
                        for t in (-1.0, 0.0, 0.7, 3.0)])
    np.testing.assert_allclose(offsets, np.broadcast_to(offsets[1], offsets.shape), rtol=0, atol=1e-12)
    np.testing.assert_allclose(offsets[1, :32], -offsets[1, 32:], rtol=0, atol=1e-12)
    assert np.std(offsets[1]) > 0.1


@pytest.mark.parametrize("name", ["linear_regression", "logistic_regression"])
def test_regression_examples_differ(name):
    """Each example's gradient is its own: at θ = 0 they are spread, and their mean is J'(0)."""
    objective = gd.OBJECTIVES[name]
    singles = np.array([objective.batch_grad(column([0.0]), np.array([i]))[0, 0] for i in range(64)])
    assert np.std(singles) > 0.1
    assert np.mean(singles) == pytest.approx(reference.problem(name).grad(0.0), rel=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_curvature_is_the_derivative_of_the_gradient(name):
    """J'' against a central difference of the engine's own ∇J."""
    objective, h = gd.OBJECTIVES[name], 1e-5
    points = grid(objective, 21)
    differences = (objective.grad(column(points + h)) - objective.grad(column(points - h)))[:, 0] / (2 * h)
    np.testing.assert_allclose(objective.curvature(column(points)), differences, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("size", [1, 8, 10, 16, 64])
@pytest.mark.parametrize("name", NAMES)
def test_batch_grads_over_an_epoch_average_to_grad(name, size):
    """J is a finite sum: the size-weighted mean of batch gradients over a partition of the data is ∇J (by hand)."""
    objective, hand = gd.OBJECTIVES[name], reference.problem(name)
    points = grid(objective, 9)
    order = np.random.default_rng(size).permutation(64)
    parts = [order[start:start + size] for start in range(0, 64, size)]
    total = sum(len(part) * objective.batch_grad(column(points), part) for part in parts) / 64
    np.testing.assert_allclose(total[:, 0], [hand.grad(p) for p in points], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_minimizers_are_every_local_minimum_deepest_first(name):
    """By the hand formulas: each listed minimizer has J' ≈ 0 and J'' > 0 there and lies on the drawn range; J'
    changes sign from − to + exactly once per listed minimizer on a fine grid of the range (none is missing);
    and they are listed deepest first."""
    objective, hand = gd.OBJECTIVES[name], reference.problem(name)
    low, high = objective.plot_range
    assert len(objective.minimizers) >= 1
    for point in objective.minimizers:
        assert low < point < high
        assert abs(hand.grad(point)) < 1e-12
        assert hand.curvature(point) > 0 or name == "quartic"  # (θ − 1)⁴ is flat at its bottom: J'' = 0
        for offset in (1e-3, -1e-3):
            assert hand.value(point + offset) > hand.value(point)
    slopes = np.sign([hand.grad(t) for t in np.linspace(low, high, 2001) + 1e-4])  # off the minimizers
    assert np.count_nonzero((slopes[:-1] < 0) & (slopes[1:] > 0)) == len(objective.minimizers)
    values = [hand.value(point) for point in objective.minimizers]
    assert values == sorted(values)
    assert objective.min_value == pytest.approx(values[0], rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_no_point_on_the_range_is_lower_than_the_deepest_minimum(name):
    """On a fine grid of the plot range, nothing is below J at minimizers[0]."""
    objective = gd.OBJECTIVES[name]
    grid = np.linspace(*objective.plot_range, 2001)
    assert objective.value(column(grid)).min() >= objective.min_value - 1e-12


SMOOTH = ["linear_regression", "logistic_regression", "quadratic"]  # the objectives that claim a global L


def test_smoothness_is_given_where_it_exists():
    assert [name for name in NAMES if gd.OBJECTIVES[name].smoothness is not None] == SMOOTH


@pytest.mark.parametrize("name", SMOOTH)
def test_smoothness_bounds_the_curvature(name):
    """Where L is given, |J''| ≤ L on the plot range (second difference of J with h = 1e-3, and the hand J'')."""
    objective, h = gd.OBJECTIVES[name], 1e-3
    points = grid(objective, 401)
    second = (objective.value(column(points + h)) - 2 * objective.value(column(points))
              + objective.value(column(points - h))) / (h * h)
    assert np.max(np.abs(second)) <= objective.smoothness * (1 + 1e-6) + 1e-5
    hand = reference.problem(name)
    assert max(abs(hand.curvature(t)) for t in points) <= objective.smoothness * (1 + 1e-12)


@pytest.mark.parametrize(("name", "tight"), [
    ("quadratic", lambda hand: 2.0),  # J'' = 2 everywhere
    ("linear_regression", lambda hand: 2 * sum(x * x for x in hand.x) / 64),  # J'' = 2·mean(x²) everywhere
    ("logistic_regression", lambda hand: sum(u * u for u in hand.u) / 64 / 4),  # J''(0) = mean(x²)·σ(0)(1 − σ(0))
])
def test_smoothness_is_tight(name, tight):
    """L is not only an upper bound: it is the hand formula's value, and J'' reaches it on the range (at every θ
    for the parabolas, at w = 0 for logistic regression, where p(1 − p) = 1/4 is largest)."""
    objective, hand = gd.OBJECTIVES[name], reference.problem(name)
    assert objective.smoothness == pytest.approx(tight(hand), rel=1e-12)
    points = grid(objective, 401)
    assert max(hand.curvature(t) for t in points) == pytest.approx(objective.smoothness, rel=1e-12)
    assert max(objective.curvature(column(points))) == pytest.approx(objective.smoothness, rel=1e-12)


@pytest.mark.parametrize("name", ["double_well", "quartic"])
def test_no_smoothness_where_curvature_is_unbounded(name):
    """J'' grows like θ² far out, so no global L exists and none is claimed."""
    objective = gd.OBJECTIVES[name]
    assert objective.smoothness is None
    far = [(J(objective, t + 1e-2) - 2 * J(objective, t) + J(objective, t - 1e-2)) / 1e-4 for t in (10.0, 100.0)]
    assert far[1] > 50 * far[0] > 0


def fitted_parabola(objective):
    """J is exactly quadratic in θ for least squares: a, b, c of aθ² + bθ + c from three values."""
    left, middle, right = (J(objective, t) for t in (-1.0, 0.0, 1.0))
    return (left + right - 2 * middle) / 2, (right - left) / 2, middle


def test_linear_regression_minimizer_and_L_from_its_parabola():
    """MSE in one slope is a parabola: its vertex −b/2a is the minimizer and its J'' = 2a is L."""
    objective = gd.OBJECTIVES["linear_regression"]
    a, b, _ = fitted_parabola(objective)
    assert objective.minimizers[0] == pytest.approx(-b / (2 * a), rel=1e-9)
    assert objective.smoothness == pytest.approx(2 * a, rel=1e-9)


def test_quadratic_is_the_articles_curve_exactly():
    """J(θ) = (θ − 2.5)² − 1 and dJ = 2(θ − 2.5), bit for bit, on the article's grid and beyond."""
    objective = gd.OBJECTIVES["quadratic"]
    theta = np.concatenate([np.linspace(-1, 6, 141), [0.0, 2.5, 5.0, -1e6, 3.7e8]])
    assert np.array_equal(objective.value(column(theta)), (theta - 2.5) * (theta - 2.5) - 1)
    assert np.array_equal(objective.grad(column(theta))[:, 0], 2 * (theta - 2.5))
    assert objective.minimizers == (2.5,)
    assert objective.min_value == -1.0
    assert objective.smoothness == 2.0
    assert objective.plot_range == (-1.0, 6.0)


def test_quadratic_examples_are_parabolas_around_shifted_centres():
    """jᵢ(θ) = (θ − xᵢ)² + cᵢ: each example's gradient is 2(θ − xᵢ), a line of slope 2 in θ."""
    objective = gd.OBJECTIVES["quadratic"]
    for i in (0, 31, 32, 63):
        at = [objective.batch_grad(column([t]), np.array([i]))[0, 0] for t in (0.0, 1.0, 4.0)]
        assert at[1] - at[0] == pytest.approx(2.0, abs=1e-12)
        assert at[2] - at[1] == pytest.approx(6.0, abs=1e-12)


def bisect(f, low, high):
    for _ in range(200):
        middle = (low + high) / 2
        if (f(low) < 0) == (f(middle) < 0):
            low = middle
        else:
            high = middle
    return (low + high) / 2


def test_double_well_has_two_minima_of_different_depth():
    """J' = θ³ − 2θ + 0.3 has its minima near ±√2; found by bisection, they match, and differ in J."""
    objective = gd.OBJECTIVES["double_well"]
    assert len(objective.minimizers) == 2

    def derivative(t):
        return t**3 - 2 * t + 0.3

    left = bisect(derivative, -2.0, -0.9)
    right = bisect(derivative, 0.9, 2.0)
    assert sorted(objective.minimizers) == [pytest.approx(left, abs=1e-12), pytest.approx(right, abs=1e-12)]
    assert objective.minimizers[0] == pytest.approx(left, abs=1e-12)  # +0.3θ makes the left valley deeper
    depth = [t**4 / 4 - t**2 + 0.3 * t for t in (left, right)]
    assert depth[1] - depth[0] > 0.5
    assert J(objective, left) == pytest.approx(depth[0], abs=1e-12)


def test_double_well_start_decides_the_valley():
    """Batch descent from either side of the hump ends in the valley on that side."""
    objective = gd.OBJECTIVES["double_well"]
    for start, valley in ((-0.5, min(objective.minimizers)), (0.5, max(objective.minimizers))):
        result = gd.minimize("double_well", eta=0.05, theta0=start)
        assert result.status == "converged"
        assert result.theta == pytest.approx(valley, abs=1e-3)


def test_quartic_is_flat_at_the_bottom():
    """J = (θ − 1)⁴ with J'' = 0 at θ = 1: the minimizer is 1 and descent is slow there."""
    objective = gd.OBJECTIVES["quartic"]
    assert objective.minimizers == (1.0,)
    assert J(objective, 3.0) == 16.0 and dJ(objective, 3.0) == 32.0
    assert J(objective, -1.0) == 16.0 and dJ(objective, -1.0) == -32.0


def test_logistic_regression_grad_is_bounded_and_convex():
    """Cross-entropy in one weight: convex (J'' ≥ 0) and |J'| ≤ mean |xᵢ|, so even huge w are finite."""
    objective = gd.OBJECTIVES["logistic_regression"]
    grid = np.linspace(-50, 50, 1001)
    grads = objective.grad(column(grid))[:, 0]
    assert np.all(np.diff(grads) >= -1e-12)
    assert np.all(np.isfinite(objective.value(column([1e300, -1e300]))))
    assert np.all(np.abs(grads) < 10)


def test_the_five_objectives_and_their_formulas():
    assert NAMES == ["double_well", "linear_regression", "logistic_regression", "quadratic", "quartic"]
    for objective in gd.OBJECTIVES.values():
        assert objective.latex.startswith("J(")
