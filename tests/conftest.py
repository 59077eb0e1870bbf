"""What the whole suite shares: nothing in it may depend on how fast this machine is at the moment, and it runs as
on a server past its first seconds.

Hypothesis judges speed by default (an example over 200 ms fails as DeadlineExceeded; a strategy slow to draw
fails the too_slow health check): on a machine whose cores are busy with other work, either can fail a test that
is right. The suite's profile turns both off; a test asserts what a run computes, never how long it took.
"""

import pytest
from hypothesis import HealthCheck, settings

from gd import compiled
from gd.lab import heavy, state

settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("suite")


@pytest.fixture(scope="session", autouse=True)
def compiled_loop_ready():
    """The compiled loop ready before any test, as on a server past its first seconds: until then the work cap prices
    runs on the numpy loop (tests that need that state ask for it with budget.warming patched)."""
    compiled.wait()


@pytest.fixture(scope="session", autouse=True)
def never_idle():
    """The page's idle give-back off (dashboard.py, last_run): AppTest runs the page in the suite's own process, where
    its watcher thread stopped the heavy worker and dropped the caches under whatever test ran a minute after the
    last page (on a loaded CI run, tests/test_heavy.py's worker between its build and its assert)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(state, "IDLE_SECONDS", 10**9)  # the watcher sleeps a quarter of it between looks
        yield


@pytest.fixture(autouse=True)
def views_built_here(request, monkeypatch):
    """Every view built in the test's own process, except in tests marked worker (tests/test_heavy.py): what a test
    compares is a view's content, and the worker runs niced, so beside busy processes of normal priority (a busy CI
    machine) it gets a sliver of a core and one heavy view takes minutes."""
    if request.node.get_closest_marker("worker") is None:
        monkeypatch.setattr(heavy, "ENABLED", False)
