"""keras.layers.LSTM or GRU stood in for by keras.layers.RNN around a generated cell, and
Keras's own test file of that layer run against the stand-in.

The stand-in takes the built-in layer's constructor arguments and passes the cell's on to
the generated cell (whose recurrent weight is `recurrent_kernel`, so its arguments are
`recurrent_kernel_*` where the built-in says `recurrent_*`). A Keras test runs unchanged, the
test module's `layers` name replaced by a view of `keras.src.layers` holding the stand-in.
Each test file (test_keras_own_lstm_tests.py, test_keras_own_rnn_tests.py) says which Keras
file, which cell, which tests are in scope and why the others are left out.
"""

import unittest

import keras
import numpy as np
import pytest

# The cell arguments keras.layers.LSTM and GRU share, with their defaults; a stand-in adds
# its own (`cell_arguments`).
SHARED_CELL_ARGUMENTS = {
    "activation": "tanh",
    "recurrent_activation": "sigmoid",
    "use_bias": True,
    "kernel_initializer": "glorot_uniform",
    "recurrent_initializer": "orthogonal",
    "bias_initializer": "zeros",
    "kernel_regularizer": None,
    "recurrent_regularizer": None,
    "bias_regularizer": None,
    "kernel_constraint": None,
    "recurrent_constraint": None,
    "bias_constraint": None,
}
# Why Keras's tests of dropout are left out: the stand-in refuses dropout (below).
DROPOUT = (
    "dropout and recurrent_dropout: keras.layers.RNN primes a DropoutRNNCell's masks "
    "before its loop, machinery a spec's cell does not have (random cells are refused)"
)
_OF_THE_RECURRENT_WEIGHT = {"recurrent_initializer", "recurrent_regularizer", "recurrent_constraint"}
_BASE_LAYER_FIELDS = ("name", "trainable", "dtype")


def _cell_argument(name: str) -> str:
    """The generated cell's name for the built-in's argument `name`."""
    return name.replace("recurrent_", "recurrent_kernel_") if name in _OF_THE_RECURRENT_WEIGHT else name


class RecurrentStandIn(keras.layers.RNN):
    """A built-in recurrent layer's constructor, building keras.layers.RNN around a generated
    cell: a subclass names the cell's class, its name and the built-in's other cell arguments."""

    cell_class: type
    cell_name: str
    cell_arguments: dict = {}  # beyond SHARED_CELL_ARGUMENTS, with the built-in's defaults

    def __init__(
        self,
        units,
        *,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        activity_regularizer=None,
        use_cudnn="auto",
        **kwargs,
    ):
        if dropout or recurrent_dropout:
            raise ValueError("out of the generated cell's scope: dropout, recurrent_dropout")
        kwargs.pop("implementation", None)  # LSTM's choice of kernel, GRU's legacy argument: the cell has one way
        arguments = {**SHARED_CELL_ARGUMENTS, **self.cell_arguments}
        given = {_cell_argument(name): kwargs.pop(name, default) for name, default in arguments.items()}
        cell = self.cell_class(
            units, **given, dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True), name=self.cell_name
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


class LayersWith:
    """`keras.src.layers` as a Keras test file sees it, with the given built-ins replaced."""

    def __init__(self, **replaced):
        self.__dict__.update(replaced)

    def __getattr__(self, name):
        return getattr(keras.src.layers, name)


def variant_of(method: str) -> str:
    """The test a method is a variant of (a parameterized `test_correctness0` of `test_correctness`)."""
    return method.rstrip("0123456789")


def keras_test_methods(test_case: type) -> list[str]:
    """The test methods of a Keras TestCase, a parameterized test as each of its variants."""
    return sorted(name for name in dir(test_case) if name.startswith("test"))


def assert_every_test_is_run_or_left_out(test_case: type, in_scope, left_out: dict[str, str]) -> None:
    assert {variant_of(name) for name in keras_test_methods(test_case)} == set(in_scope) | set(left_out)
    assert all(reason.strip() for reason in left_out.values())


def run_keras_tests(test_module, test_case: type, methods: list[str], layers: LayersWith, monkeypatch) -> None:
    """Run `methods` of Keras's `test_case` unchanged, its module's `layers` being `layers`;
    skip where Keras marks or skips them."""
    for method in methods:
        for mark in getattr(getattr(test_case, method), "pytestmark", []):
            if mark.name in ("skipif", "xfail") and mark.args and mark.args[0]:  # pytest's marks, unread by unittest
                pytest.skip(f"Keras marks it {mark.name} here: {mark.kwargs['reason']}")
    monkeypatch.setattr(test_module, "layers", layers)
    result = unittest.TestResult()
    for method in methods:
        test_case(method).run(result)
    problems = result.errors + result.failures
    assert not problems, problems[0][1]
    if result.skipped:
        pytest.skip(f"Keras skips it here: {result.skipped[0][1]}")
    assert result.testsRun == len(methods) >= 1


def copy_weights(source, target, seed=3):
    """Give `target` the same random weights as `source`, which holds the same shapes."""
    assert [tuple(w.shape) for w in source.weights] == [tuple(w.shape) for w in target.weights]
    rng = np.random.default_rng(seed)
    values = [rng.normal(scale=0.5, size=w.shape).astype("float32") for w in source.weights]
    source.set_weights(values)
    target.set_weights(values)


def assert_close(got, expected, rtol=1e-5, atol=1e-6):
    np.testing.assert_allclose(
        keras.ops.convert_to_numpy(got), keras.ops.convert_to_numpy(expected), rtol=rtol, atol=atol
    )
