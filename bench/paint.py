"""η change → painted, in headless Chromium: the dashboard's default view and a surface's maps against the floor page,
on a laptop and on a phone whose processor is slowed 4× (issue 22).

Each page is served (bench/server.py, its script runs logged by bench/hooks), opened, and --changes times a new η
is typed into its visible "Learning rate η" field (the floor's sidebar is opened on the phone) and Enter pressed;
every η is new, so no cache answers. Measured in the page, from the Enter key to the first frame painted after the
last change of the DOM, once the server has said the script finished and the DOM has been still for --quiet seconds.
The server's log splits each change: the wait before its script run, the script, and the time to send its last
message; the rest is the browser's (the request's way in, the messages out, Streamlit's and Vega's work up to the
paint). Prints medians, and each page's ratio to the floor on the same screen in the same run (issue 22's targets: at
most 2× on the default view, 3× on a surface). For context, issue 22 measured the peers' Streamlit gradient-descent
apps at 24–33× (Plotly) and 10–21× (matplotlib) the floor on a laptop. --dashboard runs a variant of the page instead.
Run: python bench/paint.py [--changes 7] [--quiet 0.5] [--dashboard dashboard.py]
"""

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from machine import describe  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from server import CHROMIUM, CHROMIUM_FLAGS, PAGE_DRAWN, SCRIPT_IDLE, script_runs, served, timed_server  # noqa: E402
from wire import PAGES, await_finished  # noqa: E402

from gd.lab.text import t  # noqa: E402

SCREENS = {"laptop": ({"width": 1280, "height": 900}, 1), "phone, 4× slower": ({"width": 390, "height": 844}, 4)}

# The time of the last DOM change, and of the frame painted after it (a frame's callback, then a task after it);
# and the Enter key's time, taken before the page sees the key.
WATCH = """() => {
  window.paint = {enter: 0, changed: 0, painted: 0};
  new MutationObserver(() => {
    const changed = window.paint.changed = performance.now();
    requestAnimationFrame(() => setTimeout(() => {
      if (window.paint.changed === changed) window.paint.painted = performance.now();
    }, 0));
  }).observe(document.body, {subtree: true, childList: true, attributes: true, characterData: true});
  document.addEventListener('keydown', event => {
    if (event.key === 'Enter') window.paint.enter = performance.now();
  }, true);
}"""


def field(page):
    """The visible "Learning rate η" field: the sidebar's, or on a phone the dashboard's own above the results (the
    floor's sidebar is opened there, as a visitor would)."""
    fields = page.get_by_label(t("label.eta"), exact=True).locator("visible=true")
    if not fields.count():
        page.get_by_test_id("stExpandSidebarButton").click()
        page.wait_for_timeout(500)
    return fields.first


def changes(page, url: str, count: int, quiet: float, control=field,
            typed=lambda change: f"{0.05 + 0.0137 * change:.4f}") -> list[float]:
    """Milliseconds from Enter to the frame painted after the page's last change, for each of count new values
    typed(change) into control(page) (new η into the η field unless given): once the server has said the script
    finished and the DOM has been still for quiet seconds."""
    received = []
    page.on("websocket", lambda socket: socket.on("framereceived", lambda frame: received.append(frame)))
    page.goto(url, timeout=300_000)
    page.wait_for_function(PAGE_DRAWN, timeout=300_000)
    page.wait_for_timeout(2000)
    box = control(page)
    page.evaluate(WATCH)
    times = []
    for change in range(count):
        box.fill(typed(change))
        received.clear()
        box.press("Enter")
        await_finished(page, received, f"change {change + 1}")
        page.wait_for_function(f"({SCRIPT_IDLE}) && window.paint.painted >= window.paint.changed"
                               f" && performance.now() - window.paint.changed > {quiet * 1000}", timeout=300_000)
        times.append(page.evaluate("window.paint.painted - window.paint.enter"))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=7)
    parser.add_argument("--quiet", type=float, default=0.5, help="seconds without a DOM change that end a change")
    parser.add_argument("--dashboard", default="dashboard.py", help="the dashboard's script (a variant to compare)")
    args = parser.parse_args()
    print(describe())
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        for screen, (viewport, slower) in SCREENS.items():
            print(f"{screen} ({viewport['width']} px wide), median of {args.changes} η changes:", flush=True)
            floor = None
            for name, (script, query) in PAGES.items():
                environment, log = timed_server(Path(tempfile.mkdtemp()))
                script = args.dashboard if script == "dashboard.py" else script
                with served(script, environment=environment) as server:
                    context = browser.new_context(viewport=viewport)
                    page = context.new_page()
                    if slower > 1:
                        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": slower})
                    painted = changes(page, server.url + "/" + query, args.changes, args.quiet)
                    context.close()
                runs = [run for run in script_runs(log.read_text()) if len(run) == 5][-args.changes:]
                total = statistics.median(painted)
                waited, ran, sending = (statistics.median(1000 * (run[end] - run[start]) for run in runs)
                                        for start, end in (("received", "started"), ("started", "stopped"),
                                                           ("stopped", "sent")))
                floor = floor or total
                rest = total - waited - ran - sending
                print(f"  {name:<20} {total:7.0f} ms; × floor {total / floor:4.1f}; in the server: {waited:4.0f} "
                      f"before the script, {ran:4.0f} the script, {sending:3.0f} after it; the rest {rest:4.0f}; "
                      "each: " + ", ".join(f"{time:.0f}" for time in painted), flush=True)
        browser.close()


if __name__ == "__main__":
    main()
