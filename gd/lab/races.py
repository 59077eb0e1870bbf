"""The optimizer race on a surface: every update rule from the same start, each with its own η (found by eta(), a
search of GRID kept in controls.RACE_ETAS), drawn on one map (chart) and as J − J* against updates (gap_chart), both up
to the player's parameter STEP."""

import altair as alt
import numpy as np
import pandas as pd

import gd
from gd.lab import frames, maps
from gd.lab.charts import FIT_WIDTH, STEP, log_axis, played, player_param, relabelled, series
from gd.lab.controls import race_etas
from gd.lab.text import t

HEIGHT = 300  # px: the race's map, its legend below
GRID = tuple(m * 10.0**e for e in range(-4, 1) for m in (1, 2, 5)) + (10.0,)  # 1e-4, 2e-4, 5e-4, … 5, 10
# Each rule's default η: controls.RACE_ETAS, which eta() re-derives (tests/test_maps.py).
ARRIVAL = 0.01  # a race run arrives when it ends this share of the map's width from a minimizer or saddle


def arrived(result) -> bool:
    """The run converged (gd's status) and ended near a stationary point: within ARRIVAL of the map's width."""
    problem = result.settings.problem
    box = maps.map_box(problem)
    stationary = np.asarray(list(problem.minimizers) + list(problem.saddles), dtype=float)
    distance = np.min(np.linalg.norm(stationary - np.asarray(result.theta), axis=1))
    return result.status == "converged" and bool(distance <= ARRIVAL * (box[1] - box[0]))


def eta(objective: str, optimizer: str, grid=GRID, **keywords) -> float | None:
    """The η of grid with which the rule arrives (arrived()) in the fewest updates, the smallest on a tie; None if
    none does. One vectorized run of the whole grid."""
    results = [result for result in gd.compare(list(grid), objective, optimizer=optimizer, **keywords)
               if arrived(result)]
    return min(results, key=lambda result: (result.iterations, result.eta)).eta if results else None


def runs(objective: str, etas: dict[str, float] | None = None, **keywords) -> list:
    """Every update rule of gd.OPTIMIZERS, in its order, from the same start on the same surface, each with its η
    (controls.race_etas by default): one gd.minimize each."""
    etas = etas or race_etas(objective)
    return [gd.minimize(objective, eta=etas[name], optimizer=name, **keywords) for name in gd.OPTIMIZERS]


def paths(results) -> pd.DataFrame:
    """Every run's path (frames.path()), with its rule and η: rule, eta, k, x, y, loss, grad_x, grad_y."""
    return pd.concat([frames.path(result).assign(rule=result.settings.optimizer.name, eta=result.eta)
                      for result in results], ignore_index=True)


def gaps(results) -> pd.DataFrame:
    """J(θ_k) − J* against k for every run, thinned, floored at frames.GAP_FLOOR (a log axis has no zero): rule,
    k, gap."""
    parts = []
    for result in results:
        k = frames.thin(len(result.losses))
        with np.errstate(all="ignore"):
            gap = np.asarray(result.losses)[k] - result.settings.problem.min_value
        keep = np.isfinite(gap)
        parts.append(pd.DataFrame({"rule": result.settings.optimizer.name, "k": k[keep],
                                   "gap": np.maximum(gap[keep], frames.GAP_FLOOR)}))
    return pd.concat(parts, ignore_index=True)


def _rule_channels(rules: list[str]) -> tuple:
    """Each rule's colour, shape and dash (charts.series), its legend below in the page's language."""
    names = {rule: t(f"optimizer.{rule}.title") for rule in rules}
    return series("rule:N", rules, t("map.rule"), {  # titled: Streamlit retitles an untitled colour only, and
        # channels with different titles would draw two legends
        "orient": "bottom", "labelExpr": relabelled(names), "labelLimit": 0,
        "columns": 1, "symbolStrokeWidth": 2})  # a rule's name is long: one a row, whole on the narrowest phone


def chart(surface: maps.SurfaceMap, routes: pd.DataFrame, step: int, description: str = "") -> dict:
    """Every rule's path on one map (paths()), each in its colour and dash, drawn up to the parameter STEP
    (starting at step), each head marked with the rule's shape: the chart holds every step, the page moves only the
    parameter (at())."""
    x, y = maps.axes(surface)
    rules = list(dict.fromkeys(routes["rule"]))
    color, shape, dash = _rule_channels(rules)
    shown = alt.Chart(routes[["rule", "eta", "k", "x", "y", "loss"]]).transform_filter(f"datum.k <= {STEP}")
    tooltip = [alt.Tooltip("rule:N", title=t("map.rule")), alt.Tooltip("eta:Q", title="η", format=".4g"),
               *maps.path_tooltip(surface)[:4]]
    layers = [
        shown.mark_line(strokeWidth=1.8, clip=True).encode(x=x, y=y, color=color, strokeDash=dash.legend(None),
                                                           detail="rule:N",
                                                           order="k:Q", tooltip=tooltip),
        maps.heads(shown, ["rule"]).mark_point(size=110, filled=True, opacity=1, stroke="white", strokeWidth=1,
                                               clip=True).encode(x=x, y=y, color=color.legend(None),
                                                                 shape=shape.legend(None),
                                                                 tooltip=tooltip)]  # one legend, the colours': a
    # dash legend does not merge with it on a map (two legends); the gap chart beside it gives each colour its shape
    return maps.map_chart(surface, layers, step=step, height=HEIGHT, description=description)


def gap_chart(gaps: pd.DataFrame, step: int, description: str = "") -> dict:
    """J − J* on a log scale against updates (a symmetric log axis, as the rules take tens to thousands of updates),
    one line per rule in its colour and dash, with a rule at the parameter STEP and each run's value there in its
    shape."""
    rules = list(dict.fromkeys(gaps["rule"]))
    color, shape, dash = _rule_channels(rules)
    scale, axis = log_axis(1.0, float(max(int(gaps["k"].max()), 1)), t("chart.unit.k"))
    x = alt.X("k:Q", scale=scale, axis=axis)
    y = alt.Y("gap:Q", title=t("chart.gap"), scale=alt.Scale(type="log"))
    tooltip = [alt.Tooltip("rule:N", title=t("map.rule")), alt.Tooltip("k:Q", title="k"),
               alt.Tooltip("gap:Q", title=t("chart.gap"), format=".3g")]
    base = alt.Chart(gaps)
    return played(alt.layer(
        base.mark_line(strokeWidth=1.8, clip=True).encode(x=x, y=y, color=color, strokeDash=dash, tooltip=tooltip),
        maps.heads(base.transform_filter(f"datum.k <= {STEP}"), ["rule"]).mark_point(
            size=60, filled=True, opacity=1, clip=True).encode(x=x, y=y, color=color.legend(None),
                                                               shape=shape.legend(None),
                                                               tooltip=tooltip),
        alt.Chart(pd.DataFrame({"k": [0]})).transform_calculate(k=STEP).mark_rule(
            color="#555", strokeDash=[4, 4], aria=False).encode(x="k:Q"),
    ).add_params(player_param(STEP)).properties(height=maps.SIDE_HEIGHT, width="container", autosize=FIT_WIDTH,
                                                description=description).to_dict(), step=step)
