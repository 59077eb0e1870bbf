"""The page as a worksheet (`?worksheet=1`): its first page, then the open view's charts; no tabs, lessons or share
link; one click back to the whole page, and the share section's button opens it."""

from dataclasses import replace
from html import escape

from app import charts, clean, open_page, plain

from gd.lab import worksheet
from gd.lab.controls import DEFAULTS
from gd.lab.text import speaking


def test_a_worksheet_is_its_first_page_then_the_views_charts_and_nothing_else_of_the_page():
    app = clean(open_page(worksheet="1", eta="1", view="stopping", lang="zh"))
    [first] = [element for element in app.main if getattr(element, "type", "") == "html"
               and 'class="worksheet"' in element.proto.body]
    with speaking("zh"):
        assert escape(worksheet.question(replace(DEFAULTS, eta=1.0))) in first.proto.body  # the trap's question
    assert not app.tabs and not app.metric and not [button for button in app.button if button.key.startswith(
        ("preset_", "start_"))]
    assert [heading.value for heading in app.subheader] == ["实验室显示的结果"]
    assert "文章中的抛物线 · η = 1 · 1 次更新 · 停滞" in [plain(caption.value) for caption in app.caption]
    assert len(charts(app)) == 5  # the stopping rules' panels
    assert app.query_params["worksheet"] == "1"


def test_a_stepped_view_prints_its_last_update_and_the_quiz_prints_no_chart():
    race = clean(open_page(worksheet="1", objective="ravine", view="race"))
    assert len(charts(race)) == 2
    assert clean(open_page(worksheet="1", view="predict")).subheader  # the first page and the heading, no chart
    assert charts(clean(open_page(worksheet="1", view="predict"))) == []


def test_one_click_goes_back_and_the_share_section_opens_the_worksheet():
    app = clean(open_page(worksheet="1", view="theory"))
    clean(app.button(key="leave_worksheet").click().run())
    assert app.tabs and "worksheet" not in app.query_params and app.session_state["view"] == "theory"
    app.session_state["teach"] = True  # the teacher's section opened (dashboard.folded)
    clean(app.run())
    clean(app.button(key="start_worksheet").click().run())
    assert app.query_params["worksheet"] == "1" and not app.tabs
