"""The tests on a value that the generated checks are made of, as code values:
`isinstance(v, int)`, `v is None`, `any(... for d in shape)`. In: the value tested (a code
value) and type names. Out: code values (`layergen.render.values`)."""

from __future__ import annotations

from layergen.render.values import Call, Code, Collection, Generator, Literal, Name, Operation, Unary


def instance_of(value: Code, *types: str) -> Call:
    """`isinstance(value, type)`, or `isinstance(value, (type, ...))`."""
    kinds: Code = Name(types[0]) if len(types) == 1 else Collection(tuple(Name(t) for t in types))
    return Call("isinstance", (value, kinds))


def not_instance_of(value: Code, *types: str) -> Unary:
    return Unary("not", instance_of(value, *types))


def int_not_bool(value: Code) -> Operation:
    """`isinstance(value, int) and not isinstance(value, bool)`: an int that is not a bool."""
    return Operation("and", instance_of(value, "int"), not_instance_of(value, "bool"))


def is_none(value: Code) -> Operation:
    return Operation("is", value, Literal(None))


def is_not_none(value: Code) -> Operation:
    return Operation("is not", value, Literal(None))


def any_of(item: Code, variable: str, iterable: Code) -> Call:
    """`any(item for variable in iterable)`."""
    return Call("any", (Generator(item, variable, iterable),))


def all_of(item: Code, variable: str, iterable: Code) -> Call:
    """`all(item for variable in iterable)`."""
    return Call("all", (Generator(item, variable, iterable),))
