"""Step 2 without pydantic: the data of a valid spec in, the sections (`LayerSpec`) out.

pydantic (`layergen.spec.models`) words every problem of a spec that is not valid, but loading
it and building its models costs ~70 ms, more than the rest of reading a spec. So
`layergen.spec.parse` first tries `read_fast`: it checks the data with pydantic's strict rules,
by checks derived here from the types of `layergen.spec.sections`, and fills the sections.
Whenever it is not sure the data is valid it gives up (None), and pydantic validates: it words
the problems, or accepts, and its result is made the same sections (`from_validated`).
tests/spec/test_spec_fast.py holds the two to agreement.
"""

from __future__ import annotations

import types
from collections.abc import Callable
from functools import partial
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from layergen.spec.fields import Field, Integral, Section, integral, sections_within
from layergen.spec.sections import LayerSpec

__all__ = ["from_validated", "read_fast"]


class _NotSure(Exception):
    """The data may be invalid: pydantic decides."""


# A check returns the value as pydantic's strict mode gives it, or raises _NotSure.
Check = Callable[[Any], Any]
_PLAIN = (str, bool, int, float)


def _exactly(*kinds: type) -> Check:
    # `type(...) is`, not isinstance: strict mode takes no bool for an int, and the reader
    # gives plain types; anything else is left to pydantic.
    def check(value: Any) -> Any:
        if type(value) not in kinds:
            raise _NotSure
        return value

    return check


_str = _exactly(str)


def _any(value: Any) -> Any:
    return value


def _integer(value: Any) -> int:
    """An `Integer`: an int, or an integral float made one."""
    value = integral(value)
    if type(value) is not int:
        raise _NotSure
    return value


def _one_of(names: tuple[str, ...]) -> Check:
    def check(value: Any) -> Any:
        if type(value) is not str or value not in names:
            raise _NotSure
        return value

    return check


def _list(item: Check) -> Check:
    def check(value: Any) -> Any:
        if type(value) is not list:
            raise _NotSure
        return [item(element) for element in value]

    return check


def _mapping(item: Check) -> Check:
    def check(value: Any) -> Any:
        if type(value) is not dict:
            raise _NotSure
        return {_str(key): item(element) for key, element in value.items()}

    return check


def _either(checks: list[Check]) -> Check:
    """A union whose members take disjoint kinds of data, so the first that fits is the one
    pydantic's smart mode picks too."""

    def check(value: Any) -> Any:
        for member in checks:
            try:
                return member(value)
            except _NotSure:
                pass
        raise _NotSure

    return check


def _optional(check: Check) -> Check:
    def optional(value: Any) -> Any:
        return None if value is None else check(value)

    return optional


def _bounded(check: Check, min_length: int | None, ge: int | None) -> Check:
    """The check, then the bounds on any value but None (as pydantic's on an optional field)."""

    def bounded(value: Any) -> Any:
        value = check(value)
        if value is not None and (
            (min_length is not None and len(value) < min_length) or (ge is not None and value < ge)
        ):
            raise _NotSure
        return value

    return bounded


def _check(kind: Any) -> Check:
    """The check of a type (`layergen.spec.fields` lists the types a section uses)."""
    origin, arguments = get_origin(kind), get_args(kind)
    if kind is Any:
        return _any
    if kind in _PLAIN:
        return _exactly(kind)
    if isinstance(kind, type) and issubclass(kind, Section):
        return partial(_build, kind)
    if origin is Annotated and arguments[1:] == (Integral,):
        return _integer
    if origin is Literal:
        return _one_of(arguments)
    if origin is list:
        return _list(_check(arguments[0]))
    if origin is dict and arguments[0] is str:
        return _mapping(_check(arguments[1]))
    if origin in (Union, types.UnionType):
        members = [member for member in arguments if member is not types.NoneType]
        plain = tuple(member for member in members if member in _PLAIN)
        checks = ([_exactly(*plain)] if plain else []) + [_check(member) for member in members if member not in plain]
        either = checks[0] if len(checks) == 1 else _either(checks)
        return _optional(either) if len(members) < len(arguments) else either
    raise TypeError(f"the fast reader has no check for {kind!r}")


def _field_check(declared: Field) -> Check:
    """The check of one field: its type's, and its bounds."""
    check = _check(declared.type)
    if declared.min_length is None and declared.ge is None:
        return check
    return _bounded(check, declared.min_length, declared.ge)


# Each section's fields by their key in the spec, with their checks; and its required fields.
_KEYS: dict[type[Section], dict[str, tuple[str, Check]]] = {}
_REQUIRED: dict[type[Section], tuple[str, ...]] = {}


def _build(cls: type[Section], data: Any) -> Any:
    if type(data) is not dict:
        raise _NotSure
    keys = _KEYS[cls]
    values: dict[str, Any] = {}
    for key, value in data.items():
        known = keys.get(key) if type(key) is str else None
        if known is None:
            raise _NotSure  # extra="forbid"
        values[known[0]] = known[1](value)
    for name in _REQUIRED[cls]:
        if name not in values:
            raise _NotSure  # missing
    return cls(**values)


for _section in sections_within(LayerSpec):
    _REQUIRED[_section] = tuple(name for name, declared in _section.FIELDS.items() if declared.required)
    # pydantic also takes an aliased field by its name (`class_`): left to it.
    _KEYS[_section] = {declared.key: (name, _field_check(declared)) for name, declared in _section.FIELDS.items()}


def read_fast(data: Any) -> LayerSpec | None:
    """The spec the data holds, when it is surely valid; None when pydantic must decide."""
    try:
        spec: LayerSpec = _build(LayerSpec, data)
    except _NotSure:
        return None
    return spec


def from_validated(dump: dict[str, Any]) -> LayerSpec:
    """The sections of data pydantic accepted (`model_dump(by_alias=True, exclude_unset=True)`)."""
    spec = read_fast(dump)
    if spec is None:
        raise AssertionError("layergen.spec.fast refuses a spec that pydantic accepts")
    return spec
