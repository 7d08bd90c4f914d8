"""Parity: generated example layers compute what their Keras counterparts compute.

Each test builds an example layer (from `examples.layers`) and the Keras layer it mirrors,
gives both the same weights, and compares outputs. They run on the current backend
(TensorFlow by default); `test_parity_on_jax` runs this file again on JAX.
"""

import os
import re
import subprocess
import sys

import keras
import numpy as np
import pytest
from conftest import REPO


def random_array(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def copy_weights(source, target):
    """Give `target` `source`'s weights, in order, after checking they have the same shapes."""
    assert [tuple(w.shape) for w in source.weights] == [tuple(w.shape) for w in target.weights]
    target.set_weights([random_array(w.shape, seed=i + 1) for i, w in enumerate(source.weights)])
    source.set_weights(target.get_weights())


# -- issue 8a ----------------------------------------------------------------------------------


@pytest.mark.parametrize("use_bias", [True, False])
def test_dense_layer_matches_keras_dense(use_bias):
    from examples.layers.dense_layer import DenseLayer

    inputs = random_array((3, 4, 6))
    ours = DenseLayer(5, activation="relu", use_bias=use_bias)
    theirs = keras.layers.Dense(5, activation="relu", use_bias=use_bias)
    ours.build(inputs.shape)
    theirs.build(inputs.shape)
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    copy_weights(ours, theirs)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(ours(inputs)), keras.ops.convert_to_numpy(theirs(inputs)), rtol=1e-6, atol=1e-6
    )


def test_bucketize_matches_keras_discretization():
    from examples.layers.bucketize import Bucketize

    boundaries = [-1.0, 0.0, 0.5, 1.5]
    inputs = random_array((3, 5, 4))
    inputs[0, 0, :] = boundaries  # values on a boundary go to the bucket above it, in both
    ours = keras.ops.convert_to_numpy(Bucketize(boundaries)(inputs))
    theirs = keras.ops.convert_to_numpy(keras.layers.Discretization(bin_boundaries=boundaries)(inputs))
    assert ours.dtype == np.int32
    np.testing.assert_array_equal(ours, theirs)


def test_mean_and_variance_match_numpy_and_keras_ops_moments():
    from examples.layers.mean_and_variance import MeanAndVariance

    inputs = random_array((3, 5, 4))
    mean, variance = MeanAndVariance()(inputs)
    keras_mean, keras_variance = keras.ops.moments(inputs, axes=[-1], keepdims=True)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(mean), keras.ops.convert_to_numpy(keras_mean), rtol=1e-6)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(variance), keras.ops.convert_to_numpy(keras_variance), rtol=1e-5, atol=1e-6
    )
    np.testing.assert_allclose(keras.ops.convert_to_numpy(variance), inputs.var(axis=-1, keepdims=True), rtol=1e-5)


def test_gaussian_noise_layer_matches_keras_gaussian_noise():
    from examples.layers.gaussian_noise_layer import GaussianNoiseLayer

    inputs = random_array((64, 32, 8))
    ours, theirs = GaussianNoiseLayer(0.3, seed=5), keras.layers.GaussianNoise(0.3, seed=5)
    # Inference: both are the identity.
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(ours(inputs)), inputs)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(theirs(inputs)), inputs)
    # Training: zero-mean noise of the same standard deviation (16384 draws: within 2%).
    for layer in (ours, theirs):
        noise = keras.ops.convert_to_numpy(layer(inputs, training=True)) - inputs
        assert abs(noise.mean()) < 0.01
        assert abs(noise.std() - 0.3) < 0.006


@pytest.mark.parametrize("shared_axes", [None, [1], [1, 2]])
def test_prelu_all_axes_matches_keras_prelu(shared_axes):
    from examples.layers.p_re_lu_all_axes import PReLUAllAxes

    inputs = random_array((3, 4, 5))
    ours, theirs = PReLUAllAxes(shared_axes=shared_axes), keras.layers.PReLU(shared_axes=shared_axes)
    ours.build(inputs.shape)
    theirs.build(inputs.shape)
    copy_weights(ours, theirs)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(ours(inputs)), keras.ops.convert_to_numpy(theirs(inputs)), rtol=1e-6, atol=1e-6
    )


def test_per_channel_rescaling_matches_keras_rescaling():
    from examples.layers.per_channel_rescaling import PerChannelRescaling

    inputs = random_array((3, 5, 4))
    scale, offset = [0.5, -1.0, 2.0, 3.0], [0.1, 0.2, -0.3, 0.0]
    ours = PerChannelRescaling(4, scale=scale, offset=offset)
    theirs = keras.layers.Rescaling(scale=np.array(scale), offset=np.array(offset))
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(ours(inputs)), keras.ops.convert_to_numpy(theirs(inputs)), rtol=1e-6, atol=1e-6
    )
    # A single number is broadcast to every channel, as Rescaling's scalar.
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(PerChannelRescaling(4, scale=0.5)(inputs)),
        keras.ops.convert_to_numpy(keras.layers.Rescaling(0.5)(inputs)),
        rtol=1e-6,
    )


# -- all backends ------------------------------------------------------------------------------


@pytest.mark.skipif(keras.backend.backend() == "jax", reason="this is the JAX run")
def test_parity_on_jax():
    env = {**os.environ, "KERAS_BACKEND": "jax"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "tests/audit/test_parity.py",
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-6000:]
    assert re.search(r"\d+ passed", result.stdout)


@pytest.mark.parametrize("invert", [False, True])
def test_fixed_normalization_matches_keras_normalization_given_mean_and_variance(invert):
    from examples.layers.fixed_normalization import FixedNormalization

    inputs = random_array((3, 5, 4))
    mean, variance = [0.5, -1.0, 2.0, 3.0], [0.25, 1.0, 4.0, 9.0]
    for ours, theirs in [
        (
            FixedNormalization(4, np.array(mean), np.array(variance), invert=invert),
            keras.layers.Normalization(mean=mean, variance=variance, invert=invert),
        ),
        # One number for every feature, as Normalization's scalar mean and variance.
        (
            FixedNormalization(4, 3.0, 2.0, invert=invert),
            keras.layers.Normalization(mean=3.0, variance=2.0, invert=invert),
        ),
    ]:
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(ours(inputs)),
            keras.ops.convert_to_numpy(theirs(inputs)),
            rtol=1e-6,
            atol=1e-6,
        )
        # Both keep the statistics in the config as plain numbers.
        assert ours.get_config()["mean"] == theirs.get_config()["mean"]
