"""The contract's test of a layer whose `call` takes non-tensor keyword arguments
(`call_kwargs`): the value changes the output, works traced, and a saved model keeps it."""

from __future__ import annotations

from pathlib import Path

from layergen.testing.base import ContractBase, applies_if
from layergen.testing.values import keras, model_inputs, np, numpy_outputs


class CallArgumentTests(ContractBase):
    """Collected only for layers that declare `call_kwargs`."""

    @applies_if(lambda cls: bool(cls.call_kwargs), "call takes no non-tensor arguments")
    def test_call_arguments_change_the_output_and_a_saved_model_keeps_them(self, tmp_path: Path) -> None:
        layer = self.make_layer()
        default = numpy_outputs(layer(*self.call_args(self.make_inputs())))
        inputs = self.make_inputs(items=self.call_inputs or None)
        given = numpy_outputs(layer(*self.call_args(inputs), **self.call_kwargs))
        for output, spec in zip(given, self.expected_outputs(), strict=True):
            assert output.shape == (self.call_output_shape or spec.shape), spec.name
        changed = any(a.shape != b.shape or not np.array_equal(a, b) for a, b in zip(default, given, strict=True))
        assert changed, f"call gives the same output with {self.call_kwargs} as without"
        # The functional graph keeps the keyword arguments of the call that made it.
        items = self.call_inputs or self.inputs
        symbolic = [keras.Input(shape=item.shape[1:], dtype=item.dtype, name=item.name) for item in items]
        model = keras.Model(model_inputs(symbolic), layer(*self.call_args(symbolic), **self.call_kwargs))
        model.save(tmp_path / "model.keras")
        loaded = keras.models.load_model(tmp_path / "model.keras")
        for which in (model, loaded):
            outputs = numpy_outputs(which.predict_on_batch(model_inputs(inputs)))
            for output, expected in zip(outputs, given, strict=True):
                np.testing.assert_allclose(output, expected, rtol=1e-5, atol=1e-6)
