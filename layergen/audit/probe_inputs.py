"""What the probe (`layergen.audit.probe`) runs a class with: its constructor arguments (given
with --arg, its defaults, or guessed by name) and its inputs (given with --input-shape, or shapes
tried in turn, float first), and what calling the layer on them returned.

In: the class and the request's options. Out: keyword arguments, inputs (name, shape, dtype,
max) and outputs, or `CannotRun` with the reason.
"""

from __future__ import annotations

import inspect
from typing import Any

from layergen.audit.findings import JsonObject

# Keras and NumPy have no type hints here: a layer's class, its outputs and arrays are `Any`.
LayerType = Any
InputSpecs = list[tuple[str, tuple[int, ...], str, int]]  # each input's name, shape, dtype and max

# Sizes tried, in turn, for an input whose shape the command line does not give.
_CANDIDATE_SHAPES = [(2, 3), (2, 5, 3), (2, 4), (2, 5, 4), (2, 4, 4, 3)]
# Required arguments without a value: a guess by name, as a Keras user names them.
_GUESSES = {
    "rate": 0.5,
    "dropout": 0.5,
    "axis": -1,
    "epsilon": 1e-3,
    "momentum": 0.9,
    "alpha": 0.3,
    "scale": 1.0,
    "factor": 0.5,
    "temperature": 1.0,
    "activation": "relu",
    "stddev": 0.1,
}
# Arguments whose None a Keras layer resolves in __init__, and the value to pass instead.
_RESOLVED_DEFAULTS = {"data_format": "channels_last"}
_SIZES = ("units", "filters", "dim", "size", "num", "heads", "channels", "features", "depth", "width", "length")


class CannotRun(Exception):
    """The class cannot be run: the reason, and the line of the class's file where it lies."""

    def __init__(self, reason: str, line: int | None = None):
        super().__init__(reason)
        self.reason, self.line = reason, line


def inherited(method: object) -> bool:
    """Whether the class keeps keras.layers.Layer's own method."""
    return getattr(method, "__qualname__", "").startswith(("Layer.", "Operation."))


def arguments_for(cls: LayerType, given: dict[str, object]) -> dict[str, object]:
    chosen: dict[str, object] = {}
    if inherited(cls.__init__):
        if given:
            raise CannotRun(f"--arg {sorted(given)[0]}: the class has no __init__ of its own")
        return chosen
    for parameter in list(inspect.signature(cls.__init__).parameters.values())[1:]:
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            continue
        if parameter.name in given:
            chosen[parameter.name] = given[parameter.name]
        elif parameter.name in _RESOLVED_DEFAULTS and parameter.default is None:
            # Keras layers store what None stands for (`image_data_format()`): pass that.
            chosen[parameter.name] = _RESOLVED_DEFAULTS[parameter.name]
        elif parameter.default is not parameter.empty:
            chosen[parameter.name] = parameter.default
        elif parameter.name in _GUESSES:
            chosen[parameter.name] = _GUESSES[parameter.name]
        elif any(part in parameter.name for part in _SIZES):
            chosen[parameter.name] = 4
        else:
            raise CannotRun(
                f"__init__ needs `{parameter.name}`, and audit cannot guess it; pass --arg {parameter.name}=VALUE"
            )
    unknown = sorted(set(given) - set(chosen))
    if unknown and not any(p.kind == p.VAR_KEYWORD for p in inspect.signature(cls.__init__).parameters.values()):
        raise CannotRun(f"--arg {unknown[0]}: __init__ takes no such argument")
    return chosen


def _call_inputs(cls: LayerType) -> list[str]:
    """The tensor parameters of `call`: the positional ones without a default, but at least one."""
    parameters = list(inspect.signature(cls.call).parameters.values())[1:]
    names = [
        p.name
        for p in parameters
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        and p.default is p.empty
        and p.name not in ("training", "mask")
    ]
    return names or ["inputs"]


def cell_sizes(layer: LayerType) -> list[int] | None:
    """The size of each state of an RNN cell (a layer with `state_size`, an int or a list of
    ints, as keras.layers.RNN takes it); None for any other layer."""
    size = getattr(layer, "state_size", None)
    sizes = [size] if isinstance(size, int) else list(size) if isinstance(size, (list, tuple)) else None
    if not sizes or not all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in sizes):
        return None
    return sizes


def positional(arrays: list[Any], cell: bool) -> list[Any]:
    """The layer's positional arguments: an RNN cell's states as one list after the step's
    input, as keras.layers.RNN calls it (a single state too)."""
    return [arrays[0], list(arrays[1:])] if cell else arrays


def inputs_and_outputs(
    cls: LayerType, kwargs: dict[str, object], request: JsonObject, sizes: list[int] | None = None
) -> tuple[InputSpecs, Any] | tuple[None, Exception]:
    """The inputs the layer runs on (name, shape, dtype, max) and what it returned for them;
    or the exception the first candidate shape gave. An RNN cell (`sizes`: its states') runs
    on one step, `(batch, features)`, and one state per size, `(batch, size)`."""
    names = _call_inputs(cls)
    given = [tuple(shape) for shape in request["input_shapes"]]
    if sizes is not None:
        return _cell_inputs_and_outputs(cls, kwargs, request, names, sizes)
    if given and len(given) not in (1, len(names)):
        raise CannotRun(
            f"call takes {len(names)} inputs ({', '.join(names)}); --input-shape was given {len(given)} times"
        )
    candidates = (
        [given * len(names) if len(given) == 1 else given] if given else [[s] * len(names) for s in _CANDIDATE_SHAPES]
    )
    return _first_that_runs(cls, kwargs, request, names, candidates, cell=False)


def _cell_inputs_and_outputs(
    cls: LayerType, kwargs: dict[str, object], request: JsonObject, names: list[str], sizes: list[int]
) -> tuple[InputSpecs, Any] | tuple[None, Exception]:
    given = [tuple(shape) for shape in request["input_shapes"]]
    if len(given) > 1:
        raise CannotRun(
            f"an RNN cell takes one step's input ({names[0]}); --input-shape was given {len(given)} times "
            "(its states' shapes come from its state_size)"
        )
    steps = given or [shape for shape in _CANDIDATE_SHAPES if len(shape) == 2]
    state = names[1] if len(names) > 1 else "states"
    candidates = [[step, *[(step[0], size) for size in sizes]] for step in steps]
    names = [names[0], *(f"{state}_{index}" for index in range(len(sizes)))]
    return _first_that_runs(cls, kwargs, request, names, candidates, cell=True)


def _first_that_runs(
    cls: LayerType,
    kwargs: dict[str, object],
    request: JsonObject,
    names: list[str],
    candidates: list[list[tuple[int, ...]]],
    *,
    cell: bool,
) -> tuple[InputSpecs, Any] | tuple[None, Exception]:
    import numpy as np

    top = request["input_max"]
    # Float inputs first; integer ones (indices, ids) when no float input works and none was given.
    dtypes = [request["input_dtype"]] if request["dtype_given"] else ["float32", "int32"]
    first_error: Exception | None = None
    for dtype, shapes in [(d, s) for d in dtypes for s in candidates]:
        # Guessed integer inputs are 0 and 1, valid indices into any table.
        high = top if request["dtype_given"] or request["max_given"] else 2
        # A cell's states are float whatever its step's input is.
        kinds = [dtype] + ["float32" if cell else dtype] * (len(names) - 1)
        inputs: InputSpecs = [(n, tuple(s), k, high) for n, s, k in zip(names, shapes, kinds, strict=True)]
        arrays = arrays_of(inputs, np)
        try:
            outputs = cls(**kwargs)(*positional(arrays, cell))
        except Exception as exc:
            first_error = first_error or exc
            continue
        return inputs, outputs
    assert first_error is not None
    return None, first_error


def arrays_of(inputs: InputSpecs, np: Any) -> list[Any]:
    rng = np.random.default_rng(0)
    arrays = []
    for _, shape, dtype, top in inputs:
        if "int" in dtype:
            arrays.append(rng.integers(0, top, size=shape).astype(dtype))
        else:
            arrays.append(rng.normal(size=shape).astype(dtype))
    return arrays
