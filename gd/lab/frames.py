"""Tidy pandas frames from Results: one row per observation, thinned for display.

Charts get at most PATH_POINTS points per run and the CSV at most CSV_POINTS, each value exact; the table
keeps every run's final values.
"""

import io

import numpy as np
import pandas as pd

from gd.lab.format import number, number_text, precise, updates
from gd.lab.text import t
from gd.run import gradient
from gd.stopping import STATUSES
from gd.theory import at_minimum

PATH_POINTS = 200  # points per run a chart receives
CSV_POINTS = 2_000  # points per run the CSV holds: 12 runs make up to 2.2 MB on a curve, 3.4 MB on a surface
CURVE_POINTS = 141  # the article's np.linspace(-1, 6, 141)
GAP_FLOOR = 1e-16  # J − J* below this is drawn at this height (a log axis has no zero)
GAP_CEILING = 1e300  # and the convergence chart's axis ends by this (a thousand times a start near 1e308 is inf)
CUT_SPREAD = 3.0  # a curve's plot reaches this many times the spread of its middle 90 % of J beyond it (window)


def thin(count: int, limit: int = PATH_POINTS) -> np.ndarray:
    """Indices 0…count−1 to draw: all of them when few, else the first half densely and the rest
    log-spaced, always with the last one, because the early steps are where runs differ."""
    if count <= limit:
        return np.arange(count)
    head = np.arange(limit // 2)
    tail = np.geomspace(limit // 2, count - 1, limit - limit // 2).round().astype(int)
    return np.unique(np.concatenate([head, tail, [count - 1]]))


def curve(problem, points: int = CURVE_POINTS, zoom: int = 0) -> pd.DataFrame:
    """J over the plot range, or over 2^zoom times its width around the same centre."""
    low, high = problem.plot_range
    centre, half = (low + high) / 2, (high - low) / 2 * 2.0**zoom
    theta = np.linspace(centre - half, centre + half, points) if zoom else np.linspace(low, high, points)
    with np.errstate(all="ignore"):
        return pd.DataFrame({"theta": theta, "loss": problem.value(theta[:, None]), "zoom": zoom})


def zooms(history, plot_range) -> np.ndarray:
    """For each update k (θ_k → θ_(k+1)), the zoom that shows both ends: the smallest z ≥ 0 with the plot range
    widened 2^z times around its centre holding them, so the one-update view follows a run that leaves the plot."""
    low, high = plot_range
    centre, half = (low + high) / 2, (high - low) / 2
    history = np.asarray(history, dtype=float)
    with np.errstate(all="ignore"):
        reach = np.fmax(np.abs(history[:-1] - centre), np.abs(history[1:] - centre))
        finite = np.isfinite(reach)
        reach = np.where(finite, reach, np.max(reach[finite], initial=half))
        return np.maximum(0, np.ceil(np.log2(reach * 1.05 / half))).astype(int)


def panel_title(result) -> str:
    """"η = 0.1 · 45 updates · converged": what a panel shows, in its title."""
    if result.status == "diverged":
        return t("panel.diverged", eta=number(result.eta), update=f"{result.iterations:,}")
    return t("panel.title", eta=number(result.eta), updates=updates(result.iterations),
             status=t(f"status.{result.status}"))


def trajectories(results) -> list[pd.DataFrame]:
    """Each run's visited points, thinned, the finite ones, one frame per run: a chart clips what leaves its
    range, so a run that leaves the plot and comes back (a decaying η) is drawn coming back."""
    problem = results[0].settings.problem
    frames = []
    for result in results:
        history, losses = np.asarray(result.history), np.asarray(result.losses)
        k = thin(len(history))
        k = k[np.isfinite(history[k]) & np.isfinite(losses[k])]
        theta = history[k]
        frames.append(pd.DataFrame({"k": k, "theta": theta, "loss": losses[k], "grad": gradient(problem, theta)[:, 0]}))
    return frames


def window(losses) -> tuple[float, float]:
    """The J a curve's plot shows: the range of its finite values, cut CUT_SPREAD times the spread of their middle
    90 % beyond it where a few run far off (a pole, 1/(θ − 1) near 1, or exp(θ²) at the ends), so that the rest is
    not drawn as a flat line; (0, 1) where none is finite. Every curve built in is drawn whole."""
    losses = np.asarray(losses, dtype=float)
    finite = losses[np.isfinite(losses)]
    if not finite.size:
        return 0.0, 1.0
    low, high = np.quantile(finite, [0.05, 0.95])
    reach = CUT_SPREAD * (high - low)
    return float(max(finite.min(), low - reach)), float(min(finite.max(), high + reach))


def clip(curve: pd.DataFrame, bottom: float, top: float) -> pd.DataFrame:
    """The curve as drawn between bottom and top: J past them (or infinite) at the edge; where J is undefined (nan)
    there is no point, so the line breaks."""
    return curve.assign(loss=np.clip(curve["loss"].to_numpy(dtype=float), bottom, top))


def cut(curve: pd.DataFrame, bottom: float, top: float) -> bool:
    """Whether clip moves any point of the curve: J runs off the plot somewhere."""
    loss = curve["loss"].to_numpy(dtype=float)
    return bool(np.any(~np.isnan(loss) & ((loss < bottom) | (loss > top))))


def box(curve: pd.DataFrame) -> tuple[float, float, float, float]:
    """What a panel shows: θ from … to (the curve's range), J from … to (window)."""
    return (float(curve["theta"].min()), float(curve["theta"].max()), *window(curve["loss"]))


def escapes(result, plot: tuple[float, float, float, float]) -> pd.DataFrame:
    """Where a run is when it is outside the plot: its last point, and the farthest one when that is another,
    each drawn on the plot's edge (side "left", "right", "top", or "bottom" where J fell below the plot) with its
    value, so that a run that leaves is seen to leave and where it went."""
    low, high, bottom, top = plot
    history, losses = np.asarray(result.history, dtype=float), np.asarray(result.losses, dtype=float)
    with np.errstate(all="ignore"):
        outside = (~np.isfinite(history) | ~np.isfinite(losses) | (history < low) | (history > high) | (losses > top)
                   | (losses < bottom))
        distance = np.where(np.isfinite(history), np.abs(history - (low + high) / 2), np.inf)
    last = len(history) - 1
    shown = [k for k in dict.fromkeys((last, int(np.argmax(np.where(outside, distance, -1.0))))) if outside[k]]
    rows = []
    for k in shown:
        theta, loss = history[k], losses[k]
        side = "left" if theta < low else "right" if theta > high else "bottom" if loss < bottom else "top"
        rows.append({"k": k, "side": side, "label": f"θ{subscript(k)} = {number(theta)}",
                     "theta": float(np.clip(np.nan_to_num(theta, nan=high, posinf=high, neginf=low), low, high)),
                     "loss": float(np.clip(np.nan_to_num(loss, nan=top, posinf=top, neginf=bottom), bottom, top))})
    return pd.DataFrame(rows, columns=["k", "side", "label", "theta", "loss"])


def examples_per_update(settings) -> int:
    """What one update costs in examples touched: all of them, one, or a batch."""
    return {"batch": settings.problem.n_examples, "sgd": 1}.get(settings.variant, settings.batch_size)


def floor(results) -> float:
    """J*, from which the gaps J − J* are measured: the deepest minimizer's value, or where none is known (a typed
    function with no minimum found on its range) the lowest finite J the runs reached."""
    problem = results[0].settings.problem
    if problem.minimizers:
        return problem.min_value
    with np.errstate(all="ignore"):
        reached = np.concatenate([np.asarray(result.losses, dtype=float) for result in results])
    finite = reached[np.isfinite(reached)]
    return float(finite.min()) if finite.size else 0.0


def gaps(results) -> pd.DataFrame:
    """J(θ_k) − J* against k for each run (floored at GAP_FLOOR), thinned, with the cost of k updates
    in epochs and in examples touched, so that variants compare at equal cost."""
    settings = results[0].settings
    lowest, cost = floor(results), examples_per_update(settings)
    frames = []
    for result in results:
        k = thin(len(result.losses))
        with np.errstate(all="ignore"):
            gap = np.asarray(result.losses)[k] - lowest
        frames.append(pd.DataFrame({"eta": number_text(result.eta), "k": k,
                                    "epochs": k * cost / settings.problem.n_examples,
                                    "examples": k * cost, "gap": np.maximum(gap, GAP_FLOOR),
                                    "status": result.status}))
    frame = pd.concat(frames, ignore_index=True)
    return frame[np.isfinite(frame["gap"])]


def gap_span(gaps: pd.DataFrame) -> tuple[float, float]:
    """The gaps the convergence chart draws (the finite ones, gaps()): from the smallest to a thousand times the
    largest start, so a run that grows is seen to grow before it leaves at the top, and at most GAP_CEILING; (GAP_FLOOR,
    1) when no run has a finite gap (each started where J is undefined or infinite)."""
    if gaps.empty:
        return GAP_FLOOR, 1.0
    starts = gaps.loc[gaps["k"] == 0, "gap"]
    top = float(starts.max()) * 1e3 if len(starts) else float(gaps["gap"].max())
    return float(gaps["gap"].min()), min(top, GAP_CEILING)


def horizon(results) -> int:
    """The last update the convergence chart shows: 1.5 times the longest run that converged or stalled, so that
    one run at the iteration limit (or diverging late) does not squeeze the others into the left edge; every
    update when no run stopped on its own, or when the longest one needs the room."""
    longest = max(result.iterations for result in results)
    settled = [result.iterations for result in results if result.status in ("converged", "stalled")]
    if not settled:
        return max(longest, 1)
    return max(1, min(longest, max(10, int(1.5 * max(settled)))))


def ends(results, last: int, top: float) -> pd.DataFrame:
    """A mark for each run the convergence chart cannot show to its end: where it diverged (drawn at the top edge
    at that update, or at the right edge when that is past the last update shown) and where a run goes on past
    the last update shown (at the right edge, at its gap there), labelled with its last update."""
    settings = results[0].settings
    lowest, cost = floor(results), examples_per_update(settings)
    rows = []
    for result in results:
        diverged = result.status == "diverged"
        if not diverged and result.iterations <= last:
            continue
        k = min(result.iterations, last)
        with np.errstate(all="ignore"):
            gap = float(result.losses[k] - lowest)
        gap = top if diverged or not np.isfinite(gap) else min(max(gap, GAP_FLOOR), top)
        rows.append({"eta": number_text(result.eta), "k": k, "epochs": k * cost / settings.problem.n_examples,
                     "examples": k * cost, "gap": gap, "kind": "diverged" if diverged else "beyond",
                     "label": t("chart.end.diverged" if diverged else "chart.end.beyond",
                                update=f"{result.iterations:,}")})
    return pd.DataFrame(rows, columns=["eta", "k", "epochs", "examples", "gap", "kind", "label"])


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
    with np.errstate(all="ignore"):  # a gradient past 1e154 has no square: its norm is inf, drawn at no height
        size = [float(np.linalg.norm(np.ravel(grad))) for grad in table["grad"]]  # |dJ|, or ‖∇J‖ in 2-D
    return table.assign(grad=np.maximum(size, GAP_FLOOR))


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


def points(results, limit: int = CSV_POINTS) -> pd.DataFrame:
    """The visited points of every run, exact, at most limit per run (thinned as for a chart, the last always
    kept): columns eta, k, theta, loss, grad, in the machine-readable English the CSV keeps."""
    problem = results[0].settings.problem
    frames = []
    for result in results:
        k = thin(len(result.history), limit)
        theta = np.asarray(result.history)[k]
        frames.append(pd.DataFrame({"eta": result.eta, "k": k, "theta": theta, "loss": np.asarray(result.losses)[k],
                                    "grad": gradient(problem, theta)[:, 0]}))
    return pd.concat(frames, ignore_index=True)


def csv(table: pd.DataFrame) -> bytes:
    """A table as CSV, every float as the shortest decimal that reads back as the same double (Python's repr: the
    article's 2.499891109642585, not 2.4998911096425851 as 17 significant digits write it)."""
    buffer = io.StringIO()
    table.to_csv(buffer, index=False)
    return buffer.getvalue().encode()


def regimes(curvature: float, low: float, high: float) -> pd.DataFrame:
    """The η ranges of the three open regimes of a parabola with this curvature, clipped to [low, high]."""
    edges = [(low, 1 / curvature, "monotone"), (1 / curvature, 2 / curvature, "oscillating"),
             (2 / curvature, high, "diverging")]
    return pd.DataFrame([{"start": max(start, low), "end": min(end, high), "regime": name,
                          "label": t(f"regime.{name}")}
                         for start, end, name in edges if min(end, high) > max(start, low)])


SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def subscript(k: int) -> str:
    """θ₁₂, not θ12."""
    return str(k).translate(SUBSCRIPTS)


def steps(history, losses, problem) -> pd.DataFrame:
    """Each update k of a run (θ_k → θ_(k+1)), one row each: where it starts, the slope there, where it lands."""
    history, losses = np.asarray(history, dtype=float), np.asarray(losses, dtype=float)
    return pd.DataFrame({"k": np.arange(len(history) - 1), "theta": history[:-1], "loss": losses[:-1],
                         "slope": gradient(problem, history[:-1])[:, 0], "theta_next": history[1:],
                         "loss_next": losses[1:]})


def step_shapes(updates: pd.DataFrame, problem, zoom: np.ndarray) -> dict[str, pd.DataFrame]:
    """What a chart draws for every update k: the tangent at θ_k, the two points with their labels, the arrow;
    the tangent a sixth of the view's width either side, at update k's zoom."""
    span = (problem.plot_range[1] - problem.plot_range[0]) / 6 * 2.0**zoom
    tangent = pd.concat([updates.assign(theta=updates["theta"] + side * span,
                                        loss=updates["loss"] + side * span * updates["slope"])
                         for side in (-1, 1)])[["k", "theta", "loss"]]
    labels = [f"θ{subscript(k)}" for k in range(len(updates) + 1)]
    points = pd.concat([
        pd.DataFrame({"k": updates["k"], "theta": updates["theta"], "loss": updates["loss"], "label": labels[:-1]}),
        pd.DataFrame({"k": updates["k"], "theta": updates["theta_next"], "loss": updates["loss_next"],
                      "label": labels[1:]})])
    arrow = updates[["k", "theta", "loss", "theta_next"]].assign(
        direction=np.where(updates["theta_next"] >= updates["theta"], "right", "left"))
    return {"tangent": tangent, "points": points, "arrow": arrow}


def band(results, low: float = 0.1, high: float = 0.9) -> pd.DataFrame:
    """Across seeds: the mean θ_k and the 10–90 % band, k up to the longest run; a run that stopped stays
    where it stopped. Thinned like a path."""
    length = max(len(result.history) for result in results)
    paths = np.array([np.pad(np.asarray(result.history), (0, length - len(result.history)), mode="edge")
                      for result in results])
    k = thin(length)
    with np.errstate(all="ignore"):
        return pd.DataFrame({"k": k, "mean": paths[:, k].mean(axis=0), "low": np.quantile(paths[:, k], low, axis=0),
                             "high": np.quantile(paths[:, k], high, axis=0)})


def spread(results) -> pd.DataFrame:
    """Where each seed's run ended (final θ), after how many updates, and its status."""
    return pd.DataFrame({"seed": [result.settings.seed for result in results],
                         "theta": [result.theta for result in results],
                         "loss": [result.loss for result in results],
                         "updates": [result.iterations for result in results],
                         "status": [result.status for result in results]})


def schedule(settings, updates: int) -> pd.DataFrame:
    """The learning-rate factor η_t/η for t = 0 … updates − 1, thinned."""
    t = thin(max(updates, 1))
    return pd.DataFrame({"t": t, "factor": [settings.schedule.factor(int(step)) for step in t]})


def predictions(results, predictions) -> pd.DataFrame:
    """Theory beside measurement, one row per η."""
    return pd.DataFrame({
        "eta": [number(result.eta) for result in results],
        "regime": [t(f"regime.{prediction.regime}") for prediction in predictions],
        "predicted": [prediction.updates for prediction in predictions],
        "updates": [result.iterations for result in results],
        "predicted_status": [t(f"status.{prediction.status}") for prediction in predictions],
        "status": [t(f"status.{result.status}") for result in results],
    })


def stopping(results, rules: list[str]) -> pd.DataFrame:
    """The same run under each stopping rule (named in rules): where it stopped, and whether that is a minimum."""
    return pd.DataFrame({
        "rule": rules,
        "updates": [result.iterations for result in results],
        "theta": [precise(result.theta) for result in results],
        "grad": [precise(result.grad) for result in results],
        "status": [t(f"status.{result.status}") for result in results],
        "at_minimum": [t("stopping.yes" if at_minimum(result) else "stopping.no") for result in results],
    })
