"""The page's state changes, without a browser: Play, Pause and a tick."""

from dataclasses import replace

from gd.lab import frames, state
from gd.lab.controls import Run
from gd.lab.links import to_url


def test_play_from_the_middle_goes_on_from_there_and_pause_keeps_the_place():
    assert state.play_pressed(False, 3, 10) == (True, 3)
    assert state.play_pressed(True, 7, 10) == (False, 7)


def test_play_at_the_last_update_starts_over():
    assert state.play_pressed(False, 10, 10) == (True, 0)
    assert state.play_pressed(True, 10, 10) == (False, 10)  # pausing at the end stays there


def test_a_tick_moves_one_on_and_the_last_stops_the_play():
    assert state.play_tick(0, 10) == (1, True)
    assert state.play_tick(9, 10) == (10, False)
    assert state.play_tick(10, 10) == (10, False)
    place, playing, seen = 0, True, [0]
    while playing:
        place, playing = state.play_tick(place, 4)
        seen.append(place)
    assert seen == [0, 1, 2, 3, 4]


def test_the_speeds_divide_the_tick():
    assert [state.tick_seconds(speed) for speed in state.PLAY_SPEEDS] == [1.6, 0.8, 0.4]


def test_a_server_is_idle_once_no_page_has_run_for_a_while():
    assert not state.idle(100.0, 100.0 + state.IDLE_SECONDS - 0.5)
    assert state.idle(100.0, 100.0 + state.IDLE_SECONDS)


def test_forgetting_empties_what_the_lab_and_the_engine_cache_for_visitors():
    """What the page's idle server drops: typed readings and typed maps, every map's specs; the built-in maps stay."""
    import gd
    from gd import typed
    from gd.lab import maps

    gd.parse_objective("x^2 + y^2 + 0.5*x")
    maps.surface_map(gd.parse_objective("x^2 + y^2 + 0.5*x"))
    maps.panel(maps.surface_map("ravine"), frames.path(gd.minimize("ravine", max_iter=3)),
               maps.escapes(gd.minimize("ravine", max_iter=3), maps.surface_map("ravine").box), "t", "#000")
    caches = (typed._read, maps._typed_map, maps._base_spec, maps._template_text)
    assert all(cache.cache_info().currsize for cache in caches)
    maps.forget()
    typed.forget()
    assert not any(cache.cache_info().currsize for cache in caches)
    assert maps._named_map.cache_info().currsize  # the six built-in surfaces' maps stay


# --- the controls' transitions ------------------------------------------------------------------------------------

def test_the_page_follows_an_address_it_did_not_write():
    assert state.follows({"eta": "0.3"}, None)  # a link opened
    assert not state.follows({"eta": "0.3", "lang": "en"}, {"eta": "0.3", "lang": "en"})  # what the page wrote
    assert state.follows({"eta": "0.1", "lang": "en"}, {"eta": "0.3", "lang": "en"})  # Back


def test_an_address_sets_what_it_names_and_the_objectives_own_defaults_for_the_rest():
    change, problems = state.address_followed({"objective": "rosenbrock", "view": "race", "eta": "abc"}, "zh")
    assert change.reset and change.view == "race" and change.drop == ()
    assert change.put == {"objective": "rosenbrock", "lang": "zh", "eta": 0.002,
                          "etas": (0.0002, 0.001, 0.002, 0.003, 0.004), "max_iter": 10_000,
                          "hide": (), "present": False, "worksheet": False}  # the address names no mode
    assert [problem.key for problem in problems] == ["eta"]  # said, not used
    change, _ = state.address_followed({"lang": "en", "eta": "0.3"}, "zh")
    assert change.put == {"lang": "en", "eta": 0.3, "hide": (), "present": False, "worksheet": False}
    change, _ = state.address_followed({"hide": "optimizer", "present": "1", "worksheet": "1"}, "zh")
    assert change.put == {"lang": "zh", "hide": ("optimizer",), "present": True, "worksheet": True}


def test_a_new_objective_brings_its_own_start_and_a_surface_its_own_numbers():
    to_surface = state.objective_changed("rosenbrock", "quadratic", "stopping", {})
    assert set(to_surface.drop) == {"theta0", "pin", "race_gd", "race_momentum", "race_nesterov", "race_adagrad",
                                    "race_rmsprop", "race_adam"}
    assert to_surface.put == {"eta": 0.002, "etas": (0.0002, 0.001, 0.002, 0.003, 0.004), "max_iter": 10_000}
    assert to_surface.view == "stopping"  # Rosenbrock has the stopping rules too
    assert state.objective_changed("logistic_regression_2d", "ravine", "race", {}).put["max_iter"] == 4_000
    assert state.objective_changed("rosenbrock", "ravine", "momentum", {}).view == "compare"  # no map of momentum
    back = state.objective_changed("quadratic", "ravine", "compare", {})
    assert back.put == {"eta": 0.1, "etas": (0.01, 0.1, 0.9, 1.0, 1.1), "max_iter": 10_000}
    assert state.objective_changed("double_well", "quadratic", "compare", {}).put == {}  # between curves η stays
    typed_surface = {"function": "x^2 + y^2"}
    assert state.objective_changed("custom", "quadratic", "race", typed_surface).view == "compare"


def test_a_typed_function_of_another_dimension_drops_the_start_and_another_function_the_pin():
    assert state.function_changed("x^2 + y^2", "x^2").drop == ("theta0", "pin")
    assert state.function_changed("x^4", "x^2").drop == ("pin",)  # a run pinned on x² is not drawn on x⁴
    assert state.function_changed(" x^2 ", "x^2").drop == ()  # the same function: θ₀ and the pin stay
    assert state.function_changed("x^^2", "x^2") == state.Change({})  # refused: nothing changes


def test_a_lesson_resets_every_control_then_sets_its_own():
    assert state.lesson("trap") == state.Change({"eta": 1.0}, reset=True, view="stopping")
    assert state.lesson("rescue") == state.Change({"eta": 1.1, "schedule": "exponential"}, reset=True, view="compare")


def test_a_typed_control_reads_its_text_or_keeps_its_last_good_value_and_says_why():
    good, error = state.typed("eta", " 0.25 ", {"etas": (0.1, 0.2)})
    assert good == {"etas": (0.1, 0.2), "eta": 0.25} and error is None
    for text in ("abc", "", "-1", "1" * 300):  # not a number, empty, out of range, too long
        kept, error = state.typed("eta", text, good)
        assert kept == {"etas": (0.1, 0.2), "eta": 0.25}  # the last good value, not a default
        assert error.name == "eta"  # the page names the control and what it accepts
    assert good == {"etas": (0.1, 0.2), "eta": 0.25}  # the values given are never changed in place
    kept, error = state.typed("function", "x^^2", {"function": "x^2"})
    assert kept == {"function": "x^2"} and error is not None
    assert state.typed("function", "x^4 - y", {"function": "x^2"})[0] == {"function": "x^4 - y"}
    assert state.typed("eta", "abc", {})[0] == {}  # nothing good yet: the page falls back on the default


def test_a_language_round_trip_and_back_restore_what_was_on_screen():
    """English, then Chinese, then Back: each language's address opens the same settings in its own language."""
    run = Run(objective="double_well", eta=0.3, etas=(0.05, 0.3), view="theory")
    english, chinese = to_url(run), to_url(replace(run, lang="zh"))
    assert english != chinese and state.follows(english, chinese)  # Back after the switch is followed
    back, problems = state.address_followed(english, "zh")
    there, _ = state.address_followed(chinese, "en")
    assert not problems and back.view == there.view == "theory" and back.reset
    assert back.put["lang"] == "en" and there.put["lang"] == "zh"
    assert {**back.put, "lang": None} == {**there.put, "lang": None}
    assert back.put["objective"] == "double_well" and back.put["eta"] == 0.3 and back.put["etas"] == (0.05, 0.3)
