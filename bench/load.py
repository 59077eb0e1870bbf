"""Many learners at once: 20 headless Chromium pages change their own controls against one server.

Starts `streamlit run dashboard.py` on a free 127.0.0.1 port (as bench/dashboard.py does), then drives
--pages pages at the same time (Playwright's async API, one browser, one context per page, so every page
is its own Streamlit session). Each page opens the dashboard and then, --rounds times, types an η that
is unique to that page and round into "Learning rate η" and presses Enter; on every other round it
first picks the next variant (batch → sgd → mini-batch → batch) in the sidebar's selectbox. After each
change it waits until the page has the new metrics painted (script idle, no skeleton left, metrics
changed; then two animation frames), lets the page settle, and checks that it shows exactly what
gd.minimize gives for that page's own η and variant (the five metrics, formatted as the page formats
them, and the run heading), that the address carries that page's settings, that the η field and the
variant box show them, and that no exception is on the page: a session that showed another session's
numbers would fail here, since no two pages ever share an η.

Prints the machine, the pages and changes, the checks passed and failed, the median and worst time
from Enter (or the option click) to the updated metrics painted, the first page loads, and the
server's memory (VmRSS at the start and end, VmHWM for the peak). Gives up after --timeout seconds
(reporting what it has, exit status 1); the server and browser are always stopped. Exit status 1 also
when any check failed.
--server-times also prints every script run timed inside the server (bench/hooks): the server's own part of a change,
which the pages' times on this one machine do not separate from the browsers'; --settle S reads the server's memory
again S seconds after the pages closed.
Run: python bench/load.py [--pages 20] [--rounds 4] [--timeout 600] [--server-times] [--settle S]
"""

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from itertools import pairwise
from pathlib import Path
from urllib.parse import parse_qs, urlparse

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from machine import describe  # noqa: E402
from memory import code_version  # noqa: E402
from server import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_FLAGS,
    HOOKS,
    closing_report,
    eta_field,
    logged_problems,
    memory,
    script_runs,
    served,
    timed_server,
    watch_console,
)

import gd  # noqa: E402
from gd.lab.controls import Run, title  # noqa: E402
from gd.lab.format import number  # noqa: E402
from gd.lab.links import to_url  # noqa: E402
from gd.lab.text import t  # noqa: E402

METRICS = ("theta", "grad", "loss", "updates", "status")
VARIANTS = ("batch", "sgd", "minibatch")  # the order a page steps through them
FIRST_WAIT = 300  # seconds for a page's first load: 20 pages start cold at once
STEP_WAIT = 120  # seconds for one change to show

# Polls in the page until Streamlit is idle (script notRunning and no skeleton: the state turns notRunning
# before React has mounted everything) and the run's view (five metric values, the run heading, the exact
# values) differs from `previous`, on `stable` polls in a row; then waits for two animation frames.
# An exception on an idle page ends the wait too.
CHANGED = """async ({previous, stable, timeout, poll}) => {
  const started = performance.now();
  const text = (root, selector) => { const e = root.querySelector(selector); return e ? e.innerText.trim() : ""; };
  const look = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    const headings = [...document.querySelectorAll('[data-testid="stMain"] :is(h2, h3)')].map(e => e.innerText.trim());
    const captions = [...document.querySelectorAll('[data-testid="stMain"] [data-testid="stCaptionContainer"]')]
      .map(e => e.innerText.trim());
    return {
      state: app ? app.getAttribute('data-test-script-state') : null,
      skeletons: document.querySelectorAll('[data-testid="stSkeleton"]').length,
      metrics: [...document.querySelectorAll('[data-testid="stMetric"]')].map(
        m => [text(m, '[data-testid="stMetricLabel"]'), text(m, '[data-testid="stMetricValue"]')]),
      run: headings.find(h => h.startsWith(RUN_PREFIX)) || "",
      exact: captions.find(c => c.startsWith(EXACT_PREFIX)) || "",
      exceptions: document.querySelectorAll('[data-testid="stException"]').length,
    };
  };
  let same = 0, last = null;
  while (performance.now() - started < timeout) {
    const now = look();
    const view = JSON.stringify([now.metrics, now.run, now.exact]);
    const idle = now.state === 'notRunning' && now.skeletons === 0;
    const shown = now.metrics.length === 5 && now.metrics.every(m => m[1]) && now.run !== "";
    if (idle && ((shown && view !== previous) || now.exceptions > 0)) {
      same = view === last ? same + 1 : 1;
      last = view;
      if (same >= stable) {
        await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
        return Object.assign(now, {view});
      }
    } else {
      same = 0;
      last = null;
    }
    await new Promise(r => setTimeout(r, poll));
  }
  return Object.assign(look(), {view: null, timeout: true});
}"""
RUN_PREFIX = t("section.run", eta="").strip()
EXACT_PREFIX = t("metric.exact", theta="", grad="", loss="").split("θ")[0].strip()
CHANGED = CHANGED.replace("RUN_PREFIX", repr(RUN_PREFIX)).replace("EXACT_PREFIX", repr(EXACT_PREFIX))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def plan(page: int, rounds: int) -> list[tuple[str, float, str]]:
    """(what changes, η, variant) per step; every η is unique to this page and round."""
    steps, eta, variant = [], Run().eta, Run().variant
    for round_ in range(rounds):
        if (page + round_) % 2 == 1:
            variant = VARIANTS[(VARIANTS.index(variant) + 1) % len(VARIANTS)]
            steps.append(("variant", eta, variant))
        eta = float(f"{0.02 + (page * rounds + round_) * 0.0037:.6g}")
        steps.append(("eta", eta, variant))
    return steps


def expected(eta: float, variant: str) -> dict:
    """What the page must show for this η and variant: the engine's numbers, formatted as the page does."""
    result = gd.minimize(eta=eta, variant=variant)
    values = {"theta": number(result.theta), "grad": number(result.grad), "loss": number(result.loss),
              "updates": f"{result.iterations:,}", "status": t(f"status.{result.status}")}
    return {"metrics": [[t(f"metric.{key}"), values[key]] for key in METRICS],
            "run": t("section.run", eta=number(eta)),
            "query": {key: [value] for key, value in to_url(Run(eta=eta, variant=variant)).items()},
            "exact": (repr(result.theta), repr(result.loss))}


class Record:
    """Everything measured so far, so that a timeout can still report it."""

    def __init__(self):
        self.loads, self.changes, self.failures, self.console = [], [], [], []

    def fail(self, what: str) -> None:
        self.failures.append(what)


def problems_in(seen: dict, want: dict) -> list[str]:
    found = []
    if seen.get("timeout"):
        found.append(f"no updated view within the wait; last seen {seen}")
    if seen.get("exceptions"):
        found.append(f"{seen['exceptions']} exception(s) on the page")
    if seen.get("metrics") != want["metrics"]:
        found.append(f"metrics {seen.get('metrics')} ≠ engine {want['metrics']}")
    if seen.get("run") != want["run"]:
        found.append(f"heading {seen.get('run')!r} ≠ {want['run']!r}")
    return found


async def session(browser, url: str, index: int, steps, wants, record: Record, poll: int) -> None:
    context = await browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = await context.new_page()
        watch_console(page, record.console, f"page {index}")
        begin = time.perf_counter()
        await page.goto(url + "/", wait_until="domcontentloaded", timeout=FIRST_WAIT * 1000)
        seen = await page.evaluate(CHANGED, {"previous": "", "stable": 1, "timeout": FIRST_WAIT * 1000,
                                             "poll": poll})
        record.loads.append(time.perf_counter() - begin)
        found = problems_in(seen, wants[(Run().eta, Run().variant)])
        if found:
            record.fail(f"page {index}, first load: " + "; ".join(found))
            return
        previous = seen["view"]
        field = eta_field(page)
        variant_box = page.get_by_role("combobox", name=t("label.variant"), exact=True)
        for number_, (kind, eta, variant) in enumerate(steps):
            want = wants[(eta, variant)]
            if kind == "eta":
                await field.fill(f"{eta:g}")
                start = time.perf_counter()
                await field.press("Enter")
            else:
                await variant_box.click()
                option = page.get_by_role("option", name=title("variant", variant), exact=True)
                await option.wait_for(timeout=STEP_WAIT * 1000)
                start = time.perf_counter()
                await option.click()
            first = await page.evaluate(CHANGED, {"previous": previous, "stable": 1, "timeout": STEP_WAIT * 1000,
                                                  "poll": poll})
            elapsed = time.perf_counter() - start
            settled = first if first.get("timeout") else await page.evaluate(
                CHANGED, {"previous": "", "stable": 3, "timeout": STEP_WAIT * 1000, "poll": 100})
            found = problems_in(settled, want)
            if not first.get("timeout") and first["view"] != settled["view"]:
                found.append(f"first painted view {first['metrics']} {first['run']!r} was replaced by the settled one")
            if not settled.get("timeout"):
                query = parse_qs(urlparse(page.url).query)
                if query != want["query"]:
                    found.append(f"address {query} ≠ {want['query']}")
                shown = (await field.input_value(), await variant_box.input_value())
                if shown != (f"{eta:g}", title("variant", variant)):
                    found.append(f"controls show {shown}")
            record.changes.append({"page": index, "step": number_, "kind": kind, "eta": eta, "variant": variant,
                                   "seconds": elapsed, "ok": not found})
            if found:
                record.fail(f"page {index}, step {number_} ({kind} → η {eta:g}, {variant}): " + "; ".join(found))
            if settled.get("timeout"):
                return  # the page is in an unknown state: its remaining steps are not run
            previous = settled["view"]
    except Exception as error:  # one page's trouble is reported, the others go on
        record.fail(f"page {index}: {type(error).__name__}: {str(error).splitlines()[0][:300]}")
    finally:
        try:
            await asyncio.wait_for(context.close(), 30)
        except Exception:  # closing after a timeout or a crash: nothing more to do
            pass


async def drive(url: str, args, plans, wants, record: Record) -> bool:
    """True if every page finished within the global timeout."""
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            pages = [session(browser, url, index, plans[index], wants, record, args.poll_ms)
                     for index in range(args.pages)]
            await asyncio.wait_for(asyncio.gather(*pages), args.timeout)
            return True
        except TimeoutError:
            return False
        finally:
            try:
                await asyncio.wait_for(browser.close(), 60)
            except Exception:  # the process goes with Playwright's driver anyway
                pass


def summary(name: str, seconds: list[float]) -> str:
    if not seconds:
        return f"{name}: none measured"
    return (f"{name}: median {statistics.median(seconds) * 1e3:.0f} ms, worst {max(seconds) * 1e3:.0f} ms "
            f"(n = {len(seconds)})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20, help="pages driven at once (default 20)")
    parser.add_argument("--rounds", type=int, default=4, help="η changes per page (default 4)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds for the whole run (default 600)")
    parser.add_argument("--poll-ms", type=int, default=50, help="how often each page looks for the update")
    parser.add_argument("--server-times", action="store_true",
                        help="time every script run inside the server too (bench/hooks): the server's own part of "
                             "each change, whatever the browsers on this machine do")
    parser.add_argument("--warming", type=float, default=None,
                        help="what a woken server's first view may cost, in seconds, instead of "
                             "budget.WARMING_SECONDS (bench/hooks): 0.01 makes every page wait for the compiled loop "
                             "and open by itself")
    parser.add_argument("--settle", type=float, default=0,
                        help="seconds to wait after the pages closed before the server's memory is read again")
    args = parser.parse_args()
    print(describe())
    print(code_version())
    plans = [plan(index, args.rounds) for index in range(args.pages)]
    etas = [eta for steps in plans for kind, eta, _ in steps if kind == "eta"]
    assert len(set(etas)) == len(etas) and max(etas) <= 10, "every page and round needs its own η in range"
    wants = {key: expected(*key) for key in {(Run().eta, Run().variant)} | {(eta, variant) for steps in plans
                                                                             for _, eta, variant in steps}}
    for steps in plans:  # a change must change what the page shows, or its update cannot be seen
        views = [wants[(Run().eta, Run().variant)]] + [wants[(eta, variant)] for _, eta, variant in steps]
        assert all(a["exact"] != b["exact"] for a, b in pairwise(views)), "a step that changes nothing"
    record = Record()
    started = time.monotonic()
    timed, times_file = timed_server(Path(tempfile.mkdtemp()))
    environment = (timed if args.server_times else {}) | (
        {} if args.warming is None else {**HOOKS, "LAB_WARMING_SECONDS": str(args.warming)})
    with served("dashboard.py", environment=environment) as server:
        at_start, cpu_start, driven = memory(server.pid), cpu_seconds(server.pid), time.monotonic()
        finished = asyncio.run(drive(server.url, args, plans, wants, record))
        at_end, cpu = memory(server.pid), cpu_seconds(server.pid) - cpu_start
        driven = time.monotonic() - driven
        time.sleep(args.settle)
        settled = memory(server.pid)
    server_log = server.log
    wall = time.monotonic() - started

    planned = sum(len(steps) for steps in plans)
    by_kind = {kind: [change["seconds"] for change in record.changes if change["kind"] == kind]
               for kind in ("eta", "variant")}
    passed = sum(change["ok"] for change in record.changes)
    logged = logged_problems(server_log)
    print(f"pages: {args.pages} at once (one Chromium, one browser context and Streamlit session each), "
          f"{args.rounds} η changes each plus a variant change every other round")
    print(f"changes: {len(record.changes)} of {planned} planned ({len(by_kind['eta'])} η, "
          f"{len(by_kind['variant'])} variant); first loads: {len(record.loads)} of {args.pages}")
    print(f"checks: {passed} passed, {len(record.changes) - passed} failed; "
          f"problems recorded (incl. first loads and crashes): {len(record.failures)}")
    for failure in record.failures[:8]:
        print("  " + failure[:600])
    print(summary("Enter on a new η → updated metrics painted", by_kind["eta"]))
    print(summary("variant option clicked → updated metrics painted", by_kind["variant"]))
    print(summary("all changes", by_kind["eta"] + by_kind["variant"]))
    print(summary(f"first load of the page, {args.pages} at once", record.loads))
    if args.server_times:
        runs = [run for run in script_runs(times_file.read_text()) if len(run) == 5]
        for name, (a, b) in {"received → last message sent": ("received", "sent"),
                             "of which the script": ("started", "stopped")}.items():
            print(summary(f"script runs inside the server, {name}", [run[b] - run[a] for run in runs]))
    if args.settle:
        print(f"server memory {args.settle:g} s after the pages closed: RSS {settled['VmRSS']:.1f} MB")
    print(f"server memory: RSS {at_start['VmRSS']:.1f} MB at the start, {at_end['VmRSS']:.1f} MB at the end; "
          f"peak (VmHWM) {at_end['VmHWM']:.1f} MB (MB = 10⁶ bytes)")
    print(f"server CPU: {cpu:.0f} s over the {driven:.0f} s the pages were driven ({cpu / driven:.0%} of one core; "
          f"the rest of the CPU went to Chromium, {args.pages} page(s), on the same {os.cpu_count()} cores)")
    closing_report(record.console, logged, wall, finished, args.timeout)
    return 0 if finished and not record.failures and not record.console else 1


if __name__ == "__main__":
    sys.exit(main())
