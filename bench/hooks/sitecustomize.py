"""Times each script run inside a Streamlit server (bench/fairness.py and bench/load.py --server-times), reports
where its memory is (STREAMLIT_MEMORY_REPORT, below), and with LAB_WARMING_SECONDS=S gives a woken server's first
views S seconds instead of budget.WARMING_SECONDS (bench/load.py --warming 0.01: every page waits for the compiled
loop).

On the server's PYTHONPATH with STREAMLIT_RUN_TIMES=<file>, it appends one line per event: monotonic time, session
id and what happened — "received" (a rerun request arrived), "started" and "stopped" (the script thread ran the
script), "sent" (the run's script_finished message left the server's message loop). time.monotonic() is the
machine's clock, so the benchmark's own times compare with these. Nothing is changed but the logging.
"""

import os
import threading
import time

_PATH = os.environ.get("STREAMLIT_RUN_TIMES")

if _PATH:
    _lock = threading.Lock()
    _log = open(_PATH, "a", buffering=1)  # noqa: SIM115 — open for the server's life

    def _write(event: str, session: str) -> None:
        with _lock:
            _log.write(f"{time.monotonic():.6f} {session} {event}\n")

    def _patch() -> None:
        from streamlit.runtime import app_session, runtime
        from streamlit.runtime.scriptrunner import ScriptRunnerEvent

        session_class, runtime_class = app_session.AppSession, runtime.Runtime
        handle, on_event, send = (session_class.handle_backmsg, session_class._on_scriptrunner_event,
                                  runtime_class._send_message)

        def handle_backmsg(self, msg):
            if msg.WhichOneof("type") == "rerun_script":
                _write("received", self.id)
            return handle(self, msg)

        def _on_scriptrunner_event(self, sender, event, *args, **keywords):
            if event == ScriptRunnerEvent.SCRIPT_STARTED:
                _write("started", self.id)
            elif event in (ScriptRunnerEvent.SCRIPT_STOPPED_WITH_SUCCESS, ScriptRunnerEvent.SCRIPT_STOPPED_FOR_RERUN,
                           ScriptRunnerEvent.SCRIPT_STOPPED_WITH_COMPILE_ERROR):
                _write("stopped", self.id)
            return on_event(self, sender, event, *args, **keywords)

        def _send_message(self, session_info, msg):
            result = send(self, session_info, msg)
            if msg.WhichOneof("type") == "script_finished":
                _write("sent", session_info.session.id)
            return result

        session_class.handle_backmsg = handle_backmsg
        session_class._on_scriptrunner_event = _on_scriptrunner_event
        runtime_class._send_message = _send_message

    _patch()

_REPORT = os.environ.get("STREAMLIT_MEMORY_REPORT")

if _REPORT:
    import collections
    import ctypes
    import gc
    import signal

    class _Mallinfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in
                    ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                     "keepcost")]

    def _report(*_):
        """On SIGUSR1: where the server's memory is. Appends to the report file glibc's heap (in use, free but kept,
        mmapped) and the most numerous live objects, to FILE.maps every mapping's resident kB; Python's own allocator
        statistics (sys._debugmallocstats: arenas, bytes in allocated blocks) go to the server's log, which is where
        CPython writes them."""
        import sys

        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = _Mallinfo2
        info = libc.mallinfo2()
        counts = collections.Counter(type(thing).__name__ for thing in gc.get_objects())
        sys._debugmallocstats()
        mappings, current = [], None
        with open("/proc/self/smaps") as smaps:
            for line in smaps:
                first = line.split()[0]
                if "-" in first and not first.endswith(":"):
                    parts = line.split()
                    current = [parts[0], parts[5] if len(parts) > 5 else "[anon]", 0]
                    mappings.append(current)
                elif first == "Rss:":
                    current[2] = int(line.split()[1])
        with open(_REPORT + ".maps", "a") as out:
            out.write(f"--- {time.monotonic():.1f}\n" + "".join(f"{a} {r} {n}\n" for a, n, r in mappings))
        with open(_REPORT, "a") as out:
            out.write(f"--- {time.monotonic():.1f}\nmalloc: heap {info.arena / 1e6:.1f} MB (in use "
                      f"{info.uordblks / 1e6:.1f}, free but kept {info.fordblks / 1e6:.1f}), mmapped "
                      f"{info.hblkhd / 1e6:.1f} MB\n"
                      + "\n".join(f"  {n:8d} {name}" for name, n in counts.most_common(25)) + "\n")

    signal.signal(signal.SIGUSR1, _report)

_WARMING = os.environ.get("LAB_WARMING_SECONDS")

if _WARMING:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from gd.lab import budget

    budget.WARMING_SECONDS = float(_WARMING)
    sys.path.pop(0)
