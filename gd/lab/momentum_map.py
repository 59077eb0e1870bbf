"""Momentum's map over (η, β), after Distill's "Why Momentum Really Works": the measured rate per update of heavy-ball
momentum at every cell of a grid (theory.momentum_map), fast to slow, with theory's best pair and the chosen one."""

import functools

import altair as alt
import numpy as np
import pandas as pd

from gd import theory
from gd.lab import maps
from gd.lab.charts import FIT_WIDTH, PATH_COLOR
from gd.lab.controls import MOMENTUM_CELLS
from gd.lab.format import number, rounded
from gd.lab.text import t

LARGEST_ETA = 0.45  # the grid's largest η on the ravine: past 2(1 + β)/λmax = 0.4 at β = 1, every run diverges
LARGEST_BETA = 0.99  # the grid's largest β


def grid(cells=MOMENTUM_CELLS) -> tuple[np.ndarray, np.ndarray]:
    """The centres of the (η, β) grid's cells: η evenly from 0 (excluded) to LARGEST_ETA, β from 0 to
    LARGEST_BETA (both ends in)."""
    columns, rows = cells
    return np.arange(1, columns + 1) * (LARGEST_ETA / columns), np.linspace(0.0, LARGEST_BETA, rows)


@functools.lru_cache(maxsize=4)
def rates(cells=MOMENTUM_CELLS, objective: str = "ravine") -> theory.MomentumMap:
    """theory.momentum_map over grid(cells), once per process."""
    etas, betas = grid(cells)
    return theory.momentum_map(etas, betas, objective)


def _edges(centres: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's low and high edge: halfway to its neighbours, as wide as its neighbour at the ends."""
    middle = (centres[1:] + centres[:-1]) / 2
    return (np.concatenate([[centres[0] - (middle[0] - centres[0])], middle]),
            np.concatenate([middle, [centres[-1] + (centres[-1] - middle[-1])]]))


def cells(rates: theory.MomentumMap) -> pd.DataFrame:
    """One rect per (η, β): column, row (its place in the grid), eta, beta (its centre), eta_low, eta2, beta_low,
    beta2 (its edges), rate (nan where it is 1 or more), diverges."""
    eta_low, eta_high = _edges(rates.etas)
    beta_low, beta_high = _edges(rates.betas)
    row, column = np.meshgrid(np.arange(len(rates.betas)), np.arange(len(rates.etas)), indexing="ij")
    row, column = row.ravel(), column.ravel()
    rate = rates.rates.ravel()
    diverges = ~(rate < 1)
    return pd.DataFrame({"column": column, "row": row, "eta": rates.etas[column], "beta": rates.betas[row],
                         "eta_low": eta_low[column],
                         "eta2": eta_high[column], "beta_low": beta_low[row], "beta2": beta_high[row],
                         "rate": np.where(diverges, np.nan, rate), "diverges": diverges})


def chart(rates: theory.MomentumMap, chosen: tuple[float, float] | None = None, description: str = ""
          ) -> dict:
    """Distill's map: the measured rate per update of heavy-ball momentum at every (η, β), a sequential scheme from
    fast (dark) to slow, rates of 1 or more drawn as "diverges"; theory's best pair marked, and chosen (η, β)."""
    shown = cells(rates)
    x = alt.X("eta_low:Q", title="η", scale=alt.Scale(domain=[0, float(shown["eta2"].max())], nice=False))
    y = alt.Y("beta_low:Q", title="β", scale=alt.Scale(domain=[0, float(shown["beta2"].max())], nice=False))
    tooltip = [alt.Tooltip("eta:Q", title="η", format=".4g"), alt.Tooltip("beta:Q", title="β", format=".4g"),
               alt.Tooltip("rate:Q", title=t("map.rate"), format=".4f")]
    # the chart receives only each cell's place and rate; its edges and centre come from the grid, looked up by place
    eta_low, eta_high = _edges(rates.etas)
    beta_low, beta_high = _edges(rates.betas)
    lookups = {"eta": (rates.etas, "column"), "eta_low": (eta_low, "column"), "eta2": (eta_high, "column"),
               "beta": (rates.betas, "row"), "beta_low": (beta_low, "row"), "beta2": (beta_high, "row")}
    compact = shown[["column", "row"]].assign(rate=np.round(shown["rate"], 6))
    base = alt.Chart(compact).transform_calculate(**{
        name: f"{[float(value) for value in rounded(values)]}[datum.{place}]"
        for name, (values, place) in lookups.items()}).encode(x=x, x2="eta2:Q", y=y, y2="beta2:Q")
    low = float(np.floor(rates.best_rate * 20) / 20)
    points = pd.DataFrame([{"eta": rates.best[0], "beta": rates.best[1], "kind": "best",
                            "label": t("map.momentum.best", rate=number(rates.best_rate, 4))}]
                          + ([] if chosen is None else
                             [{"eta": chosen[0], "beta": chosen[1], "kind": "chosen",
                               "label": t("map.momentum.chosen")}]))
    point_x = alt.X("eta:Q", scale=alt.Scale(domain=[0, float(shown["eta2"].max())], nice=False))
    point_y = alt.Y("beta:Q", scale=alt.Scale(domain=[0, float(shown["beta2"].max())], nice=False))
    marks = alt.Chart(points).encode(x=point_x, y=point_y, tooltip=[
        alt.Tooltip("label:N", title=""), alt.Tooltip("eta:Q", title="η", format=".4g"),
        alt.Tooltip("beta:Q", title="β", format=".4g")])
    return alt.layer(
        base.transform_filter("isValid(datum.rate)").mark_rect(strokeWidth=0).encode(
            color=alt.Color("rate:Q", title=t("map.rate"),
                            scale=alt.Scale(scheme="viridis", domain=[low, 1.0], clamp=True),
                            legend=alt.Legend(orient="bottom", gradientLength=160)), tooltip=tooltip),
        base.transform_filter("!isValid(datum.rate)").mark_rect(strokeWidth=0, color="#e6e0dc").encode(
            tooltip=[tooltip[0], tooltip[1], alt.Tooltip("label:N", title="")]).transform_calculate(
            label=f"'{t('map.diverges')}'"),
        marks.transform_filter(alt.datum.kind == "best").mark_point(shape="diamond", size=160, filled=True,
                                                                    color="white", stroke="black", strokeWidth=1.5),
        marks.transform_filter(alt.datum.kind == "chosen").mark_point(shape="circle", size=140, filled=False,
                                                                      color=PATH_COLOR, strokeWidth=2.5),
    ).properties(height=maps.MAP_HEIGHT, width="container", autosize=FIT_WIDTH, description=description).to_dict()
