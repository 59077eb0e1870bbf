"""The work cap: what one page view may cost, refused before any work starts.

A view's cost is counted in η-updates: the runs it makes (each up to the iteration limit) times the limit.
"""

from gd.lab.controls import Run

MAX_WORK = 5_000_000  # η-updates one view may cost


class WorkCapError(Exception):
    """A view that would cost more than MAX_WORK: its .runs × .limit = .work, and .fits, the largest iteration limit
    that would fit."""

    def __init__(self, run: Run, runs: int):
        self.runs, self.limit, self.work, self.fits = runs, run.max_iter, runs * run.max_iter, MAX_WORK // runs
        super().__init__(f"{self.work:,} η-updates ({runs} runs × {run.max_iter:,}) is over the cap of {MAX_WORK:,}")


def runs(run: Run) -> int:
    """How many runs the open view makes, the headline run included (each up to max_iter updates)."""
    return 1 + {"compare": len(run.etas), "theory": len(run.etas) + run.sweep_points, "stopping": 1,
                "geometry": 0, "noise": run.seeds, "predict": 1}[run.view]


def check(run: Run) -> None:
    """Raise WorkCapError if the open view would cost more than MAX_WORK η-updates."""
    count = runs(run)
    if count * run.max_iter > MAX_WORK:
        raise WorkCapError(run, count)
