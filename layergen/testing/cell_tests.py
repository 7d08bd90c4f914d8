"""The contract's tests of an RNN cell (`state_size` set): the cell inside `keras.layers.RNN`,
which builds it with the shape of one step, starts from its `get_initial_state` and calls it
once per step, from zero states or from the states it is given; the other tests call the cell
on one step, its state (or the list of its states) after the step's input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

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

    def _cell_sizes(self) -> tuple[list[int], int]:
        """The size of each of the cell's states and its `output_size`, which its test class sets."""
        if self.state_size is None or self.output_size is None:
            raise TypeError(f"{type(self).__name__} must set state_size and output_size")
        sizes = self.state_size if isinstance(self.state_size, list) else [self.state_size]
        return sizes, self.output_size

    def initial_states(self, rnn: keras.layers.RNN, batch: int) -> Any:
        """The states the RNN starts from: its cell's `get_initial_state` (a generated cell has one)."""
        return rnn.cell.get_initial_state(batch_size=batch)

    def _step_by_step(self, cell: keras.layers.Layer, sequence: Array, states: list[Any]) -> tuple[Array, list[Array]]:
        """The cell called on each step from `states`: the outputs, stacked, and the last states."""
        count, outputs = len(states), []
        for index in range(_STEPS):
            output, states = cell(sequence[:, index], states)
            assert (
                isinstance(states, (list, tuple)) and len(states) == count
            ), f"call returns (output, [{count} new states])"
            outputs.append(to_numpy(output))
        return np.stack(outputs, axis=1), [to_numpy(state) for state in states]

    @applies_if(_is_cell, "the layer is not an RNN cell")
    def test_cell_inside_keras_rnn_is_a_loop_over_its_steps(self) -> None:
        cell = self.make_layer()
        # keras.layers.RNN reads `output_size` where the cell has one (else the first state's size).
        assert (cell.state_size, getattr(cell, "output_size", None)) == (self.state_size, self.output_size)
        sizes, output_size = self._cell_sizes()
        rnn = keras.layers.RNN(cell, return_sequences=True, return_state=True)
        sequence = self.sequence()
        batch = sequence.shape[0]
        outputs, *states = rnn(sequence)
        assert tuple(outputs.shape) == (batch, _STEPS, output_size)
        assert [tuple(state.shape) for state in states] == [(batch, size) for size in sizes], "return_state's states"
        assert [id(w) for w in rnn.weights] == [id(w) for w in cell.weights], "the RNN's weights are not the cell's"
        initial = self.initial_states(rnn, batch)
        assert isinstance(initial, list) and len(initial) == len(
            sizes
        ), f"get_initial_state returns {len(sizes)} states"
        for state, size in zip(initial, sizes, strict=True):
            assert keras.backend.standardize_dtype(state.dtype) == cell.compute_dtype
            np.testing.assert_array_equal(to_numpy(state), np.zeros((batch, size)))
        # The RNN's loop gives what calling the cell step by step from the initial states gives.
        expected, last = self._step_by_step(cell, sequence, initial)
        np.testing.assert_allclose(to_numpy(outputs), expected, rtol=1e-5, atol=1e-6)
        for index, (state, wanted) in enumerate(zip(states, last, strict=True)):
            np.testing.assert_allclose(to_numpy(state), wanted, rtol=1e-5, atol=1e-6, err_msg=f"state {index}")

    @applies_if(_is_cell, "the layer is not an RNN cell")
    def test_cell_inside_keras_rnn_starts_from_the_initial_states_given(self) -> None:
        cell = self.make_layer()
        sizes, _ = self._cell_sizes()
        rnn = keras.layers.RNN(cell, return_state=True)
        sequence = self.sequence()
        batch = sequence.shape[0]
        initial = [random_array((batch, size), seed=7 + index) for index, size in enumerate(sizes)]
        output, *states = rnn(sequence, initial_state=initial)
        assert len(states) == len(sizes), f"return_state gives {len(states)} states, not {len(sizes)}"
        expected, last = self._step_by_step(cell, sequence, [keras.ops.convert_to_tensor(s) for s in initial])
        np.testing.assert_allclose(to_numpy(output), expected[:, -1], rtol=1e-5, atol=1e-6)
        for index, (state, wanted) in enumerate(zip(states, last, strict=True)):
            np.testing.assert_allclose(to_numpy(state), wanted, rtol=1e-5, atol=1e-6, err_msg=f"state {index}")

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
