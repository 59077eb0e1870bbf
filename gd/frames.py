"""Tidy pandas frames from Results: one row per observation, thinned for display.

Charts get at most PATH_POINTS points per run; the table and the CSV keep every exact value.
"""

import io

import numpy as np
import pandas as pd

from gd.explain import number, precise, updates
from gd.stopping import STATUSES
from gd.text import t

PATH_POINTS = 200  # points per run a chart receives
CURVE_POINTS = 141  # the article's np.linspace(-1, 6, 141)
GAP_FLOOR = 1e-16  # J − J* below this is drawn at this height (a log axis has no zero)


def thin(count: int, limit: int = PATH_POINTS) -> np.ndarray:
    """Indices 0…count−1 to draw: all of them when few, else the first half densely and the rest
    log-spaced, always with the last one, because the early steps are where runs differ."""
    if count <= limit:
        return np.arange(count)
    head = np.arange(limit // 2)
    tail = np.geomspace(limit // 2, count - 1, limit - limit // 2).round().astype(int)
    return np.unique(np.concatenate([head, tail, [count - 1]]))


def curve(problem, points: int = CURVE_POINTS) -> pd.DataFrame:
    theta = np.linspace(*problem.plot_range, points)
    return pd.DataFrame({"theta": theta, "loss": problem.value(theta[:, None])})


def panel_title(result, language: str = "en") -> str:
    """"η = 0.1 · 45 updates · converged": what a panel shows, in its title."""
    if result.status == "diverged":
        return t("panel.diverged", language, eta=number(result.eta), update=f"{result.iterations:,}")
    return t("panel.title", language, eta=number(result.eta), updates=updates(result.iterations, language),
             status=t(f"status.{result.status}", language))


def trajectories(results, language: str = "en") -> pd.DataFrame:
    """Each run's visited points up to where it first leaves the plotted range, thinned."""
    problem = results[0].settings.problem
    low, high = problem.plot_range
    frames = []
    for result in results:
        history = np.asarray(result.history)
        inside = np.isfinite(result.losses) & (history >= low) & (history <= high)
        shown = len(inside) if inside.all() else int(np.argmin(inside))
        k = thin(shown)
        theta = history[k]
        frames.append(pd.DataFrame({
            "panel": panel_title(result, language), "eta": result.eta, "k": k, "theta": theta,
            "loss": np.asarray(result.losses)[k], "grad": problem.grad(theta[:, None])[:, 0]}))
    return pd.concat(frames, ignore_index=True)


def gaps(results) -> pd.DataFrame:
    """J(θ_k) − J* against k for each run (floored at GAP_FLOOR), thinned."""
    floor = results[0].settings.problem.min_value
    frames = []
    for result in results:
        k = thin(len(result.losses))
        with np.errstate(all="ignore"):
            gap = np.asarray(result.losses)[k] - floor
        frames.append(pd.DataFrame({"eta": f"{result.eta:g}", "k": k, "gap": np.maximum(gap, GAP_FLOOR),
                                    "status": result.status}))
    frame = pd.concat(frames, ignore_index=True)
    return frame[np.isfinite(frame["gap"])]


def summary(results) -> pd.DataFrame:
    """One row per run with the exact final values."""
    return pd.DataFrame({
        "eta": [result.eta for result in results],
        "updates": [result.iterations for result in results],
        "theta": [result.theta for result in results],
        "loss": [result.loss for result in results],
        "grad": [result.grad for result in results],
        "status": pd.Categorical([result.status for result in results], categories=STATUSES),
    })


def sweep(results) -> pd.DataFrame:
    """The grid search per η: updates, final |dJ| (floored at GAP_FLOOR for the log axis) and status."""
    table = summary(results)
    return table.assign(grad=np.maximum(table["grad"].abs(), GAP_FLOOR))


def shown(table: pd.DataFrame) -> pd.DataFrame:
    """The summary as the page shows it: numbers as text with ten significant digits, so that huge and
    tiny values read the same way everywhere (the CSV keeps full precision)."""
    return table.assign(**{column: table[column].map(precise) for column in ("eta", "theta", "loss", "grad")},
                        status=table["status"].map(lambda status: t(f"status.{status}")))


def best_eta(frame: pd.DataFrame) -> float | None:
    """The η that converged in the fewest updates (the smallest such η on a tie), if any did."""
    converged = frame[frame["status"] == "converged"]
    if converged.empty:
        return None
    return float(converged.sort_values(["updates", "eta"]).iloc[0]["eta"])


def csv(results) -> bytes:
    """Every point of every run: columns eta, k, theta, loss, grad."""
    problem = results[0].settings.problem
    frames = [pd.DataFrame({"eta": result.eta, "k": np.arange(len(result.history)), "theta": result.history,
                            "loss": result.losses, "grad": problem.grad(np.asarray(result.history)[:, None])[:, 0]})
              for result in results]
    buffer = io.StringIO()
    with np.errstate(all="ignore"):
        pd.concat(frames, ignore_index=True).to_csv(buffer, index=False, float_format="%.17g")
    return buffer.getvalue().encode()
