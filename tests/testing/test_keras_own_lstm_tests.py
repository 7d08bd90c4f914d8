"""The generated LSTMCell (specs/examples/lstm_cell.yaml), a cell with two states, inside
keras.layers.RNN, proved by Keras.

Keras's own LSTM tests (keras/src/layers/rnn/lstm_test.py, from the installed wheel) run with
`layers.LSTM` in that file standing for `keras.layers.RNN` holding the generated cell: the
stand-in below takes LSTM's constructor arguments, as `keras.layers.LSTM` does, and passes
them on to the generated cell (whose recurrent weight is `recurrent_kernel`, so its
arguments are `recurrent_kernel_*` where LSTM says `recurrent_*`). No assertion of Keras's is
edited; the tests outside the cell's scope are listed with the reason.

`unit_forget_bias` is an argument of the generated cell (the spec's bias is made in parts,
`initializer_parts`): the stand-in passes it straight through, with the user's
`bias_initializer`, as keras.layers.LSTM passes both to its cell. Then the generated cell is
compared with keras.layers.LSTMCell holding the same weights, step by step and inside
keras.layers.RNN, both states included, and the bias both make is compared for either
`unit_forget_bias`.
"""

import importlib
import unittest

import keras
import numpy as np
import pytest

from examples.layers.lstm_cell import LSTMCell

lstm_test = importlib.import_module("keras.src.layers.rnn.lstm_test")

IN_SCOPE = [
    "test_correctness",  # both `implementation` values: the cell has one way to compute
    "test_statefulness",
    "test_pass_initial_state",
    "test_masking",
]
LEFT_OUT = {
    "test_basics": "dropout and recurrent_dropout: keras.layers.RNN primes a DropoutRNNCell's masks "
    "before its loop, machinery a spec's cell does not have (random cells are refused)",
}
_BASE_LAYER_FIELDS = ("name", "trainable", "dtype")


class LSTMOfTheGeneratedCell(keras.layers.RNN):
    """keras.layers.LSTM's constructor, building keras.layers.RNN around the generated LSTMCell."""

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        use_cudnn="auto",
        **kwargs,
    ):
        if dropout or recurrent_dropout:
            raise ValueError("out of the generated cell's scope: dropout, recurrent_dropout")
        kwargs.pop("implementation", None)  # LSTM's choice of kernel; the cell has one way to compute
        cell = LSTMCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            recurrent_kernel_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            unit_forget_bias=unit_forget_bias,
            kernel_regularizer=kernel_regularizer,
            recurrent_kernel_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_kernel_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="lstm_cell",
        )
        super().__init__(
            cell,
            return_sequences=return_sequences,
            return_state=return_state,
            go_backwards=go_backwards,
            stateful=stateful,
            unroll=unroll,
            activity_regularizer=activity_regularizer,
            **kwargs,
        )
        self.input_spec = keras.InputSpec(ndim=3)
        self.seed, self.use_cudnn = seed, use_cudnn

    def get_config(self):
        cell = {key: value for key, value in self.cell.get_config().items() if key not in _BASE_LAYER_FIELDS}
        cell = {key.replace("recurrent_kernel_", "recurrent_"): value for key, value in cell.items()}
        config = super().get_config()
        del config["cell"]
        return {**config, **cell, "seed": self.seed}

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class _LayersWithTheGeneratedLSTM:
    """`keras.src.layers` as lstm_test.py sees it, with LSTM built around the generated cell."""

    LSTM = LSTMOfTheGeneratedCell

    def __getattr__(self, name):
        return getattr(keras.src.layers, name)


def _keras_tests() -> list[str]:
    """The test methods of lstm_test.py (a parameterized one as `test_correctness0`, ...)."""
    return sorted(name for name in dir(lstm_test.LSTMTest) if name.startswith("test"))


def test_every_keras_lstm_test_is_run_or_left_out_with_a_reason():
    assert {name.rstrip("0123456789") for name in _keras_tests()} == set(IN_SCOPE) | set(LEFT_OUT)
    assert all(reason.strip() for reason in LEFT_OUT.values())


def test_the_stand_in_holds_the_generated_cell_and_refuses_what_it_cannot_do():
    layer = _LayersWithTheGeneratedLSTM().LSTM(3, recurrent_initializer="ones", unit_forget_bias=False)
    assert type(layer.cell) is LSTMCell
    assert layer.cell.state_size == [3, 3]
    assert keras.initializers.serialize(layer.cell.recurrent_kernel_initializer)["class_name"] == "Ones"
    config = layer.get_config()
    assert (config["recurrent_initializer"]["class_name"], config["unit_forget_bias"]) == ("Ones", False)
    assert type(LSTMOfTheGeneratedCell.from_config(config).cell) is LSTMCell
    with pytest.raises(ValueError, match="out of the generated cell's scope"):
        _LayersWithTheGeneratedLSTM().LSTM(3, dropout=0.5)


@pytest.mark.parametrize("name", [n for n in _keras_tests() if n.rstrip("0123456789") in IN_SCOPE])
def test_keras_lstm_test_passes_with_the_generated_cell(name, monkeypatch):
    for mark in getattr(getattr(lstm_test.LSTMTest, name), "pytestmark", []):
        if mark.name in ("skipif", "xfail") and mark.args and mark.args[0]:  # pytest's marks, unread by unittest
            pytest.skip(f"Keras marks it {mark.name} here: {mark.kwargs['reason']}")
    monkeypatch.setattr(lstm_test, "layers", _LayersWithTheGeneratedLSTM())
    result = unittest.TestResult()
    lstm_test.LSTMTest(name).run(result)
    problems = result.errors + result.failures
    assert not problems, problems[0][1]
    if result.skipped:
        pytest.skip(f"Keras skips it here: {result.skipped[0][1]}")
    assert result.testsRun == 1


@pytest.mark.parametrize("unit_forget_bias", [True, False])
def test_unit_forget_bias_makes_the_bias_keras_lstmcell_makes(unit_forget_bias):
    initializer = keras.initializers.Constant(0.5)
    ours = LSTMCell(3, bias_initializer=initializer, unit_forget_bias=unit_forget_bias)
    theirs = keras.layers.LSTMCell(3, bias_initializer=initializer, unit_forget_bias=unit_forget_bias)
    ours.build((2, 4))
    theirs.build((2, 4))
    forget_gate = [1.0] * 3 if unit_forget_bias else [0.5] * 3
    expected = np.array([0.5] * 3 + forget_gate + [0.5] * 6, dtype="float32")
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(ours.bias), expected)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(theirs.bias), expected)
    # What the user passed is what the config keeps, as Keras's cell keeps it.
    assert ours.get_config()["bias_initializer"] == theirs.get_config()["bias_initializer"]
    assert ours.get_config()["unit_forget_bias"] is unit_forget_bias


def _copy_weights(source, target, seed=3):
    assert [tuple(w.shape) for w in source.weights] == [tuple(w.shape) for w in target.weights]
    rng = np.random.default_rng(seed)
    values = [rng.normal(scale=0.5, size=w.shape).astype("float32") for w in source.weights]
    source.set_weights(values)
    target.set_weights(values)


def _assert_close(got, expected):
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(got), keras.ops.convert_to_numpy(expected), rtol=1e-5, atol=1e-6
    )


@pytest.mark.parametrize("use_bias", [True, False])
def test_the_generated_cell_matches_keras_lstmcell_with_copied_weights(use_bias):
    ours, theirs = LSTMCell(4, use_bias=use_bias), keras.layers.LSTMCell(4, use_bias=use_bias)
    ours.build((2, 3))
    theirs.build((2, 3))
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    assert (ours.state_size, ours.output_size) == (theirs.state_size, theirs.output_size)
    _copy_weights(ours, theirs)
    rng = np.random.default_rng(0)
    step = rng.normal(size=(2, 3)).astype("float32")
    states = [rng.normal(size=(2, 4)).astype("float32") for _ in range(2)]
    (output, new_states), (expected, expected_states) = ours(step, states), theirs(step, states)
    _assert_close(output, expected)
    assert len(new_states) == len(expected_states) == 2
    for got, wanted in zip(new_states, expected_states, strict=True):
        _assert_close(got, wanted)
    for got, wanted in zip(ours.get_initial_state(2), theirs.get_initial_state(2), strict=True):
        _assert_close(got, wanted)


def test_the_generated_cell_inside_keras_rnn_matches_keras_lstm():
    rng = np.random.default_rng(1)
    sequence = rng.normal(size=(2, 5, 3)).astype("float32")
    initial = [rng.normal(size=(2, 4)).astype("float32") for _ in range(2)]
    ours = keras.layers.RNN(LSTMCell(4), return_sequences=True, return_state=True)
    theirs = keras.layers.LSTM(4, return_sequences=True, return_state=True)
    ours.build(sequence.shape)
    theirs.build(sequence.shape)
    _copy_weights(ours, theirs)
    for initial_state in (None, initial):
        got, expected = ours(sequence, initial_state=initial_state), theirs(sequence, initial_state=initial_state)
        assert len(got) == len(expected) == 3  # the sequence, h and c
        for mine, wanted in zip(got, expected, strict=True):
            _assert_close(mine, wanted)
