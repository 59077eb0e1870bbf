"""Heavy views are built in a worker process of their own, niced, and are the same as built here."""

import os
import pickle
import sys
from dataclasses import replace

import pandas as pd
import pytest

import gd
from gd.lab import budget, heavy, views
from gd.lab.controls import DEFAULTS
from gd.params import ParameterError

pytestmark = pytest.mark.worker

HEAVY = replace(DEFAULTS, objective="logistic_regression", etas=tuple(0.1 * k for k in range(1, 13)), max_iter=3_000,
                view="compare")


def same_view(a, b) -> bool:
    """Two built views alike, field by field (tables compared as tables)."""
    if type(a) is not type(b):
        return False
    for field in a.__dataclass_fields__:
        x, y = getattr(a, field), getattr(b, field)
        if isinstance(x, pd.DataFrame):
            if not x.equals(y):
                return False
        elif x != y:
            return False
    return True


def test_a_heavy_view_is_built_in_the_niced_worker_the_same_as_here(monkeypatch):
    assert budget.heavy("compare", HEAVY) and not budget.heavy("headline", HEAVY)
    heavy.stop()
    there = views.compare(HEAVY.for_view("compare"))
    workers = list(heavy._pools[heavy.HEAVY]._processes.values())  # started by that view
    assert [process.pid for process in workers] and all(process.pid != os.getpid() for process in workers)
    assert all(os.getpriority(os.PRIO_PROCESS, process.pid) == heavy.NICENESS[heavy.HEAVY] for process in workers)
    monkeypatch.setattr(heavy, "ENABLED", False)
    here = views.compare(HEAVY.for_view("compare"))
    assert same_view(there, here)


def test_a_light_view_is_built_here_and_the_worker_stops_when_asked():
    heavy.stop()
    views.headline(DEFAULTS.for_view("headline"))
    assert not heavy.running()  # nothing heavy asked for it
    views.compare(HEAVY.for_view("compare"))
    assert heavy.running()
    heavy.stop()
    assert not heavy.running()
    assert same_view(views.compare(HEAVY.for_view("compare")), views.compare(HEAVY.for_view("compare")))  # again


def test_the_engines_refusals_cross_between_the_processes_whole():
    stopped = pickle.loads(pickle.dumps(gd.WorkLimitError(2.5)))
    assert isinstance(stopped, gd.WorkLimitError) and stopped.seconds == 2.5 and "2.50 s" in str(stopped)
    try:
        gd.parse_objective("x +* 1")
    except ParameterError as error:
        refused = error
    again = pickle.loads(pickle.dumps(refused))
    assert (type(again), again.name, again.reason, again.token, str(again)) == (
        ParameterError, refused.name, refused.reason, refused.token, str(refused))
    bounded = pickle.loads(pickle.dumps(ParameterError("eta", "> 0", -1.0, spec=gd.params.ETA)))
    assert bounded.spec == gd.params.ETA and bounded.value == -1.0


def test_a_worker_started_by_a_page_does_not_run_the_page(tmp_path, monkeypatch):
    """Under Streamlit, __main__ is the page's script while it runs; multiprocessing would import it in a new
    worker, which would run the page there without Streamlit."""
    ran = tmp_path / "the page ran"
    page = tmp_path / "page.py"
    page.write_text(f"from pathlib import Path\nPath({str(ran)!r}).touch()\n")
    script = type(os)("__main__")
    script.__file__ = str(page)
    monkeypatch.setitem(sys.modules, "__main__", script)
    heavy.stop()
    built = views.compare(HEAVY.for_view("compare"))
    assert heavy.running() and built.panels  # built by a worker started just now
    heavy.stop()
    assert not ran.exists()
    assert sys.modules["__main__"] is script
