"""Values the contract's tests make and compare: inputs and outputs of the layer in the test,
random arrays, outputs as NumPy arrays, and config entries.

Keras and NumPy are imported on first use (`keras`, `np` below), so that importing
layergen.testing stays free of both.
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass


class _Deferred:
    """A module imported on first use, so that importing layergen.testing stays free of Keras."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attribute: str):
        return getattr(importlib.import_module(self._name), attribute)


keras = _Deferred("keras")
np = _Deferred("numpy")


@dataclass(frozen=True)
class Input:
    """One input of the layer in the test: its concrete shape (batch first) and dtype.

    Float inputs are standard normal; integer inputs take values in `values` (a range).
    """

    name: str
    shape: tuple[int, ...]
    dtype: str = "float32"
    values: range | None = None


@dataclass(frozen=True)
class Output:
    """One of several outputs of the layer in the test: its concrete shape (batch first) and
    dtype; None: the compute dtype (float32, float16 under mixed_float16)."""

    name: str
    shape: tuple[int, ...]
    dtype: str | None = None

    @property
    def is_float(self) -> bool:
        """Whether it follows mixed precision and takes part in training."""
        return self.dtype is None or "float" in self.dtype


def random_array(shape, seed=1):
    """Standard normal float32 values, the same for the same shape and seed."""
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def to_numpy(tensor):
    return keras.ops.convert_to_numpy(tensor)


def as_list(outputs) -> list:
    """A layer's or model's outputs as a flat list: one tensor, or each of several (nested
    ones in order: an RNN cell's `(output, [state])` is two)."""
    if not isinstance(outputs, (list, tuple)):
        return [outputs]
    return [leaf for item in outputs for leaf in as_list(item)]


def flat_shapes(shapes) -> list[tuple]:
    """What compute_output_shape returned for several outputs, as a flat list of shapes."""
    if isinstance(shapes, (list, tuple)) and all(size is None or isinstance(size, int) for size in shapes):
        return [tuple(shapes)]
    return [shape for item in shapes for shape in flat_shapes(item)]


def numpy_outputs(outputs) -> list:
    return [to_numpy(output) for output in as_list(outputs)]


def assert_same_outputs(actual, expected, **tolerance):
    """Each output equal (or close, with `rtol`/`atol`) to the expected arrays."""
    actual = numpy_outputs(actual)
    assert len(actual) == len(expected)
    for index, (value, wanted) in enumerate(zip(actual, expected, strict=True)):
        if tolerance:
            np.testing.assert_allclose(value, wanted, err_msg=f"output {index}", **tolerance)
        else:
            np.testing.assert_array_equal(value, wanted, err_msg=f"output {index}")


def dtype_of(tensor) -> str:
    return keras.backend.standardize_dtype(tensor.dtype)


def model_inputs(arrays):
    """What a Keras model takes: the array itself for one input, else the list."""
    return arrays[0] if len(arrays) == 1 else arrays


def layers_in(value) -> list:
    """The layers an attribute holds: a layer, a list of layers, or None (a gated sub-layer)."""
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def same_config_value(held, given) -> bool:
    """Whether a config entry holds the value given: equal, or a Keras object (initializer,
    regularizer, constraint) given by name or config and saved serialized."""
    if held == given or _through_json(held) == given:
        return True  # a tuple (a `shape` argument, as Keras keeps them) reads back as a list
    module = held.get("module") if isinstance(held, dict) else None
    if module not in ("keras.initializers", "keras.regularizers", "keras.constraints") or given is None:
        return False
    resolve = importlib.import_module(module)
    return resolve.serialize(resolve.get(given)) == held


def _through_json(value):
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError):
        return None
