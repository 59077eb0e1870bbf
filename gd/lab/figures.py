"""Figures for slides: each chart of a view as an SVG or PNG file, drawn by vl-convert from the spec the page shows.

A figure is the page's own chart, not a second drawing of it: the same spec, its datasets written out as rows (the
page holds them as the Arrow bytes it sends), a fixed width, a white background and type a size larger, and a title
where the page gives the chart its heading outside it (a panel carries its own). Its words are the page's, in the
page's language. vl-convert holds the GIL while it draws (0.1–3.1 s, bench/figures.py), so the page draws a figure
in the heavy worker (gd.lab.heavy), never in the server's own process.
"""

import io
import re
from collections import Counter
from dataclasses import fields
from typing import NamedTuple

from gd.lab import charts, heavy
from gd.lab.controls import CUSTOM, Run, title
from gd.lab.text import spoken, t

FORMATS = {"svg": "image/svg+xml", "png": "image/png"}  # what a figure is saved as, and its media type
SCALES = (1, 2, 3, 4)  # a PNG's pixels per pixel of the page: 4 makes the widest figure 3,200 px, sharp on any slide
WIDE, NARROW = 800, 400  # px of a figure: a chart the page draws across its width, and a panel of a row
MAX_PIXELS = 16_000_000  # a PNG past this is refused: the largest the page makes is 7.1 M at 4× (the convergence
# chart of 12 η and a pin, 3,200 × 2,232 px; the slowest, the race's map, takes 3.1 s: bench/figures.py)
FIGURE_TYPE = 1.25  # type a size up on the page's (Vega's 11 px): a slide is read from the back of a room
# A figure's font, by the page's language. vl-convert draws with the system's fonts, and a glyph missing from the
# font asked for comes from any font that has it, whatever the list says: a serif one here. Its default sans-serif
# (Liberation Sans) has no subscript digits, so θ₁₀₆ and θₖ came out in two faces, and for a Chinese glyph it fell
# back on a serif CJK face. English figures ask for DejaVu Sans, which has the subscripts, and Chinese ones for a CJK
# sans-serif (whose subscripts are still serif); packages.txt installs both on Community Cloud (fonts-dejavu-core,
# fonts-noto-cjk).
FONTS = {"en": "DejaVu Sans, sans-serif", "zh": "Noto Sans CJK SC, Noto Sans SC, WenQuanYi Micro Hei, sans-serif"}


class Figure(NamedTuple):
    """One chart of a view, ready to be saved: what the page calls it, its file's name without extension, its spec
    as the page has it, how wide it is drawn, and the language of its words."""

    name: str
    stem: str
    spec: dict
    width: int
    lang: str


def _is_chart(part) -> bool:
    return isinstance(part, dict) and "$schema" in part


NAMES = {  # what a chart with no title of its own is called: the heading the page gives it, or a name of its own
    ("compare", "convergence"): "section.convergence", ("theory", "sweeps"): "section.sweep",
    ("range", "chart"): "view.range", ("basins", "charts"): "view.basins", ("geometry", "chart"): "view.geometry",
    ("inside", "state"): "view.inside", ("inside", "steps"): "figure.inside.steps",
    ("noise", "band"): "figure.noise.band", ("noise", "spread"): "figure.noise.spread", ("race", "map"): "view.race",
    ("race", "gaps"): "figure.race.gaps", ("momentum", "chart"): "view.momentum",
    ("regression", "fit"): "view.regression",
}


def of(view, objective: str, view_name: str, shown=None, more: dict[str, tuple[str, dict]] | None = None
       ) -> list[Figure]:
    """Every chart of a built view, in the order the page draws it, then `more`'s (field: its name and chart; the
    schedule drawn under the panels). shown: for a stepped view (its charts depend on the update the slider is at),
    its charts at that update, in the view's own order (view.at's)."""
    found = []
    for field in fields(view):
        part = getattr(view, field.name)
        if _is_chart(part):
            found.append((field.name, part, WIDE))
        elif isinstance(part, tuple) and part and all(map(_is_chart, part)):
            found += [(field.name, chart, NARROW if len(part) > 1 else WIDE) for chart in part]
    if shown is not None:  # the stepped charts at the update shown, in place of their every-update templates
        shown = shown if isinstance(shown, tuple) else (shown,)
        found = [(field, chart, width) for (field, _, width), chart in zip(found, shown, strict=True)]
    count = Counter(field for field, _, _ in found)
    numbers = Counter()
    figures = []
    for field, spec, width in found:
        numbers[field] += 1
        name = _title_text(spec)
        if not name:
            name = t(NAMES[view_name, field])
            if count[field] > 1:  # the sweep's two charts: told apart by what they plot
                name = t("figure.part", name=name, part=_y_title(spec))
        suffix = f"_{numbers[field]}" if count[field] > 1 else ""
        figures.append(Figure(name, f"{objective}_{view_name}_{field}{suffix}", spec, width, spoken()))
    figures += [Figure(name, f"{objective}_{view_name}_{field}", spec, WIDE, spoken())
                for field, (name, spec) in (more or {}).items()]
    return figures


def _y_title(spec: dict) -> str:
    """The title of a chart's y axis (its first layer's, in a layered chart)."""
    for part in (spec, *spec.get("layer", ())):
        title = part.get("encoding", {}).get("y", {}).get("title")
        if title:
            return title
    return ""


def _title_text(spec: dict) -> str:
    """A chart's own title as one line ("η = 0.1 · 45 updates · converged"), or "" where it has none."""
    title = spec.get("title")
    text = title.get("text", "") if isinstance(title, dict) else title or ""
    return " · ".join(text) if isinstance(text, list) else str(text)


def subtitle(run: Run, update: int | None = None) -> list[str]:
    """The lines under a figure's title: what is minimised (a typed formula as typed), and the update shown in a
    stepped view."""
    problem = title("objective", run.objective) + (f": J = {run.function}" if run.objective == CUSTOM else "")
    return [problem, *([t("figure.update", update=update)] if update is not None else [])]


def saved(figure: Figure, lines: list[str], file_format: str, scale: int = 1) -> bytes:
    """The figure as a file's bytes, drawn in the heavy worker (once it can start: a woken server's first seconds wait
    for it), here only where there is none (tests, or a server whose compiled loop failed)."""
    spec = prepared(figure, lines)
    heavy.wait_for_worker()
    there = heavy.call(drawn, spec, file_format, scale)
    return drawn(spec, file_format, scale) if there is None else there


def prepared(figure: Figure, subtitle: list[str]) -> dict:
    """The spec vl-convert draws: the page's, at the figure's width, on white, type a size up, with its datasets as
    rows, and titled with the figure's name and subtitle where the page titles it outside the chart."""
    spec = charts.larger({**figure.spec, "width": figure.width, "background": "white",
                          "config": {"font": FONTS[figure.lang], **figure.spec.get("config", {})}}, FIGURE_TYPE)
    spec["datasets"] = {name: _rows(data) for name, data in figure.spec.get("datasets", {}).items()}
    if "title" not in spec:
        spec["title"] = {"text": figure.name, "subtitle": subtitle, "anchor": "start"}
    return spec


def _rows(data) -> list[dict]:
    """A dataset as rows: the page's Arrow bytes read back (pyarrow, which Streamlit brings), or its rows as given."""
    if not isinstance(data, bytes):
        return data
    import pyarrow as pa  # only where a figure is drawn: the page itself never reads Arrow back

    return pa.ipc.open_stream(io.BytesIO(data)).read_all().to_pylist()


class TooLarge(ValueError):
    """A PNG of more than MAX_PIXELS pixels was asked for."""

    def __init__(self, pixels: int):
        super().__init__(f"a figure of {pixels:,} pixels, more than {MAX_PIXELS:,}")
        self.pixels = pixels


def drawn(spec: dict, file_format: str, scale: int = 1) -> bytes:
    """The prepared spec drawn by vl-convert as an SVG (text) or a PNG at `scale` pixels per pixel (1 to 4), as
    bytes. No data is fetched from anywhere: the figure's datasets are inline, and vl-convert is allowed no URL."""
    if file_format not in FORMATS or scale not in SCALES:
        raise ValueError(f"format one of {', '.join(FORMATS)} and scale one of {SCALES}, not {file_format}, {scale}")
    import vl_convert  # only in the process that draws (the heavy worker): 84 MB, 64 MB resident once it has drawn

    svg = vl_convert.vegalite_to_svg(spec, allowed_base_urls=[])
    if file_format == "svg":
        return svg.encode()
    width, height = _size(svg)
    if width * height * scale * scale > MAX_PIXELS:
        raise TooLarge(width * height * scale * scale)
    return vl_convert.svg_to_png(svg, scale=scale)


def _size(svg: str) -> tuple[int, int]:
    """An SVG's width and height in px, as vl-convert writes them on its root element."""
    root = re.search(r"<svg\b[^>]*>", svg).group(0)
    width, height = (float(re.search(rf'\b{name}="([\d.]+)"', root).group(1)) for name in ("width", "height"))
    return round(width), round(height)


def file_name(figure: Figure, file_format: str, scale: int = 1) -> str:
    """quadratic_compare_convergence.svg, quadratic_compare_panels_2@3x.png."""
    return f"{figure.stem}{f'@{scale}x' if file_format == 'png' and scale != 1 else ''}.{file_format}"
