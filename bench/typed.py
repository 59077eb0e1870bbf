"""Typed functions: how long a formula takes to read, the slowest texts read again and again, and a run's speed.

Reading is bounded by the text's structure and never looks at a clock, so the figures say how long, not whether:
run it on a busy machine too (bench/README.md ran it beside two busy loops). Each cold figure is a new Python
process (median of --repeats): `import gd`, and `import gd` with the first gd.parse_objective. In one process:
the read time of typical formulas (the cache cleared before each read; a later read of the same text is cached),
the slowest reads over the hostile and valid texts of tests/test_typed.py, each read again --tries times (median
and max, and the verdicts seen: always one). What an update of a typed function costs on the compiled loop the
page uses, next to its built-in twin, is bench/engine.py's (--part typed).
Run: python bench/typed.py [--repeats 5] [--tries 50]
"""

import argparse
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
ARTICLE = "(x - 2.5)^2 - 1"  # the page's default function
COLD = {
    "import gd": "import gd",
    "import gd; first parse_objective": f"import gd; gd.parse_objective({ARTICLE!r})",
}
TYPICAL = [ARTICLE, "x^4/4 - x^2 + 0.3*x", "sin(3*x) + x^2/10", "(1 - x)**2 + 100*(y - x**2)**2",
           "log(1 + exp(-2*x)) + 0.1*x^2", "x^2 + 3*y^2 + sin(x*y)"]


def seconds_in_a_fresh_process(statement: str) -> float:
    code = f"import time; start = time.perf_counter(); {statement}; print(time.perf_counter() - start)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return float(done.stdout)


def best_of(repeats: int, work) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def read_once(text) -> tuple[float, str]:
    """Seconds to read text with an empty cache (parse_objective: the programs, then minimizers and L searched on
    the range), and its verdict."""
    import gd
    from gd import typed

    typed._read.cache_clear()
    start = time.perf_counter()
    try:
        objective = gd.parse_objective(text)
        verdict = f"read, {objective.formula.size} instructions"
    except ValueError as error:
        verdict = f"refused: {error.reason} ({error.token[:30]})"
    return time.perf_counter() - start, verdict


def programs_once(text) -> float:
    """Seconds from text to programs alone (gd.typed's stages 1 to 5, without the search on the range)."""
    from gd import typed

    start = time.perf_counter()
    try:
        screened = typed._screened(text)
        typed._formula(screened, typed._tree(screened))
    except ValueError:
        pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--tries", type=int, default=50)
    args = parser.parse_args()
    print(describe())
    for label, statement in COLD.items():
        times = [seconds_in_a_fresh_process(statement) for _ in range(args.repeats)]
        print(f"cold {label}: {statistics.median(times):.3f} s (median of {args.repeats})")

    from test_typed import HOSTILE, VALID_TEXTS

    import gd

    for text in TYPICAL:
        times = [read_once(text)[0] for _ in range(args.tries)]
        programs = [programs_once(text) for _ in range(args.tries)]
        cached = best_of(args.repeats, lambda text=text: gd.parse_objective(text))
        print(f"read {text!r}: median {statistics.median(times) * 1e3:.2f} ms, max {max(times) * 1e3:.2f} ms "
              f"over {args.tries} (text to programs: median {statistics.median(programs) * 1e3:.2f} ms); "
              f"cached {cached * 1e6:.1f} µs")
    first = sorted(((read_once(text)[0], text) for text in HOSTILE + VALID_TEXTS), reverse=True)
    print(f"{len(first)} texts of tests/test_typed.py read once each: median "
          f"{statistics.median(seconds for seconds, _ in first) * 1e3:.2f} ms; the 5 slowest, read {args.tries} times:")
    for _, text in first[:5]:
        reads = [read_once(text) for _ in range(args.tries)]
        times, verdicts = [seconds for seconds, _ in reads], {verdict for _, verdict in reads}
        programs = [programs_once(text) for _ in range(args.tries)]
        print(f"  {text[:50]!r}: median {statistics.median(times) * 1e3:.2f} ms, max {max(times) * 1e3:.2f} ms "
              f"(text to programs: median {statistics.median(programs) * 1e3:.2f} ms, max {max(programs) * 1e3:.2f}"
              f" ms); {' / '.join(sorted(verdicts))}")


if __name__ == "__main__":
    main()
