"""Typed functions: what SymPy costs, how long a formula takes to read, how long a refusal takes, and a run's speed.

Each cold figure is a new Python process (median of --repeats): `import sympy` alone, `import gd` (which must not
load it), and the first gd.parse_objective (SymPy's import included). In one process, with SymPy loaded: the read
time of typical formulas (first read; later reads of the same text are cached), the slowest refusal over the
hostile texts of tests/test_typed.py and over a formula that runs into the symbolic deadline, and the cost of an
update of a typed function on the reference loop next to the built-in curve's.
Run: python bench/typed.py [--repeats 5]
"""

import argparse
import importlib.metadata
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from machine import describe  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
COLD = {
    "import sympy": "import sympy",
    "import gd": "import gd",
    "import gd; first parse_objective": "import gd; gd.parse_objective('(x - 2.5)**2 - 1')",
}
TYPICAL = ["(x - 2.5)**2 - 1", "x^4/4 - x^2 + 0.3*x", "sin(3*x) + x^2/10", "(1 - x)**2 + 100*(y - x**2)**2",
           "log(1 + exp(-2*x)) + 0.1*x^2", "x^2 + 3*y^2 + sin(x*y)"]


def seconds_in_a_fresh_process(statement: str) -> float:
    code = f"import time; start = time.perf_counter(); {statement}; print(time.perf_counter() - start)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(done.stdout)


def site_size(distribution: str) -> float:
    """MB of a distribution's installed files (its .pyc caches included, as they sit on a server)."""
    files = importlib.metadata.distribution(distribution).files or []
    paths = {Path(importlib.metadata.distribution(distribution).locate_file(file)) for file in files}
    package = next(iter(paths)).parent
    while package.parent.name != "site-packages":
        package = package.parent
    total = sum(path.stat().st_size for path in {*paths, *package.rglob("*")} if path.is_file())
    return total / 1e6


def best_of(repeats: int, work) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    print(describe())
    for name in ("sympy", "mpmath"):
        print(f"{name} {importlib.metadata.version(name)}: {site_size(name):.1f} MB installed")
    for label, statement in COLD.items():
        times = [seconds_in_a_fresh_process(statement) for _ in range(args.repeats)]
        print(f"cold {label}: {statistics.median(times):.3f} s (median of {args.repeats})")

    from test_typed import HOSTILE

    import gd
    from gd import typed
    from gd.run import _compare  # the built-in curve on the same (reference) loop

    gd.parse_objective("x**2")  # SymPy loaded
    for text in TYPICAL:
        start = time.perf_counter()
        gd.parse_objective(text)
        first = time.perf_counter() - start
        again = best_of(args.repeats, lambda text=text: gd.parse_objective(text))
        print(f"read {text!r}: {first * 1e3:.1f} ms first, {again * 1e6:.1f} µs cached")
    worst, worst_text = 0.0, ""
    for text in HOSTILE:
        start = time.perf_counter()
        try:
            gd.parse_objective(text)
        except ValueError:
            pass
        elapsed = time.perf_counter() - start
        if elapsed > worst:
            worst, worst_text = elapsed, text
    print(f"slowest of {len(HOSTILE)} hostile refusals: {worst * 1e3:.1f} ms, {worst_text[:60]!r}")
    slow = "tanh(log(((x+y+1)**100+1)**100 - 1)) + x"
    start = time.perf_counter()
    try:
        gd.parse_objective(slow)
    except ValueError as error:
        print(f"symbolic deadline ({typed.SYMBOLIC_SECONDS} s) refusal of {slow!r}: "
              f"{(time.perf_counter() - start) * 1e3:.0f} ms, reason {error.reason}")
    for text in ("(x - 2.5)**2 - 1", "sin(3*x) + x^2/10 + exp(-x^2) + log(x^2 + 1) + tanh(x)*abs(x)"):
        objective = gd.parse_objective(text)
        for lanes in (1, 1000):
            etas = [0.01] * lanes
            typed_time = best_of(args.repeats, lambda etas=etas, objective=objective: gd.compare(
                etas, objective, max_iter=1000, epsilon=0))
            built_in = best_of(args.repeats, lambda etas=etas: _compare(
                etas, "quadratic", {"max_iter": 1000, "epsilon": 0}, engine="reference"))
            print(f"update of {text[:30]!r} at {lanes} lanes: {typed_time / 1000 * 1e6:.1f} µs "
                  f"(built-in quadratic on the reference loop: {built_in / 1000 * 1e6:.1f} µs)")


if __name__ == "__main__":
    main()
