"""The contract's tests of an RNN cell (`state_size` set): the cell inside `keras.layers.RNN`,
which builds it with the shape of one step, starts from its `get_initial_state` and calls it
once per step; the other tests call the cell on one step, its state as the last input.
"""

from __future__ import annotations

from pathlib import Path

from layergen.testing.base import ContractBase, applies_if
from layergen.testing.values import Array, keras, np, random_array, to_numpy

_STEPS = 3  # steps of the sequences the RNN runs


def _is_cell(cls: type[ContractBase]) -> bool:
    return cls.state_size is not None


class CellTests(ContractBase):
    """Collected only for RNN cells."""

    def sequence(self, seed: int = 5) -> Array:
        """A sequence of `_STEPS` steps shaped like the cell's (first) input."""
        step = self.inputs[0]
        return random_array((step.shape[0], _STEPS, *step.shape[1:]), seed=seed).astype(step.dtype)

    def _cell_sizes(self) -> tuple[int, int]:
        """The cell's `state_size` and `output_size`, which its test class sets."""
        if self.state_size is None or self.output_size is None:
            raise TypeError(f"{type(self).__name__} must set state_size and output_size")
        return self.state_size, self.output_size

    @applies_if(_is_cell, "the layer is not an RNN cell")
    def test_cell_inside_keras_rnn_is_a_loop_over_its_steps(self) -> None:
        cell = self.make_layer()
        assert (cell.state_size, cell.output_size) == (self.state_size, self.output_size)
        rnn = keras.layers.RNN(cell, return_sequences=True, return_state=True)
        sequence = self.sequence()
        batch = sequence.shape[0]
        outputs, state = rnn(sequence)
        assert tuple(outputs.shape) == (batch, _STEPS, self.output_size)
        assert tuple(state.shape) == (batch, self.state_size)
        assert [id(w) for w in rnn.weights] == [id(w) for w in cell.weights], "the RNN's weights are not the cell's"
        initial = cell.get_initial_state(batch_size=batch)
        assert isinstance(initial, list) and len(initial) == 1, "get_initial_state returns a list of one state"
        assert keras.backend.standardize_dtype(initial[0].dtype) == cell.compute_dtype
        np.testing.assert_array_equal(to_numpy(initial[0]), np.zeros((batch, self._cell_sizes()[0])))
        # The RNN's loop gives what calling the cell step by step from the initial state gives.
        states, expected = initial, []
        for index in range(_STEPS):
            output, states = cell(sequence[:, index], states)
            assert isinstance(states, (list, tuple)) and len(states) == 1, "call returns (output, [new_state])"
            expected.append(to_numpy(output))
        np.testing.assert_allclose(to_numpy(outputs), np.stack(expected, axis=1), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(to_numpy(state), to_numpy(states[0]), rtol=1e-5, atol=1e-6)

    @applies_if(_is_cell, "the layer is not an RNN cell")
    def test_cell_inside_keras_rnn_trains_saves_and_loads(self, tmp_path: Path) -> None:
        sequence = self.sequence()
        rnn = keras.layers.RNN(self.make_layer())
        model = keras.Sequential([keras.Input(sequence.shape[1:], dtype=sequence.dtype), rnn])
        before = [to_numpy(w) for w in model.trainable_weights]
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
        targets = random_array((sequence.shape[0], self._cell_sizes()[1]), seed=6)
        for _ in range(2):  # the traced training step: the cell runs inside the RNN's loop
            model.train_on_batch(sequence, targets)
        for old, weight in zip(before, model.trainable_weights, strict=True):
            assert not np.array_equal(old, to_numpy(weight)), f"{weight.path} did not learn inside keras.layers.RNN"
        expected = to_numpy(model.predict_on_batch(sequence))
        model.save(tmp_path / "rnn.keras")
        loaded = keras.models.load_model(tmp_path / "rnn.keras")
        assert type(loaded.layers[-1].cell) is self.layer_class
        np.testing.assert_allclose(to_numpy(loaded.predict_on_batch(sequence)), expected, rtol=1e-6, atol=1e-6)
