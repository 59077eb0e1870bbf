"""A registry entry: a named factory with its hyperparameters, display text and formula."""

from collections.abc import Callable
from dataclasses import dataclass

from gd.params import check_all
from gd.text import Described


@dataclass(frozen=True)
class Entry(Described):
    kind: str
    name: str
    latex: str
    factory: Callable
    hyperparameters: tuple = ()

    def build(self, **values):
        """The object the factory makes, after every hyperparameter is checked against its range."""
        return self.factory(**check_all(self.hyperparameters, values))
