"""The engine refuses cleanly: every bad value is a ParameterError naming the parameter, before any work."""

import math
import tracemalloc

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import gd
from gd import params, theory
from gd.params import ParameterError, read_number

NOT_NUMBERS = [10**400, -(10**400), np.array(0.1), np.array([0.1]), "0.1", None, True, False, math.nan, math.inf,
               [0.1], 1j]


def float_hyperparameters():
    """Every float hyperparameter of every update rule and schedule, as (registry entry, spec)."""
    return [(entry, spec) for registry in (gd.OPTIMIZERS, gd.SCHEDULES) for entry in registry.values()
            for spec in entry.hyperparameters if not spec.integer]


@pytest.mark.parametrize("bad", NOT_NUMBERS, ids=repr)
@pytest.mark.parametrize("name", ["eta", "theta0", "epsilon", "max_iter", "seed", "batch_size"])
def test_every_run_parameter_refuses_what_is_not_a_number(name, bad):
    with pytest.raises(ParameterError) as refused:
        gd.minimize(**{name: bad, "variant": "minibatch"})
    assert refused.value.name == name and str(refused.value).startswith(f"{name} must be ")


@pytest.mark.parametrize("bad", NOT_NUMBERS, ids=repr)
@pytest.mark.parametrize(("entry", "spec"), float_hyperparameters(), ids=lambda item: getattr(item, "name", ""))
def test_every_hyperparameter_refuses_what_is_not_a_number(entry, spec, bad):
    with pytest.raises(ParameterError) as refused:
        entry.build(**{spec.name: bad})
    assert refused.value.name == spec.name


def test_there_are_float_hyperparameters_to_check():
    names = {f"{entry.name}.{spec.name}" for entry, spec in float_hyperparameters()}
    assert {"adam.beta1", "adam.beta2", "adam.eps", "momentum.momentum", "rmsprop.alpha", "step.gamma"} <= names


@pytest.mark.parametrize("lanes", [np.array(0.1), "0.1", 0.1, None, [], [[0.1], [0.2]], [[0.1], [0.2, 0.3]]], ids=repr)
def test_compare_and_seeds_refuse_what_is_not_a_list(lanes):
    with pytest.raises(ParameterError, match="etas"):
        gd.compare(lanes)
    with pytest.raises(ParameterError, match="seeds"):
        gd.seeds(0.1, lanes)


def test_a_history_that_would_not_fit_is_refused_before_anything_is_allocated():
    """2,000 lanes × 1,000,001 rows of θ would be 16 GB: refused at once, having allocated next to nothing."""
    tracemalloc.start()
    with pytest.raises(ParameterError, match="etas") as refused:
        gd.compare([1e-6] * 2000, epsilon=0.0, max_iter=1_000_000)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 10_000_000
    assert "199" in str(refused.value)  # 200,000,000 rows // 1,000,001 = 199 lanes fit
    with pytest.raises(ParameterError, match="seeds"):
        gd.seeds(0.1, list(range(2000)), epsilon=0.0, max_iter=1_000_000)
    assert len(gd.compare([0.1] * 199, max_iter=1_000_000)) == 199  # the largest that fits runs


@pytest.mark.parametrize(("text", "expected"), [("1", 1.0), ("-1e300", -1e300), ("+.5", 0.5), ("2.", 2.0),
                                                ("1E-6", 1e-6), ("007", 7.0)])
def test_plain_numbers_are_read(text, expected):
    assert read_number(text) == expected


@pytest.mark.parametrize("text", ["1_0", "１", "١", " 1", "1 ", "infinity", "inf", "nan", "0x10", "1e", "", ".",
                                  "--1", "1,5", "½", "1e5\n"])
def test_anything_else_stays_text_for_the_spec_to_refuse(text):
    assert read_number(text) == text
    with pytest.raises(ParameterError):
        params.ETA.check(read_number(text))


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(gd.OBJECTIVES)), st.floats(min_value=-1e308, max_value=1e308),
       st.floats(min_value=1e-300, max_value=1e300), st.sampled_from(sorted(gd.STOPS)),
       st.floats(min_value=0, max_value=1e300))
@example("logistic_regression", 1.797693134862316e300, 57.0, "grad_norm", 0.0)  # θ₀·1e8, the bound, overflows
@example("quadratic", 1e154, 1e300, "loss_change", 1e-8)
@example("double_well", -1e77, 1e-300, "no_improvement", 1e300)
def test_theory_never_overflows(objective, theta0, eta, stop, epsilon):
    """Any finite θ₀, η and ε: a prediction with a whole number of updates, never an OverflowError (and, as
    filterwarnings = error, never a RuntimeWarning)."""
    prediction = theory.predict(gd.Settings(objective, theta0=theta0, stop=stop, epsilon=epsilon), eta)
    if prediction is None:  # the flat-bottomed quartic has no closed form
        assert objective == "quartic"
        return
    assert 0 <= prediction.updates <= gd.Settings.max_iter
    assert prediction.status in gd.STATUSES
