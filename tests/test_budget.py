"""The work cap: every run the page makes is priced from what it really asks of the engine, on the loop that will
run it, and too much is refused before any work; a wrong price is stopped during the work."""

import itertools
import threading
from dataclasses import replace

import pytest
from app import open_page

import gd
from gd import compiled, theory
from gd.lab import budget, maps, views
from gd.lab.budget import Call, WorkCapError
from gd.lab.controls import (
    CUSTOM,
    DEFAULT_FUNCTION,
    DEFAULTS,
    INSIDE_UPDATES,
    MOMENTUM_CELLS,
    NEWTON_UPDATES,
    Run,
    surface_defaults,
    views_of,
)

LIMIT = gd.Settings.max_iter
KINDS = {"compare": lambda etas, *_, max_iter=LIMIT, **__: ("shared", len(etas), max_iter),
         "minimize": lambda *_, max_iter=LIMIT, optimizer="gd", **__: (
             "newton" if getattr(optimizer, "name", optimizer) == "newton" else "shared", 1, max_iter),
         "seeds": lambda eta, seeds, *_, max_iter=LIMIT, **__: ("own", len(seeds), max_iter),
         "each_stop": lambda *_, max_iter=LIMIT, **__: ("stops", 1, max_iter),
         "range_test": lambda low, high, updates, *_, **__: ("range", 1, updates),
         "starts": lambda eta, starts, *_, max_iter=LIMIT, **__: ("starts", len(starts), max_iter),
         "replay": lambda result, updates: ("replay", 1, min(updates, result.settings.max_iter))}


PRICED_AS = {"pin": "shared"}  # a pinned run is one lane of gd.minimize, priced at its own settings


@pytest.fixture
def engine_calls(monkeypatch):
    """Every call the lab makes into the engine, as (kind, lanes, max_iter, the calls priced for the builder that made
    it): the instrument the cap is checked against. theory.momentum_map counts as kind "momentum". Every view is built
    in this process, where the instrument is (tests/conftest.py: not in the heavy worker)."""
    calls = []

    def counting(function, kind):
        def counted(*args, **keywords):
            calls.append((*kind(*args, **keywords), budget.priced().calls))
            return function(*args, **keywords)
        return counted

    for name, kind in KINDS.items():
        monkeypatch.setattr(gd, name, counting(getattr(gd, name), kind))
    monkeypatch.setattr(theory, "momentum_map", counting(
        theory.momentum_map, lambda etas, betas, *_, updates=200, **__: ("momentum", len(etas) * len(betas), updates)))
    surface_map = maps.surface_map

    def drawn(objective):  # a surface's map (its contours, computed the first time) drawn inside a builder
        assert budget.priced().maps, f"a map of {objective} drawn where no map was priced"
        return surface_map(objective)

    monkeypatch.setattr(maps, "surface_map", drawn)
    return calls


def assert_priced(calls, limit: int, range_updates: int = DEFAULTS.range_updates,
                  basin_updates: int = DEFAULTS.basin_updates) -> None:
    """Each engine call ran inside a metered builder and matches one of the calls priced for it (same kind, same
    lanes, each priced call used once), to the run's limit (momentum's map: its own fixed updates; the range test: its
    own number)."""
    assert calls
    used = {}
    for kind, lanes, updates, priced in calls:
        assert priced, f"an engine call outside any priced builder: {kind} × {lanes}"
        assert updates == {"momentum": budget.MOMENTUM_UPDATES, "range": range_updates,
                           "replay": min(limit, INSIDE_UPDATES), "newton": min(limit, NEWTON_UPDATES),
                           "starts": basin_updates}.get(kind, limit)
        free = used.setdefault(id(priced), list(priced))
        match = next((call for call in free if (PRICED_AS.get(call.kind, call.kind), call.lanes) == (kind, lanes)),
                     None)
        assert match is not None, f"{kind} × {lanes} was not priced: {priced}"
        free.remove(match)


BUILDERS = {"compare": views.compare, "theory": views.theory_view, "range": views.range_view, "basins": views.basins,
            "stopping": views.stopping, "inside": views.inside_view, "noise": views.noise, "race": views.race,
            "momentum": views.momentum, "regression": views.regression}
RUNS = [Run(), Run(etas=(0.1, 0.5), max_iter=300), Run(variant="sgd", seeds=7, max_iter=200, optimizer="momentum"),
        Run(etas=(0.01, 0.2, 0.3), sweep_points=9, max_iter=50),
        Run(objective="ravine", theta0=(4.0, -3.0), eta=0.05, etas=(0.02, 0.1), variant="sgd", max_iter=1200,
            optimizer="adam"),
        Run(objective="linear_regression_2d", theta0=(0.0, 0.0), eta=0.1, max_iter=150),
        Run(objective=CUSTOM, function="x^4/4 - x^2 + 0.3*x", max_iter=200, variant="minibatch", seeds=4),
        Run(objective=CUSTOM, function="(x-1)^2 + 3*(y+2)^2", theta0=(0.0, 0.0), eta=0.05, max_iter=200)]


@pytest.mark.parametrize("run", RUNS, ids=range(len(RUNS)))
def test_every_builder_runs_only_what_it_prices(engine_calls, run):
    """The run above the tabs, the article's loop, one update (which on a surface runs again), every tab this
    objective has and the quiz's guessed run: each call is one the cap priced for the builder that made it."""
    shown = views.headline(run.for_view("headline"))
    if budget.shows_article(run):
        views.article_code(run.for_view("headline"))
    views.step_through(run.for_view("geometry"), shown)
    views.predict(run, views.headline(views.guessed(run, 0.3)), "converges", 1)
    for view in views_of(run.objective, run.function):
        if view in BUILDERS and not (view == "noise" and run.variant == "batch"):
            BUILDERS[view](replace(run, view=view).for_view(view))
    assert_priced(engine_calls, run.max_iter)


def test_the_engine_runs_for_a_pin_only_what_is_priced(engine_calls):
    """A pinned run (tests/test_pin.py) is one lane more, of its own settings."""
    pinned = replace(DEFAULTS, eta=0.5, optimizer="adam", variant="sgd", max_iter=300)
    run = replace(DEFAULTS, max_iter=300, pin=pinned.pinned())
    views.compare(run.for_view("compare"))
    assert sorted(call[:3] for call in engine_calls) == [("shared", 1, 300), ("shared", len(DEFAULTS.etas), 300)]
    assert_priced(engine_calls, 300)


@pytest.mark.parametrize("view", sorted(BUILDERS))
def test_the_page_price_counts_every_lane_of_the_open_view(view):
    """runs() is the run above the tabs (and the article's loop on a built-in curve) plus the lanes of the view's own
    calls, each written out here."""
    run = replace(Run(objective="ravine", theta0=(4.0, -3.0), etas=(0.1, 0.2, 0.3), sweep_points=9, seeds=6,
                      variant="sgd", optimizer="adam"), view=view)
    own = {"compare": 3, "theory": 3 + 9, "range": 1, "basins": 3 * 31 * 31, "stopping": 1, "inside": 2, "noise": 6,
           "race": 6 + 1,
           "momentum": 0, "regression": 1}
    assert budget.runs(run) == 1 + own[view]
    assert budget.runs(replace(DEFAULTS, view="compare")) == 1 + 1 + len(DEFAULTS.etas)  # headline, article, panels


@pytest.mark.parametrize("query", [*({"objective": name} for name in gd.problems()),
                                   {"objective": CUSTOM, "function": "sin(x) + x^2/4"},
                                   {"objective": CUSTOM, "function": "(x-1)^2 + 10*(y+2)^2"}],
                         ids=lambda query: query.get("function", query["objective"]))
def test_every_view_opens_at_its_defaults_and_calls_the_engine_only_inside_priced_builders(engine_calls, query):
    """The page, as a link to each objective opens it, walked through every view it has: no view is refused at the
    objective's own defaults (logistic regression's theory was), nothing is drawn in red, and no engine call escapes
    the cap, the run above the tabs included."""
    app = open_page(query)
    run = Run(objective=query["objective"], function=query.get("function", ""))
    labels = [tab.label for tab in app.tabs]
    assert len(labels) == len(views_of(run.objective, run.function))
    for label in labels:
        app.session_state["view_label.en"] = label
        app.run()
        assert not app.exception and not app.error, (label, [box.value for box in app.error])
    limit = {**surface_defaults(run.objective, run.function)}.get("max_iter", DEFAULTS.max_iter)
    assert_priced(engine_calls, limit)


def test_the_price_is_each_calls_cost_per_update_times_the_limit(compiled_prices, monkeypatch):
    """Written out for the theory view on the parabola: the headline (1 lane), the compared η (5 lanes) and the sweep
    (60 lanes), each a shared run of fixed + per-lane cost per update, and the article's loop in Python floats,
    10,000 updates, on the compiled loop. The table's rows are set to round numbers here, so that the expected prices
    are arithmetic written out by hand, not read back from the table."""
    monkeypatch.setitem(budget.COST_NS, ("quadratic", "batch", "loss_change"), (20, 3, 0))
    monkeypatch.setitem(budget.COST_NS, ("logistic_regression", "sgd", "grad_norm"), (400, 30, 500))
    monkeypatch.setattr(budget, "ARTICLE_NS", 300)
    seconds, megabytes = budget.price(replace(DEFAULTS, view="theory"))
    # headline 20 + 3, article 300, compared η 20 + 5·3, sweep 20 + 60·3: 558 ns per update
    assert seconds == pytest.approx(10_000 * 558 / 1e9, rel=1e-12)
    assert megabytes == pytest.approx((1 + 5 + 60) * 10_001 * 2 * 8 / 1e6)  # θ and J, float64, per run and update
    noisy = replace(DEFAULTS, objective="logistic_regression", variant="sgd", stop="grad_norm", view="noise", seeds=7)
    # headline 400 + 30, article 300, seven seeds with their own samples 7 · 1.4 · 500 = 4,900: 5,630 ns per update
    assert budget.price(noisy)[0] == pytest.approx(10_000 * 5_630 / 1e9, rel=1e-12)


def test_the_range_test_is_priced_at_its_own_updates_on_the_numpy_loop(compiled_prices, monkeypatch):
    """Its growing η is a schedule only the numpy loop has: range_updates × the numpy loop's cost per update, whatever
    the iteration limit and whichever loop is ready; and its histories, 1 × (range_updates + 1) × (θ and J)."""
    monkeypatch.setitem(budget.REFERENCE_NS, ("ravine", "sgd"), (40_000, 1_000, 7))
    run = replace(DEFAULTS, objective="ravine", theta0=(4.0, -3.0), variant="sgd", range_updates=300, view="range")
    headline = budget.price(replace(run, view="predict"))
    seconds, megabytes = budget.price(run)
    assert seconds - headline[0] == pytest.approx(300 * (40_000 + 1_000) / 1e9 * budget.speed(), rel=1e-9)
    assert megabytes - headline[1] == pytest.approx(301 * 3 * 8 / 1e6)
    assert budget.price(replace(run, max_iter=10))[0] - budget.price(replace(run, max_iter=10, view="predict"))[0] \
        == pytest.approx(seconds - headline[0], rel=1e-9)


def test_looking_inside_a_rule_is_its_run_and_a_replay_of_its_first_updates(compiled_prices, monkeypatch):
    """The run (a shared lane on the loop that runs it) and the replay of its first min(limit, INSIDE_UPDATES) updates,
    priced as the numpy loop's; plain descent, which keeps nothing, costs nothing."""
    monkeypatch.setitem(budget.REFERENCE_NS, ("quadratic", "batch"), (20_000, 500, 0))
    monkeypatch.setitem(budget.COST_NS, ("quadratic", "batch", "loss_change"), (20, 3, 0))
    for limit, replayed in ((300, 300), (10_000, INSIDE_UPDATES)):
        run = replace(DEFAULTS, optimizer="adam", max_iter=limit, view="inside")
        alone = budget.price(replace(run, view="predict"))[0]
        assert budget.price(run)[0] - alone == pytest.approx(
            (limit * (20 + 3) + replayed * (20_000 + 500)) / 1e9 * budget.speed(), rel=1e-9)
    assert budget.calls(replace(DEFAULTS, view="inside"), "inside") == ()


def test_newtons_lane_in_the_race_is_priced_as_the_numpy_loop_with_a_hessian_per_update(compiled_prices, monkeypatch):
    """At most NEWTON_UPDATES updates, each the numpy loop's cost and NEWTON_NS for its Hessian."""
    monkeypatch.setitem(budget.REFERENCE_NS, ("ravine", "batch"), (30_000, 1_000, 0))
    monkeypatch.setattr(budget, "NEWTON_NS", 50_000)
    run = replace(DEFAULTS, objective="ravine", theta0=(4.0, -3.0), view="race")
    newton = budget.cost(run, (Call("newton", 1),), reference=False)[0]
    assert newton == pytest.approx(min(run.max_iter, NEWTON_UPDATES) * (30_000 + 1_000 + 50_000) / 1e9
                                   * budget.speed(), rel=1e-12)
    assert budget.calls(run, "race")[-1] == Call("newton", 1)


def test_the_momentum_map_is_priced_per_cell(compiled_prices):
    fixed, per_lane = budget.MOMENTUM_NS
    cells = MOMENTUM_CELLS[0] * MOMENTUM_CELLS[1]
    run = replace(DEFAULTS, objective="ravine", theta0=(4.0, -3.0), view="momentum")
    headline = budget.price(replace(run, view="predict"))[0]
    assert budget.price(run)[0] - headline == pytest.approx(
        200 * ((fixed + per_lane * cells) + (fixed + per_lane)) / 1e9, rel=1e-9)


def test_an_update_is_priced_by_what_it_costs(compiled_prices):
    """Logistic regression (64 examples through exp and log per update) costs far more than the parabola, a
    mini-batch more than the full batch on the parabola (a permutation per epoch), so the cap tells them apart."""
    def per_update(**settings):
        return budget.price(replace(DEFAULTS, view="compare", **settings))[0]

    assert per_update(objective="logistic_regression") > 20 * per_update()
    assert per_update(variant="minibatch", batch_size=64) > 3 * per_update()
    assert all(min(entry) >= 0 and entry[1] > 0 for entry in budget.COST_NS.values())
    samplings = ("batch", "sgd", "minibatch16", "minibatch64")
    typed = ("custom", "custom_2d")  # a typed function's rows, per instruction of its programs (test_page_typed.py)
    assert set(budget.COST_NS) == set(itertools.product((*gd.problems(), *typed), samplings, gd.STOPS))
    assert set(budget.REFERENCE_NS) == set(itertools.product((*gd.problems(), *typed), samplings))


def test_while_the_compiled_loop_is_prepared_runs_are_priced_on_the_numpy_loop(monkeypatch):
    """A fresh server answers from the numpy loop, tens of times slower per update: a view priced on the compiled
    loop alone let a woken server take 11–54 s. Until it is ready, prices are the numpy loop's; a view that fits
    only on the compiled loop is refused as warming (the page says it opens by itself), not as too large."""
    heavy = replace(DEFAULTS, objective="logistic_regression", view="theory")
    ready = budget.price(heavy, reference=False)[0]
    fixed, per_lane, _ = budget.REFERENCE_NS[("logistic_regression", "batch")]
    article = budget.ARTICLE_NS
    by_hand = 10_000 * ((fixed + per_lane) + article + (fixed + per_lane * 5) + (fixed + per_lane * 60)) / 1e9
    monkeypatch.setattr(budget, "warming", lambda: True)
    assert budget.price(heavy)[0] == pytest.approx(by_hand * budget.speed(), rel=1e-12) and by_hand > 5 * ready
    with pytest.raises(WorkCapError) as refused:
        budget.check(heavy)
    assert refused.value.warming
    typed = Run(objective=CUSTOM, view="theory")  # a typed function too, per instruction of its formula
    fixed, per_lane, _ = budget.REFERENCE_NS[("custom", "batch")]
    size = budget.instructions(DEFAULT_FUNCTION)
    by_hand = 10_000 * size * ((fixed + per_lane) + (fixed + per_lane * 5) + (fixed + per_lane * 60)) / 1e9
    assert budget.price(typed)[0] == pytest.approx(by_hand * budget.speed(), rel=1e-12)
    assert budget.price(typed)[0] > 5 * budget.price(typed, reference=False)[0]
    monkeypatch.setattr(budget, "warming", lambda: False)
    budget.check(heavy)
    assert budget.price(typed)[0] == budget.price(typed, reference=False)[0]


def test_a_compiled_loop_that_failed_leaves_the_numpy_loop_under_the_usual_cap(monkeypatch):
    """If compiling fails, the numpy loop answers for good: runs are priced on it and judged by the usual cap, never
    refused as warming (a page would wait for a loop that never comes)."""
    heavy = replace(DEFAULTS, objective="logistic_regression", view="compare")  # fits on the compiled loop only
    on_numpy = budget.price(heavy, reference=True)
    assert budget.price(heavy, reference=False)[0] <= budget.SECONDS < on_numpy[0]
    monkeypatch.setattr(compiled, "_failure", [RuntimeError("no compiler here")])
    assert not budget.warming() and not compiled.ready()
    assert budget.price(heavy) == on_numpy
    with pytest.raises(WorkCapError) as refused:
        budget.check(heavy)
    assert not refused.value.warming and 1 <= refused.value.fits < heavy.max_iter
    budget.check(replace(heavy, max_iter=refused.value.fits))


def test_a_woken_server_runs_only_light_work_until_its_compiled_loop_is_ready(monkeypatch):
    """While the compiled loop is prepared, a run the cap would allow on the numpy loop but priced over WARMING_SECONDS
    waits for it (refused as warming: the page opens it by itself): a woken server's first view stays short."""
    monkeypatch.setattr(budget, "warming", lambda: True)
    run = Run(objective="logistic_regression", epsilon=0.0)
    limits = [10 ** k for k in range(2, 6)]
    allowed = []
    for limit in limits:
        try:
            budget.check_headline(replace(run, max_iter=limit))
            allowed.append(limit)
        except WorkCapError as error:
            assert error.warming and budget.WARMING_SECONDS < error.seconds
    assert allowed == limits[:len(allowed)] and 0 < len(allowed) < len(limits)
    waiting = replace(run, max_iter=limits[len(allowed)])
    assert budget.price(replace(waiting, view="predict"))[0] <= budget.SECONDS  # within the cap: it waits, no more
    monkeypatch.setattr(budget, "warming", lambda: False)
    budget.check_headline(waiting)


def test_the_machine_factor_scales_prices_only_past_the_slack(monkeypatch):
    """A machine measured up to SPEED_SLACK slower than the calibration's is priced as it (a busy core must not flip
    a verdict); a slower one pays its measured factor on every price."""
    run = replace(DEFAULTS, view="theory")
    measure = budget.speed.__wrapped__  # the real measure (speed() itself is cached once per process)
    monkeypatch.setattr(budget, "speed", lambda: 1.0)
    base = budget.price(run)[0]
    monkeypatch.setattr(budget, "speed", lambda: 3.0)
    assert budget.price(run)[0] == pytest.approx(3 * base, rel=1e-12)
    monkeypatch.setattr(budget, "SPEED_SECONDS", 1e6)  # a machine far slower than this one calibrated
    assert measure() == 1.0
    monkeypatch.setattr(budget, "SPEED_SECONDS", 1e-6)  # a machine far faster
    assert measure() > 100


def test_the_cap_refuses_a_view_priced_over_it_and_says_what_fits():
    heavy = Run(objective="logistic_regression", max_iter=100_000, etas=tuple(0.01 * k for k in range(1, 13)),
                sweep_points=200, view="theory")
    with pytest.raises(WorkCapError) as refused:
        budget.check(heavy)
    assert refused.value.runs == 1 + 1 + 12 + 200 and refused.value.limit == 100_000
    assert refused.value.seconds > budget.SECONDS
    fits = refused.value.fits
    assert 1 <= fits < 100_000
    budget.check(replace(heavy, max_iter=fits))
    with pytest.raises(WorkCapError):
        budget.check(replace(heavy, max_iter=fits + 1))


def test_the_run_above_the_tabs_is_priced_alone(monkeypatch):
    """A typed function at the largest limit, on the numpy loop (a fresh server's first seconds): the headline alone is
    over the cap (it took 18 s unpriced)."""
    monkeypatch.setattr(budget, "warming", lambda: True)
    run = Run(objective=CUSTOM, function="(x-2.5)^2-1", max_iter=100_000, epsilon=0.0)
    with pytest.raises(WorkCapError) as refused:
        budget.check_headline(run)
    assert refused.value.runs >= 1 and 1 <= refused.value.fits < 100_000
    budget.check_headline(replace(run, max_iter=refused.value.fits))


def test_memory_alone_can_refuse(compiled_prices):
    """Cheap updates, but 213 histories of 100,000 rows: 341 MB of θ and J, over the 100 MB cap (the article's loop
    keeps none)."""
    heavy = Run(max_iter=100_000, etas=tuple(0.01 * k for k in range(1, 13)), sweep_points=200, view="theory")
    assert budget.price(heavy)[0] < budget.SECONDS
    with pytest.raises(WorkCapError) as refused:
        budget.check(heavy)
    assert refused.value.megabytes == pytest.approx(213 * 100_001 * 16 / 1e6)
    assert refused.value.fits == 100e6 // (213 * 16) - 1 == 29_341  # (limit + 1) rows × 213 × 16 B ≤ 100 MB


@pytest.mark.parametrize("objective", sorted(gd.problems()))
@pytest.mark.parametrize("variant", sorted(gd.VARIANTS))
def test_every_default_view_fits(objective, variant, compiled_prices):
    run = replace(DEFAULTS, objective=objective, variant=variant, **surface_defaults(objective))
    for view in views_of(objective):
        budget.check(replace(run, view=view))


def test_a_wrong_price_is_stopped_during_the_work(monkeypatch):
    """Priced as nothing, a heavy builder is stopped by its processor-time limit (LIMIT_FLOOR, here), with
    gd.WorkLimitError: a wrong price cannot become a page of many seconds."""
    monkeypatch.setattr(budget, "_seconds", lambda *_: 0.0)
    run = replace(DEFAULTS, objective="logistic_regression", max_iter=100_000, epsilon=0.0,
                  etas=tuple(0.01 * k for k in range(1, 13)), view="compare")
    with pytest.raises(gd.WorkLimitError) as stopped:
        views.compare(run.for_view("compare"))
    assert stopped.value.seconds == pytest.approx(budget.LIMIT_FLOOR)


def test_heavy_builders_take_turns_and_light_ones_never_wait():
    """While one heavy builder holds the heavy lane, the lane is taken (a second heavy builder would wait) and a
    light builder passes: checked on the lock's state, not on how quickly a thread runs."""
    heavy = replace(DEFAULTS, objective="logistic_regression", max_iter=100_000)
    assert budget.cost(heavy, budget.calls(heavy, "theory"))[0] > budget.HEAVY_SECONDS
    assert budget.cost(DEFAULTS, budget.calls(DEFAULTS, "headline"))[0] < budget.HEAVY_SECONDS
    inside, release = threading.Event(), threading.Event()

    def first_heavy():
        with budget.metered("theory", heavy):
            inside.set()
            release.wait()

    holder = threading.Thread(target=first_heavy)
    holder.start()
    assert inside.wait(60)  # a hang guard, not a speed
    taken = []
    probe = threading.Thread(target=lambda: taken.append(not budget._HEAVY.acquire(blocking=False)))
    probe.start()
    probe.join()
    light = threading.Thread(target=lambda: budget.metered("headline", DEFAULTS).__enter__())
    light.start()
    light.join(60)
    release.set()
    holder.join()
    assert taken == [True]  # another thread cannot take the lane while a heavy builder holds it
    assert not light.is_alive()  # the light builder entered while the lane was held


def test_a_mini_batch_is_priced_between_its_calibrated_sizes(compiled_prices):
    at = {size: budget.price(replace(DEFAULTS, view="compare", variant="minibatch", batch_size=size))[0]
          for size in (1, 16, 40, 64)}
    assert at[1] == at[16] < at[40] < at[64]
    assert at[40] == pytest.approx(at[16] + (at[64] - at[16]) * (40 - 16) / 48, rel=1e-12)


@pytest.fixture
def compiled_prices(monkeypatch):
    """Prices of a warm server on the calibration's machine (what the figures written out here assume)."""
    monkeypatch.setattr(budget, "warming", lambda: False)
    monkeypatch.setattr(budget, "speed", lambda: 1.0)


def test_the_call_table_names_every_view():
    for view in (*views_of("ravine"), *views_of("linear_regression_2d"), "headline", "article"):
        assert isinstance(budget.calls(replace(DEFAULTS, objective="ravine"), view), tuple)
    assert budget.calls(DEFAULTS, "geometry") == () and budget.calls(DEFAULTS, "predict") == ()
    assert budget.calls(replace(DEFAULTS, objective="ravine"), "geometry") == (Call("shared", 1),)
