"""Newton's step: −H⁻¹∇J, the step to the stationary point of the quadratic that fits J at θ (its value, gradient and
Hessian there), beside which gradient descent's −η∇J is drawn. Where H is positive definite that point is the model's
minimum; where H has eigenvalues of both signs it is a saddle, and where all are negative a maximum: Newton's step
heads there just as readily. Where H is singular there is no such point, and no step (nan)."""

from typing import NamedTuple

import numpy as np

CURVATURES = ("minimum", "saddle", "maximum", "flat")  # what the quadratic model's stationary point is, by H's signs


class NewtonSteps(NamedTuple):
    steps: np.ndarray  # (n, dim): −H⁻¹∇J at each θ, nan where H is singular or not finite
    eigenvalues: np.ndarray  # (n, dim): H's eigenvalues, ascending
    kinds: np.ndarray  # (n,): CURVATURES, what the step heads for


def newton_steps(problem, theta) -> NewtonSteps:
    """Newton's step at each row of θ (n, dim), from the objective's own gradient and Hessian, solved in H's eigenbasis
    (−Σᵢ vᵢ(vᵢ·∇J)/λᵢ), so that a singular H gives no step rather than an error for every row."""
    theta = np.reshape(np.asarray(theta, dtype=float), (-1, problem.dim))
    steps, eigenvalues = np.full(theta.shape, np.nan), np.full(theta.shape, np.nan)
    with np.errstate(all="ignore"):
        gradient, hessian = problem.grad(theta), problem.hessian(theta)
        finite = np.isfinite(hessian).all(axis=(1, 2)) & np.isfinite(gradient).all(axis=1)
        values, vectors = np.linalg.eigh(hessian[finite])
        along = np.einsum("nij,ni->nj", vectors, gradient[finite])  # ∇J's coordinates in the eigenbasis
        steps[finite] = -np.einsum("nij,nj->ni", vectors, along / values)
        eigenvalues[finite] = values
    singular = ~finite | (eigenvalues == 0).any(axis=1) | ~np.isfinite(steps).all(axis=1)
    steps[singular] = np.nan
    positive, negative = (eigenvalues > 0).all(axis=1), (eigenvalues < 0).all(axis=1)
    kinds = np.where(singular, "flat", np.where(positive, "minimum", np.where(negative, "maximum", "saddle")))
    return NewtonSteps(steps, eigenvalues, kinds)
