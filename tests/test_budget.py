"""The work cap: every view's cost is counted from what it really asks of the engine, and too much is refused."""

from dataclasses import replace

import pytest

import gd
from gd.lab import budget, views
from gd.lab.budget import MAX_WORK, WorkCapError
from gd.lab.controls import DEFAULTS, Run

BUILDERS = {"compare": views.compare, "theory": views.theory_view, "stopping": views.stopping,
            "noise": views.noise}


@pytest.fixture
def engine_calls(monkeypatch):
    """Every call the lab makes into the engine, as (lanes, max_iter): the instrument the cap is checked against."""
    calls = []

    def counting(function, lanes):
        def counted(*args, **keywords):
            calls.append((lanes(*args, **keywords), keywords.get("max_iter", gd.Settings.max_iter)))
            return function(*args, **keywords)
        return counted

    monkeypatch.setattr(gd, "compare", counting(gd.compare, lambda etas, *_, **__: len(etas)))
    monkeypatch.setattr(gd, "seeds", counting(gd.seeds, lambda eta, seeds, *_, **__: len(seeds)))
    monkeypatch.setattr(gd, "minimize", counting(gd.minimize, lambda *_, **__: 1))
    monkeypatch.setattr(gd, "each_stop", counting(gd.each_stop, lambda *_, **__: 1))
    return calls


RUNS = [Run(), Run(etas=(0.1, 0.5), max_iter=300), Run(variant="sgd", seeds=7, max_iter=200),
        Run(etas=(0.01, 0.2, 0.3), sweep_points=9, max_iter=50)]


@pytest.mark.parametrize("view", sorted(BUILDERS))
@pytest.mark.parametrize("run", RUNS, ids=range(len(RUNS)))
def test_the_cap_counts_what_each_view_asks_of_the_engine(engine_calls, view, run):
    """budget.runs(run) is the headline run plus the lanes the view's builder really runs, each to max_iter."""
    run = replace(run, view=view)
    views.headline(run.for_view("headline"))
    BUILDERS[view](run.for_view(view))
    assert sum(lanes for lanes, _ in engine_calls) == budget.runs(run)
    assert {limit for _, limit in engine_calls} == {run.max_iter}


def test_geometry_and_predict_reuse_the_headline_run(engine_calls):
    shown = views.headline(DEFAULTS.for_view("headline"))
    views.step_through(DEFAULTS, shown)
    views.predict(DEFAULTS, shown, "converges", 1)
    assert engine_calls == [(1, DEFAULTS.max_iter)]
    assert budget.runs(replace(DEFAULTS, view="geometry")) == 1


def test_the_cap_refuses_too_much_work_and_says_what_fits():
    heavy = Run(max_iter=100_000, etas=tuple(0.01 * k for k in range(1, 13)), sweep_points=200, view="theory")
    with pytest.raises(WorkCapError) as refused:
        budget.check(heavy)
    assert refused.value.runs == 1 + 12 + 200
    assert refused.value.work == 213 * 100_000 > MAX_WORK == 5_000_000
    assert refused.value.fits == 5_000_000 // 213 == 23_474
    budget.check(replace(heavy, max_iter=23_474))
    with pytest.raises(WorkCapError):
        budget.check(replace(heavy, max_iter=23_475))


def test_every_default_view_fits():
    for view in ("compare", "theory", "stopping", "geometry", "noise", "predict"):
        budget.check(replace(DEFAULTS, view=view))
