"""The dashboard in a real browser: what a learner sees, checked against the gd engine.

One Streamlit server, one Chromium and one browser context for the whole module. The default page is
loaded once and reused by the first tests (each changes a control and waits for the page to follow);
a shared link and a bad link get one page each. Nothing waits on a single selector for the script
state: `settle` polls the page until Streamlit is idle *and* the expected content is there.

Full-page screenshots of each state go to $LAB_SCREENSHOTS, or <repo>/screenshots/.
"""

import io
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ElementTree
from dataclasses import replace
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest
from markdown_it import MarkdownIt

CHROMIUM = "/usr/bin/chromium"
if not os.path.exists(CHROMIUM):
    pytest.skip(f"the browser test drives Debian's Chromium and {CHROMIUM} is missing", allow_module_level=True)

from app import svg_lines, written_title  # noqa: E402
from playwright.sync_api import Error as PlaywrightError  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

import gd  # noqa: E402
from gd.lab import figures, frames  # noqa: E402
from gd.lab.controls import DEFAULT_ETAS, DEFAULTS, format_etas  # noqa: E402
from gd.lab.explain import explain  # noqa: E402
from gd.lab.format import number  # noqa: E402
from gd.lab.links import read_url, to_url, warning  # noqa: E402
from gd.lab.text import speaking, t  # noqa: E402

ROOT = Path(__file__).parents[2]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1280, "height": 800}  # a common laptop screen
PHONE = {"width": 390, "height": 844}  # a common phone screen, held upright
# Every wait below is on the page's state; these are hang guards, never speed limits.
HEALTH_WAIT = 300  # seconds for the server to answer /_stcore/health
FIRST_LOAD_WAIT = 300  # the first script run imports numpy, pandas and altair cold
LATER_WAIT = 180  # every later rerun or page load: a hang guard (a busy machine may take many times the usual)
ANIMATION_WAIT = 600  # an animation drawn at the lowest priority on a machine kept busy: a hang guard too
POLL_MS = 200
CHARTS = len(DEFAULT_ETAS) + 1  # the first tab: a panel per compared η, and the convergence chart
METRICS = ("theta", "grad", "loss", "updates", "status")

# One read of everything the tests look at. The side-by-side panels are the page's first Vega-Lite charts,
# one per compared η, each titled (Vega's title text, one line per part); the convergence chart has no title.
SNAPSHOT = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
  const text = (root, selector) => { const e = root.querySelector(selector); return e ? e.innerText.trim() : ""; };
  return {
    state: app ? app.getAttribute("data-test-script-state") : null,
    metrics: [...document.querySelectorAll('[data-testid="stMetric"]')].map(
      m => [text(m, '[data-testid="stMetricLabel"]'), text(m, '[data-testid="stMetricValue"]')]),
    charts: charts.length,
    rendered: charts.filter(c => c.querySelector("svg.marks, canvas.marks")).length,
    panels: charts.map(c => c.querySelector(".role-title-text")).filter(e => e).map(
      e => e.querySelectorAll("tspan").length
        ? [...e.querySelectorAll("tspan")].map(line => line.textContent).join(" · ") : e.textContent),
    exceptions: document.querySelectorAll('[data-testid="stException"]').length,
    alerts: [...document.querySelectorAll('[data-testid="stAlertContainer"]')].map(e => e.innerText.trim()),
  };
}"""


# ---------------------------------------------------------------- what the engine says the page should show

def expected_metrics(eta: float) -> list[list[str]]:
    """The five metrics of the run at η, formatted the way the page formats them."""
    result = gd.minimize(eta=eta)
    values = {"theta": number(result.theta), "grad": number(result.grad), "loss": number(result.loss),
              "updates": f"{result.iterations:,}", "status": t(f"status.{result.status}")}
    return [[t(f"metric.{key}"), values[key]] for key in METRICS]


def expected_panels(etas, lang: str = "en") -> list[str]:
    """The side-by-side panels' titles, written out by hand (tests/app.py) from the engine's runs."""
    return [written_title(result.eta, result.status, result.iterations, lang) for result in gd.compare(etas)]


def expected_query(**changes) -> dict[str, list[str]]:
    """The query string the page should mirror for these controls, as parse_qs reads it."""
    return {key: [value] for key, value in to_url(replace(DEFAULTS, **changes)).items()}


def query_of(page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


# ---------------------------------------------------------------- waiting and looking

def settle(page, ready, what: str, timeout: float = LATER_WAIT) -> dict:
    """Poll until Streamlit is idle and ready(snapshot) holds on two polls in a row; return the snapshot.

    Two identical polls guard against a chart caught between its old and its new rendering.
    """
    started = time.monotonic()
    deadline = started + timeout
    previous = snapshot = None
    while True:
        try:
            snapshot = page.evaluate(SNAPSHOT)
        except PlaywrightError as error:  # the document is being replaced: poll again
            snapshot = {"error": str(error)}
        else:
            if snapshot["state"] == "notRunning" and ready(snapshot):
                if snapshot == previous:
                    print(f"  settled on {what} in {time.monotonic() - started:.1f} s")
                    return snapshot
            else:
                snapshot = dict(snapshot, ready=False)
        if time.monotonic() > deadline:
            raise AssertionError(f"the page did not settle on {what} within {timeout:.0f} s; last seen: {snapshot}")
        previous = snapshot
        page.wait_for_timeout(POLL_MS)


def complete(snapshot: dict) -> bool:
    """Every metric has a value, every chart has drawn its marks: a panel per compared η and the convergence chart."""
    return (len(snapshot["metrics"]) == len(METRICS) and all(value for _, value in snapshot["metrics"])
            and bool(snapshot["panels"]) and snapshot["charts"] == snapshot["rendered"] == len(snapshot["panels"]) + 1)


def open_page(context, url: str, timeout: float) -> tuple:
    page = context.new_page()
    page.set_default_timeout(LATER_WAIT * 1000)
    page.goto(url, wait_until="commit", timeout=timeout * 1000)
    return page, settle(page, complete, f"the first rendering of {url}", timeout)


def screenshot(page, folder: Path, name: str) -> None:
    """The whole page. Streamlit scrolls inside its main area, not the document, so a full_page shot
    alone shows one screen: the viewport is made as tall as the content for the shot."""
    size = page.viewport_size
    height = page.evaluate("""() => Math.max(document.documentElement.scrollHeight,
        ...['stMain', 'stSidebarContent'].map(id => {
          const e = document.querySelector(`[data-testid="${id}"]`); return e ? e.scrollHeight : 0; }))""")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    try:
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        page.screenshot(path=folder / name, full_page=True)
    finally:
        page.set_viewport_size(size)


def fill(page, key: str, label: str, text: str) -> None:
    """Type into the sidebar control with this widget key and label, and commit it with Enter."""
    field = page.locator(f'[data-testid="stSidebar"] .st-key-{key}').get_by_label(label, exact=True)
    field.fill(text)
    field.press("Enter")


def alerts(page, kind: str) -> list[str]:
    """The text of every st.success / st.warning / st.error … box of this kind on the page."""
    return [text.strip() for text in page.locator(f'[data-testid="stAlertContent{kind}"]').all_inner_texts()]


def rendered_text(markdown: str) -> str:
    """The text a reader sees of the page's Markdown, rendered as CommonMark renders it."""
    html = MarkdownIt("commonmark").render(markdown)
    return unescape(re.sub(r"<[^>]+>", "", html)).strip()


# ---------------------------------------------------------------- fixtures

def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as response:
            return response.read().decode().strip() == "ok"
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`streamlit run dashboard.py` on a free local port; stopped by its own process handle."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path_factory.mktemp("streamlit") / "server.log"
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true",
               "--server.address", "127.0.0.1", "--server.port", str(port), "--server.fileWatcherType", "none",
               "--browser.gatherUsageStats", "false"]
    with open(log_path, "w") as log:
        process = subprocess.Popen(command, cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + HEALTH_WAIT
            while not _healthy(url):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the Streamlit server did not become healthy (exit code {process.poll()}); "
                                       f"its log:\n{log_path.read_text()}")
                time.sleep(0.25)
            yield {"url": url, "log": log_path}
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def console():
    """Every console error and uncaught page error of every page of the module."""
    return []


def watch(console: list):
    """Record every console error and uncaught page error of a context's pages into console."""
    def on_page(page):
        page.on("console", lambda message: message.type == "error" and console.append(
            f"console error on {page.url}: {message.text} ({message.location})"))
        page.on("pageerror", lambda error: console.append(f"page error on {page.url}: {error}"))

    return on_page


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def context(browser, console):
    context = browser.new_context(viewport=VIEWPORT)
    context.on("page", watch(console))
    yield context
    context.close()


@pytest.fixture(scope="module")
def shots():
    folder = Path(os.environ.get("LAB_SCREENSHOTS") or ROOT / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {folder}")
    return folder


@pytest.fixture(scope="module")
def app(server, context):
    """The default page, loaded once (with the long first-load deadline) and shared by the first tests."""
    page, _ = open_page(context, server["url"] + "/", FIRST_LOAD_WAIT)
    yield page
    page.close()


# ---------------------------------------------------------------- the tests, in the order a learner would go

def test_default_view_shows_the_articles_run(app, shots):
    snapshot = settle(app, complete, "the default view")
    screenshot(app, shots, "1-default.png")
    assert snapshot["exceptions"] == 0
    assert app.locator('[data-testid="stException"]').count() == 0
    assert snapshot["rendered"] == snapshot["charts"] == CHARTS
    assert snapshot["panels"] == expected_panels(DEFAULT_ETAS)
    assert snapshot["metrics"] == expected_metrics(DEFAULTS.eta)
    metrics = dict(snapshot["metrics"])
    assert metrics[t("metric.theta")] == "2.49989" == number(2.499891109642585)
    # ... and the exact values, as the article prints them
    exact = "θ = 2.499891109642585, dJ(θ) = -0.0002177807148298072, J(θ) = -0.99999998814289"
    assert any(exact in caption for caption in app.locator('[data-testid="stCaptionContainer"]').all_inner_texts())
    assert metrics[t("metric.updates")] == "45"
    assert metrics[t("metric.status")] == "converged"
    assert alerts(app, "Success") == [explain(gd.minimize(eta=DEFAULTS.eta))]
    assert app.locator(".st-key-eta").get_by_label(t("label.eta"), exact=True).input_value() == "0.1"
    assert app.locator(".st-key-etas").get_by_label(t("label.etas"), exact=True).input_value() == \
        format_etas(DEFAULT_ETAS) == "0.01, 0.1, 0.9, 1, 1.1"
    assert app.locator('[data-testid="stDataFrame"]').count() == 1
    assert query_of(app) == {"lang": ["en"]}  # nothing differs from the defaults; the language is always said


def test_the_default_view_in_chinese(server, context, shots):
    """The article's run, in the article's language: the same numbers, Chinese words, a Chinese font."""
    page, snapshot = open_page(context, server["url"] + "/?lang=zh", LATER_WAIT)
    try:
        screenshot(page, shots, "1-default-zh.png")
        with speaking("zh"):
            assert page.locator("h1").first.inner_text().strip() == t("page.title")
            assert snapshot["panels"] == expected_panels(DEFAULT_ETAS, "zh")
            assert snapshot["metrics"] == expected_metrics(DEFAULTS.eta)
            assert alerts(page, "Success") == [explain(gd.minimize(eta=DEFAULTS.eta))]
        fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
        assert fonts.strip(), "no Chinese font on this machine: the page would show boxes (.ci/run installs one)"
    finally:
        page.close()


def test_csv_download_has_the_points_of_every_run(app):
    with app.expect_download() as download:
        app.get_by_role("button", name=t("download.csv")).click()
    assert download.value.suggested_filename == "quadratic_points_eta_0.01_0.1_0.9_1_1.1.csv"  # what it holds
    assert Path(download.value.path()).read_bytes() == frames.csv(frames.points(gd.compare(DEFAULT_ETAS)))


def test_a_chart_downloads_as_an_svg_and_a_png_for_slides_in_the_page_language(server, context, shots):
    """The figures section drawn by the server on the click (the heavy worker, vl-convert): the file the browser
    saves parses, says the panel's title in Chinese, and a PNG has the scale's pixels."""
    page, _ = open_page(context, server["url"] + "/?lang=zh", LATER_WAIT)
    try:
        with speaking("zh"):
            page.get_by_text(t("figure.title"), exact=True).click()
            download = page.get_by_role("button", name="下载 quadratic_compare_panels_1.svg")
            download.wait_for()
            screenshot(page, shots, "figures-zh.png")
            with page.expect_download(timeout=LATER_WAIT * 1000) as saved:
                download.click()
            svg = Path(saved.value.path()).read_bytes()
            words = svg_lines(svg)
            assert saved.value.suggested_filename == "quadratic_compare_panels_1.svg"
            assert float(ElementTree.fromstring(svg).get("width")) == figures.NARROW
            assert {"η = 0.01", "423 次更新", "已收敛"} <= set(words), words  # the panel's title, line by line
            page.get_by_role("radio", name="PNG", exact=True).click()
            page.get_by_role("radio", name="3×", exact=True).click()
            download = page.get_by_role("button", name="下载 quadratic_compare_panels_1@3x.png")
            download.wait_for()
            with page.expect_download(timeout=LATER_WAIT * 1000) as saved:
                download.click()
            png = Path(saved.value.path()).read_bytes()
            assert png[:8] == b"\x89PNG\r\n\x1a\n"
            assert int.from_bytes(png[16:20], "big") == 3 * figures.NARROW  # IHDR's width
    finally:
        page.close()


SHORT_ETA = 0.4  # a run of 8 updates on the parabola: an animation of 8 frames. The export worker is niced 15,
# below the spinning processes a loaded CI run keeps beside the suite, and gets a few percent of a core there


def test_a_stepped_view_is_animated_as_an_mp4_in_the_page_language(server, context, shots):
    """A stepped view's figures are drawn in its fragment, whose own reruns (opening the section) kept the page's
    language only since they speak it (they fell back on English, and the section closed as a new element). The
    animation is drawn by the export worker on the click: an H.264 MP4 of a frame per update of the run."""
    result = gd.minimize(eta=SHORT_ETA)
    page = context.new_page()
    page.set_default_timeout(LATER_WAIT * 1000)
    try:
        page.goto(server["url"] + f"/?view=geometry&lang=zh&eta={SHORT_ETA}", wait_until="commit",
                  timeout=FIRST_LOAD_WAIT * 1000)
        with speaking("zh"):
            page.get_by_text(t("figure.title"), exact=True).click()
            page.get_by_text(t("animation.title"), exact=True).wait_for()
            assert page.get_by_text(t("label.step"), exact=True).is_visible()  # not "Update"
            page.get_by_role("radio", name="MP4", exact=True).click()
            download = page.get_by_role("button", name="下载 quadratic_geometry.mp4")
            download.wait_for()
            screenshot(page, shots, "animation-zh.png")
            with page.expect_download(timeout=ANIMATION_WAIT * 1000) as saved:
                download.click()
            video = Path(saved.value.path()).read_bytes()
        assert saved.value.suggested_filename == "quadratic_geometry.mp4" and video[4:8] == b"ftyp"
        import av  # PyAV reads back what it wrote: the MP4's frames

        with av.open(io.BytesIO(video)) as container:
            frames_read = list(container.decode(video=0))
        assert len(frames_read) == result.iterations == 8 and frames_read[0].width == figures.WIDE
    finally:
        page.close()


def test_typed_values_update_the_page(app, shots):
    before = settle(app, complete, "the page before typing")
    fill(app, "eta", t("label.eta"), "0.5")
    after = settle(app, lambda now: complete(now) and now["metrics"] != before["metrics"], "the metrics for η = 0.5")
    assert after["metrics"] == expected_metrics(0.5)
    assert after["panels"] == before["panels"]  # the comparison does not depend on the η above it
    assert query_of(app) == expected_query(eta=0.5) == {"eta": ["0.5"], "lang": ["en"]}

    fill(app, "etas", t("label.etas"), "0.2, 0.5")
    after = settle(app, lambda now: complete(now) and now["panels"] != before["panels"], "the panels for 0.2, 0.5")
    screenshot(app, shots, "2-eta-0.5.png")
    assert after["panels"] == expected_panels([0.2, 0.5])
    assert after["metrics"] == expected_metrics(0.5)
    assert after["exceptions"] == 0
    assert query_of(app) == expected_query(eta=0.5, etas=(0.2, 0.5)) == {"eta": ["0.5"], "etas": ["0.2,0.5"],
                                                                          "lang": ["en"]}


def test_an_eta_change_resends_no_chart_the_browser_has(server, context):
    """The compared runs do not depend on the η above them, so after an η change the browser gets no chart again:
    each comes as a reference to the copy it holds (.streamlit/config.toml's global.minCachedMessageSize; at
    Streamlit's default, 10 kB, the smaller panels were sent whole on every change, 46 kB in all)."""
    page = context.new_page()
    page.set_default_timeout(LATER_WAIT * 1000)
    frames = []
    page.on("websocket", lambda socket: socket.on("framereceived", lambda payload: frames.append(payload)))
    try:
        page.goto(server["url"] + "/?lang=en", wait_until="commit", timeout=FIRST_LOAD_WAIT * 1000)
        before = settle(page, complete, "the default view", FIRST_LOAD_WAIT)
        assert sum(b"vega-lite" in frame for frame in frames if isinstance(frame, bytes)) >= len(before["panels"])
        frames.clear()
        fill(page, "eta", t("label.eta"), "0.37")
        after = settle(page, lambda now: complete(now) and now["metrics"] != before["metrics"], "η = 0.37")
        assert after["metrics"] == expected_metrics(0.37) and after["panels"] == before["panels"]
        sent = [frame for frame in frames if isinstance(frame, bytes)]
        assert sent and not any(b"vega-lite" in frame for frame in sent), [len(frame) for frame in sent]
    finally:
        page.close()


def test_a_too_large_eta_is_explained_as_diverged(app, shots):
    before = settle(app, complete, "the page before typing")
    fill(app, "eta", t("label.eta"), "1.1")
    after = settle(app, lambda now: complete(now) and now["metrics"] != before["metrics"], "the metrics for η = 1.1")
    screenshot(app, shots, "3-diverged.png")
    result = gd.minimize(eta=1.1)
    assert result.status == "diverged"
    assert after["metrics"] == expected_metrics(1.1)
    errors = alerts(app, "Error")
    assert any(f"Diverged at update {result.iterations:,}" in text for text in errors), errors
    assert errors == [explain(result)]
    assert after["exceptions"] == 0
    assert app.locator('[data-testid="stException"]').count() == 0


def test_a_shared_link_reopens_its_view(server, context, shots):
    page, snapshot = open_page(context, server["url"] + "/?eta=0.9&etas=0.05,0.9", LATER_WAIT)
    try:
        screenshot(page, shots, "4-shared-link.png")
        assert page.locator(".st-key-eta").get_by_label(t("label.eta"), exact=True).input_value() == "0.9"
        assert page.locator(".st-key-etas").get_by_label(t("label.etas"), exact=True).input_value() == "0.05, 0.9"
        assert snapshot["metrics"] == expected_metrics(0.9)
        assert snapshot["panels"] == expected_panels([0.05, 0.9])
        assert snapshot["exceptions"] == 0
        assert query_of(page) == expected_query(eta=0.9, etas=(0.05, 0.9))
    finally:
        page.close()


HOSTILE_LINK = {"eta": ":red-background[x]", "theta0": ":material/warning:", "epsilon": ":tada: a\u202ebc",
                "max_iter": "&lt;script&gt;", "**b**": "1"}


def test_what_a_hostile_link_gave_is_shown_as_text(server, context, shots):
    """Streamlit's own Markdown (directives, icons, emoji shortcodes), entities, bold and a right-to-left override:
    each value appears in the warning exactly as the link gave it (the override as its escape), nothing rendered."""
    from urllib.parse import urlencode

    page, _ = open_page(context, server["url"] + "/?" + urlencode(HOSTILE_LINK), LATER_WAIT)
    try:
        screenshot(page, shots, "5-hostile-link.png")
        box = page.locator('[data-testid="stAlertContentWarning"]')
        assert box.count() == 1
        quoted = [text.replace("\u2060", "") for text in box.locator("code").all_text_contents()]
        assert quoted == [":red-background[x]", ":material/warning:", ":tada: a\\u202ebc", "&lt;script&gt;", "**b**"]
        assert box.locator("strong, em, img, [data-testid='stIconMaterial'], span[style]").count() == 0
        assert "\u202e" not in box.inner_text() and "🎉" not in box.inner_text()
    finally:
        page.close()


def test_a_bad_link_is_named_and_falls_back_to_the_defaults(server, context, shots):
    page, snapshot = open_page(context, server["url"] + "/?eta=abc&foo=1", LATER_WAIT)
    try:
        screenshot(page, shots, "5-bad-link.png")
        warnings = alerts(page, "Warning")
        assert len(warnings) == 1, warnings
        assert "eta" in warnings[0] and "“abc”" in warnings[0] and "“foo”" in warnings[0], warnings
        _, problems = read_url({"eta": "abc", "foo": "1"})
        assert warnings[0] == rendered_text(warning(problems))
        assert snapshot["metrics"] == expected_metrics(DEFAULTS.eta)
        assert snapshot["panels"] == expected_panels(DEFAULT_ETAS)
        assert snapshot["exceptions"] == 0
        assert page.locator('[data-testid="stException"]').count() == 0
        assert query_of(page) == {"lang": ["en"]}  # the unusable values are dropped from the address
    finally:
        page.close()


VIEW_CHARTS = {"compare": len(DEFAULT_ETAS) + 1, "theory": 2, "range": 1, "stopping": 5, "geometry": 1, "inside": 0,
               "noise": 2, "predict": 0}  # inside: plain descent keeps nothing, and the page says so

# How far the page scrolls sideways, and every chart that leaves its column, its cell of a row of panels (a
# horizontal block) or, outside both, the main block: the chart's element or what Vega drew inside it.
LAYOUT = """() => {
  const root = document.documentElement, main = document.querySelector('[data-testid="stMain"]');
  const spilled = [];
  for (const chart of document.querySelectorAll('[data-testid="stMain"] [data-testid="stVegaLiteChart"]')) {
    const holder = chart.closest('[data-testid="stColumn"]')
      || chart.closest('[data-testid="stHorizontalBlock"] > [data-testid="stElementContainer"]')
      || chart.closest('[data-testid="stMainBlockContainer"]');
    const box = holder.getBoundingClientRect(), own = chart.getBoundingClientRect();
    const marks = chart.querySelector("svg.marks, canvas.marks");
    const drawn = marks ? marks.getBoundingClientRect() : own;
    const left = Math.min(own.left, drawn.left), right = Math.max(own.right, drawn.right);
    if (left < box.left - 1 || right > box.right + 1) {
      spilled.push(`${Math.round(left)}–${Math.round(right)} outside ${Math.round(box.left)}–${Math.round(box.right)}`);
    }
  }
  return {sideways: Math.max(root.scrollWidth - root.clientWidth, main.scrollWidth - main.clientWidth), spilled};
}"""


@pytest.mark.parametrize("size", ["laptop", "phone"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_view_renders_in_its_tab_and_fits_the_screen(server, browser, context, console, shots, lang, size):
    """Click through the tabs of a stochastic run (so the noise view has its charts), in each language, on a laptop
    (1280 px) and a phone (390 px): each view draws its charts with marks and no exception, nothing scrolls
    sideways and no chart leaves its column; the predict view scores a guess."""
    own = None
    if size == "phone":
        own = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        own.on("page", watch(console))
    page, _ = open_page(own or context, server["url"] + f"/?variant=sgd&max_iter=2000&lang={lang}", FIRST_LOAD_WAIT)
    try:
        with speaking(lang):
            click_through_every_view(page, shots, lang, size)
    finally:
        page.close()
        if own is not None:
            own.close()


def click_through_every_view(page, shots, lang: str, size: str) -> None:
    for number_, (view, count) in enumerate(VIEW_CHARTS.items(), start=6):
        page.get_by_role("tab", name=t(f"view.{view}"), exact=True).click()
        snapshot = settle(page, lambda snap, count=count: snap["charts"] == snap["rendered"] == count
                          and len(snap["metrics"]) == len(METRICS), f"the {view} view")
        assert snapshot["exceptions"] == 0, view
        if view == "predict":
            page.get_by_label(t("label.guess_eta"), exact=True).fill("1.1")
            page.get_by_text(t("outcome.diverges"), exact=True).click()
            page.get_by_role("button", name=t("predict.run"), exact=True).click()
            snapshot = settle(page, lambda snap: any("/2" in alert for alert in snap["alerts"]), "the score")
            assert snapshot["exceptions"] == 0
        if view == "geometry" and size == "laptop":
            assert_play_steps_through(page)
        layout = page.evaluate(LAYOUT)
        assert layout == {"sideways": 0, "spilled": []}, (view, size, layout)
        suffix = ("" if lang == "en" else "-" + lang) + ("" if size == "laptop" else "-phone")
        screenshot(page, shots, f"{number_}-{view}{suffix}.png")
        assert query_of(page).get("view", ["compare"]) == [view]
        assert query_of(page)["lang"] == [lang]


@pytest.mark.parametrize("size", ["laptop", "phone"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_range_test_sets_eta_and_a_rule_is_seen_from_inside(server, browser, console, shots, lang, size):
    """The learning-rate range test reads off the article's curve's steepest η, as a plain loop finds it
    (tests/test_page_range.py), and its button makes it the run's η; then Adam, chosen from inside plain descent's
    tab, draws its state and its steps. Both fit the screen, in each language, on a laptop and a phone."""
    from test_page_range import read_off

    eta = f"{read_off(1e-4, 10.0, 100)[0]:.2g}"  # as the button rounds it: 0.027
    context = context_at(browser, console, 1280 if size == "laptop" else 390)
    page = context.new_page()
    page.set_default_timeout(LATER_WAIT * 1000)
    suffix = ("" if lang == "en" else "-" + lang) + ("" if size == "laptop" else "-phone")
    try:
        page.goto(server["url"] + f"/?view=range&lang={lang}", wait_until="commit", timeout=FIRST_LOAD_WAIT * 1000)
        with speaking(lang):
            settle(page, lambda snap: snap["charts"] == snap["rendered"] == 1 and len(snap["metrics"]) == len(METRICS),
                   "the range test", FIRST_LOAD_WAIT)
            assert page.evaluate(LAYOUT) == {"sideways": 0, "spilled": []}
            screenshot(page, shots, f"14-range{suffix}.png")
            page.get_by_role("button", name=t("range.use.steepest", eta=eta), exact=True).click()
            settle(page, lambda snap: dict(map(tuple, snap["metrics"]))[t("metric.theta")] == number(
                gd.minimize(eta=float(eta)).theta), "the run at the steepest η")
            assert query_of(page)["eta"] == [eta]
            page.get_by_role("tab", name=t("view.inside"), exact=True).click()
            page.get_by_role("button", name=t("inside.look", rule=t("optimizer.adam.title")), exact=True).click()
            snapshot = settle(page, lambda snap: snap["charts"] == snap["rendered"] == 2, "Adam from inside")
            assert snapshot["exceptions"] == 0 and query_of(page)["optimizer"] == ["adam"]
            assert page.evaluate(LAYOUT) == {"sideways": 0, "spilled": []}
            screenshot(page, shots, f"15-inside{suffix}.png")
    finally:
        page.close()
        context.close()


PINNED_LINK = {"quadratic": "eta:0.1", "ravine": "eta:0.1;theta0:2.5,-1"}  # the default run pinned, written out


@pytest.mark.parametrize("size", ["laptop", "phone"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_pinned_run_stays_while_a_click_on_a_panel_moves_the_start(server, browser, console, shots, lang, size):
    """The run above pinned; then a click (a tap on a phone) on the first panel starts every run at the θ under it: to
    the right of the middle a larger θ than to the left, in the plot, in the link and in the typed field, while the
    pin stays in the link and is said; unpinned, it is gone. On the article's curve in English, on the ravine's map in
    Chinese, on a laptop and a phone."""
    objective = "quadratic" if lang == "en" else "ravine"
    context = context_at(browser, console, 1280 if size == "laptop" else 390)
    page = context.new_page()
    page.set_default_timeout(LATER_WAIT * 1000)
    suffix = ("" if lang == "en" else "-" + lang) + ("" if size == "laptop" else "-phone")

    def click_first_panel(share: float) -> tuple[float, ...]:  # off the paths and the eigen-directions (their marks
        # take a click for their tooltips)
        before = query_of(page).get("theta0")
        chart = page.locator('[data-testid="stVegaLiteChart"]').first
        chart.scroll_into_view_if_needed()
        box = chart.locator("canvas, svg.marks").first.bounding_box()
        at = (box["x"] + box["width"] * share, box["y"] + box["height"] * (0.6 if objective == "quadratic" else 0.5))
        said = None
        if size == "laptop":  # what the pointer's tooltip says a click there starts from
            page.mouse.move(*at)
            tooltip = page.locator("#vg-tooltip-element.visible")
            tooltip.wait_for()
            said = tuple(float(number.replace("−", "-")) for number in re.findall(
                r"[−-]?\d+(?:\.\d+)?(?:e[+−-]?\d+)?", tooltip.inner_text().split("=")[-1]))
        page.touchscreen.tap(*at) if size == "phone" else page.mouse.click(*at)
        settle(page, lambda snap: complete(snap) and query_of(page).get("theta0") != before, f"a click at {share}")
        start = query_of(page)["theta0"][0]
        field = page.locator('[data-testid="stSidebar"]').get_by_label(t("label.theta0"), exact=True)
        assert field.input_value() == start.replace(",", ", ")  # the typed field follows
        clicked = tuple(float(part) for part in start.split(","))
        assert said in (None, clicked)  # the tooltip said the start the click set
        return clicked

    try:
        with speaking(lang):
            page.goto(server["url"] + f"/?objective={objective}&lang={lang}", wait_until="commit",
                      timeout=FIRST_LOAD_WAIT * 1000)
            settle(page, complete, "the first panels", FIRST_LOAD_WAIT)
            page.get_by_role("button", name=t("pin.button"), exact=True).click()
            settle(page, lambda snap: complete(snap) and "pin" in query_of(page), "the pinned run")
            assert query_of(page)["pin"] == [PINNED_LINK[objective]]
            right = click_first_panel(0.85)
            left = click_first_panel(0.35)
            low, high = (-1.0, 6.0) if objective == "quadratic" else (-3.0, 3.0)  # the plot's θ (x) range
            assert low < left[0] < right[0] < high
            assert query_of(page)["pin"] == [PINNED_LINK[objective]]  # the pin stays while θ₀ moves
            said = t("pin.caption", name="", updates="", status="", theta="", loss="").split("“")[0]
            assert any(said in text for text in page.locator('[data-testid="stCaptionContainer"]').all_inner_texts())
            assert page.evaluate(LAYOUT) == {"sideways": 0, "spilled": []}
            screenshot(page, shots, f"16-pin-and-click{suffix}.png")
            page.get_by_role("button", name=t("pin.unpin"), exact=True).click()
            settle(page, lambda snap: complete(snap) and "pin" not in query_of(page), "the pin let go")
    finally:
        page.close()
        context.close()


DATA_FILE = b"hours,score\n0,1\n1,3\n2,5.5\n3,6.9\n4,9.2\n"  # five rows: least squares gives w = 2.03, b = 1.08
HOSTILE_FILE = b"x,y\n1,2\n2,=IMPORTDATA(\"x\")\n"


@pytest.mark.parametrize("size", ["laptop", "phone"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_your_own_rows_are_uploaded_edited_refused_and_standardised(server, browser, console, shots, lang, size):
    """Your data: a CSV uploaded (the run goes to numpy's least squares, the link carries the rows), a hostile file
    refused with its row named and nothing kept, a cell of the table edited (the run and the link follow), x
    standardised (κ = 1 said); in English and Chinese, on a laptop and a phone (the sidebar opened as a thumb opens
    it)."""
    context = context_at(browser, console, 1280 if size == "laptop" else 390)
    page = context.new_page()
    page.set_default_timeout(LATER_WAIT * 1000)
    suffix = ("" if lang == "en" else "-" + lang) + ("" if size == "laptop" else "-phone")
    sidebar = page.locator('[data-testid="stSidebar"]')
    try:
        with speaking(lang):
            page.goto(server["url"] + f"/?objective=data_linear&lang={lang}", wait_until="commit",
                      timeout=FIRST_LOAD_WAIT * 1000)
            settle(page, complete, "the sample rows", FIRST_LOAD_WAIT)
            if size == "phone":
                page.get_by_test_id("stExpandSidebarButton").click()
            sidebar.locator('input[type="file"]').set_input_files(
                files=[{"name": "scores.csv", "mimeType": "text/csv", "buffer": DATA_FILE}])
            settle(page, lambda snap: complete(snap) and "data" in query_of(page), "the uploaded rows")
            assert query_of(page)["data"] == ["0,1;1,3;2,5.5;3,6.9;4,9.2"]
            assert any("scores.csv" in text for text in alerts(page, "Success"))
            x, y = np.array([0, 1, 2, 3, 4.0]), np.array([1, 3, 5.5, 6.9, 9.2])
            (w, b), *_ = np.linalg.lstsq(np.column_stack([x, np.ones(5)]), y, rcond=None)
            shown = page.locator('[data-testid="stMetricValue"]').first.inner_text()
            assert [float(part) for part in shown.strip("()").split(",")] == pytest.approx([w, b], abs=2e-3)
            screenshot(page, shots, f"17-your-data{suffix}.png")

            sidebar.locator('input[type="file"]').set_input_files(
                files=[{"name": "sheet.csv", "mimeType": "text/csv", "buffer": HOSTILE_FILE}])
            settle(page, lambda snap: complete(snap) and any("sheet.csv" in text for text in alerts(page, "Error")),
                   "the refused file")
            [said] = [text for text in alerts(page, "Error") if "sheet.csv" in text]
            assert '=IMPORTDATA("x")' in said and ("row 3" in said if lang == "en" else "第 3 行" in said)
            assert query_of(page)["data"] == ["0,1;1,3;2,5.5;3,6.9;4,9.2"]  # nothing of it kept

            grid = sidebar.locator('[data-testid="stDataFrame"]').first
            grid.scroll_into_view_if_needed()
            box = grid.bounding_box()
            page.mouse.dblclick(box["x"] + box["width"] * 0.75, box["y"] + 35 + 17)  # the first row's y
            editor = page.locator(".gdg-input")  # the grid's number editor, over the cell
            editor.fill("2")
            editor.press("Enter")
            settle(page, lambda snap: complete(snap) and query_of(page).get("data") == ["0,2;1,3;2,5.5;3,6.9;4,9.2"],
                   "the edited row")

            choose(page, sidebar.get_by_role("combobox", name=t("label.features")), t("features.standardized.title"))
            settle(page, lambda snap: complete(snap) and query_of(page).get("features") == ["standardized"],
                   "standardised x")
            kappa = t("data.kappa", kappa="1").split("1")[0]
            assert any(kappa + "1" in text for text in sidebar.locator(
                '[data-testid="stCaptionContainer"]').all_inner_texts())
            assert page.evaluate(LAYOUT) == {"sideways": 0, "spilled": []}
            screenshot(page, shots, f"17-your-data-standardised{suffix}.png")
    finally:
        page.close()
        context.close()


def choose(page, combobox, option: str) -> None:
    """Pick an option of a select box; its list opens on a click (a second one if the first only took the focus
    back from another widget, as from the data grid's editor)."""
    for _ in range(3):
        combobox.click()
        try:
            page.get_by_role("option", name=option, exact=True).click(timeout=5_000)
            return
        except PlaywrightError:
            continue
    raise AssertionError(f"the option {option!r} never showed")


# Counts the script runs that start from now on (a tick of a playing fragment is one).
COUNT_RUNS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  window.__runs = 0;
  new MutationObserver(() => { if (app.getAttribute('data-test-script-state') === 'running') window.__runs++; })
    .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def assert_play_steps_through(page) -> None:
    """Play advances the update on its own (a fragment that reruns every PLAY_SECONDS), and Pause stops it: after
    the pause the player says Play again, and for as long as three ticks took while playing (on this machine, at
    this load) no script run starts and the update stays."""
    def shown_step() -> int:
        return int(re.findall(r"\d+", page.locator('[data-testid="stSlider"]').inner_text())[0])

    start = shown_step()
    page.get_by_role("button", name=t("geometry.play"), exact=True).click()
    started = time.monotonic()
    while shown_step() < start + 3:
        assert time.monotonic() < started + LATER_WAIT, "play did not advance the update"
        page.wait_for_timeout(POLL_MS)
    three_ticks = time.monotonic() - started
    page.get_by_role("button", name=t("geometry.pause"), exact=True).click()
    settle(page, lambda snap: snap["charts"] == snap["rendered"] == 1, "the stopped player")
    page.get_by_role("button", name=t("geometry.play"), exact=True).wait_for()  # the button says Play again
    stopped = shown_step()
    page.evaluate(COUNT_RUNS)
    page.wait_for_timeout(1000 * three_ticks)  # a window measured in ticks as they came here, not a deadline
    assert page.evaluate("() => window.__runs") == 0 and shown_step() == stopped


@pytest.mark.parametrize("objective", ["quadratic", "ravine"])
def test_switching_the_language_there_and_back_keeps_every_view(server, context, shots, objective):
    """On every view of a curve and a surface: to 中文 and back to English, the page stays whole and on the same view
    (the browser sent a choice's label in the other language back as its value, and the page became an error
    box: AppTest does not reproduce it, a browser does)."""
    from gd.lab.controls import views_of

    page, _ = open_page(context, server["url"] + f"/?objective={objective}&lang=en", FIRST_LOAD_WAIT)
    try:
        for view in views_of(objective):
            page.get_by_role("tab", name=t(f"view.{view}"), exact=True).click()
            settle(page, lambda snap: len(snap["metrics"]) == len(METRICS), f"the {view} view")
            for lang in ("zh", "en"):
                page.locator('[data-testid="stSidebar"]').get_by_text(t(f"language.{lang}"), exact=True).click()
                with speaking(lang):
                    title = t("metric.theta")
                    snapshot = settle(page, lambda snap, title=title: bool(snap["metrics"])
                                      and snap["metrics"][0][0] == title, f"the {view} view in {lang}")
                    assert snapshot["exceptions"] == 0, (view, lang)
                    assert page.get_by_role("tab", name=t(f"view.{view}"), exact=True).get_attribute(
                        "aria-selected") == "true", (view, lang)
                assert query_of(page).get("view", ["compare"]) == [view] and query_of(page)["lang"] == [lang]
                assert query_of(page).get("objective", ["quadratic"]) == [objective]
        screenshot(page, shots, f"language-round-trip-{objective}.png")
    finally:
        page.close()


def test_back_and_forward_move_through_what_the_learner_did(server, context):
    """η 0.1 → 0.3 → 0.5, then the browser's Back: the page shows η = 0.3 and stays there (it wrote η = 0.5 back
    a second later); Back again: the defaults; Forward: 0.3 again."""
    page, _ = open_page(context, server["url"] + "/?lang=en", FIRST_LOAD_WAIT)
    try:
        for eta in ("0.3", "0.5"):
            fill(page, "eta", t("label.eta"), eta)
            settle(page, lambda snap, eta=eta: snap["metrics"] == expected_metrics(float(eta)), f"η = {eta}")
        for move, eta in ((page.go_back, 0.3), (page.go_back, 0.1), (page.go_forward, 0.3)):
            move()
            settle(page, lambda snap, eta=eta: complete(snap) and snap["metrics"] == expected_metrics(eta),
                   f"η = {eta} after {move.__name__}")
            page.wait_for_timeout(1500)  # the page used to write the later η back after a moment: it must stay
            snapshot = settle(page, complete, f"η = {eta}, a moment later")
            assert snapshot["metrics"] == expected_metrics(eta)
            assert query_of(page).get("eta", ["0.1"]) == [f"{eta:g}"]
    finally:
        page.close()


def test_the_browser_console_has_no_errors(app, console):
    """Last: every page of the module has been opened by now. Nothing is ignored."""
    assert console == []


SURFACE_VIEWS = [("rosenbrock", "compare", len(DEFAULT_ETAS) + 1), ("himmelblau", "race", 2),
                 ("ravine", "momentum", 1), ("logistic_regression_2d", "regression", 2),
                 ("himmelblau", "basins", 1 + len(DEFAULT_ETAS)), ("double_well", "basins", 2)]  # basins: the key too


@pytest.mark.parametrize("size", ["laptop", "phone"])
@pytest.mark.parametrize(("objective", "view", "count"), SURFACE_VIEWS, ids=[f"{o}-{v}" for o, v, _ in SURFACE_VIEWS])
def test_the_surfaces_views_draw_on_a_laptop_and_a_phone(server, browser, context, console, shots, objective, view,
                                                          count, size):
    """The contour maps side by side, the optimizer race, momentum's map and the fitted model: each view draws its
    charts with marks, no exception, nothing scrolls sideways and no chart leaves its column."""
    own = None
    if size == "phone":
        own = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
        own.on("page", watch(console))
    page = (own or context).new_page()
    page.set_default_timeout(LATER_WAIT * 1000)
    try:
        page.goto(server["url"] + f"/?objective={objective}&view={view}", wait_until="commit",
                  timeout=FIRST_LOAD_WAIT * 1000)
        snapshot = settle(page, lambda snap: snap["charts"] == snap["rendered"] == count
                          and len(snap["metrics"]) == len(METRICS), f"{view} on {objective}", FIRST_LOAD_WAIT)
        assert snapshot["exceptions"] == 0
        layout = page.evaluate(LAYOUT)
        assert layout == {"sideways": 0, "spilled": []}, (view, size, layout)
        screenshot(page, shots, f"12-{objective}-{view}{'' if size == 'laptop' else '-phone'}.png")
    finally:
        page.close()
        if own is not None:
            own.close()


TYPED_LINKS = [("1d", {"objective": "custom", "function": "(x-2.5)^2-1"}, len(DEFAULT_ETAS) + 1),
               ("2d", {"objective": "custom", "function": "(1-x)^2 + 100*(y-x^2)^2", "theta0": "-1.5,2",
                       "eta": "0.001", "etas": "0.0005,0.001,0.002", "max_iter": "5000"}, 4)]  # under the cap


@pytest.mark.parametrize(("name", "query", "count"), TYPED_LINKS, ids=[name for name, _, _ in TYPED_LINKS])
def test_a_typed_function_opens_from_a_link(server, context, shots, name, query, count):
    """Your function, 1-D and 2-D, from a link: its formula echoed as LaTeX, every chart drawn, the run the engine
    makes of the formula when called separately, no exception."""
    from urllib.parse import urlencode

    page = context.new_page()
    page.set_default_timeout(LATER_WAIT * 1000)
    try:
        page.goto(server["url"] + "/?" + urlencode(query), wait_until="commit", timeout=FIRST_LOAD_WAIT * 1000)
        snapshot = settle(page, lambda snap: snap["charts"] == snap["rendered"] == count
                          and len(snap["metrics"]) == len(METRICS), f"the typed {name} function", FIRST_LOAD_WAIT)
        screenshot(page, shots, f"13-typed-{name}.png")
        assert snapshot["exceptions"] == 0 and not alerts(page, "Warning")
        assert page.locator('[data-testid="stSidebar"] .katex').count() == 1  # the formula, as read
        field = page.locator(".st-key-function").get_by_label(t("label.function"), exact=True)
        assert field.input_value() == query["function"]
        theta0 = tuple(float(part) for part in query.get("theta0", "0").split(","))
        result = gd.minimize(gd.parse_objective(query["function"]), eta=float(query.get("eta", DEFAULTS.eta)),
                             theta0=theta0[0] if len(theta0) == 1 else theta0,
                             max_iter=int(query.get("max_iter", DEFAULTS.max_iter)))
        assert dict(map(tuple, snapshot["metrics"]))[t("metric.theta")] == number(result.theta)
        if name == "1d":  # the article's curve typed is the article's run, to the digit
            assert snapshot["metrics"] == expected_metrics(DEFAULTS.eta)
        assert query_of(page)["function"] == [query["function"]]
    finally:
        page.close()


def test_a_hostile_function_in_a_link_is_one_clear_message(server, context, shots):
    from urllib.parse import urlencode

    hostile = "__import__('os').system('x')"
    page, snapshot = open_page(context, server["url"] + "/?" + urlencode({"objective": "custom", "function": hostile}),
                               FIRST_LOAD_WAIT)
    try:
        screenshot(page, shots, "13-typed-hostile.png")
        warnings = alerts(page, "Warning")
        assert len(warnings) == 1 and "function" in warnings[0] and "“_” is not allowed" in warnings[0], warnings
        box = page.locator('[data-testid="stAlertContentWarning"]')
        assert [text.replace("\u2060", "") for text in box.locator("code").all_text_contents()] == [hostile]
        assert snapshot["exceptions"] == 0 and not alerts(page, "Error")
        assert snapshot["metrics"] == expected_metrics(DEFAULTS.eta)  # the default function: the article's curve
    finally:
        page.close()


# ---------------------------------------------------------------- charts laid out for their width, read by everyone

WIDTHS = (360, 390, 1280, 1920)  # two phones held upright, a laptop, a desktop
TOLERANCE = 3  # px a text's font box may pass its chart's edge or another's: ascent and descent are not ink
# Every chart's text outside its SVG (cut off: the SVG is as large as Vega laid the chart out), and in each chart every
# pair of labels drawn on the plot (mark text, not axes) that overlap each other or a visible marker.
CHART_LAYOUT = """(tolerance) => {
  const rect = e => e.getBoundingClientRect();
  const meets = (a, b) => a.left + tolerance < b.right && b.left + tolerance < a.right
    && a.top + tolerance < b.bottom && b.top + tolerance < a.bottom;
  const shown = e => { for (let n = e; n && n.tagName !== 'svg'; n = n.parentElement) {
      const style = getComputedStyle(n);
      if (style.display === 'none' || style.visibility === 'hidden' || +style.opacity === 0
          || (+style.fillOpacity === 0 && +style.strokeOpacity === 0)) return false; }
    return rect(e).width > 0; };
  return [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stVegaLiteChart"] svg.marks')].map(svg => {
    const box = rect(svg), texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim() && shown(t));
    const cut = texts.filter(t => { const r = rect(t); return r.left < box.left - tolerance
      || r.right > box.right + tolerance || r.top < box.top - tolerance || r.bottom > box.bottom + tolerance; })
      .map(t => t.textContent);
    const labels = [...svg.querySelectorAll('.mark-text.role-mark text')].filter(shown);  // not axes, legends, titles
    const markers = [...svg.querySelectorAll('.mark-symbol path')].filter(shown);
    const overlaps = [];
    labels.forEach((a, i) => {
      labels.slice(i + 1).forEach(b => {
        if (meets(rect(a), rect(b))) overlaps.push(`${a.textContent} on ${b.textContent}`); });
      markers.forEach(m => { if (meets(rect(a), rect(m))) overlaps.push(`${a.textContent} on a marker`); });
    });
    const chart = svg.closest('[data-testid="stVegaLiteChart"]');  // Vega names its container, after the description
    return {name: chart.getAttribute('aria-label') || '', width: Math.round(box.width), height: Math.round(box.height),
            cut, overlaps};
  });
}"""
NAMED_CASES = {  # the pages testers found wanting (issue 20 item 5), with the charts each draws
    "twelve-etas": ("etas=0.001,0.003,0.01,0.03,0.1,0.3,0.5,0.7,0.9,0.99,1,1.1", 13),
    "race": ("objective=ravine&view=race", 2),
    "epsilon-0": ("epsilon=0&max_iter=100000", 6),
    "one-update": ("view=geometry", 1),
    "rosenbrock": ("objective=rosenbrock&eta=0.004", 6),
    "noise": ("variant=sgd&view=noise", 2),
    "theory": ("variant=sgd&max_iter=2000&view=theory", 2),  # 1/L and 2/L beside runs that hit the limit
}


def context_at(browser, console, width: int):
    phone = width < 640
    context = browser.new_context(viewport={"width": width, "height": 900 if phone else 1000}, is_mobile=phone,
                                  has_touch=phone)
    context.on("page", watch(console))
    return context


def step_to(page, update: int) -> None:
    """Move the one-update slider to update `update` by keyboard (as a learner without a mouse would): focus it, then
    an arrow, one rerun at a time (a key pressed during a rerun may be lost), until the slider says that update."""
    slider = page.locator('[data-testid="stSlider"] input[type="range"]')
    for _ in range(2 * update + 10):
        settle(page, lambda snap: snap["charts"] == snap["rendered"] == 1, f"update {update}")
        now = int(slider.get_attribute("aria-valuetext").replace(",", ""))
        if now == update:  # and the page has drawn it: its sentence (English pages) names it
            page.get_by_text(re.compile(rf"^Update {update}:")).wait_for()
            settle(page, lambda snap: snap["charts"] == snap["rendered"] == 1, f"update {update}")
            return
        slider.focus()
        page.keyboard.press("ArrowRight" if now < update else "ArrowLeft")
    raise AssertionError(f"the slider did not reach update {update}")


@pytest.mark.parametrize("width", WIDTHS)
def test_charts_are_whole_at_every_width_and_their_labels_apart(server, browser, console, shots, width):
    """At 360, 390, 1280 and 1920 px, on every page testers found wanting: no chart's text is cut (its titles, axes
    and legend inside its SVG), no label on a plot lies on another or on a marker, nothing scrolls sideways, every
    chart has its height (no 40 px plot under a legend) and an accessible name."""
    context = context_at(browser, console, width)
    try:
        for name, (query, count) in NAMED_CASES.items():
            page = context.new_page()
            page.set_default_timeout(LATER_WAIT * 1000)
            page.goto(f"{server['url']}/?{query}&lang=en", wait_until="commit", timeout=FIRST_LOAD_WAIT * 1000)
            settle(page, lambda snap, count=count: snap["charts"] == snap["rendered"] == count
                   and len(snap["metrics"]) == len(METRICS), name, FIRST_LOAD_WAIT)
            steps = [0, 9, 20] if name == "one-update" else [0]  # θ₁₀, θ₂₁: where the labels used to merge
            for step in steps:
                if step:
                    step_to(page, step + 1)
                charts = page.evaluate(CHART_LAYOUT, TOLERANCE)
                assert len(charts) == count, (name, width)
                for chart in charts:
                    assert chart["cut"] == [] and chart["overlaps"] == [], (name, width, step, chart)
                    assert chart["height"] >= 150 and chart["name"], (name, width, chart)
                layout = page.evaluate(LAYOUT)
                assert layout == {"sideways": 0, "spilled": []}, (name, width, layout)
                screenshot(page, shots, f"20-{name}-{width}{f'-update-{step + 1}' if step else ''}.png")
            page.close()
    finally:
        context.close()


def test_the_convergence_charts_name_says_each_runs_numbers_as_the_engine_computes_them(server, context):
    """The chart's accessible name (its Vega-Lite description) carries the numbers: each η's last gap J − J*, from a
    run of the engine made here."""
    page, _ = open_page(context, server["url"] + "/?lang=en", FIRST_LOAD_WAIT)  # the defaults (the shared page moved)
    try:
        names = page.locator('[data-testid="stVegaLiteChart"]').evaluate_all(
            "charts => charts.map(chart => chart.getAttribute('aria-label'))")  # the container's: Vega names it
    finally:
        page.close()
    assert len(names) == CHARTS and all(names)
    for result in gd.compare(DEFAULT_ETAS):
        if result.status == "diverged":
            assert f"η = {number(result.eta)} diverged at update {result.iterations:,}" in names[-1]
        else:
            assert f"η = {number(result.eta)} ends {number(result.loss + 1)} above J* after" in names[-1]
    headline = gd.minimize(eta=0.1)
    assert names[1].startswith(written_title(0.1, headline.status, headline.iterations).replace(" · ", ", ") + ":")


AXE = ROOT / "tests" / "e2e" / ".axe" / "node_modules" / "axe-core" / "axe.min.js"  # .ci/run installs it with npm
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
    rule: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' ') + ': ' + n.failureSummary)}));
}"""
AXE_PAGES = [("quadratic", "variant=sgd&max_iter=2000"), ("ravine", "objective=ravine"),
             ("logistic_regression_2d", "objective=logistic_regression_2d"), ("double_well", "objective=double_well"),
             ("data_linear", "objective=data_linear")]  # and the rows' table, in the sidebar


def axe_ready() -> Path:
    if not AXE.exists():
        message = f"axe-core is missing at {AXE}: npm install --no-save --prefix tests/e2e/.axe axe-core@4"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return AXE


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_no_view_has_a_serious_accessibility_violation(server, browser, console, shots, lang, width):
    """axe-core on every view of a curve, of the surfaces and of a learner's rows (their table in the sidebar too), in
    both languages, on a laptop and a phone: no serious or critical violation, and every chart has an accessible name
    in the page's language."""
    from gd.lab.controls import views_of

    axe = axe_ready()
    context = context_at(browser, console, width)
    try:
        for objective, query in AXE_PAGES:
            page = context.new_page()
            page.set_default_timeout(LATER_WAIT * 1000)
            page.goto(f"{server['url']}/?{query}&lang={lang}", wait_until="commit", timeout=FIRST_LOAD_WAIT * 1000)
            settle(page, lambda snap: len(snap["metrics"]) == len(METRICS) and snap["charts"] == snap["rendered"] > 0,
                   objective, FIRST_LOAD_WAIT)
            page.add_script_tag(path=str(axe))
            with speaking(lang):
                for view in views_of(objective):
                    tab = page.get_by_role("tab", name=t(f"view.{view}"), exact=True)
                    tab.click()
                    settle(page, lambda snap, tab=tab: snap["charts"] == snap["rendered"] and len(
                        snap["metrics"]) == len(METRICS) and tab.get_attribute("aria-selected") == "true",
                        f"{view} on {objective}")
                    found = page.evaluate(RUN_AXE)
                    assert found == [], (objective, view, lang, width, found)
                    names = page.locator('[data-testid="stMain"] [data-testid="stVegaLiteChart"]').evaluate_all(
                        "charts => charts.map(chart => chart.getAttribute('aria-label') || '')")
                    assert all(names), (objective, view, names)
                    if lang == "zh":  # said in Chinese: each name has Chinese words in it
                        assert all(re.search("[\u4e00-\u9fff]", name) for name in names), (objective, view, names)
            page.close()
    finally:
        context.close()


def test_a_phone_gets_the_headline_in_two_rows_whole_and_the_open_tab_in_sight(server, browser, console, shots):
    """On a 360 px phone: the five numbers take at most three rows, no value ends in "…" (a surface's pairs wrap);
    a view opened from a link has its tab in sight in the tab bar; the share link is at the end of the page."""
    context = context_at(browser, console, 360)
    try:
        page = context.new_page()
        page.set_default_timeout(LATER_WAIT * 1000)
        page.goto(f"{server['url']}/?objective=rosenbrock&eta=0.004&view=predict&lang=en", wait_until="commit",
                  timeout=FIRST_LOAD_WAIT * 1000)
        settle(page, lambda snap: len(snap["metrics"]) == len(METRICS) and all(v for _, v in snap["metrics"]),
               "the phone's headline", FIRST_LOAD_WAIT)
        page.wait_for_function("""() => { const list = document.querySelector('[role="tablist"]'),
            tab = list && list.querySelector('[aria-selected="true"]'); if (!tab) return false;
            const a = list.getBoundingClientRect(), b = tab.getBoundingClientRect();
            return b.left >= a.left - 1 && b.right <= a.right + 1; }""", timeout=LATER_WAIT * 1000)
        values = page.locator('[data-testid="stMetricValue"]').evaluate_all("""values => values.map(v => ({
            top: Math.round(v.closest('[data-testid="stMetric"]').getBoundingClientRect().top),
            cut: [v, ...v.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1)}))""")
        assert len({value["top"] for value in values}) <= 3, values
        assert not any(value["cut"] for value in values), values
        link = page.locator('[data-testid="stMain"] [data-testid="stCode"]').last
        assert "objective=rosenbrock" in link.inner_text()
        screenshot(page, shots, "21-phone-headline.png")
    finally:
        context.close()


def test_play_is_reached_without_passing_a_help_icon_a_number(server, context):
    """The keyboard reaches the tabs past the two η fields' help icons only (the five numbers' meanings are in one
    expander, not five icons)."""
    page = context.new_page()
    page.set_default_timeout(LATER_WAIT * 1000)
    try:
        page.goto(server["url"] + "/?view=geometry&lang=en", wait_until="commit", timeout=FIRST_LOAD_WAIT * 1000)
        settle(page, lambda snap: len(snap["metrics"]) == len(METRICS) and snap["charts"] == snap["rendered"] == 1,
               "one update", FIRST_LOAD_WAIT)  # one chart and no panels: not complete()'s default view
        # A help icon is a tooltip's own button; a button with a tooltip (a lesson) or a copy button is one stop anyway
        before = page.evaluate("""() => { const tabs = document.querySelector('[role="tablist"]');
            return [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stTooltipHoverTarget"] button')]
              .filter(button => !(button.getAttribute('data-testid') || '').startsWith('stBaseButton'))
              .filter(icon => icon.compareDocumentPosition(tabs) & Node.DOCUMENT_POSITION_FOLLOWING)
              .map(icon => icon.getAttribute('aria-label')); }""")
        assert before == [f"Help for {t('label.eta')}", f"Help for {t('label.etas')}"], before  # Streamlit's words
    finally:
        page.close()


def slider_update(page) -> int:
    return int(page.locator('[data-testid="stSlider"] input[type="range"]').get_attribute("aria-valuetext"))


@pytest.mark.parametrize("width", [1920, 390])
def test_presenting_on_a_projector_and_a_phone(server, browser, console, shots, width):
    """?present=1: no sidebar, no tabs, the view alone with the presenter's bar; on a 1920 px projector the type is
    22 px (16 on a phone) and the keyboard steps (→), changes the view (Page Down, as a clicker) and one click leaves;
    nothing scrolls sideways and axe finds no serious violation."""
    context = context_at(browser, console, width)
    try:
        page = context.new_page()
        page.set_default_timeout(LATER_WAIT * 1000)
        page.goto(f"{server['url']}/?present=1&view=geometry&lang=zh", wait_until="commit",
                  timeout=FIRST_LOAD_WAIT * 1000)
        settle(page, lambda snap: snap["charts"] == snap["rendered"] == 1, "presenting one update", FIRST_LOAD_WAIT)
        with speaking("zh"):
            assert not page.locator('[data-testid="stSidebar"]').is_visible()
            assert page.get_by_role("tab").count() == 0 and page.locator('[data-testid="stMetric"]').count() == 0
            assert page.get_by_role("heading", name=t("view.geometry")).is_visible()
            assert page.evaluate(LAYOUT)["sideways"] == 0
            size = page.evaluate("() => getComputedStyle(document.documentElement).fontSize")
            assert size == ("22px" if width > 900 else "16px")
            page.add_script_tag(path=str(axe_ready()))
            assert page.evaluate(RUN_AXE) == []
            screenshot(page, shots, f"30-present-{width}.png")
            if width < 900:
                return
            for update in (2, 3):
                page.keyboard.press("ArrowRight")
                page.wait_for_function(f"""() => document.querySelector('[data-testid="stSlider"] input')
                    .getAttribute("aria-valuetext") === "{update}" """, timeout=LATER_WAIT * 1000)
            assert slider_update(page) == 3
            page.keyboard.press("PageDown")
            page.wait_for_url(re.compile(r"view=inside"), timeout=LATER_WAIT * 1000)
            page.get_by_role("heading", name=t("view.inside")).wait_for()
            page.get_by_role("button", name=t("present.leave")).click()
            page.get_by_role("tab", name=t("view.inside"), exact=True).wait_for()
            assert "present" not in query_of(page) and page.locator('[data-testid="stSidebar"]').is_visible()
    finally:
        context.close()


EXERCISE = {"hide": "objective,optimizer,schedule,stop,epsilon,max_iter,etas,lessons,theory,range,inside,noise,predict",
            "optimizer": "adam", "eta": "0.5", "lang": "zh"}


@pytest.mark.parametrize("width", [1920, 390])
def test_a_locked_exercise_shows_only_the_controls_and_views_it_leaves(server, browser, console, shots, width):
    """A teacher's link: the controls it hides are not on the page (nor the lessons), those it leaves are; its tabs are
    the views it leaves; the sidebar says what it fixes; on a phone too; axe finds no serious violation."""
    context = context_at(browser, console, width)
    query = "&".join(f"{key}={value}" for key, value in EXERCISE.items())
    try:
        page = context.new_page()
        page.set_default_timeout(LATER_WAIT * 1000)
        page.goto(f"{server['url']}/?{query}", wait_until="commit", timeout=FIRST_LOAD_WAIT * 1000)
        settle(page, lambda snap: len(snap["metrics"]) == len(METRICS) and snap["charts"] == snap["rendered"] > 0,
               "the exercise", FIRST_LOAD_WAIT)
        with speaking("zh"):
            assert [tab.inner_text() for tab in page.get_by_role("tab").all()] == [
                t("view.compare"), t("view.stopping"), t("view.geometry")]
            main = page.locator('[data-testid="stMain"]')
            assert main.get_by_label(t("label.eta"), exact=True).is_visible()  # the η above the results
            assert not main.get_by_label(t("label.etas"), exact=True).is_visible()
            assert not page.get_by_role("button", name=t("preset.trap")).is_visible()
            if width < 640:  # the sidebar is folded away on a phone: open it
                page.locator('[data-testid="stExpandSidebarButton"]').click()
            sidebar = page.locator('[data-testid="stSidebar"]')
            sidebar.get_by_text(t("label.theta0"), exact=True).wait_for()
            assert not sidebar.get_by_text(t("label.optimizer"), exact=True).is_visible()
            assert not sidebar.get_by_text(t("label.objective"), exact=True).is_visible()
            assert sidebar.get_by_text(t("label.variant"), exact=True).is_visible()
            assert "更新规则：Adam" in sidebar.locator('[data-testid="stAlertContentInfo"]').inner_text()
            page.add_script_tag(path=str(axe_ready()))
            assert page.evaluate(RUN_AXE) == []
            screenshot(page, shots, f"31-exercise-{width}.png")
    finally:
        context.close()


WORST_WORKSHEET = {"objective": "ravine", "variant": "minibatch", "optimizer": "adam", "schedule": "step",
                   "etas": ",".join(f"0.0{k}" for k in range(1, 10)) + ",0.1,0.11,0.12"}  # every setting a run can
# have, and the most panels: 12 maps


def printed_pages(pdf: bytes) -> int:
    """How many pages a PDF holds: its page objects (Chromium writes each as an uncompressed dictionary)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def test_each_lessons_worksheet_prints_on_two_pages_of_a4_and_of_letter(server, browser, console, shots):
    """The five lessons' worksheets in both languages, and the fullest run's: Chromium prints each on A4 and on
    Letter in one or two pages (the first: question, settings, room to predict; the second: the figures, zoomed to fit
    a page). The zh trap's and the fullest run's PDFs are kept beside the screenshots, to be looked at, and axe finds
    no serious violation on their pages."""
    from urllib.parse import urlencode

    from gd.lab import state
    from gd.lab.controls import PRESETS

    context = context_at(browser, console, 1280)
    cases = [(f"{name}-{lang}", {**to_url(replace(DEFAULTS, **state.lesson(name).put, view=state.lesson(name).view,
                                                   lang=lang)), "worksheet": "1"}) for name in PRESETS
             for lang in ("en", "zh")]
    cases.append(("fullest-en", {**WORST_WORKSHEET, "worksheet": "1", "lang": "en"}))
    try:
        page = context.new_page()
        page.set_default_timeout(LATER_WAIT * 1000)
        for name, query in cases:
            page.goto(f"{server['url']}/?{urlencode(query)}", wait_until="commit", timeout=FIRST_LOAD_WAIT * 1000)
            settle(page, lambda snap: snap["charts"] == snap["rendered"] > 0, f"the worksheet {name}",
                   FIRST_LOAD_WAIT)
            assert page.locator("section.worksheet h1").is_visible()
            if name in ("trap-zh", "fullest-en"):  # what a screen reader meets on the page before it is printed
                page.add_script_tag(path=str(axe_ready()))
                assert page.evaluate(RUN_AXE) == [], name
                screenshot(page, shots, f"40-worksheet-{name}.png")
            for paper in ("A4", "Letter"):
                pdf = page.pdf(format=paper, print_background=True)
                assert 1 <= printed_pages(pdf) <= 2, (name, paper, printed_pages(pdf))
                if name in ("trap-zh", "fullest-en"):
                    (shots / f"40-worksheet-{name}-{paper}.pdf").write_bytes(pdf)
    finally:
        context.close()
