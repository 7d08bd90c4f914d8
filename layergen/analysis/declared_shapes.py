"""Shapes that follow the input or the arguments: `...` in a weight's shape (the single
input's axes its `...` covers, as keras.layers.PReLU's `alpha`), with `shared_axes` (input
axes where the weight has size 1), and a constant's declared `shape`."""

from __future__ import annotations

from collections.abc import Sequence

from layergen.analysis import expressions
from layergen.analysis.context import ELLIPSIS, Context
from layergen.analysis.shapes import parse_expression
from layergen.render import values
from layergen.render.model import Check
from layergen.render.pycode import message, tuple_code
from layergen.spec.fast import WeightSpec
from layergen.spec.source import Path_


def follows_input(weight: WeightSpec) -> bool:
    """Whether the weight's shape is read from the input's `...` axes (or shares some)."""
    return ELLIPSIS in (weight.shape or []) or weight.shared_axes is not None


def axes_weight_shape(
    context: Context, name: str, weight: WeightSpec, path: Path_
) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """A weight with `axes`: the input's sizes on the axes an `axes` argument names, sorted
    by position, as keras.layers.LayerNormalization's gamma and beta. (Python source of the
    shape in `build`, the shape in the spec's names, the lines `build` runs first.)"""
    axes = weight.axes or ""
    argument = context.spec.arguments.get(axes)
    if weight.shape != [ELLIPSIS] or len(context.inputs) != 1:
        context.problem(path + ("axes",), "a weight with `axes` has `shape: [...]`, in a layer with a single input")
    if argument is None:
        candidates = [n for n, a in context.spec.arguments.items() if a.type in ("axes", "int")]
        context.unknown(path + ("axes",), "axes or int argument", axes, candidates)
        return "()", (), ()
    if argument.type not in ("axes", "int") or (
        argument.type == "int" and not argument.required and argument.default is None
    ):
        context.problem(path + ("axes",), f"`axes` names an argument of type axes or int; {axes!r} is {argument.type}")
        return "()", (), ()
    shape = context.inputs[0].shape_param if context.inputs else "input_shape"
    lines = (
        f"# The input's sizes on the `{axes}` axes, by position.",
        f"{name}_axes = self.{axes} if isinstance(self.{axes}, list) else [self.{axes}]",
        f"{name}_shape = tuple({shape}[axis] for axis in sorted(axis % len({shape}) for axis in {name}_axes))",
    )
    return f"{name}_shape", (f"<input sizes on {axes}>",), lines


def ellipsis_weight_shape(
    context: Context, name: str, weight: WeightSpec, path: Path_
) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    """(Python source of the shape in `build`, the shape in the spec's names, the lines
    `build` runs first to set shared axes to 1)."""
    shape_path = path + ("shape",)
    sources = [i for i in context.inputs if i.ellipsis]
    declared = weight.shape or []
    if declared.count(ELLIPSIS) != 1 or len(context.inputs) != 1 or not sources:
        context.problem(shape_path, "`...` in a weight shape needs a single input with `...`, and appears once")
        return "()", (), ()
    source = sources[0]
    start = source.items.index(ELLIPSIS)
    after = len(source.items) - start - 1
    names = context.sizing_arguments | set(context.dims)
    code_names = {n: (f"self.{n}" if n in context.spec.arguments else n) for n in names}
    parts, canonical = [], []
    for index, item in enumerate(declared):
        if item == ELLIPSIS:
            parts.append(f"*{source.shape_param}[{start}:{-after if after else ''}]")
            canonical.append(ELLIPSIS)
            continue
        expression = parse_expression(context, item, shape_path + (index,), allowed=names)
        if expression is not None:
            parts.append(expression.to_code(code_names))
            canonical.append(expression.to_code({n: n for n in expression.names}))
    if weight.shared_axes is None or not _shared_axes_argument(context, weight.shared_axes, path):
        return tuple_code(parts), tuple(canonical), ()
    variable = f"{name}_shape"
    # Input axis `axis` is item `axis - offset` of the weight's shape.
    offset = start - declared.index(ELLIPSIS)
    position = "axis" if offset == 0 else f"axis - {offset}" if offset > 0 else f"axis + {-offset}"
    lines = (
        f"{variable} = [{', '.join(parts)}]",
        "# One value along each shared input axis, as keras.layers.PReLU.",
        f"for axis in self.{weight.shared_axes} or ():",
        f"    {variable}[{position}] = 1",
    )
    return f"tuple({variable})", tuple(canonical), lines


def _shared_axes_argument(context: Context, name: str, path: Path_) -> bool:
    argument = context.spec.arguments.get(name)
    if argument is None:
        candidates = [n for n, a in context.spec.arguments.items() if a.type == "list[int]"]
        context.unknown(path + ("shared_axes",), "list[int] argument", name, candidates)
        return False
    if argument.type != "list[int]":
        context.problem(
            path + ("shared_axes",), f"`shared_axes` names a list[int] argument; {name!r} is {argument.type}"
        )
        return False
    return True


def constant_shape_check(context: Context, name: str, shape: Sequence[int | str], path: Path_) -> Check | None:
    """The `__init__` check that a constant's value is a number or numbers of its declared
    shape; None (and a problem) if the shape is not made of int arguments."""
    items = []
    for index, item in enumerate(shape):
        expression = parse_expression(context, item, path + ("shape", index), allowed=context.sizing_arguments)
        if expression is None:
            return None
        items.append(expression)
    if context.spec.constants[name].shape and not isinstance(context.spec.constants[name].value, (int, float)):
        context.problem(
            path + ("value",), "a constant with a declared `shape` has a number as default (broadcast to it)"
        )
    code = tuple_code([e.to_code({n: n for n in e.names}) for e in items])
    names = tuple_code([e.text for e in items])
    check = Check(
        f"(np.ndim({name}) != 0 and np.shape({name}) != {code}) "
        f"or not np.issubdtype(np.asarray({name}).dtype, np.number)",
        message(
            f"`{name}` must be a number or numbers of shape {names}. ",
            f"Expected shape {{{code}}}, received: {name}={{{name}!r}}",
        ),
    )
    return check


def constant_call_shape(context: Context, name: str) -> values.Code | None:
    """A constant's declared shape in `call` (None: it has none), where a number is broadcast
    to it."""
    shape = context.spec.constants[name].shape
    if shape is None:
        return None
    items = [expressions.parse(item) for item in shape]
    if any(n not in context.spec.arguments for e in items for n in e.names):
        return None  # sized by the input (a constant the user gives): used as given
    return values.tuple_of(*(e.to_value({n: values.attribute(n) for n in e.names}) for e in items))
