"""θ₀ change → painted, with and without the side-by-side panels' click targets (issue 23, click to start).

A click on a panel starts every run there: on a curve the panels carry 141 unseen points and Vega's Voronoi cells over
them, on a map 400 unseen rects made in the browser (gd.lab.maps.PICK_CELLS²). They are drawn again with the panels
whenever θ₀ changes, so this types --changes new θ₀ into the sidebar's "Start θ₀" (a click sets it the same way) and
measures, as bench/paint.py measures an η change, from the Enter key to the frame painted after the page's last
change: on the article's curve and on the ravine's maps, on a laptop and on a phone whose processor is slowed 4×,
for the page as it is and for a variant whose panels have no click targets.
Run: python bench/clicks.py [--changes 7]
"""

import argparse
import statistics
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

from machine import describe  # noqa: E402
from paint import SCREENS, changes  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402
from server import CHROMIUM, CHROMIUM_FLAGS, ROOT, served  # noqa: E402

from gd.lab.text import t  # noqa: E402

PAGES = {"the article's curve": ("", lambda change: f"{0.3 + 0.11 * change:.2f}"),
         "the ravine's maps": ("?objective=ravine", lambda change: f"{1.2 + 0.11 * change:.2f}, -1")}
UNCLICKABLE = '''"""The dashboard with side-by-side panels that carry no click targets (bench/clicks.py)."""
import gd.lab.views as views

_panels = views.panels
views.panels = lambda results, titles=None, pin=None, clickable=False: _panels(results, titles, pin, False)
'''  # then dashboard.py's own text, its panels drawn without asking for a selection, in a file beside it (Streamlit
# runs a script with its folder on the path)


def start_field(page):
    """The sidebar's "Start θ₀", the sidebar opened first on a phone."""
    field = page.locator('[data-testid="stSidebar"]').get_by_label(t("label.theta0"), exact=True)
    if not field.is_visible():
        page.get_by_test_id("stExpandSidebarButton").click()
        page.wait_for_timeout(500)
    return field


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=7)
    args = parser.parse_args()
    print(describe())
    unclickable = ROOT / ".unclickable_dashboard.py"
    page = (ROOT / "dashboard.py").read_text()
    selecting = "panels_ui(view.panels, starts=run, box=view.box)"  # the page's charts that ask for a selection
    assert selecting in page, "bench/clicks.py must be told how the page asks for clicks now"
    unclickable.write_text(UNCLICKABLE + page.replace(selecting, "panels_ui(view.panels)"))
    try:
        measure(args.changes, unclickable)
    finally:
        unclickable.unlink()


def measure(count: int, unclickable: Path) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        for screen, (viewport, slower) in SCREENS.items():
            print(f"{screen} ({viewport['width']} px wide), median of {count} θ₀ changes:", flush=True)
            for name, (query, start) in PAGES.items():
                medians = {}
                for variant, script in (("with click targets", "dashboard.py"), ("without", str(unclickable))):
                    with served(script) as server:
                        context = browser.new_context(viewport=viewport)
                        page = context.new_page()
                        if slower > 1:
                            context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": slower})
                        painted = changes(page, server.url + "/" + query, count, 0.5, start_field, start)
                        context.close()
                    medians[variant] = statistics.median(painted)
                    print(f"  {name:<20} {variant:<19} {medians[variant]:6.0f} ms; each: "
                          + ", ".join(f"{time:.0f}" for time in painted), flush=True)
        browser.close()


if __name__ == "__main__":
    main()
