"""The lab's page: widgets in the sidebar, cached calls into gd, charts out. No numerics here."""

from dataclasses import replace
from functools import partial

import numpy as np
import streamlit as st

import gd
from gd import charts, frames, theory
from gd.controls import (
    CHOICES,
    DEFAULTS,
    NUMBERS,
    STOPPING_LAB,
    UNITS,
    VIEWS,
    Run,
    check_budget,
    format_etas,
    parse_etas,
    read_url,
    to_url,
)
from gd.explain import explain, number, updates
from gd.text import literal, t

CACHE_SECONDS = 3600  # a cached view lives an hour: enough for a lesson, bounded for a public server
GEOMETRY_STEPS = 200  # updates the step-through view can show
PLAY_SECONDS = 0.8  # one update per tick while playing
IN_VIEWS = ("sweep_low", "sweep_high", "sweep_points", "seeds", "unit")  # controls drawn inside their view


@st.cache_data(max_entries=256, ttl=CACHE_SECONDS, show_spinner=False)
def headline(run: Run) -> dict:
    """The sidebar's run: its numbers, explanation, first GEOMETRY_STEPS updates and theory's prediction."""
    result = gd.minimize(run.objective, eta=run.eta, **run.keywords())
    return {"theta": result.theta, "grad": result.grad, "loss": result.loss, "updates": result.iterations,
            "status": result.status, "explanation": explain(result), "outcome": theory.outcome(result),
            "history": np.array(result.history[:GEOMETRY_STEPS + 1]),
            "losses": np.array(result.losses[:GEOMETRY_STEPS + 1]),
            "prediction": theory.predict(result.settings, run.eta), "curve": frames.curve(result.settings.problem),
            "schedule": None if run.schedule == "constant" else
            charts.schedule(frames.schedule(result.settings, result.iterations)).to_dict()}


@st.cache_data(max_entries=64, ttl=CACHE_SECONDS, show_spinner=False)
def comparison(run: Run) -> dict:
    """The side-by-side and convergence charts as Vega-Lite specs, and the table: built once per setting."""
    results = gd.compare(run.etas, run.objective, **run.keywords())
    problem = results[0].settings.problem
    panels = [frames.panel_title(result) for result in results]
    return {
        "trajectories": charts.trajectories(frames.curve(problem), frames.trajectories(results), panels).to_dict(),
        "convergence": charts.convergence(frames.gaps(results), run.unit).to_dict(),
        "table": frames.shown(frames.summary(results)),
    }


@st.cache_data(max_entries=32, ttl=CACHE_SECONDS, show_spinner=False)
def theory_view(run: Run) -> dict:
    """Prediction against measurement for every compared η, and the sweep with its regimes shaded."""
    results = gd.compare(run.etas, run.objective, **run.keywords())
    settings = results[0].settings
    predictions = [theory.predict(settings, result.eta) for result in results]
    table = None if predictions[0] is None else frames.predictions(results, predictions)
    minimizer, curvature = theory.local_curvature(settings)
    swept = gd.compare(run.sweep_etas(), run.objective, **run.keywords())
    sweep = frames.sweep(swept)
    best = frames.best_eta(sweep)
    low, high = sorted((run.sweep_low, run.sweep_high))
    regimes = frames.regimes(curvature, low, high) if theory.applies(settings) else None
    view = {measure: charts.sweep(sweep, measure, best, settings.problem.smoothness, regimes).to_dict()
            for measure in charts.SWEEP_MEASURES}
    view.update(table=table, curvature=curvature, minimizer=minimizer, exact=settings.problem.quadratic,
                best=None if best is None else (best, int(sweep.loc[sweep["eta"] == best, "updates"].iloc[0])))
    return view


@st.cache_data(max_entries=64, ttl=CACHE_SECONDS, show_spinner=False)
def stopping_view(run: Run) -> dict:
    """The sidebar's run under every stopping rule, and under the iteration limit alone."""
    keywords = run.keywords()
    results = [gd.minimize(run.objective, eta=run.eta, **{**keywords, "stop": stop}) for stop in gd.STOPS]
    results.append(gd.minimize(run.objective, eta=run.eta, **{**keywords, "epsilon": 0.0}))  # LIMIT_ONLY
    titles = [f"{t(f'stop.{stop}.title')} · {frames.panel_title(result)}"
              for stop, result in zip(STOPPING_LAB, results, strict=True)]
    problem = results[0].settings.problem
    return {"chart": charts.trajectories(frames.curve(problem), frames.trajectories(results, titles=titles),
                                         titles).to_dict(),
            "table": frames.stopping(results, STOPPING_LAB),
            "explanations": [explain(result) for result in results]}


@st.cache_data(max_entries=32, ttl=CACHE_SECONDS, show_spinner=False)
def noise_view(run: Run) -> dict:
    """The sidebar's run with seeds 0 … seeds − 1: the mean path with its band, and the spread of updates."""
    results = gd.seeds(run.eta, list(range(run.seeds)), run.objective, **run.keywords())
    spread = frames.spread(results)
    minimizer, _ = theory.local_curvature(results[0].settings)
    return {"band": charts.band(frames.band(results), minimizer).to_dict(),
            "spread": charts.spread(spread).to_dict(),
            "median": float(spread["updates"].median()), "low": int(spread["updates"].min()),
            "high": int(spread["updates"].max()),
            "statuses": spread["status"].value_counts().to_dict()}


def trajectories_csv(run: Run) -> bytes:
    """Made only when the download button is pressed, so no cache holds it."""
    return frames.csv(gd.compare(run.etas, run.objective, **run.keywords()))


def seed_from_url() -> None:
    """Once per session: a shared link's values become the widgets' starting values."""
    if "seeded" in st.session_state:
        return
    values, problems = read_url(st.query_params.to_dict())
    for key, value in values.items():
        if key == "view":
            st.session_state["view_label"] = t(f"view.{value}")
        else:
            st.session_state[key] = format_etas(value) if key == "etas" else value
    st.session_state["seeded"] = True
    st.session_state["link_problems"] = problems


def _number(key: str, spec=None, label=None, hint=None, **options):
    """A number input bounded by its spec; label and help text from the string table unless given."""
    spec = spec or NUMBERS[key]
    label, hint = label or t(f"label.{key}"), hint or t(f"help.{key}")
    st.session_state.setdefault(key, getattr(DEFAULTS, key, spec.default))
    if spec.integer:
        return st.number_input(label, min_value=int(spec.low), max_value=int(spec.high), key=key, help=hint,
                               **{"step": 1, **options})
    return st.number_input(label, min_value=float(spec.low), max_value=float(spec.high), key=key, help=hint,
                           **{"format": "%g", **options})


def _choice(key: str) -> str:
    registry = CHOICES[key]
    st.session_state.setdefault(key, getattr(DEFAULTS, key))
    return st.selectbox(t(f"label.{key}"), list(registry), key=key, help=t(f"help.{key}"),
                        format_func=lambda name: registry[name].title)


def _rule_parameters(kind: str, name: str) -> list[tuple[str, float]]:
    """The chosen rule's own hyperparameters, and nothing for the rules not chosen."""
    return [(f"{name}_{spec.name}", _number(f"{name}_{spec.name}", spec, label=spec.name,
                                            hint=t("help.hyperparameter", name=spec.name, accepted=spec.accepted)))
            for spec in CHOICES[kind][name].hyperparameters]


def sidebar_ui() -> Run | None:
    """Every control; returns the Run they describe, or None (with a message) if the η list is unusable."""
    with st.sidebar:
        st.header(t("sidebar.problem"))
        objective = _choice("objective")
        st.caption(CHOICES["objective"][objective].description)
        theta0 = _number("theta0", step=0.5)
        st.header(t("sidebar.descent"))
        eta = _number("eta", step=0.01)
        variant = _choice("variant")
        batch_size, seed = DEFAULTS.batch_size, DEFAULTS.seed
        if variant == "minibatch":
            batch_size = _number("batch_size")
        if variant != "batch":
            seed = _number("seed")
        optimizer = _choice("optimizer")
        rule_parameters = _rule_parameters("optimizer", optimizer)
        schedule = _choice("schedule")
        rule_parameters += _rule_parameters("schedule", schedule)
        st.header(t("sidebar.stopping"))
        stop = _choice("stop")
        epsilon = _number("epsilon", format="%.1e", step=1e-8)
        max_iter = _number("max_iter", step=1000)
        st.header(t("sidebar.compare"))
        st.session_state.setdefault("etas", format_etas(DEFAULTS.etas))
        etas_text = st.text_input(t("label.etas"), key="etas", help=t("help.etas"), max_chars=200)
    try:
        etas = parse_etas(etas_text)
    except ValueError as error:
        st.error(literal(error))
        return None
    labels = {t(f"view.{name}"): name for name in VIEWS}
    in_views = {key: st.session_state.get(key) or getattr(DEFAULTS, key) for key in IN_VIEWS}
    return Run(objective, theta0, eta, epsilon, variant, batch_size, seed, optimizer, schedule, stop, max_iter,
               etas, rule_parameters=tuple(rule_parameters),
               view=labels.get(st.session_state.get("view_label"), DEFAULTS.view), **in_views)


STATUS_BOX = {"converged": st.success, "stalled": st.warning, "max_iter": st.info, "diverged": st.error}


def metrics_ui(run: Run) -> dict:
    view = headline(run.only("eta"))
    st.subheader(t("section.run", eta=number(run.eta)))
    values = {"theta": number(view["theta"]), "grad": number(view["grad"]), "loss": number(view["loss"]),
              "updates": f"{view['updates']:,}", "status": t(f"status.{view['status']}")}
    for row in (("theta", "grad", "loss"), ("updates", "status")):  # two rows: long numbers need the width
        for column, key in zip(st.columns(3), row, strict=False):
            column.metric(t(f"metric.{key}"), values[key], help=t(f"metric.{key}.help"))
    st.caption(literal(t("metric.exact", theta=repr(view["theta"]), grad=repr(view["grad"]), loss=repr(view["loss"]))))
    STATUS_BOX[view["status"]](literal(view["explanation"]))
    return view


def compare_ui(run: Run, headline_view: dict) -> None:
    view = comparison(run.only("etas", "unit"))
    st.caption(t("section.compare.caption"))
    st.vega_lite_chart(view["trajectories"])
    if headline_view["schedule"]:
        st.markdown(t("section.schedule", title=CHOICES["schedule"][run.schedule].title))
        st.vega_lite_chart(headline_view["schedule"], width="stretch")
    st.subheader(t("section.convergence"))
    st.caption(t("section.convergence.caption"))
    st.session_state.setdefault("unit", DEFAULTS.unit)
    st.segmented_control(t("label.unit"), UNITS, key="unit", help=t("help.unit"),  # read into run.unit
                         format_func=lambda unit: t(f"chart.unit.{unit}"))
    st.vega_lite_chart(view["convergence"], width="stretch")
    st.subheader(t("section.table"))
    st.dataframe(view["table"], hide_index=True, width="stretch",
                 column_config={column: t(f"column.{column}") for column in view["table"].columns})
    st.download_button(t("download.csv"), data=partial(trajectories_csv, run.only("etas")),
                       file_name="trajectories.csv", mime="text/csv", help=t("download.csv.help"), on_click="ignore")


def theory_ui(run: Run) -> None:
    view = theory_view(run.only("etas", "sweep_low", "sweep_high", "sweep_points"))
    st.markdown(t("theory.intro"))
    st.latex(r"\theta_k - \theta^* = (1 - \eta L)^k\,(\theta_0 - \theta^*)")
    if view["table"] is None:
        st.info(t("theory.none"))
    else:
        kind = "theory.exact" if view["exact"] else "theory.local"
        st.markdown(t(kind, curvature=number(view["curvature"]), minimizer=number(view["minimizer"]),
                      one=number(1 / view["curvature"]), two=number(2 / view["curvature"])))
        st.dataframe(view["table"], hide_index=True, width="stretch",
                     column_config={column: t(f"column.{column}") for column in view["table"].columns})
    st.subheader(t("section.sweep"))
    for column, key in zip(st.columns(3), ("sweep_low", "sweep_high", "sweep_points"), strict=True):
        with column:
            _number(key, **{"sweep_low": {"step": 1e-3}, "sweep_high": {"step": 0.1}}.get(key, {}))
    best = "" if view["best"] is None else t("section.sweep.best", eta=number(view["best"][0]),
                                             updates=updates(view["best"][1]))
    low, high = sorted((run.sweep_low, run.sweep_high))
    st.caption(t("section.sweep.caption", points=run.sweep_points, low=number(low), high=number(high), best=best))
    if view["best"] is None:
        st.info(t("section.sweep.none"))
    for measure in charts.SWEEP_MEASURES:
        st.vega_lite_chart(view[measure], width="stretch")
    formulas_ui(run)


def show_the_trap() -> None:
    """The article's trap, one click away: its curve and start, η = 1, the |ΔJ| < ε rule."""
    st.session_state.update(objective="quadratic", theta0=0.0, eta=1.0, epsilon=1e-8, stop="loss_change",
                            optimizer="gd", variant="batch", schedule="constant")


def stopping_ui(run: Run) -> None:
    view = stopping_view(run.only("eta"))
    st.caption(t("stopping.caption"))
    st.button(t("stopping.trap"), on_click=show_the_trap, help=t("stopping.trap.help"))
    st.dataframe(view["table"], hide_index=True, width="stretch",
                 column_config={column: t(f"column.{column}") for column in view["table"].columns})
    st.vega_lite_chart(view["chart"])
    for rule, explanation in zip(STOPPING_LAB, view["explanations"], strict=True):
        st.markdown(f"**{literal(t(f'stop.{rule}.title'))}**: {literal(explanation)}")


def geometry_ui(run: Run, view: dict) -> None:
    last = min(view["updates"], GEOMETRY_STEPS) - 1
    if last < 0:
        st.info(t("geometry.none"))
        return
    st.caption(t("geometry.caption", steps=last + 1))
    playing = st.toggle(t("geometry.play"), key="playing", help=t("geometry.play.help"))
    st.fragment(partial(step_through, run, view, last, playing), run_every=PLAY_SECONDS if playing else None)()


def step_through(run: Run, view: dict, last: int, playing: bool) -> None:
    """The slider and the picture of one update; while playing, each tick moves one update on (and loops)."""
    if playing:
        st.session_state["step"] = (st.session_state.get("step", 0) + 1) % (last + 1)
    st.session_state["step"] = min(st.session_state.get("step", 0), last)
    k = st.slider(t("label.step"), 0, max(last, 1), key="step", help=t("help.step"), disabled=last == 0)
    shapes = frames.geometry(view["history"], view["losses"], k, CHOICES["objective"][run.objective])
    st.vega_lite_chart(charts.geometry(view["curve"], shapes).to_dict(), width="stretch")
    direction = t("geometry.right" if shapes["step_size"] > 0 else "geometry.left" if shapes["step_size"] < 0
                  else "geometry.still")
    plain_step = run.optimizer == "gd" and run.schedule == "constant" and run.variant == "batch"
    key = "geometry.gd" if plain_step else "geometry.other"
    st.markdown(literal(t(key, k=k, after=k + 1, theta=number(shapes["theta"]), slope=number(shapes["slope"]),
                          eta=number(run.eta), step=number(shapes["step_size"]), next=number(shapes["next"]),
                          direction=direction)))


def switch_to_stochastic() -> None:
    st.session_state["variant"] = "sgd"


def noise_ui(run: Run) -> None:
    if run.variant == "batch":
        st.info(t("noise.batch"))
        st.button(t("noise.switch"), on_click=switch_to_stochastic)
        return
    _number("seeds")
    st.caption(t("noise.caption", seeds=run.seeds, variant=CHOICES["variant"][run.variant].title))
    view = noise_view(run.only("eta", "seeds"))
    st.vega_lite_chart(view["band"], width="stretch")
    st.markdown(t("noise.spread", low=f"{view['low']:,}", median=f"{view['median']:,.0f}", high=f"{view['high']:,}",
                  statuses=", ".join(f"{count} {t(f'status.{status}')}" for status, count in view["statuses"].items())))
    st.vega_lite_chart(view["spread"], width="stretch")


def predict_ui(run: Run) -> None:
    st.caption(t("predict.caption"))
    with st.form("predict"):
        eta = st.number_input(t("label.guess_eta"), min_value=1e-6, max_value=10.0, value=0.5, format="%g",
                              key="guess_eta", help=t("help.eta"))
        guess = st.radio(t("label.guess_outcome"), theory.OUTCOMES, horizontal=True, key="guess_outcome",
                         format_func=lambda outcome: t(f"outcome.{outcome}"))
        roughly = st.radio(t("label.guess_updates"), range(len(theory.BUCKETS)), horizontal=True,
                           key="guess_updates", format_func=lambda index: t(f"bucket.{index}"))
        submitted = st.form_submit_button(t("predict.run"))
    if not submitted:
        return
    view = headline(replace(run.only(), eta=eta))
    score = theory.judge(guess, roughly, view["outcome"], view["updates"])
    st.session_state["scores"] = [*st.session_state.get("scores", []), score.points]
    verdict = t("predict.verdict", points=score.points, outcome=t(f"outcome.{score.outcome}"),
                updates=updates(view["updates"]), total=sum(st.session_state["scores"]),
                possible=2 * len(st.session_state["scores"]))
    (st.success if score.points == 2 else st.warning if score.points == 1 else st.error)(literal(verdict))
    st.markdown(literal(view["explanation"]))
    if view["prediction"] is not None:
        st.markdown(literal(t("predict.theory", regime=t(f"regime.{view['prediction'].regime}"),
                              updates=updates(view["prediction"].updates))))


def formulas_ui(run: Run) -> None:
    with st.expander(t("section.formulas")):
        optimizer, schedule = CHOICES["optimizer"][run.optimizer], CHOICES["schedule"][run.schedule]
        stop = CHOICES["stop"][run.stop]
        st.markdown(t("formula.objective"))
        st.latex(CHOICES["objective"][run.objective].latex)
        st.markdown(t("formula.optimizer", title=optimizer.title))
        st.latex(optimizer.latex)
        st.markdown(t("formula.schedule", title=schedule.title))
        st.latex(schedule.latex)
        st.markdown(t("formula.stop", title=stop.title, epsilon=number(run.epsilon)))
        st.latex(stop.latex)


def keep_view_controls() -> None:
    """Controls that live in a view keep their value while another view is open (Streamlit would drop the
    state of a widget that is not drawn)."""
    for key in IN_VIEWS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def main() -> None:
    st.set_page_config(page_title=t("page.title"), page_icon="📉", layout="wide")
    seed_from_url()
    keep_view_controls()
    st.title(t("page.title"))
    st.caption(t("page.caption"))
    if st.session_state["link_problems"]:
        st.warning(literal(t("page.link_problems", problems="; ".join(st.session_state["link_problems"]))))
    run = sidebar_ui()
    if run is None:
        return
    st.query_params.from_dict(to_url(run))
    try:
        check_budget(run)
        view = metrics_ui(run)
        tabs = st.tabs([t(f"view.{name}") for name in VIEWS], key="view_label", on_change="rerun")
        draw = {"compare": partial(compare_ui, run, view), "theory": partial(theory_ui, run),
                "stopping": partial(stopping_ui, run), "geometry": partial(geometry_ui, run, view),
                "noise": partial(noise_ui, run), "predict": partial(predict_ui, run)}
        for name, tab in zip(VIEWS, tabs, strict=True):
            if tab.open:
                with tab:
                    draw[name]()
    except ValueError as error:  # the engine's message names the parameter and its range
        st.error(literal(error))


main()
