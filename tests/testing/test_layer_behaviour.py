"""Behaviour of generated layers beyond what their own generated tests check."""

import importlib.util
import json

import keras
import numpy as np
import pytest
from conftest import REPO, cli


@pytest.fixture
def load_layer(project):
    """Generate a spec into the temporary project and import its layer class."""

    def load(spec, class_name):
        result = cli("new", spec)
        assert result.exit_code == 0, result.output
        module_path = next((project / "layers").glob("*.py"))
        spec_ = importlib.util.spec_from_file_location(f"generated_{module_path.stem}", module_path)
        module = importlib.util.module_from_spec(spec_)
        spec_.loader.exec_module(module)
        return getattr(module, class_name)

    return load


def test_inputs_sharing_a_dimension_must_agree(load_layer):
    GatedSum = load_layer(REPO / "tests/specs/gated_sum.yaml", "GatedSum")
    with pytest.raises(
        ValueError,
        match=r"`x` and `y` must have the same `features` dimension\. Received: x_shape=\(2, 3\), y_shape=\(2, 4\)",
    ):
        GatedSum()(np.zeros((2, 3), "float32"), np.zeros((2, 4), "float32"))


def test_input_spec_refuses_a_different_last_dimension_after_build(load_layer):
    LinearLayer = load_layer(REPO / "specs/examples/linear_layer.yaml", "LinearLayer")
    layer = LinearLayer(units=2)
    layer(np.zeros((1, 3), "float32"))
    with pytest.raises(ValueError, match="expected axis -1 of input shape to have value 3"):
        layer(np.zeros((1, 5), "float32"))


def test_pretrained_array_of_the_wrong_shape_is_refused(load_layer):
    EmbeddingLayer = load_layer(REPO / "specs/examples/embedding_layer.yaml", "EmbeddingLayer")
    with pytest.raises(
        ValueError,
        match=r"must have shape \(vocab_size, embedding_dim\)\. Expected \(10, 4\), received: shape=\(4, 10\)",
    ):
        EmbeddingLayer(vocab_size=10, embedding_dim=4, pretrained_embeddings=np.zeros((4, 10)))


def test_constants_given_as_arrays_stay_plain_json(load_layer):
    ConstantWeightLayer = load_layer(REPO / "specs/examples/constant_weight_layer.yaml", "ConstantWeightLayer")
    layer = ConstantWeightLayer(scale=np.array([1.0, 2.0, 3.0]))
    assert json.loads(json.dumps(layer.get_config()))["scale"] == [1.0, 2.0, 3.0]
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(np.ones((1, 3), "float32"))), [[1.0, 2.0, 3.0]])
    with pytest.raises(ValueError, match=r"`scale` must be numbers of shape \(3,\)\. Received: scale=\[1.0, 2.0\]"):
        ConstantWeightLayer(scale=[1.0, 2.0])


def test_initializer_from_an_argument_follows_it(load_layer):
    FixedBiasLinear = load_layer(REPO / "specs/examples/fixed_bias_linear.yaml", "FixedBiasLinear")
    layer = FixedBiasLinear(units=2, bias_value=3.5)
    layer(np.zeros((1, 3), "float32"))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer.bias), [3.5, 3.5])
    assert layer.get_config()["bias_initializer"]["config"] == {"value": 3.5}
