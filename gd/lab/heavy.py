"""Heavy views are built in a process of their own, at low priority, one at a time.

A view the work cap prices heavy (budget.HEAVY_SECONDS) is built by one worker process, niced, instead of in the
server's own process: its Python work (frames, charts, maps) then never holds the server's GIL, and its processor
time yields to every light request and to the visitors' own pages, so a few visitors on the heaviest views cannot
slow an η change of everyone else. The worker builds one view at a time (the heavy lane), runs the same builders,
checked and metered as in the server (budget.metered), and is stopped when the server is idle (stop), which gives
its memory back; the next heavy view starts it again. Animations (gd.lab.animations: up to 15 s of drawing each)
have a lane of their own, the EXPORT worker, niced further, so that none holds up a heavy view.

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

HEAVY, EXPORT = "heavy", "export"  # the lanes: heavy views and figures; animations (tens of seconds of drawing,
# gd.lab.animations), in a worker of their own so that none holds up a heavy view
NICENESS = {HEAVY: 10, EXPORT: 15}  # above the server's 0: the scheduler gives light requests the processor first,
# then heavy views
ENABLED = True  # tests that instrument the engine in this process build every view here
_pools: dict[str, ProcessPoolExecutor] = {}  # each lane's worker, while it runs
_lock = threading.Lock()
_in_worker = False
_MAIN_WITHOUT_FILE = types.ModuleType("__main__")


def _started(lane: str) -> None:
    """The worker's first act: lower its priority, and in the heavy lane load the compiled loop (from numba's cache);
    the export lane only draws, and runs no loop."""
    global _in_worker
    _in_worker = True
    os.nice(NICENESS[lane])
    if lane == HEAVY:
        compiled.wait()


def _worker(lane: str) -> ProcessPoolExecutor | None:
    """The lane's worker, started if need be; None where the work is done here: in a worker itself, while the
    compiled loop is not ready, or when disabled."""
    if _in_worker or not ENABLED or not compiled.ready():
        return None
    with _lock:
        if lane not in _pools:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["gd.lab.views"])  # what the worker runs, imported once for every worker
            _pools[lane] = ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=_started,
                                               initargs=(lane,))
        return _pools[lane]


def call(function, *args, lane: str = HEAVY, **keywords):
    """function(*args, **keywords) — a view builder of gd.lab.views, a figure drawn (gd.lab.figures.drawn), or in the
    EXPORT lane an animation (gd.lab.animations.saved) — in the lane's worker, or None if it is to be done here (see
    _worker, or the worker died: a new one starts for the next)."""
    pool = _worker(lane)
    if pool is None:
        return None
    try:
        with _page_hidden():
            future = pool.submit(function, *args, **keywords)  # starts the worker if need be
        return future.result()
    except BrokenProcessPool:
        stop(lane)
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


def running(lane: str = HEAVY) -> bool:
    """Whether the lane's worker runs."""
    return lane in _pools


def stop(*lanes: str) -> None:
    """Stop the lanes' workers, or every lane's (an idle server gives their memory back); the next heavy view or export
    starts another."""
    with _lock:
        stopped = [_pools.pop(lane) for lane in lanes or tuple(_pools) if lane in _pools]
    for pool in stopped:
        pool.shutdown(wait=False, cancel_futures=True)
