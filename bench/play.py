"""Play in a real browser: how steadily the painted steps follow the chosen speed, and what a tick costs on the wire.

Starts the dashboard (bench/server.py) and drives headless Chromium (Playwright). For each stepped view (one update
on the article's curve, the optimizer race on the ravine, the fitted model on linear regression) and each speed it
presses Play and records, in the page itself, the time at which the step slider's shown value changes (a
MutationObserver, then two animation frames: painted), for --ticks steps; and the bytes the server sends per tick
(the websocket's frames). Prints the median interval between painted steps against the chosen one, the share of
intervals within ±20 % of it (the target: all), the worst, and the median bytes per tick; and whether any tick
reran the whole page (a message carrying the run's headline metrics: only the player's fragment should rerun).
Run: python bench/play.py [--ticks 20] [--speeds 1 4]
"""

import argparse
import statistics
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from machine import describe  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from server import CHROMIUM, CHROMIUM_FLAGS, SCRIPT_IDLE, served  # noqa: E402

from gd.lab import state  # noqa: E402
from gd.lab.text import t  # noqa: E402

VIEWS = {"one update, the article's curve": "view=geometry",
         "the race, the ravine": "objective=ravine&view=race",
         "the fitted model, linear regression": "objective=linear_regression_2d&view=regression"}

RECORD = """(ticks) => new Promise((resolve) => {
  const slider = document.querySelector('[data-testid="stSliderThumbValue"]');
  const times = [];
  let last = slider.textContent;
  const observer = new MutationObserver(() => {
    if (slider.textContent === last) return;
    last = slider.textContent;
    requestAnimationFrame(() => requestAnimationFrame(() => {
      times.push(performance.now());
      if (times.length > ticks) { observer.disconnect(); resolve(times); }
    }));
  });
  observer.observe(slider, {childList: true, characterData: true, subtree: true});
  setTimeout(() => { observer.disconnect(); resolve(times); }, 120000);
})"""


def measure(page, url: str, speed: float, ticks: int) -> dict:
    frames = []
    page.on("websocket", lambda socket: socket.on("framereceived", lambda payload: frames.append(payload)))
    page.goto(url, timeout=300_000)
    page.wait_for_selector('[data-testid="stSliderThumbValue"]', timeout=300_000)
    page.wait_for_function(SCRIPT_IDLE, timeout=300_000)
    if speed != 1.0:
        page.get_by_text(f"{speed:g}×", exact=True).click()
        page.wait_for_timeout(1500)
    page.get_by_role("button", name=t("geometry.play"), exact=True).click()
    page.wait_for_timeout(300)
    frames.clear()
    times = page.evaluate(RECORD, ticks)
    page.get_by_role("button", name=t("geometry.pause"), exact=True).click()
    intervals = [(b - a) / 1000 for a, b in zip(times, times[1:], strict=False)]
    chosen = state.tick_seconds(speed)
    sizes = [len(frame) if isinstance(frame, (bytes, str)) else 0 for frame in frames]
    headline = sum(1 for frame in frames if isinstance(frame, bytes) and t("metric.theta").encode() in frame)
    worst = max(intervals, key=lambda interval: abs(interval - chosen))
    return {"chosen": chosen, "median": statistics.median(intervals), "worst": worst,
            "within": sum(abs(v - chosen) <= 0.2 * chosen for v in intervals) / len(intervals),
            "bytes": sum(sizes) / max(len(intervals), 1), "full_reruns": headline, "steps": len(intervals)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ticks", type=int, default=20)
    parser.add_argument("--speeds", type=float, nargs="+", default=[1.0, 2.0])
    args = parser.parse_args()
    print(describe())
    with served("dashboard.py") as server, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        for name, query in VIEWS.items():
            for speed in args.speeds:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                seen = measure(page, f"{server.url}/?{query}&lang=en", speed, args.ticks)
                page.close()
                print(f"{name:<38} {speed:g}×: chosen {seen['chosen']:.2f} s, painted every {seen['median']:.2f} s "
                      f"(median of {seen['steps']}), {seen['within']:.0%} within ±20 %, worst {seen['worst']:.2f} s; "
                      f"{seen['bytes'] / 1e3:,.1f} KB a tick; full reruns during play: {seen['full_reruns']}",
                      flush=True)
        browser.close()


if __name__ == "__main__":
    main()
