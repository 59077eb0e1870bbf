"""App tests: the page, driven through Streamlit's AppTest, shows what the engine computes."""

import json
from types import SimpleNamespace

import pyarrow as pa
import pytest
import reference
from app import DASHBOARD, charts, clean, metrics, open_page, page_function, panel_titles, written_title
from streamlit.runtime import Runtime, RuntimeConfig
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.runtime.memory_session_storage import MemorySessionStorage
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.scriptrunner_utils.exceptions import StopException
from streamlit.runtime.session_manager import SessionInfo

import gd
from gd.lab import budget
from gd.lab.budget import WorkCapError
from gd.lab.controls import DEFAULT_ETAS, Run
from gd.lab.format import number
from gd.lab.links import read_url
from gd.lab.text import t

ARTICLE_THETA = 2.499891109642585  # printed by the article's loop


def expected_metrics(**keywords) -> dict:
    """The metrics of gd.minimize(**keywords), as the page formats them."""
    result = gd.minimize(**keywords)
    return {"final θ": number(result.theta), "dJ(θ)": number(result.grad), "J(θ)": number(result.loss),
            "updates": f"{result.iterations:,}", "status": result.status if result.status != "max_iter" else
            "hit the limit"}


def written_titles(etas, **keywords) -> list[str]:
    """Each compared η's panel title, from the plain reference loop's run (tests/reference.py)."""
    return [written_title(eta, run.status, run.iterations) for eta in etas
            for run in [reference.descend(eta=eta, **keywords)]]


@pytest.fixture(scope="module")
def default_page():
    return open_page()


def test_default_page_shows_the_articles_run(default_page):
    shown = metrics(default_page)
    assert not default_page.exception
    assert abs(float(shown["final θ"]) - ARTICLE_THETA) < 1e-5  # six digits on the metric ...
    exact = [caption.value for caption in default_page.caption if "Exact" in caption.value]
    assert repr(ARTICLE_THETA) in exact[0].replace("\\", "")  # ... and every digit beside it
    assert shown["updates"] == "45"
    assert shown["status"] == "converged"
    assert shown == expected_metrics()
    assert "Converged after 45 updates" in default_page.success[0].value


def test_default_page_has_one_panel_per_compared_eta(default_page):
    assert panel_titles(default_page) == written_titles(DEFAULT_ETAS)
    assert "η = 0.1 · 45 updates · converged" in panel_titles(default_page)  # the article's printed count
    assert len(charts(default_page)) == len(DEFAULT_ETAS) + 1  # the first tab: a panel per η, and convergence


@pytest.mark.parametrize(("key", "value", "control"), [
    ("eta", 0.5, "eta"), ("theta0", 4.0, "theta0"), ("epsilon", 1e-3, "epsilon"), ("max_iter", 10, "max_iter")])
def test_changing_a_number_changes_the_metrics_as_the_engine_says(default_page, key, value, control):
    app = open_page()
    clean(app.text_input(key=key).set_value(str(value)).run())
    assert metrics(app) == expected_metrics(**{control: value})
    assert metrics(app) != metrics(default_page)


@pytest.mark.parametrize(("key", "value"), [("variant", "sgd"), ("variant", "minibatch"), ("optimizer", "adam"),
                                            ("optimizer", "momentum"), ("objective", "double_well")])
def test_changing_a_choice_changes_the_metrics_as_the_engine_says(key, value):
    app = open_page()
    clean(app.selectbox(key=f"{key}.en").set_value(value).run())
    assert metrics(app) == expected_metrics(**{key: value})


def test_stalled_and_diverged_are_explained_without_exception():
    app = open_page()
    app.text_input(key="eta").set_value("1").run()
    assert metrics(app)["status"] == "stalled"
    said = app.warning[0].value.replace("\\", "")  # shown with Markdown escapes
    assert "J(5) = J(0)" in said and "still 5" in said
    app.text_input(key="eta").set_value("1.1").run()
    diverged = gd.minimize(eta=1.1)
    assert metrics(app)["status"] == "diverged"
    assert f"Diverged at update {diverged.iterations}" in app.error[0].value.replace("\\", "")
    assert not app.exception


def test_only_the_chosen_rules_hyperparameters_are_shown():
    app = open_page()
    assert not [box for box in app.sidebar.text_input if box.key.startswith("adam_")]
    app.selectbox(key="optimizer.en").set_value("adam").run()
    assert {box.key for box in app.sidebar.text_input if box.key.startswith("adam_")} == {
        "adam_beta1", "adam_beta2", "adam_eps"}
    app.text_input(key="adam_beta1").set_value("0.5").run()
    assert metrics(app) == expected_metrics(optimizer=gd.OPTIMIZERS["adam"].build(beta1=0.5))
    assert metrics(app) != expected_metrics(optimizer="adam")


def test_batch_size_and_seed_appear_only_where_they_matter():
    app = open_page()
    keys = {box.key for box in app.sidebar.text_input}
    assert "batch_size" not in keys and "seed" not in keys
    app.selectbox(key="variant.en").set_value("minibatch").run()
    keys = {box.key for box in app.sidebar.text_input}
    assert {"batch_size", "seed"} <= keys


def test_compared_etas_are_editable_and_bad_lists_are_refused():
    app = open_page()
    app.text_input(key="etas").set_value("0.2, 0.5").run()
    assert panel_titles(app) == written_titles([0.2, 0.5])
    app.text_input(key="etas").set_value("0.1, banana").run()
    assert not app.exception
    message = app.error[0].value.replace("\\", "")  # shown with Markdown escapes
    assert message.startswith("η values to compare must be a finite number ≥ 1e-06 and ≤ 10") and "banana" in message
    assert message.endswith("so the run keeps 0.2, 0.5.")  # the last good list, still drawn
    assert panel_titles(app) == written_titles([0.2, 0.5])


def test_a_shared_link_reopens_the_same_view():
    app = open_page({"eta": "0.9", "etas": "0.05,0.9", "theta0": "1"})
    assert not app.exception and not app.warning
    assert metrics(app) == expected_metrics(eta=0.9, theta0=1.0)
    assert panel_titles(app) == written_titles([0.05, 0.9], theta0=1.0)


def test_the_url_follows_the_controls():
    app = open_page()
    app.text_input(key="eta").set_value("0.5").run()
    assert app.query_params["eta"] == "0.5"
    assert "theta0" not in app.query_params  # defaults stay out of the link


@pytest.mark.parametrize("query", [{"eta": "abc"}, {"eta": "nan"}, {"eta": "-1"}, {"eta": "1e400"},
                                   {"objective": "<script>alert(1)</script>"}, {"etas": ""}])
def test_a_link_with_bad_values_opens_with_defaults_and_a_warning(default_page, query):
    app = open_page(query)
    assert not app.exception
    (name,) = query
    assert name in app.warning[0].value
    assert metrics(app) == metrics(default_page)


def test_an_unknown_link_parameter_is_named_in_the_warning():
    app = open_page({"foo": "1"})
    assert "foo" in app.warning[0].value and not app.exception


def test_a_view_over_the_work_budget_is_refused_before_it_runs():
    """The theory tab on logistic regression with 5 η and 200 sweep points at 100,000 updates is over the cap: the
    tab says so, names the visible controls and the limit that fits, offers it, and the run above it stays."""
    query = {"objective": "logistic_regression", "max_iter": "100000", "sweep_points": "200", "view": "theory"}
    app = open_page(query)
    assert not app.exception
    message = app.error[0].value.replace("\\", "")  # shown with Markdown escapes
    run = Run(objective="logistic_regression", max_iter=100_000, sweep_points=200, view="theory")
    with pytest.raises(WorkCapError) as refused:
        budget.check(run)
    assert "iteration limit" in message and f"{refused.value.fits:,}" in message and "sweep points" in message
    assert metrics(app) == expected_metrics(objective="logistic_regression", max_iter=100_000)
    assert not app.dataframe  # nothing of the refused view was built
    offer = [button for button in app.button if button.label == f"Set the iteration limit to {refused.value.fits:,}"]
    offer[0].click().run()
    assert app.text_input(key="max_iter").value == str(refused.value.fits)
    assert not app.error and app.dataframe  # the view now fits and is drawn


def test_the_formulas_come_from_the_registries():
    app = open_page({"optimizer": "rmsprop", "view": "theory"})
    assert gd.OPTIMIZERS["rmsprop"].latex not in " ".join(formula.value for formula in app.latex)  # folded
    app.session_state["formulas"] = True  # the expander opened (dashboard.folded)
    shown = " ".join(formula.value for formula in clean(app.run()).latex)
    assert gd.OPTIMIZERS["rmsprop"].latex in shown
    assert gd.STOPS["loss_change"].latex in shown


def test_a_diverged_run_is_reported_where_it_left_never_clipped():
    app = open_page()
    diverged = gd.minimize(eta=1.1)
    table = app.dataframe[0].value
    row = table[table["status"] == "diverged"].iloc[0]
    assert row["theta"] == f"{diverged.theta:.10g}" and abs(diverged.theta) > 1e8  # far outside the plot
    assert row["updates"] == diverged.iterations
    assert f"diverged at update {diverged.iterations}" in " ".join(panel_titles(app))


def test_a_new_eta_reruns_only_the_headline_not_the_cached_comparison(monkeypatch):
    """The comparison is cached on the controls it reads (run.for_view): changing the sidebar's η, which it does not
    read, makes the headline's one-lane run and nothing else of the engine (the article's loop runs in Python
    floats, as shown)."""
    calls = []
    for name in ("compare", "minimize", "seeds", "each_stop"):
        engine_call = getattr(gd, name)
        monkeypatch.setattr(gd, name, lambda *args, _call=engine_call, _name=name, **keywords: (
            calls.append(_name), _call(*args, **keywords))[1])
    app = open_page({"etas": "0.011,0.2"})  # a list no other test caches
    assert calls.count("compare") == 1
    calls.clear()
    clean(app.text_input(key="eta").set_value("0.37").run())
    assert calls == ["minimize"]  # the headline


@pytest.mark.parametrize(("preset", "keywords", "status", "view"), [
    ("trap", {"eta": 1.0}, "stalled", "stopping"),
    ("diverge", {"eta": 1.1}, "diverged", "compare"),
    ("noise", {"variant": "sgd"}, "hit the limit", "noise"),
    ("rescue", {"eta": 1.1, "schedule": "exponential"}, "converged", "compare"),
])
def test_a_preset_opens_its_lesson_and_every_other_control_at_its_default(preset, keywords, status, view):
    app = open_page({"theta0": "3", "epsilon": "0.001", "etas": "0.2"})  # settings the lesson must not keep
    clean(app.button(key=f"preset_{preset}").click().run())
    assert metrics(app) == expected_metrics(**keywords) and metrics(app)["status"] == status
    assert app.query_params.get("view", "compare") in (view, [view])
    assert app.text_input(key="etas").value == "0.01, 0.1, 0.9, 1, 1.1"  # the compared η back at the default
    clean(app.button(key="preset_article").click().run())
    assert metrics(app) == expected_metrics() and metrics(app)["updates"] == "45"


def test_the_share_link_is_the_views_own_link():
    app = open_page({"eta": "0.37", "view": "theory", "lang": "zh"})
    (link,) = [code.value for code in app.main.code if code.value.startswith("?")]  # at the end of the page
    assert link == "?eta=0.37&view=theory&lang=zh"
    assert read_url(dict(item.split("=") for item in link[1:].split("&")))[0] == {"eta": 0.37, "view": "theory",
                                                                                 "lang": "zh"}


def test_back_and_forward_restore_what_the_learner_did():
    """Each change writes the address (one step of the browser's history); an address the page did not write last
    (Back, Forward, an edited URL) becomes the controls' values, defaults for what it leaves out, and the page
    shows it, and stays there on the next rerun (it wrote η = 0.5 back over η = 0.3 before)."""
    app = open_page()
    addresses = []
    for eta in ("0.3", "0.5"):
        app.text_input(key="eta").set_value(eta).run()
        addresses.append(dict(app.query_params))
    assert [address["eta"] for address in addresses] in (["0.3", "0.5"], [["0.3"], ["0.5"]])
    app.query_params.clear()
    app.query_params.update(addresses[0])  # Back: the browser reruns the page with the earlier address
    clean(app.run())
    assert metrics(app) == expected_metrics(eta=0.3) and app.text_input(key="eta").value == "0.3"
    clean(app.run())  # and it stays
    assert metrics(app) == expected_metrics(eta=0.3) and app.query_params["eta"] in ("0.3", ["0.3"])
    app.query_params.clear()
    app.query_params.update(addresses[1])  # Forward
    clean(app.run())
    assert metrics(app) == expected_metrics(eta=0.5) and app.text_input(key="eta_here").value == "0.5"
    app.query_params.clear()
    app.query_params.update({"lang": "en", "view": "stopping"})  # back to before any change: η at its default
    clean(app.run())
    assert metrics(app) == expected_metrics() and app.text_input(key="eta").value == "0.1"
    assert t("stopping.caption") in [caption.value for caption in app.caption]  # the stopping rules' tab is open
    assert app.query_params.get("view") in ("stopping", ["stopping"])


def test_a_rerun_makes_no_cached_function_again(monkeypatch):
    """The page's cached views are made once per server: each st.cache_data made anew reads and hashes its
    function's source (6 ms of every run)."""
    from streamlit.runtime.caching.cache_data_api import CacheDataAPI

    app = open_page()
    made, make = [], CacheDataAPI.__call__
    monkeypatch.setattr(CacheDataAPI, "__call__", lambda *args, **keywords: made.append(1) or make(*args, **keywords))
    app.text_input(key="eta").set_value("0.05").run()
    clean(app)
    assert metrics(app)["final θ"] == expected_metrics(eta=0.05)["final θ"]
    assert made == []


def test_a_view_refused_while_the_compiled_loop_is_prepared_opens_by_itself_as_it_was(monkeypatch):
    """On a woken server a heavy view waits for the compiled loop: the page, drawn with the refusal, waits for it and
    then opens the view itself, with the visitor's settings (a reopening fragment lost them under load)."""
    waits = []
    monkeypatch.setattr(budget, "warming", lambda: not waits)
    monkeypatch.setattr(budget, "wait_while_warming", waits.append)  # ready during the page's first wait
    app = clean(open_page(objective="logistic_regression", view="theory", eta="0.2"))
    assert len(waits) == 1  # it was refused as warming, and waited
    assert not [box.value for box in app.info if "preparing" in box.value]
    assert metrics(app) == expected_metrics(objective="logistic_regression", eta=0.2)
    assert app.text_input(key="eta").value == "0.2" and app.radio(key="lang").value == "en"
    assert read_url(app.query_params)[0]["view"] == "theory" and charts(app)


def test_while_the_run_above_waits_for_the_compiled_loop_the_tabs_say_so(monkeypatch):
    """The page as drawn when its wait begins: the run above the tabs refused as warming, and the tabs saying they
    open with it, not that it is over the cap."""
    def drawn(_seconds):
        raise StopException()  # the page as the visitor sees it while it waits

    monkeypatch.setattr(budget, "warming", lambda: True)
    monkeypatch.setattr(budget, "wait_while_warming", drawn)
    app = open_page(objective="logistic_regression", max_iter="20000", epsilon="0")
    said = [box.value for box in app.info]
    assert any("preparing its fast loop" in box for box in said)
    assert t("error.cap.tabs.warming") in said and t("error.cap.tabs") not in said
    assert not app.error and not app.exception


def test_a_woken_server_opens_the_default_page_at_once(monkeypatch):
    """While the compiled loop is prepared, heavy runs wait for it; the article's own example does not."""
    monkeypatch.setattr(budget, "warming", lambda: True)
    app = clean(open_page())
    assert abs(float(metrics(app)["final θ"]) - ARTICLE_THETA) < 1e-5
    assert len(panel_titles(app)) == len(DEFAULT_ETAS)  # the comparison drawn, not waiting
    assert not [box.value for box in app.info if "preparing" in box.value]


def test_an_idle_server_forgets_the_sessions_of_closed_pages_once_they_may_no_longer_reconnect():
    """Streamlit keeps a closed page's session server.disconnectedSessionTTL seconds for a reconnection and drops it
    only when it next stores one: the idle server drops them itself (on the installed Streamlit's private storage,
    which this test is the guard of)."""
    forget = page_function("forget_closed_sessions", Runtime=Runtime)
    assert forget() == 0  # no server
    storage = MemorySessionStorage(ttl_seconds=0)  # every closed session past its time at once
    Runtime(RuntimeConfig(script_path=str(DASHBOARD), media_file_storage=MemoryMediaFileStorage("/media"),
                          uploaded_file_manager=MemoryUploadedFileManager("/upload"), session_storage=storage))
    try:
        shut = []
        closed = SimpleNamespace(id="closed page", shutdown=lambda: shut.append(1))
        storage.save(SessionInfo(client=None, session=closed))
        held = storage._cache._data
        assert list(held) == ["closed page"] and storage.list() == []  # expired, and still held
        assert forget() == 1
        assert not held and shut == [1]
    finally:
        Runtime._instance = None


def test_a_folded_part_is_built_and_sent_only_while_it_is_open():
    """The article's loop and the numbers' meanings are in expanders whose content the page builds only when they
    are open (an η change sends nothing of a closed one); opened, the loop prints the article's own numbers."""
    app = open_page()
    shown = [code.value for code in app.main.code]
    assert not any("def dj(theta)" in code for code in shown)  # closed: not built
    assert not any("**final θ**" in text.value for text in app.main.markdown)
    app.session_state["article"] = True  # what a click on the expander does (folded's key)
    app.session_state["about_metrics"] = True
    clean(app.run())
    code, printed, link = [code.value for code in app.main.code]
    assert "def dj(theta)" in code and link.startswith("?")
    assert "eta = 0.1" in code and "epsilon = 1e-08" in code
    # θ, dJ, J and len(theta_history), as the article prints them
    assert printed.split() == [repr(ARTICLE_THETA), "-0.0002177807148298072", "-0.99999998814289", "46"]
    assert any("**final θ**" in text.value for text in app.main.markdown)


def test_each_panel_reaches_the_browser_with_its_run():
    """The charts' rows go out as the Arrow tables made once where each view is cached (dashboard.as_sent), not
    converted on every draw: decoded as the browser decodes them, the η = 0.1 panel's path is the article's 46
    points, from θ₀ = 0 to the θ it prints."""
    (panel,) = [element for element in open_page().main if getattr(element, "type", "") == "vega_lite_chart"
                and json.loads(element.proto.spec).get("title", {}).get("text", [""])[0] == "η = 0.1"]
    tables = [pa.ipc.open_stream(dataset.data.data).read_all() for dataset in panel.proto.datasets]
    (path,) = [table for table in tables if table.num_rows == 46]
    theta = path.column("theta").to_pylist()
    assert theta[0] == 0.0 and theta[-1] == ARTICLE_THETA
