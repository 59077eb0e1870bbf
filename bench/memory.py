"""The server's memory over a few hundred distinct settings: do the dashboard's caches keep it bounded?

Starts `streamlit run dashboard.py` on a free 127.0.0.1 port (as bench/dashboard.py does) and opens the
page in one headless Chromium page, navigating it to one shared link per setting. Every setting differs
from all the others in η (the headline run and the stopping-rule view are keyed on it, the noise view on
η and seeds), the compared-η list (the comparison) and the sweep range (the theory view); the link opens
the compare, theory, stopping and noise tabs in turn, so each of those caches fills; objective, variant,
update rule, schedule, stopping rule, θ₀, iteration limit and sweep points cycle too. Every page view
therefore misses every cache it reads. After each page has settled (script idle, five metrics, every
chart drawn) the server's VmRSS and VmHWM are read from /proc/<pid>/status. The metrics are checked
against gd.minimize on the way.

Prints the machine, the number of settings, the median time per setting, RSS at the start, every 50
settings and at the end, the peak (VmHWM), whether the peak is under 500 MB, and whether RSS plateaued; then the
page is closed, its session ends, and RSS is read again after --settle seconds: it should return to within 10 % of
its start (RSS after one page view of each kind, the page then closed: a warm server with no visitor).
--formulas: every setting a typed function of its own instead (1-D and 2-D in turn, every view of a curve), as a
stranger trying hundreds of formulas would.
MB here is 10⁶ bytes.
Run: python bench/memory.py [--settings 300] [--formulas] [--settle 10]
"""

import argparse
import statistics
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlencode

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from machine import describe  # noqa: E402
from server import CHROMIUM, CHROMIUM_FLAGS, memory, served  # noqa: E402

import gd  # noqa: E402
from gd import compiled  # noqa: E402
from gd.lab import budget  # noqa: E402
from gd.lab.controls import CHOICES, CURVE_VIEWS, CUSTOM, Run  # noqa: E402
from gd.lab.format import number  # noqa: E402
from gd.lab.links import to_url  # noqa: E402
from gd.lab.text import t  # noqa: E402

TARGET_MB = 500
EVERY = 50  # print RSS after this many settings
TABS = ("compare", "theory", "stopping", "noise")  # the tabs with a cache of their own, opened in turn by the link
PAGE_WAIT_MS = 180_000
METRICS = ("theta", "grad", "loss", "updates", "status")

# Polls in the page until the view for this setting is complete, on two polls in a row, then waits for two
# animation frames so that it has been painted. Complete: Streamlit idle, no skeleton left (the script
# state turns notRunning before React has mounted everything: metrics and charts can follow hundreds of
# ms later, with stSkeleton placeholders meanwhile), the run heading shows this setting's η, five metric
# values, every chart on the page drawn. An exception on the page ends the wait too.
SETTLED = """async ({heading, timeout, poll}) => {
  const started = performance.now();
  const text = (root, selector) => { const e = root.querySelector(selector); return e ? e.innerText.trim() : ""; };
  const look = () => {
    const app = document.querySelector('[data-testid="stApp"]');
    const charts = [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')];
    return {
      state: app ? app.getAttribute('data-test-script-state') : null,
      skeletons: document.querySelectorAll('[data-testid="stSkeleton"]').length,
      metrics: [...document.querySelectorAll('[data-testid="stMetric"]')].map(
        m => [text(m, '[data-testid="stMetricLabel"]'), text(m, '[data-testid="stMetricValue"]')]),
      headings: [...document.querySelectorAll('[data-testid="stMain"] :is(h2, h3)')].map(e => e.innerText.trim()),
      charts: charts.length,
      rendered: charts.filter(c => c.querySelector('svg.marks, canvas.marks')).length,
      exceptions: document.querySelectorAll('[data-testid="stException"]').length,
      errors: [...document.querySelectorAll('[data-testid="stAlertContentError"]')].map(e => e.innerText.trim()),
    };
  };
  let previous = null;
  while (performance.now() - started < timeout) {
    const now = look();
    const idle = now.state === 'notRunning' && now.skeletons === 0;
    const complete = now.metrics.length === 5 && now.metrics.every(m => m[1]) && now.headings.includes(heading)
      && now.rendered === now.charts;
    const signature = JSON.stringify(now);
    if (idle && (complete || now.exceptions > 0) && signature === previous) {
      await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
      return now;
    }
    previous = idle && (complete || now.exceptions > 0) ? signature : null;
    await new Promise(r => setTimeout(r, poll));
  }
  return Object.assign(look(), {timeout: true});
}"""


def code_version() -> str:
    """Which dashboard was measured: the commit, and whether dashboard.py or gd/ differ from it."""
    def git(*command):  # not stripped: a porcelain line starts with its status, " M path"
        return subprocess.run(["git", *command], cwd=ROOT, capture_output=True, text=True, check=True).stdout.rstrip()

    try:
        head = git("rev-parse", "--short", "HEAD").strip()
        changed = git("status", "--porcelain", "--", "dashboard.py", "gd")
    except (OSError, subprocess.CalledProcessError):
        return "code: not a git checkout"
    files = [line[3:] for line in changed.splitlines()]
    return f"code: commit {head}" + (f" with uncommitted changes to {', '.join(files)}" if files
                                     else " (dashboard.py and gd/ as committed)")


def _six(value: float) -> float:
    """A value that a link carries exactly: η lists are written with %g (six significant digits)."""
    return float(f"{value:.6g}")


def setting(i: int) -> Run:
    """The i-th setting: distinct from every other one in η, the compared-η list and the sweep range."""
    objectives, variants = [name for name in CHOICES["objective"] if name != CUSTOM], list(CHOICES["variant"])
    optimizers, schedules, stops = list(CHOICES["optimizer"]), list(CHOICES["schedule"]), list(CHOICES["stop"])
    base = _six(0.01 + i * 1e-4)
    etas = tuple(dict.fromkeys(_six(base * 1.6 ** k) for k in range(1 + i % 12)))  # 1 to 12 η, all < 7.1
    objective = objectives[i % len(objectives)]
    start = ((7 * i) % 41 - 20) / 4
    run = Run(objective=objective, theta0=start if gd.problems()[objective].dim == 1 else (start / 4, -start / 8),
              eta=_six(0.05 + i * 1e-3), variant=variants[(i // 2) % len(variants)],
              optimizer=optimizers[(i // 3) % len(optimizers)], schedule=schedules[(i // 5) % len(schedules)],
              stop=stops[(i // 7) % len(stops)], max_iter=(1_000, 3_000, 10_000, 20_000)[i % 4], etas=etas,
              sweep_low=_six(1e-3 * (1 + i / 997)), sweep_high=(0.5, 1.5, 3.0)[i % 3],
              sweep_points=(10, 30, 60, 120, 200)[(i // 4) % 5], view=TABS[i % len(TABS)])
    return within_cap(run)


def within_cap(run: Run) -> Run:
    """The run with its iteration limit halved until its view fits the dashboard's work cap."""
    while True:
        try:
            budget.check(run)
            return run
        except budget.WorkCapError:
            run = replace(run, max_iter=run.max_iter // 2)


def formula(i: int) -> Run:
    """The i-th typed function: a formula of its own, in x (even i) or x and y (odd i), each view of a curve in turn,
    within the cap."""
    a, b = _six(1 + (i % 37) / 10), _six(0.1 + (i % 11) / 7)
    text = (f"(x - {a})^2 + {b}*sin({i % 7 + 1}*x)" if i % 2 == 0 else
            f"(x - {a})^2 + {_six(2 + i % 5)}*(y + {b})^2 + sin(x*y)/{i % 9 + 3}")
    run = Run(objective=CUSTOM, function=text, theta0=0.0 if i % 2 == 0 else (0.0, 0.0), eta=_six(0.01 + i * 1e-4),
              view=CURVE_VIEWS[i % len(CURVE_VIEWS)], variant="sgd" if CURVE_VIEWS[i % len(CURVE_VIEWS)] == "noise"
              else "batch", max_iter=2_000)
    return within_cap(run)


def warming_settings(formulas: bool) -> list[Run]:
    """One page of each kind, none of them a measured setting: every objective on every tab, every variant, update
    rule, schedule and stopping rule among them (with --formulas, a typed 1-D and a typed 2-D function), so that the
    start holds what any server in service holds (imports, the compiled loop, each option's first use) and the growth
    measured is the caches'."""
    if formulas:
        return [Run(), formula(-1), formula(-2)]
    objectives = [name for name in CHOICES["objective"] if name != CUSTOM]
    kinds = [replace(setting(-1 - k), view=view) for k in range(len(objectives)) for view in TABS]
    return [within_cap(replace(run, **{option: CHOICES[option][page % len(CHOICES[option])]
                                       for option in ("variant", "optimizer", "schedule", "stop")}))
            for page, run in enumerate(kinds)]


def expected_metrics(run: Run) -> list[list[str]]:
    result = gd.minimize(gd.parse_objective(run.function) if run.objective == CUSTOM else run.objective,
                         eta=run.eta, **run.keywords())
    values = {"theta": number(result.theta), "grad": number(result.grad), "loss": number(result.loss),
              "updates": f"{result.iterations:,}", "status": t(f"status.{result.status}")}
    return [[t(f"metric.{key}"), values[key]] for key in METRICS]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", type=int, default=300, help="distinct settings to open (default 300)")
    parser.add_argument("--formulas", action="store_true", help="a typed function of its own in every setting")
    parser.add_argument("--settle", type=float, default=10, help="seconds after the page closed before RSS is read")
    args = parser.parse_args()
    print(describe())
    print(code_version())
    compiled.wait()  # priced as the warm server will price them, on the compiled loop
    runs = [(formula if args.formulas else setting)(i) for i in range(args.settings)]
    for name in ("function",) if args.formulas else ("eta", "etas", "sweep_low"):  # what the caches are keyed on
        assert len({getattr(run, name) for run in runs}) == len(runs), f"two settings share a value of {name}"
    from playwright.sync_api import sync_playwright

    times, failures, samples = [], [], []
    with served("dashboard.py") as server:
        url = server.url
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            try:
                warm = browser.new_page()
                for run in warming_settings(args.formulas):
                    warm.goto(url + "/?" + urlencode(to_url(run)), wait_until="domcontentloaded",
                              timeout=PAGE_WAIT_MS)
                    warm.evaluate(SETTLED, {"heading": t("section.run", eta=number(run.eta)), "timeout": PAGE_WAIT_MS,
                                            "poll": 20})
                warm.close()
                time.sleep(args.settle)
                started = memory(server.pid)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.on("pageerror", lambda error: failures.append(f"page error: {error}"))
                print(f"server RSS at start ({len(warming_settings(args.formulas))} pages, one of each kind, viewed "
                      f"and closed, then {args.settle:g} s idle): {started['VmRSS']:.1f} MB")
                for i, run in enumerate(runs):
                    link = url + "/?" + urlencode(to_url(run))
                    begin = time.perf_counter()
                    page.goto(link, wait_until="domcontentloaded", timeout=PAGE_WAIT_MS)
                    seen = page.evaluate(SETTLED, {"heading": t("section.run", eta=number(run.eta)),
                                                   "timeout": PAGE_WAIT_MS, "poll": 20})
                    times.append(time.perf_counter() - begin)
                    # an error box is no failure: a diverged run explains itself in one
                    if seen.get("timeout") or seen["exceptions"]:
                        failures.append(f"setting {i} {link}: {seen}")
                    elif seen["metrics"] != expected_metrics(run):
                        failures.append(f"setting {i} {link}: shows {seen['metrics']}, "
                                        f"the engine gives {expected_metrics(run)}")
                    samples.append(memory(server.pid))
                    if (i + 1) % EVERY == 0 or i + 1 == len(runs):
                        print(f"after {i + 1:4d} settings: RSS {samples[-1]['VmRSS']:7.1f} MB, "
                              f"peak {samples[-1]['VmHWM']:7.1f} MB, median "
                              f"{statistics.median(times[-EVERY:]) * 1e3:6.0f} ms per setting "
                              f"over the last {min(EVERY, len(times))}", flush=True)
                page.close()
                time.sleep(args.settle)
                after = memory(server.pid)
            finally:
                browser.close()
    server_log = server.log

    problems = [line for line in server_log.splitlines()
                if any(word in line for word in ("Traceback", "Error", "Exception", "WARNING"))]
    peak, final = samples[-1]["VmHWM"], samples[-1]["VmRSS"]
    half = samples[len(samples) // 2 - 1]["VmRSS"] if len(samples) >= 2 else started["VmRSS"]
    first_half, second_half = half - started["VmRSS"], final - half
    plateau = second_half < 0.05 * half
    print(f"settings: {len(times)} distinct (each misses every cache), one Chromium page, one navigation each")
    print(f"time per setting (link opened → page settled and painted): median {statistics.median(times) * 1e3:.0f} ms, "
          f"worst {max(times) * 1e3:.0f} ms, total {sum(times):.0f} s")
    print(f"server RSS: start {started['VmRSS']:.1f} MB, after {len(samples) // 2} settings {half:.1f} MB, "
          f"final {final:.1f} MB; peak (VmHWM) {peak:.1f} MB")
    print(f"peak under {TARGET_MB} MB: {'yes' if peak < TARGET_MB else 'NO'}")
    print(f"plateau: {'yes' if plateau else 'NO'} (RSS grew {first_half:+.1f} MB over the first half, "
          f"{second_half:+.1f} MB over the second; plateau means the second half grew < 5% of the half-way RSS)")
    returned = after["VmRSS"] <= 1.1 * started["VmRSS"]
    print(f"after the session ended ({args.settle:g} s): RSS {after['VmRSS']:.1f} MB, "
          f"{after['VmRSS'] / started['VmRSS'] - 1:+.0%} of the start: within 10 % {'yes' if returned else 'NO'}")
    print(f"pages that failed (timeout, exception, or metrics ≠ gd.minimize): {len(failures)}")
    for failure in failures[:5]:
        print("  " + failure[:1500])
    print(f"server log lines with Traceback/Error/Exception/WARNING: {len(problems)}")
    for line in problems[:5]:
        print("  " + line[:300])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
