"""The contract's tests of Keras masking: the input's mask reaches `call`, and the output's mask
is the one the spec declares."""

from __future__ import annotations

import pytest

from layergen.testing.base import ContractBase, applies_if
from layergen.testing.values import Array, Tensor, keras, np, to_numpy


class MaskTests(ContractBase):
    """Collected only for layers that read the mask (`uses_mask`) or declare one (`output_mask`)."""

    def make_masked_input(self) -> tuple[Array, Array]:
        """A float input whose trailing steps (more in each later row) are zero, and the mask
        that an upstream `Masking(mask_value=0.0)` gives it."""
        (x,) = self.make_inputs()
        steps = x.shape[1]
        for row in range(x.shape[0]):
            x[row, steps - min(row + 1, steps - 1) :] = 0.0
        return x, np.any(x != 0.0, axis=-1)

    def masked_symbolic_call(self, layer: keras.layers.Layer) -> tuple[keras.KerasTensor, Tensor]:
        """The layer called on a `keras.Input` behind `Masking`: (inputs, outputs)."""
        item = self.inputs[0]
        inputs = keras.Input(shape=item.shape[1:], dtype=item.dtype)
        return inputs, layer(keras.layers.Masking(mask_value=0.0)(inputs))

    def _require_a_float_sequence_input(self) -> None:
        item = self.inputs[0]
        if len(self.inputs) != 1 or item.values is not None or len(item.shape) < 3:
            pytest.skip("the mask tests give one float input of rank 3 or more a mask through Masking")

    @applies_if(lambda cls: cls.uses_mask, "call does not read the mask")
    def test_the_input_mask_reaches_call(self) -> None:
        self._require_a_float_sequence_input()
        layer = self.make_layer()
        x, mask = self.make_masked_input()
        inputs, outputs = self.masked_symbolic_call(layer)
        through_a_model = to_numpy(keras.Model(inputs, outputs)(x))
        given = to_numpy(layer(x, mask=mask))
        np.testing.assert_allclose(through_a_model, given, rtol=1e-5, atol=1e-5)
        unmasked = to_numpy(layer(x))
        assert not np.allclose(unmasked, given), "the output does not depend on the mask"

    @applies_if(lambda cls: cls.output_mask is not None, "the layer declares no masking")
    def test_the_output_mask_is_the_declared_one(self) -> None:
        self._require_a_float_sequence_input()
        layer = self.make_layer()
        x, mask = self.make_masked_input()
        layer(x)
        assert layer.supports_masking
        computed = layer.compute_mask(x, keras.ops.convert_to_tensor(mask))
        _, outputs = self.masked_symbolic_call(layer)
        symbolic = getattr(outputs, "_keras_mask", None)
        if self.output_mask == "keep":
            np.testing.assert_array_equal(to_numpy(computed), mask)
            assert symbolic is not None and tuple(symbolic.shape) == (None, *mask.shape[1:])
        elif self.output_mask == "none":
            assert computed is None, "compute_mask gives a mask; the spec says the output has none"
            assert symbolic is None, "the symbolic output carries a mask; the spec says it has none"
        else:
            assert computed is not None and symbolic is not None, "the spec's compute_mask gave no mask"
            assert tuple(symbolic.shape)[1:] == tuple(to_numpy(computed).shape)[1:]
