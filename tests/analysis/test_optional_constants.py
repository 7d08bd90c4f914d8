"""Constants the user may leave out (`value: null`): a default of None, kept as None in the
config, checked only when given, None in `call` when left out, and read by a weight's `when`
as `<constant> is None`, as keras.layers.Normalization makes its adapted statistics only
without `mean` and `variance`."""

import inspect

import keras
import numpy as np
import pytest
from conftest import REPO, generated_class

SPEC = (REPO / "tests" / "specs" / "optional_constants.yaml").read_text()


@pytest.fixture
def optional_shift(project):
    return project, generated_class(project, "optional_constants", SPEC, "OptionalShift")


def test_an_optional_constant_defaults_to_none_and_the_config_keeps_none(optional_shift):
    project, layer_class = optional_shift
    parameters = inspect.signature(layer_class.__init__).parameters
    assert parameters["shift"].default is None and parameters["spread"].default is None
    layer = layer_class()
    assert layer.get_config()["shift"] is None
    rebuilt = layer_class.from_config(layer.get_config())
    assert rebuilt.shift is None and rebuilt.spread is None
    code = (project / "layers" / "optional_shift.py").read_text()
    assert "None learns\n" in code and "Defaults to `None`." in code


def test_a_given_value_is_checked_and_kept_as_plain_numbers(optional_shift):
    _, layer_class = optional_shift
    layer = layer_class(shift=np.array([1.0, 2.0, 3.0]), spread=2.0)
    assert layer.get_config()["shift"] == [1.0, 2.0, 3.0]
    with pytest.raises(TypeError, match="`shift` must be a number or numbers of shape"):
        layer_class(shift="three")
    with pytest.raises(ValueError, match="`spread` must be a single number"):
        layer_class(spread=[1.0, 2.0])
    with pytest.raises(ValueError, match=r"Expected shape \(3,\), received: shape=\(2,\)"):
        layer_class(shift=[1.0, 2.0])(np.zeros((2, 3)))


def test_the_weight_exists_only_when_the_constant_is_left_out(optional_shift):
    _, layer_class = optional_shift
    x = np.arange(6.0).reshape(2, 3)
    left_out = layer_class(scale=2.0)
    outputs = keras.ops.convert_to_numpy(left_out(x))
    assert [w.path.split("/")[-1] for w in left_out.weights] == ["offset"]
    np.testing.assert_allclose(outputs, 2.0 * x)  # `offset` starts at zeros
    given = layer_class(shift=[1.0, 2.0, 3.0], spread=2.0)
    outputs = keras.ops.convert_to_numpy(given(x))
    assert given.weights == [] and given.offset is None
    np.testing.assert_allclose(outputs, (x - [1.0, 2.0, 3.0]) / 2.0)


def test_the_generated_test_gives_the_constant_and_a_subclass_leaves_it_out(optional_shift):
    project, _ = optional_shift
    code = (project / "tests" / "test_optional_shift.py").read_text()
    assert '"shift": (3.0, 3.5, 4.0), "spread": 3.0}' in code
    assert 'given_constants = ["shift", "spread"]' in code
    subclass = code.split("class TestOptionalShiftWithoutShift(TestOptionalShift):\n", 1)[1]
    assert subclass.splitlines()[:3] == [
        '    init_kwargs = {**TestOptionalShift.init_kwargs, "shift": None}',
        '    trainable = ["offset"]',
        '    given_constants = ["spread"]',
    ]


def test_constants_given_together_are_refused_alone_as_keras_normalization_refuses_them():
    from examples.layers.normalization_layer import NormalizationLayer

    for given in ({"mean": 0.5}, {"variance": 0.1}):
        with pytest.raises(ValueError, match="When one is given, both `mean` and `variance` must be set"):
            NormalizationLayer(**given)
    assert NormalizationLayer(mean=0.5, variance=0.1).get_config()["variance"] == 0.1
    assert NormalizationLayer().get_config()["mean"] is None
    code = (REPO / "examples" / "tests" / "test_normalization_layer.py").read_text()
    base, subclass = code.split("class TestNormalizationLayerWithoutMeanVariance(TestNormalizationLayer):\n")
    # The base class gives both and leaves one out; the class that leaves both out gives one.
    assert '("mean", None, "When one is given, both `mean` and `variance` must be set."),' in base
    assert '("mean", (3.0, 3.5, 4.0), "When one is given, both `mean` and `variance` must be set."),' in subclass


THREE_TOGETHER = """\
layer: ThreeTogether
summary: An affine map whose three optional constants are given together or not at all.
constants:
  low: {shape: [], value: null, together_with: [high, step]}
  high: {shape: [], value: null}
  step: {shape: [], value: null, together_with: [low]}
inputs:
  inputs: {shape: [batch, ..., features]}
call: |
  if low is None:
      return inputs
  return (inputs - low) * step + high
output_shape: [batch, ..., features]
"""


def test_a_group_of_three_is_given_all_together_or_not_at_all(project):
    layer_class = generated_class(project, "three", THREE_TOGETHER, "ThreeTogether")
    layer_class()
    layer_class(low=0.0, high=2.0, step=1.0)
    for given in ({"low": 0.0}, {"low": 0.0, "high": 1.0}, {"step": 1.0}):
        with pytest.raises(ValueError, match="When one is given, all of `low`, `high` and `step` must be set"):
            layer_class(**given)
    code = (project / "tests" / "test_three_together.py").read_text()
    case = code.split("invalid_arguments = [", 1)[1]
    assert (
        '"low",\n            None,\n            "When one is given, all of `low`, `high` and `step` must be set."'
        in case
    )
