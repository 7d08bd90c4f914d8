"""Parity of the composite and masking examples with the same computation written with Keras's
own layers (weights copied): on the current backend (TensorFlow), and on JAX in a subprocess."""

import os
import subprocess
import sys

import keras
import numpy as np
import pytest
from conftest import REPO

from examples.layers.masked_mean_pooling import MaskedMeanPooling
from examples.layers.residual_stack import ResidualStack
from examples.layers.transformer_encoder_block import TransformerEncoderBlock

MODEL_DIM, STEPS = 8, 6


def padded_sequences(batch=3, steps=STEPS, features=MODEL_DIM, seed=0):
    """Random sequences whose last steps are zero (more in each later row), and their mask."""
    x = np.random.default_rng(seed).normal(size=(batch, steps, features)).astype("float32")
    for row in range(batch):
        x[row, steps - row - 1 :] = 0.0
    return x, np.any(x != 0.0, axis=-1)


def numpy_of(tensor):
    return keras.ops.convert_to_numpy(tensor)


def behind_masking(layer, features=MODEL_DIM):
    inputs = keras.Input((None, features))
    return keras.Model(inputs, layer(keras.layers.Masking(mask_value=0.0)(inputs)))


def test_masked_mean_pooling_matches_global_average_pooling_with_a_mask():
    x, mask = padded_sequences()
    expected = numpy_of(keras.layers.GlobalAveragePooling1D()(x, mask=mask))
    np.testing.assert_allclose(numpy_of(MaskedMeanPooling()(x, mask=mask)), expected, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(numpy_of(behind_masking(MaskedMeanPooling())(x)), expected, rtol=1e-6, atol=1e-6)
    unmasked = numpy_of(keras.layers.GlobalAveragePooling1D()(x))
    np.testing.assert_allclose(numpy_of(MaskedMeanPooling()(x)), unmasked, rtol=1e-6, atol=1e-6)


def functional_encoder_block(num_heads, key_dim, ff_dim, dropout, epsilon):
    """The same block written with the functional API; masks flow through Keras's layers."""
    inputs = keras.Input((None, MODEL_DIM))
    masked = keras.layers.Masking(mask_value=0.0)(inputs)
    attention = keras.layers.MultiHeadAttention(num_heads=num_heads, key_dim=key_dim, dropout=dropout)
    attended = keras.layers.Dropout(dropout)(attention(masked, masked))
    outputs = keras.layers.LayerNormalization(epsilon=epsilon)(keras.layers.Add()([masked, attended]))
    hidden = keras.layers.Dense(ff_dim, activation="relu")(outputs)
    transformed = keras.layers.Dropout(dropout)(keras.layers.Dense(MODEL_DIM)(hidden))
    outputs = keras.layers.LayerNormalization(epsilon=epsilon)(keras.layers.Add()([outputs, transformed]))
    return keras.Model(inputs, outputs)


def test_transformer_encoder_block_matches_the_functional_api_with_the_mask():
    arguments = dict(num_heads=2, key_dim=4, ff_dim=16, dropout=0.1, epsilon=1e-3)
    block = TransformerEncoderBlock(model_dim=MODEL_DIM, **arguments)
    model = behind_masking(block)
    reference = functional_encoder_block(**arguments)
    ours = [block.attention, block.attention_norm, block.hidden, block.projection, block.output_norm]
    theirs = [layer for layer in reference.layers if layer.weights]
    assert [type(layer) for layer in ours] == [type(layer) for layer in theirs]
    for index, (mine, other) in enumerate(zip(ours, theirs, strict=True)):
        values = [np.random.default_rng(index * 10 + i).normal(size=w.shape) * 0.3 for i, w in enumerate(mine.weights)]
        mine.set_weights(values)
        other.set_weights(values)
    x, mask = padded_sequences()
    expected = numpy_of(reference(x))
    np.testing.assert_allclose(numpy_of(model(x)), expected, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(numpy_of(block(x, mask=mask)), expected, rtol=1e-4, atol=1e-4)
    # The mask matters: without it the padded steps take part in attention.
    assert not np.allclose(numpy_of(block(x)), expected, atol=1e-3)


def test_residual_stack_matches_dense_layers_with_residual_additions():
    stack = ResidualStack(num_blocks=3, activation="tanh")
    x = np.random.default_rng(1).normal(size=(4, 5)).astype("float32")
    stack(x)
    inputs = keras.Input((5,))
    outputs = inputs
    denses = []
    for _ in range(3):
        denses.append(keras.layers.Dense(5, activation="tanh"))
        outputs = keras.layers.Add()([outputs, denses[-1](outputs)])
    reference = keras.Model(inputs, outputs)
    for index, (block, dense) in enumerate(zip(stack.blocks, denses, strict=True)):
        values = [np.random.default_rng(index * 10 + i).normal(size=w.shape) for i, w in enumerate(block.weights)]
        block.set_weights(values)
        dense.set_weights(values)
    np.testing.assert_allclose(numpy_of(stack(x)), numpy_of(reference(x)), rtol=1e-5, atol=1e-5)


@pytest.mark.skipif(os.environ.get("KERAS_BACKEND") == "jax", reason="this is the JAX run")
def test_parity_holds_on_jax():
    env = {**os.environ, "KERAS_BACKEND": "jax"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:xdist", __file__],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stdout[-6000:]
    assert "3 passed, 1 skipped" in result.stdout.splitlines()[-1]
