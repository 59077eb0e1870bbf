"""The command line: python -m gd prints one row per η, as a table or as JSON, and refuses bad input."""

import io
import json
import math
import pathlib
import re
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import gd
from gd.__main__ import COLUMNS, main

ROOT = pathlib.Path(__file__).resolve().parents[1]


def run(argv):
    """main(argv)'s exit status, whether it returns it or argparse raises SystemExit."""
    try:
        return main(argv)
    except SystemExit as exit_:
        return exit_.code


def refuse_constants(token):
    raise AssertionError(f"non-standard JSON constant {token}")


HEADERS = {"en": ["η", "final θ", "dJ(θ)", "J(θ)", "updates", "status"],
           "zh": ["η", "最终 θ", "dJ(θ)", "J(θ)", "更新次数", "状态"]}  # the page's column names, written out


def table_rows(out, lang="en"):
    """The data rows: the lines after the header (in the language asked for) that are not the indented explanation."""
    lines = out.splitlines()
    assert lines[0].split("\t") == HEADERS[lang]
    return [line.split("\t") for line in lines[1:] if not line.startswith("  ")]


def test_table_has_one_row_per_eta_equal_to_compare(capsys):
    """--eta 0.01 0.1 1.1: three rows whose numbers are gd.compare's, exactly, each followed by a sentence."""
    assert run(["--eta", "0.01", "0.1", "1.1"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    rows = table_rows(captured.out)
    results = gd.compare([0.01, 0.1, 1.1])
    assert len(rows) == len(results) == 3
    for row, result in zip(rows, results, strict=True):
        eta, theta, grad, loss, iterations, status = row
        assert float(eta) == result.eta
        assert float(theta) == result.theta
        assert float(grad) == result.grad
        assert float(loss) == result.loss
        assert int(iterations) == result.iterations
        assert status == result.status
    assert [row[5] for row in rows] == ["converged", "converged", "diverged"]
    explanations = [line for line in captured.out.splitlines() if line.startswith("  ")]
    assert len(explanations) == 3
    assert explanations[2].strip().startswith("Diverged")


def test_table_reproduces_the_article(capsys):
    """With no options the one row is the article's answer."""
    assert run([]) == 0
    (row,) = table_rows(capsys.readouterr().out)
    assert float(row[1]) == pytest.approx(2.499891109642585, abs=1e-12)
    assert row[4:] == ["45", "converged"]


def test_options_reach_the_engine(capsys):
    """Every option is passed through: the row equals compare() called with the same settings."""
    argv = ["--eta", "0.05", "--theta0", "-1", "--epsilon", "1e-6", "--objective", "double_well",
            "--variant", "minibatch", "--batch-size", "8", "--optimizer", "adam", "--schedule", "exponential",
            "--stop", "step_size", "--max-iter", "300", "--seed", "9", "--json"]
    assert run(argv) == 0
    (row,) = json.loads(capsys.readouterr().out)
    (result,) = gd.compare([0.05], "double_well", theta0=-1.0, epsilon=1e-6, variant="minibatch", batch_size=8,
                           optimizer="adam", schedule="exponential", stop="step_size", max_iter=300, seed=9)
    assert row == {column: getattr(result, column) for column in COLUMNS}


def test_json_equals_compare(capsys):
    assert run(["--eta", "0.01", "0.1", "1.0", "1.1", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out, parse_constant=refuse_constants)
    results = gd.compare([0.01, 0.1, 1.0, 1.1])
    assert rows == [{column: getattr(result, column) for column in COLUMNS} for result in results]
    assert [row["status"] for row in rows] == ["converged", "converged", "stalled", "diverged"]


def test_json_uses_null_for_non_finite_numbers(capsys):
    """θ₀ = 1e200 makes J(θ₀) = inf; η = 1e308 throws θ itself to inf. JSON says null, never Infinity/NaN."""
    assert run(["--theta0", "1e200", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out, parse_constant=refuse_constants)
    assert row["loss"] is None
    assert row["theta"] == 1e200 and row["status"] == "diverged"

    assert run(["--eta", "1e308", "--json"]) == 0
    out = capsys.readouterr().out
    (row,) = json.loads(out, parse_constant=refuse_constants)
    assert row["theta"] is None and row["loss"] is None and row["grad"] is None
    assert row["status"] == "diverged" and row["iterations"] == 1
    assert "Infinity" not in out and "NaN" not in out


@pytest.mark.parametrize(("argv", "mentions"), [
    (["--eta", "-1"], "eta"),
    (["--eta", "0"], "eta"),
    (["--eta", "nan"], "eta"),
    (["--eta", "x"], "eta"),
    (["--eta"], "eta"),
    (["--objective", "nope"], "objective"),
    (["--optimizer", "nope"], "optimizer"),
    (["--max-iter", "0"], "max_iter"),
    (["--max-iter", "2.5"], "max-iter"),
    (["--batch-size", "65"], "batch_size"),
    (["--theta0", "inf"], "theta0"),
    (["--bogus"], "--bogus"),
])
def test_bad_input_is_one_error_line_and_status_2(capsys, argv, mentions):
    """Exit status 2, nothing on stdout, and exactly one stderr line: 'error: …' naming the culprit."""
    assert run(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error:")
    assert mentions in lines[0]
    assert "Traceback" not in captured.err


def test_python_dash_m_gd():
    """The module runs as a program: python -m gd --json prints the article's row and exits 0."""
    completed = subprocess.run([sys.executable, "-m", "gd", "--eta", "0.1", "1.0", "--json"], cwd=ROOT,
                               capture_output=True, text=True, timeout=300, check=False)  # a hang guard
    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    rows = json.loads(completed.stdout, parse_constant=refuse_constants)
    assert [row["status"] for row in rows] == ["converged", "stalled"]
    assert rows[0]["iterations"] == 45
    assert math.isclose(rows[0]["theta"], 2.499891109642585, abs_tol=1e-12)
    assert rows[1]["theta"] == 5.0 and rows[1]["grad"] == 5.0


@pytest.mark.parametrize("value", ["-1e300", "-1e-3", "-1E+2", "-.5", "-2."])
def test_negative_numbers_in_any_notation_are_values(capsys, value):
    assert run(["--theta0", value, "--eta", "0.1"]) == 0
    row = table_rows(capsys.readouterr().out)[0]
    assert float(row[1]) == gd.minimize(theta0=float(value)).theta


@pytest.mark.parametrize("value", ["1_0", "１", "١", "infinity", "0x10", "-inf"])
def test_a_number_not_in_plain_ascii_is_refused(capsys, value):
    assert run(["--eta", value]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("error: argument --eta: not a plain number")


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(gd.OBJECTIVES)), st.floats(min_value=-1e308, max_value=1e308),
       st.floats(min_value=1e-300, max_value=1e300), st.floats(min_value=0, max_value=1e308))
def test_no_finite_input_prints_a_warning(objective, theta0, eta, epsilon):
    """filterwarnings = error makes any RuntimeWarning (overflow, invalid value) a failure here."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = run(["--objective", objective, "--theta0", repr(theta0), "--eta", repr(eta), "--epsilon", repr(epsilon),
                    "--max-iter", "50"])
    assert code == 0 and err.getvalue() == ""


def test_the_sentences_speak_chinese_with_lang_zh(capsys):
    assert run(["--eta", "0.1", "1", "1.1", "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert [row[5] for row in table_rows(out, "zh")] == ["已收敛", "停滞", "已发散"]  # headers and statuses in Chinese
    sentences = [line for line in out.splitlines() if line.startswith("  ")]
    assert sentences[0].strip().startswith("45 次更新后收敛") and "已发散" not in sentences[0]
    assert "J(5) = J(0)" in sentences[1] and sentences[2].strip().startswith("在第 106 次更新时发散")
    assert run(["--eta", "0.1"]) == 0
    assert not re.search("[\u4e00-\u9fff]", capsys.readouterr().out)


def test_an_error_speaks_chinese_with_lang_zh(capsys):
    assert run(["--eta", "-1", "--lang", "zh"]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert line == "error: eta 必须是 > 0 的有限数。"


def test_a_typed_function_runs_as_compare_runs_it(capsys):
    """--function "(x - 2.5)**2 - 1": the article's row, equal to compare() on the parsed objective."""
    assert run(["--function", "(x - 2.5)**2 - 1", "--eta", "0.1", "1.1", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out, parse_constant=refuse_constants)
    results = gd.compare([0.1, 1.1], gd.parse_objective("(x - 2.5)**2 - 1"))
    assert rows == [{column: _finite(getattr(result, column)) for column in COLUMNS} for result in results]
    assert rows[0]["iterations"] == 45 and rows[0]["status"] == "converged" and rows[1]["status"] == "diverged"


def _finite(value):
    return value if not isinstance(value, float) or math.isfinite(value) else None


@pytest.mark.parametrize(("lang", "said"), [
    ("en", "Left the function's domain at update 2: J(θ) or its gradient is undefined at θ = -0.0333333 "
           "(the log of a number ≤ 0)."),
    ("zh", "在第 2 次更新时离开了函数的定义域：J(θ) 或其梯度在 θ = -0.0333333 处无定义（对不大于 0 的数取对数）。"),
])
def test_leaving_the_domain_is_said_so(capsys, lang, said):
    assert run(["--function", "log(x)", "--theta0", "0.5", "--lang", lang]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].split("\t")[-1] == {"en": "left the domain", "zh": "离开定义域"}[lang]
    assert lines[2] == f"  {said}"


@pytest.mark.parametrize(("text", "mentions"), [
    ("__import__('os').system('echo hi')", "'_'"), ("x.real", "Attribute"), ("9**9**9", "9**9"),
    ("x\nimport os", "\\n"), ("x" * 300, "200"), ("sin(x", "not a formula"), ("ｘ", "'ｘ'"), ("1/0 + x", "1/0"),
])
def test_a_refused_function_is_one_error_line_and_status_2(capsys, text, mentions):
    assert run(["--function", text]) == 2
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
    (line,) = captured.err.splitlines()
    assert line.startswith("error: function: ") and mentions in line


def test_a_function_of_x_and_y_starts_where_told(capsys):
    """--theta0 x y for a typed surface: JSON lists θ and ∇J as pairs, equal to compare(); two numbers for a
    curve are refused."""
    text = "(1 - x)**2 + 100*(y - x**2)**2"
    assert run(["--function", text, "--eta", "0.001", "--theta0", "-1.5", "2", "--max-iter", "500", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out, parse_constant=refuse_constants)
    (result,) = gd.compare([0.001], gd.parse_objective(text), theta0=(-1.5, 2.0), max_iter=500)
    assert row["theta"] == result.theta.tolist() and row["grad"] == result.grad.tolist()
    assert row["iterations"] == result.iterations == 500
    assert run(["--function", text, "--max-iter", "5"]) == 0  # from (0, 0), the typed surface's start
    assert run(["--theta0", "1", "2"]) == 2
    assert "theta0" in capsys.readouterr().err
