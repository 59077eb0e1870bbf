"""Gradient descent you can watch: the engine of the lab (numpy, and numba for the compiled loop)."""

from gd.inside import replay
from gd.lr_range import range_test
from gd.objectives import OBJECTIVES
from gd.optimizers import OPTIMIZERS
from gd.run import Result, compare, each_stop, gradient, minimize, seeds, starts
from gd.schedules import SCHEDULES
from gd.settings import Settings, problems
from gd.stopping import STATUSES, STOPS
from gd.surfaces import SURFACES
from gd.typed import parse_objective
from gd.variants import VARIANTS
from gd.work import WorkLimitError, cpu_limit

__all__ = ["OBJECTIVES", "OPTIMIZERS", "SCHEDULES", "STATUSES", "STOPS", "SURFACES", "VARIANTS",
           "Result", "Settings", "WorkLimitError", "compare", "cpu_limit", "each_stop", "gradient", "minimize",
           "parse_objective", "problems", "range_test", "replay", "seeds", "starts"]
