"""Conditions that may read the input as well as the arguments: `inputs.rank == 3`,
`input_dim > 1 and use_bias`. The input's rank and dimensions are known in `build` and
`compute_output_shape`, from the shapes they get, so a condition that reads them is made
there: `inputs.rank` becomes `len(input_shape)`, a dimension `input_shape[-1]`, an argument
`self.<argument>`. A condition of arguments alone is `conditions.argument_condition`'s."""

from __future__ import annotations

import ast

from layergen.analysis import expressions
from layergen.analysis.conditions import argument_condition
from layergen.analysis.context import Context
from layergen.analysis.shapes import dimension_value
from layergen.records import frozen_record
from layergen.render.values import Call, Code, Name, self_attribute
from layergen.spec.source import Path_


@frozen_record
class InputCondition:
    expression: expressions.Expression
    code: Code  # over `self.<argument>` and the shape parameters
    reads_input: bool  # whether it reads more than the arguments: the input's rank or dimensions


def read_condition(
    context: Context, path: Path_, text: bool | str, *, call_arguments: bool = False
) -> InputCondition | None:
    """The condition as `build` or `compute_output_shape` tests it; None with a
    problem recorded when it is outside the grammar or names something unknown. With
    `call_arguments` (an output shape's case) it may read `call`'s non-tensor arguments,
    which `compute_output_shape` then takes as parameters."""
    try:
        expression = expressions.parse_condition(text)
    except expressions.ExpressionError as error:
        context.problem(path, str(error))
        return None
    reads_rank = any(_is_rank(node) for node in ast.walk(expression.tree))
    if not reads_rank and all(name in context.spec.arguments for name in expression.names):
        code = argument_condition(context, path, text)
        return None if code is None else InputCondition(expression, code, False)
    if not _names_known(context, path, expression, call_arguments=call_arguments):
        return None
    return InputCondition(expression, condition_code(context, expression), True)


def _names_known(context: Context, path: Path_, expression: expressions.Expression, *, call_arguments: bool) -> bool:
    """Every name an argument, a dimension, or an input read as `<input>.rank`; arithmetic
    on numbers alone."""
    spec = context.spec
    rank_reads = [node.value for node in ast.walk(expression.tree) if isinstance(node, ast.Attribute)]
    ranked = [node.id for node in rank_reads if isinstance(node, ast.Name)]
    plain = [
        node.id
        for node in ast.walk(expression.tree)
        if isinstance(node, ast.Name) and not any(node is read for read in rank_reads)
    ]
    for name in ranked:
        if name not in spec.inputs:
            context.unknown(path, "input", name, list(spec.inputs))
            return False
    calls = list(spec.call_arguments) if call_arguments else []
    for name in plain:
        if name in calls:
            continue
        if name in spec.call_arguments:
            context.problem(path, f"call argument {name!r} can change the output's shape only (`output_shapes`)")
            return False
        if name in spec.inputs:
            context.problem(path, f"input {name!r} is read as `{name}.rank` (its rank) or by its dimensions' names")
            return False
        if name not in spec.arguments and name not in context.dims:
            candidates = [*spec.arguments, *context.dims, *(f"{i}.rank" for i in spec.inputs), *calls]
            context.unknown(path, "argument or dimension", name, candidates)
            return False
    for name in expressions.arithmetic_names(expression):
        kind = spec.call_arguments[name].type if name in calls else getattr(spec.arguments.get(name), "type", None)
        if kind is not None and kind not in ("int", "float"):
            context.problem(path, f"arithmetic in a condition is on int and float arguments; {name!r} is {kind}")
            return False
    return True


def _is_rank(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == expressions.RANK and isinstance(node.value, ast.Name)


def condition_code(context: Context, expression: expressions.Expression) -> Code:
    """The condition with `<input>.rank` as `len(<input>_shape)`, a dimension read from its
    input's shape, an argument as `self.<argument>` (a call argument as itself: a parameter
    of compute_output_shape, as of call)."""
    names: dict[str, Code] = {
        f"{i.name}.{expressions.RANK}": Call("len", (Name(i.shape_param),)) for i in context.inputs
    }
    for name in expression.names:
        dim = context.dims.get(name)
        if dim is not None:
            names[name] = dimension_value(dim)
        elif name in context.spec.call_arguments:
            names[name] = Name(name)
        else:
            names[name] = self_attribute(name)
    return expressions.condition_code(expression, names)


def input_values(context: Context, shapes: dict[str, tuple[int, ...]]) -> dict[str, object]:
    """The values a condition reads from the test's inputs: each `<input>.rank`, each dimension."""
    values: dict[str, object] = {f"{name}.{expressions.RANK}": len(shape) for name, shape in shapes.items()}
    for name, dim in context.dims.items():
        shape = shapes.get(dim.input_name)
        if shape is not None and -len(shape) <= dim.index < len(shape):
            values[name] = shape[dim.index]
    return values
