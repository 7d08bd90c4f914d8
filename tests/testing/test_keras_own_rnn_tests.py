"""The generated GRUCell (specs/examples/gru_cell.yaml) inside keras.layers.RNN, proved by Keras.

Keras's own GRU tests (keras/src/layers/rnn/gru_test.py, from the installed wheel) run with
`layers.GRU` in that file standing for `keras.layers.RNN` holding the generated cell: the
stand-in below takes GRU's constructor arguments, as `keras.layers.GRU` does, and passes
them on to the generated cell (whose recurrent weight is `recurrent_kernel`, so its
arguments are `recurrent_kernel_*` where GRU says `recurrent_*`). No assertion of Keras's is
edited; the tests outside the cell's scope are listed with the reason. Then the generated
cell is compared with keras.layers.GRUCell holding the same weights, step by step and
inside keras.layers.RNN.
"""

import importlib
import unittest

import keras
import numpy as np
import pytest

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
    "test_basics": "dropout and recurrent_dropout: keras.layers.RNN primes a DropoutRNNCell's masks "
    "before its loop, machinery a spec's cell does not have (random cells are refused)",
    "test_torch_cudnn_dispatch_fires": "spies on keras.layers.GRU's own cuDNN kernel dispatch on CUDA, "
    "not on the cell",
}
_GRU_NAMES = {"recurrent_initializer", "recurrent_regularizer", "recurrent_constraint"}
_BASE_LAYER_FIELDS = ("name", "trainable", "dtype")


class GRUOfTheGeneratedCell(keras.layers.RNN):
    """keras.layers.GRU's constructor, building keras.layers.RNN around the generated GRUCell."""

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
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
        reset_after=True,
        use_cudnn="auto",
        **kwargs,
    ):
        if dropout or recurrent_dropout:
            raise ValueError("out of the generated cell's scope: dropout, recurrent_dropout")
        kwargs.pop("implementation", None)  # GRU's legacy argument; the cell has one way to compute
        cell = GRUCell(
            units,
            activation=activation,
            recurrent_activation=recurrent_activation,
            use_bias=use_bias,
            reset_after=reset_after,
            kernel_initializer=kernel_initializer,
            recurrent_kernel_initializer=recurrent_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            recurrent_kernel_regularizer=recurrent_regularizer,
            bias_regularizer=bias_regularizer,
            kernel_constraint=kernel_constraint,
            recurrent_kernel_constraint=recurrent_constraint,
            bias_constraint=bias_constraint,
            dtype=kwargs.get("dtype"),
            trainable=kwargs.get("trainable", True),
            name="gru_cell",
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


class _LayersWithTheGeneratedGRU:
    """`keras.src.layers` as gru_test.py sees it, with GRU built around the generated cell."""

    GRU = GRUOfTheGeneratedCell

    def __getattr__(self, name):
        return getattr(keras.src.layers, name)


def _keras_tests() -> set[str]:
    """The tests of gru_test.py, a parameterized one (`test_correctness0`, ...) by its method's name."""
    return {name.rstrip("0123456789") for name in dir(gru_test.GRUTest) if name.startswith("test")}


def test_every_keras_gru_test_is_run_or_left_out_with_a_reason():
    assert _keras_tests() == set(IN_SCOPE) | set(LEFT_OUT)
    assert all(reason.strip() for reason in LEFT_OUT.values())


def test_the_stand_in_holds_the_generated_cell_and_refuses_what_it_cannot_do():
    layer = _LayersWithTheGeneratedGRU().GRU(3, recurrent_initializer="ones")
    assert type(layer.cell) is GRUCell
    assert keras.initializers.serialize(layer.cell.recurrent_kernel_initializer)["class_name"] == "Ones"
    assert layer.get_config()["recurrent_initializer"]["class_name"] == "Ones"
    with pytest.raises(ValueError, match="out of the generated cell's scope"):
        _LayersWithTheGeneratedGRU().GRU(3, dropout=0.5)


@pytest.mark.parametrize("name", IN_SCOPE)
def test_keras_gru_test_passes_with_the_generated_cell(name, monkeypatch):
    for mark in getattr(getattr(gru_test.GRUTest, name, None), "pytestmark", []):
        if mark.name == "skipif" and mark.args[0]:  # pytest's marks, which unittest does not read
            pytest.skip(f"Keras skips it here: {mark.kwargs['reason']}")
    monkeypatch.setattr(gru_test, "layers", _LayersWithTheGeneratedGRU())
    result = unittest.TestResult()
    # A parameterized test runs as each of its variants (test_correctness0, test_correctness1).
    variants = [method for method in dir(gru_test.GRUTest) if method.rstrip("0123456789") == name]
    for method in variants:
        gru_test.GRUTest(method).run(result)
    problems = result.errors + result.failures
    assert not problems, problems[0][1]
    if result.skipped:
        pytest.skip(f"Keras skips it here: {result.skipped[0][1]}")
    assert result.testsRun == len(variants) >= 1


def _copy_weights(source, target, seed=3):
    assert [tuple(w.shape) for w in source.weights] == [tuple(w.shape) for w in target.weights]
    rng = np.random.default_rng(seed)
    values = [rng.normal(scale=0.5, size=w.shape).astype("float32") for w in source.weights]
    source.set_weights(values)
    target.set_weights(values)


@pytest.mark.parametrize("use_bias, reset_after", [(True, True), (False, True), (True, False), (False, False)])
def test_the_generated_cell_matches_keras_grucell_with_copied_weights(use_bias, reset_after):
    options = {"use_bias": use_bias, "reset_after": reset_after}
    ours, theirs = GRUCell(4, **options), keras.layers.GRUCell(4, **options)
    ours.build((2, 3))
    theirs.build((2, 3))
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    _copy_weights(ours, theirs)
    rng = np.random.default_rng(0)
    step, state = rng.normal(size=(2, 3)).astype("float32"), rng.normal(size=(2, 4)).astype("float32")
    (output, [new_state]), (expected, [expected_state]) = ours(step, [state]), theirs(step, [state])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(output), keras.ops.convert_to_numpy(expected), rtol=1e-6)
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(new_state), keras.ops.convert_to_numpy(expected_state), rtol=1e-6
    )
    assert (ours.state_size, ours.output_size) == (theirs.state_size, theirs.output_size)


def test_the_generated_cell_inside_keras_rnn_matches_keras_gru():
    sequence = np.random.default_rng(1).normal(size=(2, 5, 3)).astype("float32")
    ours = keras.layers.RNN(GRUCell(4), return_sequences=True, return_state=True)
    theirs = keras.layers.GRU(4, return_sequences=True, return_state=True)
    ours.build(sequence.shape)
    theirs.build(sequence.shape)
    _copy_weights(ours, theirs)
    for got, expected in zip(ours(sequence), theirs(sequence), strict=True):
        np.testing.assert_allclose(
            keras.ops.convert_to_numpy(got), keras.ops.convert_to_numpy(expected), rtol=1e-5, atol=1e-6
        )
