"""The page's state changes, without a browser: Play, Pause and a tick."""

from gd.lab import state


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
    maps.panel(maps.surface_map("ravine"), maps.path(gd.minimize("ravine", max_iter=3)),
               maps.escapes(gd.minimize("ravine", max_iter=3), maps.surface_map("ravine").box), "t", "#000")
    caches = (typed._read, maps._typed_map, maps._base_spec, maps._template_text)
    assert all(cache.cache_info().currsize for cache in caches)
    maps.forget()
    typed.forget()
    assert not any(cache.cache_info().currsize for cache in caches)
    assert maps._named_map.cache_info().currsize  # the six built-in surfaces' maps stay
