"""Figures for slides: what drawing one costs, and what it costs everyone else.

python bench/figures.py

1. Cold start, in a fresh process: importing vl_convert, the first figure drawn (V8 and its fonts start), and the
   process's resident memory before and after.
2. Each figure the page offers at its largest: a panel, the convergence chart of 12 η with a pin, the race's map,
   as SVG and as PNG at every scale: wall time (best of 3, warm) and file size.
3. The server's other work while a figure is drawn: a thread that sleeps 1 ms in a loop (as the server's event loop
   and the other pages' threads do) and the longest it went unanswered, with the figure drawn here and in the heavy
   worker (gd.lab.heavy): vl-convert holds the GIL while it draws.
"""

import resource
import sys
from dataclasses import replace
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import describe  # noqa: E402
from measure import best, cold_start, longest_gap  # noqa: E402

from gd import compiled  # noqa: E402
from gd.lab import figures, heavy, views  # noqa: E402
from gd.lab.controls import DEFAULTS, MAX_ETAS, surface_defaults  # noqa: E402
from gd.lab.text import speaking  # noqa: E402


def cold() -> None:
    before, after, imported, first = cold_start(
        "vl_convert", 'vl_convert.vegalite_to_svg({"data": {"values": [{"a": 1}]}, "mark": "point"})')
    print(f"cold start: import vl_convert {imported * 1000:.0f} ms, first figure {first * 1000:.0f} ms;"
          f" resident memory {before:.0f} MB -> {after:.0f} MB")


def largest() -> list[figures.Figure]:
    etas = tuple(0.05 * k for k in range(1, MAX_ETAS + 1))
    curve = replace(DEFAULTS, etas=etas, lang="zh")
    curve = replace(curve, pin=replace(DEFAULTS, eta=0.5).pinned())
    ravine = replace(DEFAULTS, objective="ravine", lang="zh", **surface_defaults("ravine"))
    ravine = replace(ravine, theta0=tuple(ravine.problem().start))
    with speaking("zh"):
        compare = views.compare(curve.for_view("compare"))
        race = views.race(ravine.for_view("race"))
        return [figures.of(compare, "quadratic", "compare")[0], figures.of(compare, "quadratic", "compare")[-1],
                figures.of(race, "ravine", "race", race.at(race.updates))[0]]


def each_figure(listed: list[figures.Figure]) -> None:
    print(f"\n{'figure':<34}{'file':>10}{'ms':>8}{'KB':>8}{'pixels':>14}")
    for figure in listed:
        spec = figures.prepared(figure, ["subtitle"])
        for file_format, scale in (("svg", 1), *(("png", scale) for scale in figures.SCALES)):
            seconds = best(partial(figures.drawn, spec, file_format, scale))
            drawn = figures.drawn(spec, file_format, scale)
            size = "" if file_format == "svg" else "{}×{}".format(*(int.from_bytes(drawn[at:at + 4], "big")
                                                                     for at in (16, 20)))
            print(f"{figure.stem:<34}{f'{file_format} {scale}x':>10}"
                  f"{seconds * 1000:>8.0f}{len(drawn) / 1024:>8.0f}{size:>14}")


def beside_the_server(figure: figures.Figure) -> None:
    spec = figures.prepared(figure, ["subtitle"])
    compiled.wait()
    heavy.call(figures.drawn, spec, "svg")  # the worker started, vl-convert warm in it
    print()
    for where, work in (("here", lambda: figures.drawn(spec, "png", 4)),
                        ("in the heavy worker", lambda: heavy.call(figures.drawn, spec, "png", 4))):
        _, seconds, gap = longest_gap(work)
        print(f"{figure.stem} at 4x drawn {where}: {seconds * 1000:.0f} ms; the server's other threads waited "
              f"{gap * 1000:.1f} ms at most")
    heavy.stop()


def main() -> None:
    print(describe())
    cold()
    listed = largest()
    each_figure(listed)
    beside_the_server(listed[2])
    print(f"\nthis process's peak resident memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
