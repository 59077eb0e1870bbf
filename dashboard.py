"""The lab's page: widgets in the sidebar, cached calls into gd, charts out. No numerics here."""

from functools import partial

import streamlit as st

import gd
from gd import charts, frames
from gd.controls import CHOICES, DEFAULTS, NUMBERS, Run, check_budget, format_etas, parse_etas, read_url, to_url
from gd.explain import explain, number, updates
from gd.text import literal, t

CACHE_SECONDS = 3600  # a cached view lives an hour: enough for a lesson, bounded for a public server


@st.cache_data(max_entries=256, ttl=CACHE_SECONDS, show_spinner=False)
def headline(run: Run) -> dict:
    result = gd.minimize(run.objective, eta=run.eta, **run.keywords())
    return {"theta": result.theta, "grad": result.grad, "loss": result.loss, "updates": result.iterations,
            "status": result.status, "explanation": explain(result)}


@st.cache_data(max_entries=64, ttl=CACHE_SECONDS, show_spinner=False)
def comparison(run: Run) -> dict:
    """The side-by-side and convergence charts as Vega-Lite specs, and the table: built once per setting."""
    results = gd.compare(run.etas, run.objective, **run.keywords())
    problem = results[0].settings.problem
    panels = [frames.panel_title(result) for result in results]
    return {
        "trajectories": charts.trajectories(frames.curve(problem), frames.trajectories(results), panels).to_dict(),
        "convergence": charts.convergence(frames.gaps(results)).to_dict(),
        "table": frames.shown(frames.summary(results)),
    }


@st.cache_data(max_entries=32, ttl=CACHE_SECONDS, show_spinner=False)
def grid_search(run: Run) -> dict:
    results = gd.compare(run.sweep_etas(), run.objective, **run.keywords())
    table = frames.sweep(results)
    best = frames.best_eta(table)
    smoothness = results[0].settings.problem.smoothness
    view = {measure: charts.sweep(table, measure, best, smoothness).to_dict() for measure in charts.SWEEP_MEASURES}
    view["best"] = None if best is None else (best, int(table.loc[table["eta"] == best, "updates"].iloc[0]))
    return view


def trajectories_csv(run: Run) -> bytes:
    """Made only when the download button is pressed, so no cache holds it."""
    return frames.csv(gd.compare(run.etas, run.objective, **run.keywords()))


def seed_from_url() -> None:
    """Once per session: a shared link's values become the widgets' starting values."""
    if "seeded" in st.session_state:
        return
    values, problems = read_url(st.query_params.to_dict())
    for key, value in values.items():
        st.session_state[key] = format_etas(value) if key == "etas" else value
    st.session_state["seeded"] = True
    st.session_state["link_problems"] = problems


def _number(key: str, spec=None, **options):
    spec = spec or NUMBERS[key]
    st.session_state.setdefault(key, getattr(DEFAULTS, key, spec.default))
    if spec.integer:
        return st.number_input(t(f"label.{key}"), min_value=int(spec.low), max_value=int(spec.high),
                               key=key, help=t(f"help.{key}"), **{"step": 1, **options})
    return st.number_input(t(f"label.{key}"), min_value=float(spec.low), max_value=float(spec.high), key=key,
                           help=t(f"help.{key}"), **options)


def _choice(key: str) -> str:
    registry = CHOICES[key]
    st.session_state.setdefault(key, getattr(DEFAULTS, key))
    return st.selectbox(t(f"label.{key}"), list(registry), key=key, help=t(f"help.{key}"),
                        format_func=lambda name: registry[name].title)


def _rule_parameters(kind: str, name: str) -> list[tuple[str, float]]:
    """The chosen rule's own hyperparameters, and nothing for the rules not chosen."""
    chosen = []
    for spec in CHOICES[kind][name].hyperparameters:
        key = f"{name}_{spec.name}"
        st.session_state.setdefault(key, spec.default)
        if spec.integer:
            value = st.number_input(spec.name, min_value=int(spec.low), max_value=int(min(spec.high, 1e9)), step=1,
                                    key=key, help=t("help.hyperparameter", name=spec.name, accepted=spec.accepted))
        else:
            value = st.number_input(spec.name, min_value=float(spec.low), max_value=float(spec.high), key=key,
                                    format="%g", help=t("help.hyperparameter", name=spec.name, accepted=spec.accepted))
        chosen.append((key, value))
    return chosen


def sidebar_ui() -> Run | None:
    """Every control; returns the Run they describe, or None (with a message) if the η list is unusable."""
    with st.sidebar:
        st.header(t("sidebar.problem"))
        objective = _choice("objective")
        st.caption(CHOICES["objective"][objective].description)
        theta0 = _number("theta0", format="%g", step=0.5)
        st.header(t("sidebar.descent"))
        eta = _number("eta", format="%g", step=0.01)
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
        sweep_low = _number("sweep_low", format="%g", step=1e-3)
        sweep_high = _number("sweep_high", format="%g", step=0.1)
        sweep_points = _number("sweep_points")
    try:
        etas = parse_etas(etas_text)
    except ValueError as error:
        st.error(literal(error))
        return None
    return Run(objective, theta0, eta, epsilon, variant, batch_size, seed, optimizer, schedule, stop, max_iter,
               etas, sweep_low, sweep_high, sweep_points, tuple(rule_parameters))


STATUS_BOX = {"converged": st.success, "stalled": st.warning, "max_iter": st.info, "diverged": st.error}


def metrics_ui(run: Run) -> None:
    view = headline(run)
    st.subheader(t("section.run", eta=number(run.eta)))
    values = {"theta": number(view["theta"]), "grad": number(view["grad"]), "loss": number(view["loss"]),
              "updates": f"{view['updates']:,}", "status": t(f"status.{view['status']}")}
    for row in (("theta", "grad", "loss"), ("updates", "status")):  # two rows: long numbers need the width
        for column, key in zip(st.columns(3), row, strict=False):
            column.metric(t(f"metric.{key}"), values[key], help=t(f"metric.{key}.help"))
    st.caption(literal(t("metric.exact", theta=repr(view["theta"]), grad=repr(view["grad"]), loss=repr(view["loss"]))))
    STATUS_BOX[view["status"]](literal(view["explanation"]))


def comparison_ui(run: Run) -> None:
    view = comparison(run.for_comparison())
    st.subheader(t("section.compare"))
    st.caption(t("section.compare.caption"))
    st.vega_lite_chart(view["trajectories"])
    st.subheader(t("section.convergence"))
    st.caption(t("section.convergence.caption"))
    st.vega_lite_chart(view["convergence"], width="stretch")
    st.subheader(t("section.table"))
    st.dataframe(view["table"], hide_index=True, width="stretch",
                 column_config={column: t(f"column.{column}") for column in view["table"].columns})
    st.download_button(t("download.csv"), data=partial(trajectories_csv, run.for_comparison()),
                       file_name="trajectories.csv", mime="text/csv", help=t("download.csv.help"),
                       on_click="ignore")


def sweep_ui(run: Run) -> None:
    view = grid_search(run.for_sweep())
    st.subheader(t("section.sweep"))
    best = "" if view["best"] is None else t("section.sweep.best", eta=number(view["best"][0]),
                                             updates=updates(view["best"][1]))
    low, high = sorted((run.sweep_low, run.sweep_high))
    st.caption(t("section.sweep.caption", points=run.sweep_points, low=number(low), high=number(high), best=best))
    if view["best"] is None:
        st.info(t("section.sweep.none"))
    for measure in charts.SWEEP_MEASURES:
        st.vega_lite_chart(view[measure], width="stretch")


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


def main() -> None:
    st.set_page_config(page_title=t("page.title"), page_icon="📉", layout="wide")
    seed_from_url()
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
        metrics_ui(run)
        comparison_ui(run)
        sweep_ui(run)
    except ValueError as error:  # the engine's message names the parameter and its range
        st.error(literal(error))
    formulas_ui(run)


main()
