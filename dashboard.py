"""The lab's page: widgets in, the views gd.lab builds, drawn. The only module that imports Streamlit."""

import ctypes
import gc
import threading
import time
from contextlib import nullcontext
from dataclasses import fields, is_dataclass, replace
from functools import partial, wraps
from types import SimpleNamespace

import pandas as pd
import streamlit as st
from streamlit import dataframe_util
from streamlit.runtime import Runtime

import gd
from gd import data, theory, typed
from gd.lab import animations, budget, charts, figures, frames, heavy, maps, state, views, worksheet
from gd.lab.budget import WorkCapError
from gd.lab.charts import START
from gd.lab.controls import (
    CHOICES,
    CUSTOM,
    DATA,
    DEFAULT_FUNCTION,
    DEFAULTS,
    GUESS,
    HIDEABLE,
    HYPERPARAMETERS,
    IN_VIEW,
    LOCKABLE,
    MAX_LINK_DATA,
    MAX_TEXT,
    MODES,
    NUMBERS,
    PRESETS,
    RACE,
    SAMPLES,
    SAMPLING,
    UNITS,
    VIEWS,
    Run,
    control_text,
    data_accepted,
    data_limits,
    fits,
    help_text,
    hidden_label,
    hyperparameters_of,
    label,
    problem_of,
    race_etas,
    refusal,
    spec_of,
    start_of,
    table_text,
    text_key,
    title,
    views_of,
)
from gd.lab.format import accepted, number, number_text
from gd.lab.links import exercise_said, fits_link, share, to_url, warning
from gd.lab.text import LANGUAGES, escaped, labels, language_of, markdown, quoted, speaking, spoken, t
from gd.params import ParameterError
from gd.typed import MAX_LENGTH
from gd.work import WorkLimitError

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
CACHE_SECONDS = 3600  # a cached view lives an hour: enough for a lesson, bounded for a public server
PANELS_PER_ROW = 4  # side-by-side panels in one row on a wide screen


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


def _step_through(run: Run, _shown: views.Headline) -> views.StepThrough:
    """_shown is run's own headline, so the cache keys on run alone (Streamlit does not hash _-named arguments)."""
    return views.step_through(run, _shown)


@st.cache_resource
def cached_views() -> SimpleNamespace:
    """Once per server: the page's cached views, each keeping its last `entries` results. Made on every run, each
    st.cache_data would read and hash its builder's source again (inspect.getsource: 6 ms of every run, a seventh of
    an η change's script)."""
    def cached(builder, entries: int):
        return st.cache_data(max_entries=entries, ttl=CACHE_SECONDS, show_spinner=False)(as_sent(builder))

    return SimpleNamespace(
        headline=cached(views.headline, 256), compare=cached(views.compare, 64), theory=cached(views.theory_view, 32),
        range=cached(views.range_view, 32), basins=cached(views.basins, 16), stopping=cached(views.stopping, 64),
        inside=cached(views.inside_view, 32), noise=cached(views.noise, 32), race=cached(views.race, 32),
        momentum=cached(views.momentum, 32), regression=cached(views.regression, 32),
        article=cached(views.article_code, 64), step_through=cached(_step_through, 64))


def as_sent(builder):
    """builder, each chart of its view holding its named datasets as the Arrow bytes Streamlit sends, made once where
    the view is cached: st.vega_lite_chart converts rows on every draw (dataframe_util, 55 ms of the 100 ms script
    of an η change on a surface) and passes bytes through. Named as builder, so that the caches stay apart."""
    @wraps(builder)
    def build(*args, **keywords):
        return _with_bytes(builder(*args, **keywords))

    return build


def _with_bytes(part):
    """part, a view or any of its fields, with every chart spec in it holding Arrow bytes for its datasets."""
    if is_dataclass(part):
        return replace(part, **{field.name: _with_bytes(getattr(part, field.name)) for field in fields(part)
                                if field.init})
    if isinstance(part, tuple):
        return tuple(_with_bytes(item) for item in part)
    if isinstance(part, dict) and isinstance(part.get("datasets"), dict):
        return {**part, "datasets": {name: rows if isinstance(rows, bytes) else compact_arrow(rows)
                                     for name, rows in part["datasets"].items()}}
    return part


def compact_arrow(rows: list[dict]) -> bytes:
    """A dataset's rows as the Arrow bytes Streamlit sends, whole numbers in their smallest type (a step count in 2
    bytes, not 8); Vega reads back the same values. (Streamlit sends a categorical column as text, so a view that
    repeats a word on every row sends a small code and looks the word up in the chart: charts.basins.)"""
    frame = pd.DataFrame(rows)
    for column in frame.columns:
        if pd.api.types.is_integer_dtype(frame[column]):
            frame[column] = pd.to_numeric(frame[column], downcast="integer")
    return dataframe_util.convert_anything_to_arrow_bytes(frame)


def give_back_memory() -> None:
    """Drop every cached view and what the lab and the engine cache for visitors' settings, stop the heavy worker, then
    return the freed memory to the system: a server nobody is using holds no more than a fresh one that has shown one
    page."""
    for view in vars(cached_views()).values():
        view.clear()
    maps.forget()
    typed.forget()
    data.forget()
    heavy.stop()
    forget_closed_sessions()
    release_freed_memory()


def release_freed_memory() -> None:
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: Python's own free lists only
        pass


def forget_closed_sessions() -> int:
    """Shut down and drop the closed pages' sessions whose time to reconnect (server.disconnectedSessionTTL) is over;
    how many. Streamlit drops an expired one only when it next stores a session, so an idle server kept its last
    visitors' sessions (about 0.5 MB each) until someone came. Through Streamlit's private session storage (a test
    checks that it is still there); nothing where there is none (no server, or another Streamlit)."""
    try:
        sessions = Runtime.instance()._session_mgr
        with sessions._storage_lock:  # as Streamlit stores and resumes them, on its own thread
            expired = sessions._session_storage._cache.expire()
    except (AttributeError, RuntimeError):
        return 0
    for _, closed in expired:
        closed.session.shutdown()  # what Streamlit does to a closed session it does not keep
    return len(expired)


@st.cache_resource
def last_run() -> dict:
    """Once per server: when a page last ran (main() writes it), and a thread that gives the caches' memory back
    once the server is idle (state.idle): caches serve a busy server, an idle one returns what they hold."""
    seen = {"at": time.monotonic(), "given_back": False}

    def watch():
        while True:
            time.sleep(state.IDLE_SECONDS / 4)
            if not state.idle(seen["at"], time.monotonic()):
                continue
            if not seen["given_back"]:
                seen["given_back"] = True
                give_back_memory()
            elif forget_closed_sessions():  # the last visitors' sessions, expired since
                release_freed_memory()

    threading.Thread(target=watch, name="give back memory when idle", daemon=True).start()
    return seen


CACHED = cached_views()


def follow_address() -> None:
    """The address is the page's state: a link opened (with no language in it, the browser's decides), and later the
    browser's Back and Forward — whenever the page did not write the address it finds (state.follows), it takes its
    settings from it (state.address_followed)."""
    query = st.query_params.to_dict()
    if not state.follows(query, st.session_state.get("address")):
        return
    opened = "address" in st.session_state
    change, problems = state.address_followed(
        query, st.session_state["lang"] if opened else language_of(st.context.locale))
    apply(change)
    st.session_state["link_problems"] = problems
    st.session_state.pop("link_run", None)


def apply(change: state.Change) -> None:
    """A transition's change to the controls' state (a reset drops every control's state but the language, the open
    tab and the page's modes, which only an address sets, so that each is drawn at its default)."""
    if change.reset:
        kept = ("hyperparameters", "view", "lang", *MODES)
        controls = [field.name for field in fields(Run) if field.name not in kept]
        for key in [*controls, *HYPERPARAMETERS, *MIRRORS.values(), "good", *map(text_key, DATA)]:
            st.session_state.pop(key, None)
    for key in change.drop:
        st.session_state.pop(key, None)
        st.session_state.setdefault("good", {}).pop(key, None)
    for key, value in change.put.items():
        put(key, value)
    if change.view is not None:
        open_tab(change.view)


def language_ui() -> str:
    """The language switch, first in the sidebar; its options are written in their own language (so its labels are
    the same in both, and one widget serves)."""
    with st.sidebar:
        return st.radio(t("language.label"), LANGUAGES, key="lang", horizontal=True,
                        format_func=labels("language.{}"), label_visibility="collapsed")


TABS = "view_label"  # the tabs' widget, one per language (worded): Streamlit tells tabs apart by their labels


def open_tab(view: str) -> None:
    """Open view's tab on the next run (a link, a lesson, a new objective): its name kept, the tabs' own state
    dropped so that it does not carry the tab opened before."""
    st.session_state["view"] = view
    for lang in LANGUAGES:
        st.session_state.pop(f"{TABS}.{lang}", None)


def opened_tab(lang: str) -> str:
    """The view whose tab is open: the one the visitor clicked (this language's tabs hold its label), else the one
    kept by name."""
    with speaking(lang):
        names = {t(f"view.{name}"): name for name in VIEWS}
    clicked = names.get(st.session_state.get(f"{TABS}.{lang}"))
    if clicked is not None:
        st.session_state["view"] = clicked
    return st.session_state.setdefault("view", DEFAULTS.view)


MIRRORS = {"eta": "eta_here", "etas": "etas_here"}  # typed in the sidebar and again above the results (phones)
TYPED = (*NUMBERS, *HYPERPARAMETERS, *RACE, "etas")  # the controls typed as text


def put(key: str, value) -> None:
    """A control's value set by the page (a link, a lesson, the cap's button): its text, in its mirror too."""
    text = control_text(key, value) if key in TYPED else value
    st.session_state[key] = text
    if key in MIRRORS:
        st.session_state[MIRRORS[key]] = text


def mirror(source: str, target: str) -> None:
    st.session_state[target] = st.session_state[source]


def typed_input(key: str, spec=None, name=None, hint=None, copy=None, quiet=False, default=None):
    """A number (or the η list) typed as text and read by the page: an empty or unusable entry keeps the last
    good value and says so beside the control (unless quiet: its mirror says it), so nothing is ever silently
    replaced. copy: the key of the same control drawn in another place, kept in step with this one."""
    if default is None:
        default = DEFAULTS.etas if key == "etas" else (spec or spec_of(key)).default
    st.session_state.setdefault(key, control_text(key, default))
    widget = copy or key
    if widget != key:
        st.session_state.setdefault(widget, st.session_state[key])
    partner = key if widget != key else MIRRORS.get(key)
    follow = {} if partner is None else {"on_change": mirror, "args": (widget, partner)}
    text = st.text_input(name or t(f"label.{key}"), key=widget, help=hint or help_text(key), max_chars=MAX_TEXT,
                         **follow)
    good, error = state.typed(key, text, st.session_state.get("good", {}), spec)
    st.session_state["good"] = good
    if error is not None and not quiet:
        say_kept(name or t(f"label.{key}"), text, text, error, control_text(key, good.get(key, default)))
    return good.get(key, default)


def say_kept(name: str, text: str, value: str, error: ParameterError, kept: str) -> None:
    """Beside a control whose text was refused (state.typed): what it accepts and the last good value the run keeps,
    or that it is empty. value: the text as quoted (a long formula cut short)."""
    said = "input.empty" if not text.strip() else "input.kept"
    st.error(markdown(said, name=escaped(name), accepted=escaped(refusal(error)), value=quoted(value),
                      kept=escaped(kept)))


def worded(key: str, default) -> str:
    """The key of the widget that shows `key`'s value in the page's language, set from the value kept under `key`.
    Streamlit keeps a choice as the label it shows, so one widget across a change of language came back with a label
    of the other language as its value (the page crashed on a switch there and back): each language has its own
    widget, and `key` holds the value itself (kept by keep(), its on_change)."""
    widget = f"{key}.{st.session_state['lang']}"
    st.session_state[widget] = st.session_state.setdefault(key, default)
    return widget


def keep(key: str, widget: str, then=None) -> None:
    """A worded widget's value kept under its own key; then(the value before), if given."""
    previous = st.session_state.get(key)
    st.session_state[key] = st.session_state[widget]
    if then is not None:
        then(previous)


def choice(key: str, on_change=None) -> str:
    widget = worded(key, getattr(DEFAULTS, key))
    return st.selectbox(t(f"label.{key}"), CHOICES[key], key=widget, help=t(f"help.{key}"),
                        format_func=labels(f"{key}.{{}}.title"), on_change=keep, args=(key, widget, on_change))


def restart(previous: str) -> None:
    texts = {"function": good_function(), **{text_key(name): st.session_state.get(text_key(name), "") for name in DATA}}
    apply(state.objective_changed(st.session_state["objective"], previous, st.session_state.get("view", DEFAULTS.view),
                                  texts))


def good_function() -> str:
    """The last typed function gd.typed read (DEFAULT_FUNCTION until one was)."""
    return st.session_state.get("good", {}).get("function", DEFAULT_FUNCTION)


def new_function() -> None:
    apply(state.function_changed(st.session_state["function"], good_function()))


def function_ui() -> str:
    """The formula of "Your function", read by gd.typed as it is typed and echoed as LaTeX; a refused text keeps
    the last good function and says why, in the page's language, naming the control and what was refused."""
    st.session_state.setdefault("function", DEFAULT_FUNCTION)
    name = t("label.function")
    text = st.text_input(name, key="function", max_chars=MAX_LENGTH, on_change=new_function,
                         help=t("help.function", limit=MAX_LENGTH))
    st.session_state["good"], error = state.typed("function", text, st.session_state.get("good", {}))
    if error is not None:
        say_kept(name, text, text if len(text) <= 40 else text[:40] + "…", error, good_function())
    function = good_function()
    st.caption(t("function.read"))
    st.markdown(f"${problem_of(CUSTOM, function).latex}$")  # inline, so a long formula wraps in the sidebar
    return function


def data_ui(objective: str) -> str:
    """The learner's rows for a DATA objective: a table to edit and a CSV file to upload, each read by gd.parse_data as
    it changes; what is refused keeps the last rows that were read, and says why, naming the row and the limit, in
    the page's language. The rows as the page holds them (a link's, an upload's, the last edit's) are the table's
    base; an edit keeps that base, so the editor keeps its own state between runs."""
    key, model = text_key(objective), DATA[objective]
    rows = st.session_state.get(key) or SAMPLES[objective]
    if st.session_state.get(f"{key}.edited") != rows:  # the rows came from outside the table: it starts from them
        st.session_state[f"{key}.base"] = rows
    base = st.session_state.get(f"{key}.base", rows)
    name, limits = t("label.data"), data_limits()
    st.markdown(f"**{escaped(name)}**", help=t("help.data", target=t(f"data.target.{model}"), **limits))
    x, y = data.read_rows(base)
    with st.container(key=f"{key}-table-{abs(hash(base))}"):  # new rows, a new editor (one reused keeps its old id)
        table = st.data_editor(
            pd.DataFrame({"x": x, "y": y}), key=f"{key}.table.{hash(base)}", num_rows="dynamic", hide_index=True,
            width="stretch", alt=name,
            column_config={"x": st.column_config.NumberColumn("x", format="%g"),
                           "y": st.column_config.NumberColumn("y", format="%g", help=t(f"data.target.{model}"))})
    edited = table_text(table)
    try:
        read = problem_of(objective, edited).text
    except ParameterError as error:
        say_refused_data(escaped(name), error)
    else:
        apply(state.rows_edited(read, rows))
        st.session_state[key] = st.session_state[f"{key}.edited"] = rows = read
    st.file_uploader(t("label.upload", **limits), type=["csv", "txt"], key=f"{key}.upload", on_change=uploaded,
                     args=(objective,), help=t("help.upload", **limits))
    file, outcome = st.session_state.get(f"{key}.outcome", (None, None))
    if isinstance(outcome, ParameterError):  # said while that file is in the uploader
        say_refused_data(quoted(file), outcome)
    elif outcome is not None:  # said once
        st.success(markdown("data.uploaded", rows=outcome, name=quoted(file)))
        del st.session_state[f"{key}.outcome"]
    return rows


def say_refused_data(name: str, error: ParameterError) -> None:
    """Why rows were not used, naming the row and the text refused (quoted, whatever it holds) and what is accepted.
    name: the table's label or the file's name, as Markdown."""
    token = error.token or ""
    shown = escaped(token) if token.replace(",", "").isdigit() else quoted(token)  # a count of ours, or their text
    reason = markdown(f"data.reason.{error.reason}", token=shown, row=error.row, **data_limits())
    st.error(markdown("data.refused", name=name, reason=reason, accepted=escaped(data_accepted())))


def uploaded(objective: str) -> None:
    """A CSV file given: its rows replace the table's when gd.parse_data reads them, else nothing is kept; data_ui says
    which, in the page's language (a callback runs before the page knows it)."""
    key = text_key(objective)
    file = st.session_state.get(f"{key}.upload")
    if file is None:
        st.session_state.pop(f"{key}.outcome", None)
        return
    try:
        read = problem_of(objective, data.decode(file.getvalue()))
    except ParameterError as error:
        st.session_state[f"{key}.outcome"] = (file.name, error)
    else:
        apply(state.rows_replaced(objective, read.text))
        st.session_state[key] = read.text
        st.session_state[f"{key}.outcome"] = (file.name, read.n_examples)


def data_summary(objective: str, rows: str, features: str) -> None:
    """What the rows make of J, under the table, and the rows as a CSV file (a link cannot carry every data set)."""
    st.caption(views.data_said(objective, rows, features))
    st.download_button(t("data.download"), data.csv_text(rows), file_name=f"{objective}.csv", mime="text/csv",
                       key=f"{text_key(objective)}.download")


def start_ui(objective: str, function: str = ""):
    """θ₀ for this objective: a number on a curve, a pair on a surface (its own start unless typed)."""
    start, dim = start_of(objective, function), problem_of(objective, function).dim
    hint = None if dim == 1 else help_text("theta0", "help.theta0.pair")
    theta0 = typed_input("theta0", default=start, hint=hint)
    if fits(theta0, objective, function):
        return theta0
    st.error(markdown("input.start", name=escaped(t("label.theta0")), count=dim,
                      kept=escaped(control_text("theta0", start))))
    return start


def hyperparameter_inputs(kind: str, name: str) -> list[tuple[str, float]]:
    """The chosen update rule's or schedule's own hyperparameters, and nothing for the ones not chosen."""
    inputs = []
    for spec in hyperparameters_of(kind, name):
        readable = t(f"hyperparameter.{spec.name}")
        hint = t("help.hyperparameter", name=readable, accepted=accepted(spec))
        key = f"{name}_{spec.name}"
        inputs.append((key, typed_input(key, spec_of(key), name=readable, hint=hint)))
    return inputs


SIDEBAR = {"problem": ("objective", "theta0"), "descent": ("eta", "variant", "optimizer", "schedule"),
           "stopping": ("stop", "epsilon", "max_iter"), "compare": ("etas",)}  # the sidebar's sections and what
# each holds that a teacher's link can hide (controls.LOCKABLE): a section all hidden loses its heading too


def locked(name: str, place: str = "", hidden: bool | None = None):
    """Where a control is drawn: in a container the page's style hides when a teacher's link hides the control (its
    value is still read, and the run uses it), else where it is. place: told apart where a control is drawn twice;
    hidden: whether to hide it, where that is not whether the link names it."""
    if hidden is None:
        hidden = name in st.session_state.get("hide", ())
    return st.container(key=f"locked-{name}{place}") if hidden else nullcontext()


def heading(section: str) -> None:
    """A sidebar section's heading, hidden with its controls when a teacher's link hides them all."""
    with locked("section-", section, hidden=set(SIDEBAR[section]) <= set(st.session_state.get("hide", ()))):
        st.header(t(f"sidebar.{section}"))


def sidebar_ui(lang: str) -> Run:
    """Every sidebar control, and the Run they describe with the η and the η list typed above the results."""
    hide = st.session_state.get("hide", ())
    with st.sidebar:
        fixed = st.empty() if hide else None  # what the exercise fixes, once the run is known
        heading("problem")
        with locked("objective"):
            objective = choice("objective", on_change=restart)
            st.caption(t(f"objective.{objective}.description"))
            function = function_ui() if objective == CUSTOM else data_ui(objective) if objective in DATA else ""
            features = choice("features") if objective in DATA else DEFAULTS.features
            if objective in DATA:
                data_summary(objective, function, features)
        with locked("theta0"):
            theta0 = start_ui(objective, function)
        heading("descent")
        with locked("eta"):
            typed_input("eta", quiet=True)
        with locked("variant"):
            variant = choice("variant")
            if variant != "batch":
                st.caption(t(f"objective.{objective}.examples"))
            batch_size = typed_input("batch_size") if "batch_size" in SAMPLING[variant] else DEFAULTS.batch_size
            seed = typed_input("seed") if "seed" in SAMPLING[variant] else DEFAULTS.seed
        with locked("optimizer"):
            optimizer = choice("optimizer")
            hyperparameters = hyperparameter_inputs("optimizer", optimizer)
        with locked("schedule"):
            schedule = choice("schedule")
            hyperparameters += hyperparameter_inputs("schedule", schedule)
        heading("stopping")
        with locked("stop"):
            stop = choice("stop")
        with locked("epsilon"):
            epsilon = typed_input("epsilon")
        with locked("max_iter"):
            max_iter = typed_input("max_iter")
        heading("compare")
        with locked("etas"):
            typed_input("etas", quiet=True)
    eta, etas = learning_rates_ui()
    view = opened_tab(lang)
    shown = views_of(objective, function, hide)
    pin = st.session_state.get("pin")
    run = Run(objective, theta0, eta, epsilon, variant, batch_size, seed, optimizer, schedule, stop, max_iter, etas,
              hyperparameters=tuple(hyperparameters), view=view if view in shown else shown[0], lang=lang,
              function=function, features=features, **{mode: st.session_state.get(mode, getattr(DEFAULTS, mode))
                                                        for mode in MODES},
              pin=pin if pin is not None and (pin.objective, pin.function, pin.features) == (
                  objective, function, features) else None)
    fixed_said = exercise_said(run) if fixed is not None else ""
    if fixed_said:
        fixed.info(escaped(fixed_said))
    return run


def learning_rates_ui() -> tuple[float, tuple[float, ...]]:
    """η and the η list again above the results, the same controls as the sidebar's: on a phone, where the sidebar
    is folded away, the two numbers every lesson turns on are changed beside what they change."""
    here, compared = st.columns([1, 2])
    with here, locked("eta", "-here"):
        eta = typed_input("eta", copy=MIRRORS["eta"])
    with compared, locked("etas", "-here"):
        etas = typed_input("etas", copy=MIRRORS["etas"])
    return eta, etas


STATUS_BOX = {"converged": st.success, "stalled": st.warning, "max_iter": st.info, "diverged": st.error,
              "left_domain": st.error}


def metrics_ui(run: Run) -> views.Headline | None:
    """The run above the tabs (and the article's loop beside it, on a built-in curve), or None (said, with the way
    out) when they alone are over the cap."""
    st.header(t("section.run", eta=number(run.eta)))  # h2 under the page's h1: headings in order
    shown = headline_of(run)
    if shown is None:
        return None
    with st.container(horizontal=True, key="headline"):  # as many a row as fit: five on a laptop, two rows on a phone
        for name, value, _ in shown.metrics:
            st.metric(name, value, width="content")  # a number, a pair or a status: no Markdown in them
    about = folded(t("metric.about"), "about_metrics")  # one stop for the keyboard, not one help icon a number
    if about.open:
        about.markdown("\n".join(f"- **{escaped(name)}**: {escaped(hint)}" for name, _, hint in shown.metrics))
    st.caption(escaped(shown.exact))
    STATUS_BOX[shown.status](escaped(shown.explanation))
    pin_ui(run)
    code = folded(t("article.title"), "article") if budget.shows_article(run) else None
    if code is not None and code.open:  # priced with the run above (budget.page_calls), open or not
        with code:
            try:
                article = CACHED.article(run.for_view("headline"))
            except REFUSALS as error:
                refused(error, "headline")
                return shown
            st.code(article.code, language="python")
            if article.printed:
                st.caption(t("article.printed"))
                st.code(article.printed, language=None)
            st.caption(escaped(article.note))
    return shown


def headline_of(run: Run) -> views.Headline | None:
    """The run above the tabs, built (cached), or None when the cap refuses it (said, with the way out)."""
    try:
        budget.check_headline(run)
        return CACHED.headline(run.for_view("headline"))
    except REFUSALS as error:
        refused(error, "headline")
        return None


def pin_ui(run: Run) -> None:
    """Pin the run above, to see it dashed in Side by side while the settings change; once pinned, what it is and
    the way to unpin it (or to pin this run in its place)."""
    with st.container(horizontal=True, vertical_alignment="center", key="pinning"):
        if run.pin is not None:
            st.caption(escaped(views.pin_name(run.pin, run)))
        if run.pin != run.pinned():
            st.button(t("pin.button" if run.pin is None else "pin.replace"), on_click=put, args=("pin", run.pinned()),
                      help=t("pin.help"), key="pin_run")
        if run.pin is not None:
            st.button(t("pin.unpin"), on_click=put, args=("pin", None), key="unpin")


def refused(error: Exception, view: str) -> None:
    """Work the cap, its processor-time limit or a parameter check refused: the reason in the visitor's words, and the
    way out; nothing of any other setting is shown in its place."""
    fewer = t(f"error.cap.fewer.{view}")
    if isinstance(error, WorkCapError) and error.warming:
        st.info(escaped(t("error.cap.warming", seconds=f"{error.seconds:.1f}")))
        st.session_state["reopen"] = True  # once the page is drawn (wait_for_compiled_loop)
    elif isinstance(error, WorkCapError):
        said = "error.cap.run" if view == "headline" else "error.cap"
        st.error(escaped(" ".join((
            t(said, seconds=f"{error.seconds:.1f}", megabytes=f"{error.megabytes:,.0f}", runs=error.runs,
              limit=f"{error.limit:,}", cap_seconds=budget.SECONDS, cap_megabytes=budget.MEGABYTES),
            t("error.cap.fix", fits=f"{error.fits:,}", fewer=fewer)))))
        if error.fits >= 1:
            st.button(t("error.cap.button", fits=f"{error.fits:,}"), on_click=put, args=("max_iter", error.fits),
                      key=f"fits_{view}")
    elif isinstance(error, WorkLimitError):
        st.error(escaped(t("error.limit", seconds=f"{error.seconds:.1f}", fewer=fewer)))
    else:
        st.error(escaped(t("error.parameter", name=label(error.name), accepted=refusal(error))))


def wait_for_compiled_loop() -> None:
    """A view refused while the compiled loop is prepared (a woken server's first seconds) opens once it is ready:
    the page, drawn, waits for it at its end. An empty element every WAIT_SECONDS is where Streamlit ends the wait
    for a control changed meanwhile. Not a fragment that reruns the page: under load, its timer racing the rerun it
    asked for made the browser send some widgets' values empty (the language fell to the first, η came back blank)."""
    tick = st.empty()
    while budget.warming():
        budget.wait_while_warming(WAIT_SECONDS)
        tick.empty()
    st.rerun()


WAIT_SECONDS = 0.5


REFUSALS = (WorkCapError, WorkLimitError, ParameterError)


def build(view, run: Run):
    """view(run) for the open tab, or None when the cap, its processor-time limit or a check refuses it (said, with
    the way out)."""
    try:
        budget.check(run)
        return view(run.for_view(run.view))
    except REFUSALS as error:
        refused(error, run.view)
        return None


def compare_ui(run: Run, shown: views.Headline) -> Run:
    panels = st.container()  # filled once the convergence chart's own control below has been read
    st.subheader(t("section.convergence"))
    convergence_caption = st.empty()  # said once the runs are known
    widget = worded("unit", DEFAULTS.unit)
    unit = st.segmented_control(t("label.unit"), UNITS, key=widget, help=t("help.unit"),
                                format_func=labels("chart.unit.{}"), on_change=keep, args=("unit", widget))
    run = replace(run, unit=unit or DEFAULTS.unit)
    with panels:
        view = build(CACHED.compare, run)
        if view is None:
            return run
        st.caption(view.caption)
        if view.pin:
            st.caption(escaped(view.pin))
        panels_ui(view.panels, starts=run, box=view.box)
        if shown.schedule:
            st.markdown(shown.schedule_title)
            draw_chart(shown.schedule)
    convergence_caption.caption(view.convergence_caption)
    draw_chart(view.convergence)
    st.subheader(t("section.table"))
    st.dataframe(view.table, hide_index=True, width="stretch", column_config=view.columns)
    st.download_button(t("download.csv"), data=view.csv, file_name=view.download_name, mime="text/csv",
                       help=view.download_help, on_click="ignore")
    figures_ui(run, view, more={"schedule": (shown.schedule_title, shown.schedule)} if shown.schedule else None)
    return run


PROJECTOR_TYPE = 1.6  # the charts' type while presenting: the page's 11 px becomes 18 px


def draw_chart(spec: dict, **keywords) -> None:
    """A chart across its column; while presenting, its type larger (charts.larger) for a projector."""
    st.vega_lite_chart(charts.larger(spec, PROJECTOR_TYPE) if st.session_state.get("present") else spec,
                       width="stretch", **keywords)


def panels_ui(panels, starts: Run | None = None, box=None) -> None:
    """Panels side by side in balanced rows of at most PANELS_PER_ROW, in one wrapping container whose key says how
    many a row holds (PANEL_WIDTH): one block on the wire whatever their number, where rows of columns sent one per
    row and one per column; on a phone each panel takes the screen's width. starts: the run whose θ₀ a click on a
    panel sets (the panels select charts.START); box: the bounds of the panels' map, on a surface."""
    rows = -(-len(panels) // PANELS_PER_ROW)
    per_row = -(-len(panels) // rows)
    with st.container(horizontal=True, key=f"panels-{per_row}"):
        for index, chart in enumerate(panels):
            if starts is None:
                draw_chart(chart)
                continue
            # a key of its own for each θ₀, so that a click on the point clicked before is a new selection
            key = f"start-{index}-{control_text('theta0', starts.theta0)}"
            draw_chart(chart, key=key, on_select=partial(start_clicked, key, box),
                               selection_mode=START)


def start_clicked(key: str, box) -> None:
    """A click on a side-by-side panel: θ₀ where it fell (state.clicked_start), in the typed field too."""
    start = state.clicked_start(st.session_state[key]["selection"].get(START), box)
    if start is not None:
        put("theta0", start)


def own_numbers_ui(run: Run, view: str) -> Run:
    """A view's own numbers (IN_VIEW: the sweep's, the range test's, the basins' limit), side by side, read into the
    run."""
    typed = {}
    for column, key in zip(st.columns(len(IN_VIEW[view])), IN_VIEW[view], strict=True):
        with column:
            typed[key] = typed_input(key)
    return replace(run, **typed)


def theory_ui(run: Run, shown: views.Headline) -> Run:
    closed_form = st.container()  # filled once the view, which reads the sweep's controls below, is built
    st.subheader(t("section.sweep"))
    run = own_numbers_ui(run, "theory")
    view = build(CACHED.theory, run)
    if view is None:
        return run
    with closed_form:
        st.markdown(escaped(view.intro))
        st.latex(view.latex)
    if view.table is None:
        st.info(view.note)
    else:
        st.markdown(view.note)
        st.dataframe(view.table, hide_index=True, width="stretch", column_config=view.columns)
    st.caption(view.sweep_caption)
    if view.sweep_none:
        st.info(view.sweep_none)
    for chart in view.sweeps:
        draw_chart(chart)
    figures_ui(run, view)
    formulas_ui(view.formulas)
    return run


def range_ui(run: Run, shown: views.Headline) -> Run:
    """The learning-rate range test, its own three numbers above it, and a button for each η it reads off."""
    run = own_numbers_ui(run, "range")
    view = build(CACHED.range, run)
    if view is None:
        return run
    st.caption(view.caption)
    draw_chart(view.chart)
    st.markdown(escaped(view.found))
    if view.theory:
        st.markdown(escaped(view.theory))
    with st.container(horizontal=True):
        for kind, eta in (("steepest", view.steepest), ("edge", view.edge)):
            if eta is not None:
                st.button(t(f"range.use.{kind}", eta=number_text(eta)), key=f"range_{kind}", on_click=put,
                          args=("eta", eta), help=t("range.use.help"))
    figures_ui(run, view)
    return run


def basins_ui(run: Run, shown: views.Headline) -> Run:
    """Where runs end from a grid of starts: a panel per compared η on a surface, a row per η on a curve; the limit of
    each start's run below them."""
    shown_here = st.container()  # filled once the view, which reads the limit below, is built
    run = own_numbers_ui(run, "basins")
    view = build(CACHED.basins, run)
    if view is None:
        return run
    with shown_here:
        st.caption(view.caption)
        draw_chart(view.key)
        panels_ui(view.charts)
        for sentence in view.sentences:
            st.markdown(escaped(sentence))
        figures_ui(run, view)
    return run


def stopping_ui(run: Run, shown: views.Headline) -> Run:
    st.caption(t("stopping.caption"))
    st.button(t("stopping.trap"), on_click=apply_preset, args=("trap",), help=t("stopping.trap.help"))
    view = build(CACHED.stopping, run)
    if view is None:
        return run
    st.dataframe(view.table, hide_index=True, width="stretch", column_config=view.columns)
    panels_ui(view.panels)
    for name, explanation in view.explanations:
        st.markdown(markdown("stopping.line", rule=f"**{escaped(name)}**", sentence=escaped(explanation)))
    figures_ui(run, view)
    return run


def step_by(key: str, options: list, move: int) -> None:
    """One update back or on (the presenter's arrows), pausing a play; the first and the last stay put."""
    place = options.index(st.session_state[key]) if st.session_state.get(key) in options else 0
    st.session_state["playing"] = False
    st.session_state[key] = options[min(max(place + move, 0), len(options) - 1)]


def toggle_play(key: str, options: list) -> None:
    playing, place = state.play_pressed(st.session_state.get("playing", False),
                                        options.index(st.session_state[key]), len(options) - 1)
    st.session_state["playing"], st.session_state[key] = playing, options[place]


def play_ui(key: str, options: list, draw, hint: str, opening=None) -> None:
    """A slider over options (the updates to show) with Play/Pause and its speed: while playing, a fragment moves one
    option on every tick (state.play_tick) and the last one stops the play; only the fragment reruns, and each tick
    changes only the charts' player row, so the browser moves them in place. draw(option) draws what the option
    shows; the slider opens at opening (the first option unless given)."""
    opening = options[0] if opening is None else opening
    if st.session_state.get(key) not in options:  # new, or left from another run's updates
        st.session_state[key] = opening
    playing = st.session_state.get("playing", False)
    present = st.session_state.get("present", False)  # on a projector, the keyboard plays and steps too
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.button(t("geometry.pause" if playing else "geometry.play"), on_click=toggle_play, args=(key, options),
                  help=t("geometry.play.help"), key=f"{key}_play", shortcut="Space" if present else None)
        if present:
            for move, arrow, shortcut in ((-1, "◀", "Left"), (1, "▶", "Right")):
                st.button(arrow, key=f"{key}_step_{move}", on_click=step_by, args=(key, options, move),
                          shortcut=shortcut, help=t(f"present.step.{move}"))
        st.session_state.setdefault("play_speed", 1.0)
        speed = speed_ui("play_speed")
    seconds = state.tick_seconds(speed)
    st.fragment(partial(in_language, spoken(), step_ui, key, options, draw, hint, playing),
                run_every=seconds if playing else None)()


def speed_ui(key: str) -> float:
    """A speed of Play's (state.PLAY_SPEEDS), 1× where none is chosen: Play's own, or an animation's."""
    return st.segmented_control(t("label.speed"), state.PLAY_SPEEDS, key=key, format_func=lambda speed: f"{speed:g}×",
                                help=t("help.speed", seconds=state.PLAY_SECONDS)) or 1.0


def in_language(lang: str, function, *args) -> None:
    """function(*args) speaking lang: a fragment's own reruns (a step, a tick of Play, a control inside it) run it
    alone, outside the page's `with speaking`, where t() would fall back on English."""
    with speaking(lang):
        function(*args)


def step_ui(key: str, options: list, draw, hint: str, playing: bool) -> None:
    """The slider and the picture at one option. While playing, each tick moves one option on and the last one
    stops the play (and the ticks: the page reruns without them)."""
    place = options.index(st.session_state[key])
    if playing:
        place, st.session_state["playing"] = state.play_tick(place, len(options) - 1)
    st.session_state[key] = options[place]
    if len(options) > 1:
        shown = st.select_slider(t("label.step"), options, key=key, help=hint, format_func=lambda k: f"{k:,}")
    else:
        shown = options[0]
        st.caption(t("label.step") + f" {shown:,}")
    draw(shown)
    if playing and not st.session_state["playing"]:
        st.rerun()  # the whole page, so the fragment is drawn again without run_every


def geometry_ui(run: Run, shown: views.Headline) -> Run:
    steps = CACHED.step_through(run.for_view("geometry"), shown)
    if not steps.updates:
        st.info(t("geometry.none"))
        return run
    st.caption(t("geometry.caption", steps=steps.updates))

    def draw(update: int) -> None:
        chart = steps.at(update - 1)
        draw_chart(chart)
        st.markdown(escaped(steps.sentences[update - 1]))
        figures_ui(run, steps, shown=chart, update=update)

    play_ui("step", list(range(1, steps.updates + 1)), draw, t("help.step", steps=steps.updates))
    return run


def inside_ui(run: Run, shown: views.Headline) -> Run:
    """The sidebar's update rule from the inside; for plain descent, which keeps nothing, a button per rule."""
    if run.optimizer == "gd":
        st.info(t("inside.gd"))
        with st.container(horizontal=True):
            for name in gd.OPTIMIZERS:
                if name != "gd":
                    st.button(t("inside.look", rule=title("optimizer", name)), key=f"inside_{name}", on_click=put,
                              args=("optimizer", name))
        return run
    view = build(CACHED.inside, run)
    if view is None:
        return run
    st.caption(view.caption)
    if view.state:  # none where the run made no update, or its first gradient is not finite (said below)
        panels_ui(view.state)
    if view.steps:
        draw_chart(view.steps)
    for sentence in view.sentences:
        st.markdown(escaped(sentence))
    figures_ui(run, view)
    return run


def race_ui(run: Run, shown: views.Headline) -> Run:
    defaults = race_etas(run.objective)
    typed = []
    rules = list(gd.OPTIMIZERS)
    places = [column for _ in range(0, len(rules), 3) for column in st.columns(3)]  # rows of 3, in order on a phone
    for column, name in zip(places, rules, strict=True):
        with column:
            key = f"race_{name}"
            eta = typed_input(key, spec_of(key), name=t("race.label", rule=title("optimizer", name)),
                              hint=help_text("eta"), default=defaults[name])
            typed.append((key, eta))
    run = replace(run, race=tuple(typed))
    view = build(CACHED.race, run)
    if view is None:
        return run
    st.caption(view.caption)
    pair_ui(run, "race_step", view, [3, 2])
    st.dataframe(view.table, hide_index=True, width="stretch", column_config=view.columns)
    return run


def momentum_ui(run: Run, shown: views.Headline) -> Run:
    view = build(CACHED.momentum, run)
    if view is None:
        return run
    st.caption(view.caption)
    draw_chart(view.chart)
    st.markdown(escaped(view.sentence))
    figures_ui(run, view)
    return run


def regression_ui(run: Run, shown: views.Headline) -> Run:
    view = build(CACHED.regression, run)
    if view is None:
        return run
    st.caption(view.caption)
    pair_ui(run, "regression_step", view, [1, 1])
    return run


def pair_ui(run: Run, key: str, view, widths: list[int]) -> None:
    """A stepped view's two charts side by side (stacked on a phone) with its slider and Play, opening at the last
    update, so the whole run is seen first."""
    steps = [int(k) for k in frames.thin(view.updates + 1)]

    def draw(k: int) -> None:
        shown = view.at(k)
        for column, chart in zip(st.columns(widths), shown, strict=True):
            with column:
                draw_chart(chart)
        figures_ui(run, view, shown=shown, update=k)

    play_ui(key, steps, draw, t("help.step.map", steps=f"{view.updates:,}"), opening=steps[-1])


def apply_preset(name: str) -> None:
    apply(state.lesson(name, st.session_state.get("pin")))


def presets_ui() -> None:
    with locked("lessons"):
        st.caption(t("preset.caption"))
        buttons = st.container(horizontal=True)  # the buttons wrap onto as many rows as the screen needs
    with buttons:
        for name in PRESETS:
            st.button(t(f"preset.{name}"), key=f"preset_{name}", on_click=apply_preset, args=(name,),
                      help=t(f"preset.{name}.help"))


def share_ui(run: Run) -> None:
    """The link to this page, with its copy button, at the end of the page, where a thumb reaches it on a phone (the
    sidebar is folded away there); under it, folded, what a teacher does with the page."""
    st.subheader(t("share.title"))
    st.caption(t("share.caption"))
    if not fits_link(run):
        st.warning(markdown("share.data_too_long", length=len(run.function), limit=MAX_LINK_DATA))
    st.code(share(st.context.url, run), language=None, wrap_lines=True)
    teach_ui(run)


def teach_ui(run: Run) -> None:
    """Present this view, print it as a worksheet, or share it as an exercise: one folded section, built only while
    open (closed, one block on the wire on every change, where its parts open sent four)."""
    section = folded(t("teach.title"), "teach")
    if not section.open:
        return
    with section:
        with st.container(horizontal=True):
            st.button(t("present.button"), key="start_presenting", on_click=put, args=("present", True),
                      help=t("present.help"))
            st.button(t("worksheet.button"), key="start_worksheet", on_click=put, args=("worksheet", True),
                      help=t("worksheet.help"))
        exercise_ui(run)


def exercise_ui(run: Run) -> None:
    """The teacher's link: this page with only the controls and views chosen, the rest hidden at their values on
    screen."""
    st.markdown(f"**{escaped(t('exercise.title'))}**", help=t("exercise.help"))
    controls = [name for name in LOCKABLE if name not in run.hide]
    views = [name for name in views_of(run.objective, run.function) if name not in run.hide]
    kept = st.multiselect(t("exercise.controls"), controls, default=[name for name in ("eta",) if name in controls],
                          format_func=hidden_label, key=f"exercise_controls.{run.lang}")
    seen = st.multiselect(t("exercise.views"), views, default=[run.view], format_func=hidden_label,
                          key=f"exercise_views.{run.lang}")
    if not seen:
        st.warning(t("exercise.none"))
        return
    hidden = tuple(name for name in HIDEABLE if name in run.hide or name in (*controls, *views)
                   and name not in (*kept, *seen))
    st.code(share(st.context.url, replace(run, hide=hidden, view=run.view if run.view in seen else seen[0])),
            language=None, wrap_lines=True)


# Values are never cut: a 2-D value wraps instead of ending in "…", and a phone gets a smaller figure. Panels
# (panels_ui) are as wide as a column of their row would be, and stack as columns do on a phone.
PANEL_WIDTH = "\n".join(f".st-key-panels-{n} > div {{ flex: 0 1 calc((100% - {n - 1}rem) / {n}) !important; }}"
                        for n in range(1, PANELS_PER_ROW + 1))
# A worksheet: no sidebar; a page as wide as a printed one, so that the charts are drawn at the width they print at
# (they do not redraw for the printer); in print, only the worksheet, and its figures on a page of their own.
NO_SIDEBAR = """[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
[data-testid="stExpandSidebarButton"] { display: none !important; }"""  # nor the button that opens it
WORKSHEET_STYLE = """<style>""" + NO_SIDEBAR + """
[data-testid="stMainBlockContainer"] { max-width: 720px; }
.st-key-worksheet-controls { display: none !important; }
.worksheet h1 { font-size: 1.8rem; padding-top: 0; }
.worksheet h2 { font-size: 1.2rem; margin-top: 1rem; }
.worksheet .who { display: flex; gap: 2rem; }
.worksheet .who span { flex: 1; border-bottom: 1px solid #16171d; padding-bottom: 0.2rem; }
.worksheet .question { font-weight: 600; font-size: 1.1rem; }
.worksheet table { border-collapse: collapse; width: 100%; }
.worksheet th, .worksheet td { border: 1px solid #c0c0c8; padding: 0.15rem 0.5rem; text-align: left; }
.worksheet th { font-weight: normal; }
.worksheet .choices { list-style: none; padding-left: 0; }
.worksheet .choices.across { display: flex; gap: 1.5rem; }
.worksheet .box { display: inline-block; width: 0.9em; height: 0.9em; border: 1px solid #16171d;
  margin-right: 0.5em; vertical-align: -0.1em; }
.worksheet .lines div { border-bottom: 1px solid #16171d; height: 2rem; }
@media print {
  @page { margin: 14mm; }
  html { font-size: 13px; }  /* the first page whole on Letter too, with every setting a run can have */
  [data-testid="stHeader"], [data-testid="stToolbar"], .st-key-worksheet-bar { display: none !important; }
  html, body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"], [data-testid="stMainBlockContainer"] {
    overflow: visible !important; height: auto !important; position: static !important; }
  [data-testid="stMainBlockContainer"] { padding: 0 !important; }
  .st-key-worksheet-figures { break-before: page; zoom: var(--fit, 1); }
  [class*="st-key-panels-"] { display: flex !important; }  /* Streamlit prints a row as a column */
  [class*="st-key-panels-"] > div { break-inside: avoid; }
}
</style>"""
# The figures of a worksheet fit one printed page: drawn at the printed width, their height is measured as they are
# drawn and the print zooms them to FIGURES_PAGE px (Letter's 11 in less its margins and a line, the shorter paper).
FIGURES_PAGE = 900
FIT_FIGURES = f"""<script>
const page = window.parent.document;
function fit() {{
  const box = page.querySelector(".st-key-worksheet-figures");
  if (box) box.style.setProperty("--fit", Math.min(1, {FIGURES_PAGE} / Math.max(box.scrollHeight, 1)).toFixed(3));
}}
new MutationObserver(fit).observe(page.body, {{subtree: true, childList: true}});
fit();
</script>"""
# Presenting: no sidebar (nor its toggle), and every size of the page's type (Streamlit's rem) larger for a projector.
PRESENT_STYLE = """<style>""" + NO_SIDEBAR + """
@media (min-width: 900px) { html { font-size: 22px; } }  /* a projector's screen, not a phone's */
</style>"""
PAGE_STYLE = f"""<style>
[class*="st-key-locked-"] {{ display: none !important; }}
.st-key-headline [data-testid="stMetricValue"] :is(div, p) {{ white-space: normal; overflow-wrap: anywhere; }}
{PANEL_WIDTH}
@media (max-width: 640px) {{
  .st-key-headline [data-testid="stMetricValue"] {{ font-size: 1.75rem; }}
  [class*="st-key-panels-"] > div {{ flex-basis: 100% !important; }}
}}
</style>"""
# A tab opened by a link or a lesson is scrolled into sight in the tab bar, which scrolls sideways on a phone (the
# page itself does not move).
SHOW_OPEN_TAB = """<script>
const page = window.parent.document;
function showOpenTab() {
  const list = page.querySelector('[data-testid="stTabs"] [role="tablist"]');
  const tab = list && list.querySelector('[role="tab"][aria-selected="true"]');
  if (tab) list.scrollLeft = tab.offsetLeft - list.offsetLeft - (list.clientWidth - tab.offsetWidth) / 2;
  return Boolean(tab);
}
new MutationObserver(showOpenTab).observe(page.body, {subtree: true, attributeFilter: ["aria-selected"]});
const waiting = setInterval(() => { if (showOpenTab()) clearInterval(waiting); }, 200);  // until the tabs are drawn
</script>"""


def switch_to_stochastic() -> None:
    st.session_state["variant"] = "sgd"


def noise_ui(run: Run, shown: views.Headline) -> Run:
    if run.variant == "batch":
        st.info(t("noise.batch"))
        st.button(t("noise.switch"), on_click=switch_to_stochastic)
        return run
    run = replace(run, seeds=typed_input("seeds"))
    view = build(CACHED.noise, run)
    if view is None:
        return run
    st.caption(view.caption)
    draw_chart(view.band)
    st.markdown(escaped(view.spread_sentence))
    draw_chart(view.spread)
    figures_ui(run, view)
    return run


def predict_ui(run: Run, shown: views.Headline) -> Run:
    st.caption(t("predict.caption"))
    with st.form("predict"):
        eta = typed_input("guess_eta", GUESS, name=t("label.guess_eta"), hint=help_text("eta"))
        # in a form no callback may run: the widgets' values are read here, in this language's widgets
        guess = st.radio(t("label.guess_outcome"), theory.OUTCOMES, key=f"guess_outcome.{run.lang}",
                         format_func=labels("outcome.{}"),
                         captions=[t(f"outcome.{name}.help") for name in theory.OUTCOMES])  # defined before the guess
        roughly = st.radio(t("label.guess_updates"), range(len(theory.BUCKETS)), horizontal=True,
                           key=f"guess_updates.{run.lang}", format_func=labels("bucket.{}"))
        submitted = st.form_submit_button(t("predict.run"))
    if not submitted:
        return run
    earlier = tuple(st.session_state.get("scores", ()))
    guessed = views.guessed(run, eta)
    try:
        budget.check_headline(guessed)
        view = views.predict(run, CACHED.headline(guessed), guess, roughly, earlier)
    except REFUSALS as error:
        refused(error, "predict")
        return run
    st.session_state["scores"] = (*earlier, view.points)
    (st.success if view.points == 2 else st.warning if view.points == 1 else st.error)(escaped(view.verdict))
    st.markdown(escaped(view.explanation))
    if view.theory:
        st.markdown(escaped(view.theory))
    return run


def formulas_ui(formulas) -> None:
    shown = folded(t("section.formulas"), "formulas")
    if shown.open:
        with shown:
            for formula in formulas:
                st.markdown(formula.caption)
                st.latex(formula.latex)


def figures_ui(run: Run, view, shown=None, more=None, update: int | None = None) -> None:
    """The view's charts as files for a slide, in a folded section (built only while open): a chart, SVG or PNG and
    a PNG's scale, drawn when the button is pressed (figures.saved, in the heavy worker), not on every change.
    shown, update: a stepped view's charts at the update the slider shows, and that update. Under them, a view that
    moves through a run offers its animation (animation_ui). Not on a projector."""
    if run.present:
        return
    section = folded(t("figure.title"), f"figures_{run.view}")
    if not section.open:
        return
    with section:
        listed = figures.of(view, run.objective, run.view, shown, more)
        key = f"figure_{run.view}"
        if st.session_state.get(key, 0) >= len(listed):  # fewer charts than when one was chosen: the first
            st.session_state[key] = 0
        chosen = listed[st.selectbox(t("figure.label"), range(len(listed)), key=key,
                                     format_func=lambda index: listed[index].name)]
        st.session_state.setdefault("figure_format", "svg")
        st.session_state.setdefault("figure_scale", 2)
        with st.container(horizontal=True, vertical_alignment="bottom"):
            file_format = st.segmented_control(t("figure.format"), list(figures.FORMATS), key="figure_format",
                                               format_func=str.upper) or "svg"
            scale = st.segmented_control(t("figure.scale"), figures.SCALES, key="figure_scale",
                                         format_func=lambda times: f"{times}×", disabled=file_format != "png") or 2
        name = figures.file_name(chosen, file_format, scale)
        st.download_button(t("figure.download", file=name), file_name=name, mime=figures.FORMATS[file_format],
                           data=partial(figures.saved, chosen, figures.subtitle(run, update), file_format, scale),
                           help=t("figure.help", width=chosen.width), on_click="ignore", key=f"{key}_download")
        animation = animations.of(view, run.view, run.objective)
        if animation is not None:
            animation_ui(run, animation)


def animation_ui(run: Run, animation: animations.Frames) -> None:
    """The view played as a GIF or an MP4 at a chosen speed: its plan said (frames, length, drawing time) and drawn
    when the button is pressed (animations.saved, in the export worker); refused, said with the way out."""
    st.markdown(f"**{t('animation.title')}**")
    shown = animations.plan(animation)
    if shown.refused:
        st.warning(animations.refusal(animation))
        return
    st.session_state.setdefault("animation_format", "gif")
    st.session_state.setdefault("animation_speed", st.session_state.get("play_speed") or 1.0)
    with st.container(horizontal=True, vertical_alignment="bottom"):
        file_format = st.segmented_control(t("figure.format"), list(animations.FORMATS), key="animation_format",
                                           format_func=str.upper) or "gif"
        speed = speed_ui("animation_speed")
    st.caption(animations.said(animation, shown, speed))
    name = animations.file_name(animation, run.objective, file_format)
    st.download_button(t("figure.download", file=name), file_name=name, mime=animations.FORMATS[file_format],
                       data=partial(animations.saved, animation, [figures.subtitle(run, update)
                                                                  for update in shown.updates], file_format, speed),
                       help=t("animation.help"), on_click="ignore", key=f"animation_{run.view}_download")


def folded(label: str, key: str):
    """An expander whose content is built and sent only while it is open (opening it reruns the page): closed, it
    is one block on the wire on every change, not its elements."""
    return st.expander(label, key=key, on_change="rerun")


def keep_view_controls() -> None:
    """Controls drawn inside a view keep their value while another view is open (Streamlit would drop the state
    of a widget that is not drawn)."""
    for key in (key for keys in IN_VIEW.values() for key in keys):
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


DRAW = {"compare": compare_ui, "theory": theory_ui, "range": range_ui, "basins": basins_ui, "stopping": stopping_ui,
        "geometry": geometry_ui, "inside": inside_ui, "noise": noise_ui, "predict": predict_ui, "race": race_ui,
        "momentum": momentum_ui, "regression": regression_ui}
PLAYERS = ("geometry", "race", "regression")  # the views with a Play button


def main() -> None:
    return_freed_memory()
    last_run().update(at=time.monotonic(), given_back=False)
    follow_address()
    keep_view_controls()
    lang = language_ui()
    with speaking(lang):
        page(lang)


def link_warning_ui(box, run: Run) -> None:
    """What a link gave that could not be used, said until the first change of any control (or tab): from then on
    the page shows the learner's own settings, and the warning would speak of values no longer there."""
    problems = st.session_state["link_problems"]
    if problems and st.session_state.setdefault("link_run", run) == run:
        box.warning(warning(problems))
    else:
        st.session_state["link_problems"] = []


def page(lang: str) -> None:
    if st.session_state.get("worksheet", False):
        worksheet_page(lang)
        return
    present = st.session_state.get("present", False)
    st.set_page_config(page_title=t("page.title"), page_icon="📉", layout="wide",
                       initial_sidebar_state="collapsed" if present else "auto")
    st.html(PAGE_STYLE + (PRESENT_STYLE if present else ""))
    st.html(SHOW_OPEN_TAB, unsafe_allow_javascript=True)
    if not present:
        st.title(t("page.title"))
        st.caption(t("page.caption"))
    st.session_state["reopen"] = False  # a view refused while the compiled loop is prepared sets it (refused)
    # the bad link's warning, until the learner changes something (no placeholder sent when there is none)
    link_box = st.empty() if st.session_state["link_problems"] else None
    bar = st.container() if present else None  # the presenter's bar, once the run is known
    if not present:
        presets_ui()
    run = sidebar_ui(lang)
    link_warning_ui(link_box, run)
    shown_views = views_of(run.objective, run.function, run.hide)
    if present:
        with bar:
            shown = presenting_ui(run, shown_views)
    else:
        shown = metrics_ui(run)
    if run.view not in PLAYERS or st.session_state.get("played_in") != run.view:
        st.session_state["playing"] = False  # leaving the view stops its play
    st.session_state["played_in"] = run.view
    if present:  # one view at a time, chosen with the bar's buttons (or a clicker's Page Up and Page Down)
        tabs = [st.container(key="presented")]
        drawn = [run.view]
    else:
        st.session_state[f"{TABS}.{lang}"] = t(f"view.{run.view}")
        tabs = st.tabs([t(f"view.{name}") for name in shown_views], key=f"{TABS}.{lang}", on_change="rerun")
        drawn = shown_views
    for name, tab in zip(drawn, tabs, strict=True):
        if present or tab.open:
            with tab:
                if shown is None:  # every view holds the run above the tabs
                    st.info(t("error.cap.tabs.warming" if st.session_state["reopen"] else "error.cap.tabs"))
                else:
                    run = DRAW[name](run, shown)
    write_address(run)
    if not present:
        share_ui(run)
    if st.session_state["reopen"]:
        wait_for_compiled_loop()


def worksheet_page(lang: str) -> None:
    """The page as a worksheet to print: the sidebar's controls read (not shown) into the run, its first page (the
    question, the settings, room for the prediction: worksheet.first_page), then on a page of its own what the lab
    shows for the open view; above them, hidden in print, how to print it and the way back to the whole page. (The
    lessons, the tabs, the share link and the page's other parts are not drawn.)"""
    st.set_page_config(page_title=t("page.title"), page_icon="📉", layout="centered",
                       initial_sidebar_state="collapsed")
    st.html(PAGE_STYLE + WORKSHEET_STYLE)
    st.html(FIT_FIGURES, unsafe_allow_javascript=True)
    with st.container(horizontal=True, vertical_alignment="center", key="worksheet-bar"):
        st.caption(t("worksheet.print"))
        st.button(t("present.leave"), key="leave_worksheet", on_click=put, args=("worksheet", False),
                  type="tertiary")
    st.session_state["reopen"] = False
    if st.session_state["link_problems"]:
        st.warning(warning(st.session_state["link_problems"]))
    with st.container(key="worksheet-controls"):  # η and the η list above the results: read, not shown
        run = sidebar_ui(lang)
    st.html(worksheet.first_page(run))
    with st.container(key="worksheet-figures"):
        st.subheader(t("worksheet.shows"))
        shown = headline_of(run)
        if shown is not None:
            st.caption(escaped(views.status_line(run, shown)))
            worksheet_figures_ui(run, shown)
    write_address(run)
    if st.session_state["reopen"]:
        wait_for_compiled_loop()


def write_address(run: Run) -> None:
    """The page's address is the run's link: one step of the browser's history when it changed (follow_address)."""
    address = to_url(run)
    st.query_params.from_dict(address)
    st.session_state["address"] = address


def worksheet_figures_ui(run: Run, shown: views.Headline) -> None:
    """The open view's charts as the page draws them, at their last update where they step; the panels side by side.
    Nothing where the view has none for this run (the quiz, noise for batch descent, the inside of plain descent)."""
    if run.view == "geometry":  # built from the headline, as the page's step-through is
        view = CACHED.step_through(run.for_view("geometry"), shown)
        if not view.updates:
            return
        at = view.at(view.updates - 1)
    elif run.view == "predict" or (run.view == "noise" and run.variant == "batch") or (
            run.view == "inside" and run.optimizer == "gd"):
        return
    else:  # every other view's cached builder has the view's name
        view = build(getattr(CACHED, run.view), run)
        if view is None:
            return
        at = view.at(view.updates) if run.view in ("race", "regression") else None
    listed = figures.of(view, run.objective, run.view, at)
    panels = [figure.spec for figure in listed if figure.width == figures.NARROW]
    if panels:
        panels_ui(panels)
    for figure in listed:
        if figure.width != figures.NARROW:
            draw_chart(figure.spec)


def presenting_ui(run: Run, shown_views: tuple[str, ...]) -> views.Headline | None:
    """The presenter's bar: the view's name between the previous and the next view (Page Up, Page Down: what a
    clicker sends), the run in one line, and the way back to the whole page; the run's headline, or None (said) when
    the cap refuses it."""
    place = shown_views.index(run.view)
    with st.container(horizontal=True, vertical_alignment="center", key="presenting"):
        st.button("◀", key="previous_view", on_click=open_tab, args=(shown_views[place - 1],),
                  disabled=place == 0, shortcut="PageUp", help=t("present.previous"))
        st.subheader(t(f"view.{run.view}"))
        st.button("▶", key="next_view", on_click=open_tab, args=(shown_views[min(place + 1, len(shown_views) - 1)],),
                  disabled=place == len(shown_views) - 1, shortcut="PageDown", help=t("present.next"))
        st.button(t("present.leave"), key="leave_presenting", on_click=put, args=("present", False),
                  type="tertiary")
    shown = headline_of(run)
    if shown is not None:
        st.caption(escaped(views.status_line(run, shown)))
    return shown


main()
