"""What is minimised: each objective is a finite sum J(θ) = (1/n) Σ jᵢ(θ) over a fixed data set.

An objective may also carry a compiled form, (kind, data): the name of its value and gradient in
gd.compiled and the data set they read ("typed" for a formula a user typed: gd.typed's programs,
run by gd.interpreter). The compiled loop runs only objectives that have one and must equal this
module's numpy code bit for bit; an objective without one (compiled=None) runs on the readable
numpy loop in gd.run.

Arrays are dimension-agnostic: θ has shape (lanes, dim), value() returns (lanes,), the gradients
(lanes, dim) and hessian() (lanes, dim, dim), so a 2-D surface (gd.surfaces) needs no second loop.
Every objective here has dim = 1.

For the analytic curves the per-example terms are jᵢ(θ) = J(θ) + aᵢ·(θ − c) with the aᵢ in
antithetic pairs (+a, −a): they sum to exactly zero, so batch descent follows the plain curve
and sampling adds zero-mean noise to the gradient. For "quadratic" this is jᵢ(θ) = (θ − xᵢ)² + cᵢ
with the xᵢ centred on 2.5.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

N_EXAMPLES = 64  # size of every objective's fixed data set
DATA_SEED = 20260101  # the data sets never change between runs or machines


@dataclass(frozen=True, eq=False)
class Objective:
    """A loss with its gradient, the range it is drawn on, and what is known about its minima.

    One class for every dimension. Points (minimizers, saddles, start) are floats in one dimension and
    tuples of dim floats beyond; hessian and bounds are filled in from curvature and plot_range when
    dim = 1, so a 1-D objective names neither."""

    name: str
    latex: str
    value: Callable[[np.ndarray], np.ndarray]  # (lanes, dim) -> (lanes,)
    grad: Callable[[np.ndarray], np.ndarray]  # (lanes, dim) -> (lanes, dim)
    batch_grad: Callable[[np.ndarray, np.ndarray], np.ndarray]  # mean gradient over examples idx: (b,) or (lanes, b)
    curvature: Callable[[np.ndarray], np.ndarray]  # (lanes, dim) -> (lanes,): J'' (dim 1), the largest eigenvalue
    # of the Hessian beyond (the curvature along the steepest direction, which sets η's stability limit)
    plot_range: tuple[float, float]  # the drawn range of θ (dim 1); beyond, the range all axes' bounds lie in
    minimizers: tuple  # every local minimizer, deepest first: floats (dim 1) or points (tuples of dim floats)
    smoothness: float | None  # global L with ‖∇²J‖ ≤ L (|J''| ≤ L in one dimension), None where none exists
    quadratic: bool = False  # J is exactly quadratic, so the closed-form predictions are exact
    n_examples: int = N_EXAMPLES
    dim: int = 1
    compiled: tuple[str, np.ndarray] | None = None  # (kind in gd.compiled, data rows (k, n)); None: numpy loop only
    hessian: Callable[[np.ndarray], np.ndarray] | None = None  # (lanes, dim) -> (lanes, dim, dim); dim 1: J''
    bounds: tuple[tuple[float, float], ...] = ()  # the drawn (low, high) of each axis; dim 1: (plot_range,)
    saddles: tuple = ()  # every saddle point (points, as minimizers), where the surface has any
    start: float | tuple[float, ...] | None = None  # the θ₀ a run takes by default; None: gd.params.THETA0's

    def __post_init__(self):
        if self.hessian is None and self.dim == 1:
            object.__setattr__(self, "hessian", lambda theta: self.curvature(theta)[..., None, None])
        if not self.bounds:
            object.__setattr__(self, "bounds", (tuple(self.plot_range),) * self.dim)

    @property
    def points(self) -> np.ndarray:
        """The minimizers as rows of an array (count, dim), deepest first, in every dimension."""
        return np.reshape(np.asarray(self.minimizers, dtype=float), (-1, self.dim))

    @property
    def min_value(self) -> float:
        """J* = the value at the deepest minimizer."""
        return float(self.value(self.points[:1])[0])


def _antithetic(scale: float, seed: int) -> np.ndarray:
    half = np.random.default_rng(seed).standard_normal(N_EXAMPLES // 2)
    return scale * np.concatenate([half, -half])


def _curve(name, latex, f, df, d2f, *, noise, plot_range, minimizers, smoothness, seed, quadratic=False) -> Objective:
    # f and df use products (np.square is one), not **, so a lane never depends on how many lanes share a SIMD loop
    offsets = _antithetic(noise, DATA_SEED + seed)

    def value(theta):
        return f(theta[..., 0])

    def grad(theta):
        return df(theta)

    def batch_grad(theta, idx):
        # mean over the batch of dJ + aᵢ: per lane when each lane has its own batch (rows of idx)
        return df(theta) + np.mean(offsets[idx], axis=-1)[..., None]

    def curvature(theta):
        return d2f(theta[..., 0])

    return Objective(name, latex, value, grad, batch_grad, curvature, plot_range, minimizers, smoothness, quadratic,
                     compiled=(name, offsets[None, :]))


def _double_well_minimizers() -> tuple[float, ...]:
    roots = np.roots([1.0, 0.0, -2.0, 0.3]).real  # J'(θ) = θ³ − 2θ + 0.3
    minima = [float(r) for r in roots if 3 * r * r - 2 > 0]
    return tuple(sorted(minima, key=lambda r: r**4 / 4 - r**2 + 0.3 * r))


def _linear_regression() -> Objective:
    rng = np.random.default_rng(DATA_SEED + 3)
    x = rng.uniform(-2.0, 2.0, N_EXAMPLES)
    y = 1.5 * x + rng.normal(0.0, 0.8, N_EXAMPLES)

    def value(theta):
        residual = theta[..., :1] * x - y
        return np.mean(residual * residual, axis=-1)

    def batch_grad(theta, idx):
        residual = theta[..., :1] * x[idx] - y[idx]
        return 2.0 * np.mean(residual * x[idx], axis=-1, keepdims=True)

    def grad(theta):
        return batch_grad(theta, slice(None))

    def curvature(theta):
        return np.full(theta.shape[:-1], 2.0 * np.mean(x * x))

    slope = float(np.sum(x * y) / np.sum(x * x))
    return Objective("linear_regression", r"J(w) = \frac{1}{n}\sum_i (w x_i - y_i)^2", value, grad, batch_grad,
                     curvature, (slope - 2.5, slope + 2.5), (slope,), float(2.0 * np.mean(x * x)), quadratic=True,
                     compiled=("linear_regression", np.stack([x, y])))


# libm's exp, elementwise: numpy's own SIMD exp (AVX-512) differs from it in the last bit, and the
# compiled loop calls libm. np.logaddexp already calls libm's exp and log1p.
_exp = np.vectorize(math.exp, otypes=[float])


def _sigmoid(z):
    return _exp(-np.logaddexp(0.0, -z))


def _logistic_regression() -> Objective:
    rng = np.random.default_rng(DATA_SEED + 4)
    x = rng.normal(0.0, 1.5, N_EXAMPLES)
    sign = np.where(rng.random(N_EXAMPLES) < _sigmoid(2.0 * x), 1.0, -1.0)  # labels y = 1 or 0 as ±1

    def value(theta):
        return np.mean(np.logaddexp(0.0, -sign * theta[..., :1] * x), axis=-1)

    def batch_grad(theta, idx):
        margin = sign[idx] * theta[..., :1] * x[idx]
        return np.mean(-sign[idx] * x[idx] * _sigmoid(-margin), axis=-1, keepdims=True)

    def grad(theta):
        return batch_grad(theta, slice(None))

    def curvature(theta):
        p = _sigmoid(theta[..., :1] * x)
        return np.mean(x * x * p * (1 - p), axis=-1)

    weight = 0.0  # Newton's method: the data are not separable, so the minimizer is finite
    for _ in range(50):
        weight -= float(grad(np.array([[weight]]))[0, 0] / curvature(np.array([[weight]]))[0])
    return Objective("logistic_regression",
                     r"J(w) = \frac{1}{n}\sum_i \log\left(1 + e^{-s_i w x_i}\right),\ s_i = \pm 1",
                     value, grad, batch_grad, curvature, (weight - 3.0, weight + 3.0), (weight,),
                     float(np.mean(x * x) / 4), compiled=("logistic_regression", np.stack([x, sign])))


OBJECTIVES = MappingProxyType({objective.name: objective for objective in (
    _curve("quadratic", r"J(\theta) = (\theta - 2.5)^2 - 1",
           lambda t: np.square(t - 2.5) - 1, lambda t: 2 * (t - 2.5), lambda t: np.full(t.shape, 2.0),
           noise=2.0, plot_range=(-1.0, 6.0), minimizers=(2.5,), smoothness=2.0, seed=0, quadratic=True),
    _curve("double_well", r"J(\theta) = \tfrac{1}{4}\theta^4 - \theta^2 + 0.3\,\theta",
           lambda t: t * t * t * t / 4 - t * t + 0.3 * t, lambda t: t * t * t - 2 * t + 0.3, lambda t: 3 * t * t - 2,
           noise=1.0, plot_range=(-2.2, 2.2), minimizers=_double_well_minimizers(), smoothness=None,
           seed=1),
    _curve("quartic", r"J(\theta) = (\theta - 1)^4",
           lambda t: (t - 1) * (t - 1) * (t - 1) * (t - 1), lambda t: 4 * (t - 1) * (t - 1) * (t - 1),
           lambda t: 12 * (t - 1) * (t - 1),
           noise=0.5, plot_range=(-1.0, 3.0), minimizers=(1.0,), smoothness=None, seed=2),
    _linear_regression(),
    _logistic_regression(),
)})
