"""Downloads: three visitors download the largest CSV the page allows at once; what it costs the server.

Starts `streamlit run dashboard.py` on a free 127.0.0.1 port (bench/server.py). Three headless Chromium pages
(Playwright's async API, one browser, one context and Streamlit session each) open a shared link
(gd.lab.links.to_url) of the compare view with 12 compared η, ε = 0 (so no run stops early) and the largest
iteration limit the work cap allows for them (bench.budget.largest); each page has its own η list, so each
view is computed and cached on its own. Once all three have settled (every chart drawn), they click
"Download the points (CSV)" at the same moment; each waits for its file; --rounds times (default 2, to see
whether a second round of downloads adds to the first). A MutationObserver on the page
records whether the script ever starts running after the click (the button is on_click="ignore": the CSV
must come from the cached view, with no rerun and no second engine run).

Then the pages close, and the server's RSS is read every 10 s for --after seconds. The server's VmRSS is
sampled every 50 ms throughout; VmHWM gives the peak. After the server has stopped, every file is checked
byte for byte against frames.csv(frames.points(gd.compare(...))) for its own settings.

Prints the machine, the settings and their price, each file's size, rows and time (click → file complete),
whether a rerun was seen, the server's RSS before any page, after the three views, the peak during the
downloads and overall (VmHWM), and after the pages closed. Target: peak under 500 MB, RSS falling back after.
MB is 10⁶ bytes. Run: python bench/downloads.py [--rounds 2] [--after 30] [--timeout 300]
"""

import argparse
import asyncio
import sys
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from budget import largest  # noqa: E402
from load import cpu_seconds  # noqa: E402
from machine import describe  # noqa: E402
from memory import SETTLED, code_version, expected_metrics  # noqa: E402
from server import CHROMIUM, CHROMIUM_FLAGS, closing_report, logged_problems, memory, served, watch_console  # noqa: E402

import gd  # noqa: E402
from gd.lab import budget, frames  # noqa: E402
from gd.lab.controls import MAX_ETAS, Run  # noqa: E402
from gd.lab.format import number  # noqa: E402
from gd.lab.links import to_url  # noqa: E402
from gd.lab.text import t  # noqa: E402

TARGET_MB = 500
PAGES = 3
WAIT_MS = 180_000

# Records every value the script state takes from now on (installed just before the click).
WATCH = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  window.__states = [app.getAttribute('data-test-script-state')];
  new MutationObserver(() => window.__states.push(app.getAttribute('data-test-script-state')))
    .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""


def settings(page: int) -> Run:
    """Page `page`'s compare view: 12 η of its own, ε = 0, the largest limit the cap allows."""
    etas = tuple(float(f"{0.01 * k + page * 1e-4:.6g}") for k in range(1, MAX_ETAS + 1))
    run = largest(replace(Run(), view="compare", epsilon=0.0, etas=etas, eta=float(f"{0.1 + page * 1e-3:.6g}")))
    budget.check(run)
    return run


class Sampler:
    """The server's VmRSS every `every` seconds while it runs; the largest seen in a window."""

    def __init__(self, pid: int, every: float = 0.05):
        self.pid, self.every, self.samples = pid, every, []

    async def run(self) -> None:
        while True:
            self.samples.append((time.monotonic(), memory(self.pid)["VmRSS"]))
            await asyncio.sleep(self.every)

    def peak(self, begin: float, end: float) -> float:
        return max((rss for at, rss in self.samples if begin <= at <= end), default=float("nan"))


async def open_page(browser, url: str, index: int, run: Run, record: dict):
    context = await browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = await context.new_page()
    watch_console(page, record["console"], f"page {index}")
    begin = time.perf_counter()
    await page.goto(url + "/?" + urlencode(to_url(run)), wait_until="domcontentloaded", timeout=WAIT_MS)
    seen = await page.evaluate(SETTLED, {"heading": t("section.run", eta=number(run.eta)), "timeout": WAIT_MS,
                                         "poll": 50})
    record["loads"].append(time.perf_counter() - begin)
    if seen.get("timeout") or seen.get("exceptions") or seen.get("errors"):
        record["failures"].append(f"page {index}: {seen}"[:800])
    record["seen"][index] = seen
    return context, page


async def download(page, index: int, go: asyncio.Event, record: dict, round_: int) -> None:
    button = page.get_by_role("button", name=t("download.csv"), exact=True)
    await button.wait_for(timeout=WAIT_MS)
    await page.evaluate(WATCH)
    await go.wait()
    start = time.perf_counter()
    async with page.expect_download(timeout=WAIT_MS) as info:
        await button.click()
    done = await info.value
    path = await done.path()
    elapsed = time.perf_counter() - start
    finish = time.monotonic()
    await asyncio.sleep(1.0)  # time for a rerun, were one to start
    states = await page.evaluate("() => window.__states")
    record["files"].append({"page": index, "round": round_, "bytes": Path(path).read_bytes(), "seconds": elapsed,
                            "name": done.suggested_filename, "states": states, "finish": finish})


async def drive(server, runs: list[Run], args, record: dict) -> None:
    from playwright.async_api import async_playwright

    sampler = Sampler(server.pid)
    sampling = asyncio.create_task(sampler.run())
    marks = record["marks"]
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            try:
                opened = await asyncio.gather(*(open_page(browser, server.url, index, run, record)
                                                for index, run in enumerate(runs)))
                await asyncio.sleep(1.0)
                marks["views"] = memory(server.pid)
                for round_ in range(args.rounds):
                    go = asyncio.Event()
                    clicks = [asyncio.create_task(download(page, index, go, record, round_))
                              for index, (_, page) in enumerate(opened)]
                    await asyncio.sleep(0.5)  # every page is at its button
                    cpu, clicked = cpu_seconds(server.pid), time.monotonic()
                    go.set()
                    await asyncio.gather(*clicks)
                    last = max(file["finish"] for file in record["files"] if file["round"] == round_)
                    marks["rounds"].append({"clicked": clicked, "last": last, "cpu": cpu_seconds(server.pid) - cpu,
                                            "during": sampler.peak(clicked, last + 1.0),
                                            "after": memory(server.pid)})
                for context, _ in opened:
                    await context.close()
                marks["closed"] = time.monotonic()
                marks["fall"] = []
                for waited in range(10, int(args.after) + 1, 10):
                    await asyncio.sleep(10)
                    marks["fall"].append((waited, memory(server.pid)["VmRSS"]))
            finally:
                try:
                    await asyncio.wait_for(browser.close(), 60)
                except Exception:
                    pass
    finally:
        sampling.cancel()
        marks["hwm"] = memory(server.pid)["VmHWM"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--after", type=float, default=30, help="seconds to watch RSS after the pages close")
    parser.add_argument("--rounds", type=int, default=2, help="times the three pages download at once (default 2)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds for the whole run (default 300)")
    args = parser.parse_args()
    print(describe())
    print(code_version())
    runs = [settings(index) for index in range(PAGES)]
    seconds, megabytes = budget.price(runs[0])
    print(f"settings: compare view, {runs[0].objective}, {runs[0].variant}, {len(runs[0].etas)} compared η "
          f"(each page its own list), ε = 0, limit {runs[0].max_iter:,} (the page's maximum; the cap allows it: "
          f"priced {seconds:.2f} s, {megabytes:.0f} MB of {budget.SECONDS} s, {budget.MEGABYTES} MB); "
          f"CSV limit {frames.CSV_POINTS:,} points per run")
    record = {"loads": [], "failures": [], "console": [], "seen": {}, "files": [], "marks": {"rounds": []}}
    finished = True
    started = time.monotonic()
    with served("dashboard.py") as server:
        record["marks"]["start"] = memory(server.pid)
        try:
            asyncio.run(asyncio.wait_for(drive(server, runs, args, record), args.timeout))
        except TimeoutError:
            finished = False
    server_log = server.log
    wall = time.monotonic() - started
    marks = record["marks"]

    from gd import compiled  # the checks, after the server has stopped

    gd.minimize()
    compiled.wait()
    print(f"{'round':>5} {'page':>4} {'file':<18} {'bytes':>11} {'rows':>7} {'click → file':>13}  "
          f"same as the engine  rerun seen")
    for index, run in enumerate(runs):
        seen = record["seen"].get(index, {})
        if seen.get("metrics") and seen["metrics"] != expected_metrics(run):
            record["failures"].append(f"page {index}: metrics {seen['metrics']} ≠ {expected_metrics(run)}")
    wants = {index: frames.csv(frames.points(gd.compare(run.etas, run.objective, **run.keywords())))
             for index, run in enumerate(runs)}
    for file in sorted(record["files"], key=lambda file: (file["round"], file["page"])):
        index = file["page"]
        rows = file["bytes"].count(b"\n") - 1
        same = file["bytes"] == wants[index]
        rerun = "running" in file["states"]
        if not same:
            record["failures"].append(f"page {index}: the file ({len(file['bytes'])} bytes) ≠ the engine's CSV "
                                      f"({len(wants[index])} bytes)")
        if rerun:
            record["failures"].append(f"page {index}: the script ran again after the click: {file['states']}")
        print(f"{file['round'] + 1:>5} {index:>4} {file['name']:<18} {len(file['bytes']):>11,} {rows:>7,} "
              f"{file['seconds'] * 1e3:10.0f} ms  {'yes' if same else 'NO':<18}  {'YES' if rerun else 'no'}")
    missing = PAGES * args.rounds - len(record["files"])
    if missing:
        record["failures"].append(f"{missing} file(s) never arrived")
    if "views" in marks:
        print(f"three views opened at once, link → settled: {', '.join(f'{s:.1f}' for s in record['loads'])} s")
        print("server RSS (MB = 10⁶ bytes):")
        print(f"  start, no page:                        {marks['start']['VmRSS']:7.1f} MB")
        print(f"  three views open, before the clicks:   {marks['views']['VmRSS']:7.1f} MB "
              f"(peak so far, VmHWM {marks['views']['VmHWM']:.1f} MB)")
        for number_, round_ in enumerate(marks["rounds"], 1):
            print(f"  round {number_}: highest sample while downloading {round_['during']:7.1f} MB (every 50 ms); "
                  f"{round_['after']['VmRSS']:.1f} MB 1 s after the last file; server CPU {round_['cpu']:.2f} s "
                  f"from the clicks to 1 s after the last file ({round_['last'] - round_['clicked']:.2f} s)")
        for waited, rss in marks.get("fall", []):
            print(f"  {waited:>2} s after the pages closed:           {rss:7.1f} MB")
        peak = marks["hwm"]
        print(f"  peak over the whole run (VmHWM):       {peak:7.1f} MB")
        print(f"peak under {TARGET_MB} MB: {'yes' if peak < TARGET_MB else 'NO'}")
        if marks.get("fall") and marks["rounds"]:
            final, highest = marks["fall"][-1][1], max(round_["during"] for round_ in marks["rounds"])
            print(f"falling back: {'yes' if final < highest - 1 else 'NO'} ({final - highest:+.1f} MB from the highest "
                  f"sample while downloading to {marks['fall'][-1][0]} s after the pages closed; "
                  f"{final - marks['views']['VmRSS']:+.1f} MB against before the clicks)")
    print(f"problems recorded: {len(record['failures'])}")
    for failure in record["failures"][:8]:
        print("  " + failure[:800])
    closing_report(record["console"], logged_problems(server_log), wall, finished, args.timeout)
    return 0 if finished and not record["failures"] and not record["console"] else 1


if __name__ == "__main__":
    sys.exit(main())
