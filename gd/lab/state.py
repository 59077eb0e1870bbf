"""The page's state changes as pure functions over plain values: what happens when a control is used, decided here
and tested without a browser; dashboard.py only maps widgets to them."""

IDLE_SECONDS = 60  # a server where no page has run for this long gives back the memory its caches hold
PLAY_SECONDS = 0.8  # one update per tick while playing at 1×
PLAY_SPEEDS = (0.5, 1.0, 2.0)  # the speeds a learner picks from: ticks of PLAY_SECONDS / speed (a server-driven tick
# sends the whole chart, 30–190 KB: at 0.2 s a busy server fell behind, bench/play.py)


def tick_seconds(speed: float) -> float:
    """The time between two steps of play at this speed."""
    return PLAY_SECONDS / speed


def play_pressed(playing: bool, place: int, last: int) -> tuple[bool, int]:
    """Play (or Pause) pressed at option `place` of 0 … last: (playing, place). Play at the last option starts over
    from the first, so that a finished play can be watched again."""
    playing = not playing
    return playing, 0 if playing and place == last else place


def play_tick(place: int, last: int) -> tuple[int, bool]:
    """One tick of play from option `place` of 0 … last: (the next place, whether play goes on): it stops at the last
    option, and stays there."""
    place = min(place + 1, last)
    return place, place < last


def idle(last_run: float, now: float) -> bool:
    """Whether a server whose last page run was at last_run (seconds, monotonic) is idle at now: no visitor has
    changed anything for IDLE_SECONDS, so its cached views serve no one."""
    return now - last_run >= IDLE_SECONDS
