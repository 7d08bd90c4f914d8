"""int_tuple arguments (an int or a tuple of `length` ints, kept as a tuple), their items in
shapes, and `none_means`, as the examples MaxPooling1DLayer and ZeroPadding1DLayer use them:
what the generated layers do with each form of the value."""

import keras
import numpy as np
import pytest

from examples.layers.max_pooling1d_layer import MaxPooling1DLayer
from examples.layers.zero_padding1d_layer import ZeroPadding1DLayer
from layergen.analysis import analyze
from layergen.spec.parse import parse_layer_spec
from layergen.spec.source import parse_spec_text


@pytest.mark.parametrize(("padding", "kept"), [(2, (2, 2)), ((1, 3), (1, 3)), ([0, 2], (0, 2))])
def test_an_int_or_a_list_is_kept_as_a_tuple_and_its_items_size_the_output(padding, kept):
    layer = ZeroPadding1DLayer(padding=padding, data_format="channels_last")
    assert layer.padding == kept and layer.get_config()["padding"] == kept
    assert layer.compute_output_shape((2, 5, 3)) == (2, 5 + sum(kept), 3)
    assert layer.compute_output_shape((2, None, 3)) == (2, None, 3)
    assert tuple(layer(np.ones((2, 5, 3), "float32")).shape) == (2, 5 + sum(kept), 3)


def test_none_takes_the_earlier_arguments_value_and_the_config_keeps_it():
    layer = MaxPooling1DLayer(pool_size=3, padding="valid", data_format="channels_last")
    assert layer.strides == (3,) and layer.get_config()["strides"] == (3,)
    assert layer.compute_output_shape((2, 9, 4)) == (2, 3, 4)
    inputs = np.arange(2 * 9 * 4, dtype="float32").reshape((2, 9, 4))
    outputs = keras.ops.convert_to_numpy(layer(inputs))
    np.testing.assert_array_equal(outputs, inputs.reshape((2, 3, 3, 4)).max(axis=2))
    given = MaxPooling1DLayer(pool_size=3, strides=1, padding="valid", data_format="channels_last")
    assert given.strides == (1,) and given.compute_output_shape((2, 9, 4)) == (2, 7, 4)


@pytest.mark.parametrize("bad", [(1, 2), "2", 0, (0,), (True,), 1.5])
def test_a_value_of_another_form_is_refused(bad):
    with pytest.raises(ValueError, match="The `pool_size` argument must be a tuple of 1 integers"):
        MaxPooling1DLayer(pool_size=bad)


NONE_MEANS = """\
layer: Strided
summary: Every stride-th step.
arguments:
  pool: {type: int, min: 1, default: 2}
  stride: {type: int, min: 1, default: null, none_means: pool}
inputs:
  inputs:
    shape: [batch, steps, features]
call: |
  return inputs[:, :: self.stride, :]
output_shapes:
  # Never the case: the layer keeps `pool` for None (the test's conditions must see that).
  - when: stride is None
    shape: [batch, steps, features]
  - shape: [batch, "(steps + stride - 1) // stride", features]
test:
  dimensions: {steps: 9}
"""


def test_the_tests_sizes_and_conditions_read_the_value_none_takes():
    # The test passes pool=3 and leaves stride None: the layer keeps 3, so the case
    # `stride is None` does not hold and the output has ceil(9 / 3) steps.
    source = parse_spec_text(NONE_MEANS, "demo.yaml")
    model = analyze(parse_layer_spec(source), source, module_name="strided", spec_path="demo.yaml", default_package="d")
    assert model.test.init_kwargs and dict(model.test.init_kwargs).get("stride") is None
    assert model.test.output_shape == (2, 3, 5)
