"""Initializer arguments computed from the input's size, as NoisyDense starts its noise scale
at `sigma0 / sqrt(fan_in)`: `{name: constant, value: $sigma0 / input_dim ** 0.5}`.

The value is a small arithmetic expression (numbers, `+ - * / // **`, parentheses) over
`int`/`float` arguments that are never None and input dimensions. It is parsed with `ast`
and checked node by node, never evaluated; it becomes code reading `self.<argument>` and the
dimension `build` binds. An initializer whose values read a dimension is made in `build`,
where the input's size is known; its constructor argument defaults to None (that object).
"""

from __future__ import annotations

import ast

from layergen.analysis.context import Context
from layergen.render.values import Code, Group, Literal, Name, Operation, Unary, self_attribute
from layergen.spec.source import Path_

_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Pow: "**"}
_MAX_CHARS = 200


def is_value_expression(context: Context, reference: str) -> bool:
    """Whether `$reference` is an expression (or a dimension), not a plain argument name."""
    return not reference.isidentifier() or reference in context.dims


def value_code(context: Context, text: str, path: Path_) -> Code:
    """The expression as a code value, or None (and a problem) when it is not one."""
    names = _numeric_names(context)
    try:
        if len(text) > _MAX_CHARS:
            raise ValueError(f"expression is too long (over {_MAX_CHARS} characters)")
        code = _code(ast.parse(text.strip(), mode="eval").body, names)
        return code.value if isinstance(code, Group) else code  # no parentheses around the whole
    except SyntaxError:
        context.problem(path, f"cannot parse {text!r}; use numbers, names, + - * / // ** and parentheses")
    except _UnknownName as unknown:
        context.unknown(path, "number argument or dimension", unknown.name, names)
    except ValueError as error:
        context.problem(path, str(error))
    return Literal(None)


def reads_input(context: Context, keras_object: object) -> bool:
    """Whether a weight's initializer mapping has a value that reads an input dimension."""
    return bool(dimensions_read(context, keras_object))


def dimensions_read(context: Context, keras_object: object) -> list[str]:
    """The input dimensions a Keras-object mapping's `$expression` values read."""
    if not isinstance(keras_object, dict):
        return []
    found: list[str] = []
    for value in keras_object.values():
        if not (isinstance(value, str) and value.startswith("$")):
            continue
        try:
            tree = ast.parse(value[1:].strip(), mode="eval")
        except SyntaxError:
            continue
        found += [
            n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id in context.dims and n.id not in found
        ]
    return found


def dimensions_used_by_initializers(context: Context) -> list[str]:
    """The dimensions `build` must bind for the weights' input-sized initializers."""
    used: list[str] = []
    for weight in context.spec.weights.values():
        used += [name for name in dimensions_read(context, weight.initializer) if name not in used]
    return used


class _UnknownName(Exception):
    def __init__(self, name: str):
        super().__init__(name)
        self.name = name


def _numeric_names(context: Context) -> dict[str, Code]:
    """Name -> what reads it: numeric arguments that are never None, then input dimensions."""
    names: dict[str, Code] = {
        name: self_attribute(name)
        for name, argument in context.spec.arguments.items()
        if argument.type in ("int", "float") and (argument.required or argument.default is not None)
    }
    names.update({name: Name(name) for name in context.dims})
    return names


def _code(node: ast.expr, names: dict[str, Code]) -> Code:
    """Every operation in parentheses, as the generated code has always had them."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return Literal(node.value)
    if isinstance(node, ast.Name):
        if node.id not in names:
            raise _UnknownName(node.id)
        return names[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return Unary("-" if isinstance(node.op, ast.USub) else "+", _code(node.operand, names))
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        return Group(Operation(_OPERATORS[type(node.op)], _code(node.left, names), _code(node.right, names)))
    raise ValueError("an initializer value is numbers and names with + - * / // ** and parentheses")
