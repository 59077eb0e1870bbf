"""Inside an update rule (gd.inside.replay): the replayed state makes the run's own steps, and Adam's state and its
bias-corrected moments are torch.optim's and the hand-worked first update's."""

import math

import numpy as np
import pytest
from test_optimizers import torch_loss

import gd
from gd.inside import replay
from gd.optimizers import adam_step, bias_corrected
from gd.variants import batches


@pytest.mark.parametrize("variant", ["batch", "sgd"])
@pytest.mark.parametrize("name", list(gd.OPTIMIZERS))
@pytest.mark.parametrize("objective", ["quadratic", "ravine", "himmelblau"])
def test_the_replayed_steps_are_the_runs_own(objective, name, variant):
    """θ_k + step_k is θ_(k+1) of the run to the last bit, with a schedule changing η and sampled gradients, so the
    state shown is the state the loop had."""
    eta = {"quadratic": 0.1, "ravine": 0.05, "himmelblau": 0.005}[objective]
    result = gd.minimize(objective, eta=eta, optimizer=name, variant=variant, schedule="step", seed=4, max_iter=60)
    inside = replay(result, 40)
    history = np.reshape(result.history, (len(result.history), -1))
    assert len(inside.steps) == min(40, result.iterations)
    assert np.array_equal(history[:len(inside.steps)] + inside.steps, history[1:len(inside.steps) + 1])
    assert inside.rates[:20].tolist() == [eta] * 20 and inside.rates[20] == eta * 0.5  # step: γ = 0.5 every 20


def test_adams_first_update_on_the_article_curve_worked_by_hand():
    """θ₀ = 0, g₁ = 2·(0 − 2.5) = −5: m₁ = 0.1·(−5) = −0.5, v₁ = 0.001·25 = 0.025; corrected by 1 − 0.9 and
    1 − 0.999, m̂₁ = −5 and v̂₁ = 25, so the step is η·5/(5 + 1e-8) ≈ η, and without the correction
    η·0.5/(√0.025 + 1e-8) ≈ 3.16·η."""
    inside = replay(gd.minimize(optimizer="adam", eta=0.1, max_iter=5), 5)
    m, v, count = inside.states["first_moment"], inside.states["second_moment"], inside.states["count"]
    assert (m[0, 0], v[0, 0], count[0]) == (pytest.approx(-0.5, rel=1e-15), pytest.approx(0.025, rel=1e-15), 1)
    m_hat, v_hat = bias_corrected(count, m, v, 0.9, 0.999)
    assert (m_hat[0, 0], v_hat[0, 0]) == (pytest.approx(-5.0, rel=1e-13), pytest.approx(25.0, rel=1e-12))
    assert inside.steps[0, 0] == pytest.approx(0.1 * 5 / (5 + 1e-8), rel=1e-12)
    assert 0.1 * 0.5 / (math.sqrt(0.025) + 1e-8) == pytest.approx(0.1 * math.sqrt(10), rel=1e-6)


def test_adams_state_and_corrected_moments_are_torch_optims():
    """torch.optim.Adam (float64, single tensor) given the same gradients: its exp_avg and exp_avg_sq after each step
    are m and v, and exp_avg/(1 − β₁ᵗ), exp_avg_sq/(1 − β₂ᵗ) are bias_corrected's m̂ and v̂."""
    torch = pytest.importorskip("torch")
    result = gd.minimize("ravine", eta=0.3, optimizer="adam", variant="sgd", seed=2, max_iter=12, epsilon=0.0)
    inside = replay(result, 12)
    theta = torch.tensor(gd.SURFACES["ravine"].start, dtype=torch.float64, requires_grad=True)
    adam = torch.optim.Adam([theta], lr=0.3, betas=(0.9, 0.999), eps=1e-8, foreach=False)
    sample = batches("sgd", 64, 16, 2)
    m_hat, v_hat = bias_corrected(inside.states["count"], inside.states["first_moment"],
                                  inside.states["second_moment"], 0.9, 0.999)
    for k in range(12):
        adam.zero_grad()
        torch_loss(torch, "ravine", theta, torch.as_tensor(next(sample))).backward()
        adam.step()
        state = adam.state[theta]
        t = int(state["step"])
        np.testing.assert_allclose(inside.states["first_moment"][k], state["exp_avg"].numpy(), rtol=1e-12)
        np.testing.assert_allclose(inside.states["second_moment"][k], state["exp_avg_sq"].numpy(), rtol=1e-12)
        np.testing.assert_allclose(m_hat[k], state["exp_avg"].numpy() / (1 - 0.9**t), rtol=1e-12)
        np.testing.assert_allclose(v_hat[k], state["exp_avg_sq"].numpy() / (1 - 0.999**t), rtol=1e-12)


@pytest.mark.parametrize("objective", ["quadratic", "rosenbrock"])
def test_adams_step_in_the_papers_form_from_corrected_moments_is_the_step_it_took(objective):
    """η·m̂/(√v̂ + eps) (adam_step from bias_corrected's moments) is −step of the loop up to rounding: the paper's form
    of what adam's update computes in torch's order."""
    eta = 0.1 if objective == "quadratic" else 0.002
    inside = replay(gd.minimize(objective, eta=eta, optimizer="adam", max_iter=200), 200)
    m_hat, v_hat = bias_corrected(inside.states["count"], inside.states["first_moment"],
                                  inside.states["second_moment"], 0.9, 0.999)
    np.testing.assert_allclose(adam_step(inside.rates[:, None], m_hat, v_hat, 1e-8), -inside.steps, rtol=1e-12)
