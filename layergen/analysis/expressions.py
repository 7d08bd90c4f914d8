"""The small, safe expression language of shapes and bounds: `units`, `heads * head_dim`, `[]`.

An expression is an integer, a name, or `+ - * //` and parentheses over those. It is parsed
with `ast` and every node is checked against that grammar; nothing is ever `eval`-ed. An
expression can be turned into a code value (`layergen.render.values`, names mapped by the
caller) or computed.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Mapping
from typing import Any

from layergen.records import frozen_record
from layergen.render.values import (
    Code,
    Collection,
    Comparison,
    Group,
    IfElse,
    Item,
    Literal,
    Operation,
    Unary,
    self_attribute,
)

_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.FloorDiv: "//"}


class ExpressionError(ValueError):
    """The text is not an expression of the shape grammar."""


@frozen_record
class Expression:
    text: str
    tree: ast.expr

    @property
    def names(self) -> list[str]:
        """Names used, in order of first appearance."""
        seen = []
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Name) and node.id not in seen:
                seen.append(node.id)
        return seen

    @property
    def items(self) -> dict[str, list[int]]:
        """The names read by item (`padding[0]`), each with the indices read, in order."""
        read: dict[str, set[int]] = {}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
                index = node.slice
                assert isinstance(index, ast.Constant) and isinstance(index.value, int)  # `parse` admits `name[<int>]`
                read.setdefault(node.value.id, set()).add(index.value)
        return {name: sorted(indices) for name, indices in read.items()}

    @property
    def bare_names(self) -> list[str]:
        """The names read whole (not by item), in order of first appearance."""
        inside = {id(node.value) for node in ast.walk(self.tree) if isinstance(node, ast.Subscript)}
        seen: list[str] = []
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Name) and id(node) not in inside and node.id not in seen:
                seen.append(node.id)
        return seen

    @property
    def is_name(self) -> bool:
        return isinstance(self.tree, ast.Name)

    @property
    def canonical(self) -> str:
        """The expression in the spec's names, spaced one way (`2 * units`): what checkpoint
        records and messages show."""
        return ast.unparse(self.tree)

    def to_code(self, name_code: Mapping[str, Code]) -> Code:
        """The expression as a code value, each name replaced by `name_code[name]`."""
        return _code(self.tree, name_code)

    def evaluate(self, values: Mapping[str, Any]) -> int:
        return _evaluate(self.tree, values)


def parse(item: int | str) -> Expression:
    if isinstance(item, bool):
        raise ExpressionError(f"expected a dimension, found {item!r}")
    if isinstance(item, int):
        if item < 0:
            raise ExpressionError(f"a dimension cannot be negative, found {item}")
        return Expression(str(item), ast.Constant(item))
    text = item.strip()
    if len(text) > 200:
        raise ExpressionError("expression is too long (over 200 characters)")
    try:
        tree = ast.parse(text, mode="eval").body
    except SyntaxError:
        raise ExpressionError(f"cannot parse {item!r}; {_SHAPE_GRAMMAR}") from None
    _check(tree, item)
    return Expression(text, tree)


_SHAPE_GRAMMAR = "use names, integers, items of int_tuple arguments (`padding[0]`), + - * // and parentheses"


def _check(node: ast.AST, original: str) -> None:
    if isinstance(node, ast.Name):
        return
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and isinstance(node.ctx, ast.Load):
        index = node.slice
        if isinstance(index, ast.Constant) and type(index.value) is int and index.value >= 0:
            return
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        _check(node.left, original)
        _check(node.right, original)
        return
    raise ExpressionError(f"{original!r} is not allowed here; {_SHAPE_GRAMMAR}")


def _code(node: ast.expr, name_code: Mapping[str, Code]) -> Code:
    if isinstance(node, ast.Name):
        return name_code[node.id]
    if isinstance(node, ast.Subscript):
        # Only an int_tuple argument is read by item (`layergen.analysis.shapes` checks it).
        assert isinstance(node.value, ast.Name) and isinstance(node.slice, ast.Constant)
        return Item(name_code.get(node.value.id) or self_attribute(node.value.id), Literal(node.slice.value))
    if isinstance(node, ast.Constant):
        return Literal(node.value)
    assert isinstance(node, ast.BinOp)  # `parse` admits names, integers and these alone
    return Operation(_OPERATORS[type(node.op)], _code(node.left, name_code), _code(node.right, name_code))


def _evaluate(node: ast.expr, values: Mapping[str, Any]) -> int:
    if isinstance(node, ast.Name):
        return int(values[node.id])
    if isinstance(node, ast.Subscript):
        assert isinstance(node.value, ast.Name) and isinstance(node.slice, ast.Constant)
        return int(values[node.value.id][node.slice.value])
    if isinstance(node, ast.Constant):
        assert isinstance(node.value, int)  # `parse` admits integer constants only
        return node.value
    assert isinstance(node, ast.BinOp)
    left, right = _evaluate(node.left, values), _evaluate(node.right, values)
    op = type(node.op)
    if op is ast.Add:
        return left + right
    if op is ast.Sub:
        return left - right
    if op is ast.Mult:
        return left * right
    return left // right


# -- conditions: expressions over arguments that give a value, not a size ------------------
#
# `center and not rms_scaling`, `mask_zero`, `data_format == "channels_last"`: what a
# condition field (`supports_masking`, ...) may say. The grammar is a small part of Python's:
# names, constants (integers, strings, true/false/None), `and` / `or` / `not`, comparisons,
# `+ - * //`, unary minus and `a if c else b`. Each node is checked; nothing is `eval`-ed, and
# the generated code is printed from the checked tree with every name replaced.

_CONDITION_NODES = (
    ast.BoolOp,
    ast.And,
    ast.Or,
    ast.UnaryOp,
    ast.Not,
    ast.USub,
    ast.Compare,
    ast.Eq,
    ast.NotEq,
    ast.Lt,
    ast.LtE,
    ast.Gt,
    ast.GtE,
    ast.Is,
    ast.IsNot,
    ast.In,
    ast.NotIn,
    ast.BinOp,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.FloorDiv,
    ast.IfExp,
    ast.Name,
    ast.Load,
    ast.Tuple,
    ast.Constant,
)
RANK = "rank"
_CONDITION_GRAMMAR = (
    "use argument and dimension names, <input>.rank, numbers, strings, and, or, not, comparisons, + - * // "
    "and `a if c else b`"
)


def parse_condition(text: str | bool) -> Expression:
    """A condition over arguments; `ExpressionError` when the text is outside the grammar."""
    if isinstance(text, bool):
        return Expression(repr(text), ast.Constant(text))
    stripped = text.strip()
    if len(stripped) > 200:
        raise ExpressionError("expression is too long (over 200 characters)")
    try:
        tree = ast.parse(stripped, mode="eval").body
    except SyntaxError:
        raise ExpressionError(f"cannot parse {text!r}; {_CONDITION_GRAMMAR}") from None
    for node in ast.walk(tree):
        allowed = isinstance(node, _CONDITION_NODES)
        if isinstance(node, ast.Constant):
            allowed = node.value is None or type(node.value) in (int, float, str, bool)
            if type(node.value) is float and not math.isfinite(node.value):
                # `1e999` reads as inf, which no literal can write back (as in a spec's values)
                raise ExpressionError(f"numbers must be finite, found {node.value} in {text!r}")
        if isinstance(node, ast.Name):
            allowed = not node.id.startswith("_")
        if isinstance(node, ast.Attribute):  # `inputs.rank`: an input's rank, where it is known
            allowed = node.attr == RANK and isinstance(node.value, ast.Name)
        if not allowed:
            raise ExpressionError(f"{type(node).__name__.lower()} is not allowed in {text!r}; {_CONDITION_GRAMMAR}")
        if isinstance(node, ast.BinOp):
            _check_arithmetic(node, text)
    return Expression(stripped, tree)


def _check_arithmetic(node: ast.BinOp, text: str) -> None:
    """Arithmetic is on numbers: a string operand could repeat itself into gigabytes
    (`'ab' * 10 ** 9`), in layergen's check and in the generated layer alike."""
    for operand in (node.left, node.right):
        while isinstance(operand, ast.UnaryOp):
            operand = operand.operand
        if isinstance(operand, ast.Constant) and type(operand.value) not in (int, float):
            raise ExpressionError(f"arithmetic in {text!r} is on numbers and arguments, not {operand.value!r}")
    divisor = node.right
    if isinstance(node.op, ast.FloorDiv) and isinstance(divisor, ast.Constant) and divisor.value == 0:
        raise ExpressionError(f"{text!r} divides by zero")


def arithmetic_names(expression: Expression) -> list[str]:
    """The names a condition's arithmetic reads (they must be numbers)."""
    names: list[str] = []
    for node in ast.walk(expression.tree):
        if isinstance(node, ast.BinOp):
            for operand in (node.left, node.right):
                while isinstance(operand, ast.UnaryOp):
                    operand = operand.operand
                if isinstance(operand, ast.Name) and operand.id not in names:
                    names.append(operand.id)
    return names


def condition_code(expression: Expression, name_code: Mapping[str, Code]) -> Code:
    """A condition as a code value, each name replaced by `name_code[name]` and each
    `<input>.rank` by `name_code["<input>.rank"]` (atoms: names, items, calls).

    The parentheses are those `ast.unparse` puts (the generated code has always had them):
    a `Group` wherever it puts one, so `center and not rms_scaling` stays
    `self.center and (not self.rms_scaling)`."""
    return _condition(expression.tree, name_code, _TEST)


# `ast._Precedence`'s levels, as `ast.unparse` parenthesizes: an operand binding more loosely
# than its place requires gets parentheses. (Levels 10-12 are bitwise operators, outside the
# grammar, but the operands of a long `and` climb through them.)
_TEST, _OR, _AND, _NOT, _CMP, _EXPR = range(4, 10)
_ARITH, _TERM, _FACTOR, _ATOM = 13, 14, 15, 18
_BOOLEAN = {ast.And: ("and", _AND), ast.Or: ("or", _OR)}
_COMPARISONS = {
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.In: "in",
    ast.NotIn: "not in",
}


def _condition(node: ast.expr, names: Mapping[str, Code], required: int) -> Code:
    value, precedence = _condition_value(node, names)
    return Group(value) if precedence < required else value


def _condition_value(node: ast.expr, names: Mapping[str, Code]) -> tuple[Code, int]:
    """The node as a code value, and how tightly `ast.unparse` takes it to bind."""
    if isinstance(node, ast.Name):
        return names[node.id], _ATOM
    if isinstance(node, ast.Attribute):  # `inputs.rank`, as `parse_condition` admits it
        assert isinstance(node.value, ast.Name)
        return names[f"{node.value.id}.{node.attr}"], _ATOM
    if isinstance(node, ast.Constant):
        return Literal(node.value), _ATOM
    if isinstance(node, ast.Tuple):
        return Collection(tuple(_condition(item, names, _TEST) for item in node.elts)), _ATOM
    if isinstance(node, ast.BoolOp):
        operator, precedence = _BOOLEAN[type(node.op)]
        # Each operand after the first binds one level tighter than the one before.
        value = _condition(node.values[0], names, precedence + 1)
        for place, operand in enumerate(node.values[1:], start=2):
            value = Operation(operator, value, _condition(operand, names, min(precedence + place, _ATOM)))
        return value, precedence
    if isinstance(node, ast.UnaryOp):
        if isinstance(node.op, ast.Not):
            return Unary("not", _condition(node.operand, names, _NOT)), _NOT
        return Unary("-", _condition(node.operand, names, _FACTOR)), _FACTOR
    if isinstance(node, ast.Compare):
        operands = [_condition(operand, names, _EXPR) for operand in (node.left, *node.comparators)]
        operators = [_COMPARISONS[type(op)] for op in node.ops]
        if len(operators) == 1:
            return Operation(operators[0], operands[0], operands[1]), _CMP
        return Comparison(operands[0], tuple(zip(operators, operands[1:], strict=True))), _CMP
    if isinstance(node, ast.BinOp):
        precedence = _TERM if isinstance(node.op, (ast.Mult, ast.FloorDiv)) else _ARITH
        left, right = _condition(node.left, names, precedence), _condition(node.right, names, precedence + 1)
        return Operation(_OPERATORS[type(node.op)], left, right), precedence
    assert isinstance(node, ast.IfExp)  # `parse_condition` admits these nodes alone
    then, test = _condition(node.body, names, _OR), _condition(node.test, names, _OR)
    return IfElse(test, then, _condition(node.orelse, names, _TEST)), _TEST


_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Is: lambda a, b: a is b,
    ast.IsNot: lambda a, b: a is not b,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
_ARITHMETIC: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.FloorDiv: lambda a, b: a // b,
}


def evaluate_condition(expression: Expression, values: Mapping[str, object]) -> Any:
    """The condition's value for these argument values (the test's), walking the checked
    tree: what the generated code computes, without running any text. `ExpressionError`
    where these values make it fail (a division by zero)."""
    try:
        return _value(expression.tree, values)
    except (ArithmeticError, TypeError) as error:
        raise ExpressionError(f"{expression.text!r} fails for {values!r}: {error}") from None


def _value(node: ast.expr, values: Mapping[str, object]) -> Any:
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, ast.Attribute):  # `inputs.rank`, as `parse_condition` admits it
        assert isinstance(node.value, ast.Name)
        return values[f"{node.value.id}.{node.attr}"]
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Tuple):
        return tuple(_value(item, values) for item in node.elts)
    if isinstance(node, ast.BoolOp):
        result = _value(node.values[0], values)
        for item in node.values[1:]:
            if bool(result) is isinstance(node.op, ast.Or):
                break
            result = _value(item, values)
        return result
    if isinstance(node, ast.UnaryOp):
        operand = _value(node.operand, values)
        return (not operand) if isinstance(node.op, ast.Not) else -operand
    if isinstance(node, ast.Compare):
        left = _value(node.left, values)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = _value(right_node, values)
            if not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.BinOp):
        return _ARITHMETIC[type(node.op)](_value(node.left, values), _value(node.right, values))
    assert isinstance(node, ast.IfExp)  # `parse_condition` admits these nodes alone
    return _value(node.body if _value(node.test, values) else node.orelse, values)
