"""Every string a visitor reads, in two tables: English and Chinese (中文), the article's language.

Keys are dotted: "objective.quadratic.title", "status.converged", "label.eta". Values are str.format
templates; a control's range is filled in from its spec ({low}, {high}), never typed here.

Every new string comes in both languages, with the same placeholders: tests/test_text.py fails when a
key or a placeholder is missing from one table. The Chinese uses the article's own terms
(shared/glossary-zh.md) and full-width punctuation around Chinese words, numbers and formulas in ASCII.

t() speaks the language made current by speaking(lang): each view builder speaks its Run's language
and the page its visitor's, as a web framework activates a request's language (the value lives in a
ContextVar, so each Streamlit session's thread has its own).
"""

import re
import string
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
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
    "objective.quadratic.examples": "Where the 64 examples come from: J is the mean of 64 fixed terms jᵢ(θ) = (θ − xᵢ)² + cᵢ whose xᵢ lie around 2.5 in ± pairs, so the mean is exactly the article's curve; one example pulls towards its own xᵢ, hence the noise.",
    "objective.double_well.examples": "Where the 64 examples come from: J is the mean of 64 fixed terms jᵢ(θ), the curve tilted by a slope aᵢ; the slopes come in ± pairs and cancel in the mean, so one example gives a gradient off by its aᵢ, hence the noise.",
    "objective.quartic.examples": "Where the 64 examples come from: J is the mean of 64 fixed terms jᵢ(θ), the curve tilted by a slope aᵢ; the slopes come in ± pairs and cancel in the mean, so one example gives a gradient off by its aᵢ, hence the noise.",
    "objective.linear_regression.examples": "Where the 64 examples come from: 64 fixed points (xᵢ, yᵢ) with y ≈ 1.5·x plus noise, drawn once with a fixed seed; one example's gradient is that of its own squared error.",
    "objective.logistic_regression.examples": "Where the 64 examples come from: 64 fixed xᵢ with labels drawn once (with a fixed seed) from P(y = 1) = σ(2x); one example's gradient is that of its own cross-entropy.",
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
    "explain.stalled.why.small": "the steps became too small to make progress; try a smaller ε.",
    "explain.max_iter": "Hit the limit of {updates} before the stopping rule fired: θ = {theta}, gradient {grad}. "
                        "{advice}",
    "explain.max_iter.there": "Ran to the limit of {updates} and ended at a minimum: at θ = {theta} the gradient "
                              "{grad} is as small as the converged test asks, but {why}",
    "explain.max_iter.there.never": "with ε = 0 the stopping rule never fires, so only the limit ended the run.",
    "explain.max_iter.there.above": "the stopping rule's measure never fell below ε = {epsilon}.",
    "advice.noise": "The sampled examples keep θ moving around the minimum: a decaying learning-rate schedule or a "
                    "larger batch lets it settle; a larger η only adds noise.",
    "advice.monotone": "Each update closes only part of the gap from one side: raise the iteration limit, or pick a "
                       "larger η (up to 1/L = {one}, the fastest near the minimum).",
    "advice.oscillating": "Each update overshoots the minimum: raise the iteration limit, or pick a smaller η "
                          "(1/L = {one} is the fastest near the minimum; a larger η bounces or diverges).",
    "advice.limit": "Raise the iteration limit or ε.",
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
    "chart.final_theta": "final θ",
    "chart.unit.k_log": "updates k (log scale)",
    "chart.mean": "mean θₖ",
    "regime.monotone": "monotone",
    "regime.one_step": "one step",
    "regime.oscillating": "oscillating, converging",
    "regime.bouncing": "bouncing forever",
    "regime.diverging": "diverging",
    "chart.one_over_l": "1/L",
    "chart.two_over_l": "2/L",
    "chart.end.diverged": "✕ diverged at update {update}",
    "chart.end.beyond": "▶ goes on to update {update}",
    # the page
    "page.title": "Gradient descent, seen",
    "page.caption": "θ ← θ − η·∇J(θ): change a control and watch what the update does, for several "
                    "learning rates side by side. Numbers come from the gd engine; nothing is rounded until shown.",
    "link.unknown": "unknown link parameter “{name}” was ignored",
    "link.refused": "{name} must be {accepted}; the link gave “{raw}”, so the default is used",
    "error.cap": "This view would take up to {seconds} s and {megabytes} MB on the server ({runs} runs of up to "
                 "{limit} updates each), over what one view may cost ({cap_seconds} s, {cap_megabytes} MB).",
    "error.cap.fix": "Lower the iteration limit to {fits} or less{fewer}.",
    "error.cap.fewer.compare": ", or compare fewer η",
    "error.cap.fewer.theory": ", or use fewer sweep points or compared η",
    "error.cap.fewer.noise": ", or use fewer seeds",
    "error.cap.fewer.stopping": "",
    "error.cap.button": "Set the iteration limit to {fits}",
    "error.parameter": "{name} must be {accepted}.",
    "error.cap.kept": "Below: this view for the last settings that fitted.",
    "input.kept": "{name} must be {accepted}; “{value}” is not, so the run keeps {kept}.",
    "input.empty": "{name} is empty, so the run keeps {kept}. Type {accepted}.",
    "page.link_problems": "Some values in this link were not usable, so their controls start at the default: {problems}.",
    "section.run": "Your run: η = {eta}",
    "section.compare.caption": "Each panel is one η on the same curve and the same axes: ◆ are the points θ₀ → θₖ "
                               "the update visited. What leaves the plot is cut at its edge, and drawn again if it comes back; "
                               "a ▲ or ◀ ▶ on the edge says where the run went, with its value.",
    "section.convergence": "How fast each η closes the gap",
    "section.convergence.caption": "J(θₖ) − J* on a log scale: a straight falling line is linear convergence; "
                                   "hover a line to pick it out.",
    "section.convergence.same": " Lines coincide here, each pair drawing one line: {pairs}.",
    "section.convergence.horizon": " The axis ends at update {last}, 1.5 times the longest run that stopped on its own; ▶ marks each run that goes on, with its last update.",
    "section.convergence.diverged": " ✕ marks the update where a run diverged.",
    "section.convergence.same.parabola": " Lines coincide here, each pair drawing one line: {pairs}. On a parabola "
                                         "η and 2/L − η shrink the gap by the same factor (1 − ηL)² per update.",
    "section.convergence.pair": "η = {first} and η = {second}",
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
    "theory.flat": "This objective is flat at its minimum θ* = {minimizer} (J''(θ*) = 0): no parabola fits its "
                   "bottom, so there is no closed form. The steps shrink with the gradient and descent slows to a crawl; "
                   "the sweep below shows it.",
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
    "stopping.line": "{rule}: {sentence}",
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
    "geometry.zoomed": " The run has left the plot: the axes follow it, {times} times as wide as the plot.",
    "noise.batch": "Batch descent uses every example at every update, so it has no noise. Pick Stochastic or "
                   "Mini-batch in the sidebar to see how the sampled examples spread the runs.",
    "noise.switch": "Switch to stochastic descent",
    "noise.caption": "{seeds} runs of {variant} descent that differ only in the random seed that picks the "
                     "examples: the line is the mean θₖ, the band holds the middle 80 % of the runs, the dashed "
                     "line is the minimizer.",
    "noise.spread": "Where the seeds end: θ from {low} to {high}, mean {mean}, standard deviation {sd}. Updates to stop: from {first} to {last}, median {median} ({statuses}).",
    "predict.caption": "Pick an η for your current settings and say what you expect before you run it.",
    "predict.run": "Run it",
    "predict.verdict": "{points}/2: it {outcome} ({updates}). Your total: {total} of {possible}.",
    "predict.theory": "Theory: η is in the {regime} regime, so the run {outcome}, and the rule should end it after {updates}.",
    "outcome.converges": "converges",
    "outcome.zigzags": "zig-zags in",
    "outcome.stops_short": "stops short",
    "outcome.diverges": "diverges",
    "outcome.converges.help": "ends at the minimum, reached from one side",
    "outcome.zigzags.help": "ends at the minimum, crossing it back and forth on the way",
    "outcome.stops_short.help": "ends away from a minimum: the rule fooled, bouncing forever, or the limit first",
    "outcome.diverges.help": "every step overshoots further, until |θ| is huge",
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
    "hyperparameter.momentum": "Momentum μ",
    "hyperparameter.alpha": "Smoothing α",
    "hyperparameter.beta1": "β₁ (first moment)",
    "hyperparameter.beta2": "β₂ (second moment)",
    "hyperparameter.eps": "eps (added to the denominator)",
    "hyperparameter.gamma": "Factor γ",
    "hyperparameter.every": "Every k updates",
    "hyperparameter.period": "Period T (updates)",
    "hyperparameter.floor": "Floor f (fraction of η)",
    "hyperparameter.power": "Power p",
    "help.hyperparameter": "{name}: {accepted}.",
    "panel.title": "η = {eta} · {updates} · {status}",
    "panel.diverged": "η = {eta} · diverged at update {update}",
    "explain.update": "{count} update",
    "explain.updates": "{count} updates",
    "accepted.number": "a finite number",
    "accepted.numbers": "a finite number {bounds}",
    "accepted.at_least": "≥ {value}",
    "accepted.above": "> {value}",
    "accepted.at_most": "≤ {value}",
    "accepted.below": "< {value}",
    "accepted.and": " and ",
    "accepted.integers": "an integer from {low} to {high}",
    "accepted.one_of": "one of {options}",
    "accepted.etas": "1 to {count} learning rates separated by commas",
    "list.separator": ", ",
    "article.title": "The article's code, with your numbers",
    "article.limit": "the article's loop had no limit: η > 1 would never end",
    "article.note": "Run it and it prints exactly the numbers above: the lab's engine makes the same updates.",
    "article.other": "The article's loop is plain gradient descent on its own curve with the |ΔJ| < ε rule; this is "
                     "what it prints with your η, θ₀, ε and limit (your run above uses other settings).",
    "article.diverged": "With this η it overflows: θ reaches inf and J(θ) nan, and without the limit it would never "
                        "end; the lab calls the run diverged at update {updates}, when |θ| passes its bound.",
    "article.printed": "It prints:",
    "preset.caption": "Lessons in one click:",
    "preset.article": "The article's run",
    "preset.article.help": "η = 0.1 from θ₀ = 0 on the article's curve: 45 updates, the numbers the article prints.",
    "preset.trap": "The η = 1 trap",
    "preset.trap.help": "η = 1 jumps from 0 to 5, J(5) = J(0), and the article's |ΔJ| < ε rule stops after one update.",
    "preset.diverge": "Divergence at 1.1",
    "preset.diverge.help": "η = 1.1 is past 2/L = 1: every step overshoots the minimum further than the last.",
    "preset.noise": "Stochastic noise",
    "preset.noise.help": "One example per update: the paths of 20 seeds spread around the minimum.",
    "preset.rescue": "A decaying η to the rescue",
    "preset.rescue.help": "η = 1.1 with exponential decay: it diverges at first, then the shrinking η brings it back.",
    "share.title": "Share",
    "share.caption": "This link reopens exactly this view, in this language:",
    "language.label": "语言 / Language",  # the switch: each language named in itself, the same in both tables
    "language.zh": "中文",
    "language.en": "English",
    # 2-D maps (gd/lab/maps.py)
    "map.level": "contour J =",
    "map.eigen": "eigen-direction, λ = {value}",
    "map.minimum": "minimum",
    "map.saddle": "saddle point",
    "map.rule": "update rule",
    "map.rate": "rate per update",
    "map.diverges": "diverges (rate ≥ 1)",
    "map.momentum.best": "theory's best: rate {rate}",
    "map.momentum.chosen": "your η and β",
    "map.label": "label y (0 or 1)",
    "map.fit": "fitted value",
    "map.seed": "seed",
    "map.update": "Update {number}: at θ{here} = {theta} the gradient is ∇J = {grad}; the step lands at θ{after} = {next}.",
    "map.caption": "Contour lines of J over a shaded background; ◆ minimum, + saddle point; dashed lines: the "
                   "eigen-directions through the minimum. A run that leaves the map is marked on its edge with its value.",
    "map.race.caption": "Every update rule from the same start, each with its own η (the one of 1, 2, 5 × 10ᵏ that "
                        "reaches a minimum in the fewest updates, unless you change it). Move the step to see how far "
                        "each has come.",
    "map.momentum.caption": "How fast momentum converges on the ravine for each η and β: the factor by which the distance "
                            "to the minimum shrinks per update, measured over {updates} updates. Grey cells diverge. ◇ theory's best "
                            "pair, ○ your η and β.",
    "map.regression.caption": "Each point (w, b) on the map is one model: the line (or sigmoid) beside it is the model at "
                              "update k of the run.",
    "map.noise.caption": "Where {seeds} runs with different random seeds end: noise spreads them around the minimum.",
})

CHINESE = MappingProxyType({  # the same keys and placeholders as ENGLISH, in the same order
    "objective.quadratic.title": "文章中的抛物线",
    "objective.quadratic.description": "J(θ) = (θ − 2.5)² − 1：只有一个最小值，位于 θ = 2.5，曲率 L = 2。",
    "objective.double_well.title": "双谷函数",
    "objective.double_well.description": "两个深浅不同的谷：从哪里出发，决定了最后落入哪一个。",
    "objective.quartic.title": "平底函数",
    "objective.quartic.description": "J(θ) = (θ − 1)⁴：越靠近最小值，梯度消失得越快，所以下降会越来越慢。",
    "objective.linear_regression.title": "线性回归（MSE）",
    "objective.linear_regression.description": "用均方误差拟合 64 个固定的数据点，求 y ≈ w·x 的斜率 w。",
    "objective.logistic_regression.title": "逻辑回归（交叉熵）",
    "objective.logistic_regression.description": "用交叉熵拟合 64 个固定的标签，求 P(y = 1) = σ(w·x) 的权重 w。",
    "objective.quadratic.examples": "64 个样本从哪里来：J 是 64 个固定项 jᵢ(θ) = (θ − xᵢ)² + cᵢ 的平均，xᵢ 成对（±）分布在 2.5 两侧，所以平均起来正好是文章的曲线；单个样本把 θ 拉向它自己的 xᵢ，这就是噪声的来源。",
    "objective.double_well.examples": "64 个样本从哪里来：J 是 64 个固定项 jᵢ(θ) 的平均，每一项是把曲线倾斜一个斜率 aᵢ；斜率成对（±）出现，平均时相互抵消，所以单个样本的梯度偏差 aᵢ，这就是噪声的来源。",
    "objective.quartic.examples": "64 个样本从哪里来：J 是 64 个固定项 jᵢ(θ) 的平均，每一项是把曲线倾斜一个斜率 aᵢ；斜率成对（±）出现，平均时相互抵消，所以单个样本的梯度偏差 aᵢ，这就是噪声的来源。",
    "objective.linear_regression.examples": "64 个样本从哪里来：64 个固定的点 (xᵢ, yᵢ)，y ≈ 1.5·x 加上噪声，用固定的随机种子一次生成；单个样本的梯度就是它自己的平方误差的梯度。",
    "objective.logistic_regression.examples": "64 个样本从哪里来：64 个固定的 xᵢ，标签按 P(y = 1) = σ(2x) 用固定的随机种子一次抽出；单个样本的梯度就是它自己的交叉熵的梯度。",
    "variant.batch.title": "批量梯度下降（BGD）",
    "variant.batch.description": "每次更新都用整个数据集的梯度：平滑、准确，但计算开销大。",
    "variant.sgd.title": "随机梯度下降（SGD）",
    "variant.sgd.description": "每次更新只用一个随机样本的梯度：计算便宜，但噪声大。",
    "variant.minibatch.title": "小批量梯度下降（Mini-Batch GD）",
    "variant.minibatch.description": "每次更新用一小批随机样本的梯度：两者的折中。",
    "optimizer.gd.title": "普通梯度下降",
    "optimizer.gd.description": "文章中的规则：沿梯度的反方向走一步，步长按 η 缩放。",
    "optimizer.momentum.title": "动量",
    "optimizer.momentum.description": "累积过去的梯度，所以沿着坡度一致的方向，步子会越走越快。",
    "optimizer.nesterov.title": "Nesterov 动量",
    "optimizer.nesterov.description": "先向前看一步、再加上梯度的动量法。",
    "optimizer.adagrad.title": "Adagrad",
    "optimizer.adagrad.description": "用到目前为止所有梯度平方和的平方根去除 η：步长只会越来越小。",
    "optimizer.rmsprop.title": "RMSprop",
    "optimizer.rmsprop.description": "用近期梯度的滑动均方根去除 η。",
    "optimizer.adam.title": "Adam",
    "optimizer.adam.description": "动量与 RMSprop 的结合，并对最初几次更新做偏差修正。",
    "schedule.constant.title": "固定",
    "schedule.constant.description": "每次更新时 η 都保持不变。",
    "schedule.step.title": "阶梯衰减",
    "schedule.step.description": "每 k 次更新，η 乘以一次 γ。",
    "schedule.exponential.title": "指数衰减",
    "schedule.exponential.description": "η·γᵗ：每次更新都变小一点。",
    "schedule.inverse_time.title": "逆时衰减",
    "schedule.inverse_time.description": "η / (1 + γ·t)：像 1/t 那样减小。",
    "schedule.cosine.title": "余弦退火",
    "schedule.cosine.description": "η 沿半个余弦曲线，在 `period` 次更新内降到 floor·η，之后保持不变。",
    "schedule.invscaling.title": "反比缩放（scikit-learn）",
    "schedule.invscaling.description": "η / (t + 1)^power：即 scikit-learn 的 invscaling。",
    "stop.loss_change.title": "|ΔJ| < ε（文章的做法）",
    "stop.loss_change.description": "一次更新中损失的变化小于 ε 时停止。",
    "stop.grad_norm.title": "|dJ| < ε",
    "stop.grad_norm.description": "梯度小于 ε 时停止。",
    "stop.step_size.title": "|Δθ| < ε",
    "stop.step_size.description": "一次更新中 θ 的移动小于 ε 时停止。",
    "stop.no_improvement.title": "连续 5 次更新没有改进",
    "stop.no_improvement.description": "J 连续 5 次更新都没有比此前的最优值再降低 ε 时停止（即 scikit-learn 的 n_iter_no_change）。",
    "status.converged": "已收敛",
    "status.stalled": "停滞",
    "status.max_iter": "达到上限",
    "status.diverged": "已发散",
    "explain.converged": "{updates}后收敛：停止条件在 θ = {theta} 处触发，这里的梯度 {grad} 与最初的梯度（{grad0}）相比已经很小。",
    "explain.stalled": "{updates}后停滞：停止条件触发是因为 {reason}，但 θ = {theta} 处的梯度仍为 {grad}——{why}",
    "explain.stalled.loss_change": "J({theta}) = J({previous})（相差不到 ε）",
    "explain.stalled.grad_norm": "|dJ| 已低于 ε",
    "explain.stalled.step_size": "θ 的移动小于 ε",
    "explain.stalled.no_improvement": "J 连续 5 次更新都没有改进 ε 以上",
    "explain.stalled.why.jump": "迭代点在最小值两侧来回跳，而不是在逼近它。",
    "explain.stalled.why.slow": "步子变得太小，已经无法前进；试试更大的 η 或更小的 ε。",
    "explain.stalled.why.small": "步子变得太小，已经无法前进；试试更小的 ε。",
    "explain.max_iter": "已达到 {updates}的上限，停止条件仍未触发：θ = {theta}，梯度为 {grad}。{advice}",
    "explain.max_iter.there": "运行到了 {updates}的上限，并且停在了最小值处：θ = {theta} 处的梯度 {grad} 已经小到满足收敛的判定，但{why}",
    "explain.max_iter.there.never": "ε = 0 时停止条件永远不会触发，所以只有迭代次数上限结束了这次运行。",
    "explain.max_iter.there.above": "停止条件的度量始终没有低于 ε = {epsilon}。",
    "advice.noise": "抽到的样本让 θ 一直在最小值附近晃动：用衰减的学习率调度或更大的批量能让它稳定下来；更大的 η 只会增加噪声。",
    "advice.monotone": "每次更新只从一侧缩小一部分差距：可以提高迭代次数上限，或选用更大的 η（最大到 1/L = {one}，在最小值附近最快）。",
    "advice.oscillating": "每次更新都越过了最小值：可以提高迭代次数上限，或选用更小的 η（1/L = {one} 在最小值附近最快；更大的 η 会来回弹跳或发散）。",
    "advice.limit": "可以提高迭代次数上限或 ε。",
    "explain.max_iter.stuck": "已达到 {updates}的上限，却没有更接近最小值：θ = {theta} 处的梯度仍为 {grad}，和出发时一样大，说明迭代点在来回弹跳，而不是在下降。再多的更新也没有用：请选用更小的 η。",
    "explain.diverged": "在第 {updates} 次更新时发散：{what}；每一步越过最小值都比上一步更远。η = {eta} 在这里太大了{limit}。",
    "explain.diverged.start": "第一次更新之前就已发散：θ₀ = {theta0} 处的 J(θ₀) 太大，超出了浮点数的表示范围。请从离最小值更近的地方出发。",
    "explain.diverged.limit": "（超过了稳定性上限 2/L = {limit}）",
    "explain.diverged.theta": "|θ| 超过了 {bound}",
    "explain.diverged.loss": "J(θ) 溢出为无穷大",
    "chart.status": "状态",
    "chart.gap": "J(θₖ) − J*",
    "chart.updates": "停止前的更新次数",
    "chart.final_grad": "最终 |dJ(θ)|",
    "chart.unit.k": "更新次数 k",
    "chart.unit.epochs": "轮（epoch）数（每轮遍历 64 个样本）",
    "chart.unit.examples": "用到的样本数",
    "chart.regime": "区间",
    "chart.seeds": "随机种子数",
    "chart.final_theta": "最终 θ",
    "chart.unit.k_log": "更新次数 k（对数坐标）",
    "chart.mean": "θₖ 的均值",
    "regime.monotone": "单调逼近",
    "regime.one_step": "一步到位",
    "regime.oscillating": "振荡收敛",
    "regime.bouncing": "永远来回跳",
    "regime.diverging": "发散",
    "chart.one_over_l": "1/L",
    "chart.two_over_l": "2/L",
    "chart.end.diverged": "✕ 第 {update} 次更新时发散",
    "chart.end.beyond": "▶ 继续到第 {update} 次更新",
    "page.title": "看得见的梯度下降",
    "page.caption": "θ ← θ − η·∇J(θ)：改动一个控件，看看更新会怎样变化，几个学习率并排对比。所有数值都直接来自计算引擎，只在显示时才取舍位数。",
    "link.unknown": "未知的链接参数「{name}」已被忽略",
    "link.refused": "{name} 必须是 {accepted}；链接给出的是「{raw}」，因此改用默认值",
    "error.cap": "这个视图在服务器上最多需要 {seconds} 秒和 {megabytes} MB（{runs} 次运行，每次最多 {limit} 次更新），超过了一个视图允许的开销（{cap_seconds} 秒，{cap_megabytes} MB）。",
    "error.cap.fix": "请把迭代次数上限降到 {fits} 或以下{fewer}。",
    "error.cap.fewer.compare": "，或者少对比几个 η",
    "error.cap.fewer.theory": "，或者减少扫描点数或对比的 η",
    "error.cap.fewer.noise": "，或者减少随机种子数",
    "error.cap.fewer.stopping": "",
    "error.cap.button": "把迭代次数上限设为 {fits}",
    "error.parameter": "{name} 必须是 {accepted}。",
    "error.cap.kept": "下面是这个视图在上一组未超限的设置下的结果。",
    "input.kept": "{name} 必须是 {accepted}；「{value}」不符合要求，所以运行仍用 {kept}。",
    "input.empty": "{name} 为空，所以运行仍用 {kept}。请输入{accepted}。",
    "page.link_problems": "这个链接中有些值无法使用，对应的控件已恢复为默认值：{problems}。",
    "section.run": "你的运行：η = {eta}",
    "section.compare.caption": "每个面板是同一条曲线、同一坐标轴上的一个 η：◆ 是更新依次经过的点 θ₀ → θₖ。跑出图外的部分在边缘截断，回到图内时会再画出来；边缘上的 ▲ 或 ◀ ▶ 标出运行去了哪里，并写出它的值。",
    "section.convergence": "每个 η 缩小差距有多快",
    "section.convergence.caption": "对数坐标下的 J(θₖ) − J*：一条笔直下降的线就是线性收敛；把鼠标悬停在一条线上可以突出显示它。",
    "section.convergence.same": "这里有线重合，每一对画出的是同一条线：{pairs}。",
    "section.convergence.horizon": "横轴止于第 {last} 次更新，即自行停下的运行中最长那次的 1.5 倍；▶ 标出继续运行的每一次，并写出它的最后一次更新。",
    "section.convergence.diverged": "✕ 标出运行发散的那次更新。",
    "section.convergence.same.parabola": "这里有线重合，每一对画出的是同一条线：{pairs}。在抛物线上，η 和 2/L − η 每次更新都把差距乘以同一个因子 (1 − ηL)²。",
    "section.convergence.pair": "η = {first} 和 η = {second}",
    "section.table": "最终数值",
    "section.sweep": "学习率扫描（即文章中的网格搜索）",
    "section.sweep.caption": "理论适用的地方会着色：蓝色 η < 1/L，从一侧单调逼近；黄色 1/L < η < 2/L，振荡但收敛；红色 η > 2/L，发散。共 {points} 个 η 值，从 {low} 到 {high}，其余设置相同。◆ 标出用最少更新次数收敛的 η{best}。曲率 L 已知时，虚线标出 η = 1/L 和稳定性上限 η = 2/L。",
    "section.sweep.best": "（η = {eta}，{updates}）",
    "section.sweep.none": "这个范围内没有一个 η 收敛：请扩大范围，或提高迭代次数上限。",
    "section.schedule": "学习率随更新的变化（{title}）",
    "view.compare": "并排对比",
    "view.theory": "理论解释",
    "view.stopping": "停止条件",
    "view.geometry": "单步更新",
    "view.noise": "噪声",
    "view.predict": "先预测，再运行",
    "theory.intro": "在抛物线 J(θ) = J* + (L/2)(θ − θ*)² 上，普通梯度下降有闭式解：每次更新，到最小值的距离都乘以 r = 1 − ηL。所以一切由 |r| 决定：η < 1/L 时从一侧慢慢逼近，η = 1/L 时一步到位，1/L < η < 2/L 时会越过最小值但仍不断靠近，η = 2/L 时在两点之间永远来回跳，η > 2/L 时则越跳越远。",
    "theory.exact": "这个目标函数是 L = {curvature} 的抛物线，所以下面的预测是精确的（舍入误差可能让临界点相差一次更新）：1/L = {one}，2/L = {two}。",
    "theory.local": "这个目标函数不是抛物线。在它的最小值 θ* = {minimizer} 附近，它弯曲得像一条 L = J''(θ*) = {curvature} 的抛物线，所以下面的预测只在局部成立：紧挨 θ* 时准确，离得远就不准了（1/L = {one}，2/L = {two}）。",
    "theory.flat": "这个目标函数在最小值 θ* = {minimizer} 处是平的（J''(θ*) = 0）：没有抛物线能贴合它的底部，所以没有闭式解。步长随梯度一起变小，下降越来越慢；下面的扫描能看到这一点。",
    "theory.none": "只有普通梯度下降、全批量、固定 η 时才有闭式解。在侧边栏选择这些设置即可看到预测；下面的扫描仍然会显示实际发生了什么。",
    "stopping.caption": "你的运行（侧边栏中的 η 和设置）在每种停止条件下的结果，并排对比：每种条件在哪里停下，停下的地方是不是最小值。最后一列没有停止条件：只有迭代次数上限能结束它。",
    "stopping.trap": "展示文章中的陷阱（η = 1）",
    "stopping.trap.help": "设为文章中的曲线、θ₀ = 0、η = 1 和 |ΔJ| < ε 停止条件：J(5) = J(0)，所以这个条件在一次更新后就触发，而此时离最小值还很远。",
    "stopping.yes": "是",
    "stopping.no": "否",
    "stop.none.title": "只靠迭代次数上限",
    "stopping.line": "{rule}：{sentence}",
    "geometry.caption": "为什么有个负号：更新让 θ 逆着斜率移动。逐一查看这次运行的前 {steps} 次更新，或者点击播放。",
    "geometry.play": "播放",
    "geometry.play.help": "每 {seconds} 秒显示下一次更新，直到最后一次。",
    "geometry.pause": "暂停",
    "geometry.none": "你的运行没有做任何更新（它在 θ₀ 处就已发散），所以没有可画的步子。",
    "geometry.gd": "第 {number} 次更新：在 θ{here} = {theta} 处，斜率 dJ = {slope}。更新加上 −η·dJ = −{eta} × ({slope}) = {step}，所以 θ{after} = {next}：{direction}",
    "geometry.other": "第 {number} 次更新：在 θ{here} = {theta} 处，J 的斜率 dJ = {slope}。实际走的一步是 {step}，到达 θ{after} = {next}，并不正好等于 −η·dJ：更新规则、学习率调度或抽到的样本改变了它。不过，{direction}",
    "geometry.right": "斜率为负（向右是下坡），所以负斜率方向指向右边。",
    "geometry.left": "斜率为正（向左是下坡），所以负斜率方向指向左边。",
    "geometry.still": "这里斜率为零，所以 θ 原地不动。",
    "geometry.zoomed": "运行已经跑出了原图：坐标轴跟着它放大，宽度是原图的 {times} 倍。",
    "noise.batch": "批量梯度下降每次更新都用全部样本，所以没有噪声。在侧边栏选择「随机」或「小批量」，看看抽到的样本如何让各次运行散开。",
    "noise.switch": "切换到随机梯度下降",
    "noise.caption": "{seeds} 次{variant}的运行，只有挑选样本的随机种子不同：实线是 θₖ 的均值，色带覆盖中间 80% 的运行，虚线是最小值点。",
    "noise.spread": "各个随机种子停在哪里：θ 从 {low} 到 {high}，均值 {mean}，标准差 {sd}。停止前的更新次数：从 {first} 到 {last}，中位数 {median}（{statuses}）。",
    "predict.caption": "为当前设置选一个 η，先说出你的预期，再运行它。",
    "predict.run": "运行",
    "predict.verdict": "得分 {points}/2：结果是「{outcome}」，共 {updates}。你的累计得分：{total}（满分 {possible}）。",
    "predict.theory": "理论：η 处于「{regime}」区间，所以运行会「{outcome}」，停止条件应在 {updates}后结束运行。",
    "outcome.converges": "收敛",
    "outcome.zigzags": "振荡着收敛",
    "outcome.stops_short": "没到最小值就停下",
    "outcome.diverges": "发散",
    "outcome.converges.help": "停在最小值处，一直从同一侧逼近",
    "outcome.zigzags.help": "停在最小值处，途中在它两侧来回穿过",
    "outcome.stops_short.help": "停在离最小值较远处：停止条件被骗、永远来回跳，或先到了迭代上限",
    "outcome.diverges.help": "每一步都越过得更远，直到 |θ| 变得极大",
    "bucket.0": "1–10",
    "bucket.1": "11–100",
    "bucket.2": "101–1,000",
    "bucket.3": "更多",
    "column.regime": "区间",
    "column.predicted": "预测更新次数",
    "column.predicted_status": "预测状态",
    "column.rule": "停止条件",
    "column.at_minimum": "在最小值处？",
    "section.formulas": "本次运行背后的公式",
    "formula.objective": "目标函数",
    "formula.optimizer": "更新规则（{title}）",
    "formula.schedule": "学习率（{title}）",
    "formula.stop": "停止条件（{title}）；ε = {epsilon}",
    "download.csv": "下载轨迹点（CSV）",
    "download.csv.help": "上面各次运行的每次更新，每次运行最多 {limit:,} 个点（运行更长时：保留前 {half:,} 个，之后按对数间隔取点，最后一个总会保留），保留全部精度。列名保持便于程序读取的英文：eta、k、theta、loss、grad。",
    "metric.exact": "精确值（按文章打印的方式）：θ = {theta}，dJ(θ) = {grad}，J(θ) = {loss}",
    "metric.theta": "最终 θ",
    "metric.grad": "dJ(θ)",
    "metric.loss": "J(θ)",
    "metric.updates": "更新次数",
    "metric.status": "状态",
    "metric.theta.help": "运行结束时的位置。文章中的运行结束于 θ = 2.499891109642585。",
    "metric.grad.help": "最终 θ 处的斜率：在最小值处为零。",
    "metric.loss.help": "最终 θ 处的损失；文章中曲线的最小值是 −1。",
    "metric.updates.help": "运行结束前做了多少次更新（历史记录比它多一个点）。",
    "metric.status.help": "已收敛：停止条件在最小值附近触发；停滞：在远离最小值处触发；达到迭代次数上限：停止条件始终没有触发；已发散：θ 或 J 超出了有限数值的范围。",
    "column.eta": "η",
    "column.updates": "更新次数",
    "column.theta": "最终 θ",
    "column.loss": "J(θ)",
    "column.grad": "dJ(θ)",
    "column.status": "状态",
    "sidebar.problem": "问题",
    "sidebar.descent": "梯度下降",
    "sidebar.stopping": "停止",
    "sidebar.compare": "对比与扫描",
    "label.objective": "目标函数 J(θ)",
    "help.objective": "梯度下降要最小化的函数。第一个就是文章中的例子。",
    "label.theta0": "起点 θ₀",
    "help.theta0": "梯度下降的出发点，范围 {low} 到 {high}。在双谷函数上，它决定你会落入哪个谷。",
    "label.eta": "学习率 η",
    "help.eta": "θ ← θ − η·∇J(θ) 中的步长，范围 {low} 到 {high}。在文章的曲线上，η > 1 会发散。",
    "label.epsilon": "容差 ε",
    "help.epsilon": "停止条件的度量值低于 ε 时触发（范围 {low} 到 {high}；0 表示永不触发，一直运行到上限）。",
    "label.variant": "变种",
    "help.variant": "每次更新的梯度基于哪些样本计算：全部样本、一个样本，还是一小批。",
    "label.batch_size": "批量大小",
    "help.batch_size": "小批量梯度下降每次更新用的样本数，{low} 到 {high}（数据集共有 64 个样本）。",
    "label.seed": "随机种子",
    "help.seed": "样本抽样的随机种子（{low} 到 {high}）：种子相同，运行结果就相同。",
    "label.optimizer": "更新规则",
    "help.optimizer": "普通梯度下降，或文章提到的某种自适应方法（公式与 torch.optim 相同）。",
    "label.schedule": "学习率调度",
    "help.schedule": "η 如何随更新变化（即文章中的学习率衰减）。",
    "label.stop": "停止条件",
    "help.stop": "「损失收敛到一个稳定的值」具体指什么：文章的做法是 J 的变化小于 ε 时停止。",
    "label.max_iter": "迭代次数上限",
    "help.max_iter": "任何运行的更新次数都不会超过这个值（{low} 到 {high}）。文章中的循环没有上限。",
    "label.etas": "要对比的 η 值",
    "help.etas": "最多 {count} 个学习率，用半角逗号 , 分隔，每个在 {low} 到 {high} 之间。",
    "label.seeds": "种子数（噪声视图）",
    "help.seeds": "噪声视图用多少个不同的随机种子运行，{low} 到 {high}。",
    "label.unit": "横轴计量",
    "help.unit": "用更新次数、轮（epoch）数（遍历数据集的次数）或用到的样本数来计量下降的代价：这样批量、随机和小批量梯度下降就能在相同代价下比较。",
    "label.step": "第几次更新",
    "help.step": "要画哪一次更新：第 k 次从 θₖ₋₁ 走到 θₖ（你的运行的前 {steps} 次更新）。",
    "label.guess_eta": "你的 η",
    "label.guess_outcome": "会发生什么？",
    "label.guess_updates": "大约多少次更新后结束？",
    "label.sweep_low": "扫描起点 η",
    "help.sweep_low": "扫描的最小 η，{low} 到 {high}。",
    "label.sweep_high": "扫描终点 η",
    "help.sweep_high": "扫描的最大 η，{low} 到 {high}。",
    "label.sweep_points": "扫描点数",
    "help.sweep_points": "扫描按对数间隔取多少个 η 值，{low} 到 {high}。",
    "hyperparameter.momentum": "动量 μ",
    "hyperparameter.alpha": "平滑系数 α",
    "hyperparameter.beta1": "β₁（一阶矩）",
    "hyperparameter.beta2": "β₂（二阶矩）",
    "hyperparameter.eps": "eps（加在分母上）",
    "hyperparameter.gamma": "衰减因子 γ",
    "hyperparameter.every": "每 k 次更新",
    "hyperparameter.period": "周期 T（次更新）",
    "hyperparameter.floor": "下限 f（η 的比例）",
    "hyperparameter.power": "指数 p",
    "help.hyperparameter": "{name}：{accepted}。",
    "panel.title": "η = {eta} · {updates} · {status}",
    "panel.diverged": "η = {eta} · 第 {update} 次更新时发散",
    "explain.update": "{count} 次更新",
    "explain.updates": "{count} 次更新",
    "accepted.number": "有限的数",
    "accepted.numbers": "{bounds} 的有限数",
    "accepted.at_least": "≥ {value}",
    "accepted.above": "> {value}",
    "accepted.at_most": "≤ {value}",
    "accepted.below": "< {value}",
    "accepted.and": " 且 ",
    "accepted.integers": "{low} 到 {high} 之间的整数",
    "accepted.one_of": "以下之一：{options}",
    "accepted.etas": "1 到 {count} 个学习率，用逗号分隔",
    "list.separator": "，",
    "article.title": "文章中的代码，填上你的数值",
    "article.limit": "文章的循环没有上限：η > 1 时永远不会结束",
    "article.note": "运行它，打印出的正是上面的数值：实验室的引擎做的是同样的更新。",
    "article.other": "文章的循环是在它自己的曲线上、用 |ΔJ| < ε 停止条件的普通梯度下降；这是它用你的 η、θ₀、ε 和上限打印出的结果（上面你的运行用的是别的设置）。",
    "article.diverged": "这个 η 会让它溢出：θ 变成 inf，J(θ) 变成 nan，没有上限的话永远不会结束；实验室在第 {updates} 次更新、|θ| 超过界限时把这次运行判为已发散。",
    "article.printed": "它会打印：",
    "preset.caption": "一键打开的课程：",
    "preset.article": "文章中的例子",
    "preset.article.help": "在文章的曲线上从 θ₀ = 0 出发，η = 0.1：45 次更新，数值与文章打印的一致。",
    "preset.trap": "η = 1 的陷阱",
    "preset.trap.help": "η = 1 从 0 跳到 5，J(5) = J(0)，文章的 |ΔJ| < ε 停止条件在一次更新后就停了。",
    "preset.diverge": "η = 1.1 时发散",
    "preset.diverge.help": "η = 1.1 超过了 2/L = 1：每一步越过最小值都比上一步更远。",
    "preset.noise": "随机梯度的噪声",
    "preset.noise.help": "每次更新只用一个样本：20 个随机种子的轨迹散布在最小值周围。",
    "preset.rescue": "学习率衰减来救场",
    "preset.rescue.help": "η = 1.1 加上指数衰减：起初发散，随后不断变小的 η 又把它拉了回来。",
    "share.title": "分享",
    "share.caption": "这个链接会原样打开这个视图，并使用这种语言：",
    "language.label": "语言 / Language",
    "language.zh": "中文",
    "language.en": "English",
    # 2-D maps (gd/lab/maps.py)
    "map.level": "等高线 J =",
    "map.eigen": "特征向量方向，λ = {value}",
    "map.minimum": "最小值",
    "map.saddle": "鞍点",
    "map.rule": "更新规则",
    "map.rate": "每次更新的收敛速率",
    "map.diverges": "发散（速率 ≥ 1）",
    "map.momentum.best": "理论最优：速率 {rate}",
    "map.momentum.chosen": "你选的 η 和 β",
    "map.label": "标签 y（0 或 1）",
    "map.fit": "拟合值",
    "map.seed": "随机种子",
    "map.update": "第 {number} 次更新：在 θ{here} = {theta} 处，梯度 ∇J = {grad}；这一步到达 θ{after} = {next}。",
    "map.caption": "阴影背景上画的是 J 的等高线；◆ 是最小值，+ 是鞍点；虚线是穿过最小值的特征向量方向。跑出地图的运行，"
                   "会在地图边缘标出它的位置和数值。",
    "map.race.caption": "所有更新规则从同一个起点出发，各用自己的学习率 η（默认取 1、2、5 × 10ᵏ 中用最少更新次数到达最小值的"
                        "那一个，你也可以改）。拖动步数，看每一种走到了哪里。",
    "map.momentum.caption": "在峡谷函数上，动量法对每一组 η 和 β 收敛得有多快：到最小值的距离每次更新缩小的倍数，"
                            "在 {updates} 次更新中测得。灰色格子表示发散。◇ 是理论上的最优组合，○ 是你选的 η 和 β。",
    "map.regression.caption": "地图上的每一个点 (w, b) 都是一个模型：旁边的直线（或 S 形曲线）就是这次运行第 k 次更新时的模型。",
    "map.noise.caption": "用 {seeds} 个不同随机种子的运行最后停在哪里：噪声让它们散布在最小值周围。",
})




LANGUAGES = ("zh", "en")  # as the language switch offers them
TABLES = MappingProxyType({"en": ENGLISH, "zh": CHINESE})
_SPOKEN: ContextVar[str] = ContextVar("language", default="en")


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """Within the block, t() and markdown() speak language ("zh" or "en")."""
    if language not in TABLES:
        raise ValueError(f"no string table for language {language!r}")
    token = _SPOKEN.set(language)
    try:
        yield
    finally:
        _SPOKEN.reset(token)


def spoken() -> str:
    return _SPOKEN.get()


def language_of(locale: str | None) -> str:
    """The lab's language for a browser's locale ("zh-CN", "zh-Hant-TW" → zh; anything else → en)."""
    return "zh" if str(locale or "").lower().split("-")[0] == "zh" else "en"


def labels(key: str) -> Callable[[object], str]:
    """A widget's format_func: option → the string for key.format(option) in the language current now. Bound
    now, because Streamlit may call it after the script run (AppTest does), outside speaking()."""
    table = TABLES[_SPOKEN.get()]
    return lambda option: table[key.format(option)]


def has(key: str) -> bool:
    return key in ENGLISH


def t(key: str, **values) -> str:
    """The string for key in the current language, filled with values."""
    template = TABLES[_SPOKEN.get()][key]
    return template.format(**values) if values else template


def escaped(text) -> str:
    """Our own sentence as Markdown that shows exactly as written: every ASCII punctuation mark is escaped (CommonMark
    allows it for each), so no *, _, $, :, [, <, # or - in a number or formula starts markup."""
    return "".join("\\" + char if char in string.punctuation else char for char in str(text))


def markdown(key: str, **parts) -> str:
    """The string for key as Markdown: its own words escaped, the parts put in as given (each already Markdown,
    from escaped() or quoted())."""
    pieces = []
    for words, field, spec, _conversion in string.Formatter().parse(TABLES[_SPOKEN.get()][key]):
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
