"""Cold start: a fresh interpreter's `import gd` and first runs, with numba's cache empty and full.

Each figure is a new Python process (median of --repeats). "cold" points NUMBA_CACHE_DIR at an empty
directory, as on a fresh clone; "warm" reuses the cache the cold run wrote. Measured:

- import: `import gd`;
- first page: then the default run and a 12-η comparison (what the first page view asks for);
- compiled: from the start until the compiled loop is ready (it compiles in a background thread while
  the reference loop, which gives the same numbers, answers);
- cache: what the cold run left in numba's cache (the kernels, compiled), in MB.

--old DIR runs the same script against another checkout (e.g. a clone at the commit before numba).
Run: python bench/coldstart.py [--old /tmp/old-checkout] [--repeats 3]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import describe  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
PROBE = """
import json, sys, time
start = time.perf_counter()
sys.path.insert(0, sys.argv[1])
import gd
imported = time.perf_counter()
gd.minimize()
gd.compare([0.001 * 1.5 ** i for i in range(12)], max_iter=10_000)
page = time.perf_counter()
try:
    from gd import compiled
    compiled.wait()
    ready = time.perf_counter() - start
except ImportError:
    ready = None
print(json.dumps({"import": imported - start, "page": page - start, "compiled": ready}))
"""


def probe(checkout: Path, cache: str) -> dict:
    environment = dict(os.environ, NUMBA_CACHE_DIR=cache)
    output = subprocess.run([sys.executable, "-c", PROBE, str(checkout)], env=environment, check=True,
                            capture_output=True, text=True, cwd=tempfile.gettempdir()).stdout
    return json.loads(output)


def measure(checkout: Path, repeats: int) -> dict[str, dict]:
    figures = {"cold": [], "warm": []}
    for _ in range(repeats):
        with tempfile.TemporaryDirectory() as cache:
            figures["cold"].append(probe(checkout, cache))
            figures["cold"][-1]["cache"] = sum(path.stat().st_size for path in Path(cache).rglob("*")) / 1e6
            figures["warm"].append(probe(checkout, cache))
            figures["warm"][-1]["cache"] = figures["cold"][-1]["cache"]
    return {kind: {key: (None if runs[0][key] is None else statistics.median(run[key] for run in runs))
                   for key in runs[0]} for kind, runs in figures.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", type=Path, help="another checkout to compare with")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(describe())
    rows = [("this checkout", ROOT)] + ([("old checkout", args.old)] if args.old else [])
    print(f"{'':<14} {'cache':<5} {'import gd':>10} {'first page':>11} {'compiled':>9} {'cache MB':>9}   "
          f"(s from process start)")
    for name, checkout in rows:
        for kind, figures in measure(checkout, args.repeats).items():
            ready = "—" if figures["compiled"] is None else f"{figures['compiled']:.2f}"
            print(f"{name:<14} {kind:<5} {figures['import']:>10.2f} {figures['page']:>11.2f} {ready:>9} "
                  f"{figures['cache']:>9.2f}")


if __name__ == "__main__":
    main()
