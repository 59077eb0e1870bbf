"""One plain-language sentence per run that says what happened and why."""

import numpy as np

from gd.stopping import divergence_bound, norm
from gd.text import t


def number(value, digits: int = 6) -> str:
    """A short, honest rendering of a float: six significant digits, inf and nan as such."""
    if np.size(value) > 1:
        return "(" + ", ".join(number(part, digits) for part in np.ravel(value)) + ")"
    return f"{float(np.ravel(value)[0]):.{digits}g}"


def precise(value) -> str:
    """Ten significant digits: enough to compare with the article's printed values."""
    return number(value, 10)


def updates(count: int, language: str = "en") -> str:
    return t("explain.update" if count == 1 else "explain.updates", language, count=f"{count:,}")


def _gradient_at(problem, point) -> np.ndarray:
    return problem.grad(np.reshape(np.asarray(point, dtype=float), (1, problem.dim)))[0]


def explain(result, language: str = "en") -> str:
    settings, problem = result.settings, result.settings.problem
    first = _gradient_at(problem, result.history[0])
    values = {"updates": updates(result.iterations, language), "theta": number(result.theta),
              "grad": number(result.grad), "eta": number(result.eta)}
    if result.status == "converged":
        return t("explain.converged", language, grad0=number(first), **values)
    if result.status == "stalled":
        before, after = _gradient_at(problem, result.history[-2]), np.reshape(result.grad, problem.dim)
        jumped = float(np.dot(before, after)) < 0  # the gradient flipped sign: θ crossed the minimum
        reason = t(f"explain.stalled.{settings.stop}", language, theta=values["theta"],
                   previous=number(result.history[-2]))
        why = t("explain.stalled.why.jump" if jumped else "explain.stalled.why.slow", language)
        return t("explain.stalled", language, reason=reason, why=why, **values)
    if result.status == "max_iter":
        stuck = norm(np.reshape(result.grad, (1, -1)))[0] >= 0.99 * norm(first[None])[0] > 0  # no progress at all
        return t("explain.max_iter.stuck" if stuck else "explain.max_iter", language, **values)
    if result.iterations == 0:
        return t("explain.diverged.start", language, theta0=number(settings.theta0))
    bound = divergence_bound(settings.theta0, problem.plot_range)
    escaped = not norm(np.reshape(result.theta, (1, -1)))[0] <= bound
    what = t("explain.diverged.theta" if escaped else "explain.diverged.loss", language, bound=number(bound))
    limit = ""
    if problem.smoothness and settings.optimizer.name == "gd" and result.eta > 2 / problem.smoothness:
        limit = t("explain.diverged.limit", language, limit=number(2 / problem.smoothness))
    return t("explain.diverged", language, what=what, limit=limit, updates=f"{result.iterations:,}",
             eta=values["eta"])
