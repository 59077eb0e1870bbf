"""The article's three variants: which examples each update's gradient is taken over."""

from collections.abc import Iterator

import numpy as np

VARIANTS = ("batch", "sgd", "minibatch")  # the whole data set, one example, a mini-batch per update


def examples_per_update(variant: str, batch_size: int, n_examples: int) -> int:
    """How many examples one update's gradient averages: 0 for the whole data set (batch). A mini-batch larger than
    the data set is all of it, reshuffled each epoch, as torch's DataLoader gives one batch of a smaller data set."""
    return {"batch": 0, "sgd": 1, "minibatch": min(batch_size, n_examples)}[variant]


def batches(variant: str, n_examples: int, batch_size: int, seed: int) -> Iterator[np.ndarray | None]:
    """Index arrays, one per update, endless; None means the whole data set (batch).

    Sampling is without replacement within an epoch and reshuffled every epoch; the last batch
    of an epoch is smaller when batch_size does not divide n_examples.
    """
    if variant == "batch":
        while True:
            yield None
    size = examples_per_update(variant, batch_size, n_examples)
    rng = np.random.default_rng(seed)
    while True:
        order = rng.permutation(n_examples)
        for start in range(0, n_examples, size):
            yield order[start:start + size]


def lane_batches(variant: str, n_examples: int, batch_size: int, seeds) -> Iterator[np.ndarray | None]:
    """One row of indices per lane and update, lane i drawing exactly what batches(…, seeds[i]) draws."""
    if variant == "batch":
        yield from batches(variant, n_examples, batch_size, 0)
    size = examples_per_update(variant, batch_size, n_examples)
    generators = [np.random.default_rng(seed) for seed in seeds]
    while True:
        orders = np.stack([generator.permutation(n_examples) for generator in generators])
        for start in range(0, n_examples, size):
            yield orders[:, start:start + size]


class Epochs:
    """The same permutations as batches(…, seed) for each seed, drawn a block of epochs at a time (for the
    compiled loop, which slices each update's batch out of them: update k of an epoch takes examples
    k·size … k·size + size − 1 of that epoch's order)."""

    def __init__(self, n_examples: int, seeds):
        self.n_examples = n_examples
        self.generators = [np.random.default_rng(seed) for seed in seeds]

    def draw(self, count: int, rows) -> np.ndarray:
        """(len(seeds), count, n) orders; only the given rows are drawn (the others are left unset)."""
        orders = np.empty((len(self.generators), count, self.n_examples), dtype=np.intp)
        identity = np.broadcast_to(np.arange(self.n_examples), (count, self.n_examples))
        for row in rows:
            # one shuffle per row, in order: the same draws as `count` calls of permutation(n)
            self.generators[row].permuted(identity, axis=1, out=orders[row])
        return orders
