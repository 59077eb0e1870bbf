"""What the app tests share: the page opened through Streamlit's AppTest, and how they read it.

A script run is given RUN_WAIT seconds: a hang guard, not a speed limit. A page run takes well under a second
here, and many times that on a machine whose cores are busy with other work; only a script that never ends
(a hang, a loop) reaches it.
"""

import ast
import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

DASHBOARD = Path(__file__).resolve().parents[1] / "dashboard.py"
RUN_WAIT = 300  # seconds one script run may take before AppTest gives up on it


def page_function(name: str, **names):
    """One function of dashboard.py, defined alone (importing the module would run the page); names: the globals it
    uses."""
    tree = ast.parse(DASHBOARD.read_text(encoding="utf-8"))
    [definition] = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name == name]
    space = dict(names)
    exec(compile(ast.Module([definition], type_ignores=[]), str(DASHBOARD), "exec"), space)
    return space[name]


def new_page() -> AppTest:
    """The page, not yet run: set its query parameters or context, then .run() it."""
    return AppTest.from_file(str(DASHBOARD), default_timeout=RUN_WAIT)


def open_page(query: dict | None = None, /, **more) -> AppTest:
    """The page opened from a link with these query parameters (a list gives a parameter once per value), run."""
    app = new_page()
    for key, value in {**(query or {}), **more}.items():
        app.query_params[key] = value
    return app.run()


def clean(app: AppTest) -> AppTest:
    """No exception, and no red box but a diverged run's own explanation."""
    assert not app.exception
    assert all(box.value.startswith("Diverged") for box in app.error), [box.value for box in app.error]
    return app


def metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def charts(app: AppTest) -> list[dict]:
    """The Vega-Lite spec of every chart in the main area, in page order."""
    return [json.loads(element.proto.spec) for element in app.main if getattr(element, "type", "") == "vega_lite_chart"]


def panel_titles(app: AppTest) -> list[str]:
    """The side-by-side panels' titles, in page order (each panel is its own chart, titled one part per line)."""
    return [" · ".join(spec["title"]["text"]) for spec in charts(app) if "title" in spec]


WRITTEN = {  # a panel's title in each language, written out here by hand (not by the lab's formatter)
    "en": {"updates": lambda n: "1 update" if n == 1 else f"{n:,} updates",
           "diverged": "η = {eta} · diverged at update {n}",
           "converged": "converged", "stalled": "stalled", "max_iter": "hit the limit"},
    "zh": {"updates": lambda n: f"{n:,} 次更新", "diverged": "η = {eta} · 第 {n} 次更新时发散",
           "converged": "已收敛", "stalled": "停滞", "max_iter": "达到上限"},
}


def written_title(eta: float, status: str, iterations: int, lang: str = "en") -> str:
    """A side-by-side panel's title from a run's status and count: "η = 0.1 · 45 updates · converged",
    "η = 1.1 · diverged at update 106"."""
    words = WRITTEN[lang]
    if status == "diverged":
        return words["diverged"].format(eta=f"{eta:g}", n=f"{iterations:,}")
    return f"η = {eta:g} · {words['updates'](iterations)} · {words[status]}"


def plain(markdown: str) -> str:
    """A sentence of the page without the backslashes that escape it for Markdown."""
    return markdown.replace("\\", "")


def seen(markdown: str) -> str:
    """The text a reader sees of a line of the page's Markdown, rendered as CommonMark renders it."""
    return "".join(token.content for block in MarkdownIt("commonmark").parse(markdown) if block.children
                   for token in block.children)


SVG = "{http://www.w3.org/2000/svg}"


def svg_lines(svg: bytes) -> list[str]:
    """The words an SVG file draws, one per line (a text element, or each of its tspans), as a reader sees them."""
    lines = []
    for element in ElementTree.fromstring(svg).iter(f"{SVG}text"):
        spans = element.findall(f"{SVG}tspan")
        lines += ["".join(span.itertext()) for span in spans] if spans else ["".join(element.itertext())]
    return lines
