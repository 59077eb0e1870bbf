"""Fairness: a light visitor's η change beside three visitors on the heaviest views the work cap allows.

Starts `streamlit run dashboard.py` on a free 127.0.0.1 port (bench/server.py) and drives headless Chromium
pages against it (Playwright's async API, one browser, one context and Streamlit session per page).

The light page opens the dashboard at its default settings and, --changes times per phase, types a new η
into "Learning rate η" and presses Enter, then waits until the new metrics are painted (bench/load.py's
method: Streamlit idle, no skeleton left, metrics changed, two animation frames) and checks that the page
shows what gd.minimize gives for that η (five metrics, the run heading) and no exception. Every η is its
own, so every change misses the headline cache (the comparison below it is keyed on the compared η, so it
is cached and not rebuilt). Between changes it waits --pause seconds.

- Phase A: the light page alone (after two warm-up changes, not counted).
- Phase B: the same while --heavy pages (default 3) keep opening shared links (gd.lab.links.to_url) of the
  highest-priced settings of bench.budget.candidates() for the theory, noise and compare views (each at the
  largest iteration limit the cap allows). Each heavy page opens a new link as soon as the previous view
  has settled (every chart drawn); every link lowers the iteration limit by one and nudges η, so every load
  misses every cache, and every link is checked against gd.lab.budget.check first. Phase B starts once each
  heavy page has finished its first view and ends with the light page's last change.
- Phase C: the light page alone again, after the heavy pages have stopped.

Prints the machine, the heavy settings and their price, then per phase the median and worst Enter → painted
time, the ratio of phase B's median to phase A's (target ≤ 2×), the time from Enter to the light page's last
websocket message from the server before the paint (what the server took; the rest is the browser drawing
it), the heavy views completed during phase B, how many light changes started while a heavy view was in
flight, the server's CPU (/proc/<pid>/stat) and that of this script's other descendants (Chromium), and the
server's RSS and peak (VmHWM). The heavy pages' metrics are checked against gd.minimize after the server
has stopped. Gives up after --timeout seconds (exit status 1); exit status 1 also when a check failed or a
browser console error was seen.
--server-times adds the light page's script runs timed inside the server (bench/hooks), --split-cores puts the
server on one processor and the browsers on the others, --profile DIR samples the server with py-spy (bench/spy.py).
Run: python bench/fairness.py [--changes 15] [--pause 1.0] [--timeout 360] [--heavy 3] [--heavy-nice 19]
     [--server-times] [--split-cores] [--profile DIR]
"""

import argparse
import asyncio
import collections
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from budget import candidates  # noqa: E402
from load import CHANGED, cpu_seconds, expected, problems_in  # noqa: E402
from machine import describe  # noqa: E402
from memory import SETTLED, code_version, expected_metrics  # noqa: E402
from server import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_FLAGS,
    closing_report,
    eta_field,
    logged_problems,
    memory,
    script_runs,
    served,
    timed_server,
    watch_console,
)
from spy import RATE, Spy, breakdown  # noqa: E402

import gd  # noqa: E402
from gd import compiled  # noqa: E402
from gd.lab import budget  # noqa: E402
from gd.lab.controls import Run  # noqa: E402
from gd.lab.format import number  # noqa: E402
from gd.lab.links import to_url  # noqa: E402
from gd.lab.text import t  # noqa: E402

TARGET = 2.0  # phase B's median over phase A's
HEAVY_VIEWS = ("theory", "noise", "compare")
HEAVY_LINKS = 200  # links planned per heavy page (far more than phase B uses)
WAIT_MS = 180_000
CAP_PREFIX = t("error.cap", seconds="\0", megabytes="", runs=0, limit="", cap_seconds="",
               cap_megabytes="").split("\0")[0]


def heavy_runs(top: Run, count: int, page: int = 0) -> list[Run]:
    """count links of one heavy setting: each a step lower in the iteration limit and with its own η (each page's
    its own), within the cap."""
    runs = []
    for i in range(count):
        run = replace(top, max_iter=top.max_iter - i, eta=float(f"{0.1 + page * 0.01 + i * 1e-4:.6g}"))
        budget.check(run)  # raises if a link would be refused
        runs.append(run)
    return runs


def light_etas(changes: int, phase: int) -> list[float]:
    return [float(f"{0.02 + (phase * 100 + i) * 0.0013:.6g}") for i in range(changes)]


def descendants_cpu(exclude: int) -> float:
    """CPU seconds of this process's live descendants (Chromium, Playwright's driver), the server's tree excluded."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    parents[int(entry)] = int(stat.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
    total, stack = 0.0, [os.getpid()]
    while stack:
        parent = stack.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid != exclude:
                stack.append(pid)
                try:
                    total += cpu_seconds(pid)
                except OSError:
                    pass
    return total


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of the whole machine so far, from /proc/stat."""
    with open("/proc/stat") as stat:
        fields = [int(value) for value in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


class Record:
    def __init__(self):
        self.changes, self.heavy, self.failures, self.console = [], [], [], []
        self.in_flight = 0  # heavy page loads under way right now
        self.received = []  # when the light page's websocket received a message (perf_counter)
        self.profiles = {}  # phase → py-spy's samples (--profile)


class Phase:
    """Clock, server CPU, Chromium CPU and machine use over one phase."""

    def __init__(self, pid: int):
        self.pid = pid
        self.begin, self.cpu, self.others, self.machine = (time.monotonic(), cpu_seconds(pid),
                                                           descendants_cpu(pid), machine_busy())

    def end(self) -> dict:
        busy, total = machine_busy()
        wall = time.monotonic() - self.begin
        return {"wall": wall, "server": (cpu_seconds(self.pid) - self.cpu) / wall,
                "chromium": (descendants_cpu(self.pid) - self.others) / wall,
                "machine": (busy - self.machine[0]) / max(total - self.machine[1], 1) * os.cpu_count(),
                "memory": memory(self.pid), "begin": self.begin, "finish": time.monotonic()}


async def light_change(page, field, eta: float, previous: str, record: Record, phase: str, poll: int) -> str:
    want = expected(eta, Run().variant)
    await field.fill(f"{eta:g}")
    busy = record.in_flight
    start = time.perf_counter()
    await field.press("Enter")
    first = await page.evaluate(CHANGED, {"previous": previous, "stable": 1, "timeout": WAIT_MS, "poll": poll})
    elapsed = time.perf_counter() - start
    answered = max((at for at in record.received if start <= at <= start + elapsed), default=start) - start
    settled = first if first.get("timeout") else await page.evaluate(
        CHANGED, {"previous": "", "stable": 3, "timeout": WAIT_MS, "poll": 100})
    found = problems_in(settled, want)
    if not first.get("timeout") and first["view"] != settled["view"]:
        found.append("the first painted view was replaced by another")
    record.changes.append({"phase": phase, "eta": eta, "seconds": elapsed, "ok": not found, "busy": busy,
                           "answered": answered})
    if found:
        record.failures.append(f"light page, phase {phase}, η {eta:g}: " + "; ".join(found))
    if settled.get("timeout"):
        raise RuntimeError("the light page stopped updating")
    return settled["view"]


async def heavy_page(browser, url: str, index: int, runs: list[Run], stop: asyncio.Event, first: asyncio.Event,
                     record: Record) -> None:
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = await context.new_page()
        watch_console(page, record.console, f"heavy page {index}")
        for i, run in enumerate(runs):
            if stop.is_set():
                break
            record.in_flight += 1
            begin = time.monotonic()
            try:
                await page.goto(url + "/?" + urlencode(to_url(run)), wait_until="domcontentloaded", timeout=WAIT_MS)
                seen = await page.evaluate(SETTLED, {"heading": t("section.run", eta=number(run.eta)),
                                                     "timeout": WAIT_MS, "poll": 50})
            finally:
                record.in_flight -= 1
            record.heavy.append({"page": index, "view": run.view, "run": run, "begin": begin,
                                 "finish": time.monotonic(), "seen": seen})
            if i == 0:
                first.set()
    except Exception as error:  # reported; the light page goes on
        record.failures.append(f"heavy page {index}: {type(error).__name__}: {str(error).splitlines()[0][:300]}")
        first.set()
    finally:
        try:
            await asyncio.wait_for(context.close(), 30)
        except Exception:
            pass


def niced(niceness: int) -> str:
    """A Chromium that starts at this niceness (its renderers inherit it): a wrapper script, made once."""
    if niceness == 0:
        return CHROMIUM
    wrapper = Path(tempfile.gettempdir()) / f"chromium-nice-{niceness}"
    wrapper.write_text(f'#!/bin/sh\nexec nice -n {niceness} {CHROMIUM} "$@"\n')
    wrapper.chmod(0o755)
    return str(wrapper)


def server_times(log: str, phases: dict) -> list[str]:
    """The light page's script runs inside the server, per phase (medians): the light page is the session that asked
    for the most runs."""
    runs = script_runs(log)
    light = collections.Counter(run["session"] for run in runs).most_common(1)[0][0]
    lines = ["the light page's runs inside the server (medians): received → started, started → stopped (the script), "
             "stopped → last message sent, received → sent"]
    for name, phase in phases.items():
        inside = [run for run in runs if run["session"] == light and len(run) == 5
                  and phase["begin"] <= run["received"] <= phase["finish"]]
        if inside:
            parts = [statistics.median(run[b] - run[a] for run in inside) * 1e3 for a, b in
                     (("received", "started"), ("started", "stopped"), ("stopped", "sent"), ("received", "sent"))]
            lines.append(f"  phase {name} ({len(inside)} runs): " + ", ".join(f"{part:.0f} ms" for part in parts))
    return lines


def profiled(pid: int, folder: str | None, phase: str) -> Spy | None:
    return Spy(pid, Path(folder), phase) if folder else None


def threads(samples: dict) -> dict:
    """The server's threads in groups: the light page's script runs (script threads that never waited for the heavy
    worker), the heavy pages' (those that did), the event loop (uvicorn's, on the main thread) and the rest. A
    py-spy stack starts with its thread's id and name. A heavy page's run that only waited for another run computing
    the same cached view counts as light: --server-times is the measure of the light page alone."""
    def thread(stack: str) -> str:
        return stack.split(";")[0]

    heavy = {thread(stack) for counts in samples.values() for stack in counts if "(gd/lab/heavy.py" in stack}
    script = "ScriptRunner.scriptThread"
    return {"light page's script runs": lambda s: script in thread(s) and thread(s) not in heavy,
            "heavy pages' script runs": lambda s: thread(s) in heavy,
            "event loop (main thread)": lambda s: "MainThread" in thread(s),
            "every other thread": lambda s: script not in thread(s) and "MainThread" not in thread(s)}


async def drive(server, args, tops: list[Run], record: Record) -> dict:
    from playwright.async_api import async_playwright

    phases = {}
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            context = await browser.new_context(viewport={"width": 1280, "height": 900})
            page = await context.new_page()
            watch_console(page, record.console, "light page")
            page.on("websocket", lambda socket: socket.on(
                "framereceived", lambda _: record.received.append(time.perf_counter())))
            await page.goto(server.url + "/", wait_until="domcontentloaded", timeout=WAIT_MS)
            seen = await page.evaluate(CHANGED, {"previous": "", "stable": 1, "timeout": WAIT_MS, "poll": args.poll_ms})
            found = problems_in(seen, expected(Run().eta, Run().variant))
            if found:
                record.failures.append("light page, first load: " + "; ".join(found))
                return phases
            previous = seen["view"]
            field = eta_field(page)
            for eta in light_etas(2, 9):  # warm-up: not counted
                previous = await light_change(page, field, eta, previous, record, "warm-up", args.poll_ms)
                await asyncio.sleep(args.pause)

            phase, spy = Phase(server.pid), profiled(server.pid, args.profile, "A")
            for eta in light_etas(args.changes, 0):
                previous = await light_change(page, field, eta, previous, record, "A", args.poll_ms)
                await asyncio.sleep(args.pause)
            phases["A"] = phase.end()
            record.profiles["A"] = spy and spy.stop()

            stop, firsts = asyncio.Event(), [asyncio.Event() for _ in tops]
            # The heavy visitors' browsers would run on their own machines: here they share the server's two cores,
            # so their browser runs at lower priority (--heavy-nice), leaving the cores to the server and the light
            # visitor as their own machines would. --heavy-nice 0 measures them at equal priority.
            others = await playwright.chromium.launch(executable_path=niced(args.heavy_nice), args=CHROMIUM_FLAGS)
            heavy = [asyncio.create_task(heavy_page(others, server.url, index, heavy_runs(top, HEAVY_LINKS, index),
                                                    stop, firsts[index], record)) for index, top in enumerate(tops)]
            await asyncio.gather(*(event.wait() for event in firsts))
            phase, spy = Phase(server.pid), profiled(server.pid, args.profile, "B")
            for eta in light_etas(args.changes, 1):
                previous = await light_change(page, field, eta, previous, record, "B", args.poll_ms)
                await asyncio.sleep(args.pause)
            phases["B"] = phase.end()
            record.profiles["B"] = spy and spy.stop()
            stop.set()
            await asyncio.gather(*heavy)
            await others.close()
            await asyncio.sleep(3)  # the heavy pages' sessions close

            phase = Phase(server.pid)
            for eta in light_etas(args.changes, 2):
                previous = await light_change(page, field, eta, previous, record, "C", args.poll_ms)
                await asyncio.sleep(args.pause)
            phases["C"] = phase.end()
            await context.close()
        finally:
            try:
                await asyncio.wait_for(browser.close(), 60)
            except Exception:
                pass
    return phases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=15, help="η changes per phase (default 15)")
    parser.add_argument("--pause", type=float, default=1.0, help="seconds between two η changes (default 1)")
    parser.add_argument("--timeout", type=float, default=360, help="seconds for the whole run (default 360)")
    parser.add_argument("--poll-ms", type=int, default=50, help="how often the light page looks for the update")
    parser.add_argument("--heavy", type=int, default=3,
                        help="heavy pages beside the light one, taking the heavy views in turn (default 3)")
    parser.add_argument("--heavy-nice", type=int, default=19,
                        help="niceness of the heavy visitors' browser (default 19; 0: the same priority as the rest)")
    parser.add_argument("--profile", metavar="FOLDER",
                        help="sample the server with py-spy in phases A and B (bench/spy.py), keep the samples in "
                             "FOLDER and print where its threads spent the time")
    parser.add_argument("--split-cores", action="store_true",
                        help="the server (and its worker) on the first processor, every browser on the others: as "
                             "on a real server, whose visitors' browsers run on their own machines")
    parser.add_argument("--server-times", action="store_true",
                        help="time each of the light page's script runs inside the server (bench/hooks): request "
                             "received → script started → stopped → its last message sent")
    args = parser.parse_args()
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
    print(describe())
    print(code_version())
    compiled.wait()  # the links are those a warm server allows: priced on the compiled loop
    ranked = candidates(list(gd.problems()))
    tops = [next(run for run in ranked if run.view == HEAVY_VIEWS[index % len(HEAVY_VIEWS)])
            for index in range(args.heavy)]
    for top in tops:
        seconds, megabytes = budget.price(top)
        print(f"heavy page: {top.view:<8} {top.objective}, {top.variant}, {top.optimizer}, stop {top.stop}, "
              f"{budget.runs(top)} runs × {top.max_iter:,} updates (a step fewer each link): priced {seconds:.2f} s, "
              f"{megabytes:.0f} MB (cap {budget.SECONDS} s, {budget.MEGABYTES} MB)")
    record, finished, phases = Record(), True, {}
    started = time.monotonic()
    cores = sorted(os.sched_getaffinity(0))
    environment, times_file = timed_server(Path(tempfile.mkdtemp()))
    environment = environment if args.server_times else {}
    with served("dashboard.py", cores={cores[0]} if args.split_cores else None, environment=environment) as server:
        if args.split_cores:
            os.sched_setaffinity(0, set(cores[1:]))  # this script, and the browsers it starts
        at_start = memory(server.pid)
        try:
            phases = asyncio.run(asyncio.wait_for(drive(server, args, tops, record), args.timeout))
        except TimeoutError:
            finished = False
        except RuntimeError as error:
            record.failures.append(str(error))
        at_end = memory(server.pid)
    server_log = server.log
    wall = time.monotonic() - started

    for view in record.heavy:  # after the server has stopped, so the engine here takes no CPU from it
        seen, run = view["seen"], view["run"]
        refused = [error for error in seen.get("errors", []) if error.startswith(CAP_PREFIX)]
        if seen.get("timeout") or seen.get("exceptions") or refused:
            record.failures.append(f"heavy page {view['page']} ({run.view}, limit {run.max_iter}): {seen}"[:600])
        elif seen["metrics"] != expected_metrics(run):
            record.failures.append(f"heavy page {view['page']} ({run.view}): shows {seen['metrics']}, "
                                   f"the engine gives {expected_metrics(run)}")

    times = {name: [c["seconds"] for c in record.changes if c["phase"] == name] for name in ("A", "B", "C")}
    print(f"light page: default settings, {args.changes} η changes per phase, {args.pause:g} s apart; "
          f"Enter → new metrics painted")
    print(f"{'phase':<36} {'n':>3} {'median':>9} {'worst':>9} {'server CPU':>11} {'Chromium CPU':>13} "
          f"{'machine':>8} {'RSS':>9}")
    names = {"A": "A: light page alone", "B": f"B: beside {args.heavy} heavy pages", "C": "C: alone again, after"}
    for name, seconds in times.items():
        if not seconds or name not in phases:
            print(f"{names[name]:<36} none measured")
            continue
        use = phases[name]
        print(f"{names[name]:<36} {len(seconds):>3} {statistics.median(seconds) * 1e3:7.0f} ms "
              f"{max(seconds) * 1e3:7.0f} ms {use['server']:10.0%} {use['chromium']:12.0%} "
              f"{use['machine'] / os.cpu_count():7.0%} {use['memory']['VmRSS']:6.1f} MB")
    print("(CPU as a share of one core over the phase's wall time; machine: all cores busy, of all "
          f"{os.cpu_count()}; RSS at the phase's end)")
    for name in ("A", "B", "C"):
        answered = [c["answered"] for c in record.changes if c["phase"] == name]
        if answered:
            print(f"  phase {name}: Enter → the server's last message before the paint: median "
                  f"{statistics.median(answered) * 1e3:.0f} ms, worst {max(answered) * 1e3:.0f} ms (the rest is the "
                  f"browser drawing it)")
    if times["A"] and times["B"]:
        ratio = statistics.median(times["B"]) / statistics.median(times["A"])
        print(f"ratio of medians B / A: {ratio:.2f}× (target ≤ {TARGET:g}×: {'met' if ratio <= TARGET else 'MISSED'}); "
              f"worst B / median A: {max(times['B']) / statistics.median(times['A']):.2f}×")
    if "B" in phases:
        window = phases["B"]
        done = [v for v in record.heavy if window["begin"] <= v["finish"] <= window["finish"]]
        by_view = {view: sum(v["view"] == view for v in done) for view in HEAVY_VIEWS}
        busy = sum(c["busy"] > 0 for c in record.changes if c["phase"] == "B")
        lengths = [v["finish"] - v["begin"] for v in done]
        print(f"heavy views completed during phase B ({window['wall']:.0f} s): {len(done)} "
              f"({', '.join(f'{view} {count}' for view, count in by_view.items())}); link opened → settled: "
              + (f"median {statistics.median(lengths):.1f} s, worst {max(lengths):.1f} s" if lengths else "none"))
        print(f"light changes pressed while a heavy view was loading: {busy} of {len(times['B'])}")
        slow = sorted((c for c in record.changes if c["phase"] == "B"), key=lambda c: -c["seconds"])[:3]
        print("slowest B changes: " + ", ".join(f"{c['seconds'] * 1e3:.0f} ms ({c['busy']} heavy loading)"
                                                for c in slow))
    print(f"heavy views completed in all: {len(record.heavy)}")
    if args.server_times:
        print("\n".join(server_times(times_file.read_text(), phases)))
    for name, samples in record.profiles.items():
        if samples:
            print(f"phase {name}, py-spy at {RATE} samples a second (samples in {args.profile}):")
            print("\n".join(breakdown(samples, threads(samples))))
    print(f"server memory: RSS {at_start['VmRSS']:.1f} MB at the start, {at_end['VmRSS']:.1f} MB at the end; "
          f"peak (VmHWM) {at_end['VmHWM']:.1f} MB (MB = 10⁶ bytes)")
    passed = sum(c["ok"] for c in record.changes)
    print(f"checks: light changes {passed} passed, {len(record.changes) - passed} failed (warm-up included); "
          f"heavy views checked against gd.minimize and for a cap refusal: {len(record.heavy)}; "
          f"problems recorded: {len(record.failures)}")
    for failure in record.failures[:8]:
        print("  " + failure[:600])
    logged = logged_problems(server_log)
    closing_report(record.console, logged, wall, finished, args.timeout)
    return 0 if finished and not record.failures and not record.console else 1


if __name__ == "__main__":
    sys.exit(main())
