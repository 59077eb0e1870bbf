"""The page's animations: under a moving view's figures, what the animation will be (its frames, length and drawing
time, worked out here by hand from the limits), its file's name, its speed, and a refusal that says the way out."""

from app import clean, open_page

from gd.lab import animations

ARTICLE_UPDATES = 45  # the article's run: η = 0.1 from θ₀ = 0, stopped after 45 updates


def opened(view: str, **query):
    app = open_page(view=view, **query)
    app.session_state[f"figures_{view}"] = True  # what a click on the section does (dashboard.folded)
    return clean(app.run())


def captions(app) -> list[str]:
    return [caption.value for caption in app.caption]


def download_labels(app) -> list[str]:
    return [button.proto.label for button in app.get("download_button")]


def test_the_article_step_through_is_planned_frame_by_frame_and_named():
    app = opened("geometry")
    # each frame: the chart (0.17 s) and 800 × 420 px encoded (0.09 s a million pixels): 0.200 s, 45 frames 9.0 s
    said = "45 frames, updates 1 to 45, one every {} s ({} s), 800 px wide; about 10 s to draw on an idle server."
    assert said.format("0.8", 36) in captions(app)
    assert "Download quadratic_geometry.gif" in download_labels(app)
    app.session_state["animation_format"] = "mp4"
    app.session_state["animation_speed"] = 2.0
    app = clean(app.run())
    assert said.format("0.4", 18) in captions(app)
    assert "Download quadratic_geometry.mp4" in download_labels(app)


def test_the_animation_starts_at_the_speed_play_was_set_to():
    app = open_page(view="geometry")
    app.session_state["play_speed"] = 0.5
    app.session_state["figures_geometry"] = True
    app = clean(app.run())
    assert any(caption.startswith("45 frames, updates 1 to 45, one every 1.6 s (72 s)") for caption in captions(app))


def test_a_long_race_is_thinned_as_its_slider_and_said_so_in_chinese():
    app = opened("race", objective="ravine", lang="zh")
    [said] = [caption for caption in captions(app) if caption.endswith("之后越来越稀，直到最后一次。")]
    # the map (0.39 s) over the gaps (0.17 s), 800 px wide and (300 + 160) + (200 + 160) = 820 px tall, encoded at
    # 0.09 s a million pixels: 0.619 s a frame, so 24 frames fit 15 s (and 45 fit 30 million pixels), 14.9 s
    assert said.startswith("24 帧，第 0 到第 152 次更新，每 0.8 秒一帧（共 19 秒），宽 800 像素；"
                           "服务器空闲时绘制约需 15 秒。")
    # of the slider's 153 steps 0 … 152, 24 frames: the first 24 // 2 = 12 (0 … 11), then 12 spaced evenly in log from
    # 12 to 152 (frames.thin)
    assert "到第 12 次更新为止每次更新一帧" in said
    assert "动画" in [markdown.value.strip("*") for markdown in app.markdown]


def test_twelve_maps_side_by_side_are_refused_with_the_way_out_in_chinese():
    etas = ",".join(f"{0.01 * k:g}" for k in range(1, 13))
    app = opened("compare", objective="ravine", etas=etas, lang="zh")
    [refused] = [warning.value for warning in app.warning if "无法生成动画" in warning.value]
    assert "每一帧要画 12 张图" in refused and f"至少需要的 {animations.MIN_FRAMES} 帧" in refused
    assert "最多对比 4 个 η" in refused
    assert not [label for label in download_labels(app) if label.endswith((".gif", ".mp4"))]


def test_a_view_that_does_not_move_offers_no_animation():
    app = opened("theory")
    assert "Animation" not in [markdown.value.strip("*") for markdown in app.markdown]
