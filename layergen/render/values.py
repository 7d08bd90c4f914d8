"""Code values: the expressions of the generated code, held as data.

The analysis decides what an expression is (`Call("keras.initializers.get", (Name("x"),))`);
`layergen.render.pycode.code` writes it, in the templates. Every leaf is a name the
analysis chose (`Name`: an argument, `self.units`, `keras.ops.shape`) or a value written with
`repr` (`Literal`), so spec text can only ever become a name layergen checked or a literal.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TypeAlias

from layergen.records import frozen_record, record_fields


@frozen_record
class Name:
    """A name the generated code reads: `units`, `self.units`, `keras.initializers.get`."""

    path: str


@frozen_record
class Literal:
    """A plain value (None, bool, int, float, str, or lists and tuples of them), written with
    `repr`; lists become tuples unless `lists` keeps them (a value as JSON reads back)."""

    value: object
    lists: bool = False


@frozen_record
class Call:
    """`function(arguments..., keyword=value...)`."""

    function: str | Attribute  # a name: "keras.initializers.get", "isinstance", "ops.shape"; or a method
    arguments: tuple[Code, ...] = ()
    keywords: tuple[tuple[str, Code], ...] = ()


@frozen_record
class Item:
    """`value[index]`, or `value[start:stop]` when `index` is a `Slice`."""

    value: Code
    index: Code


@frozen_record
class Slice:
    """`start:stop` inside `Item`; None leaves a side out."""

    start: Code | None = None
    stop: Code | None = None


@frozen_record
class Collection:
    """`(a, b)` (a one-item tuple keeps its comma), `[a, b]`, or `{a, b}`."""

    items: tuple[Code, ...]
    kind: str = "tuple"  # "tuple", "list" or "set"


@frozen_record
class Unpacked:
    """`*value`, an item of a `Collection` or an argument of a `Call`."""

    value: Code


@frozen_record
class Operation:
    """`left <operator> right`: arithmetic (`+ - * // / % **`), a comparison (`< == is not in` ...)
    or a boolean (`and`, `or`). Parentheses follow Python's precedence, so the tree is the
    meaning and the writer finds the parentheses."""

    operator: str
    left: Code
    right: Code


@frozen_record
class Unary:
    """`not operand`, `-operand` or `+operand`."""

    operator: str  # "not", "-" or "+"
    operand: Code


@frozen_record
class IfElse:
    """`then if condition else otherwise`."""

    condition: Code
    then: Code
    otherwise: Code


@frozen_record
class Group:
    """`(value)`: parentheses the meaning does not need, where the generated code has always
    had them (`self.center and (not self.rms_scaling)`, as `ast.unparse` writes it); kept so
    that the output stays byte-identical."""

    value: Code


@frozen_record
class Field:
    """A replacement field of a `Message`: `{value}` or `{value!r}`."""

    value: Code
    conversion: str | None = None  # "r" for `!r`


@frozen_record
class Message:
    """An error message as one f-string: plain text and fields, in order. The writer fits
    it to the project's line length (`pycode.fit_strings`)."""

    parts: tuple[str | Field, ...]


@frozen_record
class Attribute:
    """`value.name`, of a value that is no plain name: `np.asarray(x).dtype`; as a `Call`'s
    function, a method call (`np.asarray(x).tolist()`)."""

    value: Code
    name: str


@frozen_record
class Generator:
    """`(item for name in iterable)`; as the one argument of a `Call` it has no parentheses
    of its own: `any(d <= 0 for d in shape)`."""

    item: Code
    name: str  # the loop variable: "d"
    iterable: Code


@frozen_record
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
    | Generator
    | Attribute
    | Comparison
)


def self_attribute(name: str) -> Name:
    """`self.<name>`: an argument the layer keeps."""
    return Name(f"self.{name}")


def tuple_of(*items: Code) -> Collection:
    return Collection(tuple(items))


# -- reading code values -------------------------------------------------------------------


def names(value: Code) -> Iterator[str]:
    """Every name a code value reads, called functions included (`np.shape`), in order."""
    if isinstance(value, Name):
        yield value.path
        return
    if isinstance(value, Call) and isinstance(value.function, str):
        yield value.function
    for name in record_fields(value):
        yield from _names_in(getattr(value, name))


def _names_in(part: object) -> Iterator[str]:
    if isinstance(part, tuple):
        for item in part:
            yield from _names_in(item)
    elif record_fields(part) and not isinstance(part, Literal):
        yield from names(part)  # type: ignore[arg-type]  # a code value, or a Message's Field
