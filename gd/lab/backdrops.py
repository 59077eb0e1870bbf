"""What a run is drawn on: the objective's curve in one dimension, its map (contours) on a surface.

A side-by-side panel is the same in either: the path from θ₀, where it leaves the plot and the notes that say so,
the title and the η's colour, and a pinned run's path under it. So views draw panels through a backdrop (of)
without asking the dimension."""

from dataclasses import dataclass

import pandas as pd

from gd.lab import charts, frames, maps
from gd.lab.text import t


@dataclass(frozen=True)
class Curve:
    """J over θ, sampled (frames.curve), and the plot's box (low, high, bottom, top)."""

    curve: pd.DataFrame
    box: tuple[float, float, float, float]

    def escapes(self, result) -> pd.DataFrame:
        return frames.escapes(result, self.box)

    def panel(self, result, edges: pd.DataFrame, title: str, notes: list[str], color: str,
              pin: charts.Pin | None = None, clickable: bool = False) -> dict:
        return charts.panel(self.curve, self.box, frames.path(result), edges, title, notes, color,
                            charts.describe_panel(result, title, "describe.panel"), pin, clickable).to_dict()

    def caption(self) -> str:
        """What a panel's marks mean."""
        return t("section.compare.caption")

    def click(self) -> str:
        """What a click on a panel does."""
        return t("section.compare.click")


@dataclass(frozen=True)
class Map:
    """The surface's map: its contours, its box and what its legend says (maps.surface_map)."""

    surface: maps.SurfaceMap

    def escapes(self, result) -> pd.DataFrame:
        return maps.escapes(result, self.surface.box)

    def panel(self, result, edges: pd.DataFrame, title: str, notes: list[str], color: str,
              pin: charts.Pin | None = None, clickable: bool = False) -> dict:
        return maps.panel(self.surface, frames.path(result), edges, title, color, notes=notes,
                          description=charts.describe_panel(result, title, "describe.map"), pin=pin,
                          clickable=clickable)

    def caption(self) -> str:
        return maps.legend_note(self.surface)

    def click(self) -> str:
        return t("section.compare.click.map")


def of(settings) -> Curve | Map:
    """The backdrop of a run's settings: its objective's curve, or on a surface its map."""
    if settings.problem.dim > 1:
        return Map(maps.surface_map(settings.objective))
    curve = frames.curve(settings.problem)
    return Curve(curve, frames.box(curve))
