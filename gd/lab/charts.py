"""Altair chart builders: tidy frames in, alt.Chart out. The only module that imports Altair."""

import altair as alt
import pandas as pd

from gd.lab.text import t
from gd.stopping import STATUSES

STATUS_COLORS = ("#2ca02c", "#ff7f0e", "#7f7f7f", "#d62728")  # converged, stalled, max_iter, diverged
CURVE_COLOR = "#8c9aab"
PATH_COLOR = "#d62728"
CHART_WIDTH = 700  # px a faceted chart may take: fits the main column of a 1280 px window beside the sidebar
PANEL_HEIGHT = 160
TITLE_SEPARATOR = " · "  # panel titles are drawn one part per line, so they never widen a panel


def _status_color() -> alt.Color:
    labels = {status: t(f"status.{status}") for status in STATUSES}
    expression = " : ".join(f"datum.value == '{status}' ? '{label}'" for status, label in labels.items())
    return alt.Color("status:N", title=t("chart.status"),
                     scale=alt.Scale(domain=list(STATUSES), range=list(STATUS_COLORS)),
                     legend=alt.Legend(labelExpr=f"{expression} : datum.value"))


def trajectories(curve: pd.DataFrame, paths: pd.DataFrame, panels: list[str]) -> alt.FacetChart:
    """One panel per run: the objective's curve with the visited points θ₀ → θ_k on it, same axes everywhere."""
    x = alt.X("theta:Q", title="θ", scale=alt.Scale(domain=[curve["theta"].min(), curve["theta"].max()], nice=False))
    y = alt.Y("loss:Q", title="J(θ)", scale=alt.Scale(domain=[curve["loss"].min(), curve["loss"].max()]))
    line = alt.Chart(curve).mark_line(color=CURVE_COLOR).encode(x, y)
    path = alt.Chart().mark_line(
        color=PATH_COLOR, strokeWidth=1, clip=True,
        point=alt.OverlayMarkDef(shape="diamond", size=40, color=PATH_COLOR, filled=True, clip=True),
    ).encode(x, y, order="k:Q", tooltip=[
        alt.Tooltip("k:Q", title="k"), alt.Tooltip("theta:Q", title="θ", format=".6g"),
        alt.Tooltip("loss:Q", title="J(θ)", format=".6g"), alt.Tooltip("grad:Q", title="dJ(θ)", format=".6g")])
    columns = len(panels) if len(panels) <= 6 else -(-len(panels) // 2)
    width = min(200, (CHART_WIDTH - 60) // columns - 12)  # 60 px for the J(θ) axis, 12 px between panels
    return (alt.layer(line, path, data=paths)
            .properties(width=width, height=PANEL_HEIGHT)
            .facet(facet=alt.Facet("panel:N", sort=panels, title=None, header=alt.Header(
                       labelFontSize=12, labelExpr=f"split(datum.value, '{TITLE_SEPARATOR}')")),
                   columns=columns))


def convergence(gaps: pd.DataFrame, unit: str = "k") -> alt.Chart:
    """J(θ_k) − J* on a log scale against unit (a column of gaps: "k", "epochs" or "examples"), one line per η;
    hovering a line highlights it."""
    hover = alt.selection_point(on="pointerover", fields=["eta"], nearest=True, empty=True)
    first = gaps.loc[gaps["k"] == 0, "gap"].max()
    y = alt.Y("gap:Q", title=t("chart.gap"),
              scale=alt.Scale(type="log", domain=[gaps["gap"].min(), first * 1e3], clamp=False))
    base = alt.Chart(gaps).encode(
        x=alt.X(f"{unit}:Q", title=t(f"chart.unit.{unit}")), y=y,
        color=alt.Color("eta:N", title="η", sort=None, scale=alt.Scale(scheme="viridis")),
        tooltip=[alt.Tooltip("eta:N", title="η"), alt.Tooltip("k:Q", title="k"),
                 alt.Tooltip("gap:Q", title=t("chart.gap"), format=".3g")])
    lines = base.mark_line(clip=True).encode(
        opacity=alt.condition(hover, alt.value(1.0), alt.value(0.15)),
        strokeWidth=alt.condition(hover, alt.value(2.5), alt.value(1.5)))
    points = base.mark_circle(size=30, opacity=0, clip=True).add_params(hover)
    return alt.layer(lines, points).properties(height=280, width="container")


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


def geometry(curve: pd.DataFrame, shapes: dict[str, pd.DataFrame]) -> alt.LayerChart:
    """Every update of a run in one chart, the parameter STEP choosing which is drawn: the curve, θ_k with its
    tangent (slope dJ(θ_k)), and the step −η·dJ as an arrow to θ_(k+1). Playing changes only the parameter."""
    step = alt.param(name=STEP, value=0)
    shown = alt.datum.k == step
    x_scale = alt.Scale(domain=[curve["theta"].min(), curve["theta"].max()], nice=False)
    x = alt.X("theta:Q", title="θ", scale=x_scale)
    y = alt.Y("loss:Q", title="J(θ)", scale=alt.Scale(domain=[curve["loss"].min(), curve["loss"].max()]))
    arrow = alt.Chart(shapes["arrow"]).transform_filter(shown)
    points = alt.Chart(shapes["points"]).transform_filter(shown)
    heads = [arrow.transform_filter(alt.datum.direction == side).mark_point(
        shape=f"triangle-{side}", size=140, filled=True, color=PATH_COLOR, opacity=1).encode(
        x=alt.X("theta_next:Q", scale=x_scale), y=y) for side in ("right", "left")]
    return alt.layer(
        alt.Chart(curve).mark_line(color=CURVE_COLOR).encode(x, y),
        alt.Chart(shapes["tangent"]).transform_filter(shown).mark_line(
            color="#1f77b4", strokeDash=[6, 3], clip=True).encode(x, y),
        arrow.mark_rule(color=PATH_COLOR, strokeWidth=2).encode(x, y, x2="theta_next:Q"),
        *heads,
        points.mark_point(filled=True, size=90, color="black").encode(
            x, y, tooltip=[alt.Tooltip("label:N", title=""), alt.Tooltip("theta:Q", title="θ", format=".6g"),
                           alt.Tooltip("loss:Q", title="J(θ)", format=".6g")]),
        points.mark_text(dy=-14, fontSize=13).encode(x, y, text="label:N"),
    ).add_params(step).properties(height=320, width="container")


def band(band: pd.DataFrame, minimizer: float) -> alt.LayerChart:
    """θ_k across seeds: the mean as a line over the 10–90 % band, the minimizer as a rule."""
    x = alt.X("k:Q", title=t("chart.unit.k"))
    return alt.layer(
        alt.Chart(band).mark_area(opacity=0.3, color="#1f77b4").encode(
            x, alt.Y("low:Q", title="θₖ"), alt.Y2("high:Q")),
        alt.Chart(band).mark_line(color="#1f77b4").encode(
            x, alt.Y("mean:Q"), tooltip=[alt.Tooltip("k:Q"), alt.Tooltip("mean:Q", title=t("chart.mean"), format=".4g"),
                                         alt.Tooltip("low:Q", title="10 %", format=".4g"),
                                         alt.Tooltip("high:Q", title="90 %", format=".4g")]),
        alt.Chart(pd.DataFrame({"theta": [minimizer]})).mark_rule(strokeDash=[4, 4], color="#555").encode(
            y="theta:Q"),
    ).properties(height=260, width="container")


def spread(spread: pd.DataFrame) -> alt.Chart:
    """How many seeds stopped after how many updates: a histogram coloured by status."""
    return alt.Chart(spread).mark_bar().encode(
        x=alt.X("updates:Q", bin=alt.Bin(maxbins=30), title=t("chart.updates")),
        y=alt.Y("count():Q", title=t("chart.seeds")),
        color=_status_color(),
        tooltip=[alt.Tooltip("updates:Q", bin=alt.Bin(maxbins=30), title=t("chart.updates")),
                 alt.Tooltip("count():Q", title=t("chart.seeds"))],
    ).properties(height=200, width="container")


def schedule(frame: pd.DataFrame) -> alt.Chart:
    """η_t / η over the updates."""
    return alt.Chart(frame).mark_line(color="#1f77b4").encode(
        x=alt.X("t:Q", title=t("chart.unit.k")),
        y=alt.Y("factor:Q", title="ηₜ / η", scale=alt.Scale(domainMin=0)),
        tooltip=[alt.Tooltip("t:Q", title="t"), alt.Tooltip("factor:Q", title="ηₜ / η", format=".4g")],
    ).properties(height=150, width="container")
