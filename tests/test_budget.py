"""The work cap: every view's cost is counted from what it really asks of the engine, and too much is refused."""

import itertools
import threading
from dataclasses import replace

import pytest

import gd
from gd.lab import budget, views
from gd.lab.budget import WorkCapError
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
    assert budget.runs(replace(DEFAULTS, view="predict")) == 2  # the quiz runs its guessed η besides the headline
    assert budget.price(replace(DEFAULTS, view="predict"))[0] == pytest.approx(
        2 * budget.price(replace(DEFAULTS, view="geometry"))[0], rel=1e-12)


def test_the_price_is_each_calls_cost_per_update_times_the_limit():
    """Written out for the theory view on the parabola: the headline (1 lane), the compared η (5 lanes) and the
    sweep (60 lanes), each a shared run of fixed + per-lane cost per update, 10,000 updates."""
    fixed, per_lane, _ = budget.COST_NS[("quadratic", "batch", "loss_change")]
    expected = 10_000 * ((fixed + per_lane * 1) + (fixed + per_lane * 5) + (fixed + per_lane * 60)) / 1e9
    seconds, megabytes = budget.price(replace(DEFAULTS, view="theory"))
    assert seconds == pytest.approx(expected, rel=1e-12)
    assert megabytes == pytest.approx((1 + 5 + 60) * 10_001 * 2 * 8 / 1e6)  # θ and J, float64, per run and update
    fixed, per_lane, own = budget.COST_NS[("logistic_regression", "sgd", "grad_norm")]
    noisy = replace(DEFAULTS, objective="logistic_regression", variant="sgd", stop="grad_norm", view="noise", seeds=7)
    assert budget.price(noisy)[0] == pytest.approx(10_000 * ((fixed + per_lane) + 7 * 1.4 * own) / 1e9, rel=1e-12)


def test_an_update_is_priced_by_what_it_costs():
    """Logistic regression (64 examples through exp and log per update) costs far more than the parabola, a
    mini-batch more than the full batch on the parabola (a permutation per epoch), so the cap tells them apart."""
    def per_update(**settings):
        return budget.price(replace(DEFAULTS, view="compare", **settings))[0]

    assert per_update(objective="logistic_regression") > 20 * per_update()
    assert per_update(variant="minibatch", batch_size=64) > 3 * per_update()
    assert all(min(entry) >= 0 and entry[1] > 0 for entry in budget.COST_NS.values())
    samplings = ("batch", "sgd", "minibatch16", "minibatch64")
    typed = ("custom", "custom_2d")  # a typed function's rows, per node of its formula (test_page_typed.py)
    assert set(budget.COST_NS) == set(itertools.product((*gd.problems(), *typed), samplings, gd.STOPS))


def test_the_cap_refuses_a_view_priced_over_it_and_says_what_fits():
    heavy = Run(objective="logistic_regression", max_iter=100_000, etas=tuple(0.01 * k for k in range(1, 13)),
                sweep_points=200, view="theory")
    with pytest.raises(WorkCapError) as refused:
        budget.check(heavy)
    assert refused.value.runs == 1 + 12 + 200 and refused.value.limit == 100_000
    assert refused.value.seconds > budget.SECONDS
    fits = refused.value.fits
    assert 1 <= fits < 100_000
    budget.check(replace(heavy, max_iter=fits))
    with pytest.raises(WorkCapError):
        budget.check(replace(heavy, max_iter=fits + 1))


def test_memory_alone_can_refuse():
    """Cheap updates, but 213 histories of 100,000 rows: 341 MB of θ and J, over the 100 MB cap."""
    heavy = Run(max_iter=100_000, etas=tuple(0.01 * k for k in range(1, 13)), sweep_points=200, view="theory")
    assert budget.price(heavy)[0] < budget.SECONDS
    with pytest.raises(WorkCapError) as refused:
        budget.check(heavy)
    assert refused.value.megabytes == pytest.approx(213 * 100_001 * 16 / 1e6)
    assert refused.value.fits == 100e6 // (213 * 16) - 1 == 29_341  # (limit + 1) rows × 213 × 16 B ≤ 100 MB


@pytest.mark.parametrize("objective", sorted(gd.OBJECTIVES))
@pytest.mark.parametrize("variant", sorted(gd.VARIANTS))
def test_every_default_view_fits(objective, variant):
    for view in ("compare", "theory", "stopping", "geometry", "noise", "predict"):
        budget.check(replace(DEFAULTS, view=view, objective=objective, variant=variant))


def test_heavy_views_take_turns_and_light_ones_never_wait():
    heavy = replace(DEFAULTS, objective="logistic_regression", max_iter=100_000)
    assert budget.price(replace(heavy, view="theory"))[0] > budget.HEAVY_SECONDS
    assert budget.price(replace(DEFAULTS, view="headline"))[0] < budget.HEAVY_SECONDS
    inside, release, second = threading.Event(), threading.Event(), threading.Event()

    def first_heavy():
        with budget.heavy_lane("theory", heavy):
            inside.set()
            release.wait(5)

    def second_heavy():
        with budget.heavy_lane("compare", heavy):
            second.set()

    threads = [threading.Thread(target=first_heavy), threading.Thread(target=second_heavy)]
    threads[0].start()
    assert inside.wait(5)
    threads[1].start()
    with budget.heavy_lane("headline", DEFAULTS):  # a light request passes while the heavy lane is taken
        assert not second.wait(0.2)  # ... and the second heavy view waits for it
    release.set()
    for thread in threads:
        thread.join(5)
    assert second.is_set()


def test_a_mini_batch_is_priced_between_its_calibrated_sizes():
    at = {size: budget.price(replace(DEFAULTS, view="compare", variant="minibatch", batch_size=size))[0]
          for size in (1, 16, 40, 64)}
    assert at[1] == at[16] < at[40] < at[64]
    assert at[40] == pytest.approx(at[16] + (at[64] - at[16]) * (40 - 16) / 48, rel=1e-12)
