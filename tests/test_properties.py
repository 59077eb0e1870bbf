"""Properties over the whole input space: every call ends with a sensible Result or a named ValueError."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import gd

PARAMETERS = ("eta", "etas", "objective", "theta0", "epsilon", "variant", "batch_size", "optimizer", "schedule",
              "stop", "max_iter", "seed")

etas = st.floats(-12, 6).map(lambda exponent: 10.0**exponent)  # log-uniform on [1e-12, 1e6]
keywords = st.fixed_dictionaries({
    "objective": st.sampled_from(sorted(gd.OBJECTIVES)),
    "variant": st.sampled_from(sorted(gd.VARIANTS)),
    "optimizer": st.sampled_from(sorted(gd.OPTIMIZERS)),
    "schedule": st.sampled_from(sorted(gd.SCHEDULES)),
    "stop": st.sampled_from(sorted(gd.STOPS)),
    "theta0": st.floats(-1e12, 1e12),
    "epsilon": st.floats(0, 1e3),
    "max_iter": st.integers(1, 300),
    "batch_size": st.integers(1, 64),
    "seed": st.integers(0, 2**32 - 1),
})
REGISTERED = {*gd.OBJECTIVES, *gd.VARIANTS, *gd.OPTIMIZERS, *gd.SCHEDULES, *gd.STOPS}
property_settings = settings(max_examples=60, deadline=None)


def check_result(result, eta, options):
    assert isinstance(result, gd.Result)
    assert result.status in gd.STATUSES
    assert result.eta == eta
    assert len(result.history) == len(result.losses) == result.iterations + 1 <= options["max_iter"] + 1
    assert result.history[0] == options["theta0"]
    assert result.theta == result.history[-1] or math.isnan(result.theta)
    if result.status == "max_iter":
        assert result.iterations == options["max_iter"]
    if result.status != "diverged":
        assert np.all(np.isfinite(result.history)) and np.all(np.isfinite(result.losses))
        assert math.isfinite(result.theta) and math.isfinite(result.loss) and math.isfinite(result.grad)


def names_a_parameter(error):
    return any(name in str(error) for name in PARAMETERS)


@property_settings
@given(eta=etas, options=keywords)
def test_minimize_returns_a_sensible_result(eta, options):
    """status in STATUSES, len(history) = iterations + 1 ≤ max_iter + 1, finite unless diverged."""
    try:
        result = gd.minimize(eta=eta, **options)
    except ValueError as error:
        assert names_a_parameter(error), error
        return
    check_result(result, eta, options)


@property_settings
@given(first=etas, second=etas, options=keywords)
def test_compare_of_two_equals_two_minimizes(first, second, options):
    """Each lane of compare() is bit for bit the run minimize() makes alone."""
    try:
        pair = gd.compare([first, second], **options)
    except ValueError as error:
        assert names_a_parameter(error), error
        return
    for eta, lane in zip((first, second), pair, strict=True):
        alone = gd.minimize(eta=eta, **options)
        check_result(lane, eta, options)
        assert np.array_equal(lane.history, alone.history, equal_nan=True)
        assert np.array_equal(lane.losses, alone.losses, equal_nan=True)
        assert (lane.iterations, lane.status) == (alone.iterations, alone.status)


bad_values = st.one_of(
    st.tuples(st.just("eta"), st.one_of(st.floats(max_value=0.0), st.just(math.inf), st.just(math.nan),
                                        st.booleans(), st.text(max_size=3))),
    st.tuples(st.just("theta0"), st.sampled_from([math.inf, -math.inf, math.nan, "0", None])),
    st.tuples(st.just("epsilon"), st.one_of(st.floats(max_value=-1e-300), st.just(math.nan))),
    st.tuples(st.just("max_iter"), st.one_of(st.integers(max_value=0), st.integers(min_value=1_000_001),
                                             st.floats(1.01, 999.99).filter(lambda x: not x.is_integer()))),
    st.tuples(st.just("batch_size"), st.one_of(st.integers(max_value=0), st.integers(min_value=65))),
    st.tuples(st.just("seed"), st.one_of(st.integers(max_value=-1), st.integers(min_value=2**32))),
    st.tuples(st.sampled_from(["objective", "variant", "optimizer", "schedule", "stop"]),
              st.text(max_size=8).filter(lambda text: text not in REGISTERED)),
)


@property_settings
@given(bad=bad_values, options=keywords)
def test_bad_values_raise_value_error_naming_the_parameter(bad, options):
    """One bad value among good ones: a ValueError whose message names that parameter."""
    name, value = bad
    options = {**options, "max_iter": 1}
    if name == "eta":
        call = lambda: gd.minimize(eta=value, **options)  # noqa: E731
    else:
        call = lambda: gd.minimize(**{**options, name: value})  # noqa: E731
    try:
        call()
    except ValueError as error:
        assert name in str(error), error
    else:
        raise AssertionError(f"{name}={value!r} was accepted")


TOKENS = ["--eta", "--theta0", "--epsilon", "--objective", "--variant", "--batch-size", "--optimizer", "--schedule",
          "--stop", "--max-iter", "--seed", "--json", "1e6", "-1e12", "1e12", "nan", "inf", "-inf", "0", "1e-12",
          "1e3", "0.1", "1.1", "abc", "adam", "sgd", "minibatch", "double_well", "300", "65", "-1", "", "--"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=8)), max_size=8))
def test_the_command_line_answers_anything_with_rows_or_one_error_line(argv):
    """Exit 0 with a row per η, or exit 2 with one "error:" line on stderr: never a traceback."""
    from contextlib import redirect_stderr, redirect_stdout
    from io import StringIO

    from gd.__main__ import main

    out, err = StringIO(), StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exit_:
            code = exit_.code
    if code == 0:
        assert err.getvalue() == "" and out.getvalue()
    else:
        assert code == 2
        lines = err.getvalue().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:"), err.getvalue()


def test_the_largest_iteration_limit_is_accepted():
    result = gd.minimize(eta=0.1, max_iter=1_000_000)
    assert result.status == "converged" and result.iterations == 45
