"""`adapt`: state weights set to statistics of a data set. The generated `adapt` of the
examples against keras.layers.Normalization's own, and what it refuses."""

import os
import subprocess
import sys

import keras
import numpy as np
import pytest
from conftest import REPO

from examples.layers.min_max_scaler import MinMaxScaler
from examples.layers.normalization_layer import NormalizationLayer


@pytest.mark.parametrize("axis", [-1, (1, 2)])
def test_the_example_adapts_as_keras_normalization_does(axis):
    data = np.random.default_rng(0).normal(size=(29, 4, 3, 5)).astype("float32")
    batches = [data[:5], data[5:6], data[6:]]
    ours, theirs = NormalizationLayer(axis=axis), keras.layers.Normalization(axis=axis)
    ours.adapt(iter(batches))
    theirs.adapt(batches)
    for mine, keras_weight in [(ours.adapt_mean, theirs.adapt_mean), (ours.adapt_variance, theirs.adapt_variance)]:
        np.testing.assert_allclose(keras.ops.convert_to_numpy(mine), keras.ops.convert_to_numpy(keras_weight), 1e-5)
    outputs = keras.ops.convert_to_numpy(ours(data))
    np.testing.assert_allclose(outputs, keras.ops.convert_to_numpy(theirs(data)), rtol=1e-4, atol=1e-5)
    assert int(keras.ops.convert_to_numpy(ours.count)) == data.size  # `count` has shape (): every value


def test_a_min_max_scaler_keeps_the_features_named_by_its_shape():
    data = np.random.default_rng(1).normal(size=(10, 6, 3)).astype("float32")
    layer = MinMaxScaler()
    layer.adapt(data, batch_size=3)
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer.minimum), data.min(axis=(0, 1)))
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer.maximum), data.max(axis=(0, 1)))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer.seen), [60, 60, 60])  # per feature
    outputs = keras.ops.convert_to_numpy(layer(data))
    np.testing.assert_allclose(outputs.min(axis=(0, 1)), 0.0, atol=1e-6)
    np.testing.assert_allclose(outputs.max(axis=(0, 1)), 1.0, atol=1e-6)


def test_adapt_refuses_what_it_cannot_read():
    with pytest.raises(ValueError, match="has none of the weights `adapt` sets with its arguments"):
        NormalizationLayer(mean=0.0, variance=1.0).adapt(np.zeros((4, 3)))
    with pytest.raises(TypeError, match="Unsupported data type"):
        MinMaxScaler().adapt(3)
    with pytest.raises(ValueError, match="an incompatible shape"):
        MinMaxScaler().adapt([np.zeros((4, 3)), np.zeros((4, 2))])
    with pytest.raises(ValueError, match="an incompatible shape"):
        NormalizationLayer(axis=3).adapt(np.zeros((4, 3)))


def test_the_generated_module_imports_no_tensorflow_when_it_adapts():
    code = (
        "import sys, numpy as np\n"
        "from examples.layers.normalization_layer import NormalizationLayer\n"
        "NormalizationLayer().adapt([np.ones((4, 3)), np.zeros((2, 3))])\n"
        "assert 'tensorflow' not in sys.modules, 'tensorflow was imported'\n"
    )
    env = {**os.environ, "KERAS_BACKEND": "jax", "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
