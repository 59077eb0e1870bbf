"""A surface's map (gd.surfaces) and what any view draws on one: paths, a run's panel (side by side through
backdrops.py, as a curve's), the seeds' ends, one update. The race (races.py), momentum's (η, β) map
(momentum_map.py) and the fitted model (fitted_model.py) build on what is here (map_chart, axes, heads,
path_tooltip).

A map is a filled background (GRID_CELLS² quantitative rects, each shaded by the band of levels its centre
lies in), contour lines at those levels (computed with contourpy on a CONTOUR_GRID² grid, thinned, drawn as
line layers with an `order` channel), the eigen-directions through the minimum on a quadratic, the minimizers
and saddles, and runs on top: paths clipped to the map with a marker on its edge where a run ends outside it,
each η in its colour (charts.eta_color). Everything that depends only on the surface is computed once per
surface (surface_map, cached by name); what depends on a run is small (paths thinned to frames.PATH_POINTS).

Charts holding every step of a run take a Vega-Lite parameter STEP (charts.STEP) that picks how far they are
drawn: the page changes only the parameter (at()), nothing is computed again. Every chart takes its column's
width (width "container"), so maps stack on a phone. Text goes through t(); nothing here imports Streamlit.
"""

import copy
import functools
import json
from dataclasses import dataclass

import altair as alt
import numpy as np
import pandas as pd
from contourpy import LineType, contour_generator

import gd
from gd import theory
from gd.data import DataObjective, parse_data
from gd.lab import frames
from gd.lab.charts import (
    EDGE_SHAPES,
    FIT_WIDTH,
    NEWTON_COLOR,
    PATH_COLOR,
    START,
    STEP,
    TITLE_SEPARATOR,
    Pin,
    at_step,
    panel_title,
    pinned,
    played,
    player_param,
    status_channels,
)
from gd.lab.format import number, rounded
from gd.lab.text import spoken, t
from gd.newton import newton_steps
from gd.run import gradient
from gd.typed import TypedObjective

GRID_CELLS = 40  # background rects per axis: 1,600 per map
CONTOUR_GRID = 100  # samples per axis the contour lines are interpolated from
LEVELS = 12  # contour lines per map
LINE_POINTS = 32  # vertices a contour line keeps at most (every vertex stays on its level: only some are dropped)
FEWEST_POINTS = 4  # vertices a line may be cut down to when a map has many lines (a closed one stays a triangle)
# Vertices of a map's contour lines at most: 2.3 times the busiest built-in map's (Himmelblau's, 854), so those are
# drawn as they always were; a typed J such as sin(x*y) has hundreds of lines (10,000 vertices, sin(10x)·sin(10y)
# 57,000). With the background's 1,600 rects at most, a map's base is under 3,600 rows, under Altair's 5,000 rows
# a dataset (charts.MAX_ROWS), and a side by side of 12 maps, each carrying its base, sends under 45,000 rows.
CONTOUR_ROWS = 2_000
COORDINATE_DIGITS = 4  # significant digits of the map's span a contour vertex or rect edge keeps (1e-4 of it)
LOG_ABOVE = 100.0  # log-spaced levels on a surface that is not quadratic and whose J − J* on the map passes this
LINEAR_TOP = 0.75  # evenly spaced levels reach this quantile of J on the map
LOG_DECADES = 4  # log-spaced levels span this many decades below the map's highest J − J*
MAP_HEIGHT = 280  # px of a map's plot; its title, legend and axes add what they need (charts.FIT_WIDTH)
SIDE_HEIGHT = 200  # px of the charts drawn beside a map (gaps, the regression's data)
BACKGROUND = ("#f7f9fc", "#b4c1d0")  # the lowest band's shade, the highest's
LINE_COLOR = "#5f6f82"
EIGEN_COLOR = "#1f1f1f"
MAP_EDGES = EDGE_SHAPES  # a marker on each of the four edges
ARROW_SHARE = 1 / 6  # the gradient arrow's length on the one-update map, as a share of the map's width


# --- what a surface alone decides (cached per surface) -------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SurfaceMap:
    """Everything a map draws that depends only on the surface. Frames are shared between calls: read, never write."""

    name: str
    box: tuple[float, float, float, float]  # x from, to; y from, to (the surface's bounds)
    levels: np.ndarray  # the contour levels, values of J, ascending
    log: bool  # levels log-spaced in J − J* (else evenly spaced in J)
    background: pd.DataFrame  # x, x2, y, y2, band: one rect per cell, band = how many levels lie below its centre
    contours: pd.DataFrame  # level (index into levels), piece, order, x, y: each piece one line of one level
    eigen: pd.DataFrame  # direction, eigenvalue, x, y: the two ends of each eigen-direction (quadratics only)
    marks: pd.DataFrame  # kind ("minimum" or "saddle"), x, y


def map_box(problem) -> tuple[float, float, float, float]:
    (x_low, x_high), (y_low, y_high) = problem.bounds
    return float(x_low), float(x_high), float(y_low), float(y_high)


def _values(problem, xs: np.ndarray, ys: np.ndarray) -> np.ndarray:
    """J on the grid xs × ys, shaped (len(ys), len(xs)) as contourpy reads it."""
    grid_x, grid_y = np.meshgrid(xs, ys)
    with np.errstate(all="ignore"):
        return problem.value(np.stack([grid_x.ravel(), grid_y.ravel()], axis=-1)).reshape(grid_x.shape)


def contour_levels(problem, values: np.ndarray) -> tuple[np.ndarray, bool]:
    """LEVELS values of J: evenly spaced between J* and the LINEAR_TOP quantile of J on the map (a quadratic's
    corners would take most of them), or, where J − J* spans decades (not quadratic, and its highest past LOG_ABOVE),
    spaced by a constant factor over LOG_DECADES decades below the highest."""
    values = np.where(np.isfinite(values), values, np.nan)  # a typed J is undefined (nan) or infinite in places
    floor = problem.min_value if problem.minimizers else float(np.nanmin(values))  # and may have no minimum
    top = float(np.nanmax(values)) - floor
    log = not problem.quadratic and top > LOG_ABOVE
    if log:
        gaps = np.geomspace(top * 10.0**-LOG_DECADES, top, LEVELS + 1)[:-1]
    else:
        gaps = np.linspace(0.0, float(np.nanquantile(values, LINEAR_TOP)) - floor, LEVELS + 1)[1:]
    return floor + gaps, log


def _thin_line(count: int, most: int = LINE_POINTS) -> np.ndarray:
    """Indices of a line's vertices to keep: at most `most`, evenly spread, the first and last always (a closed line
    stays closed)."""
    if count <= most:
        return np.arange(count)
    return np.unique(np.linspace(0, count - 1, most).round().astype(int))


def _budget(lengths: list[np.ndarray]) -> tuple[list[int], int]:
    """Which levels to draw and how many vertices a line keeps, so that the map holds at most CONTOUR_ROWS: every
    level with up to LINE_POINTS vertices a line if that fits, else fewer vertices a line (down to FEWEST_POINTS),
    else every second level, every third, … (a map with fewer levels is still a true map; one with lines left out
    is not). lengths: the vertex counts of each level's lines."""
    mosts = np.arange(LINE_POINTS, FEWEST_POINTS - 1, -1)
    rows = np.array([np.minimum(counts[:, None], mosts[None, :]).sum(axis=0) for counts in lengths])  # level, most
    for stride in range(1, len(lengths) + 1):
        kept = list(range(stride // 2, len(lengths), stride))  # from the middle of each stride: both ends thinned
        fitting = np.flatnonzero(rows[kept].sum(axis=0) <= CONTOUR_ROWS)
        if fitting.size:
            return kept, int(mosts[fitting[0]])
    return [len(lengths) // 2], FEWEST_POINTS  # one level whose lines alone pass the cap: its longest are drawn


def _contours(problem, box, levels) -> tuple[pd.DataFrame, np.ndarray]:
    """The contour lines at (some of) levels, at most CONTOUR_ROWS vertices in all (_budget), and the levels drawn."""
    xs, ys = np.linspace(box[0], box[1], CONTOUR_GRID), np.linspace(box[2], box[3], CONTOUR_GRID)
    generator = contour_generator(xs, ys, _values(problem, xs, ys), line_type=LineType.Separate)
    lines = [[line for line in level if len(line) >= 2] for level in generator.multi_lines(levels)]
    kept, most = _budget([np.array([len(line) for line in level], dtype=int) for level in lines])
    over = sum(min(len(line), most) for level in kept for line in lines[level]) > CONTOUR_ROWS
    parts, rows = [], 0
    for index, level in enumerate(kept):
        for line in sorted(lines[level], key=len, reverse=True) if over else lines[level]:  # over: the longest first
            vertices = line[_thin_line(len(line), most)]
            if rows + len(vertices) > CONTOUR_ROWS:
                break
            parts.append((index, vertices))
            rows += len(vertices)
    if not parts:
        return pd.DataFrame(columns=["level", "piece", "order", "x", "y"]), np.asarray(levels)[kept]
    vertices = np.round(np.concatenate([part for _, part in parts]), _digits(box))
    sizes = [len(part) for _, part in parts]
    return pd.DataFrame({"level": np.repeat([index for index, _ in parts], sizes),
                         "piece": np.repeat(np.arange(len(parts)), sizes),
                         "order": np.concatenate([np.arange(size) for size in sizes]),
                         "x": vertices[:, 0], "y": vertices[:, 1]}), np.asarray(levels)[kept]


def _digits(box) -> int:
    """Decimals that keep a coordinate to COORDINATE_DIGITS significant digits of the map's span."""
    return int(COORDINATE_DIGITS - np.floor(np.log10(max(box[1] - box[0], box[3] - box[2]))))


def _background(problem, box, levels) -> pd.DataFrame:
    """GRID_CELLS² cells, each shaded by its centre's band (how many levels lie below it), one rect per run of
    cells of one band along a row, so a map sends a few hundred rects, not 1,600."""
    x_edges = np.round(np.linspace(box[0], box[1], GRID_CELLS + 1), _digits(box))
    y_edges = np.round(np.linspace(box[2], box[3], GRID_CELLS + 1), _digits(box))
    bands = np.searchsorted(levels, _values(problem, (x_edges[:-1] + x_edges[1:]) / 2,
                                            (y_edges[:-1] + y_edges[1:]) / 2))
    rows = []
    for row, band in enumerate(bands):
        starts = np.flatnonzero(np.concatenate([[True], band[1:] != band[:-1]]))
        for start, end in zip(starts, np.append(starts[1:], GRID_CELLS), strict=True):
            rows.append((x_edges[start], x_edges[end], y_edges[row], y_edges[row + 1], int(band[start])))
    return pd.DataFrame(rows, columns=["x", "x2", "y", "y2", "band"])


def eigen_lines(problem, box) -> pd.DataFrame:
    """On a quadratic, each eigen-direction of the Hessian as a segment through the minimum across the map:
    direction (0: smallest eigenvalue), eigenvalue, and its two ends x, y on the map's edge. Empty elsewhere."""
    columns = ["direction", "eigenvalue", "x", "y"]
    if not problem.quadratic or not problem.minimizers:
        return pd.DataFrame(columns=columns)
    basis = theory.eigenbasis(gd.Settings(problem))
    centre, low, high = np.asarray(basis.minimizer), np.array(box[0::2]), np.array(box[1::2])
    rows = []
    for index, (value, vector) in enumerate(zip(basis.eigenvalues, basis.eigenvectors, strict=True)):
        vector = np.asarray(vector)
        with np.errstate(divide="ignore"):  # an axis the direction does not move along bounds nothing
            ends = np.sort(np.stack([(low - centre) / vector, (high - centre) / vector]), axis=0)
        reach = (float(np.max(ends[0])), float(np.min(ends[1])))  # the part of the line inside the box
        rows += [{"direction": index, "eigenvalue": value, "x": centre[0] + s * vector[0],
                  "y": centre[1] + s * vector[1]} for s in reach]
    return pd.DataFrame(rows, columns=columns)


TYPED = "typed:"  # a typed surface's map is named by this and its formula's text
TYPED_MAPS = 32  # typed surfaces' maps kept per process (their texts are the visitors': the cache is bounded)


DATA_MAP = "data:"  # a regression on a learner's rows is named by this, its model, x's scaling and its rows


def surface_map(objective) -> SurfaceMap:
    """The map of one surface: a name in gd.SURFACES (computed once per process), a typed 2-D function (a
    gd.parse_objective object, or TYPED + its text, which names its map) or a regression on a learner's rows (a
    gd.parse_data object, or its DATA_MAP name), each cached on its text."""
    if isinstance(objective, TypedObjective):
        objective = TYPED + objective.text
    elif isinstance(objective, DataObjective):
        objective = f"{DATA_MAP}{objective.model}:{int(objective.standardized)}:{objective.text}"
    elif not isinstance(objective, str):
        objective = objective.name
    if objective.startswith(DATA_MAP):
        return _data_map(objective)
    return _typed_map(objective) if objective.startswith(TYPED) else _named_map(objective)


def forget() -> None:
    """Drop what the maps cache for the visitors' settings: typed surfaces' maps and every map's specs (the built-in
    surfaces' own maps stay: there are six, and every visitor's page needs them)."""
    for cache in (_typed_map, _data_map, _base_spec, _template_text, _picker_text, _pin_text):
        cache.cache_clear()


@functools.cache
def _named_map(name: str) -> SurfaceMap:
    return _surface(name, gd.SURFACES[name])


@functools.lru_cache(maxsize=TYPED_MAPS)
def _typed_map(name: str) -> SurfaceMap:
    return _surface(name, gd.parse_objective(name.removeprefix(TYPED)))


@functools.lru_cache(maxsize=TYPED_MAPS)
def _data_map(name: str) -> SurfaceMap:
    model, standardized, text = name.removeprefix(DATA_MAP).split(":", 2)
    return _surface(name, parse_data(text, model, standardized == "1"))


def _surface(name: str, problem) -> SurfaceMap:
    box = map_box(problem)
    xs, ys = np.linspace(box[0], box[1], CONTOUR_GRID), np.linspace(box[2], box[3], CONTOUR_GRID)
    levels, log = contour_levels(problem, _values(problem, xs, ys))
    contours, levels = _contours(problem, box, levels)
    marks = pd.DataFrame([{"kind": "minimum", "x": x, "y": y} for x, y in problem.minimizers]
                         + [{"kind": "saddle", "x": x, "y": y} for x, y in problem.saddles],
                         columns=["kind", "x", "y"])
    return SurfaceMap(name, box, levels, log, _background(problem, box, levels), contours, eigen_lines(problem, box),
                      marks)


# --- what a run adds ----------------------------------------------------------------------------------------------


def _edge_point(point: np.ndarray, box) -> tuple[float, float, str]:
    """Where the ray from the map's centre towards a point outside the map crosses the map's edge, and which edge."""
    centre = np.array([(box[0] + box[1]) / 2, (box[2] + box[3]) / 2])
    half = np.array([(box[1] - box[0]) / 2, (box[3] - box[2]) / 2])
    offset = point - centre
    reach = np.abs(offset) / half  # how many half-widths out along each axis
    axis = int(np.argmax(reach))
    if reach[axis] == 0:  # the centre itself (a run that left the domain from there): no ray, the top edge above it
        return float(centre[0]), float(box[3]), "top"
    edge = centre + offset / reach[axis]
    side = ("left", "right")[bool(offset[0] > 0)] if axis == 0 else ("bottom", "top")[bool(offset[1] > 0)]
    return float(edge[0]), float(edge[1]), side


def escapes(result, box) -> pd.DataFrame:
    """Where a run is when it is outside the map: its last point, and the farthest one when that is another, each
    drawn on the map's edge (side "left", "right", "top" or "bottom", where the ray from the centre towards it
    leaves) with its value. A point that overflowed is placed by the last finite point before it."""
    history = np.asarray(result.history, dtype=float)
    low, high = np.array(box[0::2]), np.array(box[1::2])
    with np.errstate(all="ignore"):
        finite = np.all(np.isfinite(history), axis=1)
        outside = ~finite | np.any((history < low) | (history > high), axis=1)
        centre = (low + high) / 2
        distance = np.where(finite, np.max(np.abs(history - centre) / (high - low), axis=1), np.inf)
    last = len(history) - 1
    shown = [k for k in dict.fromkeys((last, int(np.argmax(np.where(outside, distance, -1.0))))) if outside[k]]
    rows = []
    for k in shown:
        seen = k if finite[k] else int(np.flatnonzero(finite[:k + 1])[-1])  # θ₀ is finite, so there is one
        x, y, side = _edge_point(history[seen], box)
        rows.append({"k": k, "side": side, "label": f"θ{frames.subscript(k)} = {number(history[k])}", "x": x,
                     "y": y})
    return pd.DataFrame(rows, columns=["k", "side", "label", "x", "y"])


# --- the layers every map shares ----------------------------------------------------------------------------------


def _scales(surface: SurfaceMap) -> tuple[alt.Scale, alt.Scale]:
    x_low, x_high, y_low, y_high = surface.box
    return (alt.Scale(domain=[x_low, x_high], nice=False, zero=False),
            alt.Scale(domain=[y_low, y_high], nice=False, zero=False))


def axes(surface: SurfaceMap, x: str = "x", y: str = "y") -> tuple[alt.X, alt.Y]:
    """The map's axes (the surface's bounds, the same in every map of it) on the fields x and y."""
    names, (x_scale, y_scale) = _names(surface), _scales(surface)
    return alt.X(f"{x}:Q", title=names[0], scale=x_scale), alt.Y(f"{y}:Q", title=names[1], scale=y_scale)


def _names(surface: SurfaceMap) -> tuple[str, str]:
    return ("w", "b") if surface.name.endswith("regression_2d") or surface.name.startswith(DATA_MAP) else ("x", "y")


def _base(surface: SurfaceMap) -> list:
    """The background, the contour lines, the eigen-directions and the stationary points, on the map's axes."""
    x, y = axes(surface)
    level_text = [number(level, 3) for level in surface.levels]
    shade = alt.Scale(domain=[0, len(surface.levels)], range=list(BACKGROUND))
    layers = [
        alt.Chart(surface.background).mark_rect(strokeWidth=0.6, aria=False).encode(  # stroked in its colour: no seams
            x=x, x2="x2:Q", y=y, y2="y2:Q", color=alt.Color("band:Q", legend=None, scale=shade),
            stroke=alt.Stroke("band:Q", legend=None, scale=shade)),
        alt.Chart(surface.contours).transform_calculate(
            value=f"{level_text}[datum.level]").mark_line(color=LINE_COLOR, strokeWidth=0.8, opacity=0.7,
                                                          aria=False).encode(
            x=x, y=y, detail="piece:N", order="order:Q",
            tooltip=alt.Tooltip("value:N", title=t("map.level"))),
    ]
    if not surface.eigen.empty:
        eigen = surface.eigen.assign(label=[t("map.eigen", value=number(value))
                                            for value in surface.eigen["eigenvalue"]])
        layers.append(alt.Chart(eigen).mark_line(color=EIGEN_COLOR, strokeDash=[5, 4], strokeWidth=1,
                                                 opacity=0.8, aria=False).encode(
            x=x, y=y, detail="direction:N", tooltip=alt.Tooltip("label:N", title="")))
    if not surface.marks.empty:
        marks = surface.marks.assign(label=[t(f"map.{kind}") for kind in surface.marks["kind"]])
        shapes = alt.Scale(domain=["minimum", "saddle"], range=["diamond", "cross"])
        layers.append(alt.Chart(marks).mark_point(size=110, filled=True, color=EIGEN_COLOR, opacity=0.9).encode(
            x=x, y=y, shape=alt.Shape("kind:N", scale=shapes, legend=None),
            tooltip=[alt.Tooltip("label:N", title=""), alt.Tooltip("x:Q", format=".4g", title=_names(surface)[0]),
                     alt.Tooltip("y:Q", format=".4g", title=_names(surface)[1])]))
    return layers


def path_tooltip(surface: SurfaceMap) -> list:
    first, second = _names(surface)
    return [alt.Tooltip("k:Q", title="k"), alt.Tooltip("x:Q", title=first, format=".6g"),
            alt.Tooltip("y:Q", title=second, format=".6g"), alt.Tooltip("loss:Q", title="J", format=".6g"),
            alt.Tooltip("grad_x:Q", title=f"∂J/∂{first}", format=".6g"),
            alt.Tooltip("grad_y:Q", title=f"∂J/∂{second}", format=".6g")]


def _path_layers(surface: SurfaceMap, route: pd.DataFrame, color: str, stepped: bool = False) -> list:
    """A path with its points, clipped to the map; stepped: drawn up to the parameter STEP, its head marked."""
    x, y = axes(surface)
    chart = alt.Chart(route).transform_filter(f"datum.k <= {STEP}") if stepped else alt.Chart(route)
    layers = [chart.mark_line(color=color, strokeWidth=1.6, clip=True,
                              point=alt.OverlayMarkDef(size=22, color=color, filled=True, clip=True)).encode(
        x=x, y=y, order="k:Q", tooltip=path_tooltip(surface))]
    if stepped:
        layers.append(heads(chart).mark_point(size=90, filled=True, color=color, opacity=1, stroke="white",
                                              strokeWidth=1, clip=True).encode(x=x, y=y,
                                                                               tooltip=path_tooltip(surface)))
    return layers


def heads(chart: alt.Chart, group: list | None = None) -> alt.Chart:
    """Of the rows up to STEP, the last (the largest k) of each group."""
    return chart.transform_joinaggregate(head="max(k)", groupby=group or []).transform_filter(
        alt.datum.k == alt.datum.head)


def _edge_layers(surface: SurfaceMap, edges, color: str) -> list:
    """A marker for each row of edges (escapes()), one layer per side; its value is in the notes under the map's
    title (frames.edge_notes), so that no label lies on the map's marks."""
    x, y = axes(surface)
    return [alt.Chart(edges).transform_filter(alt.datum.side == side).encode(
        x=x, y=y, tooltip=alt.Tooltip("label:N", title="")).mark_point(shape=shape, size=120, filled=True,
                                                                       color=color, opacity=1, aria=False)
            for side, shape in MAP_EDGES.items()]


@functools.lru_cache(maxsize=32)
def _base_spec(name: str, language: str) -> dict:
    """The base layers of a surface's map as Vega-Lite, once per surface and language (language: the cache key;
    t() reads the language current now, which is it)."""
    return alt.layer(*_base(surface_map(name))).to_dict()


def map_chart(surface: SurfaceMap, layers: list, title: str | None = None, step: int | None = None,
              height: int = MAP_HEIGHT, description: str = "") -> dict:
    """A map: the surface's base layers (cached, _base_spec) under these layers, one spec, with its description (its
    accessible name). Its datasets' rows are shared with the cache, to be read (serialised), never written."""
    chart = alt.layer(*layers)
    if step is not None:
        chart = chart.add_params(player_param(STEP))
    properties = {"height": height, "width": "container", "autosize": FIT_WIDTH, "description": description}
    if title:
        properties["title"] = alt.Title(title.split(TITLE_SEPARATOR), fontSize=12, fontWeight="normal")
    spec = chart.properties(**properties).to_dict()
    base = _base_spec(surface.name, spoken())
    spec = {**spec, "layer": copy.deepcopy(base["layer"]) + spec["layer"],
            "datasets": {**base["datasets"], **spec.get("datasets", {})}}
    return spec if step is None else played(spec, step=step)


def at(spec: dict, step: int) -> dict:
    """A stepped chart's spec at another step: only its PLAYER row changes (the page's slider and play), so the
    browser moves the chart in place."""
    return at_step(spec, step=step)


# --- side by side: one map per η ----------------------------------------------------------------------------------


PATH, EDGES, PIN = "path", "edges", "pin"  # the datasets a panel's spec names: its frames.path(), its escapes() and
# a pinned run's path


TEMPLATE_COLOR = "#010203"  # the colour a panel's template is drawn in, replaced by each run's own


@functools.lru_cache(maxsize=64)
def _template_text(name: str, language: str, stepped: bool) -> str:
    """A panel's spec without its run, as JSON: the layers read the named datasets PATH and EDGES, and the run's
    colour is TEMPLATE_COLOR. Built with Altair once per surface, language and kind (Altair takes some 150 ms a
    map; filling a template takes 1 ms)."""
    surface = surface_map(name)
    layers = (_path_layers(surface, alt.Data(name=PATH), TEMPLATE_COLOR, stepped)
              + _edge_layers(surface, alt.Data(name=EDGES), TEMPLATE_COLOR))
    return json.dumps(map_chart(surface, layers, "-", 0 if stepped else None))


def _panel_template(name: str, language: str, color: str, stepped: bool) -> dict:
    """The template in this run's colour: a fresh dict each time (the caller fills it in)."""
    return json.loads(_template_text(name, language, stepped).replace(TEMPLATE_COLOR, color))


def panel(surface: SurfaceMap, route: pd.DataFrame, edges: pd.DataFrame, title: str, color: str,
          step: int | None = None, notes: list[str] | None = None, description: str = "",
          pin: Pin | None = None, clickable: bool = False) -> dict:
    """One run on the surface's map: the path θ₀ → θ_k (frames.path()), clipped, and a marker on the edge where the run
    is outside the map (escapes()), its value in the notes under the title (frames.edge_notes unless given). Every map
    of a surface has the same axes. step: the path is drawn up to the parameter STEP (starting at step), its head
    marked; None: the whole path. pin: a pinned run's path, drawn under the run's (charts.pinned); clickable: a click
    on the map selects where to start (_picker_text)."""
    template = _panel_template(surface.name, spoken(), color, step is not None)
    notes = frames.edge_notes(edges) if notes is None else notes
    spec = {**template, "layer": copy.deepcopy(template["layer"]), "description": description,
            "title": {**template["title"], **panel_title(title, notes).to_dict()},
            "datasets": {**template["datasets"], PATH: _records(route), EDGES: _records(edges)}}
    if pin is not None:
        first_path = next(i for i, each in enumerate(spec["layer"]) if each.get("data", {}).get("name") == PATH)
        spec["layer"].insert(first_path, json.loads(_pin_text(surface.name, spoken(), pin.name)))
        spec["datasets"][PIN] = _records(pin.path)
    if clickable:  # above the contour lines (a click on a line would fall on the line), under the eigen-directions,
        # stationary points and paths, which keep their tooltips
        spec["layer"].insert(CONTOURS + 1, json.loads(_picker_text(surface.name, spoken())))
    return spec if step is None else at(spec, step)


@functools.lru_cache(maxsize=64)
def _pin_text(name: str, language: str, pinned_name: str) -> str:
    """A pinned run's layer on a surface's map (JSON, once per surface, language and pin: every panel of a view draws
    the same one, and Altair takes about 10 ms to build it), reading the dataset PIN."""
    surface = surface_map(name)
    x, y = axes(surface)
    chart = pinned(alt.Chart(alt.Data(name=PIN)), pinned_name, x, y, path_tooltip(surface)[:4]).to_dict()
    return json.dumps({key: chart[key] for key in ("data", "transform", "mark", "encoding")})


CONTOURS = 1  # the contour lines' layer in a map (_base): above it, a panel's click targets
PICK_CELLS = 20  # click targets per axis of a map: a click starts at the centre of one, which its tooltip says (each an
# unseen rect the browser draws with every map: 40 × 40 made an η change on the ravine's maps 0.4 s slower on a phone
# 4× slowed, bench/paint.py)


def pick_centre(box: tuple[float, float, float, float], cell: int) -> tuple[float, float]:
    """The centre of click target `cell` of a map with this box (cells row by row from the low corner, x fastest):
    the formula _picker_text writes for the browser, with the same operations in the same order (so the same
    doubles)."""
    width, height = (box[1] - box[0]) / PICK_CELLS, (box[3] - box[2]) / PICK_CELLS
    return box[0] + (cell % PICK_CELLS + 0.5) * width, box[2] + (cell // PICK_CELLS + 0.5) * height


@functools.lru_cache(maxsize=64)
def _picker_text(name: str, language: str) -> str:
    """A map's click targets as a layer (JSON, once per surface and language): PICK_CELLS² rects made in the browser
    (a sequence: nothing on the wire), unseen, each selecting (START) its index; the tooltip says its centre."""
    surface = surface_map(name)
    box = surface.box
    width, height = (box[1] - box[0]) / PICK_CELLS, (box[3] - box[2]) / PICK_CELLS
    centre = {"x": f"{box[0]!r} + (datum.cell % {PICK_CELLS} + 0.5) * {width!r}",
              "y": f"{box[2]!r} + (floor(datum.cell / {PICK_CELLS}) + 0.5) * {height!r}"}
    x, y = axes(surface, "left", "bottom")
    chart = alt.Chart(alt.sequence(0, PICK_CELLS**2, as_="cell")).transform_calculate(
        start_x=centre["x"], start_y=centre["y"]).transform_calculate(
        left=f"datum.start_x - {width / 2!r}", right=f"datum.start_x + {width / 2!r}",
        bottom=f"datum.start_y - {height / 2!r}", top=f"datum.start_y + {height / 2!r}",
        start="'(' + format(datum.start_x, '.3~g') + ', ' + format(datum.start_y, '.3~g') + ')'",
    ).mark_rect(opacity=0, aria=False).encode(
        x=x, x2="right:Q", y=y, y2="top:Q",
        tooltip=[alt.Tooltip("start:N", title=t("chart.start_here", theta=f"({', '.join(_names(surface))})"))],
    ).add_params(alt.selection_point(name=START, on="click", fields=["cell"], clear=False)).to_dict()
    return json.dumps({key: chart[key] for key in ("data", "transform", "mark", "encoding", "params")})


def _records(frame: pd.DataFrame) -> list[dict]:
    """A frame's rows as a chart's inline data, as Altair writes them: a number that is not finite (∇J where J is
    undefined) as null, which Vega reads as missing."""
    return frame.astype(object).where(frame.map(_finite_or_text), None).to_dict("records")


def _finite_or_text(value) -> bool:
    return not isinstance(value, float) or bool(np.isfinite(value))


# --- noise: where the seeds' runs end -----------------------------------------------------------------------------


def cloud(results) -> pd.DataFrame:
    """Where each seed's run ended: seed, x, y, loss, status (the finite ends)."""
    ends = np.array([np.asarray(result.theta, dtype=float) for result in results])
    frame = pd.DataFrame({"seed": [result.settings.seed for result in results], "x": ends[:, 0], "y": ends[:, 1],
                          "loss": [result.loss for result in results],
                          "status": [result.status for result in results]})
    return frame[np.isfinite(frame["x"]) & np.isfinite(frame["y"])]


def cloud_map(surface: SurfaceMap, ends: pd.DataFrame, title: str | None = None, description: str = "") -> dict:
    """The seeds' endpoints on the map as a cloud, each status a colour and a shape, clipped to the map."""
    x, y = axes(surface)
    color, shape = status_channels({"orient": "bottom", "columns": 2})
    return map_chart(surface, [alt.Chart(ends).mark_point(size=40, filled=True, opacity=0.7, clip=True).encode(
        x=x, y=y, color=color, shape=shape, tooltip=[alt.Tooltip("seed:Q", title=t("map.seed")),
                                                     *path_tooltip(surface)[1:4]])], title,
                     description=description)


# --- one update on the map ----------------------------------------------------------------------------------------


def update_shapes(result, box, updates: int = 200) -> pd.DataFrame:
    """Each of the first updates of a run (θ_k → θ_(k+1)), one row each: k, x, y (θ_k), x_next, y_next (θ_(k+1)),
    grad_x, grad_y (∇J(θ_k)), and the gradient's arrow from θ_k, ARROW_SHARE of the map's width long
    (arrow_x, arrow_y: its tip); angle, angle_next: the direction of ∇J and of the step, in degrees clockwise from
    up, on a map drawn square; newton_x, newton_y: where Newton's step from θ_k lands (nan where H is singular), low
    and high: H's eigenvalues there, kind: what the step heads for (gd.newton.CURVATURES)."""
    history = np.asarray(result.history, dtype=float)[:updates + 1]
    start, after = history[:-1], history[1:]
    grad = gradient(result.settings.problem, start)
    newton = newton_steps(result.settings.problem, start)
    scale = np.array([box[1] - box[0], box[3] - box[2]])
    with np.errstate(all="ignore"):
        size = np.linalg.norm(grad / scale, axis=1, keepdims=True)  # on a square map: in shares of its sides
        tip = start + np.where(size > 0, grad / size, 0.0) * ARROW_SHARE
        step = (after - start) / scale
        direction = (grad / scale)
    shapes = pd.DataFrame({"k": np.arange(len(start)), "x": start[:, 0], "y": start[:, 1], "x_next": after[:, 0],
                         "y_next": after[:, 1], "grad_x": grad[:, 0], "grad_y": grad[:, 1], "arrow_x": tip[:, 0],
                         "arrow_y": tip[:, 1],
                         "angle": np.degrees(np.arctan2(direction[:, 0], direction[:, 1])),
                         "angle_next": np.degrees(np.arctan2(step[:, 0], step[:, 1])),
                         "label_here": [f"θ{frames.subscript(k)}" for k in range(len(start))],
                         "label_next": [f"θ{frames.subscript(k + 1)}" for k in range(len(start))],
                         "newton_x": start[:, 0] + newton.steps[:, 0], "newton_y": start[:, 1] + newton.steps[:, 1],
                         "low": newton.eigenvalues[:, 0], "high": newton.eigenvalues[:, -1], "kind": newton.kinds})
    return shapes


def update_map(surface: SurfaceMap, shapes: pd.DataFrame, step: int = 0, description: str = "") -> dict:
    """One update on the map, the parameter STEP choosing which: θ_k, the gradient ∇J(θ_k) as an arrow (a fixed
    length; its size in the tooltip), and the step taken to θ_(k+1)."""
    x, y = axes(surface)
    first, second = _names(surface)
    numbers = [column for column in shapes.columns if column != "k" and shapes[column].dtype.kind == "f"]
    # where H is singular there is no Newton step (nan): the row says so (newton) and its ghost's ends are θ_k, so that
    # every value sent is a number (a None among numbers comes back from Altair as nan)
    newton = np.isfinite(shapes["newton_x"]) & np.isfinite(shapes["newton_y"])
    sent = shapes.drop(columns=["low", "high"]).assign(
        **{column: rounded(shapes[column]) for column in numbers if column not in ("low", "high")}, newton=newton)
    for axis in ("x", "y"):
        sent[f"newton_{axis}"] = sent[f"newton_{axis}"].where(newton, sent[axis])
    shown = alt.Chart(sent).transform_filter(f"datum.k == {STEP}")
    tooltip = [alt.Tooltip("k:Q", title="k"), alt.Tooltip("x:Q", title=first, format=".6g"),
               alt.Tooltip("y:Q", title=second, format=".6g"),
               alt.Tooltip("grad_x:Q", title=f"∂J/∂{first}", format=".6g"),
               alt.Tooltip("grad_y:Q", title=f"∂J/∂{second}", format=".6g")]
    next_x, next_y = axes(surface, "x_next", "y_next")
    arrow_x, arrow_y = axes(surface, "arrow_x", "arrow_y")
    newton_x, newton_y = axes(surface, "newton_x", "newton_y")
    ghost = shown.transform_filter("datum.newton")
    return map_chart(surface, [
        ghost.mark_rule(color=NEWTON_COLOR, strokeWidth=1.5, strokeDash=[2, 3], clip=True, aria=False).encode(
            x=x, y=y, x2="newton_x:Q", y2="newton_y:Q"),
        ghost.mark_point(shape="diamond", size=110, filled=False, strokeWidth=2, color=NEWTON_COLOR, opacity=1,
                         clip=True).encode(x=newton_x, y=newton_y, tooltip=[
                             alt.Tooltip("newton_x:Q", title=f"{t('chart.newton')}: {first}", format=".6g"),
                             alt.Tooltip("newton_y:Q", title=f"{t('chart.newton')}: {second}", format=".6g")]),
        shown.mark_rule(color="#1f77b4", strokeWidth=2, strokeDash=[5, 3], clip=True).encode(
            x=x, y=y, x2="arrow_x:Q", y2="arrow_y:Q"),
        shown.mark_point(shape="triangle", size=90, filled=True, color="#1f77b4", opacity=1, clip=True).encode(
            x=arrow_x, y=arrow_y, angle=alt.Angle("angle:Q", scale=None),
            tooltip=[alt.Tooltip("grad_x:Q", title=f"∂J/∂{first}", format=".6g"),
                     alt.Tooltip("grad_y:Q", title=f"∂J/∂{second}", format=".6g")]),
        shown.mark_rule(color=PATH_COLOR, strokeWidth=2.5, clip=True).encode(x=x, y=y, x2="x_next:Q",
                                                                             y2="y_next:Q"),
        shown.mark_point(shape="triangle", size=110, filled=True, color=PATH_COLOR, opacity=1, clip=True).encode(
            x=next_x, y=next_y, angle=alt.Angle("angle_next:Q", scale=None)),
        shown.mark_point(filled=True, size=80, color="black", opacity=1, clip=True).encode(x=x, y=y,
                                                                                           tooltip=tooltip),
        shown.mark_text(dy=-12, fontSize=12, clip=True).encode(x=x, y=y, text="label_here:N"),
        shown.mark_text(dy=16, fontSize=12, clip=True).encode(x=next_x, y=next_y, text="label_next:N"),
    ], step=step, description=description)


def step_sentence(shapes: pd.DataFrame, k: int) -> str:
    """What update k + 1 does on the map, in words: where it starts, the gradient there, where it lands."""
    row = shapes.iloc[k]
    return t("map.update", number=f"{k + 1:,}", here=frames.subscript(k), after=frames.subscript(k + 1),
             theta=number(np.array([row.x, row.y])), grad=number(np.array([row.grad_x, row.grad_y])),
             next=number(np.array([row.x_next, row.y_next]))) + t(
        f"map.newton.{row.kind}", point=number(np.array([row.newton_x, row.newton_y], dtype=float)),
        values=number(np.array([row.low, row.high], dtype=float)))


def legend_note(surface: SurfaceMap) -> str:
    """What this map's marks mean, for a caption under it: only the marks it draws (a saddle's cross where it has a
    saddle point, the eigen-directions on a quadratic)."""
    kinds = set(surface.marks["kind"])
    parts = ["map.caption.contours", *(["map.caption.minimum"] if "minimum" in kinds else []),
             *(["map.caption.saddle"] if "saddle" in kinds else []),
             *(["map.caption.eigen"] if not surface.eigen.empty else []), "map.caption.edge"]
    return t("map.caption.join").join(t(part) for part in parts[:-1]) + t(parts[-1])
