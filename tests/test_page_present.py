"""Presenting (`?present=1`): one view at a time with no tabs, a bar to move between views (Page Up, Page Down) and
back to the whole page, the run in one line, the charts' type larger for a projector, and Play and step on the
keyboard."""

from app import charts, clean, open_page, plain

from gd.lab.controls import views_of


def buttons(app) -> dict[str, object]:
    return {button.key: button for button in app.button}


def test_presenting_shows_one_view_without_tabs_and_the_run_in_one_line():
    app = clean(open_page(present="1", lang="zh"))
    assert not app.tabs and not app.metric  # no tabs, no five numbers: the view, and one line
    assert plain(app.caption[0].value) == "文章中的抛物线 · η = 0.1 · 45 次更新 · 已收敛"
    assert len(charts(app)) == 6  # the side-by-side view: five panels and the convergence chart
    bar = buttons(app)
    assert (bar["previous_view"].proto.shortcut, bar["next_view"].proto.shortcut) == ("pageup", "pagedown")
    assert bar["previous_view"].disabled and not bar["next_view"].disabled  # the first view
    assert "teach" not in app.session_state  # nor the share section
    assert "用于幻灯片的图" not in [expander.label for expander in app.expander]  # nor the figures for slides


def test_the_charts_type_is_larger_on_a_projector():
    plain, presented = (charts(clean(open_page(**query))) for query in ({}, {"present": "1"}))
    assert [spec["config"]["axis"]["labelFontSize"] for spec in presented] == [18] * 6  # Vega's 11 px × 1.6
    assert [spec["title"]["fontSize"] for spec in presented[:5]] == [19] * 5  # a panel title's 12 px × 1.6
    assert [spec["title"]["fontSize"] for spec in plain[:5]] == [12] * 5


def test_page_down_and_page_up_move_through_the_views_the_objective_has():
    app = clean(open_page(present="1", objective="ravine"))
    order = views_of("ravine")
    for view in order[1:]:
        clean(buttons(app)["next_view"].click().run())
        assert app.session_state["view"] == view and app.query_params["view"] == view
    assert buttons(app)["next_view"].disabled
    clean(buttons(app)["previous_view"].click().run())
    assert app.session_state["view"] == order[-2]


def test_space_plays_and_the_arrows_step_while_presenting_only():
    app = clean(open_page(present="1", view="geometry"))
    bar = buttons(app)
    assert bar["step_play"].proto.shortcut == "space"  # (as Streamlit writes them)
    assert (bar["step_step_-1"].proto.shortcut, bar["step_step_1"].proto.shortcut) == ("left", "right")
    for _ in range(3):
        clean(buttons(app)["step_step_1"].click().run())
    assert app.select_slider(key="step").value == 4  # the first update, then three on
    clean(buttons(app)["step_step_-1"].click().run())
    assert app.select_slider(key="step").value == 3
    whole = clean(open_page(view="geometry"))
    assert not buttons(whole)["step_play"].proto.shortcut and "step_step_1" not in buttons(whole)


def test_one_click_goes_back_to_the_whole_page_and_its_link_presents_again():
    app = clean(open_page(present="1", view="stopping"))
    clean(buttons(app)["leave_presenting"].click().run())
    assert app.tabs and app.metric and "present" not in app.query_params
    assert app.session_state["view"] == "stopping"  # the view presented stays open
    app.session_state["teach"] = True  # the teacher's section opened (dashboard.folded)
    clean(app.run())
    clean(buttons(app)["start_presenting"].click().run())
    assert app.query_params["present"] == "1" and not app.tabs
