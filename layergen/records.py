"""Record classes: what `dataclass` makes, cheap to define.

`@record` and `@frozen_record` make a class's fields from its annotations (in order, with
their defaults; `ClassVar`s are not fields; `field(default_factory=list)` gives each
instance its own default), given by position or keyword (only by keyword with `kw_only=True`), with equality
by type and fields and a readable repr; a frozen record also hashes by its fields and
refuses assignment. `replace` and `as_dict` are `dataclasses.replace` and `asdict` for them.
Type checkers see dataclasses (`dataclass_transform`).

Why not `dataclass`: it compiles six methods for each class (~0.4 ms a class) and loads
`inspect`, `ast`, `dis` and `tokenize` (~5 ms). layergen has some 200 such classes, and
`check` on a current project loads ~40 of them: about a tenth of its time, a figure
benchmarks/bench.py measures against hashing the project's files. These compile
`__init__` alone and share the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, overload

_Class = TypeVar("_Class", bound=type)
_Record = TypeVar("_Record")


class FrozenInstanceError(AttributeError):
    """Assigning to a field of a frozen record (as `dataclasses.FrozenInstanceError`)."""


class _Factory:
    """A field's default made afresh for each instance: `field(default_factory=list)`."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]):
        self.make = make


if TYPE_CHECKING:
    from typing_extensions import dataclass_transform

    def field(*, default_factory: Callable[[], _Record]) -> _Record: ...

    @overload
    def record(cls: _Class, /) -> _Class: ...
    @overload
    def record(*, frozen: bool = False, kw_only: bool = False) -> Callable[[_Class], _Class]: ...
    @dataclass_transform(field_specifiers=(field,))
    def record(cls: Any = None, /, *, frozen: bool = False, kw_only: bool = False) -> Any: ...

    @overload
    def frozen_record(cls: _Class, /) -> _Class: ...
    @overload
    def frozen_record(*, kw_only: bool = False, order: bool = False) -> Callable[[_Class], _Class]: ...
    @dataclass_transform(frozen_default=True, field_specifiers=(field,))
    def frozen_record(cls: Any = None, /, *, kw_only: bool = False, order: bool = False) -> Any: ...

else:

    def field(*, default_factory):
        return _Factory(default_factory)

    def record(cls=None, /, *, frozen=False, kw_only=False):
        def make(cls):
            return _define(cls, frozen=frozen, kw_only=kw_only)

        return make if cls is None else make(cls)

    def frozen_record(cls=None, /, *, kw_only=False, order=False):
        def make(cls):
            return _define(cls, frozen=True, kw_only=kw_only, order=order)

        return make if cls is None else make(cls)


def record_fields(value: object) -> tuple[str, ...]:
    """The field names of a record, in order; () for anything else."""
    fields: tuple[str, ...] = getattr(type(value), "__record_fields__", ())
    return fields


def replace(value: _Record, /, **changes: Any) -> _Record:
    """A copy of the record `value` with `changes` (fields by name), as `dataclasses.replace`."""
    names = type(value).__record_fields__  # type: ignore[attr-defined]
    unknown = set(changes) - set(names)
    if unknown:
        raise TypeError(f"{type(value).__name__} has no field {sorted(unknown)[0]!r}")
    return type(value)(**{name: changes.get(name, getattr(value, name)) for name in names})


def as_dict(value: Any) -> Any:
    """Records as dicts of their fields, lists, tuples and dicts walked; as `dataclasses.asdict`."""
    names = record_fields(value)
    if names:
        return {name: as_dict(getattr(value, name)) for name in names}
    if isinstance(value, list | tuple):
        return type(value)(as_dict(item) for item in value)
    if isinstance(value, dict):
        return {as_dict(key): as_dict(item) for key, item in value.items()}
    return value


def _define(cls: type, *, frozen: bool, kw_only: bool, order: bool = False) -> type:
    if any(hasattr(base, "__record_fields__") for base in cls.__mro__[1:]):
        # A record's fields are its own annotations: a base record's would be lost.
        raise TypeError(f"{cls.__name__}: a record class cannot extend another record class")
    annotations = cls.__dict__.get("__annotations__", {})
    names = tuple(
        name for name, kind in annotations.items() if not str(kind).startswith(("ClassVar", "typing.ClassVar"))
    )
    defaults = {name: cls.__dict__[name] for name in names if name in cls.__dict__}
    for name, default in defaults.items():
        if isinstance(default, _Factory):
            delattr(cls, name)  # as dataclass does: the class keeps no shared default
    cls.__record_fields__ = names  # type: ignore[attr-defined]
    cls.__init__ = _init_for(names, defaults, frozen=frozen, kw_only=kw_only)  # type: ignore[misc]
    for name, method in {**(_FROZEN if frozen else _MUTABLE), **(_ORDER if order else {})}.items():
        setattr(cls, name, method)
    return cls


def _init_for(
    names: tuple[str, ...], defaults: dict[str, object], *, frozen: bool, kw_only: bool
) -> Callable[..., None]:
    """`__init__(self, a, b=<default>)`, compiled once per class: as fast to call as a
    dataclass's (records are made by the thousand). The names are the class's own fields."""
    parameters = []
    body = []
    for name in names:
        default = defaults.get(name, _NO_DEFAULT)
        if isinstance(default, _Factory):
            parameters.append(f"{name}=_MISSING")
            body.append(f"    if {name} is _MISSING: {name} = _defaults[{name!r}].make()\n")
        else:
            parameters.append(name + ("" if default is _NO_DEFAULT else f"=_defaults[{name!r}]"))
        body.append(f"    _set(self, {name!r}, {name})\n" if frozen else f"    self.{name} = {name}\n")
    signature = ", ".join((["*"] if kw_only and parameters else []) + parameters)
    namespace: dict[str, Any] = {"_defaults": defaults, "_set": object.__setattr__, "_MISSING": _NO_DEFAULT}
    code = f"def __init__(self{', ' if signature else ''}{signature}):\n{''.join(body) or '    pass'}\n"
    exec(code, namespace)  # the class's own field names, never spec text
    init: Callable[..., None] = namespace["__init__"]
    return init


class _NoDefault:
    def __repr__(self) -> str:
        return "<no default>"


_NO_DEFAULT: Any = _NoDefault()


def _values(value: Any) -> tuple[object, ...]:
    return tuple(getattr(value, name) for name in type(value).__record_fields__)


def _frozen(self: object, name: str, item: object = None) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


def _equal(self: object, other: object) -> bool:
    return type(self) is type(other) and _values(self) == _values(other)


def _repr(self: object) -> str:
    fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in type(self).__record_fields__)  # type: ignore[attr-defined]
    return f"{type(self).__name__}({fields})"


def _compare(test: Callable[[tuple[object, ...], tuple[object, ...]], bool]) -> Callable[[object, object], Any]:
    def compare(self: object, other: object) -> Any:
        return test(_values(self), _values(other)) if type(self) is type(other) else NotImplemented

    return compare


_ORDER = {
    "__lt__": _compare(lambda a, b: a < b),
    "__le__": _compare(lambda a, b: a <= b),
    "__gt__": _compare(lambda a, b: a > b),
    "__ge__": _compare(lambda a, b: a >= b),
}
_MUTABLE: dict[str, Any] = {"__eq__": _equal, "__repr__": _repr, "__hash__": None}
_FROZEN: dict[str, Any] = {
    **_MUTABLE,
    "__hash__": lambda self: hash((type(self), _values(self))),
    "__setattr__": _frozen,
    "__delattr__": _frozen,
}
