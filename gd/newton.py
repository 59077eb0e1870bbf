"""Newton's step: −H⁻¹∇J, the step to the stationary point of the quadratic that fits J at θ (its value, gradient and
Hessian there), beside which gradient descent's −η∇J is drawn. Where H is positive definite that point is the model's
minimum; where H has eigenvalues of both signs it is a saddle, and where all are negative a maximum: Newton's step
heads there just as readily. Where H is singular there is no such point, and no step (nan)."""

from types import MappingProxyType
from typing import NamedTuple

import numpy as np

from gd.optimizers import UpdateRule

CURVATURES = ("minimum", "saddle", "maximum", "flat")  # what the quadratic model's stationary point is, by H's signs


class NewtonSteps(NamedTuple):
    steps: np.ndarray  # (n, dim): −H⁻¹∇J at each θ, nan where H is singular or not finite
    eigenvalues: np.ndarray  # (n, dim): H's eigenvalues, ascending
    kinds: np.ndarray  # (n,): CURVATURES, what the step heads for


def newton_steps(problem, theta) -> NewtonSteps:
    """Newton's step at each row of θ (n, dim), from the objective's own gradient and Hessian."""
    theta = np.reshape(np.asarray(theta, dtype=float), (-1, problem.dim))
    with np.errstate(all="ignore"):
        steps, eigenvalues = _solved(problem.hessian(theta), problem.grad(theta))
    singular = ~np.isfinite(steps).all(axis=1)
    steps[singular] = np.nan
    positive, negative = (eigenvalues > 0).all(axis=1), (eigenvalues < 0).all(axis=1)
    kinds = np.where(singular, "flat", np.where(positive, "minimum", np.where(negative, "maximum", "saddle")))
    return NewtonSteps(steps, eigenvalues, kinds)


def _solved(hessian: np.ndarray, gradient: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(−H⁻¹g, H's eigenvalues) for each row, solved in H's eigenbasis (−Σᵢ vᵢ(vᵢ·g)/λᵢ), so that a singular H gives
    a step that is not finite for its row rather than an error for every row; nan where H or g is not finite."""
    steps, eigenvalues = np.full(gradient.shape, np.nan), np.full(gradient.shape, np.nan)
    finite = np.isfinite(hessian).all(axis=(1, 2)) & np.isfinite(gradient).all(axis=1)
    values, vectors = np.linalg.eigh(hessian[finite])
    along = np.einsum("nij,ni->nj", vectors, gradient[finite])  # g's coordinates in the eigenbasis
    steps[finite] = -np.einsum("nij,nj->ni", vectors, along / values)
    eigenvalues[finite] = values
    return steps, eigenvalues


class NewtonState(NamedTuple):
    theta: np.ndarray  # where each lane is: the loop passes only the gradient, and H is taken at θ


def method(problem) -> UpdateRule:
    """Newton's method as an update rule: θ ← θ − η·H(θ)⁻¹g, with the objective's Hessian at θ (one per update and
    lane, solved as in newton_steps; the state keeps θ, as the loop passes only g). Made by hand, with no compiled
    form, it runs on the numpy loop; where H is singular its step is not finite and the run ends there as diverged.
    With a sampled g, H is still the whole objective's."""
    def update(g, state, lr):
        with np.errstate(all="ignore"):
            step = lr * _solved(problem.hessian(state.theta), g)[0]
        return step, NewtonState(state.theta + step)

    return UpdateRule("newton", MappingProxyType({}), lambda theta: NewtonState(np.array(theta, dtype=float)), update)
