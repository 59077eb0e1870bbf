"""A teacher's exercise on the page: a link that hides controls and views opens with only the others, says what it
fixes, keeps its lock through lessons, a language switch and the page's own link; the teacher's page writes that
link from what is on screen; an address without it opens the whole page again."""

from app import clean, metrics, open_page, plain

import gd
from gd.lab.controls import LOCKABLE
from gd.lab.format import number

EXERCISE = {"hide": "objective,optimizer,schedule,stop,epsilon,max_iter,etas,theory,range,inside,noise,predict",
            "optimizer": "adam", "eta": "0.5", "view": "stopping"}


def tabs(app) -> list[str]:
    return [tab.label for tab in app.tabs]


def locked_keys(app) -> set[str]:
    """The names of the containers the page's style hides (dashboard.locked): their key, locked-<name>, ends their
    block's id."""
    found, blocks = set(), [app._tree]
    while blocks:
        block = blocks.pop()
        key = getattr(getattr(block, "proto", None), "id", "").rpartition("-locked-")
        if key[1]:
            found.add(key[2])
        blocks.extend(getattr(block, "children", {}).values())
    return found


def test_a_locked_link_shows_only_the_views_it_leaves_and_says_what_it_fixes():
    app = clean(open_page(EXERCISE, lang="zh"))
    assert tabs(app) == ["并排对比", "停止条件", "单步更新"]
    assert app.session_state["view"] == "stopping"
    [fixed] = [plain(box.value) for box in app.sidebar.info]
    assert fixed == ("这是一道练习：它的链接固定了目标函数 J(θ)：文章中的抛物线；更新规则：Adam；学习率调度：固定；"
                     "停止条件：|ΔJ| < ε（文章的做法）；容差 ε：1e-08；迭代次数上限：10000；"
                     "要对比的 η 值：0.01, 0.1, 0.9, 1, 1.1。")
    assert locked_keys(app) == {"objective", "optimizer", "schedule", "stop", "epsilon", "max_iter", "etas",
                                "etas-here", "section-stopping", "section-compare"}  # and two headings left empty
    assert not locked_keys(app) & {"eta", "theta0", "variant", "lessons"}  # what the student may change


def test_a_link_that_hides_the_default_view_opens_the_first_it_shows():
    app = clean(open_page(hide="compare,theory"))
    assert tabs(app)[0] == "Range test" and app.session_state["view"] == "compare"  # kept by name, not drawn
    assert app.query_params["view"] == "range"  # what the page shows, and its link says


def test_the_hidden_settings_are_the_runs_and_the_page_link_keeps_the_lock():
    app = clean(open_page(EXERCISE))
    result = gd.minimize(eta=0.5, optimizer=gd.OPTIMIZERS["adam"].build())
    assert metrics(app)["updates"] == f"{result.iterations:,}" and metrics(app)["final θ"] == number(result.theta)
    assert app.query_params["hide"] == EXERCISE["hide"]  # the page's own link (share) is made of the same address


def test_a_lesson_and_a_language_switch_keep_the_lock_an_address_without_it_lifts_it():
    app = clean(open_page(hide="optimizer,theory"))
    clean(app.button(key="preset_trap").click().run())
    assert app.session_state["hide"] == ("optimizer", "theory") and "Why: theory" not in tabs(app)
    app.sidebar.radio[0].set_value("zh")
    clean(app.run())
    assert app.session_state["hide"] == ("optimizer", "theory") and "理论解释" not in tabs(app)
    for key in list(app.query_params):
        del app.query_params[key]
    app.query_params["lang"] = "zh"  # the address the learner typed, or Back to before the exercise
    clean(app.run())
    assert app.session_state["hide"] == () and "理论解释" in tabs(app)


def test_the_teachers_page_writes_the_exercise_link_from_what_is_on_screen():
    teacher = {"optimizer": "adam", "eta": "0.5", "view": "stopping", "lang": "zh"}
    app = clean(open_page(teacher))
    app.session_state["teach"] = True  # the section opened (dashboard.folded)
    clean(app.run())
    controls, views = (box for box in app.multiselect if box.key.startswith("exercise_"))
    assert controls.value == ["eta"] and views.value == ["stopping"]  # the defaults: η, and the open view
    app = clean(open_page(teacher))  # (AppTest sends a section closed once a widget in it changes: opened anew)
    app.session_state["exercise_controls.zh"] = ["eta", "theta0"]  # what the teacher then chooses
    app.session_state["exercise_views.zh"] = ["compare", "stopping"]
    app.session_state["teach"] = True
    clean(app.run())
    link = app.code[-1].value
    query = dict(part.split("=", 1) for part in link.split("?", 1)[1].split("&"))
    hidden = [name for name in LOCKABLE if name not in ("eta", "theta0")]
    hidden += ["theory", "range", "geometry", "inside", "noise", "predict"]
    assert query == {"eta": "0.5", "optimizer": "adam", "view": "stopping", "lang": "zh",
                     "hide": "%2C".join(hidden)}
    student = clean(open_page({key: value.replace("%2C", ",") for key, value in query.items()}))
    assert tabs(student) == ["并排对比", "停止条件"] and student.session_state["view"] == "stopping"


def test_without_a_view_for_the_students_the_teacher_is_told_and_no_link_is_written():
    app = clean(open_page())
    app.session_state["teach"] = True
    clean(app.run())
    app.session_state["exercise_views.en"] = []
    app.session_state["teach"] = True
    clean(app.run())
    assert [box.value for box in app.warning] == ["Choose at least one view for the students to see."]
