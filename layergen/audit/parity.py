"""The parity test `layergen adopt` writes beside the generated one: with the same weights,
the adopted (generated) layer gives the original's outputs, trains the same weights the same
way, and loads weight files the original saved (Keras's format, by position)."""

from __future__ import annotations

import os
from pathlib import Path

_TEMPLATE = '''\
# Written by `layergen adopt` from {original}. Proves that {name}, now generated from
# {spec}, computes, trains and loads checkpoints as the hand-written class did; the
# hand-written class is kept, as it was, in {copy}.
import importlib.util
from pathlib import Path

import keras
import numpy as np

from {module} import {name} as Adopted

ORIGINAL_FILE = Path(__file__).resolve().parent / {relative!r}
INIT_KWARGS = {kwargs!r}
INPUT_SHAPES = {shapes!r}
INPUT_DTYPE = {dtype!r}
INPUT_MAX = {top!r}


def load_original_class():
    """The hand-written class, imported from its copy; the adopted class keeps its registration."""
    registered = dict(keras.saving.get_custom_objects())
    spec = importlib.util.spec_from_file_location("layergen_adopted_{stem}", ORIGINAL_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    keras.saving.get_custom_objects().clear()
    keras.saving.get_custom_objects().update(registered)
    return getattr(module, {name!r})


Original = load_original_class()


{model_code}

def model_inputs(arrays):
    return arrays[0] if len(arrays) == 1 else arrays


def weight_values(layer):
    return [keras.ops.convert_to_numpy(weight) for weight in layer.weights]


def make_pair():
    """The original and the adopted layer, in models, the adopted one holding the original's weights."""
    original, adopted = Original(**INIT_KWARGS), Adopted(**INIT_KWARGS)
    original_model, adopted_model = make_model(original), make_model(adopted)
    assert [tuple(w.shape) for w in adopted.weights] == [tuple(w.shape) for w in original.weights]
    assert [w.trainable for w in adopted.weights] == [w.trainable for w in original.weights]
    adopted.set_weights(original.get_weights())
    return original, original_model, adopted, adopted_model


def outputs(model, arrays):
    result = model(model_inputs(arrays))
    return [keras.ops.convert_to_numpy(x) for x in (result if isinstance(result, (list, tuple)) else [result])]


def test_the_same_weights_give_the_same_outputs():
    _, original_model, _, adopted_model = make_pair()
    arrays = make_inputs()
    for got, wanted in zip(outputs(adopted_model, arrays), outputs(original_model, arrays), strict=True):
        np.testing.assert_allclose(got, wanted, rtol=1e-6, atol=1e-6)


def test_training_changes_the_same_weights_the_same_way():
    original, original_model, adopted, adopted_model = make_pair()
    arrays = make_inputs()
    before = weight_values(original)
    targets = [np.random.default_rng(1).normal(size=x.shape).astype("float32") for x in outputs(original_model, arrays)]
    for model in (original_model, adopted_model):
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
        for _ in range(3):
            model.train_on_batch(model_inputs(arrays), model_inputs(targets))
    for index, (got, wanted) in enumerate(zip(weight_values(adopted), weight_values(original), strict=True)):
        np.testing.assert_allclose(got, wanted, rtol=1e-5, atol=1e-6, err_msg=adopted.weights[index].name)
    for weight, old, new in zip(original.weights, before, weight_values(original), strict=True):
        if weight.trainable:
            assert not np.array_equal(old, new), f"{{weight.name}} did not train in the original either"


def test_weight_files_the_original_saved_load(tmp_path):
    original = Original(**INIT_KWARGS)
    original_model = make_model(original)
    for index, weight in enumerate(original.weights):
        values = np.random.default_rng(20 + index).normal(size=tuple(weight.shape))
        weight.assign(values.astype(keras.backend.standardize_dtype(weight.dtype)))
    original_model.save_weights(tmp_path / "original.weights.h5")
    adopted = Adopted(**INIT_KWARGS)
    adopted_model = make_model(adopted)
    adopted_model.load_weights(tmp_path / "original.weights.h5")
    for got, wanted in zip(weight_values(adopted), weight_values(original), strict=True):
        np.testing.assert_array_equal(got, wanted)
    arrays = make_inputs()
    for got, wanted in zip(outputs(adopted_model, arrays), outputs(original_model, arrays), strict=True):
        np.testing.assert_allclose(got, wanted, rtol=1e-6, atol=1e-6)
'''


_LAYER_MODEL = """\
def make_inputs(seed=0):
    rng = np.random.default_rng(seed)
    if "int" in INPUT_DTYPE:
        return [rng.integers(0, INPUT_MAX, size=shape).astype(INPUT_DTYPE) for shape in INPUT_SHAPES]
    return [rng.normal(size=shape).astype(INPUT_DTYPE) for shape in INPUT_SHAPES]


def make_model(layer):
    inputs = [keras.Input(shape=shape[1:], dtype=INPUT_DTYPE) for shape in INPUT_SHAPES]
    return keras.Model(inputs[0] if len(inputs) == 1 else inputs, layer(*inputs))
"""
# An RNN cell runs as it is used: inside keras.layers.RNN, over a sequence of one-step inputs.
_CELL_MODEL = """\
STEPS = 5  # the cell runs inside keras.layers.RNN, over sequences of this many steps


def make_inputs(seed=0):
    rng = np.random.default_rng(seed)
    shape = (INPUT_SHAPES[0][0], STEPS, *INPUT_SHAPES[0][1:])
    if "int" in INPUT_DTYPE:
        return [rng.integers(0, INPUT_MAX, size=shape).astype(INPUT_DTYPE)]
    return [rng.normal(size=shape).astype(INPUT_DTYPE)]


def make_model(cell):
    sequence = keras.Input(shape=(STEPS, *INPUT_SHAPES[0][1:]), dtype=INPUT_DTYPE)
    return keras.Model(sequence, keras.layers.RNN(cell, return_sequences=True, return_state=True)(sequence))
"""


def parity_test(
    *,
    name: str,
    layer_module: str,
    original: str,
    spec: str,
    copy: Path,
    test_path: Path,
    kwargs: dict[str, object],
    shapes: list[tuple[int, ...]],
    dtype: str,
    top: int,
    shown_copy: str,
    cell: bool = False,
) -> str:
    """The parity test's text; a `cell`'s runs both classes inside keras.layers.RNN."""
    relative = Path(os.path.relpath(copy, test_path.parent)).as_posix()
    return _TEMPLATE.format(
        name=name,
        module=layer_module,
        original=original,
        spec=spec,
        copy=shown_copy,
        relative=relative,
        kwargs=kwargs,
        shapes=[tuple(s) for s in shapes],
        dtype=dtype,
        top=top,
        stem=copy.stem,
        model_code=_CELL_MODEL if cell else _LAYER_MODEL,
    )
