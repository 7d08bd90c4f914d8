"""The fresh JAX process of the distribution tests: run as a script by `distribution.py`, never imported.

Started with `KERAS_BACKEND=jax` and `XLA_FLAGS=--xla_force_host_platform_device_count=N`, it
imports Keras once and answers one JSON request per line on stdin: unpickle the case (which
imports the layer's module), run the requested check, answer `{"ok": true}` or the traceback
(a failed check raises AssertionError with its reason). Answers go to the stdout it was
started with; anything else printed goes to stderr.
"""

from __future__ import annotations

import importlib
import json
import os
import pickle
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TextIO, TypeAlias, TypeVar

if TYPE_CHECKING:  # imported at run time inside the functions, once the process is set up
    import keras
    from numpy.typing import NDArray

# A case as distribution.check pickles it: the layer class, its arguments, arrays and layouts.
Case: TypeAlias = dict[str, Any]
Layouts: TypeAlias = dict[str, tuple[str | None, ...]]
_Item = TypeVar("_Item")


def main() -> None:
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # stray prints (the user's module, Keras, JAX) go to stderr, not into the answers
    sys.stdout = sys.stderr
    import keras

    checks: dict[str, Callable[[Case], None]] = {"data_parallel": data_parallel, "model_parallel": model_parallel}
    answer(answers, {"ready": keras.backend.backend()})
    for line in sys.stdin:
        try:
            request = json.loads(line)
            sys.path[:0] = [p for p in request["path"] if p not in sys.path]
            importlib.invalidate_caches()
            with open(request["case"], "rb") as file:
                case = pickle.load(file)
            checks[request["mode"]](case)
            answer(answers, {"ok": True})
        except BaseException:  # noqa: BLE001 - even a sys.exit() in the user's module is an answer
            answer(answers, {"ok": False, "error": traceback.format_exc()})


def answer(stream: TextIO, message: dict[str, Any]) -> None:
    stream.write(json.dumps(message) + "\n")
    stream.flush()


def make_model(case: Case, **overrides: Any) -> tuple[keras.layers.Layer, keras.Model]:
    import keras

    layer = case["layer_class"](**{**case["init_kwargs"], **overrides})
    inputs = [keras.Input(shape=shape, dtype=dtype, name=name) for name, shape, dtype in case["inputs"]]
    # Several outputs (nested ones too, as a cell's `(output, [state])`) as a flat list, one target each.
    grouped = [inputs[0], inputs[1:]] if case.get("grouped_states") else inputs  # a cell's several states
    outputs = keras.tree.flatten(layer(*grouped))
    return layer, keras.Model(inputs[0] if len(inputs) == 1 else inputs, model_inputs(outputs))


def model_inputs(arrays: Sequence[_Item]) -> _Item | Sequence[_Item]:
    return arrays[0] if len(arrays) == 1 else arrays


def single_device_run(case: Case) -> tuple[list[NDArray[Any]], list[NDArray[Any]]]:
    """A model on one device: its outputs and weights, which the distributed copy must match."""

    _, model = make_model(case)
    return numpy_outputs(model(model_inputs(case["arrays"]))), model.get_weights()


def numpy_outputs(outputs: Any) -> list[NDArray[Any]]:
    import keras

    return [keras.ops.convert_to_numpy(output) for output in keras.tree.flatten(outputs)]


def assert_same_outputs(model: keras.Model, arrays: Sequence[Any], expected: Sequence[NDArray[Any]], what: str) -> None:
    import numpy as np

    outputs = numpy_outputs(model(model_inputs(arrays)))
    assert len(outputs) == len(expected), f"{len(outputs)} outputs under {what}, {len(expected)} on one device"
    for index, (output, wanted) in enumerate(zip(outputs, expected, strict=True)):
        np.testing.assert_allclose(
            output, wanted, rtol=1e-5, atol=1e-5, err_msg=f"output {index} under {what} differs from one device's"
        )


def assert_trains_a_step(model: keras.Model, case: Case, what: str) -> None:
    import keras
    import numpy as np

    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    loss = model.train_on_batch(model_inputs(case["arrays"]), model_inputs(case["targets"]))
    assert np.all(np.isfinite(loss)), f"the training step under {what} gave the loss {loss}"


def data_parallel(case: Case) -> None:
    """Batch sharded over 2 devices, every variable replicated, the outputs one device's, and it trains."""
    import keras

    expected, weights = single_device_run(case)
    devices = keras.distribution.list_devices("cpu")[:2]
    distribution = keras.distribution.DataParallel(devices=devices)
    with distribution.scope():
        _, model = make_model(case)
        model.set_weights(weights)
        sharded = []
        for array in case["arrays"]:
            tensor = keras.distribution.distribute_tensor(array, distribution.get_data_layout(array.shape))
            sharding = tensor.sharding
            assert (
                len(sharding.device_set) == 2 and not sharding.is_fully_replicated
            ), f"the batch is not split over 2 devices: {sharding}"
            sharded.append(tensor)
        assert_same_outputs(model, sharded, expected, "DataParallel")
        assert_trains_a_step(model, case, "DataParallel")
        for variable in model.variables:
            sharding = variable.value.sharding
            assert (
                len(sharding.device_set) == 2 and sharding.is_fully_replicated
            ), f"variable {variable.path!r} is not replicated on both devices: {sharding}"


def model_parallel(case: Case) -> None:
    """Each declared weight sharded as its layout says by the class's `get_layout_map`, the
    rest replicated, the outputs one device's, and it trains; `layer_name` and `layout_map` work."""
    import keras

    expected, weights = single_device_run(case)
    layouts = {name: tuple(axes) for name, axes in case["layouts"].items()}
    mesh = _device_mesh(layouts)
    layout_map = case["layer_class"].get_layout_map(mesh)
    with keras.distribution.ModelParallel(layout_map=layout_map, batch_dim_name="batch").scope():
        layer, model = make_model(case)
        model.set_weights(weights)
        _assert_sharded_as_declared(layer, model, layouts, mesh)
        assert_same_outputs(model, case["arrays"], expected, "ModelParallel")
        assert_trains_a_step(model, case, "ModelParallel")
    # A layer named by the user, its entries added to a map that already has some.
    given = keras.distribution.LayoutMap(mesh)
    given["unrelated/kernel"] = (None, None)
    returned = case["layer_class"].get_layout_map(mesh, layout_map=given, layer_name="renamed+layer")
    assert returned is given, "get_layout_map(layout_map=...) must add to the map it is given and return it"
    with keras.distribution.ModelParallel(layout_map=given, batch_dim_name="batch").scope():
        layer, model = make_model(case, name="renamed+layer")
        _assert_sharded_as_declared(layer, model, layouts, mesh)


def _device_mesh(layouts: Layouts) -> keras.distribution.DeviceMesh:
    """A mesh with a `batch` axis of 1 and a size-2 axis for each (at most 2) axis the layouts name."""
    import keras

    names = list(dict.fromkeys(axis for axes in layouts.values() for axis in axes if axis is not None))
    assert len(names) <= 2, f"the contract's mesh shards over at most 2 axes; the layouts name {names}"
    axis_names = ["batch", *[name for name in names if name != "batch"]]
    shape = [2 if name in names else 1 for name in axis_names]
    count = 1
    for size in shape:
        count *= size
    return keras.distribution.DeviceMesh(tuple(shape), axis_names, keras.distribution.list_devices("cpu")[:count])


def _assert_sharded_as_declared(
    layer: keras.layers.Layer, model: keras.Model, layouts: Layouts, mesh: keras.distribution.DeviceMesh
) -> None:
    sizes = dict(zip(mesh.axis_names, mesh.shape, strict=True))
    declared = set()
    for name, axes in layouts.items():
        variable = getattr(layer, name)
        declared.add(id(variable))
        spec = tuple(variable.value.sharding.spec)
        spec += (None,) * (len(variable.shape) - len(spec))
        assert spec == axes, f"weight {variable.path!r} is laid out as {spec}, not as the declared {axes}"
        shard = tuple(variable.value.addressable_shards[0].data.shape)
        wanted = tuple(size // sizes[axis] if axis else size for size, axis in zip(variable.shape, axes, strict=True))
        assert shard == wanted, f"weight {variable.path!r} has shards of shape {shard}, not {wanted}"
    for variable in model.variables:
        if id(variable) not in declared:
            assert variable.value.sharding.is_fully_replicated, f"{variable.path!r} is sharded; no layout says so"


if __name__ == "__main__":
    main()
