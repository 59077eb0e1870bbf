"""Settings for the whole suite: nothing in it may depend on how fast this machine is at the moment.

Hypothesis judges speed by default (an example over 200 ms fails as DeadlineExceeded; a strategy slow to draw
fails the too_slow health check): on a machine whose cores are busy with other work, either can fail a test that
is right. The suite's profile turns both off; a test asserts what a run computes, never how long it took.
"""

from hypothesis import HealthCheck, settings

settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("suite")
