"""The contract's shape tests for a hand-written layer that leaves `compute_output_shape` to
Keras (which then traces `call`): the same checks, less the direct `compute_output_shape` call
that only a layer defining it can answer. Used by the probe, in the fresh process."""

from __future__ import annotations

import json
from typing import Any

from layergen.testing.values import as_list, assert_same_outputs, dtype_of, keras, model_inputs, np, numpy_outputs

# The tests below run as methods of the contract class the probe makes (`self: Any`): its
# helpers (`make_layer`, `make_inputs`, ...) and the Keras objects they give are not annotated.


class InferredShapes:
    def test_output_shape_matches_spec_and_compute_output_shape(self: Any) -> None:
        layer = self.make_layer()
        outputs = as_list(layer(*self.make_inputs()))
        for output, spec in zip(outputs, self.expected_outputs(), strict=True):
            assert tuple(output.shape) == spec.shape, spec.name

    def test_symbolic_output_shape_and_a_traced_call_at_another_batch_size(self: Any) -> None:
        layer = self.make_layer()
        inputs = [keras.Input(shape=item.shape[1:], dtype=item.dtype) for item in self.inputs]
        outputs = layer(*inputs)
        expected = self.expected_outputs()
        for output, spec in zip(as_list(outputs), expected, strict=True):
            assert tuple(output.shape) in ((None, *spec.shape[1:]), spec.shape), spec.name
            assert dtype_of(output) == (spec.dtype or layer.compute_dtype), spec.name
        model = keras.Model(model_inputs(inputs), outputs)  # type: ignore[no-untyped-call, unused-ignore]
        arrays = self.make_inputs()
        batches = [arrays, [np.concatenate([x, x[:1]]) for x in arrays]]
        for rows in batches:
            predicted = as_list(model.predict_on_batch(model_inputs(rows)))  # type: ignore[no-untyped-call, unused-ignore]
            for output, spec in zip(predicted, expected, strict=True):
                assert output.shape == (len(rows[0]), *spec.shape[1:]), spec.name


class InheritedInit:
    """The config test for a class that keeps Layer's own `__init__`: no argument of its own
    to find in the config, the rest as the contract checks it."""

    def test_config_is_json_and_rebuilds_an_identical_layer(self: Any) -> None:
        layer = self.make_layer()
        inputs = self.make_inputs()
        expected = numpy_outputs(layer(*inputs))
        config = layer.get_config()
        clone = self.layer_class.from_config(json.loads(json.dumps(config)))
        clone(*inputs)
        clone.set_weights(layer.get_weights())
        assert_same_outputs(clone(*inputs), expected)  # type: ignore[no-untyped-call, unused-ignore]
        assert clone.get_config() == config
