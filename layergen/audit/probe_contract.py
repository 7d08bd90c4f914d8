"""What the probe changes of the layer contract for a hand-written class: the shape tests of a
layer that leaves `compute_output_shape` to Keras (which then traces `call`): the same checks,
less the direct `compute_output_shape` call that only a layer defining it can answer; the
config test of a class that keeps Layer's `__init__`; and an RNN cell, called as
keras.layers.RNN calls it. Used by the probe, in the fresh process."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from layergen.audit.probe_inputs import inherited
from layergen.testing.core_tests import CoreTests
from layergen.testing.values import as_list, assert_same_outputs, dtype_of, keras, model_inputs, np, numpy_outputs

# The tests below run as methods of the contract class the probe makes (`self: Any`): its
# helpers (`make_layer`, `make_inputs`, ...) and the Keras objects they give are not annotated.


class InferredShapes:
    def test_output_shape_matches_spec_and_compute_output_shape(self: Any) -> None:
        layer = self.make_layer()
        outputs = as_list(layer(*self.call_args(self.make_inputs())))
        for output, spec in zip(outputs, self.expected_outputs(), strict=True):
            assert tuple(output.shape) == spec.shape, spec.name

    def test_symbolic_output_shape_and_a_traced_call_at_another_batch_size(self: Any) -> None:
        layer = self.make_layer()
        inputs = [keras.Input(shape=item.shape[1:], dtype=item.dtype) for item in self.inputs]
        outputs = layer(*self.call_args(inputs))
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

    def check_output_spec_dtypes(self: Any, layer: Any, inputs: Any, outputs: Any) -> None:
        # Keras's own compute_output_spec traces call, and __call__ runs it on inputs cast to
        # the compute dtype, under autocast: called directly on float32 specs it differs, and
        # no model ever calls it so.
        if not inherited(type(layer).compute_output_spec):
            CoreTests.check_output_spec_dtypes(self, layer, inputs, outputs)


class InheritedInit:
    """The config test for a class that keeps Layer's own `__init__`: no argument of its own
    to find in the config, the rest as the contract checks it."""

    def test_config_is_json_and_rebuilds_an_identical_layer(self: Any) -> None:
        layer = self.make_layer()
        inputs = self.make_inputs()
        expected = numpy_outputs(layer(*self.call_args(inputs)))
        config = layer.get_config()
        clone = self.layer_class.from_config(json.loads(json.dumps(config)))
        clone(*self.call_args(inputs))
        clone.set_weights(layer.get_weights())
        assert_same_outputs(clone(*self.call_args(inputs)), expected)  # type: ignore[no-untyped-call, unused-ignore]
        assert clone.get_config() == config


class HandWrittenCell:
    """An RNN cell (a layer with `state_size`), called as keras.layers.RNN calls it: the step's
    input, then its states as one list, one `(batch, size)` tensor per entry of `state_size`
    (one state too, which a cell may read as `states[0]`). Its test class holds the cell's own
    `state_size` (an int, a list or a tuple) and `output_size` (None where it has none: the RNN
    then takes the first state's size)."""

    def call_args(self: Any, inputs: Sequence[Any]) -> list[Any]:
        return [inputs[0], list(inputs[1:])]

    def initial_states(self: Any, rnn: Any, batch: int) -> Any:
        # A cell's `get_initial_state` is optional: the RNN makes zero states without one.
        return rnn.get_initial_state(batch)

    def _cell_sizes(self: Any) -> tuple[list[int], int]:
        size = self.state_size
        sizes = list(size) if isinstance(size, (list, tuple)) else [size]
        return sizes, self.output_size if self.output_size is not None else sizes[0]


def cell_data(cell: Any) -> dict[str, Any]:
    """The test class's data of an RNN cell: its `state_size` and `output_size` as it has them."""
    return {"state_size": cell.state_size, "output_size": getattr(cell, "output_size", None)}
