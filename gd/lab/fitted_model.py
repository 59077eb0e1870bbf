"""Regression you can see: a 2-D regression's data with the model fitted at update k (the line w·x + b, or the sigmoid
σ(w·x + b)), beside the (w, b) map of the same run, both up to the player's parameter STEP."""

import altair as alt
import numpy as np
import pandas as pd

from gd.lab import maps
from gd.lab.charts import CURVE_COLOR, FIT_WIDTH, PATH_COLOR, STEP, played, player_param
from gd.lab.format import number, rounded
from gd.lab.text import t

FIT_POINTS = 9  # points of each update's sigmoid, drawn through by a monotone curve (a line needs two)


def logistic(problem) -> bool:
    """Whether a regression (built-in, or on a learner's rows) is the logistic one: its compiled form says."""
    return problem.compiled[0] == "logistic_regression_2d"


def data(problem) -> pd.DataFrame:
    """A regression's examples as its model sees them (a learner's x standardised if they chose it): x, y (the
    target; for the logistic regression the label, 0 or 1)."""
    x, target = problem.compiled[1]
    return pd.DataFrame({"x": x, "y": (target + 1) / 2 if logistic(problem) else target})


def x_title(problem) -> str:
    """The data's x axis: x, or the standardised (x − x̄)/s with the learner's own mean and deviation."""
    if not getattr(problem, "standardized", False):
        return "x"
    return t("data.standardized_axis", mean=number(problem.centre, 4), deviation=number(problem.scale, 4))


def fits(result, route: pd.DataFrame) -> pd.DataFrame:
    """The fitted model at each k of a path (frames.path()): k, x, fit, with (w, b) = θ_k: the line w·x + b at the ends
    of the data (linear), or the sigmoid σ(w·x + b) at FIT_POINTS points across them (logistic)."""
    problem = result.settings.problem
    xs = data(problem)["x"]
    is_logistic = logistic(problem)
    grid = np.linspace(xs.min(), xs.max(), FIT_POINTS if is_logistic else 2)
    w, b = route["x"].to_numpy()[:, None], route["y"].to_numpy()[:, None]
    with np.errstate(all="ignore"):
        z = w * grid[None, :] + b
        fit = 1 / (1 + np.exp(-z)) if is_logistic else z
    return pd.DataFrame({"k": np.repeat(route["k"].to_numpy(), len(grid)), "x": np.tile(grid, len(route)),
                         "fit": fit.ravel()})


def chart(data: pd.DataFrame, fitted: pd.DataFrame, step: int, logistic: bool, description: str = "",
          x_title: str = "x") -> dict:
    """The data points with the model fitted at the last update up to the parameter STEP (starting at step): the
    line (linear) or the sigmoid (logistic). The same STEP as the (w, b) map beside it (panel(…, step=…))."""
    x = alt.X("x:Q", title=x_title, scale=alt.Scale(nice=False, zero=False))
    y_title = t("map.label") if logistic else "y"
    y_scale = alt.Scale(domain=[-0.05, 1.05]) if logistic else alt.Scale(zero=False)
    shown = alt.Chart(fitted.assign(x=rounded(fitted["x"]), fit=rounded(fitted["fit"]))).transform_filter(
        f"datum.k <= {STEP}")
    return played(alt.layer(
        alt.Chart(data).mark_circle(size=28, color=CURVE_COLOR, opacity=0.8).encode(
            x=x, y=alt.Y("y:Q", title=y_title, scale=y_scale),
            tooltip=[alt.Tooltip("x:Q", format=".4g"), alt.Tooltip("y:Q", title=y_title, format=".4g")]),
        maps.heads(shown).mark_line(color=PATH_COLOR, strokeWidth=2, clip=True,
                                    interpolate="monotone" if logistic else "linear").encode(
            x=x, y=alt.Y("fit:Q", scale=y_scale), order="x:Q",
            tooltip=[alt.Tooltip("k:Q", title="k"), alt.Tooltip("x:Q", format=".4g"),
                     alt.Tooltip("fit:Q", title=t("map.fit"), format=".4g")]),
    ).add_params(player_param(STEP)).properties(height=maps.SIDE_HEIGHT, width="container", autosize=FIT_WIDTH,
                                                description=description).to_dict(), step=step)
