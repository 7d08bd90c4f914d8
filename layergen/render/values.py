"""Code values: the expressions of the generated code, held as data.

The analysis decides what an expression is (`Call("keras.initializers.get", (Name("x"),))`);
`layergen.render.pycode.code` writes it, in the templates. Every leaf is a name the
analysis chose (`Name`: an argument, `self.units`, `keras.ops.shape`) or a value written with
`repr` (`Literal`), so spec text can only ever become a name layergen checked or a literal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias


@dataclass(frozen=True)
class Name:
    """A name the generated code reads: `units`, `self.units`, `keras.initializers.get`."""

    path: str


@dataclass(frozen=True)
class Literal:
    """A plain value (None, bool, int, float, str, or lists and tuples of them), written with
    `repr`; lists become tuples unless `lists` keeps them (a value as JSON reads back)."""

    value: object
    lists: bool = False


@dataclass(frozen=True)
class Call:
    """`function(arguments..., keyword=value...)`."""

    function: str  # a name: "keras.initializers.get", "isinstance", "ops.shape"
    arguments: tuple[Code, ...] = ()
    keywords: tuple[tuple[str, Code], ...] = ()


@dataclass(frozen=True)
class Item:
    """`value[index]`, or `value[start:stop]` when `index` is a `Slice`."""

    value: Code
    index: Code


@dataclass(frozen=True)
class Slice:
    """`start:stop` inside `Item`; None leaves a side out."""

    start: Code | None = None
    stop: Code | None = None


@dataclass(frozen=True)
class Collection:
    """`(a, b)` (a one-item tuple keeps its comma), `[a, b]`, or `{a, b}`."""

    items: tuple[Code, ...]
    kind: str = "tuple"  # "tuple", "list" or "set"


@dataclass(frozen=True)
class Unpacked:
    """`*value`, an item of a `Collection` or an argument of a `Call`."""

    value: Code


@dataclass(frozen=True)
class Operation:
    """`left <operator> right`: arithmetic (`+ - * // / % **`), a comparison (`< == is not in` ...)
    or a boolean (`and`, `or`). Parentheses follow Python's precedence, so the tree is the
    meaning and the writer finds the parentheses."""

    operator: str
    left: Code
    right: Code


@dataclass(frozen=True)
class Unary:
    """`not operand`, `-operand` or `+operand`."""

    operator: str  # "not", "-" or "+"
    operand: Code


@dataclass(frozen=True)
class IfElse:
    """`then if condition else otherwise`."""

    condition: Code
    then: Code
    otherwise: Code


@dataclass(frozen=True)
class Group:
    """`(value)`: parentheses the meaning does not need, where the generated code has always
    had them (`self.center and (not self.rms_scaling)`, as `ast.unparse` writes it); kept so
    that the output stays byte-identical."""

    value: Code


@dataclass(frozen=True)
class Field:
    """A replacement field of a `Message`: `{value}` or `{value!r}`."""

    value: Code
    conversion: str | None = None  # "r" for `!r`


@dataclass(frozen=True)
class Message:
    """An error message as one f-string: plain text and fields, in order. The writer fits
    it to the project's line length (`pycode.fit_strings`)."""

    parts: tuple[str | Field, ...]


@dataclass(frozen=True)
class Comparison:
    """`a < b <= c`: comparisons chained, as Python reads them (`a < b and b <= c`); a single
    comparison is an `Operation`."""

    first: Code
    rest: tuple[tuple[str, Code], ...]  # (operator, operand) after `first`


Code: TypeAlias = (
    Name
    | Literal
    | Call
    | Item
    | Slice
    | Collection
    | Unpacked
    | Operation
    | Unary
    | IfElse
    | Group
    | Message
    | Comparison
)


def attribute(name: str) -> Name:
    """`self.<name>`: an argument the layer keeps."""
    return Name(f"self.{name}")


def tuple_of(*items: Code) -> Collection:
    return Collection(tuple(items))
