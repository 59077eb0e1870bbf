"""A woken server: the heaviest link of every view as the first request of a fresh process, against a floor page.

A hosted app sleeps and wakes as a fresh process, often with numba's cache gone. For every view, the link the work
cap prices highest at its largest allowed iteration limit (searched over objectives, variants, stopping rules and
the most compared η, sweep points and seeds) is opened as the first page view of a new Python process whose
NUMBA_CACHE_DIR is empty (so the compiled loop is not ready and compiles meanwhile), through Streamlit's AppTest:
the time of that first script run, imports included, its processor time (the whole process: on a busy machine the
wall time says as much about the neighbours as about the page), and whether the view answered or was refused (and
why). The floor is bench/floor_page.py (one text field, one metric, one 10-point Altair chart): the median rerun
after a new value, wall and processor time, in a fresh process of its own (its own first view, imports included,
is printed beside it). Target (issue 19): every first view within 100 × the floor's rerun.

--busy N starts N processes that keep a core busy each (`while True: pass`) for the whole run, so the figures are
those of a busy server; they are stopped at the end.
Run: python bench/woken.py [--busy 2] [--repeats 5]
"""

import argparse
import itertools
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from budget import largest  # noqa: E402
from machine import describe  # noqa: E402

import gd  # noqa: E402
from gd.lab import budget  # noqa: E402
from gd.lab.controls import CUSTOM, DEFAULTS, MAX_ETAS, NUMBERS, VIEWS, Run, start_of, views_of  # noqa: E402
from gd.lab.links import to_url  # noqa: E402

TARGET = 100  # a first view within this many floor reruns
TYPED = {1: "sin(3*x) + x^2/10 + exp(-x^2) + log(x^2 + 1) + tanh(x)*abs(x)", 2: "(1 - x)^2 + 100*(y - x^2)^2"}

# A view refused as warming is drawn, and the page then waits for the compiled loop (dashboard.py,
# wait_for_compiled_loop): its answer is the page as drawn when the wait begins, so the wait stops the run there.
FIRST_VIEW = """
import json, sys, time
from streamlit.runtime.scriptrunner_utils.exceptions import StopException
from streamlit.testing.v1 import AppTest
from gd.lab import budget
def answered(_seconds):
    raise StopException()
budget.wait_while_warming = answered
app = AppTest.from_file(sys.argv[1], default_timeout=900)
for key, value in json.loads(sys.argv[2]).items():
    app.query_params[key] = value
start, processor = time.perf_counter(), time.process_time()
app.run()
took, used = time.perf_counter() - start, time.process_time() - processor
said = [box.value for box in [*app.error, *app.info]]
print(json.dumps({"seconds": took, "cpu": used, "exception": bool(app.exception), "said": said}))
"""

FLOOR = """
import json, sys, time
from streamlit.testing.v1 import AppTest
app = AppTest.from_file(sys.argv[1], default_timeout=900)
start, processor = time.perf_counter(), time.process_time()
app.run()
first = [time.perf_counter() - start, time.process_time() - processor]
times, used = [], []
for rep in range(int(sys.argv[2])):
    app.text_input[0].set_value(f"{rep + 2}")
    start, processor = time.perf_counter(), time.process_time()
    app.run()
    times.append(time.perf_counter() - start)
    used.append(time.process_time() - processor)
print(json.dumps([first, times, used]))
"""


def heaviest(view: str) -> Run:
    """The link of this view the cap prices highest at the largest iteration limit it allows (on a warm server)."""
    sizes = {"etas": tuple(0.01 * k for k in range(1, MAX_ETAS + 1)), "sweep_points": int(NUMBERS["sweep_points"].high),
             "seeds": int(NUMBERS["seeds"].high)}
    found = []
    objectives = [(name, "") for name in gd.problems()] + [(CUSTOM, text) for text in TYPED.values()]
    for (objective, function), variant, stop in itertools.product(objectives, gd.VARIANTS, gd.STOPS):
        if view not in views_of(objective, function) or (view == "noise" and variant == "batch"):
            continue
        run = replace(DEFAULTS, view=view, objective=objective, function=function,
                      theta0=start_of(objective, function), variant=variant, stop=stop, epsilon=0.0,
                      optimizer="adam", batch_size=64, **sizes)
        found.append(largest(run))
    return max(found, key=lambda run: budget.price(run, reference=False)[0])


def first_view(run: Run) -> dict:
    """The view's first run in a fresh process; then that process and the compiler it started are stopped, so that
    each view shares the machine with one compiler, as a woken server does (left running, they piled up)."""
    with tempfile.TemporaryDirectory() as cache:
        process = subprocess.Popen([sys.executable, "-c", FIRST_VIEW, str(ROOT / "dashboard.py"),
                                    json.dumps(to_url(run))], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, cwd=ROOT, env={**os.environ, "NUMBA_CACHE_DIR": cache},
                                   start_new_session=True)
        out, err = process.communicate()
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    if process.returncode:
        raise RuntimeError(f"the first view failed: {err[-2000:]}")
    return json.loads(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--busy", type=int, default=0, help="processes keeping a core busy meanwhile")
    parser.add_argument("--repeats", type=int, default=5, help="floor reruns")
    args = parser.parse_args()
    from gd import compiled

    compiled.wait()  # the links are those a warm server allows: the largest limits
    busy = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.busy)]
    try:
        print(describe(), f"; {args.busy} busy processes beside it")
        out = subprocess.run([sys.executable, "-c", FLOOR, str(ROOT / "bench" / "floor_page.py"), str(args.repeats)],
                             capture_output=True, text=True, check=True, cwd=ROOT)
        first, times, used = json.loads(out.stdout.strip().splitlines()[-1])
        floor, floor_cpu = statistics.median(times), statistics.median(used)
        print(f"floor page: first view {first[0]:.2f} s ({first[1]:.2f} s of CPU); rerun {floor * 1e3:.0f} ms, "
              f"{floor_cpu * 1e3:.0f} ms of CPU (medians of {args.repeats}); target: first view within {TARGET} × "
              f"the rerun = {TARGET * floor:.1f} s")
        print(f"{'view':<10} {'objective':<22} {'variant':<9} {'stop':<14} {'limit':>8} {'priced':>7} "
              f"{'first view':>10} {'× floor':>8} {'CPU':>7} {'× floor':>8}  answer")
        for view in VIEWS:
            run = heaviest(view)
            seen = first_view(run)
            said = " ".join(seen["said"])
            answer = ("exception" if seen["exception"] else "refused: warming" if "preparing its fast loop" in said
                      else "refused: cap" if "over what one" in said else "stopped" if "was stopped" in said
                      else "answered")
            objective = run.objective if run.objective != CUSTOM else f"typed {problem_dim(run)}-D"
            print(f"{view:<10} {objective:<22} {run.variant:<9} {run.stop:<14} {run.max_iter:>8,} "
                  f"{budget.price(run, reference=False)[0]:6.2f}s {seen['seconds']:9.2f}s "
                  f"{seen['seconds'] / floor:7.0f}× {seen['cpu']:6.2f}s {seen['cpu'] / floor_cpu:7.0f}×  {answer}",
                  flush=True)
    finally:
        for process in busy:
            process.kill()


def problem_dim(run: Run) -> int:
    return gd.parse_objective(run.function).dim


if __name__ == "__main__":
    main()
