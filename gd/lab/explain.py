"""One plain-language sentence per run that says what happened and why."""

import numpy as np

from gd import theory
from gd.lab.format import argument, number, updates
from gd.lab.text import t
from gd.run import gradient
from gd.stopping import LEFT_DOMAIN, divergence_bound, norm
from gd.theory import reversals


def _gradient_at(problem, point) -> np.ndarray:
    return gradient(problem, point)[0]


def _regime(result) -> str | None:
    """theory's regime of the run's η near the minimum it is heading for, where a closed form exists."""
    if not theory.applies(result.settings):
        return None
    _, curvature = theory.local_curvature(result.settings)
    return theory.regime(result.eta, curvature)


def _larger_eta_helps(result) -> bool:
    """Only plain descent on the full batch, creeping in from one side (ηL < 1), gets faster with a larger η: with
    sampled examples it adds noise, past 1/L it overshoots, at 2/L it bounces, beyond it diverges."""
    return _regime(result) == "monotone"


def _limit_advice(result) -> str:
    """What to change when a run hit the limit short of a minimum, from theory and the run."""
    settings = result.settings
    if settings.variant != "batch":
        return t("advice.noise")
    regime = _regime(result)
    if regime in ("monotone", "oscillating"):
        _, curvature = theory.local_curvature(settings)
        return t(f"advice.{regime}", one=number(1 / curvature))
    return t("advice.limit")


def _saddle(result) -> str:
    """Said when a run that stopped with a small gradient is nearer a saddle point than any minimum: the gradient
    vanishes there too, and only noise or a start off its line escapes."""
    problem = result.settings.problem
    if not problem.saddles:
        return ""
    here = np.reshape(result.theta, (1, -1))
    saddle = min(problem.saddles, key=lambda point: norm(here - np.asarray(point))[0])
    if norm(here - np.asarray(saddle))[0] >= min(norm(here - point)[0] for point in problem.points):
        return ""
    return t("explain.saddle", saddle=number(saddle))


def _left_domain(result) -> str:
    """Where and why a run left a typed function's domain: at its last θ if that is a finite point outside, else at
    the one before (whose gradient was undefined, so the last step was not finite)."""
    problem, history = result.settings.problem, result.history
    outside = bool(np.isfinite(history[-1]).all()) and bool(problem.undefined(history[-1]))
    point = history[-1] if outside or len(history) == 1 else history[-2]
    why = t("list.separator").join(t(f"explain.left_domain.{reason}") for reason in problem.undefined(point))
    return t("explain.left_domain", updates=f"{result.iterations:,}", theta=number(point), why=why)


def explain(result) -> str:
    settings, problem = result.settings, result.settings.problem
    if result.status == LEFT_DOMAIN:
        return _left_domain(result)
    first = _gradient_at(problem, result.history[0])
    values = {"updates": updates(result.iterations), "theta": number(result.theta),
              "grad": number(result.grad), "eta": number(result.eta)}
    if result.status == "converged":
        said = t("explain.converged", grad0=number(first), **values)
        return said + (_saddle(result) or ("" if theory.at_minimum(result) else t("explain.not_minimum", **values)))
    if result.status == "stalled":
        last_two = np.stack([_gradient_at(problem, result.history[-2]), np.reshape(result.grad, problem.dim)])
        reason = t(f"explain.stalled.{settings.stop}", theta=argument(result.theta),
                   previous=argument(result.history[-2]))
        why = t("explain.stalled.why.jump" if reversals(last_two) else
                "explain.stalled.why.slow" if _larger_eta_helps(result) else "explain.stalled.why.small")
        return t("explain.stalled", reason=reason, why=why, **values)
    if result.status == "max_iter":
        if theory.at_minimum(result):
            why = t("explain.max_iter.there.never" if settings.epsilon == 0 else "explain.max_iter.there.above",
                    epsilon=number(settings.epsilon))
            return t("explain.max_iter.there", why=why, **values)
        if not problem.minimizers and not theory.lowest_inside(problem, np.reshape(result.theta, problem.dim)):
            return t("explain.max_iter.falling", **values)  # no minimum found on the range, and J falls on here
        stuck = norm(np.reshape(result.grad, (1, -1)))[0] >= 0.99 * norm(first[None])[0] > 0  # no progress at all
        if stuck:
            return t("explain.max_iter.stuck", **values)
        return t("explain.max_iter", advice=_limit_advice(result), **values)
    if result.iterations == 0:
        return t("explain.diverged.start", theta0=number(settings.theta0))
    bound = divergence_bound(settings.theta0, problem.plot_range)
    escaped = not norm(np.reshape(result.theta, (1, -1)))[0] <= bound
    what = t("explain.diverged.theta" if escaped else "explain.diverged.loss", bound=number(bound))
    limit = ""
    if problem.smoothness and settings.optimizer.name == "gd" and result.eta > 2 / problem.smoothness:
        limit = t("explain.diverged.limit", limit=number(2 / problem.smoothness))
    return t("explain.diverged", what=what, limit=limit, updates=f"{result.iterations:,}", eta=values["eta"])
