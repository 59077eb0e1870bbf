"""The 2-D surfaces: each a finite sum J(θ) = (1/n) Σ jᵢ(θ) over a fixed data set, θ = (x, y).

As for the 1-D curves, the analytic surfaces' per-example terms are jᵢ(θ) = J(θ) + aᵢ·θ with the
vectors aᵢ in antithetic pairs (+a, −a): they sum to exactly zero, so batch descent follows the plain
surface and sampling adds zero-mean noise to the gradient (on the saddle's line y = 0 too, which is
how noise escapes it). The regressions are sums over their data. Formulas are written in products,
not powers, in the order gd.compiled repeats them bit for bit.
"""

from types import MappingProxyType

import numpy as np

from gd.objectives import DATA_SEED, N_EXAMPLES, Objective, _antithetic, _sigmoid

RAVINE = np.array([[5.5, 4.5], [4.5, 5.5]])  # eigenvalues 1 and 10 along (1, −1) and (1, 1): κ = 10


def _pair(first, second):
    return np.stack([first, second], axis=-1)


def _hessian_of(xx, xy, yy):
    return np.stack([np.stack([xx, xy], axis=-1), np.stack([xy, yy], axis=-1)], axis=-2)


def _largest_eigenvalue(hessian):
    def curvature(theta):
        return np.linalg.eigvalsh(hessian(theta))[..., -1]

    return curvature


def _newton(grad, hessian, point, value=None) -> tuple[float, float]:
    """A stationary point of J from a start near it (minimum or saddle alike), to the last bits. Given J (value), a
    step that raises it is halved until it does not, so that a far start still reaches the minimum."""
    theta = np.array([point], dtype=float)
    for _ in range(50):
        step = np.linalg.solve(hessian(theta)[0], grad(theta)[0])[None, :]
        while value is not None and value(theta - step)[0] > value(theta)[0] and np.any(theta - step != theta):
            step = step / 2
        theta = theta - step
    return float(theta[0, 0]), float(theta[0, 1])


def _span(bounds) -> tuple[float, float]:
    return min(low for low, _ in bounds), max(high for _, high in bounds)


def _surface(name, latex, f, df, d2f, *, noise, bounds, minimizers, saddles=(), start, smoothness, seed,
             quadratic=False) -> Objective:
    """f(x, y), df -> (∂x, ∂y), d2f -> (∂xx, ∂xy, ∂yy) by hand; the examples add their aᵢ to the gradient."""
    offsets = np.stack([_antithetic(noise, DATA_SEED + seed), _antithetic(noise, DATA_SEED + seed + 1)])  # (2, n)

    def value(theta):
        return f(theta[..., 0], theta[..., 1])

    def grad(theta):
        return _pair(*df(theta[..., 0], theta[..., 1]))

    def batch_grad(theta, idx):
        # the mean offset of the batch on each axis, per lane when each lane has its own (rows of idx). One axis
        # at a time: offsets[r][idx] is contiguous, so np.mean sums it pairwise, as gd.compiled does
        # (offsets[:, idx] is laid out column-major, and numpy would sum it in another order)
        return grad(theta) + _pair(np.mean(offsets[0][idx], axis=-1), np.mean(offsets[1][idx], axis=-1))

    def hessian(theta):
        return _hessian_of(*(np.broadcast_to(part, theta.shape[:-1]) for part in d2f(theta[..., 0], theta[..., 1])))

    return Objective(name, latex, value, grad, batch_grad, _largest_eigenvalue(hessian), _span(bounds),
                     tuple(_newton(grad, hessian, point) for point in minimizers), smoothness, quadratic, dim=2,
                     compiled=(name, offsets), hessian=hessian, bounds=bounds,
                     saddles=tuple(_newton(grad, hessian, point) for point in saddles), start=start)


def _box(minimizer, half) -> tuple[tuple[float, float], ...]:
    """A regression's map: centred on its minimizer, `half` wide each way at least, and far enough to show the start
    (0, 0) with a quarter of the distance to spare."""
    return tuple((float(m) - max(half, 1.25 * abs(m)), float(m) + max(half, 1.25 * abs(m))) for m in minimizer)


def linear_regression(x, y, name: str = "linear_regression_2d") -> Objective:
    """J(w, b) = (1/n) Σ (w·xᵢ + b − yᵢ)² over the examples (x, y): the 2-D linear regression, on any data."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)

    def residual(theta, idx):
        return theta[..., :1] * x[idx] + theta[..., 1:] - y[idx]

    def value(theta):
        r = residual(theta, slice(None))
        return np.mean(r * r, axis=-1)

    def batch_grad(theta, idx):
        r = residual(theta, idx)
        return 2.0 * _pair(np.mean(r * x[idx], axis=-1), np.mean(r, axis=-1))

    def grad(theta):
        return batch_grad(theta, slice(None))

    fixed = 2.0 * np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])  # ∇²J, the same at every θ

    def hessian(theta):
        return np.broadcast_to(fixed, theta.shape[:-1] + (2, 2)).copy()

    w, b = _newton(grad, hessian, np.linalg.solve(fixed, -grad(np.zeros((1, 2)))[0]))
    bounds = _box((w, b), 3.0)
    return Objective(name, r"J(w, b) = \frac{1}{n}\sum_i (w x_i + b - y_i)^2", value, grad,
                     batch_grad, _largest_eigenvalue(hessian), _span(bounds), ((w, b),),
                     float(np.linalg.eigvalsh(fixed)[-1]), quadratic=True, n_examples=len(x), dim=2,
                     compiled=("linear_regression_2d", np.stack([x, y])), hessian=hessian, bounds=bounds,
                     start=(0.0, 0.0))


def logistic_regression(x, labels, name: str = "logistic_regression_2d") -> Objective:
    """J(w, b) = (1/n) Σ log(1 + exp(−sᵢ(w·xᵢ + b))) over the examples (x, labels 0 or 1, as signs s = ±1): the 2-D
    logistic regression's cross-entropy, on data whose classes overlap (else no minimizer is finite)."""
    x = np.asarray(x, dtype=float)
    sign = 2.0 * np.asarray(labels, dtype=float) - 1.0

    def logit(theta, idx):
        return theta[..., :1] * x[idx] + theta[..., 1:]

    def value(theta):
        return np.mean(np.logaddexp(0.0, -(sign * logit(theta, slice(None)))), axis=-1)

    def batch_grad(theta, idx):
        q = _sigmoid(-(sign[idx] * logit(theta, idx)))  # σ(−s·z): how wrong each example is
        return _pair(np.mean(-sign[idx] * x[idx] * q, axis=-1), np.mean(-sign[idx] * q, axis=-1))

    def grad(theta):
        return batch_grad(theta, slice(None))

    def hessian(theta):
        p = _sigmoid(logit(theta, slice(None)))
        weight = p * (1 - p)
        return _hessian_of(np.mean(weight * x * x, axis=-1), np.mean(weight * x, axis=-1), np.mean(weight, axis=-1))

    w, b = _newton(grad, hessian, (0.0, 0.0), value)
    bounds = _box((w, b), 4.0)
    inputs = np.stack([x, np.ones_like(x)])
    return Objective(name,
                     r"J(w, b) = \frac{1}{n}\sum_i \log\left(1 + e^{-s_i (w x_i + b)}\right),\ s_i = \pm 1",
                     value, grad, batch_grad, _largest_eigenvalue(hessian), _span(bounds), ((w, b),),
                     float(np.linalg.eigvalsh(inputs @ inputs.T / len(x))[-1] / 4), n_examples=len(x), dim=2,
                     compiled=("logistic_regression_2d", np.stack([x, sign])), hessian=hessian, bounds=bounds,
                     start=(0.0, 0.0))


def _linear_regression() -> Objective:
    rng = np.random.default_rng(DATA_SEED + 5)
    x = rng.uniform(-1.0, 3.0, N_EXAMPLES)  # inputs off-centre, so slope and intercept are coupled
    return linear_regression(x, 1.5 * x + 0.5 + rng.normal(0.0, 0.8, N_EXAMPLES))


def _logistic_regression() -> Objective:
    rng = np.random.default_rng(DATA_SEED + 6)
    x = rng.normal(0.5, 1.5, N_EXAMPLES)
    return logistic_regression(x, rng.random(N_EXAMPLES) < _sigmoid(1.2 * x - 0.6))


SURFACES = MappingProxyType({surface.name: surface for surface in (
    _surface("ravine",
             r"J(\theta) = \tfrac{1}{2}\,\theta^\top A\,\theta,\quad A = \begin{pmatrix} 5.5 & 4.5 \\ 4.5 & 5.5"
             r"\end{pmatrix}",
             lambda x, y: 0.5 * (5.5 * x * x + 9.0 * x * y + 5.5 * y * y),
             lambda x, y: (5.5 * x + 4.5 * y, 4.5 * x + 5.5 * y),
             lambda x, y: (5.5, 4.5, 5.5),
             noise=2.0, bounds=((-3.0, 3.0), (-3.0, 3.0)), minimizers=((0.0, 0.0),), start=(2.5, -1.0),
             smoothness=10.0, seed=10, quadratic=True),
    _surface("rosenbrock", r"J(x, y) = (1 - x)^2 + 100\,(y - x^2)^2",
             lambda x, y: (1.0 - x) * (1.0 - x) + 100.0 * ((y - x * x) * (y - x * x)),
             lambda x, y: (-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)),
             lambda x, y: (2.0 - 400.0 * y + 1200.0 * x * x, -400.0 * x, 200.0),
             noise=5.0, bounds=((-2.0, 2.0), (-1.0, 3.0)), minimizers=((1.0, 1.0),), start=(-1.5, 2.0),
             smoothness=None, seed=12),
    _surface("himmelblau", r"J(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2",
             lambda x, y: (x * x + y - 11.0) * (x * x + y - 11.0) + (x + y * y - 7.0) * (x + y * y - 7.0),
             lambda x, y: (4.0 * x * (x * x + y - 11.0) + 2.0 * (x + y * y - 7.0),
                           2.0 * (x * x + y - 11.0) + 4.0 * y * (x + y * y - 7.0)),
             lambda x, y: (12.0 * x * x + 4.0 * y - 42.0, 4.0 * x + 4.0 * y, 4.0 * x + 12.0 * y * y - 26.0),
             noise=5.0, bounds=((-5.0, 5.0), (-5.0, 5.0)),
             minimizers=((3.0, 2.0), (-2.805, 3.131), (-3.779, -3.283), (3.584, -1.848)),  # all J = 0
             saddles=((0.087, 2.884), (-3.073, -0.081), (3.385, 0.074), (-0.128, -1.954)),
             start=(0.0, 0.0), smoothness=None, seed=14),
    _surface("saddle", r"J(x, y) = x^2 + \tfrac{1}{4}y^4 - \tfrac{1}{2}y^2",
             lambda x, y: x * x + y * y * y * y / 4.0 - y * y / 2.0,
             lambda x, y: (2.0 * x, y * y * y - y),
             lambda x, y: (2.0, 0.0, 3.0 * y * y - 1.0),
             noise=0.5, bounds=((-2.0, 2.0), (-2.0, 2.0)), minimizers=((0.0, 1.0), (0.0, -1.0)),
             saddles=((0.0, 0.0),), start=(1.5, 0.0), smoothness=None, seed=16),
    _linear_regression(),
    _logistic_regression(),
)})
