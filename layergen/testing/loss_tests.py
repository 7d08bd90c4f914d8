"""The contract's test of a layer whose `call` adds losses (`self.add_loss`, an activity
regularizer): they are there after each call, not piled up, and training minimizes them."""

from __future__ import annotations

from layergen.testing.base import ContractBase, applies_if
from layergen.testing.values import as_list, keras, model_inputs, np, random_array, to_numpy


class LossTests(ContractBase):
    """Collected only for layers that declare `call_losses`."""

    @applies_if(lambda cls: cls.call_losses > 0, "call adds no losses")
    def test_losses_added_in_call_are_counted_once_and_reach_the_training_loss(self) -> None:
        layer = self.make_layer()
        inputs = self.make_inputs()
        expected_count = self.call_losses + len(self.regularized)
        for _ in range(2):  # Keras clears them at each outermost call: the second does not add more
            outputs = as_list(layer(*self.call_args(inputs), training=False))
            losses = [to_numpy(loss) for loss in layer.losses]
            assert len(losses) == expected_count, f"{len(losses)} losses after a call, not {expected_count}"
            assert all(np.shape(loss) == () and np.isfinite(loss) for loss in losses), losses
        # The evaluation loss is the outputs' mean squared error plus the layer's losses.
        floats = [i for i, output in enumerate(self.expected_outputs()) if output.is_float]
        symbolic = [keras.Input(shape=item.shape[1:], dtype=item.dtype, name=item.name) for item in self.inputs]
        model = keras.Model(
            model_inputs(symbolic), model_inputs([as_list(layer(*self.call_args(symbolic)))[i] for i in floats])
        )
        targets = [random_array(self.expected_outputs()[i].shape, seed=2 + i) for i in floats]
        model.compile(loss="mse")
        total = model.test_on_batch(model_inputs(inputs), model_inputs(targets))
        errors = [np.mean(np.square(to_numpy(outputs[i]) - target)) for i, target in zip(floats, targets, strict=True)]
        expected = sum(errors) + float(sum(np.sum(loss) for loss in losses))
        np.testing.assert_allclose(total, expected, rtol=1e-5, err_msg="the layer's losses are not in the loss")
