"""What `adopt` makes of a class: the spec (a plain dict, in the spec's field order) and the code
it could not translate, each piece located (never dropped silently)."""

from __future__ import annotations

import ast
from typing import Any

from layergen.records import field, frozen_record, record

# A spec being written, or a part of it: YAML values, in the spec's field order.
Spec = dict[str, Any]
Defaults = dict[str, ast.expr | None]  # __init__'s parameter -> its default (None: none)


@frozen_record
class Untranslated:
    line: int
    what: str
    end: int = 0  # the statement's last line, when it is a whole statement (0: the line alone)


@record
class Translation:
    spec: Spec
    untranslated: list[Untranslated] = field(default_factory=list)
    input_dims: dict[str, str] = field(default_factory=dict)  # `input_shape[-1]` -> "input_dim"


def literal(node: ast.expr | None) -> Any:
    """The value a literal expression stands for (any literal Python value); `NotLiteral` otherwise."""
    try:
        return ast.literal_eval(node) if node is not None else None
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        raise NotLiteral from None


class NotLiteral(Exception):
    pass


def is_docstring(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)


def end_line(node: ast.stmt) -> int:
    """A statement's last line."""
    return node.end_lineno or node.lineno
