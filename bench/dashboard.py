"""The dashboard's speed against the floor Streamlit sets (bench/floor_page.py), in the same run.

Prints medians over --repeats reruns, with the machine:
  1. server-side time of a rerun after an η change (AppTest): default view, 12 compared η with
     10,000-update limits, the 60-point sweep; and the floor page; with the ratios;
  2. in headless Chromium: Enter on a new η → metrics show the new value and the page has painted;
  3. the bytes of chart data the default view sends to the browser.
Also, for the record, a rerun that misses the caches (new compared-η list; new sweep range).
Run: python bench/dashboard.py [--repeats 20] [--no-browser]
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import describe  # noqa: E402
from server import CHROMIUM, CHROMIUM_FLAGS, served  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

TWELVE_ETAS = "0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1, 1.1"


def rerun_times(script: str, repeats: int, setup=None, change=None) -> list[float]:
    """Seconds per rerun after a new η (a different one each time, so the η-dependent part is never cached)."""
    app = AppTest.from_file(str(script), default_timeout=600)
    if setup:
        setup(app)
    app.run()
    times = []
    for rep in range(repeats):
        (change or (lambda app, rep: app.text_input(key="eta").set_value(f"{0.2 + rep * 1e-3:g}")))(app, rep)
        start = time.perf_counter()
        app.run()
        times.append(time.perf_counter() - start)
        assert not app.exception, app.exception
    return times


def chart_bytes(script: str) -> int:
    app = AppTest.from_file(str(script), default_timeout=600).run()
    charts = [element.proto for element in app.main if getattr(element, "type", "") == "vega_lite_chart"]
    return sum(len(proto.spec.encode()) + len(proto.data.data)
               + sum(len(dataset.data.data) for dataset in proto.datasets) for proto in charts)


PAINTED = """async (previous) => {
  const deadline = performance.now() + 60000;
  while (performance.now() < deadline) {
    const app = document.querySelector('[data-testid="stApp"]');
    // every metric and caption: the dashboard's exact-value caption changes even when six digits do not
    const shown = [...document.querySelectorAll('[data-testid="stMetricValue"], [data-testid="stCaptionContainer"]')]
      .map(e => e.textContent).join('|');
    if (app && app.getAttribute('data-test-script-state') === 'notRunning' && shown.includes('.')
        && shown !== previous) {
      await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));  // painted
      return shown;
    }
    await new Promise(r => setTimeout(r, 5));
  }
  throw new Error('no new value within 60 s');
}"""


def browser_times(url: str, repeats: int, browser) -> list[float]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(url, timeout=300_000)
    page.wait_for_selector('[data-testid="stMetricValue"]', timeout=300_000)
    shown = page.evaluate(PAINTED, "")
    field = page.get_by_label("Learning rate η", exact=True).first  # the dashboard has it twice: sidebar, page
    times = []
    for rep in range(repeats):
        field.fill(f"{0.3 + rep * 1e-3:g}")
        start = time.perf_counter()
        field.press("Enter")
        shown = page.evaluate(PAINTED, shown)
        times.append(time.perf_counter() - start)
    page.close()
    return times


def line(name: str, page: list[float], floor: list[float], target: float | None) -> str:
    ratio = statistics.median(page) / statistics.median(floor)
    verdict = "" if target is None else f"   target ≤ {target:g}×: {'met' if ratio <= target else 'NOT met'}"
    return (f"{name:<34} {statistics.median(page) * 1e3:9.1f} ms   floor {statistics.median(floor) * 1e3:7.1f} ms"
            f"   ratio {ratio:5.1f}×{verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    print(describe())
    dashboard, floor = ROOT / "dashboard.py", ROOT / "bench" / "floor_page.py"

    floor_rerun = rerun_times(floor, args.repeats)
    default = rerun_times(dashboard, args.repeats)
    twelve = rerun_times(dashboard, args.repeats, setup=lambda app: app.query_params.update(
        {"etas": TWELVE_ETAS.replace(" ", ""), "max_iter": "10000"}))
    sweep_view = rerun_times(dashboard, args.repeats, setup=lambda app: app.query_params.update(
        {"view": "theory", "sweep_points": "60"}))
    print(f"AppTest rerun after an η change, median of {args.repeats}:")
    print(line("default view", default, floor_rerun, 3))
    print(line("12 compared η, 10,000-update limit", twelve, floor_rerun, 5))
    print(line("60-point sweep", sweep_view, floor_rerun, 5))

    def new_etas(app, rep):
        app.text_input(key="etas").set_value(f"{0.01 + rep * 1e-4:g}, 0.1, 0.9, 1, 1.1")

    def new_sweep(app, rep):
        app.text_input(key="sweep_low").set_value(f"{1e-3 + rep * 1e-5:g}")

    print("Cache misses, for the record (no target):")
    print(line("new compared-η list (5 η)", rerun_times(dashboard, args.repeats, change=new_etas), floor_rerun, None))
    theory_tab = lambda app: app.query_params.update({"view": "theory"})  # noqa: E731
    print(line("new sweep range (60 points)", rerun_times(dashboard, args.repeats, setup=theory_tab, change=new_sweep),
               floor_rerun, None))
    print(f"chart data sent for the default view: {chart_bytes(dashboard):,} bytes "
          f"(floor page: {chart_bytes(floor):,} bytes)")

    if args.no_browser or not os.path.exists(CHROMIUM):
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        results = {}
        for name, script in (("floor", "bench/floor_page.py"), ("dashboard", "dashboard.py")):
            with served(script) as server:
                results[name] = browser_times(server.url, args.repeats, browser)
        browser.close()
    print(f"Chromium, Enter on a new η → new metric painted, median of {args.repeats}:")
    print(line("default view", results["dashboard"], results["floor"], 2))
    print(json.dumps({name: [round(value, 4) for value in values] for name, values in results.items()}))


if __name__ == "__main__":
    main()
