"""The page's views as plain functions: a Run in, a frozen result of finished chart specs, tables and sentences out.

Each builder reads only the Run's fields that controls.READS lists for it (the page caches it on
run.for_view(name)), calls the engine, and returns everything the page draws; the page adds nothing but
layout. Text is plain (the page escapes it as it draws); charts are Vega-Lite dicts.
"""

import functools
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

import gd
from gd import lr_range, newton, theory
from gd.lab import backdrops, budget, charts, fitted_model, frames, heavy, maps, momentum_map, races
from gd.lab.charts import TITLE_SEPARATOR
from gd.lab.controls import (
    BASIN_CELLS,
    CHOICES,
    CUSTOM,
    DATA,
    HYPERPARAMETERS,
    INSIDE_UPDATES,
    NEWTON_UPDATES,
    NUMBERS,
    PINNED,
    STOPPING_LAB,
    Run,
    control_text,
    label,
    problem_of,
    race_etas,
    target,
    title,
)
from gd.lab.explain import explain
from gd.lab.format import every_digit, number, number_text, updates
from gd.lab.text import speaking, t
from gd.settings import START

GEOMETRY_STEPS = 200  # updates the step-through view can show
MAX_ITER_HIGH = NUMBERS["max_iter"].high  # the page's largest iteration limit


def view(name: str):
    """A view's builder: its text in its Run's language (the Run is its first argument), its engine work metered by
    the work cap as the builder `name` (budget.calls names what it runs) and stopped past its processor-time limit,
    built in the heavy worker when heavy (gd.lab.heavy); its specs checked on the way out (charts.guarded)."""
    def wrap(builder):
        @functools.wraps(builder)
        def build(run: Run, *args, **keywords):
            if budget.heavy(name, run):
                built = heavy.call(build, run, *args, **keywords)  # in the heavy worker, where it is this function
                if built is not None:
                    return built
            with speaking(run.lang), budget.metered(name, run):
                return charts.guarded(builder(run, *args, **keywords))

        return build

    return wrap


def _results(run: Run) -> list:
    return gd.compare(run.etas, target(run), **run.keywords())


def _run(run: Run):
    return gd.minimize(target(run), eta=run.eta, **run.keywords())


def _columns(table: pd.DataFrame) -> dict[str, str]:
    return {column: t(f"column.{column}") for column in table.columns}


@dataclass(frozen=True)
class Headline:
    """The sidebar's run: its metrics, the sentence that explains it, and its first updates for the step-through."""

    metrics: tuple[tuple[str, str, str], ...]  # (label, value, help) in page order
    exact: str  # every digit, as the article prints them
    status: str
    explanation: str
    outcome: str  # what theory.outcome calls the run (theory.OUTCOMES)
    updates: int
    history: np.ndarray  # θ₀ … θ_GEOMETRY_STEPS
    losses: np.ndarray
    plain: bool  # each step is exactly −η·dJ (plain descent, full batch, constant η)
    schedule: dict | None  # the learning rate over the updates, when a schedule is chosen
    schedule_title: str
    prediction: theory.Prediction | None


@view("headline")
def headline(run: Run) -> Headline:
    result = _run(run)
    values = {"theta": number(result.theta), "grad": number(result.grad), "loss": number(result.loss),
              "updates": f"{result.iterations:,}", "status": t(f"status.{result.status}")}
    return Headline(
        metrics=tuple((t(f"metric.{key}"), values[key], t(f"metric.{key}.help")) for key in values),
        exact=t("metric.exact", theta=every_digit(result.theta), grad=every_digit(result.grad),
                loss=every_digit(result.loss)),
        status=result.status, explanation=explain(result), outcome=theory.outcome(result),
        updates=result.iterations, history=np.array(result.history[:GEOMETRY_STEPS + 1]),
        losses=np.array(result.losses[:GEOMETRY_STEPS + 1]), plain=theory.plain(result.settings),
        schedule=None if run.schedule == "constant" else
        charts.schedule(frames.schedule(result.settings, result.iterations), t(
            "describe.schedule", title=title("schedule", run.schedule), updates=updates(result.iterations),
            last=number(result.settings.schedule.factor(max(result.iterations - 1, 0))))).to_dict(),
        schedule_title=t("section.schedule", title=title("schedule", run.schedule)),
        prediction=theory.predict(result.settings, run.eta))


def status_line(run: Run, shown: Headline) -> str:
    """The run in one line, under the presenter's bar: what is minimised, η, how many updates and how it ended."""
    return t("present.status", objective=title("objective", run.objective), eta=number(run.eta),
             updates=updates(shown.updates), status=t(f"status.{shown.status}"))


def panels(results, titles=None, pin: charts.Pin | None = None, clickable: bool = False) -> tuple[dict, ...]:
    """One chart per run on the same backdrop (the curve, or on a surface its map: backdrops.of), each run in its η's
    colour (charts.eta_color), titled by frames.panel_title unless titles are given; where a run leaves the plot, the
    notes under every title say so, padded to the same number of lines. pin: a pinned run, drawn in every panel;
    clickable: a click on a panel selects where to start (charts.START)."""
    backdrop = backdrops.of(results[0].settings)
    titles = titles or [frames.panel_title(result) for result in results]
    edges = [backdrop.escapes(result) for result in results]
    notes = frames.padded([frames.edge_notes(edge) for edge in edges])
    return tuple(backdrop.panel(result, edge, title, note, charts.eta_color(index), pin, clickable)
                 for index, (result, edge, title, note) in enumerate(zip(results, edges, titles, notes, strict=True)))


@dataclass(frozen=True)
class CompareView:
    caption: str  # what the panels' marks mean: on the curve, or on the surface's map
    panels: tuple[dict, ...]  # one chart per compared η, in the order given
    convergence: dict
    convergence_caption: str  # says which lines coincide, when some do
    table: pd.DataFrame
    columns: dict[str, str]
    points: pd.DataFrame  # what the CSV download holds (frames.points)
    download_help: str
    download_name: str  # what the file holds: the objective, its points, the compared η
    pin: str = ""  # what the pinned run's dashed line is, and where it ended ("" when none is pinned)
    box: tuple[float, float, float, float] | None = None  # on a surface, its map's bounds: where a click starts
    updates: int = 0  # the longest drawn run's (a pinned one too): where an animation of the panels ends

    def csv(self) -> bytes:
        """The download, made only when it is asked for (and not kept)."""
        return frames.csv(self.points)


def describe_convergence(results, unit: str, log_x: bool) -> str:
    """What the convergence chart shows, with each run's last gap J − J* (or where it diverged)."""
    lowest = frames.floor(results)
    runs = [t("describe.convergence.diverged", eta=number(result.eta), update=f"{result.iterations:,}")
            if result.status == "diverged" else
            t("describe.convergence.run", eta=number(result.eta), gap=number(result.loss - lowest),
              updates=updates(result.iterations), status=t(f"status.{result.status}")) for result in results]
    return t("describe.convergence", unit=t(f"chart.unit.{unit}"), count=len(results),
             log=t("describe.log_x") if log_x else "", runs=t("describe.separator").join(runs))


def _convergence_caption(results, last: int, log_x: bool = False, pinned=()) -> str:
    """The convergence chart's caption, saying which of these runs draw one line (the same gaps, update for update,
    to 1e-9), and why, where theory knows; where the axis was cut short (last) and that some run diverged, the pinned
    run too (pinned: it, or nothing)."""
    same = [(first, second) for i, first in enumerate(results) for second in results[i + 1:]
            if len(first.losses) == len(second.losses) and np.allclose(first.losses, second.losses, rtol=1e-9, atol=0)]
    caption = t("section.convergence.caption")
    if same:
        pairs = t("list.separator").join(t("section.convergence.pair", first=number(first.eta),
                                           second=number(second.eta)) for first, second in same)
        settings = results[0].settings
        why = "section.convergence.same.parabola" if theory.applies(settings) and settings.problem.quadratic else \
            "section.convergence.same"
        caption += t(why, pairs=pairs)
    drawn = [*results, *pinned]
    if last < max(result.iterations for result in drawn):
        caption += t("section.convergence.horizon", last=f"{last:,}")
    if log_x:
        caption += t("section.convergence.log_x")
    if any(result.status == "diverged" for result in drawn):
        caption += t("section.convergence.diverged")
    if not any(np.isfinite(result.losses).any() for result in drawn):  # nothing on the chart: say why
        caption += t("section.convergence.none")
    return caption


@view("compare")
def compare(run: Run) -> CompareView:
    """One panel per compared η on the same backdrop, how fast each closes the gap, and the final values; a pinned run
    drawn dashed in every panel and in the convergence chart, and said."""
    results = _results(run)
    table = frames.shown(frames.summary(results))
    pinned = () if run.pin is None else (gd.minimize(target(run), eta=run.pin.eta, **run.pin.keywords()),)
    name = pin_name(run.pin, run) if pinned else None
    drawn, names = [*results, *pinned], [*frames.series_names(results), *([name] if pinned else [])]
    gaps, last = frames.gaps(drawn, names), frames.horizon(drawn)
    span, log_x = frames.gap_span(gaps), frames.spans_decades(drawn, last)
    backdrop = backdrops.of(results[0].settings)
    caption = f"{backdrop.caption()} {backdrop.click()}"
    said = pin_sentence(pinned[0], name) if pinned else ""
    convergence = charts.convergence(gaps, frames.ends(drawn, last, span[1], names), last, span, run.unit, log_x,
                                     " ".join(filter(None, (describe_convergence(results, run.unit, log_x), said))),
                                     name)
    pin = charts.Pin(frames.path(pinned[0]), name) if pinned else None
    return CompareView(caption, panels(results, pin=pin, clickable=True), convergence.to_dict(),
                       _convergence_caption(results, last, log_x, pinned), table, _columns(table),
                       frames.points(results),
                       t("download.csv.help", limit=frames.CSV_POINTS, half=frames.CSV_POINTS // 2),
                       download_name(run), said, backdrop.surface.box if isinstance(backdrop, backdrops.Map) else None,
                       max(result.iterations for result in drawn))


def pin_name(pin: Run, run: Run) -> str:
    """What a pinned run is called where it is drawn: "pinned: η = 0.5 · Adam", its η and each of its settings that is
    not the run's now (PINNED), as the sidebar names them."""
    parts = [t("pin.eta", eta=number_text(pin.eta))]
    for key in PINNED:
        value = getattr(pin, key)
        if key in ("eta", "hyperparameters") or value == getattr(run, key):
            continue
        if key in CHOICES:
            parts.append(title(key, value))
        else:
            parts.append(t("pin.setting", name=label(key), value=control_text(key, value)))
    now = dict(run.hyperparameters)  # another rule's numbers are said where they are not its defaults
    parts += [t("pin.setting", name=t(f"hyperparameter.{HYPERPARAMETERS[key].name}"), value=control_text(key, value))
              for key, value in pin.hyperparameters if now.get(key, HYPERPARAMETERS[key].default) != value]
    return t("pin.name", settings=TITLE_SEPARATOR.join(parts))


def pin_sentence(result, name: str) -> str:
    """Where the pinned run ended, said beside the charts that draw it."""
    return t("pin.caption", name=name, updates=updates(result.iterations), status=t(f"status.{result.status}"),
             theta=number(result.theta), loss=number(result.loss))


def data_said(objective: str, rows: str, features: str) -> str:
    """What a learner's rows make of J, said under their table: how many, the curvature L and the η below which
    descent is stable, and for the linear model (a quadratic, so exactly) the condition number κ."""
    problem = problem_of(objective, rows, features)
    said = t("data.read", rows=problem.n_examples, smoothness=number(problem.smoothness, 4),
             limit=number(2 / problem.smoothness, 4))
    if 2 / problem.smoothness < NUMBERS["eta"].low:  # raw x across hundreds: scaling is the way out
        said += t("data.too_steep", low=number(NUMBERS["eta"].low))
    basis = theory.eigenbasis(gd.Settings(problem))
    return said + t("data.kappa", kappa=number(basis.condition, 4)) if basis.exact else said


def download_name(run: Run) -> str:
    """The CSV's file name, saying what it holds: "quadratic_points_eta_0.01_0.1_0.9_1_1.1.csv" (a typed function is
    "your-function"); in ASCII, whatever the page's language, as a file system and a script expect."""
    objective = "your-function" if run.objective == CUSTOM else run.objective
    return f"{objective}_points_eta_{'_'.join(number_text(eta) for eta in run.etas)}.csv"


@dataclass(frozen=True)
class Formula:
    caption: str
    latex: str


def formulas(run: Run) -> tuple[Formula, ...]:
    """The objective, update rule, schedule and stopping rule of this run, each with its caption."""
    return (Formula(t("formula.objective"), run.problem().latex),
            Formula(t("formula.optimizer", title=title("optimizer", run.optimizer)),
                    gd.OPTIMIZERS[run.optimizer].latex),
            Formula(t("formula.schedule", title=title("schedule", run.schedule)), gd.SCHEDULES[run.schedule].latex),
            Formula(t("formula.stop", title=title("stop", run.stop), epsilon=number(run.epsilon)),
                    gd.STOPS[run.stop].latex))


@dataclass(frozen=True)
class TheoryView:
    intro: str  # the closed form in words
    latex: str  # and as a formula
    note: str  # exact, local, or why there are no closed forms
    exact: bool | None  # None: no closed form for these settings
    table: pd.DataFrame | None  # prediction beside measurement, one row per compared η
    columns: dict[str, str]
    sweep_caption: str
    sweep_none: str | None  # said when no η of the sweep converged
    sweeps: tuple[dict, ...]  # one chart per measure (charts.SWEEP_MEASURES)
    formulas: tuple[Formula, ...]


@view("theory")
def theory_view(run: Run) -> TheoryView:
    """Prediction against measurement for every compared η, and the sweep with its regimes shaded."""
    results = _results(run)
    settings = results[0].settings
    if settings.problem.dim > 1:
        return _theory_2d(run, results)
    table = None
    if not settings.problem.minimizers:  # a typed function with no minimum found on its range: nothing to predict
        return _with_sweep(run, settings, t("theory.unknown"), None, None, t("theory.intro"),
                           r"\theta_k - \theta^* = (1 - \eta L)^k\,(\theta_0 - \theta^*)", None)
    minimizer, curvature = theory.local_curvature(settings)
    if theory.applies(settings):
        table = frames.predictions(results, [theory.predict(settings, result.eta) for result in results])
        note = t("theory.exact" if settings.problem.quadratic else "theory.local", curvature=number(curvature),
                 minimizer=number(minimizer), one=number(1 / curvature), two=number(2 / curvature))
    elif not theory.curved(settings):  # no parabola fits the bottom: nothing to predict, whatever the settings
        note = _flat_note(settings, "theory.flat")
    else:
        note = t("theory.none")
    regimes = frames.regimes(curvature, *sorted((run.sweep_low, run.sweep_high))) if theory.applies(settings) else None
    return _with_sweep(run, settings, note, table, settings.problem.quadratic if table is not None else None,
                       t("theory.intro"), r"\theta_k - \theta^* = (1 - \eta L)^k\,(\theta_0 - \theta^*)", regimes)


def _theory_2d(run: Run, results) -> TheoryView:
    """The eigenbasis: each direction's regime for every compared η, predicted updates and status beside the run's,
    the stability limit and the best η and (η, β); the sweep shaded by the steepest direction's regimes."""
    settings = results[0].settings
    if not settings.problem.minimizers:  # a typed surface with no minimum found on its range
        return _with_sweep(run, settings, t("theory.unknown"), None, None, t("theory.eigen.intro"),
                           r"\theta_k - \theta^* = \sum_i (1 - \eta \lambda_i)^k\, c_i v_i", None)
    basis = theory.eigenbasis(settings)
    if not basis.curved:  # κ, the best η and momentum's best pair are undefined: the run and the sweep stay
        return _with_sweep(run, settings, _flat_note(settings, "theory.eigen.flat"), None, None,
                           t("theory.eigen.intro"),
                           r"\theta_k - \theta^* = \sum_i (1 - \eta \lambda_i)^k\, c_i v_i", None)
    low, high = basis.eigenvalues[0], basis.eigenvalues[-1]
    momentum_eta, momentum_beta = basis.momentum_best
    note = t("theory.eigen.exact" if basis.exact else "theory.eigen.local", low=number(low), high=number(high),
             condition=number(basis.condition), limit=number(basis.stability_limit), best=number(basis.best_eta),
             rate=number(basis.best_rate), momentum_eta=number(momentum_eta), momentum_beta=number(momentum_beta),
             momentum_rate=number(basis.momentum_rate), minimizer=number(basis.minimizer))
    table = None
    if theory.plain(settings):
        predictions = [theory.predict_directions(settings, result.eta) for result in results]
        table = pd.DataFrame({
            "eta": [number(result.eta) for result in results],
            "regime": [t("theory.eigen.regimes", low=number(low), high=number(high),
                         first=t(f"regime.{prediction.regimes[0]}"), second=t(f"regime.{prediction.regimes[-1]}"))
                       for prediction in predictions],
            "predicted": [prediction.updates for prediction in predictions],
            "updates": [result.iterations for result in results],
            "predicted_status": [t(f"status.{prediction.status}") for prediction in predictions],
            "status": [t(f"status.{result.status}") for result in results]})
    else:
        note = t("theory.none", minimizer=number(basis.minimizer)) + " " + note
    regimes = frames.regimes(high, *sorted((run.sweep_low, run.sweep_high)))  # the steepest direction rules
    return _with_sweep(run, settings, note, table, basis.exact if table is not None else None, t("theory.eigen.intro"),
                       r"\theta_k - \theta^* = \sum_i (1 - \eta \lambda_i)^k\, c_i v_i", regimes)


def _flat_note(settings, key: str) -> str:
    """Why theory predicts nothing where no parabola fits the bottom (theory.fits): the Hessian's eigenvalues (J'' in
    one dimension) beside the curvature J has along their directions around θ*."""
    basis = theory.eigenbasis(settings)
    return t(key, minimizer=number(basis.minimizer), curvature=number(basis.eigenvalues),
             measured=number(basis.measured), span=number(theory.fit_span(settings.problem)),
             ratio=number(theory.FIT_RATIO))


def _with_sweep(run: Run, settings, note, table, exact, intro, latex, regimes) -> TheoryView:
    """The theory view's sweep of η (the article's grid search) beside what theory said."""
    sweep = frames.sweep(gd.compare(run.sweep_etas(), target(run), **run.keywords()))
    best = frames.best_eta(sweep)
    low, high = sorted((run.sweep_low, run.sweep_high))
    best_note = "" if best is None else t("section.sweep.best", eta=number(best), updates=updates(
        int(sweep.loc[sweep["eta"] == best, "updates"].iloc[0])))
    return TheoryView(
        intro, latex, note, exact, table, {} if table is None else _columns(table),
        t("section.sweep.caption", points=run.sweep_points, low=number(low), high=number(high), best=best_note),
        _sweep_none(run, sweep) if best is None else None,
        tuple(charts.sweep(sweep, measure, best, settings.problem.smoothness, regimes,
                           describe_sweep(sweep, measure, best, low, high)).to_dict()
              for measure in charts.SWEEP_MEASURES),
        formulas(run))


def describe_sweep(sweep: pd.DataFrame, measure: str, best: float | None, low: float, high: float) -> str:
    """What a sweep chart shows: its measure against η over the range, how many runs ended how, and the best η."""
    counts = t("list.separator").join(t("noise.count", count=count, status=t(f"status.{status}"))
                                      for status, count in sweep["status"].value_counts().items() if count)
    best_note = "" if best is None else t("describe.sweep.best", eta=number(best), updates=updates(
        int(sweep.loc[sweep["eta"] == best, "updates"].iloc[0])))
    return t(f"describe.sweep.{measure}", points=len(sweep), low=number(low), high=number(high), counts=counts,
             best=best_note)


def _sweep_none(run: Run, sweep: pd.DataFrame) -> str:
    """Why no η of the sweep converged, and what would change that, from the sweep's own runs: with ε = 0 no rule can
    fire; runs that hit the limit need a higher one, where the cap allows it (never the advice to raise a limit the
    cap has just lowered); runs that all diverged, smaller η."""
    if run.epsilon == 0:
        return t("section.sweep.none.epsilon")
    if (sweep["status"] == "max_iter").any():
        higher = replace(run, view="theory", max_iter=min(2 * run.max_iter, int(MAX_ITER_HIGH)))
        fits = higher.max_iter > run.max_iter and budget.price(higher)[0] <= budget.SECONDS
        return t("section.sweep.none.limit" if fits else "section.sweep.none.capped")
    return t("section.sweep.none.diverged" if (sweep["status"] == "diverged").all() else "section.sweep.none")


@dataclass(frozen=True)
class RangeView:
    """Smith's learning-rate range test on the sidebar's settings: J against a growing η, the two η it reads off, and
    theory's 1/L and 2/L beside them where L is known."""

    caption: str
    chart: dict
    found: str  # the steepest η and the blow-up, in words
    theory: str | None  # 1/L and 2/L beside them, where a bound L on J's curvature is known
    steepest: float | None  # the steepest η to two significant digits: what its button sets
    edge: float | None  # the last η before the blow-up, likewise


def two_digits(eta: float) -> float:
    """η as a learner would type it: 0.027, not 0.02656087782946687 (the button says the number it sets)."""
    return float(f"{eta:.2g}")


@view("range")
def range_view(run: Run) -> RangeView:
    """One run with η growing geometrically from range_low to range_high over range_updates updates (gd.range_test),
    with the sidebar's start, update rule and variant."""
    low, high = sorted((run.range_low, run.range_high))
    test = gd.range_test(low, high, run.range_updates, target(run), **run.keywords())
    result, start = test.result, float(test.result.losses[0])
    steepest, edge = lr_range.suggested(test)
    sampled = result.settings.variant != "batch"
    found = [t("range.steepest.none") if steepest is None else
             t("range.steepest", eta=number(steepest), update=f"{test.steepest + 1:,}")]
    if not result.iterations:
        found = [t("range.nothing", start=number(start), status=t(f"status.{result.status}"))]
    elif test.blow_up is None:
        found.append(t("range.edge.none", high=number(high), start=number(start)))
    elif test.blow_up == 0:
        found.append(t("range.edge.first", eta=number(test.etas[0]), start=number(start)))
    else:
        found.append(t("range.edge", update=f"{test.blow_up + 1:,}", eta=number(test.etas[test.blow_up]),
                       start=number(start), last=number(edge)))
    if 0 < result.iterations < run.range_updates:
        found.append(t("range.ended", update=f"{result.iterations:,}", status=t(f"status.{result.status}")))
    if sampled:
        found.append(t("range.smoothed", updates=round(1 / (1 - lr_range.SMOOTHING))))
    smoothness = result.settings.problem.smoothness
    said = None
    if smoothness:
        said = t("range.theory", L=number(smoothness), one=number(1 / smoothness), two=number(2 / smoothness))
        if steepest is not None:
            said += t("range.theory.steepest", times=number(steepest * smoothness, 2))
        if edge is not None:
            said += t("range.theory.edge", times=number(edge * smoothness / 2, 2))
    marks = pd.DataFrame([{"eta": eta, "kind": kind, "label": t(f"chart.range.{kind}")}
                          for kind, eta in (("steepest", steepest), ("edge", edge)) if eta is not None],
                         columns=["eta", "kind", "label"])
    frame, span, cut = frames.range_test(test)
    sentence = t("sentence.separator").join(found)
    chart = charts.range_test(frame, span, start, sampled, marks, smoothness, t("sentence.separator").join(
        (t("describe.range", low=number(low), high=number(high), updates=updates(result.iterations)), sentence)))
    caption = t("range.caption", low=number(low), high=number(high), updates=f"{run.range_updates:,}",
                rule=title("optimizer", run.optimizer), variant=title("variant", run.variant))
    return RangeView(caption + (t("range.cut") if cut else ""),
                     chart.to_dict(), sentence, said, None if steepest is None else two_digits(steepest),
                     None if edge is None else two_digits(edge))


@dataclass(frozen=True)
class BasinsView:
    """Where runs end from a grid of starts across the plot, for each compared η: one panel per η on a surface, one
    row per η on a curve."""

    caption: str
    key: dict  # the legend of every panel: the colour of each outcome present
    charts: tuple[dict, ...]
    sentences: tuple[str, ...]  # per η: the share of the starts that ends each way


def _percent(share: float) -> str:
    """A share of the starts in percent: whole above 1 %, one digit below (one start of 961 is 0.1 %, not 0 %)."""
    return f"{share:.0f}" if share >= 1 else f"{share:.1g}"


def basin_label(problem, outcome: str) -> str:
    """An outcome of frames.basins in words: "minimum 2, at (-2.81, 3.13)", "a saddle point", "diverged"."""
    if outcome.startswith("minimum-"):
        number_of = int(outcome.split("-")[1])
        point = np.reshape(problem.minimizers, (-1, problem.dim))[number_of - 1]
        return t("basin.minimum", number=number_of, point=number(point if problem.dim > 1 else point[0], 3))
    return t(f"basin.{outcome}")


@view("basins")
def basins(run: Run) -> BasinsView:
    """gd.starts from every cell of a grid across the plot (BASIN_CELLS), for each compared η, each run at most
    basin_updates long, with the sidebar's other settings."""
    problem = run.problem()
    cells = BASIN_CELLS[problem.dim]
    starts = frames.grid_of_starts(problem, cells)
    keywords = {**run.keywords(), "max_iter": run.basin_updates, "theta0": START}  # every lane has its own start
    found = [frames.basins(problem, eta, gd.starts(eta, starts[:, 0] if problem.dim == 1 else starts, target(run),
                                                   **keywords)) for eta in run.etas]
    table = pd.concat(found, ignore_index=True)
    present = [outcome for outcome in charts.BASIN_COLORS if (table["outcome"] == outcome).any()]
    labels = {outcome: basin_label(problem, outcome) for outcome in present}
    grid = [(low, (high - low) / cells) for low, high in problem.bounds]
    place = np.arange(len(starts))  # x varies fastest (frames.grid_of_starts)
    compact = {"i": np.tile(place % cells, len(run.etas)).astype(np.int16),
               **({"j": np.tile(place // cells, len(run.etas)).astype(np.int16)} if problem.dim > 1 else {}),
               "code": table["outcome"].map({outcome: code for code, outcome in enumerate(charts.BASIN_COLORS)}),
               "updates": table["updates"].astype(np.int32)}
    table = pd.DataFrame({**compact, "eta": table["eta"]})
    if problem.dim == 1:
        table["eta_label"] = pd.Categorical(table["eta"].map(number))
    minima = np.reshape(problem.minimizers, (-1, problem.dim))[:frames.BASIN_MINIMA]
    points = pd.DataFrame({"x": minima[:, 0], **({"y": minima[:, 1]} if problem.dim > 1 else {}),
                           "number": [str(i + 1) for i in range(len(minima))]})
    sentences = []
    for eta, part in zip(run.etas, found, strict=True):
        shares = part["outcome"].value_counts(normalize=True)
        sentences.append(t("basin.shares", eta=number(eta), shares=t("describe.separator").join(
            t("basin.share", share=_percent(100 * shares[outcome]), label=labels[outcome])
            for outcome in present if outcome in shares)))
    drawn = [table[table["eta"] == eta] for eta in run.etas] if problem.dim > 1 else [table]
    titles = [f"η = {number(eta)}" for eta in run.etas] if problem.dim > 1 else [None]
    described = sentences if problem.dim > 1 else [t("sentence.separator").join(sentences)]
    caption = t("basin.caption.map" if problem.dim > 1 else "basin.caption.curve", count=f"{len(starts):,}",
                updates=updates(run.basin_updates), rule=title("optimizer", run.optimizer))
    key = charts.basin_key(labels, t("describe.basins.key", outcomes=t("list.separator").join(labels.values())))
    names = [t("describe.basins", count=f"{len(starts):,}") + " " + said for said in described]
    first = charts.basins(drawn[0].drop(columns=["eta"]), grid, labels, points, titles[0], names[0]).to_dict()
    return BasinsView(caption, key.to_dict(), (first, *(
        charts.refilled(first, part.drop(columns=["eta"]).to_dict("records"), heading, name)
        for part, heading, name in zip(drawn[1:], titles[1:], names[1:], strict=True))), tuple(sentences))


@dataclass(frozen=True)
class StoppingView:
    table: pd.DataFrame
    columns: dict[str, str]
    panels: tuple[dict, ...]  # one chart per rule, in STOPPING_LAB's order
    explanations: tuple[tuple[str, str], ...]  # (rule's title, the sentence about its run)


@view("stopping")
def stopping(run: Run) -> StoppingView:
    """The sidebar's run under every stopping rule and under the iteration limit alone, from one run."""
    by_rule = gd.each_stop(target(run), eta=run.eta, **run.keywords())
    results = [by_rule[rule] for rule in STOPPING_LAB]
    names = [title("stop", rule) for rule in STOPPING_LAB]
    titles = [f"{name} · {frames.panel_title(result)}" for name, result in zip(names, results, strict=True)]
    table = frames.stopping(results, names)
    return StoppingView(table, _columns(table), panels(results, titles),
                        tuple((name, explain(result)) for name, result in zip(names, results, strict=True)))


@dataclass(frozen=True)
class StepThrough:
    """The first updates of the sidebar's run, one at a time: a chart holding all of them and a sentence each."""

    chart: dict  # every update; its parameter charts.STEP picks the one drawn
    sentences: tuple[str, ...]  # sentences[k] explains update k + 1, from θ_k to θ_(k+1)
    zooms: tuple[int, ...]  # zooms[k]: the window update k + 1 is shown in (frames.windows)
    domains: dict[int, tuple[list[float], list[float]]]  # window: (θ from, to), (J from, to)

    @property
    def updates(self) -> int:
        return len(self.sentences)

    def at(self, k: int) -> dict:
        """The chart showing update k + 1: only its PLAYER row changes (the step, the window and the axes' domains),
        nothing is computed."""
        (x_low, x_high), (y_low, y_high) = self.domains[self.zooms[k]]
        return charts.at_step(self.chart, step=k, zoom=self.zooms[k], x_low=x_low, x_high=x_high, y_low=y_low,
                              y_high=y_high)


HEADROOM = 0.15  # of J's range above a window's highest J: the label over the point there stays on the plot


@view("geometry")
def step_through(run: Run, shown: Headline) -> StepThrough:
    """θ_k on the curve with its tangent and the step to θ_(k+1), for each of the headline's first updates, each in
    its window (frames.windows): where a run leaves the plot the axes widen to follow it, where a step is small next
    to the plot they zoom in on it, with the curve drawn to match."""
    problem = run.problem()
    if problem.dim > 1:
        return _step_through_map(run)
    updates = frames.steps(shown.history, shown.losses, problem)
    window, shown_windows = frames.windows(shown.history, problem.plot_range)
    points = min(frames.CURVE_POINTS, charts.MAX_ROWS // len(shown_windows))
    parts = [frames.curve(problem, points, bounds, index) for index, bounds in enumerate(shown_windows)]
    domains = {}
    for index, part in enumerate(parts):
        here = updates[window == index]
        with np.errstate(all="ignore"):  # J's axis from the finite values, cut past a pole (frames.window)
            bottom, top = frames.window(np.concatenate([part["loss"], here["loss"], here["loss_next"]]))
        domains[index] = ([float(part["theta"].min()), float(part["theta"].max())],
                          [bottom, top + HEADROOM * (top - bottom or 1.0)])
    curves = pd.concat([frames.clip(part, *domains[index][1]) for index, part in enumerate(parts)])
    cut = any(frames.cut(part, *domains[index][1]) for index, part in enumerate(parts))
    plot_width = problem.plot_range[1] - problem.plot_range[0]
    widths = np.array([shown_windows[index][1] - shown_windows[index][0] for index in window])
    ghost = newton.newton_steps(problem, updates["theta"].to_numpy())
    landing = updates["theta"].to_numpy() + ghost.steps[:, 0]
    with np.errstate(all="ignore"):
        landing_loss = problem.value(landing[:, None])
    sentences = []
    for row, width, step, curvature, kind in zip(updates.itertuples(), widths, ghost.steps[:, 0],
                                                 ghost.eigenvalues[:, 0], ghost.kinds, strict=True):
        move = row.theta_next - row.theta
        direction = t("geometry.right" if move > 0 else "geometry.left" if move < 0 else "geometry.still")
        sentence = t("geometry.gd" if shown.plain else "geometry.other", number=f"{row.k + 1:,}",
                     here=frames.subscript(row.k), after=frames.subscript(row.k + 1), theta=number(row.theta),
                     slope=number(row.slope), eta=number(run.eta), step=number(move), next=number(row.theta_next),
                     direction=direction)
        times = width / plot_width
        if times > 1:
            sentence += t("geometry.zoomed", times=f"{round(times):,}")
        elif times < 1:
            sentence += t("geometry.zoomed_in", times=f"{round(1 / times):,}")
        sentences.append(sentence + t(f"geometry.newton.{kind}", step=number(step), curvature=number(curvature),
                                      newton=number(row.theta + step)))
    first = int(window[0]) if len(window) else 0
    (x_low, x_high), (y_low, y_high) = domains[first]
    chart = charts.played(charts.geometry(curves, frames.step_shapes(updates, widths, landing, landing_loss), cut,
                                          t("describe.geometry")).to_dict(),
                          step=0, zoom=first, x_low=x_low, x_high=x_high, y_low=y_low, y_high=y_high)
    return StepThrough(chart, tuple(sentences), tuple(int(index) for index in window), domains)


def _step_through_map(run: Run) -> StepThrough:
    """On a surface: θ_k on the map with the gradient's arrow and the step to θ_(k+1), for the first updates; the
    map's axes stay (a run that leaves it is clipped at its edge)."""
    result = _run(run)
    surface = maps.surface_map(target(run))
    shapes = maps.update_shapes(result, surface.box, GEOMETRY_STEPS)
    low, high, bottom, top = surface.box
    sentences = tuple(maps.step_sentence(shapes, k) for k in range(len(shapes)))
    return StepThrough(maps.update_map(surface, shapes, description=t("describe.update_map")), sentences,
                       (0,) * len(sentences),
                       {0: ([low, high], [bottom, top])})


@dataclass(frozen=True)
class InsideView:
    """What the sidebar's update rule keeps between updates over the run's first updates, and the step it takes beside
    plain descent's from the same gradient (for Adam, also without its bias correction); nothing for plain descent,
    which keeps nothing."""

    caption: str
    state: tuple[dict, ...]  # one chart per coordinate of θ: g and what the rule keeps
    steps: dict | None
    sentences: tuple[str, ...]


def _times(longer, shorter) -> str:
    """‖longer‖ / ‖shorter‖ to three digits ("nan" where both are 0, "inf" where only the shorter is)."""
    with np.errstate(all="ignore"):
        ratio = float(np.linalg.norm(longer) / np.linalg.norm(shorter))
    return number(ratio, 3)


@view("inside")
def inside_view(run: Run) -> InsideView:
    """The sidebar's run at η, its first INSIDE_UPDATES updates replayed (gd.replay): what its rule keeps, and why its
    steps are as long as they are, in numbers from the run."""
    if run.optimizer == "gd":
        return InsideView(t("inside.gd"), (), None, ())
    result = _run(run)
    inside = gd.replay(result, INSIDE_UPDATES)
    rule = result.settings.optimizer
    hyper = dict(rule.hyperparameters)
    count = len(inside.rates)
    rule_title = title("optimizer", rule.name)
    caption = t("inside.caption", rule=rule_title, updates=updates(count))
    if not count:
        return InsideView(caption, (), None, (t("inside.nothing"),))
    if not np.isfinite(inside.gradients[0]).all():  # at a pole: every quantity the rule keeps is not finite
        return InsideView(caption, (), None, (t("inside.unbounded", g=number(inside.gradients[0])),))
    kept, lengths = frames.kept(inside, rule), frames.step_lengths(inside, rule)
    names = list(dict.fromkeys(kept["quantity"]))
    last = count - 1
    plain = inside.rates[:, None] * inside.gradients
    sentences = [t("inside.ratio", first=_times(inside.steps[0], plain[0]), update=f"{count:,}",
                   last=_times(inside.steps[last], plain[last]))]
    if rule.name in ("momentum", "nesterov"):
        sentences.append(t(f"inside.why.{rule.name}", mu=number(hyper["momentum"]),
                           most=number(1 / (1 - hyper["momentum"]))))
    elif rule.name == "adagrad":
        with np.errstate(all="ignore"):
            rates = inside.rates[last] / (np.sqrt(inside.states["sum_of_squares"][last]) + hyper["eps"])
        sentences.append(t("inside.why.adagrad", update=f"{count:,}", rates=number(rates)))
    elif rule.name == "rmsprop":
        sentences.append(t("inside.why.rmsprop", alpha=number(hyper["alpha"]),
                           first=number(1 / np.sqrt(1 - hyper["alpha"]), 3)))
    else:
        beta1, beta2 = hyper["beta1"], hyper["beta2"]
        with np.errstate(all="ignore"):
            uncorrected = gd.optimizers.adam_step(inside.rates[0], inside.states["first_moment"][0],
                                                  inside.states["second_moment"][0], hyper["eps"])
            longer = np.linalg.norm(uncorrected) >= np.linalg.norm(inside.steps[0])
        sentences.append(t("inside.why.adam", m_share=number(1 - beta1), v_share=number(1 - beta2)))
        sentences.append(t("inside.adam.longer" if longer else "inside.adam.shorter",
                           times=_times(uncorrected, inside.steps[0])))
        sentences.append(t("inside.adam.fading", update=f"{count:,}", first=number(1 - beta1**count, 3),
                           second=number(1 - beta2**count, 3)))
    said = t("sentence.separator").join(sentences)
    coordinates = ("θ",) if result.settings.problem.dim == 1 else frames.axes(2)[0]
    state = tuple(charts.inside_state(
        kept[kept["coordinate"] == index].drop(columns="coordinate"), names,
        None if len(coordinates) == 1 else t("inside.coordinate", name=name),
        t("describe.inside.state", rule=rule_title, updates=updates(count), quantities=", ".join(names),
          coordinate=name)).to_dict() for index, name in enumerate(coordinates))
    steps = charts.inside_steps(lengths, t("describe.inside.steps", rule=rule_title, updates=updates(count)) + " "
                                + said).to_dict()
    return InsideView(caption, state, steps, tuple(sentences))


@dataclass(frozen=True)
class NoiseView:
    caption: str
    band: dict
    spread_sentence: str
    spread: dict


@view("noise")
def noise(run: Run) -> NoiseView:
    """The sidebar's run with seeds 0 … seeds − 1: the mean path with its band (on a surface: where the runs end,
    on the map), and where the seeds end with the updates each took."""
    results = gd.seeds(run.eta, list(range(run.seeds)), target(run), **run.keywords())
    spread = frames.spread(results)
    counts = spread["status"].value_counts()
    statuses = t("list.separator").join(t("noise.count", count=count, status=t(f"status.{status}"))
                                        for status, count in counts.items())
    took = {"first": f"{spread['updates'].min():,}", "median": f"{spread['updates'].median():,.0f}",
            "last": f"{spread['updates'].max():,}", "statuses": statuses}
    caption = t("noise.caption", seeds=run.seeds, variant=title("variant", run.variant))
    if results[0].settings.problem.dim > 1:
        floor = frames.floor(results)
        sentence = t("noise.spread.map", low=number(spread["loss"].min()), high=number(spread["loss"].max()),
                     floor=number(floor) if results[0].settings.problem.minimizers else t("theory.unknown.value"),
                     **took)
        return NoiseView(t("map.noise.caption", seeds=run.seeds),
                         maps.cloud_map(maps.surface_map(target(run)), maps.cloud(results),
                                        description=t("describe.cloud", seeds=run.seeds) + " " + sentence), sentence,
                         charts.spread(spread, floor, "loss", t("describe.spread", seeds=run.seeds) + " "
                                       + sentence).to_dict())
    minimizer = theory.local_curvature(results[0].settings)[0] if results[0].settings.problem.minimizers else None
    with np.errstate(all="ignore"):  # a seed's run that overflowed makes the mean inf and the spread nan: said so
        sentence = t("noise.spread", low=number(spread["theta"].min()), high=number(spread["theta"].max()),
                     mean=number(spread["theta"].mean()), sd=number(spread["theta"].std(ddof=0)), **took)
    band = frames.band(results)
    with np.errstate(all="ignore"):
        described = t("describe.band", seeds=run.seeds, updates=updates(int(band["k"].max())),
                      mean=number(band["mean"].iloc[-1]), low=number(band["low"].iloc[-1]),
                      high=number(band["high"].iloc[-1]))
    return NoiseView(caption, charts.band(band, minimizer, described).to_dict(), sentence,
                     charts.spread(spread, minimizer, "theta", t("describe.spread", seeds=run.seeds) + " "
                                   + sentence).to_dict())


@dataclass(frozen=True)
class RaceView:
    """Every update rule from the same start: the paths on one map and J − J* beside it, both at a step."""

    map: dict  # every step; the parameter charts.STEP picks how far the paths are drawn
    gaps: dict
    updates: int  # the longest run's: the step slider's end
    table: pd.DataFrame  # each rule's η, updates, status, final θ and J
    columns: dict[str, str]
    caption: str

    def at(self, k: int) -> tuple[dict, dict]:
        return maps.at(self.map, k), maps.at(self.gaps, k)


@view("race")
def race(run: Run) -> RaceView:
    """gd, momentum, Nesterov, Adagrad, RMSprop and Adam from the surface's start (or θ₀), each with its η; and
    Newton's method, η = 1, a Hessian per update, for at most NEWTON_UPDATES."""
    etas = race_etas(run.objective, run.race, run.function, run.features)
    keywords = {key: value for key, value in run.keywords().items() if key != "optimizer"}
    results = [gd.minimize(target(run), eta=etas[name], optimizer=name, **keywords) for name in gd.OPTIMIZERS]
    problem = results[0].settings.problem
    results.append(gd.minimize(target(run), eta=1.0, optimizer=newton.method(problem),
                               **{**keywords, "max_iter": min(run.max_iter, NEWTON_UPDATES)}))
    names = [result.settings.optimizer.name for result in results]
    longest = max(result.iterations for result in results)
    table = pd.DataFrame({"optimizer": [title("optimizer", name) for name in names],
                          "eta": [number(result.eta) for result in results],
                          "updates": [result.iterations for result in results],
                          "status": [t(f"status.{result.status}") for result in results],
                          "theta": [number(result.theta) for result in results],
                          "loss": [number(result.loss) for result in results]})
    surface = maps.surface_map(target(run))
    runs = t("describe.separator").join(
        t("describe.race.run", rule=title("optimizer", name), eta=number(result.eta),
          updates=updates(result.iterations), status=t(f"status.{result.status}"), theta=number(result.theta))
        for name, result in zip(names, results, strict=True))
    start = number(results[0].history[0])
    ended = newton.newton_steps(problem, [results[-1].theta])
    where = t("race.newton.ends", theta=number(results[-1].theta), values=number(ended.eigenvalues[0]),
              kind=t(f"race.newton.{ended.kinds[0]}")) if results[-1].status == "converged" else ""
    return RaceView(races.chart(surface, races.paths(results), longest,
                                t("describe.race", count=len(results), start=start, runs=runs)),
                    races.gap_chart(races.gaps(results), longest,
                                    t("describe.race.gaps", count=len(results), runs=runs)),
                    longest, table, _columns(table),
                    t("map.race.caption.data" if run.objective in DATA else "map.race.caption")
                    + t("race.newton", updates=f"{NEWTON_UPDATES:,}") + where)


@dataclass(frozen=True)
class MomentumView:
    chart: dict
    caption: str
    sentence: str  # theory's best pair, and the measured rate at the chosen one


@view("momentum")
def momentum(run: Run) -> MomentumView:
    """Distill's map of momentum's rate over (η, β) on this quadratic surface, theory's best pair and the run's own
    (η, β): the sidebar's η and the momentum rule's β (its default unless momentum is chosen)."""
    rates = momentum_map.rates(objective=run.objective)
    beta = dict(run.hyperparameters).get("momentum_momentum", gd.OPTIMIZERS["momentum"].hyperparameters[0].default)
    measured = theory.momentum_map([run.eta], [beta], run.objective, theta0=run.theta0).rates[0, 0]
    said = t("momentum.sentence", eta=number(rates.best[0]), beta=number(rates.best[1]),
             rate=number(rates.best_rate), chosen_eta=number(run.eta), chosen_beta=number(beta),
             measured=number(measured) if measured < 1 else t("map.diverges"))
    return MomentumView(momentum_map.chart(rates, (run.eta, beta), t("describe.momentum") + " " + said),
                        t("map.momentum.caption", updates=rates.updates), said)


@dataclass(frozen=True)
class RegressionView:
    """The model at update k beside the (w, b) map with the path, both at a step."""

    map: dict
    fit: dict
    updates: int
    caption: str

    def at(self, k: int) -> tuple[dict, dict]:
        return maps.at(self.map, k), maps.at(self.fit, k)


@view("regression")
def regression(run: Run) -> RegressionView:
    result = _run(run)
    problem = result.settings.problem
    surface = maps.surface_map(problem)
    route = frames.path(result)
    logistic = fitted_model.logistic(problem)
    heading = frames.panel_title(result)
    return RegressionView(
        maps.panel(surface, route, maps.escapes(result, surface.box), heading, charts.eta_color(0),
                   step=result.iterations, description=charts.describe_panel(result, heading, "describe.map")),
        fitted_model.chart(fitted_model.data(problem), fitted_model.fits(result, route), result.iterations,
                           logistic, t("describe.regression.logistic" if logistic else "describe.regression.linear",
                                       w=number(result.theta[0]), b=number(result.theta[1]), n=problem.n_examples,
                                       updates=updates(result.iterations)), fitted_model.x_title(problem)),
        result.iterations, t("map.regression.caption"))


@dataclass(frozen=True)
class PredictView:
    points: int  # 0, 1 or 2
    verdict: str
    explanation: str
    theory: str | None  # what the closed form said, where there is one


@view("predict")
def predict(run: Run, shown: Headline, guessed_outcome: str, guessed_bucket: int, earlier: tuple[int, ...] = ()
            ) -> PredictView:
    """Score a guess about shown (the headline of the run at the guessed η), with the total over the earlier
    guesses' points and this one."""
    score = theory.judge(guessed_outcome, guessed_bucket, shown.outcome, shown.updates)
    verdict = t("predict.verdict", points=score.points, outcome=t(f"outcome.{score.outcome}"),
                updates=updates(shown.updates), total=sum(earlier) + score.points, possible=2 * (len(earlier) + 1))
    expected = shown.prediction
    said = None if expected is None else t("predict.theory", regime=t(f"regime.{expected.regime}"),
                                           outcome=t(f"outcome.{expected.outcome}"), updates=updates(expected.updates))
    return PredictView(score.points, verdict, shown.explanation, said)


def guessed(run: Run, eta: float) -> Run:
    """The run whose headline predict() scores: the sidebar's settings at the guessed η."""
    return replace(run.for_view("headline"), eta=eta)


ARTICLE_LOOP = """\
def j(theta):
    return (theta - 2.5) ** 2 - 1


def dj(theta):
    return 2 * (theta - 2.5)


eta = {eta}
epsilon = {epsilon}
theta = {theta0}
max_iter = {max_iter}  # {limit_comment}
theta_history = [theta]
while len(theta_history) <= max_iter:
    gradient = dj(theta)
    last_theta = theta
    theta = theta - eta * gradient
    theta_history.append(theta)
    if abs(j(theta) - j(last_theta)) < epsilon:
        break
print(theta, dj(theta), j(theta), len(theta_history))
"""


@dataclass(frozen=True)
class ArticleCode:
    """The article's loop with the run's η, θ₀, ε and an iteration limit, and what it does run as shown."""

    code: str
    printed: str | None  # its last line, or None when it stops with OverflowError
    note: str  # how it ended, and how that relates to the run above


@dataclass(frozen=True)
class ArticleRun:
    """What ARTICLE_LOOP does, run as shown: it ended by its rule ("rule"), at its limit ("limit") or with
    OverflowError ("overflow"), after `updates`; what it printed; whether θ had stopped changing (or repeated)."""

    ended: str
    updates: int
    printed: str | None
    repeating: bool


def article_loop(eta: float, epsilon: float, theta0: float, max_iter: int) -> ArticleRun:
    """ARTICLE_LOOP's statements with these numbers, in Python floats as the article runs them: Python's float power
    raises OverflowError where numpy's gives inf, so a diverging η ends the loop with that error once |θ − 2.5|
    passes about 1.3e154 (its (θ − 2.5) ** 2 past the largest float), not with θ at inf."""
    def j(theta):
        return (theta - 2.5) ** 2 - 1

    def dj(theta):
        return 2 * (theta - 2.5)

    theta, count, ended, before = theta0, 1, "limit", (None, None)  # count: len(theta_history)
    try:
        while count <= max_iter:
            gradient = dj(theta)
            last_theta = theta
            theta = theta - eta * gradient
            count += 1
            before = (last_theta, before[0])
            if abs(j(theta) - j(last_theta)) < epsilon:
                ended = "rule"
                break
        printed = f"{theta!r} {dj(theta)!r} {j(theta)!r} {count}"
    except OverflowError:
        return ArticleRun("overflow", count - 1, None, False)
    return ArticleRun(ended, count - 1, printed, theta in before)


@view("article")
def article_code(run: Run) -> ArticleCode:
    """The article's loop on its own curve (its lost = and : restored, the limit it lacked added), with the sidebar's
    η, θ₀ and ε, and what it does run as shown (article_loop): with plain descent's settings it prints the numbers of
    the run above, to the last digit."""
    code = ARTICLE_LOOP.format(eta=repr(float(run.eta)), epsilon=repr(float(run.epsilon)),
                               theta0=repr(float(run.theta0)), max_iter=run.max_iter, limit_comment=t("article.limit"))
    ran = article_loop(float(run.eta), float(run.epsilon), float(run.theta0), run.max_iter)
    if ran.ended == "overflow":
        return ArticleCode(code, None, t("article.overflow", updates=f"{ran.updates:,}"))
    yours = gd.Settings(run.objective, **run.keywords())
    plain = run.objective == "quadratic" and theory.plain(yours) and run.stop == "loss_change"
    note = t("article.note") if plain else t("article.other")
    if ran.ended == "limit":
        without = t("article.without.never", epsilon=number(run.epsilon)) if ran.repeating else \
            t("article.without.on")
        note = t("article.at_limit", limit=f"{run.max_iter:,}", without=without) + " " + note
    return ArticleCode(code, ran.printed, note)
