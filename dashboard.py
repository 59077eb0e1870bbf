"""The lab's page: widgets in, the views gd.lab builds, drawn. The only module that imports Streamlit."""

import ctypes
from dataclasses import fields, replace
from functools import partial

import streamlit as st

from gd import theory
from gd.lab import budget, views
from gd.lab.budget import WorkCapError
from gd.lab.controls import (
    CHOICES,
    DEFAULTS,
    HYPERPARAMETERS,
    IN_VIEW,
    MAX_TEXT,
    NUMBERS,
    PRESETS,
    UNITS,
    VIEWS,
    Run,
    format_etas,
    help_text,
    hyperparameters_of,
    label,
    parse_etas,
    refusal,
)
from gd.lab.format import accepted, number
from gd.lab.links import read_url, share, to_url, warning
from gd.lab.text import LANGUAGES, escaped, labels, language_of, markdown, quoted, speaking, t
from gd.params import ParameterError

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
CACHE_SECONDS = 3600  # a cached view lives an hour: enough for a lesson, bounded for a public server
PLAY_SECONDS = 0.8  # one update per tick while playing


@st.cache_resource
def return_freed_memory() -> bool:
    """Once per server: glibc's malloc gives large freed blocks (a view's histories) back to the system at once.
    By default it raises its mmap threshold after the first large free and keeps later ones resident: three
    visitors on the heaviest views then left the server 270 MB higher for good (bench/fairness.py)."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc: nothing to tune
        return False
    return bool(libc.mallopt(M_MMAP_THRESHOLD, 128 * 1024))


def cached(builder, entries: int):
    return st.cache_data(max_entries=entries, ttl=CACHE_SECONDS, show_spinner=False)(builder)


headline_view = cached(views.headline, 256)
compare_view = cached(views.compare, 64)
theory_view = cached(views.theory_view, 32)
stopping_view = cached(views.stopping, 64)
noise_view = cached(views.noise, 32)
article_view = cached(views.article_code, 64)


def open_link() -> None:
    """Once per session: a shared link's values become the widgets' starting values; with no language in the
    link, the browser's decides."""
    if "link_problems" in st.session_state:
        return
    values, problems = read_url(st.query_params.to_dict())
    values.setdefault("lang", language_of(st.context.locale))
    for key, value in values.items():
        st.session_state[key] = format_etas(value) if key == "etas" else value
    with speaking(values["lang"]):
        st.session_state["view_label"] = t(f"view.{values.get('view', DEFAULTS.view)}")
    st.session_state["link_problems"] = problems


def relabel_the_open_tab() -> None:
    """The tabs are told apart by their labels: after a change of language, the open one's in the new language."""
    with speaking(st.session_state["lang"]):
        st.session_state["view_label"] = t(f"view.{st.session_state['open_view']}")


def language_ui() -> str:
    """The language switch, first in the sidebar; its options are written in their own language."""
    with st.sidebar:
        return st.radio(t("language.label"), LANGUAGES, key="lang", on_change=relabel_the_open_tab, horizontal=True,
                        format_func=labels("language.{}"), label_visibility="collapsed")


def number_input(key: str, spec=None, name=None, hint=None, **options):
    """A number input bounded by its spec; its name and help text from the string table unless given."""
    spec = spec or NUMBERS[key]
    st.session_state.setdefault(key, spec.default)
    name, hint = name or t(f"label.{key}"), hint or help_text(key)
    if spec.integer:
        return st.number_input(name, min_value=int(spec.low), max_value=int(spec.high), key=key, help=hint,
                               **{"step": 1, **options})
    return st.number_input(name, min_value=float(spec.low), max_value=float(spec.high), key=key, help=hint,
                           **{"format": "%g", **options})


def choice(key: str) -> str:
    st.session_state.setdefault(key, getattr(DEFAULTS, key))
    return st.selectbox(t(f"label.{key}"), CHOICES[key], key=key, help=t(f"help.{key}"),
                        format_func=labels(f"{key}.{{}}.title"))


def hyperparameter_inputs(kind: str, name: str) -> list[tuple[str, float]]:
    """The chosen update rule's or schedule's own hyperparameters, and nothing for the ones not chosen."""
    inputs = []
    for spec in hyperparameters_of(kind, name):
        readable = t(f"hyperparameter.{spec.name}")
        hint = t("help.hyperparameter", name=readable, accepted=accepted(spec))
        inputs.append((f"{name}_{spec.name}", number_input(f"{name}_{spec.name}", spec, name=readable, hint=hint)))
    return inputs


def sidebar_ui(lang: str) -> Run | None:
    """Every sidebar control; the Run they describe, or None (with a message) if the η list is unusable."""
    with st.sidebar:
        st.header(t("sidebar.problem"))
        objective = choice("objective")
        st.caption(t(f"objective.{objective}.description"))
        theta0 = number_input("theta0", step=0.5)
        st.header(t("sidebar.descent"))
        eta = number_input("eta", step=0.01)
        variant = choice("variant")
        batch_size = number_input("batch_size") if variant == "minibatch" else DEFAULTS.batch_size
        seed = number_input("seed") if variant != "batch" else DEFAULTS.seed
        optimizer = choice("optimizer")
        hyperparameters = hyperparameter_inputs("optimizer", optimizer)
        schedule = choice("schedule")
        hyperparameters += hyperparameter_inputs("schedule", schedule)
        st.header(t("sidebar.stopping"))
        stop = choice("stop")
        epsilon = number_input("epsilon", format="%.1e", step=1e-8)
        max_iter = number_input("max_iter", step=1000)
        st.header(t("sidebar.compare"))
        st.session_state.setdefault("etas", format_etas(DEFAULTS.etas))
        etas_text = st.text_input(t("label.etas"), key="etas", help=help_text("etas"), max_chars=MAX_TEXT)
    try:
        etas = parse_etas(etas_text)
    except ParameterError as error:
        st.error(markdown("error.typed", name=escaped(t("label.etas")), accepted=escaped(refusal(error)),
                          value=quoted(error.value)))
        return None
    tabs = {t(f"view.{name}"): name for name in VIEWS}  # the open tab is known by its label
    return Run(objective, theta0, eta, epsilon, variant, batch_size, seed, optimizer, schedule, stop, max_iter,
               etas, hyperparameters=tuple(hyperparameters),
               view=tabs.get(st.session_state.get("view_label"), DEFAULTS.view), lang=lang)


STATUS_BOX = {"converged": st.success, "stalled": st.warning, "max_iter": st.info, "diverged": st.error}


def metrics_ui(run: Run) -> views.Headline:
    shown = headline_view(run.for_view("headline"))
    st.subheader(t("section.run", eta=number(run.eta)))
    for row in (shown.metrics[:3], shown.metrics[3:]):  # two rows: long numbers need the width
        for column, (name, value, hint) in zip(st.columns(3), row, strict=False):
            column.metric(name, value, help=hint)
    st.caption(escaped(shown.exact))
    STATUS_BOX[shown.status](escaped(shown.explanation))
    with st.expander(t("article.title")):
        article = article_view(run.for_view("headline"))
        st.code(article.code, language="python")
        if article.printed:
            st.caption(t("article.printed"))
            st.code(article.printed, language=None)
        st.caption(escaped(article.note))
    return shown


def refused(error: Exception, view: str) -> None:
    """A view the cap or a parameter check refused: the reason in the visitor's words, and the way out."""
    if isinstance(error, WorkCapError):
        st.error(escaped(" ".join((
            t("error.cap", seconds=f"{error.seconds:.1f}", megabytes=f"{error.megabytes:,.0f}", runs=error.runs,
              limit=f"{error.limit:,}", cap_seconds=budget.SECONDS, cap_megabytes=budget.MEGABYTES),
            t("error.cap.fix", fits=f"{error.fits:,}", fewer=t(f"error.cap.fewer.{view}"))))))
        if error.fits >= 1:
            st.button(t("error.cap.button", fits=f"{error.fits:,}"), on_click=st.session_state.update,
                      kwargs={"max_iter": error.fits})
    else:
        st.error(escaped(t("error.parameter", name=label(error.name), accepted=refusal(error))))


def build(view, run: Run):
    """view(run) for the open tab, or None after saying why the cap or a check refused it."""
    try:
        budget.check(run)
        return view(run.for_view(run.view))
    except (WorkCapError, ParameterError) as error:
        refused(error, run.view)
        return None


def compare_ui(run: Run, shown: views.Headline) -> Run:
    st.caption(t("section.compare.caption"))
    panels = st.container()  # filled once the convergence chart's own control below has been read
    st.subheader(t("section.convergence"))
    convergence_caption = st.empty()  # said once the runs are known
    st.session_state.setdefault("unit", DEFAULTS.unit)
    unit = st.segmented_control(t("label.unit"), UNITS, key="unit", help=t("help.unit"),
                                format_func=labels("chart.unit.{}"))
    run = replace(run, unit=unit or DEFAULTS.unit)
    with panels:
        view = build(compare_view, run)
        if view is None:
            return run
        st.vega_lite_chart(view.trajectories)
        if shown.schedule:
            st.markdown(shown.schedule_title)
            st.vega_lite_chart(shown.schedule, width="stretch")
    convergence_caption.caption(view.convergence_caption)
    st.vega_lite_chart(view.convergence, width="stretch")
    st.subheader(t("section.table"))
    st.dataframe(view.table, hide_index=True, width="stretch", column_config=view.columns)
    st.download_button(t("download.csv"), data=view.csv, file_name="trajectories.csv", mime="text/csv",
                       help=view.download_help, on_click="ignore")
    return run


def theory_ui(run: Run, shown: views.Headline) -> Run:
    st.markdown(t("theory.intro"))
    st.latex(r"\theta_k - \theta^* = (1 - \eta L)^k\,(\theta_0 - \theta^*)")
    st.subheader(t("section.sweep"))
    sweep = {}
    for column, key in zip(st.columns(3), IN_VIEW["theory"], strict=True):
        with column:
            sweep[key] = number_input(key, **{"sweep_low": {"step": 1e-3}, "sweep_high": {"step": 0.1}}.get(key, {}))
    run = replace(run, **sweep)
    view = build(theory_view, run)
    if view is None:
        return run
    if view.table is None:
        st.info(view.note)
    else:
        st.markdown(view.note)
        st.dataframe(view.table, hide_index=True, width="stretch", column_config=view.columns)
    st.caption(view.sweep_caption)
    if view.sweep_none:
        st.info(view.sweep_none)
    for chart in view.sweeps:
        st.vega_lite_chart(chart, width="stretch")
    formulas_ui(view.formulas)
    return run


def stopping_ui(run: Run, shown: views.Headline) -> Run:
    st.caption(t("stopping.caption"))
    st.button(t("stopping.trap"), on_click=apply_preset, args=("trap",), help=t("stopping.trap.help"))
    view = build(stopping_view, run)
    if view is None:
        return run
    st.dataframe(view.table, hide_index=True, width="stretch", column_config=view.columns)
    st.vega_lite_chart(view.chart)
    for name, explanation in view.explanations:
        st.markdown(markdown("stopping.line", rule=f"**{escaped(name)}**", sentence=escaped(explanation)))
    return run


@st.cache_data(max_entries=64, ttl=CACHE_SECONDS, show_spinner=False)
def step_through_view(run: Run, _shown: views.Headline) -> views.StepThrough:
    """_shown is run's own headline, so the cache keys on run alone (Streamlit does not hash _-named arguments)."""
    return views.step_through(run, _shown)


def toggle_play(updates: int) -> None:
    playing = not st.session_state.get("playing", False)
    st.session_state["playing"] = playing
    if playing and st.session_state.get("step", 1) >= updates:  # played to the end before: start over
        st.session_state["step"] = 1


def geometry_ui(run: Run, shown: views.Headline) -> Run:
    steps = step_through_view(run.for_view("geometry"), shown)
    if not steps.updates:
        st.info(t("geometry.none"))
        return run
    st.caption(t("geometry.caption", steps=steps.updates))
    playing = st.session_state.get("playing", False)
    st.button(t("geometry.pause" if playing else "geometry.play"), on_click=toggle_play, args=(steps.updates,),
              help=t("geometry.play.help", seconds=PLAY_SECONDS))
    st.fragment(partial(step_ui, steps, playing), run_every=PLAY_SECONDS if playing else None)()
    return run


def step_ui(steps: views.StepThrough, playing: bool) -> None:
    """The slider and the picture of one update. While playing, each tick moves one update on and the last one
    stops the play (and the ticks: the page reruns without them)."""
    update = min(st.session_state.get("step", 1), steps.updates)  # counted from 1
    if playing:
        update = min(update + 1, steps.updates)
        if update == steps.updates:
            st.session_state["playing"] = False
    st.session_state["step"] = update
    update = st.slider(t("label.step"), 1, max(steps.updates, 2), key="step",
                       help=t("help.step", steps=steps.updates), disabled=steps.updates == 1)
    st.vega_lite_chart(steps.at(update - 1), width="stretch")
    st.markdown(escaped(steps.sentences[update - 1]))
    if playing and not st.session_state["playing"]:
        st.rerun()  # the whole page, so the fragment is drawn again without run_every


def apply_preset(name: str) -> None:
    """A lesson's settings: every control back at its default, then the lesson's own, and its view open."""
    lesson = PRESETS[name]
    controls = [field.name for field in fields(Run) if field.name not in ("hyperparameters", "view", "lang")]
    for key in [*controls, *HYPERPARAMETERS]:  # every widget's state: it starts again at its default
        st.session_state.pop(key, None)
    for key, value in lesson.items():
        if key != "view":
            st.session_state[key] = value
    with speaking(st.session_state["lang"]):
        st.session_state["view_label"] = t(f"view.{lesson['view']}")


def presets_ui() -> None:
    st.caption(t("preset.caption"))
    for column, name in zip(st.columns(len(PRESETS)), PRESETS, strict=True):
        column.button(t(f"preset.{name}"), key=f"preset_{name}", on_click=apply_preset, args=(name,),
                      help=t(f"preset.{name}.help"), width="stretch")


def share_ui(run: Run) -> None:
    with st.sidebar:
        st.header(t("share.title"))
        st.caption(t("share.caption"))
        st.code(share(st.context.url, run), language=None, wrap_lines=True)


def switch_to_stochastic() -> None:
    st.session_state["variant"] = "sgd"


def noise_ui(run: Run, shown: views.Headline) -> Run:
    if run.variant == "batch":
        st.info(t("noise.batch"))
        st.button(t("noise.switch"), on_click=switch_to_stochastic)
        return run
    run = replace(run, seeds=number_input("seeds"))
    view = build(noise_view, run)
    if view is None:
        return run
    st.caption(view.caption)
    st.vega_lite_chart(view.band, width="stretch")
    st.markdown(escaped(view.spread_sentence))
    st.vega_lite_chart(view.spread, width="stretch")
    return run


def predict_ui(run: Run, shown: views.Headline) -> Run:
    st.caption(t("predict.caption"))
    with st.form("predict"):
        st.session_state.setdefault("guess_eta", 0.5)
        eta = number_input("guess_eta", NUMBERS["eta"], name=t("label.guess_eta"), hint=help_text("eta"))
        guess = st.radio(t("label.guess_outcome"), theory.OUTCOMES, horizontal=True, key="guess_outcome",
                         format_func=labels("outcome.{}"))
        roughly = st.radio(t("label.guess_updates"), range(len(theory.BUCKETS)), horizontal=True,
                           key="guess_updates", format_func=labels("bucket.{}"))
        submitted = st.form_submit_button(t("predict.run"))
    if not submitted:
        return run
    earlier = tuple(st.session_state.get("scores", ()))
    view = views.predict(run, headline_view(views.guessed(run, eta)), guess, roughly, earlier)
    st.session_state["scores"] = (*earlier, view.points)
    (st.success if view.points == 2 else st.warning if view.points == 1 else st.error)(escaped(view.verdict))
    st.markdown(escaped(view.explanation))
    if view.theory:
        st.markdown(escaped(view.theory))
    return run


def formulas_ui(formulas) -> None:
    with st.expander(t("section.formulas")):
        for formula in formulas:
            st.markdown(formula.caption)
            st.latex(formula.latex)


def keep_view_controls() -> None:
    """Controls drawn inside a view keep their value while another view is open (Streamlit would drop the state
    of a widget that is not drawn)."""
    for key in (key for keys in IN_VIEW.values() for key in keys):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


DRAW = {"compare": compare_ui, "theory": theory_ui, "stopping": stopping_ui, "geometry": geometry_ui,
        "noise": noise_ui, "predict": predict_ui}


def main() -> None:
    return_freed_memory()
    open_link()
    keep_view_controls()
    lang = language_ui()
    with speaking(lang):
        page(lang)


def page(lang: str) -> None:
    st.set_page_config(page_title=t("page.title"), page_icon="📉", layout="wide")
    st.title(t("page.title"))
    st.caption(t("page.caption"))
    if st.session_state["link_problems"]:
        st.warning(warning(st.session_state["link_problems"]))
    presets_ui()
    run = sidebar_ui(lang)
    if run is None:
        return
    st.session_state["open_view"] = run.view
    shown = metrics_ui(run)
    if run.view != "geometry":
        st.session_state["playing"] = False  # leaving the view stops its play
    tabs = st.tabs([t(f"view.{name}") for name in VIEWS], key="view_label", on_change="rerun")
    for name, tab in zip(VIEWS, tabs, strict=True):
        if tab.open:
            with tab:
                run = DRAW[name](run, shown)
    st.query_params.from_dict(to_url(run))
    share_ui(run)


main()
