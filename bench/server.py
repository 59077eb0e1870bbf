"""A dashboard server for benchmarks: started on a free 127.0.0.1 port, stopped by its own handle."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
# True in the page once Streamlit's script has finished its run
SCRIPT_IDLE = "document.querySelector('[data-testid=stApp]').getAttribute('data-test-script-state') === 'notRunning'"
# The page opened and drawn: the script idle and every chart drawn by Vega (on a woken server the first run waits for
# the compiled loop, then reruns the page, and the page is idle between the two runs before any chart comes).
PAGE_DRAWN = (f"({SCRIPT_IDLE}) && (charts => charts.length && charts.every(chart => chart.querySelector('.marks')))"
              "([...document.querySelectorAll('[data-testid=stVegaLiteChart]')])")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    log: str = ""  # everything the server printed, filled in when it stops

    @property
    def pid(self) -> int:
        return self.process.pid


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served(script: str, options: tuple[str, ...] = (), cores: set[int] | None = None,
           environment: dict[str, str] | None = None) -> Iterator[Server]:
    """`streamlit run script` until the block ends; waits for /_stcore/health first. options: more of streamlit's
    command-line options (`--global.minCachedMessageSize`, `1000`), over .streamlit/config.toml's; cores: the
    processors the server and its child processes may use (all when None); environment: variables added to the
    server's."""
    with tempfile.TemporaryFile("w+") as log:
        port = free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true", "--server.address",
             "127.0.0.1", "--server.port", str(port), "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false", *options], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
            preexec_fn=(lambda: os.sched_setaffinity(0, cores)) if cores else None,
            env={**os.environ, **(environment or {})})
        server = Server(process, f"http://127.0.0.1:{port}")
        try:
            _wait_for_health(server, script)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.seek(0)
            server.log = log.read()


def _wait_for_health(server: Server, script: str) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(server.url + "/_stcore/health", timeout=2).read() == b"ok":
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{script} did not start within 120 s")


def memory(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM (the peak) of a process, in MB (10⁶ bytes); /proc gives kB (1,024 bytes)."""
    values = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) * 1024 / 1e6
    return values


def logged_problems(server_log: str) -> list[str]:
    """The server log's lines that report a problem."""
    return [line for line in server_log.splitlines()
            if any(word in line for word in ("Traceback", "Error", "Exception", "WARNING"))]


def closing_report(console: list[str], logged: list[str], wall: float, finished: bool, timeout: float) -> None:
    """The last lines every browser benchmark prints: console and log problems, wall time, load, time-out."""
    print(f"browser console errors and page errors: {len(console)}")
    for line in console[:5]:
        print("  " + line[:300])
    print(f"server log lines with Traceback/Error/Exception/WARNING: {len(logged)}")
    for line in logged[:5]:
        print("  " + line[:300])
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"wall time {wall:.0f} s; load at the end {load}")
    if not finished:
        print(f"TIMED OUT after {timeout:g} s: the figures above are what was measured until then")


def watch_console(page, problems: list[str], name: str) -> None:
    """Every console error and uncaught page error of page goes into problems, prefixed with name."""
    page.on("console", lambda message: message.type == "error" and problems.append(
        f"{name}: console error: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"{name}: page error: {error}"))


def eta_field(page):
    """The sidebar's "Learning rate η" field (the page has a second one in its main area), sync or async page."""
    from gd.lab.text import t

    return page.locator("[data-testid=stSidebar]").get_by_label(t("label.eta"), exact=True)


HOOKS = {"PYTHONPATH": str(Path(__file__).resolve().parent / "hooks")}  # bench/hooks/sitecustomize.py in the server


def timed_server(folder: Path) -> tuple[dict[str, str], Path]:
    """The environment that makes a server log its script runs (bench/hooks/sitecustomize.py), and the log's path."""
    log = folder / "run-times"
    return {**HOOKS, "STREAMLIT_RUN_TIMES": str(log)}, log


def script_runs(log: str) -> list[dict]:
    """The script runs in a timed server's log, each {"session", "received", "started", "stopped", "sent"} (monotonic
    seconds; a run cut short by the next request lacks the later ones)."""
    runs, current = [], {}
    for line in log.splitlines():
        at, session, event = line.split()
        if event == "received":
            current[session] = {"session": session, "received": float(at)}
            runs.append(current[session])
        elif session in current:
            current[session].setdefault(event, float(at))
    return runs
