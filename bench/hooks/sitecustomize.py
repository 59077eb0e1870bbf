"""Times each script run inside a Streamlit server, for bench/fairness.py --server-times.

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
