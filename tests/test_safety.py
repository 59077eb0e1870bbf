"""No code execution from input: the lab's own code never evaluates, unpickles or YAML-loads anything."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([ROOT / "dashboard.py", *(ROOT / "gd").rglob("*.py")])
FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__", "execfile", "input"}
FORBIDDEN_MODULES = {"pickle", "cPickle", "dill", "marshal", "shelve", "yaml", "ruamel", "jsonpickle", "subprocess",
                     "importlib"}
FORBIDDEN_ATTRIBUTES = {"loads", "load", "unsafe_load", "full_load"}  # on the modules above
STRING_EVALUATORS = {"sympify", "parse_expr", "lambdify", "S", "eval", "exec"}  # SymPy's eval/exec of text, by any name


# The one process the engine starts: the compiled loop's compiler (gd/compiled.py), a fixed command of this Python.
FIXED_COMMANDS = {"compiled.py"}


def fixed_command(call: ast.Call) -> bool:
    """A subprocess call whose command is a list of this interpreter (sys.executable) and string constants: nothing a
    visitor gave can reach it."""
    command = call.args[0] if call.args else None
    return isinstance(command, ast.List) and all(
        (isinstance(part, ast.Constant) and isinstance(part.value, str))
        or (isinstance(part, ast.Attribute) and part.attr == "executable" and isinstance(part.value, ast.Name)
            and part.value.id == "sys") for part in command.elts)


def findings(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS:
            found.append(f"{path.name}:{node.lineno} calls {node.func.id}()")
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "subprocess"
                and not fixed_command(node)):
            found.append(f"{path.name}:{node.lineno} starts a process whose command is not fixed")
        if isinstance(node, ast.Import):
            found += [f"{path.name}:{node.lineno} imports {alias.name}" for alias in node.names
                      if alias.name.split(".")[0] in FORBIDDEN_MODULES
                      and not (alias.name == "subprocess" and path.name in FIXED_COMMANDS)]
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in FORBIDDEN_MODULES:
            found.append(f"{path.name}:{node.lineno} imports from {node.module}")
        if (isinstance(node, ast.Attribute) and node.attr in FORBIDDEN_ATTRIBUTES
                and isinstance(node.value, ast.Name) and node.value.id in FORBIDDEN_MODULES):
            found.append(f"{path.name}:{node.lineno} uses {node.value.id}.{node.attr}")
        if isinstance(node, ast.Call) and (getattr(node.func, "attr", None) or getattr(node.func, "id", None)) in \
                STRING_EVALUATORS - FORBIDDEN_CALLS:
            found.append(f"{path.name}:{node.lineno} calls {getattr(node.func, 'attr', None) or node.func.id}()")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in {"eval", "exec"}:
            found.append(f"{path.name}:{node.lineno} calls .{node.func.attr}()")
        if isinstance(node, ast.keyword) and node.arg == "unsafe_allow_html" and not (
                isinstance(node.value, ast.Constant) and node.value.value is False):
            found.append(f"{path.name}:{node.lineno} allows raw HTML")
    return found


def test_the_scan_covers_the_package_and_the_page():
    assert ROOT / "dashboard.py" in SOURCES and ROOT / "gd" / "run.py" in SOURCES
    assert ROOT / "gd" / "typed.py" in SOURCES  # the typed function: text never reaches eval or exec
    assert ROOT / "gd" / "formula.py" in SOURCES  # its graph and programs: no generated code
    assert ROOT / "gd" / "lab" / "links.py" in SOURCES and len(SOURCES) >= 22


@pytest.mark.parametrize("path", SOURCES, ids=lambda path: path.name)
def test_no_eval_exec_pickle_or_yaml(path):
    assert findings(path) == []


def test_the_scan_finds_what_it_looks_for(tmp_path):
    planted = tmp_path / "planted.py"
    planted.write_text("import pickle\nimport yaml\nfrom marshal import loads\neval('1')\nexec('x = 1')\n"
                       "pickle.loads(b'')\nst.markdown(text, unsafe_allow_html=True)\n"
                       "sympy.sympify(text)\nparse_expr(text)\nsympy.lambdify(x, e)\nsympy.S(text)\nbuiltins.eval(t)\n")
    assert len(findings(planted)) == 12
    started = tmp_path / "compiled.py"  # the one file that may start a process: only a fixed command
    started.write_text("import subprocess\nimport sys\nsubprocess.run([sys.executable, '-c', 'print(1)'])\n"
                       "subprocess.run([sys.executable, '-c', text])\nsubprocess.run(command)\n")
    assert findings(started) == ["compiled.py:4 starts a process whose command is not fixed",
                                 "compiled.py:5 starts a process whose command is not fixed"]
