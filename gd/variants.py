"""The article's three variants: which examples each update's gradient is taken over."""

from collections.abc import Iterator

import numpy as np

VARIANTS = ("batch", "sgd", "minibatch")  # the whole data set, one example, a mini-batch per update


def batches(variant: str, n_examples: int, batch_size: int, seed: int) -> Iterator[np.ndarray | None]:
    """Index arrays, one per update, endless; None means the whole data set (batch).

    Sampling is without replacement within an epoch and reshuffled every epoch; the last batch
    of an epoch is smaller when batch_size does not divide n_examples.
    """
    if variant == "batch":
        while True:
            yield None
    size = 1 if variant == "sgd" else batch_size
    rng = np.random.default_rng(seed)
    while True:
        order = rng.permutation(n_examples)
        for start in range(0, n_examples, size):
            yield order[start:start + size]


def lane_batches(variant: str, n_examples: int, batch_size: int, seeds) -> Iterator[np.ndarray | None]:
    """One row of indices per lane and update, lane i drawing exactly what batches(…, seeds[i]) draws."""
    if variant == "batch":
        yield from batches(variant, n_examples, batch_size, 0)
    size = 1 if variant == "sgd" else batch_size
    generators = [np.random.default_rng(seed) for seed in seeds]
    while True:
        orders = np.stack([generator.permutation(n_examples) for generator in generators])
        for start in range(0, n_examples, size):
            yield orders[:, start:start + size]
