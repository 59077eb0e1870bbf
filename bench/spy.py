"""Where a server's threads spend a phase's wall time, by py-spy (the `--profile` option of bench/fairness.py).

Three samplers run side by side on the server for one phase, each at RATE samples a second:
- every thread, idle or not (`--idle`): the wall clock;
- threads that are running or waiting for a processor (py-spy's default): the processor;
- threads holding the GIL (`--gil`): the interpreter.
For one set of threads, wall − processor is time asleep (mostly waiting for the GIL, or on a lock or a socket) and
processor − GIL is time in native code without the GIL or waiting for a core. Needs py-spy (pip install py-spy) and
the right to trace the server (root, or ptrace_scope 0).
"""

import collections
import shutil
import signal
import subprocess
import sys
from pathlib import Path

RATE = 100
KINDS = {"wall": ("--idle",), "processor": (), "gil": ("--gil",)}


class Spy:
    def __init__(self, pid: int, folder: Path, phase: str):
        self.files = {kind: folder / f"{phase}-{kind}.raw" for kind in KINDS}
        spy = shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))
        if spy is None:
            raise RuntimeError("--profile needs py-spy: pip install py-spy")
        self.processes = [subprocess.Popen([spy, "record", "--pid", str(pid), "--threads", "--nonblocking",
                                            "--rate", str(RATE), "--format", "raw", "--output", str(path),
                                            *KINDS[kind]], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                          for kind, path in self.files.items()]

    def stop(self) -> dict[str, collections.Counter]:
        for process in self.processes:
            process.send_signal(signal.SIGINT)
        for process in self.processes:
            process.wait(60)
        return {kind: stacks(path) for kind, path in self.files.items()}


def stacks(path: Path) -> collections.Counter:
    """The raw file's stacks (";"-joined frames, the thread first) and their sample counts."""
    counts = collections.Counter()
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        counts[stack] += int(count)
    return counts


def seconds(counts: collections.Counter, keep) -> float:
    return sum(n for stack, n in counts.items() if keep(stack)) / RATE


def breakdown(samples: dict[str, collections.Counter], groups: dict, top: int = 8) -> list[str]:
    """Lines: for each group of threads (name → predicate on a stack), its seconds of wall, processor and GIL, and
    the frames where it slept most (wall samples without a processor sample of the same stack)."""
    lines = []
    for name, keep in groups.items():
        wall, processor, gil = (seconds(samples[kind], keep) for kind in KINDS)
        lines.append(f"  {name:<26} wall {wall:6.1f} s, on a processor {processor:6.1f} s, "
                     f"holding the GIL {gil:5.1f} s")
        asleep = collections.Counter()
        for stack, n in samples["wall"].items():
            if keep(stack):
                asleep[leaf(stack)] += n
        for stack, n in samples["processor"].items():
            if keep(stack):
                asleep[leaf(stack)] -= n
        for frame, n in asleep.most_common(top):
            if n > 0:
                lines.append(f"      asleep {n / RATE:5.2f} s in {frame}")
    return lines


def leaf(stack: str, depth: int = 3) -> str:
    frames = stack.split(";")[1:]
    return " < ".join(reversed(frames[-depth:]))
