"""The command line: python -m gd --eta 0.01 0.1 1.1 [--json] prints what the article's loop prints."""

import argparse
import json
import math
import sys

import gd
from gd.explain import explain

COLUMNS = ("eta", "theta", "grad", "loss", "iterations", "status")


def _one_line(message: str) -> str:
    """The message with control characters (newlines, form feeds…) written as escapes, so it stays one line."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in message)


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2, no usage dump
        self.exit(2, f"error: {_one_line(message)}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m gd", description="Run gradient descent and print where it ends.")
    parser.add_argument("--eta", type=float, nargs="+", default=[0.1], help="one or more learning rates")
    parser.add_argument("--theta0", type=float, default=0.0, help="start point θ₀")
    parser.add_argument("--epsilon", type=float, default=1e-8, help="tolerance of the stopping rule")
    parser.add_argument("--objective", default="quadratic", help=", ".join(gd.OBJECTIVES))
    parser.add_argument("--variant", default="batch", help=", ".join(gd.VARIANTS))
    parser.add_argument("--batch-size", type=int, default=16, help="examples per mini-batch")
    parser.add_argument("--optimizer", default="gd", help=", ".join(gd.OPTIMIZERS))
    parser.add_argument("--schedule", default="constant", help=", ".join(gd.SCHEDULES))
    parser.add_argument("--stop", default="loss_change", help=", ".join(gd.STOPS))
    parser.add_argument("--max-iter", type=int, default=10_000, help="iteration limit")
    parser.add_argument("--seed", type=int, default=0, help="seed of the example sampling")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    return parser


def _finite_or_none(value):
    return value if not isinstance(value, float) or math.isfinite(value) else None


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    try:
        results = gd.compare(args.eta, args.objective, theta0=args.theta0, epsilon=args.epsilon,
                             variant=args.variant, batch_size=args.batch_size, optimizer=args.optimizer,
                             schedule=args.schedule, stop=args.stop, max_iter=args.max_iter, seed=args.seed)
    except ValueError as error:
        print(f"error: {_one_line(str(error))}", file=sys.stderr)
        return 2
    rows = [{column: getattr(result, column) for column in COLUMNS} for result in results]
    if args.json:
        print(json.dumps([{key: _finite_or_none(value) for key, value in row.items()} for row in rows], indent=2))
        return 0
    print("\t".join(COLUMNS))
    for row, result in zip(rows, results, strict=True):
        print("\t".join(repr(row[column]) if isinstance(row[column], float) else str(row[column])
                        for column in COLUMNS))
        print(f"  {explain(result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
