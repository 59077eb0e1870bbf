"""Every string a visitor reads, in one place, so that a second language is one more table.

Keys are dotted: "objective.quadratic.title", "status.converged", "label.eta". Values are
str.format templates; a control's range is filled in from its spec ({low}, {high}), never typed here.
"""

import re
import string
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
    "schedule.cosine.title": "Cosine annealing",
    "schedule.cosine.description": "η falls along half a cosine to floor·η over `period` updates, then stays there.",
    "schedule.invscaling.title": "Inverse scaling (scikit-learn)",
    "schedule.invscaling.description": "η / (t + 1)^power: scikit-learn's invscaling.",
    "stop.loss_change.title": "|ΔJ| < ε (the article's)",
    "stop.loss_change.description": "Stop when the loss changes by less than ε in one update.",
    "stop.grad_norm.title": "|dJ| < ε",
    "stop.grad_norm.description": "Stop when the gradient is smaller than ε.",
    "stop.step_size.title": "|Δθ| < ε",
    "stop.step_size.description": "Stop when θ moves by less than ε in one update.",
    "stop.no_improvement.title": "no improvement for 5 updates",
    "stop.no_improvement.description": "Stop when J has not beaten its best value by ε for 5 updates in a row "
                                       "(scikit-learn's n_iter_no_change).",
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
    "explain.stalled.no_improvement": "J did not improve by ε for 5 updates in a row",
    "explain.stalled.why.jump": "the iterates jump across the minimum instead of approaching it.",
    "explain.stalled.why.slow": "the steps became too small to make progress; try a larger η or a smaller ε.",
    "explain.max_iter": "Hit the limit of {updates} before the stopping rule fired: θ = {theta}, gradient {grad}. "
                        "Raise the iteration limit or ε, or pick a larger η.",
    "explain.max_iter.stuck": "Hit the limit of {updates} without getting closer: the gradient at θ = {theta} is "
                              "still {grad}, as large as at the start, so the iterates bounce instead of descending. "
                              "More updates will not help: pick a smaller η.",
    "explain.diverged": "Diverged at update {updates}: {what}; each step overshot the minimum further "
                        "than the last. η = {eta} is too large here{limit}.",
    "explain.diverged.start": "Diverged before the first update: J(θ₀) at θ₀ = {theta0} is too large for "
                              "floating point. Start closer to the minimum.",
    "explain.diverged.limit": " (above the stability limit 2/L = {limit})",
    "explain.diverged.theta": "|θ| passed {bound}",
    "explain.diverged.loss": "J(θ) overflowed to infinity",
    "chart.status": "status",
    "chart.gap": "J(θₖ) − J*",
    "chart.updates": "updates to stop",
    "chart.final_grad": "final |dJ(θ)|",
    "chart.unit.k": "updates k",
    "chart.unit.epochs": "epochs (passes over the 64 examples)",
    "chart.unit.examples": "examples touched",
    "chart.regime": "regime",
    "chart.seeds": "seeds",
    "regime.monotone": "monotone",
    "regime.one_step": "one step",
    "regime.oscillating": "oscillating, converging",
    "regime.bouncing": "bouncing forever",
    "regime.diverging": "diverging",
    "chart.one_over_l": "1/L",
    "chart.two_over_l": "2/L",
    # the page
    "page.title": "Gradient descent, seen",
    "page.caption": "θ ← θ − η·∇J(θ): change a control and watch what the update does, for several "
                    "learning rates side by side. Numbers come from the gd engine; nothing is rounded until shown.",
    "link.unknown": "unknown link parameter “{name}” was ignored",
    "link.refused": "{name} must be {accepted}; the link gave “{raw}”, so the default is used",
    "error.cap": "This view would cost up to {work} updates ({runs} runs × iteration limit {limit}), over the cap "
                 "of {cap}. Lower the iteration limit to {fits} or less, or make fewer runs (compared η, sweep "
                 "points, seeds).",
    "error.parameter": "{name} must be {accepted}.",
    "error.typed": "{name} must be {accepted}; “{value}” is not.",
    "page.link_problems": "Some values in this link were not usable, so their controls start at the default: {problems}.",
    "section.run": "Your run: η = {eta}",
    "section.compare.caption": "Each panel is one η on the same curve and the same axes: ◆ are the points θ₀ → θₖ "
                               "the update visited. A run that leaves the plot is drawn up to where it left.",
    "section.convergence": "How fast each η closes the gap",
    "section.convergence.caption": "J(θₖ) − J* on a log scale: a straight falling line is linear convergence; "
                                   "hover a line to pick it out. Lines can coincide: on the article's parabola "
                                   "η and 1 − η shrink the gap by the same factor (1 − 2η)² per update, so "
                                   "η = 0.1 and η = 0.9 draw one line.",
    "section.table": "Final values",
    "section.sweep": "Learning-rate sweep (the article's grid search)",
    "section.sweep.caption": "Shaded where theory applies: blue η < 1/L creeps in monotonically, yellow "
                             "1/L < η < 2/L oscillates but converges, red η > 2/L diverges. {points} values of η from {low} to {high}, same settings. ◆ marks the η that "
                             "converged in the fewest updates{best}. Where the curvature L is known, dashed lines mark "
                             "η = 1/L and the stability limit η = 2/L.",
    "section.sweep.best": " (η = {eta}, {updates})",
    "section.sweep.none": "No η in this range converged: widen the range or raise the iteration limit.",
    "section.schedule": "Learning rate over the updates ({title})",
    "view.compare": "Side by side",
    "view.theory": "Why: theory",
    "view.stopping": "Stopping rules",
    "view.geometry": "One update",
    "view.noise": "Noise",
    "view.predict": "Predict, then run",
    "theory.intro": "On a parabola J(θ) = J* + (L/2)(θ − θ*)², plain gradient descent has a closed form: the "
                    "distance to the minimum is multiplied by r = 1 − ηL at every update. So |r| decides: "
                    "η < 1/L creeps in from one side, η = 1/L lands in one step, 1/L < η < 2/L overshoots but "
                    "closes in, η = 2/L bounces between two points forever, and η > 2/L flies off.",
    "theory.exact": "This objective is a parabola with L = {curvature}, so the predictions below are exact (rounding "
                    "can move a threshold by one update): 1/L = {one}, 2/L = {two}.",
    "theory.local": "This objective is not a parabola. Near its minimum θ* = {minimizer} it curves like one with "
                    "L = J''(θ*) = {curvature}, so the predictions below are local: right near θ*, not far from it "
                    "(1/L = {one}, 2/L = {two}).",
    "theory.none": "Closed forms exist for plain gradient descent with the full batch and a constant η. Choose those "
                   "in the sidebar to see predictions; the sweep below still shows what happens.",
    "stopping.caption": "Your run (the sidebar's η and settings) under every stopping rule, side by side: where each "
                        "rule stops, and whether that is at a minimum. The last column has no rule: only the "
                        "iteration limit ends it.",
    "stopping.trap": "Show the article's trap (η = 1)",
    "stopping.trap.help": "Sets the article's curve, θ₀ = 0, η = 1 and the |ΔJ| < ε rule: J(5) = J(0), so the rule "
                          "fires after one update, far from the minimum.",
    "stopping.yes": "yes",
    "stopping.no": "no",
    "stop.none.title": "the iteration limit alone",
    "geometry.caption": "Why the minus sign: the update moves θ against the slope. Step through the first "
                        "{steps} updates of your run, or press play.",
    "geometry.play": "Play",
    "geometry.play.help": "Show one update after another, every {seconds} s, until the last one.",
    "geometry.pause": "Pause",
    "geometry.none": "Your run made no update (it diverged at θ₀), so there is no step to draw.",
    "geometry.gd": "Update {number}: at θ{here} = {theta} the slope is dJ = {slope}. The update adds −η·dJ = "
                   "−{eta} × ({slope}) = {step}, so θ{after} = {next}: {direction}",
    "geometry.other": "Update {number}: at θ{here} = {theta} the slope of J is dJ = {slope}. The step taken was "
                      "{step}, to θ{after} = {next}, not exactly −η·dJ: the update rule, the schedule or the sampled "
                      "examples changed it. Still, {direction}",
    "geometry.right": "the slope is negative (downhill to the right), so minus the slope points right.",
    "geometry.left": "the slope is positive (downhill to the left), so minus the slope points left.",
    "geometry.still": "the slope is zero here, so θ stays where it is.",
    "noise.batch": "Batch descent uses every example at every update, so it has no noise. Pick Stochastic or "
                   "Mini-batch in the sidebar to see how the sampled examples spread the runs.",
    "noise.switch": "Switch to stochastic descent",
    "noise.caption": "{seeds} runs of {variant} descent that differ only in the random seed that picks the "
                     "examples: the line is the mean θₖ, the band holds the middle 80 % of the runs, the dashed "
                     "line is the minimizer.",
    "noise.spread": "Updates to stop: from {low} to {high}, median {median} ({statuses}).",
    "predict.caption": "Pick an η for your current settings and say what you expect before you run it.",
    "predict.run": "Run it",
    "predict.verdict": "{points}/2: it {outcome} after {updates}. Your total: {total} of {possible}.",
    "predict.theory": "Theory: η is in the {regime} regime and the rule should end the run after {updates}.",
    "outcome.converges": "converges",
    "outcome.oscillates": "oscillates",
    "outcome.stalls": "stalls",
    "outcome.diverges": "diverges",
    "bucket.0": "1–10",
    "bucket.1": "11–100",
    "bucket.2": "101–1,000",
    "bucket.3": "more",
    "column.regime": "regime",
    "column.predicted": "predicted updates",
    "column.predicted_status": "predicted status",
    "column.rule": "stopping rule",
    "column.at_minimum": "at a minimum?",
    "section.formulas": "The formulas behind this run",
    "formula.objective": "Objective",
    "formula.optimizer": "Update rule ({title})",
    "formula.schedule": "Learning rate ({title})",
    "formula.stop": "Stopping rule ({title}); ε = {epsilon}",
    "download.csv": "Download the points (CSV)",
    "download.csv.help": "The runs above, every update up to {limit:,} per run (a longer run: the first {half:,} and "
                         "log-spaced after, always the last), at full precision. The columns keep machine-readable "
                         "names: eta, k, theta, loss, grad.",
    "metric.exact": "Exact, as the article prints them: θ = {theta}, dJ(θ) = {grad}, J(θ) = {loss}",
    "metric.theta": "final θ",
    "metric.grad": "dJ(θ)",
    "metric.loss": "J(θ)",
    "metric.updates": "updates",
    "metric.status": "status",
    "metric.theta.help": "Where the run ended. The article's run ends at θ = 2.499891109642585.",
    "metric.grad.help": "The slope at the final θ: zero at a minimum.",
    "metric.loss.help": "The loss at the final θ; the minimum of the article's curve is −1.",
    "metric.updates.help": "Updates made before the run ended (the history has one point more).",
    "metric.status.help": "converged: the rule fired near a minimum; stalled: it fired far from one; "
                          "hit the limit: it never fired; diverged: θ or J left the finite range.",
    "column.eta": "η", "column.updates": "updates", "column.theta": "final θ", "column.loss": "J(θ)",
    "column.grad": "dJ(θ)", "column.status": "status",
    # the sidebar
    "sidebar.problem": "Problem",
    "sidebar.descent": "Descent",
    "sidebar.stopping": "Stopping",
    "sidebar.compare": "Compare and sweep",
    "label.objective": "Objective J(θ)",
    "help.objective": "The function gradient descent minimises. The first is the article's worked example.",
    "label.theta0": "Start θ₀",
    "help.theta0": "Where descent starts, from {low} to {high}. On the double well it decides which valley you reach.",
    "label.eta": "Learning rate η",
    "help.eta": "The step size of θ ← θ − η·∇J(θ), from {low} to {high}. On the article's curve η > 1 diverges.",
    "label.epsilon": "Tolerance ε",
    "help.epsilon": "The stopping rule fires when its measure falls below ε ({low} to {high}; 0 = never, run to the limit).",
    "label.variant": "Variant",
    "help.variant": "Which examples each update's gradient is taken over: all of them, one, or a small batch.",
    "label.batch_size": "Batch size",
    "help.batch_size": "Examples per mini-batch update, {low} to {high} (the data set has 64).",
    "label.seed": "Random seed",
    "help.seed": "Seed of the example sampling ({low} to {high}): the same seed gives the same run.",
    "label.optimizer": "Update rule",
    "help.optimizer": "Plain gradient descent, or one of the article's adaptive methods (torch.optim's formulas).",
    "label.schedule": "Learning-rate schedule",
    "help.schedule": "How η changes over the updates (the article's learning-rate decay).",
    "label.stop": "Stopping rule",
    "help.stop": "What 'the loss settles' means: the article stops when J changes by less than ε.",
    "label.max_iter": "Iteration limit",
    "help.max_iter": "No run makes more updates than this ({low} to {high}). The article's loop had no limit.",
    "label.etas": "η values to compare",
    "help.etas": "Up to {count} learning rates, separated by commas, each from {low} to {high}.",
    "label.seeds": "Seeds (noise view)",
    "help.seeds": "How many runs with different random seeds the noise view makes, {low} to {high}.",
    "label.unit": "x axis counts",
    "help.unit": "Count the cost of descent in updates, in epochs (passes over the data) or in examples touched: "
                 "batch, stochastic and mini-batch descent then compare at equal cost.",
    "label.step": "Update",
    "help.step": "Which update to draw: the k-th goes from θₖ₋₁ to θₖ (the first {steps} updates of your run).",
    "label.guess_eta": "Your η",
    "label.guess_outcome": "What will happen?",
    "label.guess_updates": "Roughly how many updates until it ends?",
    "label.sweep_low": "Sweep from η",
    "help.sweep_low": "Smallest η of the sweep, {low} to {high}.",
    "label.sweep_high": "Sweep to η",
    "help.sweep_high": "Largest η of the sweep, {low} to {high}.",
    "label.sweep_points": "Sweep points",
    "help.sweep_points": "How many log-spaced η values the sweep runs, {low} to {high}.",
    "help.hyperparameter": "{name}: {accepted}.",
    "panel.title": "η = {eta} · {updates} · {status}",
    "panel.diverged": "η = {eta} · diverged at update {update}",
    "explain.update": "{count} update",
    "explain.updates": "{count} updates",
})



def t(key: str, **values) -> str:
    """The string for key, filled with values."""
    template = ENGLISH[key]
    return template.format(**values) if values else template


def escaped(text) -> str:
    """Our own sentence as Markdown that shows exactly as written: every ASCII punctuation mark is escaped (CommonMark
    allows it for each), so no *, _, $, :, [, <, # or - in a number or formula starts markup."""
    return "".join("\\" + char if char in string.punctuation else char for char in str(text))


def markdown(key: str, **parts) -> str:
    """The string for key as Markdown: its own words escaped, the parts put in as given (each already Markdown,
    from escaped() or quoted())."""
    pieces = []
    for words, field, spec, _conversion in string.Formatter().parse(ENGLISH[key]):
        pieces.append(escaped(words))
        if field is not None:
            pieces.append(format(parts[field], spec or ""))
    return "".join(pieces)


def quoted(text) -> str:
    """Text a visitor typed or a link carried, as Markdown that shows it as text, whatever it holds.

    It becomes one inline code span, inside which neither CommonMark nor Streamlit's extensions read anything: no
    emphasis, links, HTML or entities (&lt; stays &lt;), directives (:red[…]), icons (:material/…:), emoji
    shortcodes or math. Every character that is not printable — line breaks and tabs (which could end the span or
    start a code block), invisible and bidirectional controls (U+202E would reverse the sentence around it) — is
    written as its visible escape (\\n, \\u202e). The fence is longer than any run of backticks inside.
    Streamlit rewrites every ":material/" of a Markdown source before parsing it, code spans included, so an
    invisible word joiner (U+2060) is put after that colon: the span still reads ":material/".
    """
    shown = "".join(char if char.isprintable() else char.encode("unicode_escape").decode("ascii")
                    for char in str(text)).replace(":material/", ":\u2060material/")
    fence = "`" * (1 + max((len(run) for run in re.findall("`+", shown)), default=0))
    return f"{fence} {shown} {fence}"  # CommonMark strips the one space on each side
