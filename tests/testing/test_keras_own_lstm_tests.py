"""The generated LSTMCell (specs/examples/lstm_cell.yaml), a cell with two states, inside
keras.layers.RNN, proved by Keras.

Keras's own LSTM tests (keras/src/layers/rnn/lstm_test.py, from the installed wheel) run with
`layers.LSTM` in that file standing for `keras.layers.RNN` holding the generated cell: the
stand-in (keras_rnn_stand_in.py) takes LSTM's constructor arguments, as `keras.layers.LSTM`
does, and passes them on to the generated cell (whose recurrent weight is `recurrent_kernel`,
so its arguments are `recurrent_kernel_*` where LSTM says `recurrent_*`). No assertion of
Keras's is edited; the tests outside the cell's scope are listed with the reason.

`unit_forget_bias` is an argument of the generated cell (the spec's bias is made in parts,
`initializer_parts`): the stand-in passes it straight through, with the user's
`bias_initializer`, as keras.layers.LSTM passes both to its cell. Then the generated cell is
compared with keras.layers.LSTMCell holding the same weights, step by step and inside
keras.layers.RNN, both states included, and the bias both make is compared for either
`unit_forget_bias`.
"""

import importlib

import keras
import numpy as np
import pytest
from keras_rnn_stand_in import (
    DROPOUT,
    LayersWith,
    RecurrentStandIn,
    assert_close,
    assert_every_test_is_run_or_left_out,
    copy_weights,
    keras_test_methods,
    run_keras_tests,
    variant_of,
)

from examples.layers.lstm_cell import LSTMCell

lstm_test = importlib.import_module("keras.src.layers.rnn.lstm_test")

IN_SCOPE = [
    "test_correctness",  # both `implementation` values: the cell has one way to compute
    "test_statefulness",
    "test_pass_initial_state",
    "test_masking",
]
LEFT_OUT = {
    "test_basics": DROPOUT,
}


class LSTMOfTheGeneratedCell(RecurrentStandIn):
    """keras.layers.LSTM's constructor, building keras.layers.RNN around the generated LSTMCell."""

    cell_class, cell_name = LSTMCell, "lstm_cell"
    cell_arguments = {"unit_forget_bias": True}


LAYERS = LayersWith(LSTM=LSTMOfTheGeneratedCell)  # `keras.src.layers` as lstm_test.py sees it


def test_every_keras_lstm_test_is_run_or_left_out_with_a_reason():
    assert_every_test_is_run_or_left_out(lstm_test.LSTMTest, IN_SCOPE, LEFT_OUT)


def test_the_stand_in_holds_the_generated_cell_and_refuses_what_it_cannot_do():
    layer = LAYERS.LSTM(3, recurrent_initializer="ones", unit_forget_bias=False)
    assert type(layer.cell) is LSTMCell
    assert layer.cell.state_size == [3, 3]
    assert keras.initializers.serialize(layer.cell.recurrent_kernel_initializer)["class_name"] == "Ones"
    config = layer.get_config()
    assert (config["recurrent_initializer"]["class_name"], config["unit_forget_bias"]) == ("Ones", False)
    assert type(LSTMOfTheGeneratedCell.from_config(config).cell) is LSTMCell
    with pytest.raises(ValueError, match="out of the generated cell's scope"):
        LAYERS.LSTM(3, dropout=0.5)


@pytest.mark.parametrize("name", [n for n in keras_test_methods(lstm_test.LSTMTest) if variant_of(n) in IN_SCOPE])
def test_keras_lstm_test_passes_with_the_generated_cell(name, monkeypatch):
    run_keras_tests(lstm_test, lstm_test.LSTMTest, [name], LAYERS, monkeypatch)


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


@pytest.mark.parametrize("use_bias", [True, False])
def test_the_generated_cell_matches_keras_lstmcell_with_copied_weights(use_bias):
    ours, theirs = LSTMCell(4, use_bias=use_bias), keras.layers.LSTMCell(4, use_bias=use_bias)
    ours.build((2, 3))
    theirs.build((2, 3))
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    assert (ours.state_size, ours.output_size) == (theirs.state_size, theirs.output_size)
    copy_weights(ours, theirs)
    rng = np.random.default_rng(0)
    step = rng.normal(size=(2, 3)).astype("float32")
    states = [rng.normal(size=(2, 4)).astype("float32") for _ in range(2)]
    (output, new_states), (expected, expected_states) = ours(step, states), theirs(step, states)
    assert_close(output, expected)
    assert len(new_states) == len(expected_states) == 2
    for got, wanted in zip(new_states, expected_states, strict=True):
        assert_close(got, wanted)
    for got, wanted in zip(ours.get_initial_state(2), theirs.get_initial_state(2), strict=True):
        assert_close(got, wanted)


def test_the_generated_cell_inside_keras_rnn_matches_keras_lstm():
    rng = np.random.default_rng(1)
    sequence = rng.normal(size=(2, 5, 3)).astype("float32")
    initial = [rng.normal(size=(2, 4)).astype("float32") for _ in range(2)]
    ours = keras.layers.RNN(LSTMCell(4), return_sequences=True, return_state=True)
    theirs = keras.layers.LSTM(4, return_sequences=True, return_state=True)
    ours.build(sequence.shape)
    theirs.build(sequence.shape)
    copy_weights(ours, theirs)
    for initial_state in (None, initial):
        got, expected = ours(sequence, initial_state=initial_state), theirs(sequence, initial_state=initial_state)
        assert len(got) == len(expected) == 3  # the sequence, h and c
        for mine, wanted in zip(got, expected, strict=True):
            assert_close(mine, wanted)
