"""Shapes that follow the input or the arguments: `...` in a weight's shape (the single
input's axes its `...` covers, as keras.layers.PReLU's `alpha`), with `shared_axes` (input
axes where the weight has size 1), and a constant's declared `shape`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from layergen.analysis import expressions
from layergen.analysis.context import ELLIPSIS, Context
from layergen.analysis.shapes import ellipsis_axes, parse_expression
from layergen.render.model import AxesShape, Check, SharedAxesShape
from layergen.render.values import (
    Attribute,
    Call,
    Code,
    Collection,
    Field,
    Group,
    Literal,
    Message,
    Name,
    Operation,
    Unary,
    self_attribute,
    tuple_of,
)
from layergen.spec.sections import WeightSpec
from layergen.spec.source import Path_


def follows_input(weight: WeightSpec) -> bool:
    """Whether the weight's shape is read from the input's `...` axes (or shares some)."""
    return ELLIPSIS in (weight.shape or []) or weight.shared_axes is not None


def axes_weight_shape(
    context: Context, name: str, weight: WeightSpec, path: Path_
) -> tuple[Code, tuple[str, ...], AxesShape | None]:
    """A weight with `axes`: the input's sizes on the axes an `axes` argument names, sorted
    by position, as keras.layers.LayerNormalization's gamma and beta. (The shape in `build`,
    the shape in the spec's names, what `build` runs first to find it.)"""
    axes = weight.axes or ""
    argument = context.spec.arguments.get(axes)
    if weight.shape != [ELLIPSIS] or len(context.inputs) != 1:
        context.problem(path + ("axes",), "a weight with `axes` has `shape: [...]`, in a layer with a single input")
    if argument is None:
        candidates = [n for n, a in context.spec.arguments.items() if a.type in ("axes", "int")]
        context.unknown(path + ("axes",), "axes or int argument", axes, candidates)
        return tuple_of(), (), None
    if argument.type not in ("axes", "int") or (
        argument.type == "int" and not argument.required and argument.default is None
    ):
        context.problem(path + ("axes",), f"`axes` names an argument of type axes or int; {axes!r} is {argument.type}")
        return tuple_of(), (), None
    shape = context.inputs[0].shape_param if context.inputs else "input_shape"
    return Name(f"{name}_shape"), (f"<input sizes on {axes}>",), AxesShape(name, axes, shape)


def ellipsis_weight_shape(
    context: Context, name: str, weight: WeightSpec, path: Path_
) -> tuple[Code, tuple[str, ...], SharedAxesShape | None]:
    """(The shape in `build`, the shape in the spec's names, what `build` runs first to set
    shared axes to 1)."""
    shape_path = path + ("shape",)
    sources = [i for i in context.inputs if i.ellipsis]
    declared = weight.shape or []
    if declared.count(ELLIPSIS) != 1 or len(context.inputs) != 1 or not sources:
        context.problem(shape_path, "`...` in a weight shape needs a single input with `...`, and appears once")
        return tuple_of(), (), None
    source = sources[0]
    names = context.sizing_arguments | set(context.dims)
    code_names: dict[str, Code] = {n: (self_attribute(n) if n in context.spec.arguments else Name(n)) for n in names}
    parts: list[Code] = []
    canonical = []
    for index, item in enumerate(declared):
        if item == ELLIPSIS:
            parts.append(ellipsis_axes(source))
            canonical.append(ELLIPSIS)
            continue
        expression = parse_expression(context, item, shape_path + (index,), allowed=names)
        if expression is not None:
            parts.append(expression.to_code(code_names))
            canonical.append(expression.canonical)
    if weight.shared_axes is None or not _shared_axes_argument(context, weight.shared_axes, path):
        return tuple_of(*parts), tuple(canonical), None
    variable = f"{name}_shape"
    # Input axis `axis` is item `axis - offset` of the weight's shape.
    offset = source.items.index(ELLIPSIS) - declared.index(ELLIPSIS)
    axis = Name("axis")
    position = axis if offset == 0 else Operation("-" if offset > 0 else "+", axis, Literal(abs(offset)))
    setup = SharedAxesShape(variable, Collection(tuple(parts), "list"), weight.shared_axes, position)
    return Call("tuple", (Name(variable),)), tuple(canonical), setup


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
    declared = shape_value(items)
    not_shaped = Group(
        Operation(
            "and", Operation("!=", np_ndim(Name(name)), Literal(0)), Operation("!=", np_shape(Name(name)), declared)
        )
    )
    return Check(
        Operation("or", not_shaped, Unary("not", is_numbers(Name(name)))),
        Message(
            (
                f"`{name}` must be a number or numbers of shape {shape_text(items)}. Expected shape ",
                Field(declared),
                f", received: {name}=",
                Field(Name(name), "r"),
            )
        ),
    )


def shape_value(items: Sequence[expressions.Expression], names: Mapping[str, Code] | None = None) -> Collection:
    """The tuple of a declared shape's items, each name as `names` says (else as it is)."""
    return Collection(tuple(e.to_code(names or {n: Name(n) for n in e.names}) for e in items))


def shape_text(items: Sequence[expressions.Expression]) -> str:
    """A declared shape as messages show it, in the spec's own words: `(units, 3)`."""
    texts = [e.text for e in items]
    return "(" + ", ".join(texts) + ("," if len(texts) == 1 else "") + ")"


# NumPy's view of a constant's value, as the checks and the stored value read it.


def np_shape(value: Code) -> Call:
    return Call("np.shape", (value,))


def np_ndim(value: Code) -> Call:
    return Call("np.ndim", (value,))


def is_numbers(value: Code, numbers: str = "np.number") -> Call:
    """`np.issubdtype(np.asarray(value).dtype, np.number)`: the value holds numbers of that kind."""
    return Call("np.issubdtype", (Attribute(Call("np.asarray", (value,)), "dtype"), Name(numbers)))


def as_numbers(value: Code) -> Call:
    """`np.asarray(value).tolist()`: the value as plain Python numbers (the config stays JSON)."""
    return Call(Attribute(Call("np.asarray", (value,)), "tolist"))


def constant_call_shape(context: Context, name: str) -> Code | None:
    """A constant's declared shape in `call` (None: it has none), where a number is broadcast
    to it."""
    shape = context.spec.constants[name].shape
    if shape is None:
        return None
    items = [expressions.parse(item) for item in shape]
    if any(n not in context.spec.arguments for e in items for n in e.names):
        return None  # sized by the input (a constant the user gives): used as given
    return tuple_of(*(e.to_code({n: self_attribute(n) for n in e.names}) for e in items))
