"""What every test module shares."""

import pytest

from gd import compiled


@pytest.fixture(scope="session", autouse=True)
def compiled_loop_ready():
    """The compiled loop ready before any test, as on a server past its first seconds: until then the work cap prices
    runs on the numpy loop (tests that need that state ask for it with budget.warming patched)."""
    compiled.wait()
