"""Animations for slides: what the largest allowed ones cost, and the prices the limits are set from.

python bench/animations.py [--calibrate]

1. Cold start, in a fresh process: importing PyAV (FFmpeg's libraries) and its resident memory.
2. --calibrate: the prices gd.lab.animations sets its limits from, measured warm here (best of 3): a frame's chart
   drawn (the step-through's, CHART_SECONDS; the race's map, MAP_SECONDS), and a frame encoded per million pixels
   (ENCODE_SECONDS: GIF's, the slower; MP4's beside it).
3. The largest animation each view allows (its plan: frames, size, price), drawn as the page draws it, in the export
   worker: the wall time, the file's size, the worker's peak memory, the plan's height against the frames' own, and
   the longest a thread of the server sleeping 1 ms at a time waited meanwhile.
"""

import io
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
from gd.lab import animations, figures, heavy, views  # noqa: E402
from gd.lab.controls import DEFAULTS, surface_defaults  # noqa: E402
from gd.lab.text import speaking  # noqa: E402


def cold() -> None:
    before, after, imported, _ = cold_start("av")
    print(f"cold start: import av {imported * 1000:.0f} ms; resident memory {before:.0f} MB -> {after:.0f} MB")


def on(objective: str, **settings):
    run = replace(DEFAULTS, objective=objective, **surface_defaults(objective))
    start = run.problem().start
    return replace(run, **({"theta0": tuple(start)} if start is not None else {}), **settings)


def animation_of(run, view: str) -> animations.Frames:
    if view == "geometry":
        built = views.step_through(run.for_view("geometry"), views.headline(run.for_view("headline")))
    else:
        built = {"compare": views.compare, "race": views.race, "regression": views.regression}[view](
            run.for_view(view))
    return animations.of(built, view, run.objective)


CASES = [("the article's step-through", DEFAULTS, "geometry"),
         ("the ravine's step-through", on("ravine"), "geometry"),
         ("5 η side by side, the parabola", DEFAULTS, "compare"),
         ("4 maps side by side (the most)", on("ravine", etas=(0.01, 0.02, 0.03, 0.04)), "compare"),
         ("the race on the ravine", on("ravine"), "race"),
         ("the regression", on("linear_regression_2d"), "regression")]


def calibrate() -> None:
    import vl_convert

    vl_convert.vegalite_to_svg({"data": {"values": [{"a": 1}]}, "mark": "point"})  # V8 started
    print("\nprices (best of 3, warm, here):")
    for name, run, view, index in (("CHART_SECONDS (the step-through's chart)", DEFAULTS, "geometry", 0),
                                   ("MAP_SECONDS (the race's map)", on("ravine"), "race", 0)):
        animation = animation_of(run, view)
        shown = animations.plan(animation)
        update = shown.updates[len(shown.updates) // 2]
        spec = animations.frame(animation, update, figures.subtitle(run, update))[index]
        print(f"  {name}: {best(lambda spec=spec: figures.drawn(spec, 'png')):.3f} s")
    animation = animation_of(on("ravine"), "race")
    shown = animations.plan(animation)
    pngs = animations.drawn_frames(animation, [figures.subtitle(on("ravine"), k) for k in shown.updates],
                                   shown.updates)
    from PIL import Image

    width = sum(Image.open(io.BytesIO(png)).size[0] for png in pngs[0][:1])
    height = sum(Image.open(io.BytesIO(png)).size[1] for png in pngs[0])
    megapixels = len(pngs) * width * height / 1e6
    for file_format in animations.FORMATS:
        seconds = best(lambda file_format=file_format: animations.written(pngs, file_format, 1.0))
        print(f"  ENCODE_SECONDS, {file_format}: {seconds / megapixels:.3f} s a million pixels ({len(pngs)} frames of "
              f"{width} × {height})")


def peak_megabytes(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM")) / 1024


def largest() -> None:
    from PIL import Image

    compiled.wait()
    print(f"\n{'animation':<34}{'frames':>7}{'planned px':>12}{'priced s':>9}{'file':>5}{'s':>7}{'KB':>7}"
          f"{'drawn px':>12}{'worker MB':>10}{'server gap ms':>14}")
    for name, run, view in CASES:
        for file_format in animations.FORMATS:
            heavy.stop()  # each in a fresh export worker: its peak memory is this animation's
            with speaking("en"):
                animation = animation_of(run, view)
                shown = animations.plan(animation)
                lines = [figures.subtitle(run, update) for update in shown.updates]
            data, seconds, gap = longest_gap(partial(animations.saved, animation, lines, file_format, 1.0))
            worker = next(iter(heavy._pools[heavy.EXPORT]._processes))
            if file_format == "gif":
                size = Image.open(io.BytesIO(data)).size
            else:
                import av

                with av.open(io.BytesIO(data)) as container:
                    stream = container.streams.video[0]
                    size = (stream.codec_context.width, stream.codec_context.height)
            print(f"{name:<34}{len(shown.updates):>7}{f'{shown.width}×{shown.height}':>12}{shown.seconds:>9.1f}"
                  f"{file_format:>5}{seconds:>7.1f}{len(data) / 1024:>7.0f}{f'{size[0]}×{size[1]}':>12}"
                  f"{peak_megabytes(worker):>10.0f}{gap * 1000:>14.1f}")
    heavy.stop()
    refused = animation_of(on("ravine", etas=(0.01, 0.02, 0.03, 0.04, 0.05)), "compare")
    print(f"\n5 maps side by side: refused {animations.plan(refused).refused}")


def main() -> None:
    print(describe())
    cold()
    if "--calibrate" in sys.argv:
        calibrate()
    largest()


if __name__ == "__main__":
    main()
