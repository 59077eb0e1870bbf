"""What a run depends on besides η: the objective, the start, the variant, the rules and the limits, checked once.

Both loops read a Settings: the numpy one in gd.run and the compiled one in gd.compiled, which gd.run calls; neither
imports the other for it.
"""

from dataclasses import dataclass

from gd.objectives import OBJECTIVES, Objective
from gd.optimizers import OPTIMIZERS, UpdateRule
from gd.params import BATCH_SIZE, EPSILON, MAX_ITER, SEED, THETA0, choose, start_point
from gd.schedules import SCHEDULES, Schedule
from gd.stopping import STOPS, StopRule
from gd.surfaces import SURFACES
from gd.variants import VARIANTS


class _Start:
    """theta0's default: the objective's own start (THETA0's default for the curves). Not None, which is refused."""

    def __repr__(self):
        return "START"


START = _Start()


def problems() -> dict[str, Objective]:
    """Every objective a run may name: the curves (OBJECTIVES), then the surfaces (SURFACES)."""
    return {**OBJECTIVES, **SURFACES}


@dataclass(frozen=True)
class Settings:
    """Everything a run depends on except η, validated on construction. theta0: a number for a 1-D objective, a
    pair (x, y) for a 2-D one (kept as a tuple of floats); by default (START) the objective's start, else THETA0's
    default."""

    objective: str | Objective = "quadratic"  # a name in problems(), or an Objective such as gd.parse_objective's
    theta0: float | tuple[float, ...] = START
    epsilon: float = EPSILON.default
    variant: str = "batch"
    batch_size: int = BATCH_SIZE.default
    optimizer: UpdateRule | str = "gd"
    schedule: Schedule | str = "constant"
    stop: str = "loss_change"
    max_iter: int = MAX_ITER.default
    seed: int = SEED.default

    def __post_init__(self):
        def put(name, value):
            object.__setattr__(self, name, value)

        if not isinstance(self.objective, Objective):
            put("objective", choose("objective", self.objective, problems()))
        start = self.problem.start if self.problem.start is not None else THETA0.default
        put("theta0", start_point(start if self.theta0 is START else self.theta0, self.problem.dim))
        put("epsilon", EPSILON.check(self.epsilon))
        put("variant", choose("variant", self.variant, VARIANTS))
        put("batch_size", BATCH_SIZE.check(self.batch_size))  # a larger one than the data is all of it (variants)
        if not isinstance(self.optimizer, UpdateRule):
            put("optimizer", OPTIMIZERS[choose("optimizer", self.optimizer, OPTIMIZERS)].build())
        if not isinstance(self.schedule, Schedule):
            put("schedule", SCHEDULES[choose("schedule", self.schedule, SCHEDULES)].build())
        put("stop", choose("stop", self.stop, STOPS))
        put("max_iter", MAX_ITER.check(self.max_iter))
        put("seed", SEED.check(self.seed))

    @property
    def problem(self) -> Objective:
        return self.objective if isinstance(self.objective, Objective) else problems()[self.objective]

    @property
    def rule(self) -> StopRule:
        return STOPS[self.stop]
