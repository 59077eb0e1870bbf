"""One plain-language sentence per run that says what happened and why."""

import numpy as np

from gd.lab.format import number, updates
from gd.lab.text import t
from gd.run import gradient
from gd.stopping import divergence_bound, norm
from gd.theory import reversals


def _gradient_at(problem, point) -> np.ndarray:
    return gradient(problem, point)[0]


def explain(result) -> str:
    settings, problem = result.settings, result.settings.problem
    first = _gradient_at(problem, result.history[0])
    values = {"updates": updates(result.iterations), "theta": number(result.theta),
              "grad": number(result.grad), "eta": number(result.eta)}
    if result.status == "converged":
        return t("explain.converged", grad0=number(first), **values)
    if result.status == "stalled":
        last_two = np.stack([_gradient_at(problem, result.history[-2]), np.reshape(result.grad, problem.dim)])
        reason = t(f"explain.stalled.{settings.stop}", theta=values["theta"], previous=number(result.history[-2]))
        why = t("explain.stalled.why.jump" if reversals(last_two) else "explain.stalled.why.slow")
        return t("explain.stalled", reason=reason, why=why, **values)
    if result.status == "max_iter":
        stuck = norm(np.reshape(result.grad, (1, -1)))[0] >= 0.99 * norm(first[None])[0] > 0  # no progress at all
        return t("explain.max_iter.stuck" if stuck else "explain.max_iter", **values)
    if result.iterations == 0:
        return t("explain.diverged.start", theta0=number(settings.theta0))
    bound = divergence_bound(settings.theta0, problem.plot_range)
    escaped = not norm(np.reshape(result.theta, (1, -1)))[0] <= bound
    what = t("explain.diverged.theta" if escaped else "explain.diverged.loss", bound=number(bound))
    limit = ""
    if problem.smoothness and settings.optimizer.name == "gd" and result.eta > 2 / problem.smoothness:
        limit = t("explain.diverged.limit", limit=number(2 / problem.smoothness))
    return t("explain.diverged", what=what, limit=limit, updates=f"{result.iterations:,}", eta=values["eta"])
