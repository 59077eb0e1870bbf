"""Every user-facing string, in one place, so that a second language is one more table.

Keys are dotted: "objective.quadratic.title", "status.converged", "label.eta". Values are
str.format templates.
"""

from types import MappingProxyType

ENGLISH = MappingProxyType({
    # registries: what each choice is called and what it does
    "objective.quadratic.title": "The article's parabola",
    "objective.quadratic.description": "J(θ) = (θ − 2.5)² − 1: one minimum at θ = 2.5, curvature L = 2.",
    "objective.double_well.title": "Double well",
    "objective.double_well.description": "Two valleys of different depth: where you start decides which one you reach.",
    "objective.quartic.title": "Flat bottom",
    "objective.quartic.description": "J(θ) = (θ − 1)⁴: the gradient vanishes fast near the minimum, so descent slows down.",
    "objective.linear_regression.title": "Linear regression (MSE)",
    "objective.linear_regression.description": "The slope w of y ≈ w·x fitted to 64 fixed points by mean squared error.",
    "objective.logistic_regression.title": "Logistic regression (cross-entropy)",
    "objective.logistic_regression.description": "The weight w of P(y = 1) = σ(w·x) fitted to 64 fixed labels by cross-entropy.",
    "variant.batch.title": "Batch",
    "variant.batch.description": "The gradient of the whole data set at every update: smooth and exact, but costly.",
    "variant.sgd.title": "Stochastic",
    "variant.sgd.description": "The gradient of one random example per update: cheap and noisy.",
    "variant.minibatch.title": "Mini-batch",
    "variant.minibatch.description": "The gradient of a small random batch per update: the compromise.",
    "optimizer.gd.title": "Plain gradient descent",
    "optimizer.gd.description": "The article's rule: step against the gradient, scaled by η.",
    "optimizer.momentum.title": "Momentum",
    "optimizer.momentum.description": "Accumulates past gradients, so steps build up speed along a consistent slope.",
    "optimizer.nesterov.title": "Nesterov momentum",
    "optimizer.nesterov.description": "Momentum that looks one step ahead before it adds the gradient.",
    "optimizer.adagrad.title": "Adagrad",
    "optimizer.adagrad.description": "Divides η by the root of the sum of all squared gradients so far: steps only shrink.",
    "optimizer.rmsprop.title": "RMSprop",
    "optimizer.rmsprop.description": "Divides η by a running root-mean-square of recent gradients.",
    "optimizer.adam.title": "Adam",
    "optimizer.adam.description": "Momentum and RMSprop together, with bias correction for the first updates.",
    "schedule.constant.title": "Constant",
    "schedule.constant.description": "η stays the same at every update.",
    "schedule.step.title": "Step decay",
    "schedule.step.description": "η is multiplied by γ every k updates.",
    "schedule.exponential.title": "Exponential decay",
    "schedule.exponential.description": "η·γᵗ: a little smaller at every update.",
    "schedule.inverse_time.title": "Inverse-time decay",
    "schedule.inverse_time.description": "η / (1 + γ·t): shrinks like 1/t.",
    "stop.loss_change.title": "|ΔJ| < ε (the article's)",
    "stop.loss_change.description": "Stop when the loss changes by less than ε in one update.",
    "stop.grad_norm.title": "|dJ| < ε",
    "stop.grad_norm.description": "Stop when the gradient is smaller than ε.",
    "stop.step_size.title": "|Δθ| < ε",
    "stop.step_size.description": "Stop when θ moves by less than ε in one update.",
    # statuses and the sentence that explains each
    "status.converged": "converged",
    "status.stalled": "stalled",
    "status.max_iter": "hit the limit",
    "status.diverged": "diverged",
    "explain.converged": "Converged after {updates}: the stopping rule fired at θ = {theta}, where the gradient "
                         "{grad} is small next to the first one ({grad0}).",
    "explain.stalled": "Stalled after {updates}: the stopping rule fired because {reason}, but the gradient at "
                       "θ = {theta} is still {grad} — {why}",
    "explain.stalled.loss_change": "J({theta}) = J({previous}) to within ε",
    "explain.stalled.grad_norm": "|dJ| fell below ε",
    "explain.stalled.step_size": "θ moved by less than ε",
    "explain.stalled.why.jump": "the iterates jump across the minimum instead of approaching it.",
    "explain.stalled.why.slow": "the steps became too small to make progress; try a larger η or a smaller ε.",
    "explain.max_iter": "Hit the limit of {updates} before the stopping rule fired: θ = {theta}, gradient {grad}. "
                        "Raise the iteration limit or ε, or pick a larger η.",
    "explain.diverged": "Diverged at update {updates}: {what}; each step overshot the minimum further "
                        "than the last. η = {eta} is too large here{limit}.",
    "explain.diverged.limit": " (above the stability limit 2/L = {limit})",
    "explain.diverged.theta": "|θ| passed {bound}",
    "explain.diverged.loss": "J(θ) overflowed to infinity",
    "explain.update": "{count} update",
    "explain.updates": "{count} updates",
})

LANGUAGES = MappingProxyType({"en": ENGLISH})


def t(key: str, language: str = "en", **values) -> str:
    """The string for key in language (English where a translation is missing), filled with values."""
    template = LANGUAGES.get(language, ENGLISH).get(key, ENGLISH[key])
    return template.format(**values) if values else template


def literal(text: str) -> str:
    """Escape Markdown so that text a user typed is shown as typed, never rendered as markup."""
    specials = "\\`*_{}[]()<>#+-.!|$~"
    return "".join("\\" + char if char in specials else char for char in str(text))


class Described:
    """Mixin for registry entries (which set kind and name): display name and description from the table."""

    @property
    def title(self) -> str:
        return t(f"{self.kind}.{self.name}.title")

    @property
    def description(self) -> str:
        return t(f"{self.kind}.{self.name}.description")
