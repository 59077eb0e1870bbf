"""The house's floors: the engine is numpy only, the lab never imports Streamlit, only the page does."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENGINE = sorted(path for path in (ROOT / "gd").glob("*.py") if path.name != "__main__.py")
LAB = sorted((ROOT / "gd" / "lab").glob("*.py"))


def imported(path: Path) -> set[str]:
    """Every module name an import statement in path names (absolute, as this project writes them)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add(node.module or "")
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def loaded_by(statement: str) -> set[str]:
    """Every module a fresh interpreter has loaded after running statement, and its top-level packages."""
    code = f"import sys\n{statement}\nprint(' '.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    modules = set(out.split())
    return modules | {name.split(".")[0] for name in modules}


def test_importing_the_engine_loads_no_presentation_library():
    loaded = loaded_by("import gd; gd.minimize()")
    assert {"numpy", "gd.run"} <= loaded
    assert not loaded & {"pandas", "altair", "streamlit"}
    assert not {name for name in loaded if name.startswith("gd.lab")}  # nothing of the lab either


def test_reading_a_typed_function_loads_no_sympy():
    """A formula is read and differentiated by gd.formula, on numpy: neither SymPy nor mpmath is ever loaded."""
    loaded = loaded_by("import gd; gd.minimize(gd.parse_objective('x^2')); gd.parse_objective('sin(x)*y + log(y)')")
    assert {"gd.typed", "gd.formula"} <= loaded and not loaded & {"sympy", "mpmath"}


def test_no_engine_module_imports_the_lab_or_a_display_library():
    assert len(ENGINE) >= 9
    for path in ENGINE:
        names = imported(path)
        assert not {name for name in names if name.startswith("gd.lab")}, path.name
        assert not {name.split(".")[0] for name in names} & {"pandas", "altair", "streamlit"}, path.name


def test_only_the_page_imports_streamlit():
    assert len(LAB) >= 10
    for path in [*ENGINE, *LAB, ROOT / "gd" / "__main__.py"]:
        assert "streamlit" not in {name.split(".")[0] for name in imported(path)}, path.name
    assert "streamlit" in imported(ROOT / "dashboard.py")


def test_the_command_line_stays_light():
    """python -m gd speaks with the lab's words — its sentences (explain), strings (text), numbers (format) and a
    refusal's wording (controls) — and nothing else of the lab: no frames, charts, views or page."""
    loaded = loaded_by("import runpy, contextlib, io; sys.argv = ['gd', '--eta', '0.1']\n"
                       "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
                       "    runpy.run_module('gd', run_name='__main__')")  # the command line exits when done
    assert {"gd.run", "gd.lab.explain"} <= loaded  # it ran (the test once read nothing: the exit came first)
    assert not loaded & {"pandas", "altair", "streamlit"}
    lab = {name for name in loaded if name.startswith("gd.lab.")}
    assert "gd.lab.explain" in lab and lab <= {"gd.lab.explain", "gd.lab.text", "gd.lab.format", "gd.lab.controls"}


def test_the_engine_holds_no_display_text():
    """Registries carry names and LaTeX only; titles and sentences come from the lab's string table."""
    import gd
    for registry in (gd.OBJECTIVES, gd.OPTIMIZERS, gd.SCHEDULES, gd.STOPS):
        for entry in registry.values():
            assert not hasattr(entry, "title") and not hasattr(entry, "description")


def test_no_module_of_gd_imports_one_that_imports_it_back():
    """No import circle, not even through a function-level import (gd.run and gd.compiled once needed one): the
    graph of what each module of gd and gd.lab imports of the others has no cycle."""
    modules = {"gd." + path.relative_to(ROOT / "gd").with_suffix("").as_posix().replace("/", "."): path
               for path in [*ENGINE, *LAB] if path.name != "__init__.py"}  # a package's face imports its modules
    edges = {name: {other for other in modules if other != name and (
        other in imported(path) or any(found.startswith(other + ".") for found in imported(path)))}
        for name, path in modules.items()}
    assert "gd.compiled" in edges["gd.run"]  # the graph is read (the loop calls the kernel)

    def reaches(start: str, goal: str, seen: set) -> bool:
        return any(step == goal or (step not in seen and not seen.add(step) and reaches(step, goal, seen))
                   for step in edges[start])

    circles = [name for name in modules if reaches(name, name, set())]
    assert not circles, circles


def test_offering_a_figure_or_an_animation_loads_none_of_what_draws_them():
    """The page lists figures and plans animations in the server's process; vl-convert (84 MB, and the GIL while it
    draws) and PyAV (FFmpeg) are loaded only where they draw: the heavy and export workers."""
    loaded = loaded_by("from gd.lab import animations, figures, views; from gd.lab.controls import DEFAULTS; "
                       "view = views.compare(DEFAULTS.for_view('compare')); figures.of(view, 'quadratic', 'compare'); "
                       "animations.plan(animations.of(view, 'compare', 'quadratic'))")
    assert "gd.lab.animations" in loaded and not loaded & {"vl_convert", "av", "PIL"}
