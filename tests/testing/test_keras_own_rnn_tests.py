"""The generated GRUCell (specs/examples/gru_cell.yaml) inside keras.layers.RNN, proved by Keras.

Keras's own GRU tests (keras/src/layers/rnn/gru_test.py, from the installed wheel) run with
`layers.GRU` in that file standing for `keras.layers.RNN` holding the generated cell: the
stand-in (keras_rnn_stand_in.py) takes GRU's constructor arguments, as `keras.layers.GRU`
does, and passes them on to the generated cell (whose recurrent weight is `recurrent_kernel`,
so its arguments are `recurrent_kernel_*` where GRU says `recurrent_*`). No assertion of
Keras's is edited; the tests outside the cell's scope are listed with the reason. Then the
generated cell is compared with keras.layers.GRUCell holding the same weights, step by step
and inside keras.layers.RNN.
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

from examples.layers.gru_cell import GRUCell

gru_test = importlib.import_module("keras.src.layers.rnn.gru_test")

IN_SCOPE = [
    "test_statefulness",
    "test_pass_initial_state",
    "test_pass_return_state",
    "test_masking",
    "test_legacy_implementation_argument",
    "test_stateful_with_symbolic_batch_size",  # TensorFlow only: Keras skips it elsewhere
    "test_correctness",  # parameterized: test_correctness0, test_correctness1
]
LEFT_OUT = {
    "test_basics": DROPOUT,
    "test_torch_cudnn_dispatch_fires": "spies on keras.layers.GRU's own cuDNN kernel dispatch on CUDA, "
    "not on the cell",
}


class GRUOfTheGeneratedCell(RecurrentStandIn):
    """keras.layers.GRU's constructor, building keras.layers.RNN around the generated GRUCell."""

    cell_class, cell_name = GRUCell, "gru_cell"
    cell_arguments = {"reset_after": True}


LAYERS = LayersWith(GRU=GRUOfTheGeneratedCell)  # `keras.src.layers` as gru_test.py sees it


def test_every_keras_gru_test_is_run_or_left_out_with_a_reason():
    assert_every_test_is_run_or_left_out(gru_test.GRUTest, IN_SCOPE, LEFT_OUT)


def test_the_stand_in_holds_the_generated_cell_and_refuses_what_it_cannot_do():
    layer = LAYERS.GRU(3, recurrent_initializer="ones")
    assert type(layer.cell) is GRUCell
    assert keras.initializers.serialize(layer.cell.recurrent_kernel_initializer)["class_name"] == "Ones"
    assert layer.get_config()["recurrent_initializer"]["class_name"] == "Ones"
    with pytest.raises(ValueError, match="out of the generated cell's scope"):
        LAYERS.GRU(3, dropout=0.5)


@pytest.mark.parametrize("name", IN_SCOPE)
def test_keras_gru_test_passes_with_the_generated_cell(name, monkeypatch):
    # A parameterized test runs as each of its variants (test_correctness0, test_correctness1).
    variants = [method for method in keras_test_methods(gru_test.GRUTest) if variant_of(method) == name]
    run_keras_tests(gru_test, gru_test.GRUTest, variants, LAYERS, monkeypatch)


@pytest.mark.parametrize("use_bias, reset_after", [(True, True), (False, True), (True, False), (False, False)])
def test_the_generated_cell_matches_keras_grucell_with_copied_weights(use_bias, reset_after):
    options = {"use_bias": use_bias, "reset_after": reset_after}
    ours, theirs = GRUCell(4, **options), keras.layers.GRUCell(4, **options)
    ours.build((2, 3))
    theirs.build((2, 3))
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    copy_weights(ours, theirs)
    rng = np.random.default_rng(0)
    step, state = rng.normal(size=(2, 3)).astype("float32"), rng.normal(size=(2, 4)).astype("float32")
    (output, [new_state]), (expected, [expected_state]) = ours(step, [state]), theirs(step, [state])
    assert_close(output, expected, rtol=1e-6, atol=0)
    assert_close(new_state, expected_state, rtol=1e-6, atol=0)
    assert (ours.state_size, ours.output_size) == (theirs.state_size, theirs.output_size)


def test_the_generated_cell_inside_keras_rnn_matches_keras_gru():
    sequence = np.random.default_rng(1).normal(size=(2, 5, 3)).astype("float32")
    ours = keras.layers.RNN(GRUCell(4), return_sequences=True, return_state=True)
    theirs = keras.layers.GRU(4, return_sequences=True, return_state=True)
    ours.build(sequence.shape)
    theirs.build(sequence.shape)
    copy_weights(ours, theirs)
    for got, expected in zip(ours(sequence), theirs(sequence), strict=True):
        assert_close(got, expected)
