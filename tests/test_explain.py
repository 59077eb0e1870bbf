"""explain(): one sentence per run that names the status and the numbers behind it."""

import gd
from gd.lab.explain import explain
from gd.lab.format import number


def test_number_is_six_significant_digits():
    assert number(2.499891109642585) == "2.49989"
    assert number(-5.0) == "-5"
    assert number(float("inf")) == "inf"
    assert number(float("nan")) == "nan"


def test_converged_sentence_gives_the_count_and_both_gradients():
    """η = 0.1: converged after the run's number of updates, at θ ≈ 2.49989, first gradient −5."""
    result = gd.minimize(eta=0.1)
    sentence = explain(result)
    assert sentence.startswith("Converged")
    assert f"after {result.iterations} updates" in sentence
    assert "θ = 2.49989" in sentence
    assert "-0.000217781" in sentence  # the final gradient
    assert sentence.endswith("next to the first one, -5.")  # dJ(0) = 2·(0 − 2.5)


def test_large_counts_have_thousands_separators():
    result = gd.minimize(eta=0.001)
    assert result.iterations > 1000
    assert f"after {result.iterations:,} updates" in explain(result)


def test_stalled_sentence_shows_the_symmetric_jump():
    """η = 1: one update, J(5) = J(0) fooled the rule, and the gradient is still 5."""
    result = gd.minimize(eta=1.0)
    sentence = explain(result)
    assert sentence.startswith("Stalled after 1 update:")  # singular
    assert "J(5) = J(0)" in sentence
    assert "still 5" in sentence
    assert "jump across the minimum" in sentence


def test_stalled_by_small_steps_says_so():
    """|Δθ| < 0.5 fires while θ is still on the same side of the minimum: the steps were too small."""
    result = gd.minimize(stop="step_size", epsilon=0.5)
    assert result.status == "stalled"
    sentence = explain(result)
    assert "θ moved by less than ε" in sentence
    assert "too small" in sentence and "jump" not in sentence
    assert "still -3.2" in sentence


def test_diverged_sentence_gives_the_update_and_the_stability_limit():
    """η = 1.1 > 2/L = 1: the sentence names the update it left the bound at, and the limit."""
    result = gd.minimize(eta=1.1)
    assert result.status == "diverged"
    sentence = explain(result)
    assert f"update {result.iterations}:" in sentence
    assert "|θ| passed 6e+08" in sentence  # 1e8 × the range end 6
    assert "η = 1.1" in sentence
    assert "stability limit 2/L = 1" in sentence


def test_stability_limit_only_for_plain_descent():
    """2/L is the limit of plain descent; a diverging momentum run is not told about it."""
    result = gd.minimize(eta=5.0, optimizer="momentum")
    assert result.status == "diverged"
    sentence = explain(result)
    assert sentence.startswith(f"Diverged at update {result.iterations}")
    assert "stability limit" not in sentence


def test_max_iter_sentence():
    """ε = 0, 10 updates: the limit, and θ₁₀ = 2.5 − 2.5·0.8¹⁰ from the closed form."""
    result = gd.minimize(epsilon=0.0, max_iter=10)
    sentence = explain(result)
    assert sentence.startswith("Hit the limit of 10 updates")
    assert f"θ = {2.5 - 2.5 * 0.8**10:.6g}," in sentence


def test_diverged_because_j_overflowed():
    """θ₀ = 1e200 is inside the bound 1e208 but J(θ₀) = inf: the sentence blames the start, not η,
    and computing it raises no overflow warning."""
    result = gd.minimize(eta=0.9, theta0=1e200)
    assert (result.status, result.iterations) == ("diverged", 0)
    sentence = explain(result)  # filterwarnings = error: a RuntimeWarning fails here
    assert "before the first update" in sentence and "θ₀ = 1e+200" in sentence
    assert "passed" not in sentence and "too large here" not in sentence
    assert "stability limit" not in sentence  # η = 0.9 is below 2/L = 1


def test_a_run_that_bounces_to_the_limit_is_told_to_lower_eta_not_raise_it():
    """η = 1 with the |dJ| < ε rule bounces between 0 and 5 until the limit: more updates cannot help."""
    bouncing = gd.minimize(eta=1.0, stop="grad_norm", max_iter=50)
    assert bouncing.status == "max_iter" and abs(bouncing.grad) == 5.0
    sentence = explain(bouncing)
    assert "pick a smaller η" in sentence and "larger η" not in sentence
    slow = explain(gd.minimize(eta=0.001, max_iter=50))
    assert "pick a larger η" in slow


def test_a_run_stuck_at_the_saddle_is_told_it_is_not_at_a_minimum():
    """x² + y⁴/4 − y²/2 from (1.5, 0): the y-gradient y³ − y is 0 on y = 0, so x → 0 and the run stops at the
    saddle (0, 0) with a small gradient; a start just off the line (y = 0.1) rolls down to the minimum (0, 1)."""
    stuck = gd.minimize("saddle", eta=0.1)
    assert stuck.status == "converged" and abs(stuck.theta[0]) < 1e-3 and stuck.theta[1] == 0.0
    assert "saddle point (0, 0), not a minimum" in explain(stuck)
    escaped = gd.minimize("saddle", eta=0.1, theta0=(1.5, 0.1))
    assert escaped.status == "converged" and abs(escaped.theta[1] - 1.0) < 1e-3
    assert "saddle" not in explain(escaped)


def test_no_minimum_is_claimed_where_j_keeps_falling():
    """exp(θ) has no minimum: the run that hits the limit is told that J still falls and that neither a higher limit
    nor ε ends it at one; θ³ from 1 stops by its rule near the inflection point 0, which is no minimum either."""
    falling = explain(gd.minimize(gd.parse_objective("exp(x)")))
    assert "still falling" in falling and "no minimum ahead" in falling and "ended at a minimum" not in falling
    assert "Raise the iteration limit" not in falling
    endless = explain(gd.minimize(gd.parse_objective("exp(x)"), epsilon=0.0, max_iter=3_000))
    assert "ended at a minimum" not in endless and "still falling" in endless
    inflection = explain(gd.minimize(gd.parse_objective("x^3"), theta0=1.0))
    assert inflection.startswith("Converged") and inflection.endswith("and this is not a minimum.")
    assert "not a minimum" not in explain(gd.minimize(eta=0.1))
