"""Bytes on the wire per η change: the dashboard's default view and a surface's map against the floor page.

Starts each page's server (bench/server.py), opens it in headless Chromium (Playwright), waits until every chart is
drawn (server.PAGE_DRAWN), then --changes times types a new η into the sidebar's "Learning rate η" and presses
Enter, and counts the bytes of every websocket frame the server sends until it has said the script finished, the
page is idle and no frame has come for --quiet seconds. Every η is new, so every change misses the caches. Prints
the median bytes per change of each page, each change's in order, and the median's ratio to the floor's
(bench/floor_page.py: one text field, one metric, one 10-point Altair chart; issue 22's target: at most 3×).
--min-cached N runs the dashboard's servers with Streamlit's global.minCachedMessageSize set to N bytes (an element
at least that large, unchanged since the last run, is sent as a reference to the copy the browser has): what the
setting is worth, against .streamlit/config.toml's own value. --breakdown also says, for each page, where the bytes
of its median change go: each frame read as Streamlit's ForwardMsg, counted by the element it draws (markdown,
metric, vega_lite_chart, …) or by what else it is (script_finished, page_info_changed, …).
Run: python bench/wire.py [--changes 8] [--min-cached 10000] [--breakdown]
"""

import argparse
import collections
import statistics
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from machine import describe  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from server import CHROMIUM, CHROMIUM_FLAGS, PAGE_DRAWN, SCRIPT_IDLE, eta_field, served  # noqa: E402

PAGES = {"floor": ("bench/floor_page.py", ""), "default view": ("dashboard.py", "?lang=en"),
         "the ravine's maps": ("dashboard.py", "?objective=ravine&lang=en")}


def kind(frame: bytes) -> str:
    """What one websocket frame from the server is: the element a delta draws, or the message's own type."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    message = ForwardMsg.FromString(frame)
    what = message.WhichOneof("type")
    if what == "delta":
        delta = message.delta.WhichOneof("type")
        return message.delta.new_element.WhichOneof("type") if delta == "new_element" else f"delta.{delta}"
    return what or "?"


def await_finished(page, received: list, what: str) -> None:
    """Until one of received, the frames the server sent since a change, says the script finished (a quick script's
    run may never show as running in the page), for at most 5 minutes. Each frame is read once: the polls run beside
    the browser whose paint bench/paint.py times."""
    read = 0
    for _ in range(30_000):
        while read < len(received):
            frame, read = received[read], read + 1
            if isinstance(frame, bytes) and kind(frame) == "script_finished":
                return
        page.wait_for_timeout(10)
    raise TimeoutError(f"the script did not finish after {what}")


def bytes_per_change(page, url: str, changes: int, quiet: float) -> list[list[bytes]]:
    """Each change's frames, as the server sent them."""
    frames = []
    page.on("websocket", lambda socket: socket.on("framereceived", lambda payload: frames.append(
        payload if isinstance(payload, bytes) else payload.encode())))
    page.goto(url, timeout=300_000)
    page.wait_for_function(PAGE_DRAWN, timeout=300_000)
    page.wait_for_timeout(quiet * 1000)
    field = eta_field(page)
    sent = []
    for change in range(changes):
        frames.clear()
        field.fill(f"{0.05 + 0.0137 * change:.4f}")
        field.press("Enter")
        await_finished(page, frames, f"η change {change + 1}")
        page.wait_for_function(SCRIPT_IDLE, timeout=300_000)
        while True:  # until no frame has come for quiet seconds
            count = len(frames)
            page.wait_for_timeout(quiet * 1000)
            if len(frames) == count:
                break
        sent.append(list(frames))
    return sent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=8)
    parser.add_argument("--quiet", type=float, default=1.0, help="seconds without a frame that end a change")
    parser.add_argument("--min-cached", type=int, help="global.minCachedMessageSize for the dashboard, in bytes")
    parser.add_argument("--breakdown", action="store_true", help="where the bytes of each page's median change go")
    args = parser.parse_args()
    print(describe())
    options = () if args.min_cached is None else ("--global.minCachedMessageSize", str(args.min_cached))
    print(f"dashboard's global.minCachedMessageSize: {args.min_cached if options else 'as in .streamlit/config.toml'}")
    floor = None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        for name, (script, query) in PAGES.items():
            with served(script, options if script == "dashboard.py" else ()) as server:
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                changes = bytes_per_change(page, server.url + "/" + query, args.changes, args.quiet)
                page.close()
            sent = [sum(len(frame) for frame in frames) for frames in changes]
            median = statistics.median(sent)
            floor = floor or median
            print(f"{name:<20} η change: median {median / 1e3:7.1f} KB, least {min(sent) / 1e3:.1f}, most "
                  f"{max(sent) / 1e3:.1f} (over {len(sent)}); × floor {median / floor:5.1f}; each, in order: "
                  + ", ".join(f"{size / 1e3:.1f}" for size in sent), flush=True)
            if args.breakdown:
                middle = sorted(changes, key=lambda frames: sum(len(frame) for frame in frames))[len(changes) // 2]
                parts = collections.Counter()
                counts = collections.Counter()
                for frame in middle:
                    what = kind(frame)
                    parts[what] += len(frame)
                    counts[what] += 1
                for what, size in parts.most_common():
                    print(f"    {what:<28} {size / 1e3:6.2f} KB in {counts[what]} frames", flush=True)
        browser.close()


if __name__ == "__main__":
    main()
