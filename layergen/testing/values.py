"""Values the contract's tests make and compare: inputs and outputs of the layer in the test,
random arrays, outputs as NumPy arrays, and config entries.

Keras and NumPy are imported on first use (`keras`, `np` below), so that importing
layergen.testing stays free of both.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar, cast

if TYPE_CHECKING:
    # What `keras` and `np` stand for: mypy sees NumPy's types, and Keras (without types) as Any.
    import keras
    import numpy as np
    from numpy.typing import NDArray

__all__ = [
    "Array",
    "Input",
    "Output",
    "Tensor",
    "as_list",
    "assert_same_outputs",
    "dtype_of",
    "flat_shapes",
    "keras",
    "layers_in",
    "model_inputs",
    "np",
    "numpy_outputs",
    "random_array",
    "same_config_value",
    "to_numpy",
]

Array: TypeAlias = "NDArray[Any]"
# A tensor of Keras's backend or a symbolic `keras.KerasTensor`: Keras has no types, so Any.
Tensor: TypeAlias = Any
_Item = TypeVar("_Item")


class _Deferred:
    """A module imported on first use, so that importing layergen.testing stays free of Keras."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attribute: str) -> Any:
        return getattr(importlib.import_module(self._name), attribute)


if not TYPE_CHECKING:
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


def random_array(shape: Sequence[int], seed: int = 1) -> NDArray[np.float32]:
    """Standard normal float32 values, the same for the same shape and seed."""
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def to_numpy(tensor: Tensor) -> Array:
    return cast("Array", keras.ops.convert_to_numpy(tensor))


def as_list(outputs: Tensor) -> list[Tensor]:
    """A layer's or model's outputs as a flat list: one tensor, or each of several (nested
    ones in order: an RNN cell's `(output, [state])` is two)."""
    if not isinstance(outputs, (list, tuple)):
        return [outputs]
    return [leaf for item in outputs for leaf in as_list(item)]


def flat_shapes(shapes: Any) -> list[tuple[int | None, ...]]:
    """What compute_output_shape returned for several outputs, as a flat list of shapes."""
    if isinstance(shapes, (list, tuple)) and all(size is None or isinstance(size, int) for size in shapes):
        return [tuple(shapes)]
    return [shape for item in shapes for shape in flat_shapes(item)]


def numpy_outputs(outputs: Tensor) -> list[Array]:
    return [to_numpy(output) for output in as_list(outputs)]


def assert_same_outputs(actual: Tensor, expected: Sequence[Array], *, rtol: float = 0.0, atol: float = 0.0) -> None:
    """Each output equal to the expected arrays, or close to them when given `rtol` or `atol`."""
    arrays = numpy_outputs(actual)
    assert len(arrays) == len(expected)
    for index, (value, wanted) in enumerate(zip(arrays, expected, strict=True)):
        if rtol or atol:
            np.testing.assert_allclose(value, wanted, rtol=rtol, atol=atol, err_msg=f"output {index}")
        else:
            np.testing.assert_array_equal(value, wanted, err_msg=f"output {index}")


def dtype_of(tensor: Tensor) -> str:
    return cast(str, keras.backend.standardize_dtype(tensor.dtype))


def model_inputs(arrays: Sequence[_Item]) -> _Item | Sequence[_Item]:
    """What a Keras model takes: the array itself for one input, else the list."""
    return arrays[0] if len(arrays) == 1 else arrays


def layers_in(value: keras.layers.Layer | Sequence[keras.layers.Layer] | None) -> list[keras.layers.Layer]:
    """The layers an attribute holds: a layer, a list of layers, or None (a gated sub-layer)."""
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def same_config_value(held: Any, given: Any) -> bool:
    """Whether a config entry holds the value given: equal, or a Keras object (initializer,
    regularizer, constraint) given by name or config and saved serialized."""
    if held == given or _through_json(held) == given:
        return True  # a tuple (a `shape` argument, as Keras keeps them) reads back as a list
    module = held.get("module") if isinstance(held, dict) else None
    if module not in ("keras.initializers", "keras.regularizers", "keras.constraints") or given is None:
        return False
    resolve: Any = importlib.import_module(module)  # a Keras module: untyped
    return bool(resolve.serialize(resolve.get(given)) == held)


def _through_json(value: Any) -> Any:
    try:
        return json.loads(json.dumps(value))
    except (TypeError, ValueError):
        return None
