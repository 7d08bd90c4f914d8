"""Weight layouts (`layout:`): how `keras.distribution.ModelParallel` shards the layer's weights.

Generated the way keras-hub's models expose theirs: a `get_layout_map(device_mesh, ...)`
classmethod returning a `keras.distribution.LayoutMap`. Its keys are regular expressions
matched in full against `variable.path`, which ends with `<layer name>/<weight name>` however
deeply the layer is nested, so each key anchors on the layer's name: by default the names
Keras gives the class's layers (`sharded_dense`, `sharded_dense_1`, ...), else the one given.
"""

from __future__ import annotations

import re

from layergen.analysis.context import ELLIPSIS, Context
from layergen.render.model import LayoutModel
from layergen.spec.source import Path_

_AXIS_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
# The mesh of the contract's ModelParallel test (`layergen.testing._distributed._device_mesh`):
# each axis a layout names has size 2, and it has at most 2 such axes.
TEST_MESH_AXIS_SIZE = 2
TEST_MESH_AXES = 2
MODEL_PARALLEL_TEST = "test_weights_are_sharded_as_declared_under_model_parallel"


def layout_model(context: Context) -> LayoutModel | None:
    """The layouts of the weights that declare one; None when none does."""
    entries: list[tuple[str, tuple[str | None, ...]]] = []
    for name, weight in context.spec.weights.items():
        if weight.layout is None or weight.shape is None:  # `shapes` and `layout`: refused with the weight
            continue
        path = ("weights", name, "layout")
        if ELLIPSIS in weight.shape:
            context.problem(path, "a weight whose shape has `...` has no fixed rank, so it cannot have a layout")
            continue
        if len(weight.layout) != len(weight.shape):
            context.problem(
                path,
                f"expected one mesh axis name or null per axis of the shape ({len(weight.shape)}); "
                f"found {len(weight.layout)}",
            )
            continue
        if _axes_problems(context, path, weight.layout):
            continue
        entries.append((name, tuple(weight.layout)))
    if not entries:
        return None
    return LayoutModel(
        default_layer_name=keras_auto_name(context.spec.layer),
        entries=entries,
        axis_names=list(dict.fromkeys(axis for _, axes in entries for axis in axes if axis is not None)),
    )


def check_layout_sizes(context: Context, shapes: dict[str, tuple[int, ...]], scope: dict[str, int]) -> None:
    """The contract's ModelParallel test must be able to run the layouts (unless the spec
    skips it): its mesh has at most `TEST_MESH_AXES` named axes, each of size
    `TEST_MESH_AXIS_SIZE`, so each axis a layout splits must divide by it at the test sizes."""
    if MODEL_PARALLEL_TEST in context.spec.test.skip:
        return
    named: list[str] = []
    for name, weight in context.spec.weights.items():
        shape = shapes.get(name)
        if (
            weight.layout is None
            or shape is None
            or len(shape) != len(weight.layout)
            or ELLIPSIS in (weight.shape or [])
        ):
            continue  # not a layout the first checks accept
        for index, axis in enumerate(weight.layout):
            if axis is None:
                continue
            if axis not in named:
                named.append(axis)
                if len(named) > TEST_MESH_AXES:
                    context.problem(
                        ("weights", name, "layout", index),
                        f"the layouts name {len(named)} mesh axes ({', '.join(named)}); the contract's"
                        f" ModelParallel test shards over at most {TEST_MESH_AXES}: use fewer, or skip"
                        f" {MODEL_PARALLEL_TEST} in `test.skip` with the reason",
                    )
            if shape[index] % TEST_MESH_AXIS_SIZE:
                context.problem(
                    ("weights", name, "layout", index),
                    f"mesh axis {axis!r} splits axis {index} of the weight, of size {shape[index]} in the test"
                    f" ({(weight.shape or [])[index]} with the test sizes {scope}), into {TEST_MESH_AXIS_SIZE} shards;"
                    " give an even test size in `test.arguments` or `test.dimensions`",
                )


def _axes_problems(context: Context, path: Path_, layout: list[str | None]) -> bool:
    found = False
    seen: set[str] = set()
    for index, axis in enumerate(layout):
        if axis is None:
            continue
        if not _AXIS_NAME.match(axis):
            context.problem(path + (index,), f"a mesh axis name must be an identifier, such as model; found {axis!r}")
            found = True
        elif axis in seen:
            context.problem(path + (index,), f"mesh axis {axis!r} shards two axes of the weight; a layout uses it once")
            found = True
        seen.add(axis)
    if not found and not seen:
        context.problem(path, "the layout names no mesh axis, so it shards nothing: leave it out")
        found = True
    return found


def keras_auto_name(class_name: str) -> str:
    """The name Keras gives the first layer of a class (keras.src.utils.naming.to_snake_case)."""
    name = re.sub(r"\W+", "", class_name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()
