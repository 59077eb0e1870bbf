"""Figures for slides: every chart of every view saved as an SVG that parses and a PNG of the size asked, titled, in the
page's language, drawn from the data the page sends, and fetching nothing."""

import re
import struct
import subprocess
import xml.etree.ElementTree as ElementTree
from dataclasses import replace

import pandas as pd
import pytest
import vl_convert
from app import SVG, svg_lines
from streamlit import dataframe_util

from gd.lab import charts, figures, frames, heavy, views
from gd.lab.controls import DEFAULTS, MAX_ETAS, surface_defaults
from gd.lab.text import speaking

CJK = re.compile(r"[\u4e00-\u9fff]")


def on(objective: str, **settings):
    """The page's run on an objective, at its own defaults (a surface's η, its start)."""
    run = replace(DEFAULTS, objective=objective, **surface_defaults(objective))
    start = run.problem().start
    return replace(run, **({"theta0": tuple(start)} if start is not None else {}), **settings)


BUILDERS = {"compare": views.compare, "theory": views.theory_view, "range": views.range_view,
            "basins": views.basins, "stopping": views.stopping, "inside": views.inside_view, "noise": views.noise,
            "race": views.race, "momentum": views.momentum, "regression": views.regression}
PAGES = [("quadratic", "compare", {}), ("quadratic", "theory", {}), ("quadratic", "range", {}),
         ("double_well", "basins", {}), ("quadratic", "stopping", {}), ("quadratic", "inside", {"optimizer": "adam"}),
         ("quadratic", "noise", {"variant": "sgd"}), ("ravine", "race", {}), ("ravine", "momentum", {}),
         ("linear_regression_2d", "regression", {}), ("himmelblau", "basins", {})]


def figures_of(objective: str, view: str, lang: str, **settings) -> list[figures.Figure]:
    run = replace(on(objective, **settings), lang=lang, view=view)
    built = BUILDERS[view](run.for_view(view))
    shown = built.at(built.updates) if view in ("race", "regression") else None
    with speaking(lang):
        return figures.of(built, objective, view, shown)


def unnumbered(svg: bytes) -> bytes:
    """An SVG without the numbers vl-convert counts up across drawings (clip paths' ids)."""
    return re.sub(rb"clip\d+", b"clip", svg)


def png_size(png: bytes) -> tuple[int, int]:
    """A PNG's width and height, read from its IHDR chunk as the format defines it (after the 8-byte signature)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and png[12:16] == b"IHDR"
    return struct.unpack(">II", png[16:24])


@pytest.mark.parametrize(("objective", "view", "settings"), PAGES, ids=[f"{o}-{v}" for o, v, _ in PAGES])
def test_every_chart_of_every_view_is_a_named_figure_in_the_page_language(objective, view, settings):
    english, chinese = (figures_of(objective, view, lang, **settings) for lang in ("en", "zh"))
    assert len(english) == len(chinese) >= 1
    for listed in (english, chinese):
        names = [figure.name for figure in listed]
        assert all(names) and len(set(names)) == len(names), names  # each told apart in the list
        assert len({figure.stem for figure in listed}) == len(listed)
    assert all(CJK.search(figure.name) for figure in chinese if "η = " not in figure.name), chinese
    assert not any(CJK.search(figure.name) for figure in english)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_figure_is_an_svg_that_parses_titled_and_worded_in_the_page_language(lang):
    convergence = figures_of("quadratic", "compare", lang)[-1]
    with speaking(lang):
        lines = figures.subtitle(DEFAULTS)
    svg = figures.drawn(figures.prepared(convergence, lines), "svg")
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{SVG}svg" and float(root.get("width")) == figures.WIDE
    words = svg_lines(svg)
    title = {"en": "How fast each η closes the gap", "zh": "每个 η 缩小差距有多快"}[lang]
    problem = {"en": "The article's parabola", "zh": "文章中的抛物线"}[lang]
    updates = {"en": "updates k", "zh": "更新次数 k"}[lang]  # the x axis: the page's own words too
    assert title in words and problem in words and any(updates in word for word in words), words
    assert [eta for eta in ("0.01", "0.1", "0.9", "1") if eta in words] == ["0.01", "0.1", "0.9", "1"]  # the legend


@pytest.mark.parametrize("scale", figures.SCALES)
def test_a_png_has_the_svg_size_times_its_scale(scale):
    panel = figures_of("quadratic", "compare", "en")[1]
    spec = figures.prepared(panel, ["x"])
    root = ElementTree.fromstring(figures.drawn(spec, "svg"))
    width, height = float(root.get("width")), float(root.get("height"))
    assert width == figures.NARROW
    assert png_size(figures.drawn(spec, "png", scale)) == (round(width * scale), round(height * scale))


def test_a_figure_drawn_from_the_arrow_bytes_the_page_sends_is_the_figure_of_its_rows():
    """The page holds each dataset as the Arrow bytes Streamlit sends (dashboard.as_sent); read back, they draw the
    very figure the rows do."""
    convergence = figures_of("quadratic", "compare", "en")[-1]
    sent = {name: dataframe_util.convert_anything_to_arrow_bytes(pd.DataFrame(rows))
            for name, rows in convergence.spec["datasets"].items()}
    as_sent = convergence._replace(spec={**convergence.spec, "datasets": sent})
    assert all(isinstance(data, bytes) for data in as_sent.spec["datasets"].values())
    assert unnumbered(figures.drawn(figures.prepared(as_sent, ["x"]), "svg")) == \
        unnumbered(figures.drawn(figures.prepared(convergence, ["x"]), "svg"))


def test_a_stepped_figure_shows_the_update_the_slider_is_at_and_says_which():
    run = on("ravine", view="race")
    built = views.race(run.for_view("race"))
    listed = figures.of(built, "ravine", "race", built.at(3))
    assert [figure.spec["datasets"][charts.PLAYER] for figure in listed] == [[{"step": 3.0}]] * 2
    with speaking("zh"):
        lines = figures.subtitle(run, 3)
    assert lines == ["峡谷（κ = 10）", "第 3 次更新"]
    assert "第 3 次更新" in svg_lines(figures.drawn(figures.prepared(listed[1], lines), "svg"))


def test_a_typed_function_is_named_as_typed_under_the_title():
    run = replace(DEFAULTS, objective="custom", function="x^4 - 3*x")
    assert figures.subtitle(run) == ["Your function: J = x^4 - 3*x"]


def test_the_largest_figure_of_the_page_at_the_largest_scale_is_within_the_pixel_limit():
    """The tallest charts: the convergence chart's legend with every η the page takes, and a pin; the sweep at its
    most points; the race's map and its legend of seven rules."""
    etas = tuple(0.05 * k for k in range(1, MAX_ETAS + 1))
    pinned = replace(DEFAULTS, etas=etas)
    candidates = [figures_of("quadratic", "compare", "zh", etas=etas, pin=pinned.pinned())[-1],
                  *figures_of("quadratic", "theory", "zh", sweep_points=200), *figures_of("ravine", "race", "zh")]
    pixels = []
    for figure in candidates:
        root = ElementTree.fromstring(figures.drawn(figures.prepared(figure, ["a", "b"]), "svg"))
        pixels.append(float(root.get("width")) * float(root.get("height")) * max(figures.SCALES) ** 2)
    assert max(pixels) <= figures.MAX_PIXELS, max(pixels)


def test_a_png_past_the_pixel_limit_is_refused_before_it_is_drawn():
    tall = {"$schema": "https://vega.github.io/schema/vega-lite/v6.json", "data": {"values": [{"a": 1}]},
            "mark": "point", "width": 800, "height": 1_400}
    with pytest.raises(figures.TooLarge):
        figures.drawn(tall, "png", 4)  # 3,300 × 5,700 px
    assert png_size(figures.drawn(tall, "png", 2))[1] > 2 * 1_400  # the same chart at 2×: 4.7 M pixels, drawn


def test_a_figure_fetches_nothing():
    """vl-convert may load a dataset from a URL; a figure's datasets are inline, and it is allowed none."""
    fetching = {"data": {"url": "http://127.0.0.1:9/rows.csv"}, "mark": "point"}
    with pytest.raises(ValueError, match="not allowed"):
        figures.drawn(fetching, "svg")


def test_english_figures_ask_for_a_face_that_draws_the_subscripts_the_page_writes():
    """θ₀ … θ₁₀₆ and θₖ: in a face without them vl-convert took each subscript from a serif font. fontconfig lists the
    faces of this machine that have every one (U+2080–2089 and U+2096: frames.subscript, and the axes' θₖ)."""
    faces = subprocess.run(["fc-list", ":charset=2080-2089 2096", "family"], capture_output=True, text=True,
                           check=True).stdout
    having = {name.strip() for line in faces.splitlines() for name in line.split(",")}
    asked = figures.FONTS["en"].split(",")[0].strip()
    assert asked in having, (asked, having)
    assert "".join(frames.subscript(k) for k in range(10)) == "₀₁₂₃₄₅₆₇₈₉"  # the digits checked above


def test_only_the_formats_and_scales_offered_are_drawn():
    spec = figures.prepared(figures_of("quadratic", "compare", "en")[0], ["x"])
    for file_format, scale in (("pdf", 1), ("png", 5), ("png", 0), ("svg", 1.5)):
        with pytest.raises(ValueError, match="format one of"):
            figures.drawn(spec, file_format, scale)


def test_file_names_say_the_objective_view_chart_and_scale():
    listed = figures_of("quadratic", "compare", "en")
    assert figures.file_name(listed[-1], "svg", 3) == "quadratic_compare_convergence.svg"
    assert figures.file_name(listed[1], "png", 3) == "quadratic_compare_panels_2@3x.png"
    assert figures.file_name(listed[1], "png", 1) == "quadratic_compare_panels_2.png"


@pytest.mark.worker
def test_a_figure_is_drawn_in_the_heavy_worker_the_same_as_here(monkeypatch):
    """vl-convert holds the GIL while it draws: the page draws in the worker, never in the server's process."""
    panel = figures_of("quadratic", "compare", "zh")[0]
    heavy.stop()
    drawn_here = []
    monkeypatch.setattr(vl_convert, "vegalite_to_svg", lambda *args, **keywords: drawn_here.append(args))
    there = figures.saved(panel, ["x"], "png", 2)  # the worker's vl_convert is its own, untouched
    assert not drawn_here and heavy.running()
    monkeypatch.undo()
    assert there == figures.drawn(figures.prepared(panel, ["x"]), "png", 2)
    heavy.stop()
