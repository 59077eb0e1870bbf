"""Animations for slides: a view that moves through a run's updates, as an animated GIF or an MP4 video.

A frame is the page's own charts at one update, each a figure (gd.lab.figures.prepared: the same spec, on white,
type a size up, titled, in the page's language) with "Update k" in its title, side by side as the page shows them;
the frames follow the page's Play at its chosen speed. Drawing is the cost (vl-convert, 0.1–0.4 s a chart), so an
animation is priced before it is drawn, from what it would draw: frames × their charts at a measured price each,
and its pixels. Past the limits it takes fewer frames, thinned as the page's slider thins a long run, and says so;
with fewer than MIN_FRAMES left it is refused. It is drawn in the export worker (gd.lab.heavy.EXPORT), one at a time,
so that no animation holds up anyone's view.
"""

import io
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import partial

import numpy as np

from gd.lab import figures, frames, heavy, state
from gd.lab.figures import Figure
from gd.lab.text import t

FORMATS = {"gif": "image/gif", "mp4": "video/mp4"}  # what an animation is saved as, and its media type
MAX_FRAMES = 60  # at most, thinned as the page's slider (frames.thin): every update of the article's 45
MIN_FRAMES = 8  # fewer would not show a run move: an animation that can afford no more is refused
SECONDS = 15.0  # what drawing one may cost, priced on the calibration's machine (bench/animations.py)
CHART_SECONDS = 0.17  # drawing one chart of a frame, measured on the step-through's (0.164 and 0.214 s:
# bench/animations.py --calibrate, on the calibration's machine)
MAP_SECONDS = 0.39  # one on a surface's map, whose filled contours cost the most to draw: the race's (0.39 s)
ENCODE_SECONDS = 0.09  # encoding a frame, per million pixels: GIF's, the slower (0.083–0.093 s; MP4's 0.025–0.028)
MAX_PIXELS = 30_000_000  # of all frames together: a GIF's frames are held until it is written (a byte a pixel)
MAX_FRAME_PIXELS = 1920 * 1080  # of one frame: a full-HD screen
ROW_WIDTH = 1200  # px: charts side by side up to this width, then a new row (three panels, or one map)
CHROME = 160  # px a chart adds to its plot's height (title, axes, notes), to price a frame before it is drawn: the
# drawn frames were 0.87–0.94 of the plans' heights, but for the race's map, whose legend below adds more (1.24)


@dataclass(frozen=True)
class Frames:
    """What an animation can play: the view's charts (figures, named and sized), the updates its slider offers, and
    at(update), the page's specs of those charts at that update. until: a chart holds the whole run and a frame
    keeps its rows up to the update (the side-by-side panels, which the page does not step)."""

    view: str
    charts: tuple[Figure, ...]
    updates: tuple[int, ...]
    at: Callable[[int], tuple[dict, ...]]
    until: bool = False


@dataclass(frozen=True)
class Plan:
    """An animation as it will be drawn, or why it is not: the updates its frames show, its size in px, the
    seconds it is priced at, and whether it is refused (too few frames fit the limits)."""

    updates: tuple[int, ...]
    width: int
    height: int
    seconds: float
    refused: bool


def of(view, view_name: str, objective: str) -> Frames | None:
    """A built view's animation: the step-through (geometry), the side-by-side paths (compare), and the two views with a
    map and a slider (race, regression); None for any other view, or where fewer than two frames would move."""
    if view_name == "geometry":
        if view.updates < 2:
            return None
        animation = Frames(view_name, tuple(figures.of(view, objective, view_name, view.at(0))),
                           tuple(range(1, view.updates + 1)), partial(_one_update, view))
    elif view_name in ("race", "regression"):
        animation = Frames(view_name, tuple(figures.of(view, objective, view_name, view.at(0))),
                           tuple(int(k) for k in frames.thin(view.updates + 1)), view.at)
    elif view_name == "compare":
        animation = Frames(view_name, tuple(figures.of(view, objective, view_name)[:len(view.panels)]),
                           tuple(int(k) for k in frames.thin(view.updates + 1)), partial(_panels, view), until=True)
    else:
        return None
    return animation if len(animation.updates) >= 2 else None


def _one_update(view, update: int) -> tuple[dict]:
    return (view.at(update - 1),)  # the step-through's update k is its chart at k − 1 (views.StepThrough.at)


def _panels(view, update: int) -> tuple[dict, ...]:
    return view.panels


def layout(widths: list[int], heights: list[int]) -> tuple[list[tuple[int, int]], int, int]:
    """Where each chart of a frame goes (x, y), left to right in rows up to ROW_WIDTH, and the frame's width and
    height (even, as H.264's 4:2:0 colour needs)."""
    places, x, y, row_height, width = [], 0, 0, 0, 0
    for chart_width, chart_height in zip(widths, heights, strict=True):
        if x and x + chart_width > ROW_WIDTH:
            x, y, row_height = 0, y + row_height, 0
        places.append((x, y))
        x += chart_width
        width, row_height = max(width, x), max(row_height, chart_height)
    return places, width + width % 2, y + row_height + (y + row_height) % 2


def frame_seconds(charts: tuple[Figure, ...], pixels: int) -> float:
    """The price of one frame: each chart drawn (a map's or another chart's, MAP_SECONDS or CHART_SECONDS), and the
    frame encoded."""
    return sum(MAP_SECONDS if _is_map(chart.spec) else CHART_SECONDS for chart in charts) + \
        ENCODE_SECONDS * pixels / 1e6


def _is_map(spec: dict) -> bool:
    """A chart drawn on a surface's map: its filled contours are a layer of rectangles (gd.lab.maps)."""
    return any(isinstance(layer.get("mark"), dict) and layer["mark"].get("type") == "rect"
               for layer in spec.get("layer", ()))


def plan(animation: Frames) -> Plan:
    """The frames an animation can afford: all its updates up to MAX_FRAMES, fewer where their price passes SECONDS
    or their pixels MAX_PIXELS (thinned as the slider thins: the first updates densely, always the last), refused
    where fewer than MIN_FRAMES would be left or a frame passes MAX_FRAME_PIXELS. Priced from the charts' sizes,
    before anything is drawn."""
    heights = [chart.spec["height"] + CHROME for chart in animation.charts]  # every chart played sets its plot's
    _, width, height = layout([chart.width for chart in animation.charts], heights)
    each = frame_seconds(animation.charts, width * height)
    count = min(len(animation.updates), MAX_FRAMES, math.floor(SECONDS / each), MAX_PIXELS // (width * height))
    refused = width * height > MAX_FRAME_PIXELS or count < min(MIN_FRAMES, len(animation.updates))
    shown = tuple(animation.updates[index] for index in frames.thin(len(animation.updates), max(count, 1)))
    return Plan(shown, width, height, len(shown) * each, refused)


def said(animation: Frames, shown: Plan, speed: float) -> str:
    """What the animation will be: its frames and the updates they show, its length at this speed, its width, and
    about how long it takes to draw; where it is thinned, up to which update every one is a frame."""
    seconds = state.tick_seconds(speed)
    sentence = t("animation.plan", frames=len(shown.updates), first=f"{shown.updates[0]:,}",
                 last=f"{shown.updates[-1]:,}", every=f"{seconds:g}", length=f"{len(shown.updates) * seconds:.0f}",
                 width=shown.width, drawing=f"{math.ceil(shown.seconds):,}")
    if len(shown.updates) < len(animation.updates):
        every = next(index for index, update in enumerate(shown.updates) if update != animation.updates[index])
        sentence += t("animation.thinned", dense=f"{shown.updates[every - 1]:,}")
    return sentence


def refusal(animation: Frames) -> str:
    """Why an animation is refused, with the limits, and for the side-by-side panels how many can be played."""
    fitting = next((count for count in range(len(animation.charts) - 1, 0, -1)
                    if not plan(replace(animation, charts=animation.charts[:count])).refused), 0) \
        if animation.view == "compare" else 0
    return t("animation.refused", charts=len(animation.charts), least=MIN_FRAMES, seconds=f"{SECONDS:g}",
             pixels=f"{MAX_PIXELS / 1e6:g}") + (t("animation.fewer", most=fitting) if fitting else "")


def saved(animation: Frames, lines: list[list[str]], file_format: str, speed: float) -> bytes:
    """The animation as a file's bytes, its plan's frames drawn and encoded in the export worker (here only where
    there is none: tests, or a server whose compiled loop failed). lines: under each planned frame's titles, the
    lines figures.subtitle gives for its update, the update last. Raises Refused where the plan is refused."""
    shown = plan(animation)
    if shown.refused:
        raise Refused(shown)
    if file_format not in FORMATS or speed not in state.PLAY_SPEEDS or len(lines) != len(shown.updates):
        raise ValueError(f"format one of {', '.join(FORMATS)}, speed one of {state.PLAY_SPEEDS} and lines for each of"
                         f" {len(shown.updates)} frames, not {file_format}, {speed} and {len(lines)}")
    heavy.wait_for_worker()
    arguments = (animation, lines, shown.updates, file_format, speed)
    there = heavy.call(encoded, *arguments, lane=heavy.EXPORT)
    return encoded(*arguments) if there is None else there


class Refused(ValueError):
    """An animation past the limits (plan)."""

    def __init__(self, shown: Plan):
        super().__init__(f"an animation of {len(shown.updates)} frames of {shown.width} × {shown.height} px")
        self.plan = shown


def frame(animation: Frames, update: int, subtitle: list[str]) -> list[dict]:
    """The specs vl-convert draws for the frame at an update: each chart as a figure (figures.prepared) with the
    update counted in its title, and where a chart holds the whole run, its rows up to the update."""
    specs = []
    for chart, spec in zip(animation.charts, animation.at(update), strict=True):
        prepared = counted(figures.prepared(chart._replace(spec=spec), subtitle), subtitle[-1], chart.spec)
        specs.append(until(prepared, update) if animation.until else prepared)
    return specs


def drawn_frames(animation: Frames, lines: list[list[str]], updates: tuple[int, ...]) -> list[list[bytes]]:
    """Each frame's charts as PNGs at 1× (vl-convert): a list of PNG bytes per update."""
    return [[figures.drawn(spec, "png") for spec in frame(animation, update, subtitle)]
            for update, subtitle in zip(updates, lines, strict=True)]


def counted(spec: dict, counter: str, page_spec: dict) -> dict:
    """A frame's chart with the update counter in its title: figures.prepared writes it under the title it adds, and
    a chart titled on the page (a panel) gets it as the last line under its own title."""
    if "title" not in page_spec:
        return spec
    title = spec["title"]
    subtitle = title.get("subtitle", [])
    return {**spec, "title": {**title, "subtitle": [*([subtitle] if isinstance(subtitle, str) else subtitle),
                                                    counter]}}


def until(spec: dict, update: int) -> dict:
    """A chart holding a whole run, at an update: the rows of its datasets that belong to a later update (their k)
    left out: the path so far, and a marker where it left the plot only once it has."""
    return {**spec, "datasets": {name: [row for row in rows if row.get("k", update) <= update]
                                 for name, rows in spec["datasets"].items()}}


def encoded(animation: Frames, lines: list[list[str]], updates: tuple[int, ...], file_format: str,
            speed: float) -> bytes:
    """The frames drawn (drawn_frames) and written as a file (written)."""
    return written(drawn_frames(animation, lines, updates), file_format, speed)


def written(pngs: list[list[bytes]], file_format: str, speed: float) -> bytes:
    """Frames of charts drawn as PNGs, each frame's placed side by side (layout) on white, encoded as a GIF (Pillow)
    or an H.264 MP4 (PyAV), one frame every state.tick_seconds(speed)."""
    from PIL import Image  # only where an animation is drawn: the export worker

    sizes = [Image.open(io.BytesIO(png)).size for png in pngs[0]]
    heights = [max(Image.open(io.BytesIO(frame[index])).size[1] for frame in pngs) for index in range(len(sizes))]
    places, width, height = layout([size[0] for size in sizes], heights)
    if width * height > MAX_FRAME_PIXELS or width * height * len(pngs) > MAX_PIXELS:  # a plan's heights are guessed
        raise figures.TooLarge(width * height * len(pngs))

    def composed(charts: list[bytes]) -> "Image.Image":
        canvas = Image.new("RGB", (width, height), "white")
        for png, place in zip(charts, places, strict=True):
            canvas.paste(Image.open(io.BytesIO(png)).convert("RGB"), place)
        return canvas

    seconds = state.tick_seconds(speed)
    if file_format == "mp4":
        return _mp4(map(composed, pngs), width, height, seconds)
    images = [composed(frame).quantize() for frame in pngs]  # a byte a pixel: GIF's palette, held until written
    out = io.BytesIO()
    images[0].save(out, format="GIF", save_all=True, append_images=images[1:], duration=round(seconds * 1000), loop=0)
    return out.getvalue()


def _mp4(images: Iterable, width: int, height: int, seconds: float) -> bytes:
    """H.264 in MP4 (what slide software plays), 4:2:0, one frame every `seconds`."""
    import av  # only where an animation is drawn: the export worker (PyAV: FFmpeg's encoders)

    out = io.BytesIO()
    with av.open(out, mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=1 / Fraction(seconds).limit_denominator(1000),
                                      options={"crf": "20", "preset": "veryfast", "threads": "1"})
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for image in images:
            for packet in stream.encode(av.VideoFrame.from_ndarray(np.asarray(image), format="rgb24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return out.getvalue()


def file_name(animation: Frames, objective: str, file_format: str) -> str:
    """quadratic_geometry.gif."""
    return f"{objective}_{animation.view}.{file_format}"
