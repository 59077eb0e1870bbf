"""The command line: python -m gd --eta 0.01 0.1 1.1 [--json] prints what the article's loop prints; --function
"(x - 2.5)**2 - 1" runs a typed formula instead of a built-in objective."""

import argparse
import json
import math
import re
import sys

import numpy as np

import gd
from gd.lab.controls import refusal
from gd.lab.explain import explain
from gd.lab.text import LANGUAGES, speaking, t
from gd.params import BATCH_SIZE, EPSILON, ETA, MAX_ITER, SEED, THETA0, ParameterError, read_number
from gd.settings import START
from gd.typed import ACCEPTED

COLUMNS = ("eta", "theta", "grad", "loss", "iterations", "status")  # Result's fields, as --json names them
HEADERS = {"eta": "column.eta", "theta": "column.theta", "grad": "column.grad", "loss": "column.loss",
           "iterations": "column.updates", "status": "column.status"}  # the table's, in --lang's words


def _one_line(message: str) -> str:
    """The message with control characters (newlines, form feeds…) written as escapes, so it stays one line."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in message)


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args, **keywords):
        super().__init__(*args, **keywords)
        # "-1e300" (and "-inf", to be refused as a value) is a value, not an option: argparse before 3.13 knows
        # only -1 and -1.5 as numbers
        self._negative_number_matcher = re.compile(r"^-(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|nan)$",
                                                   flags=re.IGNORECASE)

    def error(self, message):  # one line, exit 2, no usage dump
        self.exit(2, f"error: {_one_line(message)}\n")


def _plain(kind):
    """An argparse type that takes only numbers written in plain ASCII (params.PLAIN_NUMBER)."""
    def convert(text):
        value = read_number(text)
        if isinstance(value, str) or (kind is int and not value.is_integer()):
            raise argparse.ArgumentTypeError(f"not a plain {'integer' if kind is int else 'number'}: {text!r}")
        return kind(value)

    convert.__name__ = kind.__name__  # argparse names the type in its messages
    return convert


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m gd", description="Run gradient descent and print where it ends.")
    def number(spec, what, **options):  # default and accepted range from the engine's spec
        parser.add_argument(f"--{spec.name.replace('_', '-')}", type=_plain(int if spec.integer else float),
                            default=options.pop("default", spec.default),
                            help=f"{what}: {spec.accepted} (default {spec.default:g})", **options)

    def name(option, registry, default):
        parser.add_argument(f"--{option}", default=default, help=f"one of {', '.join(registry)} (default {default})")

    number(ETA, "one or more learning rates", nargs="+", default=[ETA.default])
    number(THETA0, "start point θ₀ (two numbers, x y, for a --function of x and y)", nargs="+", default=None)
    number(EPSILON, "tolerance of the stopping rule")
    name("objective", gd.OBJECTIVES, gd.Settings.objective)
    parser.add_argument("--function", help="a formula to minimise instead of --objective, such as "
                                           f"\"(x - 2.5)**2 - 1\": {ACCEPTED}; drawn on -5 to 5")
    name("variant", gd.VARIANTS, gd.Settings.variant)
    number(BATCH_SIZE, "examples per mini-batch")
    name("optimizer", gd.OPTIMIZERS, gd.Settings.optimizer)
    name("schedule", gd.SCHEDULES, gd.Settings.schedule)
    name("stop", gd.STOPS, gd.Settings.stop)
    number(MAX_ITER, "iteration limit")
    number(SEED, "seed of the example sampling")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--lang", default="en", choices=LANGUAGES, help="the language of the sentences (zh: 中文)")
    return parser


def _finite_or_none(value):
    if isinstance(value, np.ndarray):  # θ and ∇J of a function of x and y
        return [_finite_or_none(float(part)) for part in value]
    return value if not isinstance(value, float) or math.isfinite(value) else None


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    try:
        objective = args.objective if args.function is None else gd.parse_objective(args.function)
        theta0 = START if args.theta0 is None else args.theta0[0] if len(args.theta0) == 1 else tuple(args.theta0)
        results = gd.compare(args.eta, objective, theta0=theta0, epsilon=args.epsilon,
                             variant=args.variant, batch_size=args.batch_size, optimizer=args.optimizer,
                             schedule=args.schedule, stop=args.stop, max_iter=args.max_iter, seed=args.seed)
    except ParameterError as error:
        with speaking(args.lang):
            said = t("error.parameter", name=error.name, accepted=refusal(error)) if args.lang != "en" else str(error)
        print(f"error: {_one_line(said)}", file=sys.stderr)
        return 2
    rows = [{column: getattr(result, column) for column in COLUMNS} for result in results]
    if args.json:
        print(json.dumps([{key: _finite_or_none(value) for key, value in row.items()} for row in rows], indent=2))
        return 0
    with speaking(args.lang):  # the table is for people, in --lang's words; --json is for programs
        print("\t".join(t(HEADERS[column]) for column in COLUMNS))
        for row, result in zip(rows, results, strict=True):
            print("\t".join(repr(row[column]) if isinstance(row[column], float) else
                            t(f"status.{row[column]}") if column == "status" else str(row[column])
                            for column in COLUMNS))
            print(f"  {explain(result)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
