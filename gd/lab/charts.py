"""Altair chart builders for the curves: tidy frames in, Vega-Lite out (gd.lab.maps draws the surfaces); and the
check every view's specs pass on their way out (guarded)."""

import dataclasses
import json
import math
import warnings

import altair as alt
import pandas as pd

from gd.lab import frames
from gd.lab.format import number
from gd.lab.text import t
from gd.stopping import STATUSES

# Colours told apart by everyone: every pair at least 10 apart in CAM02-UCS under deuteranopia, protanopia and
# tritanopia as Machado et al. (2009) simulate them (tests/test_palette.py measures it), and each series told apart by
# a second channel as well: a shape, a dash. Statuses: converged, stalled, max_iter, diverged, left_domain.
STATUS_COLORS = ("#00b478", "#ff5a0f", "#8787a5", "#a50000", "#694b96")  # 20 apart at least
STATUS_SHAPES = ("circle", "square", "triangle-right", "cross", "diamond")  # the limit: it would have gone on
CURVE_COLOR = "#8c9aab"
NEWTON_COLOR = "#555555"  # Newton's step, a ghost beside gradient descent's: grey, dotted, a hollow diamond
PATH_COLOR = "#d62728"
PIN_COLOR, PIN_DASH = "#333333", (7, 4)  # the pinned run, beside the η compared: near-black, long dashes, hollow
PIN_SHAPE = "circle"
START = "start"  # the selection a click on a side-by-side panel makes: where the runs start (state.clicked_start)
# One colour per compared η (up to 12), at least 14 apart under each deficiency, each at least 3:1 on white; the
# first five (the default η) the farthest apart. A shape and a dash each go with it.
ETA_COLORS = ("#6987ff", "#870000", "#d27878", "#690fa5", "#69782d", "#a587b4", "#69a500", "#005a3c", "#a54b69",
              "#7800ff", "#78005a", "#5a69a5")
STAR = "M0,-1L0.3,-0.3L1,0L0.3,0.3L0,1L-0.3,0.3L-1,0L-0.3,-0.3Z"  # Vega draws an SVG path as a shape, in a unit box
HEXAGON = "M-1,0L-0.5,-0.87L0.5,-0.87L1,0L0.5,0.87L-0.5,0.87Z"
PENTAGON = "M0,-1L0.95,-0.31L0.59,0.81L-0.59,0.81L-0.95,-0.31Z"
ETA_SHAPES = ("circle", "square", "diamond", "triangle-up", "triangle-down", STAR, "triangle-left", HEXAGON,
              "triangle-right", PENTAGON, "wedge", "cross")
ETA_DASHES = ((1, 0), (6, 3), (2, 2), (8, 3, 2, 3))  # solid, dashed, dotted, dash-dot: cycled along the η
PANEL_HEIGHT = 200  # px of a panel's plot; its title, notes and axes add what they need (FIT_WIDTH)
TITLE_SEPARATOR = " · "  # panel titles are drawn one part per line, so they never widen a panel
EDGE_SHAPES = {"left": "triangle-left", "right": "triangle-right", "top": "triangle-up", "bottom": "triangle-down"}
# Every chart is as wide as its column and as tall as its content: Streamlit's default ("fit") squeezed a legend, a
# title and the axes into the height given, so a legend below the plot left it 40 px, and a mark outside the plot cut
# the axis title on the other side.
FIT_WIDTH = {"type": "fit-x", "contains": "padding"}
# Rows a chart's dataset may hold: Altair's own max_rows, past which it raises MaxRowsError. The lab stays under it
# by construction (runs thinned to frames.PATH_POINTS, a map's contours to maps.CONTOUR_ROWS, its background to
# maps.GRID_CELLS²) and guarded() checks it again on the specs it builds by hand (maps.panel's filled templates).
MAX_ROWS = 5_000


def eta_color(index: int) -> str:
    """The colour of the index-th compared η, the same in its panel and in the convergence chart."""
    return ETA_COLORS[index % len(ETA_COLORS)]


def eta_shape(index: int) -> str:
    return ETA_SHAPES[index % len(ETA_SHAPES)]


def eta_dash(index: int) -> list[int]:
    return list(ETA_DASHES[index % len(ETA_DASHES)])


def series(field: str, names: list, title: str | None, legend: dict | None = None, pinned: str | None = None
           ) -> tuple[alt.Color, alt.Shape, alt.StrokeDash]:
    """The channels that tell series apart (the compared η, the race's rules), each series the index-th colour, shape
    and dash, in one legend in the order of names (the scales' domain); pinned: one more series, last, in the pin's
    own colour, shape and dash."""
    domain = list(names)
    colors, shapes = [eta_color(i) for i in range(len(domain))], [eta_shape(i) for i in range(len(domain))]
    dashes = [eta_dash(i) for i in range(len(domain))]
    if pinned is not None:
        domain.append(pinned)
        colors.append(PIN_COLOR)
        shapes.append(PIN_SHAPE)
        dashes.append(list(PIN_DASH))
    legend = alt.Legend(**(legend or {}))
    return (alt.Color(field, title=title, legend=legend, scale=alt.Scale(domain=domain, range=colors)),
            alt.Shape(field, title=title, legend=legend, scale=alt.Scale(domain=domain, range=shapes)),
            alt.StrokeDash(field, title=title, legend=legend, scale=alt.Scale(domain=domain, range=dashes)))


def relabelled(labels: dict[str, str]) -> str:
    """A legend's labelExpr showing labels[value] for each value it names, and any other value as it is."""
    def text(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)

    cases = "".join(f"datum.value == {text(value)} ? {text(label)} : " for value, label in labels.items())
    return cases + "datum.value"


def status_channels(legend: dict | None = None) -> tuple[alt.Color, alt.Shape]:
    """A status as a colour and a shape (STATUS_COLORS, STATUS_SHAPES), in one legend in the page's language."""
    legend = alt.Legend(labelExpr=relabelled({status: t(f"status.{status}") for status in STATUSES}), **(legend or {}))
    return (alt.Color("status:N", title=t("chart.status"), legend=legend,
                      scale=alt.Scale(domain=list(STATUSES), range=list(STATUS_COLORS))),
            alt.Shape("status:N", title=t("chart.status"), legend=legend,
                      scale=alt.Scale(domain=list(STATUSES), range=list(STATUS_SHAPES))))


def finished(chart, description: str, height: int):
    """A chart as the page draws it: its column's width, a plot height px tall and whatever its title, legend and
    axes add (FIT_WIDTH), and its description (the accessible name a screen reader says for it)."""
    return chart.properties(height=height, width="container", autosize=FIT_WIDTH, description=description)


def decorative(mark: dict) -> dict:
    """Mark properties for a layer that only helps the eye (a background, a hover target, a guide): kept from
    assistive technology, which would read out every one of its items."""
    return {**mark, "aria": False}


def panel(curve: pd.DataFrame, plot: tuple[float, float, float, float], path: pd.DataFrame, edges: pd.DataFrame,
          title: str, notes: list[str], color: str, description: str, pin: "Pin | None" = None,
          clickable: bool = False) -> alt.LayerChart:
    """One run on the objective's curve: the visited points θ₀ → θ_k, clipped to the plot, and a marker on the edge
    where the run is outside it, its value in the notes under the title (so that no label lies on the plot). Every
    panel of a view has the same axes; each takes its column's width, so panels stack on a phone. pin: a pinned run's
    path, drawn under the run (pinned()); clickable: a click anywhere on the plot selects (START) the θ of the curve's
    sample nearest to it along θ, under the run's marks (whose tooltips stay theirs)."""
    low, high, bottom, top = plot
    x = alt.X("theta:Q", title="θ", scale=alt.Scale(domain=[low, high], nice=False))
    y = alt.Y("loss:Q", title=loss_title(frames.cut(curve, bottom, top)), scale=alt.Scale(domain=[bottom, top]))
    drawn = frames.clip(curve, bottom, top)
    picker = [alt.Chart(drawn).mark_point(opacity=0, aria=False).encode(
        x, tooltip=[alt.Tooltip("theta:Q", title=t("chart.start_here", theta="θ₀"), format=".3~g")]).add_params(
        alt.selection_point(name=START, on="click", nearest=True, encodings=["x"], clear=False))] if clickable else []
    layers = [alt.Chart(drawn).mark_line(color=CURVE_COLOR, aria=False).encode(x, y), *picker,
              alt.Chart(path).mark_line(
                  color=color, strokeWidth=1.5, clip=True,
                  point=alt.OverlayMarkDef(shape="diamond", size=40, color=color, filled=True, clip=True),
              ).encode(x, y, order="k:Q", tooltip=[
                  alt.Tooltip("k:Q", title="k"), alt.Tooltip("theta:Q", title="θ", format=".6g"),
                  alt.Tooltip("loss:Q", title="J(θ)", format=".6g"),
                  alt.Tooltip("grad:Q", title="dJ(θ)", format=".6g")])]
    if pin is not None:
        layers.insert(len(layers) - 1, pinned(alt.Chart(pin.path), pin.name, x, y, [
            alt.Tooltip("k:Q", title="k"), alt.Tooltip("theta:Q", title="θ", format=".6g"),
            alt.Tooltip("loss:Q", title="J(θ)", format=".6g")]))
    for side, shape in EDGE_SHAPES.items():
        here = edges[edges["side"] == side]
        if not here.empty:
            layers.append(alt.Chart(here).mark_point(shape=shape, size=120, filled=True, color=color, opacity=1,
                                                     aria=False).encode(  # said in the notes under the title
                x, y, tooltip=alt.Tooltip("label:N", title="")))
    return finished(alt.layer(*layers), description, PANEL_HEIGHT).properties(
        title=panel_title(title, notes))


@dataclasses.dataclass(frozen=True)
class Pin:
    """A pinned run as a panel draws it: its path (frames.path) and its name (the tooltip's first line)."""

    path: pd.DataFrame
    name: str


def pinned(chart: alt.Chart, name: str, x, y, tooltip: list) -> alt.Chart:
    """A pinned run's path on a panel's axes: a thin dashed line in PIN_COLOR with hollow points, clipped to the plot,
    its name first in the tooltip."""
    return chart.transform_calculate(pinned=json.dumps(name, ensure_ascii=False)).mark_line(
        color=PIN_COLOR, strokeDash=list(PIN_DASH), strokeWidth=1.5, clip=True,
        point=alt.OverlayMarkDef(shape=PIN_SHAPE, size=18, filled=False, color=PIN_COLOR, clip=True),
    ).encode(x, y, order="k:Q", tooltip=[alt.Tooltip("pinned:N", title=""), *tooltip])


def describe_panel(result, title: str, key: str) -> str:
    """A panel's description: its title as a sentence, where the run started and where it ended."""
    return t(key, title=t("list.separator").join(title.split(TITLE_SEPARATOR)), start=number(result.history[0]),
             end=number(result.theta))


def panel_title(title: str, notes: list[str]) -> alt.Title:
    """A panel's title, one part per line, and its notes (where the run went off the plot) under it."""
    return alt.Title(title.split(TITLE_SEPARATOR), fontSize=12, fontWeight="normal",
                     **({"subtitle": notes, "subtitleFontSize": 11, "subtitleColor": "#333"} if notes else {}))


def loss_title(cut: bool) -> str:
    """The J axis's title, saying so where the curve runs off the plot and is drawn at its edge (frames.window)."""
    return t("chart.loss.cut") if cut else "J(θ)"


CONVERGENCE_HEIGHT = 220  # px of the convergence chart's plot; its legend below adds a row per few η


def log_axis(first: float, end: float, title: str) -> tuple[alt.Scale, alt.Axis]:
    """A symmetric-log axis from 0 to end (0 and the decades 1, 10, 100 … in first's units; first: the smallest step,
    one update in the axis's unit), with ticks that read as one: 0, 1, 10, 100, 1k …, its title saying so."""
    powers = range(int(math.floor(math.log10(first))), int(math.floor(math.log10(max(end, first)))) + 1)
    ticks = [0.0, *(10.0**power for power in powers)]
    return (alt.Scale(type="symlog", constant=first, domain=[0, end], nice=False),
            alt.Axis(values=ticks, format="~s" if first >= 1 else ",~g", title=t("chart.log", axis=title)))


def convergence(gaps: pd.DataFrame, ends: pd.DataFrame, last: int, span: tuple[float, float], unit: str = "k",
                log_x: bool = False, description: str = "", pinned: str | None = None) -> alt.LayerChart:
    """J(θ_k) − J* on a log scale against unit (a column of gaps: "k", "epochs" or "examples") up to update last, one
    line per η, each η in its colour, dash and shape; every run's last point shown (a run of one update is a dot),
    runs that go on past the last update or diverge marked inside the plot's edge, and said in the legend; span: the
    gaps drawn (frames.gap_span); log_x: the updates on a symmetric log axis (frames.spans_decades). Hovering a line
    highlights it. pinned: the series of gaps that is the pinned run (drawn in the pin's style, last in the legend)."""
    hover = alt.selection_point(on="pointerover", fields=["eta"], nearest=True, empty=True)
    etas = [eta for eta in dict.fromkeys(gaps["eta"]) if eta != pinned]
    shown = gaps[gaps["k"] <= last]
    end = shown.loc[shown["k"] == shown.groupby("eta")["k"].transform("max")]
    scale_end = float(shown.loc[shown["k"] == shown["k"].max(), unit].max()) if len(shown) else 1.0
    scale_end = max(scale_end, 1e-12)
    y = alt.Y("gap:Q", title=t("chart.gap"), scale=alt.Scale(type="log", domain=list(span), clamp=False))
    if log_x:
        step = float(shown.loc[shown["k"] == 1, unit].min()) if (shown["k"] == 1).any() else 1.0
        x_scale, x_axis = log_axis(step, scale_end, t(f"chart.unit.{unit}"))
    else:
        x_scale, x_axis = alt.Scale(domain=[0, scale_end], nice=False), alt.Axis(title=t(f"chart.unit.{unit}"))
    x = alt.X(f"{unit}:Q", scale=x_scale, axis=x_axis)
    notes = {row.eta: t(f"chart.legend.{row.kind}", update=f"{int(row.update):,}") for row in ends.itertuples()}
    said = relabelled({eta: f"{eta} {note}" for eta, note in notes.items()})
    short = not notes and pinned is None and all(len(eta) <= 6 for eta in etas)  # four of "0.0001" fit a phone
    legend = {"orient": "bottom", "columns": min(len(etas), 4) if short else 1, "labelExpr": said,
              "labelLimit": 0, "symbolStrokeWidth": 2}  # never cut a label (0: no limit)
    color, shape, dash = series("eta:N", etas, "η", legend, pinned)
    tooltip = [alt.Tooltip("eta:N", title="η"), alt.Tooltip("k:Q", title="k"),
               alt.Tooltip("gap:Q", title=t("chart.gap"), format=".3g")]
    base = alt.Chart(shown).encode(x=x, y=y, color=color, tooltip=tooltip)
    lines = base.mark_line(clip=True).encode(
        strokeDash=dash, opacity=alt.condition(hover, alt.value(1.0), alt.value(0.3)),
        strokeWidth=alt.condition(hover, alt.value(2.5), alt.value(1.8)))
    targets = base.mark_circle(size=30, opacity=0, clip=True, aria=False).add_params(hover)  # what hovering finds
    layers = [lines, targets, alt.Chart(end).mark_point(size=60, filled=True, opacity=1, clip=True).encode(
        x=x, y=y, color=color.legend(None), shape=shape.legend(None), tooltip=tooltip)]  # one legend: the lines'
    if not ends.empty:
        marks = alt.Chart(ends).encode(x=x, y=y, color=color.legend(None),
                                       tooltip=[alt.Tooltip("eta:N", title="η"), alt.Tooltip("label:N", title="")])
        # drawn just inside the edge they stand on, so that they are seen whole and nothing leaves the plot;
        layers += [marks.transform_filter(alt.datum.kind == "diverged").mark_point(
                       shape="cross", angle=45, size=140, filled=True, opacity=1, yOffset=9, clip=True, aria=False),
                   marks.transform_filter(alt.datum.kind == "beyond").mark_point(
                       shape="triangle-right", size=110, filled=True, opacity=1, xOffset=-8, clip=True,
                       aria=False)]  # said in the legend and the description; an empty layer would have no name
    return finished(alt.layer(*layers), description, CONVERGENCE_HEIGHT)


SWEEP_MEASURES = ("updates", "grad")  # updates to stop, final |dJ|


REGIME_COLORS = {"monotone": "#e8f1fb", "oscillating": "#fdf3e1", "diverging": "#fbe9e9"}


SWEEP_HEIGHT = 200  # px of a sweep chart's plot


def sweep(frame: pd.DataFrame, measure: str, best: float | None, smoothness: float | None,
          regimes: pd.DataFrame | None = None, description: str = "") -> alt.LayerChart:
    """One measure of the grid search (updates to stop, or final |dJ| on a log axis) against η, each point's status
    a colour and a shape, the best η marked, η = 1/L and η = 2/L drawn where L is known, and the regimes shaded."""
    x = alt.X("eta:Q", title="η", scale=alt.Scale(type="log", nice=False))
    tooltip = [alt.Tooltip("eta:Q", title="η", format=".4g"),
               alt.Tooltip("updates:Q", title=t("chart.updates")),
               alt.Tooltip("grad:Q", title="|dJ|", format=".3g"),
               alt.Tooltip("status:N", title=t("chart.status"))]
    if measure == "updates":
        y = alt.Y("updates:Q", title=t("chart.updates"))
    else:
        y = alt.Y("grad:Q", title=t("chart.final_grad"), scale=alt.Scale(type="log"))
    color, shape = status_channels({"orient": "bottom", "columns": 2})
    frame = frame[["eta", "updates", "grad", "status"]]  # what is drawn (a surface's θ is a pair, J may be nan)
    layers = []
    if regimes is not None and not regimes.empty:
        layers.append(alt.Chart(regimes).mark_rect(opacity=0.8, aria=False).encode(
            x="start:Q", x2="end:Q",  # a fill, not a colour: the status legend stays one legend
            fill=alt.Fill("regime:N", scale=alt.Scale(domain=list(REGIME_COLORS), range=list(REGIME_COLORS.values())),
                          legend=None),
            tooltip=alt.Tooltip("label:N", title=t("chart.regime"))))
    layers.append(alt.Chart(frame).mark_point(size=40, filled=True, opacity=0.9).encode(x, y, color, shape,
                                                                                         tooltip=tooltip))
    if best is not None:
        layers.append(alt.Chart(frame[frame["eta"] == best]).mark_point(
            shape="diamond", size=220, color="black", strokeWidth=2).encode(x, y, tooltip=tooltip))
    if smoothness:
        layers += _guides(smoothness)
    return finished(alt.layer(*layers), description, SWEEP_HEIGHT)


def _guides(smoothness: float) -> list[alt.Chart]:
    """η = 1/L and η = 2/L as dashed rules, 1/L labelled on its left and 2/L on its right, so that the two labels do
    not run into each other on a narrow chart (they are 0.3 of a decade apart)."""
    rules = pd.DataFrame({"eta": [1 / smoothness, 2 / smoothness],
                          "label": [t("chart.one_over_l"), t("chart.two_over_l")], "side": ["left", "right"]})
    line = alt.Chart(rules).mark_rule(strokeDash=[4, 4], color="#555", aria=False).encode(x="eta:Q")
    labels = [alt.Chart(rules[rules["side"] == side]).mark_text(
        align="right" if side == "left" else "left", dx=-4 if side == "left" else 4, baseline="bottom", y=-6,
        color="#333", aria=False).encode(x="eta:Q", text="label:N")  # above the plot: runs that hit the limit are
              for side in ("left", "right")]  # points along its top
    return [line, *labels]


def refilled(spec: dict, cells: list[dict], title: str, description: str) -> dict:
    """Another panel of the same basins chart (charts.basins' spec, built once): its cells, title and description
    replaced, the rest shared, since building and checking each panel's spec with Altair took 80 ms of the view's."""
    [name] = [name for name, rows in spec["datasets"].items() if rows and "i" in rows[0]]
    return {**spec, "datasets": {**spec["datasets"], name: cells}, "title": title, "description": description}


RANGE_HEIGHT = 240  # px of the range test's plot
RANGE_MARKS = {"steepest": ("#00b478", [1, 0], "bottom"), "edge": ("#a50000", [6, 3], "top")}  # STATUS_COLORS'
# converged and diverged, a dash each, and where the words go, left of the rule: J is still high left of the steepest
# η, so its words go at the bottom; J is low just before the blow-up, so the edge's go at the top


def range_test(frame: pd.DataFrame, span: tuple[float, float], start: float, smoothed: bool, marks: pd.DataFrame,
               smoothness: float | None, description: str = "") -> alt.LayerChart:
    """J after each update of the range test against the η that made it (log axis), smoothed where it was (the raw J
    faint behind), J(θ₀) as a level, the steepest η and the last before the blow-up marked (marks: eta, kind, label;
    each a colour, a dash and its words), and η = 1/L and 2/L where L is known. J beyond span is drawn at its edge
    (frames.range_test)."""
    x = alt.X("eta:Q", title="η", scale=alt.Scale(type="log", nice=False))
    y_scale = alt.Scale(domain=list(span), nice=False, zero=False)
    y_axis = alt.Axis(titleAngle=0, titleAlign="left", titleY=-12, titleX=0)  # "J" read upright, above its axis
    tooltip = [alt.Tooltip("k:Q", title=t("chart.update")), alt.Tooltip("eta:Q", title="η", format=".4g"),
               alt.Tooltip("loss:Q", title="J", format=".6g")]
    base = alt.Chart(frame).encode(x)
    layers = []
    if smoothed:
        layers.append(base.mark_line(color=CURVE_COLOR, strokeWidth=1, clip=True).encode(
            alt.Y("loss:Q", title="J", scale=y_scale, axis=y_axis), tooltip=tooltip))
    layers.append(base.mark_line(color=ETA_COLORS[0], strokeWidth=2.5, clip=True).encode(
        alt.Y("smoothed:Q", title="J", scale=y_scale, axis=y_axis),
        tooltip=[*tooltip, alt.Tooltip("smoothed:Q", title=t("chart.range.smoothed"), format=".6g")] if smoothed
        else tooltip))
    if math.isfinite(start):  # J(θ₀) as a level (not finite: the run made no update, and there is no level)
        level = alt.Chart(pd.DataFrame({"loss": [start], "label": [t("chart.range.start")]}))
        layers += [level.mark_rule(strokeDash=[2, 2], color="#555", aria=False).encode(y=alt.Y("loss:Q")),
                   level.mark_text(align="left", baseline="bottom", x=4, dy=-2, color="#333", aria=False)
                   .encode(y="loss:Q", text="label:N")]
    if not marks.empty:
        kinds = list(RANGE_MARKS)
        color = alt.Color("kind:N", legend=None,
                          scale=alt.Scale(domain=kinds, range=[RANGE_MARKS[k][0] for k in kinds]))
        dash = alt.StrokeDash("kind:N", legend=None,
                              scale=alt.Scale(domain=kinds, range=[RANGE_MARKS[k][1] for k in kinds]))
        layers.append(alt.Chart(marks).mark_rule(strokeWidth=2).encode(
            alt.X("eta:Q"), color, dash, tooltip=[alt.Tooltip("label:N", title=t("chart.range.mark")),
                                                  alt.Tooltip("eta:Q", title="η", format=".4g")]))
        for kind, (color_of, _, place) in RANGE_MARKS.items():
            if (marks["kind"] == kind).any():
                layers.append(alt.Chart(marks[marks["kind"] == kind]).mark_text(
                    align="right", dx=-4, baseline=place, y="height" if place == "bottom" else 0,
                    dy=-4 if place == "bottom" else 4, color=color_of, aria=False).encode(x="eta:Q", text="label:N"))
    if smoothness:
        layers += _guides(smoothness)
    return finished(alt.layer(*layers), description, RANGE_HEIGHT)


INSIDE_HEIGHT = 200  # px of each of the inside view's plots


def inside_state(frame: pd.DataFrame, names: list[str], title: str | None, description: str = "") -> alt.Chart:
    """One coordinate's g and what the rule keeps against the update (both axes: t on a log scale, values on a
    symmetric log one, so that the first updates and a sign change both show), each quantity a colour, a shape and
    a dash (series), in the order of names."""
    color, shape, dash = series("quantity:N", names, t("chart.inside.quantity"), {"orient": "bottom"})
    chart = alt.Chart(frame).mark_line(point=alt.OverlayMarkDef(size=20, filled=True)).encode(
        alt.X("t:Q", title=t("chart.update"), scale=alt.Scale(type="log", nice=False)),
        alt.Y("value:Q", title=t("chart.inside.value"), scale=alt.Scale(type="symlog")),
        color, shape, dash,
        tooltip=[alt.Tooltip("t:Q", title=t("chart.update")),
                 alt.Tooltip("quantity:N", title=t("chart.inside.quantity")),
                 alt.Tooltip("value:Q", title=t("chart.inside.value"), format=".4g")])
    if title:
        chart = chart.properties(title=title)
    return finished(chart, description, INSIDE_HEIGHT)


def inside_steps(frame: pd.DataFrame, description: str = "") -> alt.Chart:
    """The length of each step against the update, beside plain descent's from the same gradient (and Adam's without
    its correction), log scales, each kind a colour, a shape and a dash."""
    names = list(dict.fromkeys(frame["label"]))
    color, shape, dash = series("label:N", names, t("chart.inside.kind"), {"orient": "bottom"})
    return finished(alt.Chart(frame).mark_line(point=alt.OverlayMarkDef(size=20, filled=True)).encode(
        alt.X("t:Q", title=t("chart.update"), scale=alt.Scale(type="log", nice=False)),
        alt.Y("length:Q", title=t("chart.inside.length"), scale=alt.Scale(type="log")),
        color, shape, dash,
        tooltip=[alt.Tooltip("t:Q", title=t("chart.update")), alt.Tooltip("label:N", title=t("chart.inside.kind")),
                 alt.Tooltip("length:Q", title=t("chart.inside.length"), format=".4g")]), description, INSIDE_HEIGHT)


# Where a start's run ends (frames.basins): four minima, a saddle point, elsewhere, and the three statuses; every pair
# at least 16 apart in CAM02-UCS under each colour-vision deficiency (tests/test_palette.py asks 10), each outcome
# named in the key and the tooltip as well.
BASIN_COLORS = {"minimum-1": "#00b478", "minimum-2": "#7800ff", "minimum-3": "#a54b69", "minimum-4": "#78005a",
                "saddle": "#000000", "other": "#c8c8c8", "stalled": "#ff5a0f", "limit": "#8787a5",
                "diverged": "#a50000"}
BASIN_ROW = 26  # px of a compared η's row in a curve's basins chart


def basin_key(labels: dict[str, str], description: str = "") -> alt.LayerChart:
    """The basins' legend, once for all their panels: each outcome present (labels: outcome → words) a square of its
    colour and its words, one per row."""
    rows = pd.DataFrame({"outcome": list(labels), "label": list(labels.values())})
    base = alt.Chart(rows).encode(y=alt.Y("label:N", sort=list(labels.values()), axis=None))
    return alt.layer(
        base.mark_square(size=140, opacity=1).encode(
            x=alt.value(8), color=alt.Color("outcome:N", legend=None, scale=alt.Scale(
                domain=list(BASIN_COLORS), range=list(BASIN_COLORS.values())))),
        base.mark_text(align="left", x=22, fontSize=13, aria=False).encode(text="label:N"),
    ).properties(height=alt.Step(BASIN_KEY_ROW), width="container", description=description,
                 title=alt.Title(t("chart.basin.outcome"), anchor="start", fontSize=13)).configure_view(strokeWidth=0)


BASIN_KEY_ROW = 20  # px of a row of the basins' key


def basins(cells: pd.DataFrame, grid: list[tuple[float, float]], labels: dict[str, str], points: pd.DataFrame,
           title: str | None = None, description: str = "") -> alt.LayerChart:
    """Each start a cell coloured by where its run ended, the colours those of basin_key. cells: i (and j on a surface),
    the start's place in the grid, code (the outcome's place in BASIN_COLORS), updates, and on a curve eta_label, one
    row per compared η; grid: each axis's (first cell's low edge, cell width), from which Vega places the cells, and
    the outcome and its words (labels) are looked up by code, so that the rows sent are a few bytes each. The
    minimizers are marked and numbered (points: x, and y on a surface, number)."""
    surface = "j" in cells.columns
    placed = alt.Chart(cells).transform_calculate(
        **{f"{axis}{end}": f"{low} + (datum.{index} + {offset}) * {width}"
           for (axis, index), (low, width) in zip((("x", "i"), ("y", "j")), grid, strict=False)
           for end, offset in (("", 0.5), ("0", 0), ("1", 1))}).transform_lookup(
        lookup="code", from_=alt.LookupData(pd.DataFrame(
            {"code": [list(BASIN_COLORS).index(outcome) for outcome in labels], "outcome": list(labels),
             "label": list(labels.values())}), "code", ["outcome", "label"]))
    color = alt.Color("outcome:N", legend=None,  # one key for every panel (basin_key)
                      scale=alt.Scale(domain=list(BASIN_COLORS), range=list(BASIN_COLORS.values())))
    first = "x" if surface else "θ₀"
    x = alt.X("x0:Q", title=first, scale=alt.Scale(nice=False, zero=False))
    tooltip = [alt.Tooltip("x:Q", title=first, format=".4g"),
               *([alt.Tooltip("y:Q", title="y", format=".4g")] if surface else
                 [alt.Tooltip("eta_label:N", title="η")]),
               alt.Tooltip("label:N", title=t("chart.basin.outcome")),
               alt.Tooltip("updates:Q", title=t("chart.updates"))]
    marks = alt.Chart(points)
    if surface:
        layers = [placed.mark_rect().encode(x, x2="x1:Q", y=alt.Y("y0:Q", title="y", scale=alt.Scale(
                      nice=False, zero=False)), y2="y1:Q", color=color, tooltip=tooltip),
                  marks.mark_point(shape="diamond", size=80, filled=True, color="white", stroke="black",
                                   strokeWidth=1, opacity=1, aria=False).encode(x="x:Q", y="y:Q"),
                  marks.mark_text(dy=-12, fontSize=12, fontWeight="bold", aria=False).encode(x="x:Q", y="y:Q",
                                                                                          text="number:N")]
        height = PANEL_HEIGHT
    else:
        rows = list(dict.fromkeys(cells["eta_label"]))
        layers = [placed.mark_rect().encode(x, x2="x1:Q", y=alt.Y("eta_label:N", title="η", sort=rows), color=color,
                                            tooltip=tooltip),
                  marks.mark_rule(color="white", strokeWidth=1.5, aria=False).encode(x="x:Q"),
                  marks.mark_text(y=-6, fontSize=12, fontWeight="bold", aria=False).encode(x="x:Q", text="number:N")]
        height = BASIN_ROW * len(rows)
    chart = alt.layer(*layers)
    if title:
        chart = chart.properties(title=title)
    return finished(chart, description, height)


STEP = "step"  # the chart parameter that picks which update the step-through chart shows
ZOOM = "zoom"  # the one that picks the piece of curve drawn in that update's window (frames.windows)
DOMAIN = ("x_low", "x_high", "y_low", "y_high")  # the step-through's axes: its window, followed out or zoomed in
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


GEOMETRY_HEIGHT = 260  # px of the one-update chart's plot


def geometry(curve: pd.DataFrame, shapes: dict[str, pd.DataFrame], cut: bool = False, description: str = ""
             ) -> alt.LayerChart:
    """Every update of a run in one chart, the parameter STEP choosing which is drawn: the curve, θ_k with its
    tangent (slope dJ(θ_k)), and the step −η·dJ as an arrow to θ_(k+1), each point labelled on its outer side. Playing
    changes only the parameters, read from the PLAYER row (played): STEP, the axes' domains DOMAIN (the update's
    window: followed out of the plot, or zoomed in on a small step) and ZOOM, which picks the piece of curve drawn for
    them. cut: the curve runs off the plot in some window and is drawn at its edge there (frames.clip)."""
    step, zoom = player_param(STEP), player_param(ZOOM)
    domain = [player_param(name) for name in DOMAIN]
    shown = alt.datum.k == step
    x_scale = alt.Scale(domain=alt.ExprRef(f"[{DOMAIN[0]}, {DOMAIN[1]}]"), nice=False)
    x = alt.X("theta:Q", title="θ", scale=x_scale)
    y_scale = alt.Scale(domain=alt.ExprRef(f"[{DOMAIN[2]}, {DOMAIN[3]}]"), nice=False, zero=False)
    y = alt.Y("loss:Q", title=loss_title(cut), scale=y_scale)
    arrow = alt.Chart(shapes["arrow"]).transform_filter(shown)
    points = alt.Chart(shapes["points"]).transform_filter(shown)
    newton = alt.Chart(shapes["newton"]).transform_filter(shown)
    heads = [arrow.transform_filter(alt.datum.direction == side).mark_point(
        shape=f"triangle-{side}", size=140, filled=True, color=PATH_COLOR, opacity=1, clip=True, aria=False).encode(
        x=alt.X("theta_next:Q", scale=x_scale), y=y) for side in ("right", "left")]
    labels = [points.transform_filter(alt.datum.side == side).mark_text(
        align="right" if side == "left" else "left", dx=-8 if side == "left" else 8, dy=-12, fontSize=13,
        clip=True).encode(x, y, text="label:N") for side in ("left", "right")]
    return finished(alt.layer(
        alt.Chart(curve).transform_filter(alt.datum.zoom == zoom).mark_line(color=CURVE_COLOR, aria=False,
                                                                            clip=True).encode(x, y),
        alt.Chart(shapes["tangent"]).transform_filter(shown).mark_line(
            color="#1f77b4", strokeDash=[6, 3], clip=True, aria=False).encode(x, y),
        arrow.mark_rule(color=PATH_COLOR, strokeWidth=2, clip=True).encode(x, y, x2="theta_next:Q"),
        *heads,
        newton.mark_rule(color=NEWTON_COLOR, strokeDash=[2, 3], strokeWidth=1.5, clip=True, aria=False).encode(
            alt.X("theta_from:Q", scale=x_scale), alt.Y("loss_from:Q", scale=y_scale), x2="theta:Q", y2="loss:Q"),
        newton.mark_point(shape="diamond", size=110, filled=False, strokeWidth=2, color=NEWTON_COLOR, clip=True
                          ).encode(x, y, tooltip=[alt.Tooltip("label:N", title=""),
                                                  alt.Tooltip("theta:Q", title="θ", format=".6g"),
                                                  alt.Tooltip("loss:Q", title="J(θ)", format=".6g")]),
        points.mark_point(filled=True, size=90, color="black", clip=True).encode(
            x, y, tooltip=[alt.Tooltip("label:N", title=""), alt.Tooltip("theta:Q", title="θ", format=".6g"),
                           alt.Tooltip("loss:Q", title="J(θ)", format=".6g")]),
        *labels,
    ).add_params(step, zoom, *domain), description, GEOMETRY_HEIGHT)


def band(band: pd.DataFrame, minimizer: float | None, description: str = "") -> alt.LayerChart:
    """θ_k across seeds: the mean as a line over the 10–90 % band, the minimizer as a rule; the updates on a
    symmetric log axis (0, 1, 10, 100 …), so the first steps and the long noisy tail are both seen."""
    scale, axis = log_axis(1.0, float(max(band["k"].max(), 1)), t("chart.unit.k"))
    x = alt.X("k:Q", scale=scale, axis=axis)
    marks = [] if minimizer is None else [  # a typed function may have no minimizer to mark
        alt.Chart(pd.DataFrame({"theta": [minimizer]})).mark_rule(strokeDash=[4, 4], color="#555", aria=False).encode(
            y="theta:Q")]
    return finished(alt.layer(
        alt.Chart(band).mark_area(opacity=0.3, color="#1f77b4", aria=False).encode(
            x, alt.Y("low:Q", title="θₖ"), alt.Y2("high:Q")),
        alt.Chart(band).mark_line(color="#1f77b4").encode(
            x, alt.Y("mean:Q"), tooltip=[alt.Tooltip("k:Q"), alt.Tooltip("mean:Q", title=t("chart.mean"), format=".4g"),
                                         alt.Tooltip("low:Q", title="10 %", format=".4g"),
                                         alt.Tooltip("high:Q", title="90 %", format=".4g")]),
        *marks,
    ), description, 200)


def spread(spread: pd.DataFrame, marked: float | None, field: str = "theta", description: str = "") -> alt.LayerChart:
    """Where the seeds' runs ended: one point per seed over its bin of the final θ (or, on a surface, the final J:
    field "loss"), stacked, its status a colour and a shape; the minimizer (or J*) marked. It has width even when
    every seed stops after the same number of updates (at the limit, say)."""
    bins = alt.Bin(maxbins=20)
    name = t("chart.final_theta" if field == "theta" else "chart.final_loss")
    color, shape = status_channels({"orient": "bottom", "columns": 2})
    marks = [] if marked is None else [
        alt.Chart(pd.DataFrame({field: [marked]})).mark_rule(strokeDash=[4, 4], color="#555", aria=False).encode(
            x=f"{field}:Q")]
    seeds = alt.Chart(spread[["seed", field, "updates", "status"]]).transform_bin(  # not θ: a pair on a surface
        ["start", "end"], field, bin=bins).transform_calculate(middle="(datum.start + datum.end) / 2").transform_window(
        place="row_number()", groupby=["start"], sort=[alt.SortField("status"), alt.SortField("seed")])
    return finished(alt.layer(
        seeds.mark_point(size=50, filled=True, opacity=0.9).encode(
            x=alt.X("middle:Q", title=name, scale=alt.Scale(zero=False)),
            y=alt.Y("place:Q", title=t("chart.seeds"), scale=alt.Scale(zero=True, padding=10),
                    axis=alt.Axis(tickMinStep=1)),
            color=color, shape=shape,
            tooltip=[alt.Tooltip("seed:Q", title=t("map.seed")), alt.Tooltip(f"{field}:Q", title=name, format=".6g"),
                     alt.Tooltip("updates:Q", title=t("chart.updates")),
                     alt.Tooltip("status:N", title=t("chart.status"))]),
        *marks,
    ), description, 160)


def schedule(frame: pd.DataFrame, description: str = "") -> alt.Chart:
    """η_t / η over the updates."""
    return finished(alt.Chart(frame).mark_line(color="#1f77b4").encode(
        x=alt.X("t:Q", title=t("chart.unit.k")),
        y=alt.Y("factor:Q", title="ηₜ / η", scale=alt.Scale(domainMin=0)),
        tooltip=[alt.Tooltip("t:Q", title="t"), alt.Tooltip("factor:Q", title="ηₜ / η", format=".4g")],
    ), description, 120)


# --- the check at the bottom ---------------------------------------------------------------------------------------


class UnshowableWarning(RuntimeWarning):
    """A view built a spec holding a number JSON cannot carry (inf or nan): Vega would refuse the whole chart. The
    spec is sent with null there instead; the tests make this warning an error."""


# The px of type the page's charts are drawn at where a spec gives none (Vega's defaults, as Streamlit's theme keeps
# them): larger() scales these and every size a spec gives itself.
TYPE_SIZES = {"axis": {"labelFontSize": 11, "titleFontSize": 11}, "legend": {"labelFontSize": 11, "titleFontSize": 11},
              "title": {"fontSize": 13, "subtitleFontSize": 12}, "text": {"fontSize": 11}}
SIZE_KEYS = frozenset(key for sizes in TYPE_SIZES.values() for key in sizes)


def larger(spec: dict, factor: float) -> dict:
    """The chart with its type `factor` times as large (a figure for a slide, the page on a projector): every font
    size it gives (titles, text marks) and the defaults of those it leaves to its config (axes, legends)."""
    def scaled(part):
        if isinstance(part, dict):
            return {key: round(value * factor) if key in SIZE_KEYS and isinstance(value, int | float) else
                    value if key == "datasets" else scaled(value) for key, value in part.items()}
        return [scaled(item) for item in part] if isinstance(part, list) else part

    config = {part: dict(sizes) for part, sizes in TYPE_SIZES.items()}  # scaled with the rest below
    for part, given in spec.get("config", {}).items():
        config[part] = {**config.get(part, {}), **given} if isinstance(given, dict) else given
    return scaled({**spec, "config": config})


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
