"""Constants the user gives at construction (`constants:` without `value`): a required
argument in signature order, refused as Keras refuses a wrong value (TypeError for a value
that is not numbers, ValueError for a wrong shape), kept as plain numbers in the config."""

import inspect
import json
import re

import keras
import numpy as np
import pytest
from conftest import REPO, generated_class

SPEC = (REPO / "tests" / "specs" / "given_constants.yaml").read_text()


@pytest.fixture
def given_constants(project):
    return project, generated_class(project, "given_constants", SPEC, "GivenConstants")


def test_a_given_constant_is_required_and_comes_before_the_arguments_with_defaults(given_constants):
    project, layer_class = given_constants
    code = (project / "layers" / "given_constants.py").read_text()
    parameters = inspect.signature(layer_class.__init__).parameters.values()
    assert [str(p) for p in parameters] == [
        "self",
        "features",
        "scale",
        "shift",
        "steps",
        "rate=0.5",
        "bias=1.0",
        "**kwargs",
    ]
    assert "scale: One factor for each of the doubled features.\n" in code
    assert "shift: Constant value: a single number.\n" in code


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        (
            {"scale": [1.0, 2.0]},
            ValueError,
            "`scale` must be a number or numbers of shape (2 * features,). Expected shape (6,), received: shape=(2,)",
        ),
        (
            {"scale": "wide"},
            TypeError,
            "`scale` must be a number or numbers of shape (2 * features,). Received: scale='wide'",
        ),
        ({"scale": [True] * 6}, TypeError, "`scale` must be a number or numbers of shape (2 * features,)."),
        ({"shift": [1.0, 2.0]}, ValueError, "`shift` must be a single number. Received: shift=[1.0, 2.0]"),
        ({"shift": None}, TypeError, "`shift` must be a single number. Received: shift=None"),
        ({"steps": [0.5] * 6}, TypeError, "`steps` must be an integer or integers of shape (2 * features,)."),
    ],
)
def test_a_wrong_value_is_refused_as_keras_refuses_it(given_constants, arguments, error, message):
    _, layer_class = given_constants
    with pytest.raises(error) as raised:
        layer_class(**{"features": 3, "scale": 2.0, "shift": 0.5, "steps": 0, **arguments})
    assert str(raised.value).startswith(message), str(raised.value)


def test_a_missing_given_constant_is_a_python_error(given_constants):
    _, layer_class = given_constants
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'shift'"):
        layer_class(features=3, scale=2.0, steps=0)


def test_arrays_are_kept_as_plain_numbers_and_a_number_is_broadcast(given_constants):
    _, layer_class = given_constants
    layer = layer_class(features=3, scale=np.arange(6, dtype="float32"), shift=np.float64(0.5), steps=np.arange(6))
    config = layer.get_config()
    assert json.loads(json.dumps(config))["scale"] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert config["shift"] == 0.5 and type(config["shift"]) is float
    assert config["steps"] == [0, 1, 2, 3, 4, 5] and type(config["steps"][0]) is int
    clone = layer_class.from_config(config)
    inputs = np.ones((2, 3), dtype="float32")
    np.testing.assert_allclose(clone(inputs), layer(inputs))
    np.testing.assert_allclose(layer(inputs)[0], (1.5 * np.arange(6) * 0.5) + 1.0 + np.arange(6))
    broadcast = layer_class(features=3, scale=2.0, shift=0.0, steps=0)
    np.testing.assert_allclose(broadcast(inputs), np.full((2, 6), 2.0))


def test_the_generated_test_passes_a_given_constant_and_the_values_it_refuses(given_constants):
    project, _ = given_constants
    test = (project / "tests" / "test_given_constants.py").read_text()
    assert '"scale": (3.0, 3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5)' in test and '"shift": 3.0' in test
    assert 'given_constants = ["scale", "shift", "steps"]' in test
    assert '"steps": (3, 4, 5, 6, 7, 8, 9, 10)' in test and "received: shape=(2,)" in test
    assert '"`shift` must be a single number. Received: shift=(1.0, 2.0)"' in test
    assert "shape (8,), received: shape=(2,)" in test


def _generated_class(project, spec_name, class_name):
    return generated_class(project, spec_name, (REPO / "tests" / "specs" / f"{spec_name}.yaml").read_text(), class_name)


def test_a_constant_sized_by_the_input_is_checked_in_build_as_keras_normalization_does(project):
    layer_class = _generated_class(project, "input_normalization", "InputNormalization")
    inputs = np.random.default_rng(0).normal(size=(2, 5, 3)).astype("float32")
    mean, variance = [0.5, -1.0, 2.0], [0.25, 1.0, 4.0]
    for ours, theirs in [
        (layer_class(np.array(mean), np.array(variance)), keras.layers.Normalization(mean=mean, variance=variance)),
        (layer_class(3.0, 2.0), keras.layers.Normalization(mean=3.0, variance=2.0)),
    ]:
        np.testing.assert_allclose(ours(inputs), theirs(inputs), rtol=1e-6, atol=1e-6)
    # `__init__` knows the rank only; `build` knows the size.
    with pytest.raises(
        ValueError, match=re.escape("`mean` must be a number or numbers of shape (features,). Received: shape=(1, 3)")
    ):
        layer_class([mean], variance)
    layer = layer_class([1.0, 2.0], variance)
    message = "`mean` must be a number or numbers of shape (features,). Expected shape (3,), received: shape=(2,)"
    with pytest.raises(ValueError, match=re.escape(message)):
        layer(inputs)
    # An unknown size is not refused before it is known.
    layer_class([1.0, 2.0], [1.0, 2.0]).build((None, None))
