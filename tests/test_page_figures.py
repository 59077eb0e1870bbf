"""The page's figures for slides: each view's section lists the charts it draws, in the page's language, and its button
names the file it gives; closed, it sends nothing but itself."""

from app import clean, open_page, panel_titles


def opened(view: str, **query):
    app = open_page(view=view, **query)
    app.session_state[f"figures_{view}"] = True  # what a click on the section does (dashboard.folded)
    return clean(app.run())


def listed(app, view: str) -> list[str]:
    [chooser] = [box for box in app.selectbox if box.key == f"figure_{view}"]
    return chooser.options


def download_labels(app) -> list[str]:
    return [button.proto.label for button in app.get("download_button")]


def test_side_by_side_lists_each_panel_by_its_title_then_the_convergence_chart_in_chinese():
    app = opened("compare", lang="zh")
    titles = panel_titles(app)
    assert len(titles) == 5 and titles[0].startswith("η = 0.01")
    assert listed(app, "compare") == [*titles, "每个 η 缩小差距有多快"]  # the heading the page gives that chart
    assert "下载 quadratic_compare_panels_1.svg" in download_labels(app)


def test_a_png_at_a_chosen_scale_is_named_so_and_svg_has_no_scale():
    app = opened("compare")
    [scale] = [control for control in app.get("button_group") if control.proto.label == "PNG scale"]
    assert scale.proto.disabled  # SVG is chosen: it has no pixels to scale
    app.session_state["figure_format"] = "png"
    app.session_state["figure_scale"] = 3
    app.session_state["figure_compare"] = 1
    app = clean(app.run())
    assert "Download quadratic_compare_panels_2@3x.png" in download_labels(app)


def test_a_schedule_drawn_under_the_panels_is_a_figure_too():
    app = opened("compare", schedule="exponential")
    assert listed(app, "compare")[-1] == "Learning rate over the updates (Exponential decay)"


def test_the_theory_sweeps_are_told_apart_by_what_they_plot():
    app = opened("theory", lang="zh")
    assert listed(app, "theory") == ["学习率扫描（即文章中的网格搜索）：停止前的更新次数",
                                     "学习率扫描（即文章中的网格搜索）：最终 |dJ(θ)|"]  # their y axes' titles


def test_a_stepped_view_offers_its_charts_at_the_update_shown():
    app = opened("race", objective="ravine")
    assert listed(app, "race") == ["Optimizer race", "J(θₖ) − J* for each rule"]
    app = opened("geometry", lang="zh")
    assert listed(app, "geometry") == ["单步更新"]


def test_closed_the_section_builds_nothing():
    app = clean(open_page(view="compare"))
    assert not [box for box in app.selectbox if box.key == "figure_compare"]
    assert [expander.label for expander in app.expander if expander.label == "Figures for slides"]
