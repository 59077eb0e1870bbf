"""Newton's step −H⁻¹∇J (gd.newton) against systems solved by hand, and as the one-update view draws and says it."""

import numpy as np
import pytest
from app import clean, open_page, plain
from test_page_views import charts

import gd
from gd import newton
from gd.newton import newton_steps


def test_the_ravines_step_from_4_minus_3_is_the_hand_solved_system():
    """J = ½θᵀAθ, A = [[5.5, 4.5], [4.5, 5.5]]: at (4, −3), ∇J = Aθ = (22 − 13.5, 18 − 16.5) = (8.5, 1.5);
    det A = 30.25 − 20.25 = 10, A⁻¹ = [[5.5, −4.5], [−4.5, 5.5]]/10, so A⁻¹∇J = ((46.75 − 6.75)/10,
    (−38.25 + 8.25)/10) = (4, −3): the step (−4, 3) lands on the minimum (0, 0); A's eigenvalues are 1 and 10."""
    found = newton_steps(gd.SURFACES["ravine"], [[4.0, -3.0]])
    np.testing.assert_allclose(found.steps[0], [-4.0, 3.0], rtol=1e-12)
    np.testing.assert_allclose(found.eigenvalues[0], [1.0, 10.0], rtol=1e-12)
    assert found.kinds.tolist() == ["minimum"]


def test_where_h_is_not_positive_definite_the_step_heads_for_a_saddle_or_a_maximum():
    """Himmelblau at (0, 0): ∇J = (2·(0 − 7), 2·(0 − 11)) = (−14, −22), H = diag(−44 + 2, 2 − 28) = diag(−42, −26):
    the step −H⁻¹∇J = (−14/42, −22/26) = (−1/3, −11/13), towards the maximum near (−0.27, −0.92).
    x² + y⁴/4 − y²/2 at (0.5, 0.2): ∇J = (1, 0.008 − 0.2) = (1, −0.192), H = diag(2, 3·0.04 − 1) = diag(2, −0.88):
    the step (−0.5, −0.192/0.88), towards the saddle at the origin."""
    found = newton_steps(gd.SURFACES["himmelblau"], [[0.0, 0.0]])
    np.testing.assert_allclose(found.steps[0], [-1 / 3, -11 / 13], rtol=1e-12)
    assert found.kinds.tolist() == ["maximum"]
    found = newton_steps(gd.SURFACES["saddle"], [[0.5, 0.2]])
    np.testing.assert_allclose(found.steps[0], [-0.5, -0.192 / 0.88], rtol=1e-12)
    assert found.kinds.tolist() == ["saddle"]


def test_on_a_curve_the_step_is_minus_dj_over_j_second():
    """The article's curve from 0: −(−5)/2 = 2.5; the double well θ⁴/4 − θ² + 0.3θ at 0: −0.3/(−2) = 0.15, towards
    its hump; x³ at 0: J'' = 0, no step."""
    assert newton_steps(gd.OBJECTIVES["quadratic"], [0.0]).steps[0, 0] == 2.5
    well = newton_steps(gd.OBJECTIVES["double_well"], [0.0])
    assert well.steps[0, 0] == pytest.approx(0.15, rel=1e-12) and well.kinds.tolist() == ["maximum"]
    flat = newton_steps(gd.parse_objective("x^3"), [0.0, 1.0])
    assert np.isnan(flat.steps[0, 0]) and flat.kinds.tolist() == ["flat", "minimum"]
    assert flat.steps[1, 0] == pytest.approx(-3 / 6, rel=1e-12)  # −3x²/6x at 1


def test_one_update_draws_and_says_where_newtons_step_lands():
    app = clean(open_page(view="geometry"))
    said = " ".join(plain(text.value) for text in app.markdown)
    assert "Newton's step −dJ/J'' = 2.5 (J'' = 2) would land at θ = 2.5" in said
    spec = charts(app)[0]
    ghosts = [rows for rows in spec["datasets"].values() if rows and "theta_from" in rows[0]]
    assert ghosts and {"k": 0, "theta": 2.5, "loss": -1.0} in [
        {key: row[key] for key in ("k", "theta", "loss")} for row in ghosts[0]]


def test_on_a_map_the_sentence_names_what_the_step_heads_for():
    app = clean(open_page(view="geometry", objective="himmelblau", theta0="0,0", eta="0.01"))
    said = " ".join(plain(text.value) for text in app.markdown)
    assert "eigenvalues (-42, -26), both negative" in said and "heads for it, to (-0.333333, -0.846154)" in said


def test_newtons_method_is_the_hand_loop_and_in_the_race_it_can_converge_to_a_maximum():
    """θ ← θ − H⁻¹∇J from Himmelblau's start (its race's), written out with the Hessian by hand: ∂²J/∂x² = 12x² + 4y
    − 42, ∂²J/∂x∂y = 4x + 4y, ∂²J/∂y² = 12y² + 4x − 26. The race's Newton lane is that run, and it ends at the
    maximum near (−0.27, −0.92), which the caption calls one."""
    x, y = gd.SURFACES["himmelblau"].start
    path = [(x, y)]
    for _ in range(4):
        g = np.array([4 * x * (x * x + y - 11) + 2 * (x + y * y - 7), 2 * (x * x + y - 11) + 4 * y * (x + y * y - 7)])
        h = np.array([[12 * x * x + 4 * y - 42, 4 * x + 4 * y], [4 * x + 4 * y, 12 * y * y + 4 * x - 26]])
        x, y = np.array([x, y]) - np.linalg.solve(h, g)
        path.append((x, y))
    result = gd.minimize("himmelblau", eta=1.0, optimizer=newton.method(gd.SURFACES["himmelblau"]), max_iter=100)
    np.testing.assert_allclose(result.history[:5], path, rtol=1e-10, atol=1e-12)
    assert result.status == "converged" and np.allclose(result.theta, (-0.270845, -0.923039), atol=1e-6)
    app = clean(open_page(objective="himmelblau", view="race"))
    table = app.dataframe[0].value
    assert table["optimizer"].tolist()[-1] == "Newton's method" and table["eta"].tolist()[-1] == "1"
    assert table["updates"].tolist()[-1] == result.iterations
    assert any("a maximum, not a minimum" in caption.value for caption in app.caption)
