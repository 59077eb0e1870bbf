"""Heavy views are built in a process of their own, at low priority, one at a time.

A view the work cap prices heavy (budget.HEAVY_SECONDS) is built by one worker process, niced, instead of in the
server's own process: its Python work (frames, charts, maps) then never holds the server's GIL, and its processor
time yields to every light request and to the visitors' own pages, so a few visitors on the heaviest views cannot
slow an η change of everyone else. The worker builds one view at a time (the heavy lane), runs the same builders,
checked and metered as in the server (budget.metered), and is stopped when the server is idle (stop), which gives
its memory back; the next heavy view starts it again.

The worker starts only once the compiled loop is ready (until then every view is built in the server, priced on
the numpy loop) and waits for it to load from numba's cache, so that it runs on the loop the view was priced on.
What crosses between the two processes is this package's own objects (a Run, a built view), pickled by
multiprocessing over its private pipe: nothing a visitor sent is ever unpickled. If the worker dies, the view is
built in the server and the next heavy view starts a new worker.
"""

import multiprocessing
import os
import sys
import threading
import time
import types
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager

from gd import compiled

NICENESS = 10  # the worker's, above the server's 0: the scheduler gives light requests the processor first
ENABLED = True  # tests that instrument the engine in this process build every view here
_pool: ProcessPoolExecutor | None = None
_lock = threading.Lock()
_in_worker = False
_MAIN_WITHOUT_FILE = types.ModuleType("__main__")


def _started() -> None:
    """The worker's first act: lower its priority, and load the compiled loop (from numba's cache)."""
    global _in_worker
    _in_worker = True
    os.nice(NICENESS)
    compiled.wait()


def _worker() -> ProcessPoolExecutor | None:
    """The worker, started if need be; None where views are built here: in the worker itself, while the compiled loop
    is not ready, or when disabled."""
    global _pool
    if _in_worker or not ENABLED or not compiled.ready():
        return None
    with _lock:
        if _pool is None:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["gd.lab.views"])  # what the worker runs, imported once for every worker
            _pool = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_started)
        return _pool


def call(function, *args, **keywords):
    """function(*args, **keywords) — a view builder of gd.lab.views, or a figure drawn (gd.lab.figures.drawn) — in
    the worker, or None if it is to be done here (see _worker, or the worker died: a new one starts for the next)."""
    pool = _worker()
    if pool is None:
        return None
    try:
        with _page_hidden():
            future = pool.submit(function, *args, **keywords)  # starts the worker if need be
        return future.result()
    except BrokenProcessPool:
        stop()
        return None


def wait_for_worker(poll_seconds: float = 0.1) -> None:
    """Block while the compiled loop is prepared (a woken server's first seconds), before which no worker starts:
    for work that must not run in the server's process (it holds the GIL: gd.lab.figures). Returns at once where
    there will be no worker (disabled, or the compiled loop failed)."""
    while ENABLED and compiled.preparing():
        time.sleep(poll_seconds)


@contextmanager
def _page_hidden():
    """multiprocessing starts a worker by importing the parent's __main__ module in it, and under Streamlit that is
    the page's script: the page would run in the worker without Streamlit (a page's work and 400 warnings in the
    server's log, each time a worker starts). While a worker may start, __main__ is a module without a file, which
    it leaves alone; the worker needs only this package."""
    page = sys.modules.get("__main__")
    sys.modules["__main__"] = _MAIN_WITHOUT_FILE
    try:
        yield
    finally:
        if sys.modules.get("__main__") is _MAIN_WITHOUT_FILE:  # not replaced meanwhile by another page's run
            sys.modules["__main__"] = page


def stop() -> None:
    """Stop the worker (an idle server gives its memory back); the next heavy view starts another."""
    global _pool
    with _lock:
        pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)
