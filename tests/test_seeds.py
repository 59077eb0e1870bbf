"""gd.seeds: one η, many seeds in one vectorized pass, each lane the run minimize() makes with that seed."""

import itertools

import numpy as np
import pytest
import reference

import gd
from gd.variants import batches, lane_batches

SEEDS = [0, 1, 7, 7, 2**32 - 1]  # a repeated seed and the largest one
KEYWORDS = dict(max_iter=300, theta0=0.3, batch_size=10, stop="no_improvement", epsilon=1e-3)
FULL_LENGTH = dict(KEYWORDS, stop="loss_change", epsilon=0.0)  # all 300 updates: past several sgd epochs


def assert_same_run(a, b):
    assert np.array_equal(a.history, b.history)
    assert np.array_equal(a.losses, b.losses)
    assert a.iterations == b.iterations
    assert a.status == b.status
    assert a.eta == b.eta
    assert a.theta == b.theta or (np.isnan(a.theta) and np.isnan(b.theta))


@pytest.mark.parametrize("keywords", [KEYWORDS, FULL_LENGTH], ids=["early_stops", "full_length"])
@pytest.mark.parametrize(("objective", "variant", "optimizer"),
                         list(itertools.product(gd.OBJECTIVES, ["sgd", "minibatch"], ["gd", "adam"])))
def test_each_lane_is_minimize_with_its_seed(objective, variant, optimizer, keywords):
    """seeds(η, ss)[i] equals minimize(η, seed=ss[i]) bit for bit: with lanes that stop at different updates
    ("no_improvement" with ε = 1e-3 stops noisy lanes early and at different times), and over 300 updates."""
    eta = 0.05
    results = gd.seeds(eta, SEEDS, objective, variant=variant, optimizer=optimizer, **keywords)
    assert len(results) == len(SEEDS)
    for seed, result in zip(SEEDS, results, strict=True):
        assert_same_run(result, gd.minimize(objective, eta=eta, seed=seed, variant=variant, optimizer=optimizer,
                                            **keywords))
        assert result.settings.seed == seed
        assert result.settings.variant == variant and result.settings.optimizer.name == optimizer


def test_lanes_do_stop_at_different_updates():
    """The bit-for-bit test above is not vacuous: its lanes end at different updates, some before max_iter."""
    results = gd.seeds(0.05, SEEDS, "quadratic", variant="sgd", **KEYWORDS)
    iterations = {result.iterations for result in results}
    assert len(iterations) >= 3
    assert min(iterations) < KEYWORDS["max_iter"]


@pytest.mark.parametrize("variant", ["sgd", "minibatch"])
def test_stochastic_seeds_differ(variant):
    """Different seeds draw different examples, so different histories; the same seed twice, the same one."""
    results = gd.seeds(0.05, [3, 4, 5, 3], variant=variant, epsilon=0.0, max_iter=50)
    histories = [result.history for result in results]
    for a, b in itertools.combinations(range(3), 2):
        assert not np.array_equal(histories[a], histories[b])
    assert np.array_equal(histories[0], histories[3])


def test_sgd_noise_of_each_lane_is_its_own_seeds_examples():
    """On the parabola with plain gd, lane i's update is θ' = θ − η(2(θ − 2.5) + aⱼ) for the example j that
    batches(…, seed i) draws, so the noise recovered from each lane is that seed's sequence of offsets."""
    eta, seeds = 0.02, [11, 12]
    results = gd.seeds(eta, seeds, variant="sgd", epsilon=0.0, max_iter=40)
    problem = gd.OBJECTIVES["quadratic"]
    for seed, result in zip(seeds, results, strict=True):
        theta = result.history
        noise = (theta[:-1] - theta[1:]) / eta - 2 * (theta[:-1] - 2.5)
        drawn = list(itertools.islice(batches("sgd", 64, 16, seed), 40))
        # aⱼ = batch_grad over {j} − grad, at any θ
        offsets = [problem.batch_grad(np.array([[0.0]]), index)[0, 0] - problem.grad(np.array([[0.0]]))[0, 0]
                   for index in drawn]
        np.testing.assert_allclose(noise, offsets, rtol=0, atol=1e-9)


@pytest.mark.parametrize("objective", sorted(gd.OBJECTIVES))
def test_batch_ignores_the_seed(objective):
    """Full-batch descent samples nothing: every seed gives the same history, that of minimize()."""
    results = gd.seeds(0.05, [0, 1, 99], objective, max_iter=300)
    reference = gd.minimize(objective, eta=0.05, max_iter=300)
    for seed, result in zip([0, 1, 99], results, strict=True):
        assert_same_run(result, reference)
        assert result.settings.seed == seed


@pytest.mark.parametrize(("arguments", "name"), [
    ((0.1, []), "seeds"),
    ((0.1, "1"), "seeds"),
    ((0.1, 1), "seeds"),
    ((0.1, None), "seeds"),
    ((0.1, [1, -1]), "seed"),
    ((0.1, [1, 2.5]), "seed"),
    ((0.1, [2**32]), "seed"),
    ((0.0, [1, 2]), "eta"),
    ((-0.1, [1]), "eta"),
])
def test_bad_input_names_the_parameter(arguments, name):
    with pytest.raises(ValueError, match=rf"\b{name}\b"):
        gd.seeds(*arguments)


def test_bad_settings_are_refused_too():
    with pytest.raises(ValueError, match=r"\bvariant\b"):
        gd.seeds(0.1, [1], variant="nope")
    with pytest.raises(ValueError, match=r"\bbatch_size\b"):
        gd.seeds(0.1, [1], variant="minibatch", batch_size=0)


@pytest.mark.parametrize(("variant", "batch_size"), [("sgd", 16), ("minibatch", 16), ("minibatch", 10),
                                                     ("minibatch", 64), ("minibatch", 63)])
def test_lane_batches_rows_are_each_seeds_batches(variant, batch_size):
    """Over 3 epochs, row i of every update's indices is what batches(…, seeds[i]) yields, and each epoch of
    each lane is a permutation of the 64 examples."""
    seeds = [0, 5, 5, 123]
    per_epoch = -(-64 // (1 if variant == "sgd" else batch_size))
    count = 3 * per_epoch
    lanes = list(itertools.islice(lane_batches(variant, 64, batch_size, seeds), count))
    for row, seed in enumerate(seeds):
        single = list(itertools.islice(batches(variant, 64, batch_size, seed), count))
        for update in range(count):
            assert np.array_equal(lanes[update][row], single[update]), (seed, update)
        for epoch in range(3):
            drawn = np.concatenate([lanes[update][row] for update in range(epoch * per_epoch,
                                                                             (epoch + 1) * per_epoch)])
            assert sorted(drawn.tolist()) == list(range(64))
    assert all(indices.shape[0] == len(seeds) for indices in lanes)


def test_lane_batches_for_batch_is_the_whole_data_set():
    assert list(itertools.islice(lane_batches("batch", 64, 16, [1, 2]), 50)) == [None] * 50


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam"])
@pytest.mark.parametrize("variant", ["sgd", "minibatch"])
@pytest.mark.parametrize("objective", sorted(gd.OBJECTIVES))
def test_each_lane_follows_the_reference_loop_with_its_seed(objective, variant, optimizer):
    """Lane i of seeds() is the plain reference loop (tests/reference.py) drawing batches(…, seeds[i]): the same
    updates and status, θ and J to 1e-12. no_improvement with ε = 1e-3 ends noisy lanes at different updates."""
    seeds, eta = [0, 7, 2**32 - 1], 0.05
    keywords = dict(theta0=0.3, epsilon=1e-3, variant=variant, batch_size=10, stop="no_improvement", max_iter=200)
    results = gd.seeds(eta, seeds, objective, optimizer=optimizer, **keywords)
    for seed, result in zip(seeds, results, strict=True):
        expected = reference.descend(objective, eta, optimizer=optimizer, seed=seed, **keywords)
        assert expected.edge > 1e-6, (seed, "a knife-edge case")
        assert (result.iterations, result.status) == (expected.iterations, expected.status), seed
        np.testing.assert_allclose(result.history, expected.history, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(result.losses, expected.losses, rtol=1e-12, atol=1e-12)
