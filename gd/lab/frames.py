"""Tidy pandas frames from Results: one row per observation, thinned for display.

Charts get at most PATH_POINTS points per run and the CSV at most CSV_POINTS, each value exact; the table
keeps every run's final values.
"""

import io
import math

import numpy as np
import pandas as pd

from gd import variants
from gd.lab.format import number, number_text, precise, updates
from gd.lab.text import t
from gd.optimizers import adam_step, bias_corrected
from gd.run import gradient
from gd.stopping import STATUSES
from gd.theory import NEIGHBOURHOOD, at_minimum

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


def curve(problem, points: int = CURVE_POINTS, window: tuple[float, float] | None = None, index: int = 0
          ) -> pd.DataFrame:
    """J over the plot range, or over window (θ from, to), tagged with the window's index (the one-update view's)."""
    low, high = problem.plot_range if window is None else window
    theta = np.linspace(low, high, points)
    with np.errstate(all="ignore"):
        return pd.DataFrame({"theta": theta, "loss": problem.value(theta[:, None]), "zoom": index})


DEEPEST = 20  # the one-update view zooms in at most 2²⁰ times: J still differs across it far above rounding
STEP_SHARE = 4  # a zoomed-in window is at least this many times as wide as the step it shows
MOST_WINDOWS = 40  # windows one step-through may use: each is a piece of curve in the chart's data


def windows(history, plot_range, most: int = MOST_WINDOWS) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """For each update k (θ_k → θ_(k+1)), the window of θ the one-update view shows: (each update's window's index,
    the windows (θ from, to), the plot range first). A step that leaves the plot: the plot range widened 2^z times
    around its centre, the smallest z that holds both ends (the view follows the run out). A step that is small next
    to the plot: a window 2^z times as wide (z ≤ −2, down to 2^−DEEPEST), at least STEP_SHARE times the step,
    centred on a grid of half its width (so that the next small steps share it), which holds both ends with an eighth
    of its width to spare. Any other step: the plot range. When that takes more than `most` windows the zoomed-in
    ones are made twice as wide, and again, until it does not."""
    low, high = plot_range
    centre, width = (low + high) / 2, high - low
    history = np.asarray(history, dtype=float)
    start, end = history[:-1], history[1:]
    with np.errstate(all="ignore"):
        reach = np.fmax(np.abs(start - centre), np.abs(end - centre))
        finite = np.isfinite(reach)
        reach = np.where(finite, reach, np.max(reach[finite], initial=width / 2))
        out = np.maximum(0, np.ceil(np.log2(reach * 1.05 / (width / 2)))).astype(int)
        step, middle = np.abs(end - start), (start + end) / 2
        for share in STEP_SHARE * 2.0 ** np.arange(DEEPEST + 1):
            deep = np.where(np.isfinite(step) & (step > 0), np.floor(np.log2(width / (share * step))), 0)
            deep = np.where(deep >= 2, deep, 0)  # zoom in only where the step is small on the plot
            zoom = np.where(out > 0, out, -np.clip(deep, 0, DEEPEST)).astype(int)
            wide = width * 2.0 ** zoom
            grid = wide / 2
            centres = np.where(zoom < 0, np.round(np.where(np.isfinite(middle), middle, centre) / grid) * grid, centre)
            shown = [(low, high)] + sorted({(float(c - w / 2), float(c + w / 2)) for c, w in zip(centres, wide,
                                                                                                strict=True)}
                                           - {(low, high)})
            if len(shown) <= most or not (zoom < 0).any():
                break
    place = {window: index for index, window in enumerate(shown)}
    return np.array([place[(float(c - w / 2), float(c + w / 2))] for c, w in zip(centres, wide, strict=True)],
                    dtype=int), shown


def panel_title(result) -> str:
    """"η = 0.1 · 45 updates · converged": what a panel shows, in its title."""
    if result.status == "diverged":
        return t("panel.diverged", eta=number(result.eta), update=f"{result.iterations:,}")
    return t("panel.title", eta=number(result.eta), updates=updates(result.iterations),
             status=t(f"status.{result.status}"))


def axes(dim: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The columns of θ and of ∇J in a run's frames: theta and grad on a curve, x, y and grad_x, grad_y on a
    surface."""
    return (("theta",), ("grad",)) if dim == 1 else (("x", "y"), ("grad_x", "grad_y"))


def _visited(result, k: np.ndarray, **columns) -> pd.DataFrame:
    """Rows k of a run: columns given first, then k, θ's coordinates, J and ∇J's (axes())."""
    problem = result.settings.problem
    history = np.reshape(np.asarray(result.history, dtype=float), (len(result.history), problem.dim))
    theta, grad = history[k], gradient(problem, history[k])
    names, slopes = axes(problem.dim)
    return pd.DataFrame({**columns, "k": k, **{name: theta[:, i] for i, name in enumerate(names)},
                         "loss": np.asarray(result.losses, dtype=float)[k],
                         **{name: grad[:, i] for i, name in enumerate(slopes)}})


def path(result, limit: int = PATH_POINTS) -> pd.DataFrame:
    """A run's visited points θ₀ → θ_k, thinned, the finite ones: k, θ, loss, ∇J (axes()). A chart clips what leaves
    its range, so a run that leaves the plot and comes back (a decaying η) is drawn coming back."""
    history = np.reshape(np.asarray(result.history, dtype=float), (len(result.history), -1))
    losses = np.asarray(result.losses, dtype=float)
    k = thin(len(history), limit)
    with np.errstate(all="ignore"):
        k = k[np.all(np.isfinite(history[k]), axis=1) & np.isfinite(losses[k])]
    return _visited(result, k)


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


EDGE_ARROWS = {"left": "◀", "right": "▶", "top": "▲", "bottom": "▼"}  # an edge's marker, in words


def edge_notes(edges: pd.DataFrame) -> list[str]:
    """Where a run went off its plot (escapes()), one line each, led by the marker drawn on that edge: the notes
    under a panel's title, so that no label lies on the plot."""
    return [f"{EDGE_ARROWS[row.side]} {row.label}" for row in edges.itertuples()]


def padded(notes: list[list[str]]) -> list[list[str]]:
    """Every panel's notes as many lines as the most any has (blank lines added), so panels side by side keep
    their plots level."""
    most = max(map(len, notes), default=0)
    return [lines + ["\u00a0"] * (most - len(lines)) for lines in notes]


def examples_per_update(settings) -> int:
    """What one update costs in examples touched: all of them, one, or a batch."""
    n = settings.problem.n_examples
    return variants.examples_per_update(settings.variant, settings.batch_size, n) or n


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


def series_names(results) -> list[str]:
    """What names each run's line in the convergence chart: its η, as the legend writes it."""
    return [number_text(result.eta) for result in results]


def gaps(results, names: list[str] | None = None) -> pd.DataFrame:
    """J(θ_k) − J* against k for each run (floored at GAP_FLOOR), thinned, with the cost of k updates (each run's
    own: a pinned run may sample otherwise) in epochs and in examples touched, so that variants compare at equal
    cost; names: each run's series (series_names unless given)."""
    lowest = floor(results)
    frames = []
    for result, name in zip(results, names or series_names(results), strict=True):
        k = thin(len(result.losses))
        cost = examples_per_update(result.settings)
        with np.errstate(all="ignore"):
            gap = np.asarray(result.losses)[k] - lowest
        frames.append(pd.DataFrame({"eta": name, "k": k,
                                    "epochs": k * cost / result.settings.problem.n_examples,
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


ROUNDING = 1e3 * np.finfo(float).eps  # of max(1, |J*|): a gap below this is rounding, the floor reached


def settled(result) -> int:
    """The update from which a run's gap J − J* no longer changes: it reached the floor rounding leaves (ROUNDING),
    or it stays the same (a run bouncing between two points of one J); its last update for a run still moving, however
    slowly."""
    lowest = floor([result])
    with np.errstate(all="ignore"):
        gap = np.maximum(np.asarray(result.losses, dtype=float) - lowest, ROUNDING * max(1.0, abs(lowest)))
        moving = ~(np.abs(gap / gap[-1] - 1) <= 1e-9)
    changes = np.flatnonzero(moving)
    return int(changes[-1]) + 1 if changes.size else 0


def horizon(results) -> int:
    """The last update the convergence chart shows: 1.5 times the longest run that converged or stalled or stopped
    changing (settled), so that one run at the iteration limit (or diverging late) does not squeeze the others into
    the left edge; every update when no run settled, or when the longest one needs the room."""
    longest = max(result.iterations for result in results)
    ends = []
    for result in results:
        if result.status in ("converged", "stalled"):
            ends.append(result.iterations)
        elif result.status != "diverged" and settled(result) < result.iterations:  # went on, no longer changing
            ends.append(settled(result))
    if not ends:
        return max(longest, 1)
    return max(1, min(longest, max(10, int(1.5 * max(ends)))))


DECADES = 2  # the convergence chart's updates go on a log axis when its runs' lengths are this many decades apart


def spans_decades(results, last: int) -> bool:
    """Whether the runs drawn up to update last take lengths DECADES apart: the shortest of at least 10 updates (a
    run of a few updates is a dot either way) against the axis's end. Then a linear axis squeezes the short ones
    into its left edge, and the updates go on a log axis."""
    lengths = [min(result.iterations, last) for result in results]
    long_enough = [length for length in lengths if length >= 10]
    return bool(long_enough) and last >= 10**DECADES * min(long_enough)


def ends(results, last: int, top: float, names: list[str] | None = None) -> pd.DataFrame:
    """A mark for each run the convergence chart cannot show to its end: where it diverged (drawn at the top edge
    at that update, or at the right edge when that is past the last update shown) and where a run goes on past
    the last update shown (at the right edge, at its gap there), labelled with its last update; names: as gaps()."""
    lowest = floor(results)
    rows = []
    for result, name in zip(results, names or series_names(results), strict=True):
        settings, cost = result.settings, examples_per_update(result.settings)
        diverged = result.status == "diverged"
        if not diverged and result.iterations <= last:
            continue
        k = min(result.iterations, last)
        with np.errstate(all="ignore"):
            gap = float(result.losses[k] - lowest)
        gap = top if diverged or not np.isfinite(gap) else min(max(gap, GAP_FLOOR), top)
        rows.append({"eta": name, "k": k, "epochs": k * cost / settings.problem.n_examples,
                     "examples": k * cost, "gap": gap, "kind": "diverged" if diverged else "beyond",
                     "update": result.iterations,
                     "label": t("chart.end.diverged" if diverged else "chart.end.beyond",
                                update=f"{result.iterations:,}")})
    return pd.DataFrame(rows, columns=["eta", "k", "epochs", "examples", "gap", "kind", "update", "label"])


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
    """The visited points of every run, exact, finite or not, at most limit per run (thinned as for a chart, the last
    always kept): columns eta, k, θ, loss, ∇J (axes()), in the machine-readable English the CSV keeps."""
    return pd.concat([_visited(result, thin(len(result.history), limit), eta=result.eta) for result in results],
                     ignore_index=True)


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


def step_shapes(updates: pd.DataFrame, widths: np.ndarray, newton: np.ndarray | None = None,
                newton_loss: np.ndarray | None = None) -> dict[str, pd.DataFrame]:
    """What a chart draws for every update k: the tangent at θ_k, a sixth of its window's width (widths[k]) either
    side; the two points, each labelled on its outer side (side: "left" or "right"), so that the labels never meet;
    the arrow; and where Newton's step from θ_k lands (newton, at J = newton_loss), where it is finite."""
    span = np.asarray(widths, dtype=float) / 6
    tangent = pd.concat([updates.assign(theta=updates["theta"] + side * span,
                                        loss=updates["loss"] + side * span * updates["slope"])
                         for side in (-1, 1)])[["k", "theta", "loss"]]
    labels = [f"θ{subscript(k)}" for k in range(len(updates) + 1)]
    rightwards = (updates["theta_next"] >= updates["theta"]).to_numpy()
    points = pd.concat([
        pd.DataFrame({"k": updates["k"], "theta": updates["theta"], "loss": updates["loss"], "label": labels[:-1],
                      "side": np.where(rightwards, "left", "right")}),
        pd.DataFrame({"k": updates["k"], "theta": updates["theta_next"], "loss": updates["loss_next"],
                      "label": labels[1:], "side": np.where(rightwards, "right", "left")})])
    arrow = updates[["k", "theta", "loss", "theta_next"]].assign(direction=np.where(rightwards, "right", "left"))
    ghost = pd.DataFrame({"k": updates["k"], "theta_from": updates["theta"], "loss_from": updates["loss"],
                          "theta": np.nan if newton is None else newton,
                          "loss": np.nan if newton_loss is None else newton_loss, "label": t("chart.newton")})
    ghost = ghost[np.isfinite(ghost[["theta_from", "loss_from", "theta", "loss"]]).all(axis=1)]
    return {"tangent": tangent, "points": points, "arrow": arrow, "newton": ghost}


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


def range_test(test) -> tuple[pd.DataFrame, tuple[float, float], bool]:
    """The range test as drawn: per update k (1-based) its η, J after it and J smoothed (the same where nothing was
    smoothed), at most PATH_POINTS updates evenly spaced in k (so in log η), the last kept; the J the plot shows, from
    the lowest J to half the drop again above J(θ₀), so that the climb past the start shows; and whether some J runs
    off it (drawn at its edge, as J that is not finite is, at the top)."""
    start = float(test.result.losses[0])
    count = len(test.etas)
    keep = np.unique(np.linspace(0, count - 1, min(count, PATH_POINTS)).round().astype(int))
    frame = pd.DataFrame({"k": keep + 1, "eta": test.etas[keep], "loss": test.losses[keep],
                          "smoothed": test.smoothed[keep]})
    values = frame[["loss", "smoothed"]].to_numpy()
    finite = np.append(values[np.isfinite(values)], [start] if math.isfinite(start) else [])
    if not finite.size:  # J(θ₀) itself is not finite: the run made no update
        return frame, (0.0, 1.0), False
    bottom = float(finite.min())
    top = start + 0.5 * (start - bottom) if math.isfinite(start) and start > bottom else float(finite.max())
    top = top if top > bottom else bottom + 1.0
    with np.errstate(invalid="ignore"):
        cut = bool((~((values >= bottom) & (values <= top))).any())
    drawn = {column: frame[column].fillna(top).clip(lower=bottom, upper=top) for column in ("loss", "smoothed")}
    return frame.assign(**drawn), (bottom, top), cut


KEPT = {"momentum": {"b": "buffer"}, "nesterov": {"b": "buffer"}, "adagrad": {"√s": "sum_of_squares"},
        "rmsprop": {"√v": "square_average"}}  # what each rule keeps, by its symbol: a field of its state (√: its root)


def kept(inside, rule) -> pd.DataFrame:
    """What the rule keeps beside the gradient g, in the gradient's units, per update t (1-based), coordinate and
    quantity ("g", "b", "√s", "√v"; Adam's "m", "m̂", "√v", "√v̂"), at most PATH_POINTS updates (thin); rows that are not
    finite are left out (a run that diverged)."""
    series = {"g": inside.gradients}
    if rule.name == "adam":
        m, v = inside.states["first_moment"], inside.states["second_moment"]
        m_hat, v_hat = bias_corrected(inside.states["count"], m, v, rule.hyperparameters["beta1"],
                                      rule.hyperparameters["beta2"])
        series |= {"m": m, "m̂": m_hat, "√v": np.sqrt(v), "√v̂": np.sqrt(v_hat)}
    for symbol, field in KEPT.get(rule.name, {}).items():
        state = inside.states[field]
        series[symbol] = np.sqrt(state) if symbol.startswith("√") else state
    keep = thin(len(inside.rates))
    frame = pd.concat([pd.DataFrame({"t": keep + 1, "coordinate": coordinate, "quantity": symbol,
                                     "value": values[keep, coordinate]})
                       for symbol, values in series.items() for coordinate in range(values.shape[1])],
                      ignore_index=True)
    return frame[np.isfinite(frame["value"])]


def step_lengths(inside, rule) -> pd.DataFrame:
    """Per update t: the length of the step the rule took, of plain descent's η·g from the same gradient, and for Adam
    of the step from the same m and v without the bias correction (η·m/(√v + eps)); at most PATH_POINTS updates,
    only the lengths a log axis can draw (positive, finite)."""
    lengths = {"step": np.linalg.norm(inside.steps, axis=1),
               "plain": inside.rates * np.linalg.norm(inside.gradients, axis=1)}
    if rule.name == "adam":
        with np.errstate(all="ignore"):
            lengths["uncorrected"] = np.linalg.norm(adam_step(
                inside.rates[:, None], inside.states["first_moment"], inside.states["second_moment"],
                rule.hyperparameters["eps"]), axis=1)
    keep = thin(len(inside.rates))
    frame = pd.concat([pd.DataFrame({"t": keep + 1, "kind": kind, "label": t(f"inside.kind.{kind}"),
                                     "length": values[keep]}) for kind, values in lengths.items()],
                      ignore_index=True)
    return frame[np.isfinite(frame["length"]) & (frame["length"] > 0)]


BASIN_MINIMA = 4  # minima with a colour of their own in the basins view; a fifth and beyond are "another point"


def grid_of_starts(problem, cells: int) -> np.ndarray:
    """cells evenly spaced starts across each axis of the plot (cell centres): (cells^dim, dim), x varying fastest."""
    axes = [low + (np.arange(cells) + 0.5) * (high - low) / cells for low, high in problem.bounds]
    return np.stack(np.meshgrid(*axes, indexing="xy"), axis=-1).reshape(-1, problem.dim)


def basins(problem, eta: float, ends) -> pd.DataFrame:
    """Where each start's run at η ended, one row per start (in the order of gd.starts' lanes): eta, updates, and
    outcome: for a run its rule stopped (converged or stalled), "minimum-i" within NEIGHBOURHOOD of the plot's width
    (on each axis) of the objective's i-th minimizer (from 1, the first BASIN_MINIMA), "saddle" likewise of a saddle
    point, else "other" if it converged (near another minimizer, or where the gradient vanishes at none the objective
    knows) and "stalled" if not; "limit" (still moving at the limit) or "diverged" (or left the domain). A start next
    to a minimum stalls there (its gradient was tiny to begin with): it is counted where it ends, at that minimum."""
    points = {f"minimum-{i + 1}" if i < BASIN_MINIMA else "other": point
              for i, point in enumerate(np.reshape(problem.minimizers, (-1, problem.dim)))}
    found = np.where(np.isin(ends.status, ("diverged", "left_domain")), "diverged",
                     np.where(ends.status == "max_iter", "limit", ends.status)).astype(object)
    radius = np.array([NEIGHBOURHOOD * (high - low) for low, high in problem.bounds])
    stopped = np.isin(found, ("converged", "stalled"))
    found[found == "converged"] = "other"
    near = [(name, point) for name, point in points.items()] + [
        ("saddle", point) for point in np.reshape(problem.saddles, (-1, problem.dim))]
    for name, point in reversed(near):  # the first near point wins: the minima before the saddles
        close = stopped & (np.abs(ends.theta - point) <= radius).all(axis=1)
        found[close] = name
    return pd.DataFrame({"eta": eta, "updates": ends.iterations, "outcome": found})
