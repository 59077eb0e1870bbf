"""A bound on the processor time the engine's loops may spend, for a server that must stop work it priced wrong.

A server prices work before it starts it (gd.lab.budget); this is the backstop when a price is wrong. Inside
`with cpu_limit(seconds):` every loop of the engine (gd.run's two loops, theory.momentum_map) calls check() between
blocks of updates, and check() raises WorkLimitError once this thread has spent more than `seconds` of processor
time since the limit was set. It counts time.thread_time(), the processor time of this thread alone, so waiting for
a lock or for a core that other processes hold counts nothing: a busy machine does not stop a run that an idle one
finishes. The exception is raised by the loop itself, never from a trace function or a signal, so nothing between
the loop and the caller can swallow it. Limits nest: the nearest deadline wins.
"""

import time
from contextlib import contextmanager
from contextvars import ContextVar

# (thread_time() to stop at, the limit in seconds) of the nearest limit, or None
_deadline: ContextVar[tuple[float, float] | None] = ContextVar("gd.work deadline", default=None)


class WorkLimitError(RuntimeError):
    """The loop spent more processor time than cpu_limit allowed: .seconds, the limit."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        super().__init__(f"stopped after more than {seconds:.2f} s of processor time")

    def __reduce__(self):  # raised in the heavy worker, raised again in the server
        return WorkLimitError, (self.seconds,)


@contextmanager
def cpu_limit(seconds: float):
    """Within the block, the engine's loops stop with WorkLimitError past `seconds` of this thread's processor time."""
    limit = (time.thread_time() + seconds, seconds)
    outer = _deadline.get()
    token = _deadline.set(limit if outer is None else min(outer, limit))
    try:
        yield
    finally:
        _deadline.reset(token)


def check() -> None:
    """Raise WorkLimitError if this thread is past the nearest cpu_limit's deadline (nothing when none is set)."""
    limit = _deadline.get()
    if limit is not None and time.thread_time() > limit[0]:
        raise WorkLimitError(limit[1])
