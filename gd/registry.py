"""A registry entry: a named factory with its hyperparameters, display text and formula."""

from collections.abc import Callable
from dataclasses import dataclass

from gd.text import Described


@dataclass(frozen=True)
class Entry(Described):
    kind: str
    name: str
    latex: str
    build: Callable  # a factory made with gd.params.checked: keyword-only, validated

    @property
    def hyperparameters(self) -> tuple:
        return self.build.hyperparameters
