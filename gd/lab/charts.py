"""Altair chart builders for the curves: tidy frames in, Vega-Lite out (gd.lab.maps draws the surfaces); and the
check every view's specs pass on their way out (guarded)."""

import dataclasses
import json
import math
import warnings

import altair as alt
import pandas as pd

from gd.lab import frames
from gd.lab.text import t
from gd.stopping import STATUSES

STATUS_COLORS = ("#2ca02c", "#ff7f0e", "#7f7f7f", "#d62728", "#9467bd")  # converged, stalled, max_iter, diverged,
# left_domain
CURVE_COLOR = "#8c9aab"
PATH_COLOR = "#d62728"
# One colour per compared η, told apart at a glance (Vega's tableau10, then two more for the twelfth η)
ETA_COLORS = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#b279a2", "#72b7b2", "#eeca3b", "#9d755d", "#ff9da6",
              "#bab0ac", "#1f1f1f", "#7a0177")
PANEL_HEIGHT = 290  # px with its three-line title and axes (Streamlit fits the whole chart in it)
TITLE_SEPARATOR = " · "  # panel titles are drawn one part per line, so they never widen a panel
EDGE_SHAPES = {"left": "triangle-left", "right": "triangle-right", "top": "triangle-up", "bottom": "triangle-down"}
EDGE_TEXT = {"left": ("left", 8, 0), "right": ("right", -8, 0), "top": ("center", 0, 12),
             "bottom": ("center", 0, -12)}  # align, dx, dy of an edge marker's label
# Rows a chart's dataset may hold: Altair's own max_rows, past which it raises MaxRowsError. The lab stays under it
# by construction (runs thinned to frames.PATH_POINTS, a map's contours to maps.CONTOUR_ROWS, its background to
# maps.GRID_CELLS²) and guarded() checks it again on the specs it builds by hand (maps.panel's filled templates).
MAX_ROWS = 5_000


def eta_color(index: int) -> str:
    """The colour of the index-th compared η, the same in its panel and in the convergence chart."""
    return ETA_COLORS[index % len(ETA_COLORS)]


def _status_color() -> alt.Color:
    labels = {status: t(f"status.{status}") for status in STATUSES}
    expression = " : ".join(f"datum.value == '{status}' ? '{label}'" for status, label in labels.items())
    return alt.Color("status:N", title=t("chart.status"),
                     scale=alt.Scale(domain=list(STATUSES), range=list(STATUS_COLORS)),
                     legend=alt.Legend(labelExpr=f"{expression} : datum.value"))


def panel(curve: pd.DataFrame, plot: tuple[float, float, float, float], path: pd.DataFrame, edges: pd.DataFrame,
          title: str, color: str) -> alt.LayerChart:
    """One run on the objective's curve: the visited points θ₀ → θ_k, clipped to the plot, and a marker with its
    value on the edge where the run is outside it. Every panel of a view has the same axes; each takes its
    column's width, so panels stack on a phone."""
    low, high, bottom, top = plot
    x = alt.X("theta:Q", title="θ", scale=alt.Scale(domain=[low, high], nice=False))
    y = alt.Y("loss:Q", title=loss_title(frames.cut(curve, bottom, top)), scale=alt.Scale(domain=[bottom, top]))
    layers = [alt.Chart(frames.clip(curve, bottom, top)).mark_line(color=CURVE_COLOR).encode(x, y),
              alt.Chart(path).mark_line(
                  color=color, strokeWidth=1.5, clip=True,
                  point=alt.OverlayMarkDef(shape="diamond", size=40, color=color, filled=True, clip=True),
              ).encode(x, y, order="k:Q", tooltip=[
                  alt.Tooltip("k:Q", title="k"), alt.Tooltip("theta:Q", title="θ", format=".6g"),
                  alt.Tooltip("loss:Q", title="J(θ)", format=".6g"),
                  alt.Tooltip("grad:Q", title="dJ(θ)", format=".6g")])]
    for side, shape in EDGE_SHAPES.items():
        here = edges[edges["side"] == side]
        if here.empty:
            continue
        align, dx, dy = EDGE_TEXT[side]
        marks = alt.Chart(here).encode(x, y, tooltip=alt.Tooltip("label:N", title=""))
        layers += [marks.mark_point(shape=shape, size=120, filled=True, color=color, opacity=1),
                   marks.mark_text(align=align, dx=dx, dy=dy, fontSize=11, color="#333").encode(text="label:N")]
    return alt.layer(*layers).properties(
        height=PANEL_HEIGHT, width="container",
        title=alt.Title(title.split(TITLE_SEPARATOR), fontSize=12, fontWeight="normal"))


def loss_title(cut: bool) -> str:
    """The J axis's title, saying so where the curve runs off the plot and is drawn at its edge (frames.window)."""
    return t("chart.loss.cut") if cut else "J(θ)"


def convergence(gaps: pd.DataFrame, ends: pd.DataFrame, last: int, span: tuple[float, float], unit: str = "k"
                ) -> alt.Chart:
    """J(θ_k) − J* on a log scale against unit (a column of gaps: "k", "epochs" or "examples") up to update last,
    one line per η, each η in its own colour; every run's last point shown (a run of one update is a dot), runs that
    go on past the last update or diverge marked at the edge; span: the gaps drawn (frames.gap_span). Hovering a
    line highlights it."""
    hover = alt.selection_point(on="pointerover", fields=["eta"], nearest=True, empty=True)
    etas = list(dict.fromkeys(gaps["eta"]))
    shown = gaps[gaps["k"] <= last]
    end = shown.loc[shown["k"] == shown.groupby("eta")["k"].transform("max")]
    scale_end = float(shown.loc[shown["k"] == shown["k"].max(), unit].max()) if len(shown) else 1.0
    y = alt.Y("gap:Q", title=t("chart.gap"),
              scale=alt.Scale(type="log", domain=list(span), clamp=False))
    x = alt.X(f"{unit}:Q", title=t(f"chart.unit.{unit}"), scale=alt.Scale(domain=[0, max(scale_end, 1e-12)],
                                                                          nice=False))
    color = alt.Color("eta:N", title="η", sort=etas,
                      scale=alt.Scale(domain=etas, range=[eta_color(i) for i in range(len(etas))]))
    tooltip = [alt.Tooltip("eta:N", title="η"), alt.Tooltip("k:Q", title="k"),
               alt.Tooltip("gap:Q", title=t("chart.gap"), format=".3g")]
    base = alt.Chart(shown).encode(x=x, y=y, color=color, tooltip=tooltip)
    lines = base.mark_line(clip=True).encode(
        opacity=alt.condition(hover, alt.value(1.0), alt.value(0.2)),
        strokeWidth=alt.condition(hover, alt.value(2.5), alt.value(1.5)))
    points = base.mark_circle(size=30, opacity=0, clip=True).add_params(hover)
    layers = [lines, points, alt.Chart(end).mark_circle(size=45, opacity=1).encode(x=x, y=y, color=color,
                                                                                    tooltip=tooltip)]
    if not ends.empty:
        marks = alt.Chart(ends).encode(x=x, y=y, color=color, tooltip=[alt.Tooltip("eta:N", title="η"),
                                                                      alt.Tooltip("label:N", title="")])
        diverged, beyond = ends[ends["kind"] == "diverged"], ends[ends["kind"] == "beyond"]
        if not diverged.empty:
            layers.append(marks.transform_filter(alt.datum.kind == "diverged").mark_point(
                shape="cross", angle=45, size=140, filled=True, opacity=1))
        if not beyond.empty:
            layers.append(marks.transform_filter(alt.datum.kind == "beyond").mark_point(
                shape="triangle-right", size=110, filled=True, opacity=1))
        layers.append(marks.mark_text(align="right", dx=-8, dy=-9, fontSize=11).encode(text="label:N"))
    return alt.layer(*layers).properties(height=280, width="container")


SWEEP_MEASURES = ("updates", "grad")  # updates to stop, final |dJ|


REGIME_COLORS = {"monotone": "#e8f1fb", "oscillating": "#fdf3e1", "diverging": "#fbe9e9"}


def sweep(frame: pd.DataFrame, measure: str, best: float | None, smoothness: float | None,
          regimes: pd.DataFrame | None = None) -> alt.LayerChart:
    """One measure of the grid search (updates to stop, or final |dJ| on a log axis) against η, coloured
    by status, the best η marked, η = 1/L and η = 2/L drawn where L is known, and the regimes shaded."""
    x = alt.X("eta:Q", title="η", scale=alt.Scale(type="log", nice=False))
    tooltip = [alt.Tooltip("eta:Q", title="η", format=".4g"),
               alt.Tooltip("updates:Q", title=t("chart.updates")),
               alt.Tooltip("grad:Q", title="|dJ|", format=".3g"),
               alt.Tooltip("status:N", title=t("chart.status"))]
    if measure == "updates":
        y = alt.Y("updates:Q", title=t("chart.updates"))
    else:
        y = alt.Y("grad:Q", title=t("chart.final_grad"), scale=alt.Scale(type="log"))
    color = _status_color()
    frame = frame[["eta", "updates", "grad", "status"]]  # what is drawn (a surface's θ is a pair, J may be nan)
    layers = []
    if regimes is not None and not regimes.empty:
        layers.append(alt.Chart(regimes).mark_rect(opacity=0.8).encode(
            x="start:Q", x2="end:Q",
            color=alt.Color("regime:N", scale=alt.Scale(domain=list(REGIME_COLORS), range=list(REGIME_COLORS.values())),
                            legend=None),
            tooltip=alt.Tooltip("label:N", title=t("chart.regime"))))
    layers.append(alt.Chart(frame).mark_circle(size=45, opacity=0.9).encode(x, y, color, tooltip=tooltip))
    if best is not None:
        layers.append(alt.Chart(frame[frame["eta"] == best]).mark_point(
            shape="diamond", size=220, color="black", strokeWidth=2).encode(x, y, tooltip=tooltip))
    if smoothness:
        layers += _guides(smoothness)
    return alt.layer(*layers).resolve_scale(color="independent").properties(height=240, width="container")


def _guides(smoothness: float) -> list[alt.Chart]:
    rules = pd.DataFrame({"eta": [1 / smoothness, 2 / smoothness],
                          "label": [t("chart.one_over_l"), t("chart.two_over_l")]})
    line = alt.Chart(rules).mark_rule(strokeDash=[4, 4], color="#555").encode(x="eta:Q")
    label = alt.Chart(rules).mark_text(align="right", dx=-4, baseline="top", y=2, color="#333")
    return [line, label.encode(x="eta:Q", text="label:N")]


STEP = "step"  # the chart parameter that picks which update the step-through chart shows
ZOOM = "zoom"  # the one that picks the curve drawn at that update's zoom (frames.zooms)
DOMAIN = ("x_low", "x_high", "y_low", "y_high")  # the step-through's axes, which follow a run out of the plot
PLAYER = "player"  # the one-row dataset a stepped chart's parameters read (played, at_step)


def player_param(name: str) -> alt.Parameter:
    """A parameter whose value is the PLAYER row's field `name`: the page moves a stepped chart by replacing that row
    alone (at_step), so the chart's spec stays the same and the browser updates the chart in place (Streamlit
    replaces a dataset of an unchanged spec in the Vega view) instead of drawing it anew at every step."""
    return alt.param(name=name, expr=f"length(data('{PLAYER}')) ? data('{PLAYER}')[0].{name} : 0")


def played(spec: dict, **values) -> dict:
    """A finished stepped chart's spec with its PLAYER row (values, as floats: Vega reads integers from Arrow as
    BigInt) and an invisible layer that reads it, so that Vega keeps the dataset."""
    reader = {"data": {"name": PLAYER}, "mark": {"type": "point", "opacity": 0, "aria": False}}
    return at_step({**spec, "layer": [*spec["layer"], reader]}, **values)


def at_step(spec: dict, **values) -> dict:
    """A stepped chart's spec showing other values: only its PLAYER row differs."""
    return {**spec, "datasets": {**spec.get("datasets", {}), PLAYER: [{key: float(value) for key, value in
                                                                        values.items()}]}}


def geometry(curve: pd.DataFrame, shapes: dict[str, pd.DataFrame], cut: bool = False) -> alt.LayerChart:
    """Every update of a run in one chart, the parameter STEP choosing which is drawn: the curve, θ_k with its
    tangent (slope dJ(θ_k)), and the step −η·dJ as an arrow to θ_(k+1). Playing changes only the parameters, read
    from the PLAYER row (played): STEP, the axes' domains DOMAIN, which follow a run that leaves the plot, and ZOOM,
    which picks the curve drawn for them. cut: the curve runs off the plot at some zoom and is drawn at its edge
    there (frames.clip)."""
    step, zoom = player_param(STEP), player_param(ZOOM)
    domain = [player_param(name) for name in DOMAIN]
    shown = alt.datum.k == step
    x_scale = alt.Scale(domain=alt.ExprRef(f"[{DOMAIN[0]}, {DOMAIN[1]}]"), nice=False)
    x = alt.X("theta:Q", title="θ", scale=x_scale)
    y = alt.Y("loss:Q", title=loss_title(cut), scale=alt.Scale(domain=alt.ExprRef(f"[{DOMAIN[2]}, {DOMAIN[3]}]")))
    arrow = alt.Chart(shapes["arrow"]).transform_filter(shown)
    points = alt.Chart(shapes["points"]).transform_filter(shown)
    heads = [arrow.transform_filter(alt.datum.direction == side).mark_point(
        shape=f"triangle-{side}", size=140, filled=True, color=PATH_COLOR, opacity=1).encode(
        x=alt.X("theta_next:Q", scale=x_scale), y=y) for side in ("right", "left")]
    return alt.layer(
        alt.Chart(curve).transform_filter(alt.datum.zoom == zoom).mark_line(color=CURVE_COLOR).encode(x, y),
        alt.Chart(shapes["tangent"]).transform_filter(shown).mark_line(
            color="#1f77b4", strokeDash=[6, 3], clip=True).encode(x, y),
        arrow.mark_rule(color=PATH_COLOR, strokeWidth=2).encode(x, y, x2="theta_next:Q"),
        *heads,
        points.mark_point(filled=True, size=90, color="black").encode(
            x, y, tooltip=[alt.Tooltip("label:N", title=""), alt.Tooltip("theta:Q", title="θ", format=".6g"),
                           alt.Tooltip("loss:Q", title="J(θ)", format=".6g")]),
        points.mark_text(dy=-14, fontSize=13).encode(x, y, text="label:N"),
    ).add_params(step, zoom, *domain).properties(height=320, width="container")


def band(band: pd.DataFrame, minimizer: float | None) -> alt.LayerChart:
    """θ_k across seeds: the mean as a line over the 10–90 % band, the minimizer as a rule; the updates on a
    symmetric log axis, so the first steps and the long noisy tail are both seen."""
    x = alt.X("k:Q", title=t("chart.unit.k_log"), scale=alt.Scale(type="symlog"))
    marks = [] if minimizer is None else [  # a typed function may have no minimizer to mark
        alt.Chart(pd.DataFrame({"theta": [minimizer]})).mark_rule(strokeDash=[4, 4], color="#555").encode(
            y="theta:Q")]
    return alt.layer(
        alt.Chart(band).mark_area(opacity=0.3, color="#1f77b4").encode(
            x, alt.Y("low:Q", title="θₖ"), alt.Y2("high:Q")),
        alt.Chart(band).mark_line(color="#1f77b4").encode(
            x, alt.Y("mean:Q"), tooltip=[alt.Tooltip("k:Q"), alt.Tooltip("mean:Q", title=t("chart.mean"), format=".4g"),
                                         alt.Tooltip("low:Q", title="10 %", format=".4g"),
                                         alt.Tooltip("high:Q", title="90 %", format=".4g")]),
        *marks,
    ).properties(height=260, width="container")


def spread(spread: pd.DataFrame, marked: float | None, field: str = "theta") -> alt.LayerChart:
    """Where the seeds' runs ended: a histogram of the final θ (or, on a surface, the final J: field "loss") coloured
    by status, the minimizer (or J*) marked. It has width even when every seed stops after the same number of
    updates (at the limit, say)."""
    bins = alt.Bin(maxbins=20)
    name = t("chart.final_theta" if field == "theta" else "chart.final_loss")
    marks = [] if marked is None else [
        alt.Chart(pd.DataFrame({field: [marked]})).mark_rule(strokeDash=[4, 4], color="#555").encode(x=f"{field}:Q")]
    return alt.layer(
        alt.Chart(spread[["seed", field, "updates", "status"]]).mark_bar().encode(  # not θ: a pair on a surface
            x=alt.X(f"{field}:Q", bin=bins, title=name),
            y=alt.Y("count():Q", title=t("chart.seeds")),
            color=_status_color(),
            tooltip=[alt.Tooltip(f"{field}:Q", bin=bins, title=name, format=".4g"),
                     alt.Tooltip("count():Q", title=t("chart.seeds"))]),
        *marks,
    ).properties(height=200, width="container")


def schedule(frame: pd.DataFrame) -> alt.Chart:
    """η_t / η over the updates."""
    return alt.Chart(frame).mark_line(color="#1f77b4").encode(
        x=alt.X("t:Q", title=t("chart.unit.k")),
        y=alt.Y("factor:Q", title="ηₜ / η", scale=alt.Scale(domainMin=0)),
        tooltip=[alt.Tooltip("t:Q", title="t"), alt.Tooltip("factor:Q", title="ηₜ / η", format=".4g")],
    ).properties(height=150, width="container")


# --- the check at the bottom ---------------------------------------------------------------------------------------


class UnshowableWarning(RuntimeWarning):
    """A view built a spec holding a number JSON cannot carry (inf or nan): Vega would refuse the whole chart. The
    spec is sent with null there instead; the tests make this warning an error."""


def problems(spec) -> list[str]:
    """What in a chart spec (or any nest of dicts, lists and tuples) Vega cannot draw: each number that is not finite,
    by where it is ("layer[0].encoding.y.scale.domain[1] = inf"), and each inline dataset over MAX_ROWS."""
    found = []

    def walk(part, where):
        if isinstance(part, float) and not math.isfinite(part):
            found.append(f"{where} = {part}")
        elif isinstance(part, dict):
            for key, value in part.items():
                walk(value, f"{where}.{key}" if where else str(key))
        elif isinstance(part, list | tuple):
            for index, value in enumerate(part):
                walk(value, f"{where}[{index}]")

    walk(spec, "")
    if isinstance(spec, dict):
        datasets = [(f"datasets.{name}", rows) for name, rows in spec.get("datasets", {}).items()]
        found += [f"{name}: {len(rows):,} rows" for name, rows in datasets if len(rows) > MAX_ROWS]
    return found


def _finite(part):
    """A copy with every number that is not finite made None (JSON's null: Vega skips the row or the bound)."""
    if isinstance(part, float):
        return part if math.isfinite(part) else None
    if isinstance(part, dict):
        return {key: _finite(value) for key, value in part.items()}
    if isinstance(part, list | tuple):
        return type(part)(_finite(value) for value in part)
    return part


def _checked(part, where: str):
    """part as the page may send it: unchanged when JSON carries it (the usual case, checked at C speed), else with
    null for each number that is not finite and an UnshowableWarning naming them; a dataset over MAX_ROWS raises."""
    if not isinstance(part, dict | list | tuple):
        return part
    try:
        json.dumps(part, allow_nan=False)
        if not (isinstance(part, dict) and any(len(rows) > MAX_ROWS for rows in part.get("datasets", {}).values())):
            return part
    except (ValueError, TypeError):  # TypeError: not JSON at all (a frame inside a tuple), so not a chart
        pass
    found = problems(part)
    too_long = [problem for problem in found if problem.endswith(" rows")]
    if too_long:
        raise ValueError(f"{where}: a chart's data passes {MAX_ROWS:,} rows: {', '.join(too_long)}")
    if not found:
        return part
    warnings.warn(f"{where}: not finite, sent as null: {'; '.join(found[:5])}", UnshowableWarning, stacklevel=3)
    return _finite(part)


def guarded(result):
    """A view's result (a frozen dataclass of specs, sentences and tables, or a spec) as the page may draw it: every
    field that is a dict, list or tuple (the chart specs, the step-through's domains) passed through _checked."""
    if not dataclasses.is_dataclass(result):
        return _checked(result, type(result).__name__)
    changed = {field.name: _checked(getattr(result, field.name), f"{type(result).__name__}.{field.name}")
               for field in dataclasses.fields(result)}
    return dataclasses.replace(result, **{name: value for name, value in changed.items()
                                          if value is not getattr(result, name)})
