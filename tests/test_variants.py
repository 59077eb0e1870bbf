"""Variants: which examples each update's gradient is taken over."""

import itertools

import numpy as np
import pytest
import reference

import gd
from gd.variants import batches


def take(variant, count, batch_size=16, seed=0, n_examples=64):
    return list(itertools.islice(batches(variant, n_examples, batch_size, seed), count))


def epochs(variant, batch_size, count, seed=0):
    """The first `count` epochs, each as the list of its batches."""
    per_epoch = -(-64 // (1 if variant == "sgd" else batch_size))
    flat = take(variant, per_epoch * count, batch_size, seed)
    return [flat[i * per_epoch:(i + 1) * per_epoch] for i in range(count)]


def test_the_three_variants():
    assert list(gd.VARIANTS) == ["batch", "sgd", "minibatch"]


def test_batch_yields_none_forever():
    """None means the whole data set, at every update."""
    assert take("batch", 200) == [None] * 200


@pytest.mark.parametrize(("variant", "batch_size", "sizes"), [
    ("sgd", 16, [1] * 64),  # sgd ignores batch_size
    ("minibatch", 16, [16] * 4),
    ("minibatch", 10, [10] * 6 + [4]),  # the last batch of an epoch is the remainder
    ("minibatch", 64, [64]),
    ("minibatch", 1, [1] * 64),
    ("minibatch", 63, [63, 1]),
])
def test_each_epoch_is_a_permutation(variant, batch_size, sizes):
    """Without replacement: an epoch's batches together hold every example exactly once."""
    for epoch in epochs(variant, batch_size, 3):
        assert [len(batch) for batch in epoch] == sizes
        together = np.concatenate(epoch)
        assert np.issubdtype(together.dtype, np.integer)
        assert sorted(together.tolist()) == list(range(64))


@pytest.mark.parametrize(("variant", "batch_size"), [("sgd", 1), ("minibatch", 10), ("minibatch", 64)])
def test_reshuffled_every_epoch(variant, batch_size):
    """Each epoch has its own order (two equal orders of 64 would be a 1 in 64! event)."""
    orders = [np.concatenate(epoch).tolist() for epoch in epochs(variant, batch_size, 4)]
    assert len({tuple(order) for order in orders}) == 4
    assert orders[0] != list(range(64))


@pytest.mark.parametrize("variant", ["sgd", "minibatch"])
def test_deterministic_per_seed(variant):
    """The same seed gives the same batches; another seed gives others."""
    first, again, other = (take(variant, 150, 10, seed) for seed in (5, 5, 6))
    assert all(np.array_equal(a, b) for a, b in zip(first, again, strict=True))
    assert not all(np.array_equal(a, b) for a, b in zip(first, other, strict=True))


def test_sampling_covers_examples_evenly():
    """Over 10 epochs of sgd, every example is drawn exactly 10 times."""
    drawn = np.concatenate(take("sgd", 640, seed=11))
    assert np.bincount(drawn, minlength=64).tolist() == [10] * 64


def test_other_data_set_sizes():
    """n_examples is honoured: 10 examples in batches of 4 are 4, 4, 2."""
    epoch = take("minibatch", 3, batch_size=4, n_examples=10)
    assert [len(batch) for batch in epoch] == [4, 4, 2]
    assert sorted(np.concatenate(epoch).tolist()) == list(range(10))


def test_minibatch_of_everything_follows_batch_descent():
    """A mini-batch of all 64 examples has the full gradient, so the run follows batch descent closely."""
    full = gd.minimize(variant="minibatch", batch_size=64, max_iter=30, epsilon=0.0)
    batch = gd.minimize(max_iter=30, epsilon=0.0)
    np.testing.assert_allclose(full.history, batch.history, rtol=0, atol=1e-12)


@pytest.mark.parametrize("variant", ["sgd", "minibatch"])
@pytest.mark.parametrize("objective", sorted(gd.OBJECTIVES))
def test_stochastic_runs_follow_the_sampled_examples(objective, variant):
    """θ ← θ − η·(mean gradient of the drawn examples), with the examples batches() draws, per-example gradients
    by hand (tests/reference.py): 70 updates, past the first epoch, to 1e-12."""
    result = gd.minimize(objective, eta=0.05, variant=variant, batch_size=10, seed=4, max_iter=70, epsilon=0.0)
    expected = reference.descend(objective, 0.05, variant=variant, batch_size=10, seed=4, max_iter=70, epsilon=0.0)
    assert result.iterations == expected.iterations == 70
    np.testing.assert_allclose(result.history, expected.history, rtol=1e-12, atol=1e-12)
