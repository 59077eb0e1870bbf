"""Animations for slides: a GIF and an MP4 whose headers, frame counts and timing are what the formats define, a
frame per planned update showing that update, words in the page's language, and the limits priced before drawing."""

import io
import os
from dataclasses import replace

import av
import numpy as np
import pytest
import vl_convert
from app import svg_lines
from PIL import Image

from gd.lab import animations, charts, figures, heavy, views
from gd.lab.controls import DEFAULTS, MAX_ETAS, surface_defaults
from gd.lab.text import speaking

ARTICLE_UPDATES = 45  # the article's η = 0.1 from θ₀ = 0 stops after 45 updates (ε = 1e-8)


def on(objective: str, **settings):
    run = replace(DEFAULTS, objective=objective, **surface_defaults(objective))
    start = run.problem().start
    return replace(run, **({"theta0": tuple(start)} if start is not None else {}), **settings)


def animation_of(run, view: str, lang: str = "en") -> animations.Frames:
    with speaking(lang):
        if view == "geometry":
            built = views.step_through(run.for_view("geometry"), views.headline(run.for_view("headline")))
        else:
            built = {"compare": views.compare, "race": views.race, "regression": views.regression}[view](
                run.for_view(view))
        return animations.of(built, view, run.objective)


def lines(run, shown: animations.Plan, lang: str = "en") -> list[list[str]]:
    with speaking(lang):
        return [figures.subtitle(run, update) for update in shown.updates]


@pytest.fixture(scope="module")
def article():
    """The article's step-through: its animation, plan and lines."""
    animation = animation_of(DEFAULTS, "geometry")
    shown = animations.plan(animation)
    return animation, shown, lines(DEFAULTS, shown)


@pytest.fixture(scope="module")
def article_gif(article):
    animation, shown, said = article
    return animations.saved(animation, said, "gif", 0.5)


def test_the_article_step_through_is_a_gif_of_each_of_its_45_updates_at_the_chosen_speed(article, article_gif):
    _, shown, _ = article
    assert shown.updates == tuple(range(1, ARTICLE_UPDATES + 1)) and not shown.refused
    assert article_gif[:6] == b"GIF89a"  # the format's signature
    image = Image.open(io.BytesIO(article_gif))
    assert image.n_frames == ARTICLE_UPDATES and image.info["loop"] == 0  # loops for ever
    durations = []
    for index in range(image.n_frames):
        image.seek(index)
        durations.append(image.info["duration"])
    assert durations == [1600] * ARTICLE_UPDATES  # Play at 0.5×: an update every 1.6 s
    assert image.size[0] == figures.WIDE and image.size[1] <= shown.height  # priced on no smaller a frame


def test_each_frame_shows_its_own_update(article, article_gif):
    """Frame i is the still figure of update i + 1 (figures.drawn, the page's chart at that update), not its
    neighbour's: the GIF's palette changes colours a little, the next update moves the marks."""
    animation, _, said = article
    image = Image.open(io.BytesIO(article_gif))

    def still(update: int) -> Image.Image:
        spec = figures.prepared(animation.charts[0]._replace(spec=animation.at(update)[0]), said[update - 1])
        return Image.open(io.BytesIO(figures.drawn(spec, "png"))).convert("RGB")

    def distance(one: Image.Image, other: Image.Image) -> float:
        """The mean difference of their channels over the pixels both cover (0 to 255)."""
        width, height = min(one.width, other.width), min(one.height, other.height)
        a, b = (np.asarray(part.crop((0, 0, width, height)), dtype=float) for part in (one, other))
        return float(np.abs(a - b).mean())

    for update in (1, 11, ARTICLE_UPDATES):
        image.seek(update - 1)
        frame = image.convert("RGB")
        own = distance(frame, still(update))
        neighbour = distance(frame, still(update + 1 if update < ARTICLE_UPDATES else update - 1))
        assert own < neighbour / 10, (update, own, neighbour)


def test_an_mp4_is_h264_with_a_frame_per_planned_update_at_the_chosen_speed(article):
    animation, shown, said = article
    video = animations.saved(animation, said, "mp4", 2.0)
    assert video[4:8] == b"ftyp"  # an ISO media file's first box
    with av.open(io.BytesIO(video)) as container:
        [stream] = container.streams.video
        decoded = list(container.decode(video=0))
        assert stream.codec_context.name == "h264" and stream.codec_context.pix_fmt == "yuv420p"
        assert len(decoded) == ARTICLE_UPDATES
        assert decoded[0].width == figures.WIDE and decoded[0].height % 2 == 0
        seconds = [float(frame.pts * frame.time_base) for frame in decoded]
        assert seconds == pytest.approx([0.4 * index for index in range(ARTICLE_UPDATES)])  # 2×: every 0.4 s


def test_each_frame_counts_its_update_in_the_page_language():
    run = replace(DEFAULTS, lang="zh")
    animation = animation_of(run, "geometry", "zh")
    shown = animations.plan(animation)
    said = lines(run, shown, "zh")
    text = svg_lines(figures.drawn(animations.frame(animation, 11, said[10])[0], "svg"))
    assert "单步更新" in text and "文章中的抛物线" in text and "第 11 次更新" in text


def test_the_panels_are_drawn_up_to_the_frame_update():
    """Side by side, a panel holds its whole run: a frame draws the points θ₀ … θ_k in the run's colour, and the
    marker where a run went off the plot only once it has. η = 1 on the parabola jumps from θ₀ = 0 to θ₁ = 5 and back:
    its run stalls after 1 update; η = 1.1 diverges, off the plot at its last update."""
    animation = animation_of(DEFAULTS, "compare")
    shown = animations.plan(animation)
    said = lines(DEFAULTS, shown)
    etas = [figure.name.split(" · ")[0] for figure in animation.charts]
    assert etas == ["η = 0.01", "η = 0.1", "η = 0.9", "η = 1", "η = 1.1"]

    def drawn(update: int) -> list[str]:
        return [figures.drawn(spec, "svg").decode() for spec in animations.frame(animation, update,
                                                                                  said[shown.updates.index(update)])]

    def points(svgs: list[str]) -> list[int]:
        return [svg.count(f'fill="{charts.eta_color(index)}"') for index, svg in enumerate(svgs)]

    assert points(drawn(1)) == [2, 2, 2, 2, 2]
    assert all("Update 3" in svg_lines(svg.encode()) for svg in drawn(3))  # under each panel's own title
    assert points(drawn(3)) == [4, 4, 4, 2, 4]

    def edges(update: int) -> list[dict]:
        datasets = animations.frame(animation, update, said[0])[4]["datasets"]
        return [row for rows in datasets.values() for row in rows if "side" in row]

    assert not edges(3) and edges(shown.updates[-1])  # η = 1.1: off the plot at its last update, not at its third
    assert points(drawn(shown.updates[-1]))[4] > points(drawn(3))[4] + len(edges(shown.updates[-1]))


def test_a_run_of_one_update_has_no_animation():
    """η = 1 on the parabola jumps from θ₀ = 0 to θ₁ = 5, where J is the same: it stops after 1 update (stalled), and a
    step-through of one frame would not move."""
    run = replace(DEFAULTS, eta=1.0)
    assert animation_of(run, "geometry") is None
    assert len(animation_of(replace(DEFAULTS, eta=0.4), "geometry").updates) == 8  # 8 updates, 8 frames


def test_until_keeps_the_rows_up_to_the_update_and_those_without_one():
    spec = {"datasets": {"path": [{"k": 0}, {"k": 1}, {"k": 5}], "curve": [{"theta": 1.0}]}}
    assert animations.until(spec, 1)["datasets"] == {"path": [{"k": 0}, {"k": 1}], "curve": [{"theta": 1.0}]}


def test_charts_are_laid_out_in_rows_up_to_the_row_width_on_an_even_frame():
    places, width, height = animations.layout([400] * 5, [301, 300, 300, 280, 290])
    assert places == [(0, 0), (400, 0), (800, 0), (0, 301), (400, 301)]
    assert (width, height) == (1200, 592)  # 301 + 290 = 591, made even
    places, width, height = animations.layout([800, 800], [451, 300])
    assert places == [(0, 0), (0, 451)] and (width, height) == (800, 752)


FULLEST = [(on("ravine", etas=tuple(0.01 * k for k in range(1, MAX_ETAS + 1))), "compare"),
           (on("ravine"), "compare"), (on("ravine"), "race"), (on("ravine"), "geometry"),
           (on("linear_regression_2d"), "regression"), (DEFAULTS, "compare"), (DEFAULTS, "geometry"),
           (replace(DEFAULTS, etas=tuple(0.05 * k for k in range(1, MAX_ETAS + 1))), "compare")]


@pytest.mark.parametrize(("run", "view"), FULLEST, ids=[f"{run.objective}-{view}-{len(run.etas)}"
                                                        for run, view in FULLEST])
def test_every_plan_keeps_within_the_limits_or_is_refused(run, view):
    animation = animation_of(run, view)
    shown = animations.plan(animation)
    each = sum(0.39 if any(layer.get("mark", {}).get("type") == "rect" for layer in chart.spec["layer"]) else 0.17
               for chart in animation.charts)  # the measured prices, by hand: a map's and any other chart's
    assert shown.seconds >= len(shown.updates) * each
    if shown.refused:
        assert len(shown.updates) < animations.MIN_FRAMES
        return
    assert animations.MIN_FRAMES <= len(shown.updates) <= min(animations.MAX_FRAMES, len(animation.updates))
    assert shown.seconds <= animations.SECONDS
    assert shown.width * shown.height * len(shown.updates) <= animations.MAX_PIXELS
    assert shown.updates[-1] == animation.updates[-1] and set(shown.updates) <= set(animation.updates)


def test_twelve_maps_side_by_side_are_refused_before_anything_is_drawn(monkeypatch):
    run = replace(FULLEST[0][0], lang="zh")
    animation = animation_of(run, "compare", "zh")
    shown = animations.plan(animation)
    assert shown.refused and len(animation.charts) == MAX_ETAS
    with speaking("zh"):
        said = animations.refusal(animation)
    # 0.39 s a map: 8 frames (the fewest) of 4 maps are 12.5 s of the 15 s, of 5 maps 15.6 s (past it even before the
    # frames are encoded)
    assert "12 张图" in said and "15 秒" in said and "最多对比 4 个 η" in said
    monkeypatch.setattr(figures, "drawn", lambda *args, **keywords: pytest.fail("drawn though refused"))
    with pytest.raises(animations.Refused):
        animations.saved(animation, [["x"]] * len(shown.updates), "gif", 1.0)


def test_only_the_formats_and_speeds_offered_are_made(article):
    animation, _, said = article
    for file_format, speed in (("webm", 1.0), ("gif", 3.0), ("mp4", 0.0)):
        with pytest.raises(ValueError, match="format one of"):
            animations.saved(animation, said, file_format, speed)


def compiled_loop_loaded() -> bool:
    """In the process that calls it: whether the compiled loop has been loaded (gd.compiled)."""
    from gd import compiled

    return compiled._ready.is_set()


@pytest.mark.worker
def test_an_animation_is_drawn_in_the_export_worker_not_the_heavy_one(monkeypatch, article):
    animation, shown, said = article
    heavy.stop()
    drawn_here = []
    monkeypatch.setattr(vl_convert, "vegalite_to_svg", lambda *args, **keywords: drawn_here.append(args))
    short = replace(animation, updates=animation.updates[:8])
    there = animations.saved(short, said[:8], "gif", 1.0)
    assert not drawn_here and heavy.running(heavy.EXPORT) and not heavy.running(heavy.HEAVY)
    [worker] = heavy._pools[heavy.EXPORT]._processes  # its own process, niced below the heavy views' worker (10)
    assert worker != os.getpid() and os.getpriority(os.PRIO_PROCESS, worker) == 15
    assert not heavy.call(compiled_loop_loaded, lane=heavy.EXPORT)  # it draws, and runs no loop: none is loaded
    assert Image.open(io.BytesIO(there)).n_frames == 8
    heavy.stop()
