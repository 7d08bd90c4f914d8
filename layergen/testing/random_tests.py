"""The contract's tests of a layer that draws random numbers in training (`random`): fresh numbers
each training call, none in inference, reproducible from a seed, and traced safely."""

from __future__ import annotations

from layergen.testing.base import ContractBase, applies_if
from layergen.testing.values import Array, assert_same_outputs, model_inputs, np, numpy_outputs, to_numpy

# Rows of the inputs the randomness tests draw on. Randomness per sample (a whole row kept or
# dropped with probability 1/2, as stochastic depth does) makes two draws over 2 rows equal one
# time in four; over 32 rows, about once in 4 billion.
RANDOM_BATCH = 32


class RandomTests(ContractBase):
    """Collected only for layers that set `random`."""

    @applies_if(lambda cls: cls.random, "the layer draws no random numbers")
    def test_random_in_training_and_deterministic_in_inference(self) -> None:
        layer = self.make_layer()
        inputs = self.make_inputs(batch=RANDOM_BATCH)
        first, second = numpy_outputs(layer(*inputs, training=True)), numpy_outputs(layer(*inputs, training=True))
        differs = any(not np.array_equal(a, b) for a, b in zip(first, second, strict=True))
        assert differs, "two training calls gave the same output"
        inference = numpy_outputs(layer(*inputs, training=False))
        assert_same_outputs(layer(*inputs, training=False), inference)
        assert_same_outputs(layer(*inputs), inference)

    @applies_if(lambda cls: cls.random, "the layer draws no random numbers")
    def test_a_seed_reproduces_a_fresh_layers_random_sequence(self) -> None:
        inputs = self.make_inputs(batch=RANDOM_BATCH)
        reference = self.make_layer(seed=7)
        reference(*inputs, training=False)  # builds it; inference draws nothing
        weights = reference.get_weights()

        def sequence(seed: int) -> list[list[Array]]:
            layer = self.make_layer(seed=seed)
            layer(*inputs, training=False)
            # The same weights, so that only the seed decides: the weights' initializers
            # have seeds of their own (none, unless the spec gives them).
            layer.set_weights(weights)
            return [numpy_outputs(layer(*inputs, training=True)) for _ in range(2)]

        first = sequence(7)
        for expected, actual in zip(first, sequence(7), strict=True):
            assert_same_outputs(actual, expected)
        other = sequence(8)
        differs = any(not np.array_equal(a, b) for a, b in zip(first[0], other[0], strict=True))
        assert differs, "seeds 7 and 8 gave the same numbers"

    @applies_if(lambda cls: cls.random, "the layer draws no random numbers")
    def test_random_training_runs_traced_and_advances_the_seed(self) -> None:
        # Traced (XLA on TensorFlow and JAX, torch.compile on PyTorch): JAX refuses random ops
        # that are not seeded by a SeedGenerator, and a seed fixed at trace time would repeat
        # the same numbers.
        layer = self.make_layer()
        model, targets = self.make_training_model(layer)
        model.compile(optimizer="sgd", loss="mse", jit_compile=True)
        before = to_numpy(layer.seed_generator.state)
        for _ in range(2):  # fit's steps without its data pipeline: one traced train step, run twice
            model.train_on_batch(model_inputs(self.make_inputs()), targets)
        assert not np.array_equal(to_numpy(layer.seed_generator.state), before), "the seed generator did not advance"
