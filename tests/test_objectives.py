"""Objectives: gradients against finite differences, batches against the full sum, minima, L, shapes."""

import numpy as np
import pytest

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


@pytest.mark.parametrize("name", NAMES)
def test_batch_grad_over_every_example_is_grad(name):
    """The mean gradient over all 64 examples is the full gradient."""
    objective = gd.OBJECTIVES[name]
    assert objective.n_examples == 64
    theta = column(sample_points(objective))
    np.testing.assert_allclose(objective.batch_grad(theta, np.arange(64)), objective.grad(theta), rtol=0, atol=1e-12)


@pytest.mark.parametrize("size", [1, 8, 10, 16, 64])
@pytest.mark.parametrize("name", NAMES)
def test_batch_grads_over_an_epoch_average_to_grad(name, size):
    """J is a finite sum: the size-weighted mean of batch gradients over a partition of the data is ∇J."""
    objective = gd.OBJECTIVES[name]
    theta = column(sample_points(objective))
    order = np.random.default_rng(size).permutation(64)
    parts = [order[start:start + size] for start in range(0, 64, size)]
    total = sum(len(part) * objective.batch_grad(theta, part) for part in parts) / 64
    np.testing.assert_allclose(total, objective.grad(theta), rtol=0, atol=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_single_examples_are_noisy(name):
    """One example's gradient differs from the full one: sampling adds noise that averages out."""
    objective = gd.OBJECTIVES[name]
    theta = column([objective.plot_range[0] + 0.3])
    singles = np.array([objective.batch_grad(theta, np.array([i]))[0, 0] for i in range(64)])
    assert np.std(singles) > 1e-3
    assert np.mean(singles) == pytest.approx(objective.grad(theta)[0, 0], abs=1e-12)


@pytest.mark.parametrize("name", NAMES)
def test_minimizers_are_stationary_local_minima_in_range(name):
    """Each listed minimizer has |∇J| < 1e-9, lies on the drawn range, is lower than its neighbours,
    and they are listed deepest first."""
    objective = gd.OBJECTIVES[name]
    low, high = objective.plot_range
    assert len(objective.minimizers) >= 1
    for point in objective.minimizers:
        assert low < point < high
        assert abs(dJ(objective, point)) < 1e-9
        for offset in (1e-3, -1e-3):
            assert J(objective, point + offset) > J(objective, point)
    values = [J(objective, point) for point in objective.minimizers]
    assert values == sorted(values)
    assert objective.min_value == values[0]


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
    """Where L is given, |J''| ≤ L on the plot range (second difference with h = 1e-3)."""
    objective, h = gd.OBJECTIVES[name], 1e-3
    grid = np.linspace(*objective.plot_range, 401)
    second = (objective.value(column(grid + h)) - 2 * objective.value(column(grid))
              + objective.value(column(grid - h))) / (h * h)
    assert np.max(np.abs(second)) <= objective.smoothness * (1 + 1e-6) + 1e-5


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


def test_every_objective_has_its_name_and_formula():
    for name, objective in gd.OBJECTIVES.items():
        assert objective.name == name
        assert objective.latex.startswith("J(")
