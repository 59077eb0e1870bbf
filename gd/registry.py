"""A registry entry: a named factory with its hyperparameters and its formula in LaTeX."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    kind: str
    name: str
    latex: str
    build: Callable  # a factory made with gd.params.checked: keyword-only, validated

    @property
    def hyperparameters(self) -> tuple:
        return self.build.hyperparameters
