"""Shapes: the inputs and the dimensions they name, shape expressions, and what reads them:
`build`'s dimension bindings and checks, `input_spec` and `compute_output_shape`."""

from __future__ import annotations

import keyword
from collections.abc import Collection, Sequence

from layergen.analysis import expressions
from layergen.analysis.context import (
    BATCH,
    ELLIPSIS,
    Context,
    Dimension,
    Input,
    ShapeItem,
)
from layergen.analysis.value_tests import is_not_none
from layergen.render.model import Check, InputSpecModel
from layergen.render.values import (
    Code,
    Field,
    IfElse,
    Item,
    Literal,
    Message,
    Name,
    Operation,
    Slice,
    Unpacked,
    self_attribute,
    tuple_of,
)
from layergen.spec.names import name_problem
from layergen.spec.sections import InputSpec, WeightSpec
from layergen.spec.source import Path_

# -- inputs and the dimensions they name ---------------------------------------------------


def read_inputs(context: Context) -> None:
    """Parse each input's shape, binding the dimensions it names, and check its dtype."""
    spec = context.spec
    single = len(spec.inputs) == 1
    if not spec.inputs:
        context.problem(("inputs",), "a layer needs at least one input")
    for name, input_spec in spec.inputs.items():
        path = ("inputs", name)
        shape_param = "input_shape" if single else f"{name}_shape"
        items = shape_items(
            context, input_spec.shape, path + ("shape",), allow_new_dims=True, input_name=name, shape_param=shape_param
        )
        kind, dtype = _input_dtype(context, input_spec, path)
        _check_value_bounds(context, input_spec, kind, path)
        context.inputs.append(Input(name, input_spec, shape_param, items, kind == "int", dtype))


def _input_dtype(context: Context, spec: InputSpec, path: Path_) -> tuple[str, str]:
    """("float" or "int", the Keras dtype)."""
    if spec.dtype == "float":
        return "float", "float32"
    if spec.dtype == "int":
        return "int", "int32"
    numeric = sorted(d for d in context.vocab.dtypes if d.startswith(("float", "bfloat", "int", "uint")))
    if spec.dtype not in numeric:
        context.unknown(path + ("dtype",), "input dtype", spec.dtype, numeric + ["float", "int"])
        return "float", "float32"
    return ("int" if "int" in spec.dtype else "float"), spec.dtype


def _check_value_bounds(context: Context, spec: InputSpec, kind: str, path: Path_) -> None:
    """An integer input says the range of its values (`min`, `max`); a float one cannot."""
    if kind == "float" and ("max" in spec.model_fields_set or "min" in spec.model_fields_set):
        context.problem(path, "`min` and `max` bound the values of integer inputs; this input is float")
    if kind != "int":
        return
    if spec.max is None:
        context.problem(path, "an integer input needs `max`, the bound its values stay below (e.g. max: vocab_size)")
    for bound in ("min", "max"):
        value = getattr(spec, bound)
        if value is not None:
            parse_expression(context, value, path + (bound,), allowed=context.sizing_arguments)


def read_output(context: Context, shape: Sequence[int | str], path: Path_) -> list[ShapeItem]:
    """An output shape's items; it can use the inputs' dimensions but name no new one."""
    items = shape_items(context, shape, path, allow_new_dims=False)
    # (Without inputs, the problem is that: `read_inputs` has said it.)
    if ELLIPSIS in items and context.inputs and not any(i.ellipsis for i in context.inputs):
        context.problem(path, "`...` in the output shape needs an input shape with `...`")
    return items


# -- shape items -------------------------------------------------------------------------------


def shape_items(
    context: Context,
    shape: Sequence[int | str],
    path: Path_,
    *,
    allow_new_dims: bool,
    input_name: str = "",
    shape_param: str = "",
) -> list[ShapeItem]:
    """Parse `[batch, ..., input_dim]`; an input's shape binds the new dimension names it holds."""
    if not shape or shape[0] != BATCH:
        context.problem(path + (0,) if shape else path, "a shape starts with `batch`, e.g. [batch, ..., input_dim]")
        return []
    items: list[ShapeItem] = [BATCH]
    rest = shape[1:]
    if rest.count(ELLIPSIS) > 1:
        context.problem(path, "a shape can hold `...` only once")
    ellipsis_at = rest.index(ELLIPSIS) if ELLIPSIS in rest else None
    arguments = context.sizing_arguments
    for offset, item in enumerate(rest):
        index = offset + 1
        if item == ELLIPSIS:
            items.append(ELLIPSIS)
        elif item == BATCH:
            context.problem(path + (index,), "`batch` can only be the first dimension")
        elif isinstance(item, str) and item in context.spec.arguments and item not in arguments:
            context.problem(
                path + (index,),
                f"argument {item!r} is not an integer that is never None, so it cannot size a dimension",
            )
        elif isinstance(item, str) and item.isidentifier() and item not in arguments and allow_new_dims:
            # Counted from the end after `...`, where the rank is not known.
            position = index if ellipsis_at is None or offset < ellipsis_at else index - len(shape)
            _bind_dimension(context, Dimension(item, input_name, position, shape_param), path + (index,))
            # A keyword (`lambda`, `None`) is no expression; its name's problem is recorded.
            items.append(expressions.parse(0 if keyword.iskeyword(item) else item))
        else:
            allowed = arguments | (set() if allow_new_dims else set(context.dims))
            expression = parse_expression(context, item, path + (index,), allowed=allowed)
            items.append(expression if expression is not None else expressions.parse(0))
    return items


def _bind_dimension(context: Context, dim: Dimension, path: Path_) -> None:
    """A new dimension name, or one an earlier input named (the two must then agree)."""
    first = context.dims.get(dim.name)
    if first is None:
        context.dims[dim.name] = dim
        _check_dimension_name(context, dim.name, path)
    elif first.input_name == dim.input_name:
        context.problem(path, f"dimension {dim.name!r} appears twice in this shape")
    else:
        context.shared_dims.append((dim, first))


def _check_dimension_name(context: Context, name: str, path: Path_) -> None:
    spec = context.spec
    shape_params = {f"{i}_shape" for i in spec.inputs}
    reason = name_problem(name, frozenset()) or ("is a parameter of build" if name in shape_params else None)
    if reason:
        context.problem(path, f"dimension name {name!r} {reason}")
    elif name in spec.constants or name in spec.weights or name in spec.inputs:
        context.problem(path, f"dimension name {name!r} is already a constant, weight or input name")


def parse_expression(
    context: Context, item: int | str, path: Path_, *, allowed: Collection[str]
) -> expressions.Expression | None:
    """A shape expression over `allowed` names; None (and a problem) if it is not one."""
    try:
        expression = expressions.parse(item)
    except expressions.ExpressionError as exc:
        context.problem(path, str(exc))
        return None
    if not _items_fit(context, expression, path, allowed):
        return None
    for name in expression.bare_names:
        if name in context.spec.arguments and name not in context.sizing_arguments:
            context.problem(
                path, f"argument {name!r} is not an integer that is never None, so it cannot size a dimension"
            )
            return None
        if name not in allowed:
            context.unknown(path, "dimension", name, allowed)
            return None
    return expression


def _items_fit(context: Context, expression: expressions.Expression, path: Path_, allowed: Collection[str]) -> bool:
    """An item (`padding[0]`) is read of an int_tuple argument that is never None, within its
    length, where int arguments may size a shape; the argument whole is no size."""
    tuples = {
        name: arg.length or 1
        for name, arg in context.spec.arguments.items()
        if arg.type == "int_tuple" and (arg.required or arg.default is not None or arg.none_means is not None)
    }
    for name in expression.bare_names:
        if name in tuples:
            context.problem(path, f"argument {name!r} is a tuple of {tuples[name]} integers: read one, `{name}[0]`")
            return False
    for name, indices in expression.items.items():
        if name not in tuples or not context.sizing_arguments <= set(allowed):
            context.problem(path, f"only an int_tuple argument that is never None is read by item; {name!r} is not one")
            return False
        if max(indices) >= tuples[name]:
            context.problem(
                path, f"{name}[{max(indices)}] is past the end of {name!r}, a tuple of {tuples[name]} integers"
            )
            return False
    return True


def names_in(items: list[ShapeItem]) -> list[str]:
    """The names the items use, in order of first appearance."""
    names: list[str] = []
    for item in items:
        if isinstance(item, expressions.Expression):
            names.extend(n for n in item.names if n not in names)
    return names


# -- code for build and compute_output_shape ---------------------------------------------------


def shared_dimension_checks(context: Context) -> list[Check]:
    """Inputs that name the same dimension must agree on its size."""
    checks = []
    for later, first in context.shared_dims:
        a, b = dimension_value(first), dimension_value(later)
        given = Operation("and", is_not_none(a), is_not_none(b))
        checks.append(
            Check(
                Operation("and", given, Operation("!=", a, b)),
                Message(
                    (
                        f"`{first.input_name}` and `{later.input_name}` must have the same `{first.name}` dimension. "
                        f"Received: {first.shape_param}=",
                        Field(Name(first.shape_param)),
                        f", {later.shape_param}=",
                        Field(Name(later.shape_param)),
                    )
                ),
            )
        )
    return checks


def declared_shapes(weight: WeightSpec) -> list[list[int | str]]:
    """Every shape a weight can take as the spec writes it: `shape`, or each of `shapes`."""
    return [case.shape for case in weight.shapes] if weight.shapes else [weight.shape or []]


def dimensions_used_by_weights(context: Context) -> list[str]:
    """The input dimensions that weight shapes use: `build` reads these."""
    used: list[str] = []
    for weight in context.spec.weights.values():
        parts = [part.size for part in weight.initializer_parts.parts] if weight.initializer_parts else []
        for item in [item for shape in declared_shapes(weight) for item in shape] + parts:
            if item == ELLIPSIS:
                continue
            try:
                names = expressions.parse(item).names
            except expressions.ExpressionError:  # reported where the part's size is read
                continue
            for name in names:
                if name in context.dims and name not in used:
                    used.append(name)
    return used


def dimension_value(dim: Dimension) -> Item:
    """The dimension read in `build` or `compute_output_shape`: `input_shape[-1]`."""
    return Item(Name(dim.shape_param), Literal(dim.index))


def dimension_bindings(context: Context, names: list[str]) -> list[tuple[str, Code]]:
    """(dimension, its value read from its input's shape)."""
    return [(name, dimension_value(context.dims[name])) for name in names]


def input_spec_model(context: Context, used_dims: list[str]) -> InputSpecModel | None:
    """`keras.InputSpec(...)` for a single input: its rank, and its last axis when known."""
    if len(context.inputs) != 1:
        return None
    (single,) = context.inputs
    explicit = len(single.items) - (1 if single.ellipsis else 0)
    last = single.items[-1]
    last_axis: Code | None = None
    if isinstance(last, expressions.Expression):
        if last.is_name and last.text in used_dims:
            last_axis = Name(last.text)
        elif not last.is_name or last.text not in context.dims:
            last_axis = last.to_code({n: self_attribute(n) for n in last.names})
    return InputSpecModel(explicit, single.ellipsis, last_axis)


def output_bindings(context: Context, items: list[ShapeItem]) -> list[tuple[str, Code]]:
    """The dimensions `compute_output_shape` reads before it returns the shape."""
    if _is_identity(context, items):
        return []
    return dimension_bindings(context, [name for name in names_in(items) if name in context.dims])


def output_shape_code(context: Context, items: list[ShapeItem]) -> Code:
    """The shape `compute_output_shape` returns."""
    if _is_identity(context, items):
        return Name(context.inputs[0].shape_param)
    first = context.inputs[0]
    parts: list[Code] = []
    for item in items:
        if isinstance(item, expressions.Expression):
            parts.append(_output_item_code(context, item))
        elif item == BATCH:
            parts.append(Item(Name(first.shape_param), Literal(0)))
        else:
            # `...`: `read_output` made sure some input has it.
            parts.append(ellipsis_axes(next(i for i in context.inputs if i.ellipsis)))
    return tuple_of(*parts)


def ellipsis_axes(source: Input) -> Unpacked:
    """`*input_shape[1:-1]`: the input's sizes on the axes its `...` covers."""
    start = source.items.index(ELLIPSIS)
    after = len(source.items) - start - 1
    return Unpacked(Item(Name(source.shape_param), Slice(Literal(start), Literal(-after) if after else None)))


def _output_item_code(context: Context, item: expressions.Expression) -> Code:
    code = item.to_code({n: (Name(n) if n in context.dims else self_attribute(n)) for n in item.names})
    dims = [n for n in item.names if n in context.dims]
    if dims and not item.is_name:
        # An unknown dimension (None) stays unknown: `None * 2` would raise.
        if len(dims) == 1:
            guard = Operation("is", Name(dims[0]), Literal(None))
        else:
            guard = Operation("in", Literal(None), tuple_of(*(Name(dim) for dim in dims)))
        code = IfElse(guard, Literal(None), code)
    return code


def _is_identity(context: Context, items: list[ShapeItem]) -> bool:
    """Whether the output has the single input's shape, written the same way."""
    return len(context.inputs) == 1 and _same_shape(items, context.inputs[0].items)


def _same_shape(a: list[ShapeItem], b: list[ShapeItem]) -> bool:
    def key(item: ShapeItem) -> str:
        return item if isinstance(item, str) else item.text

    return [key(i) for i in a] == [key(i) for i in b]
