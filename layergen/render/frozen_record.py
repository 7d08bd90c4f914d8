"""`frozen_record`: a frozen dataclass that is cheap to define.

A class it makes is what `dataclass(frozen=True)` makes: fields from its annotations (in
order, with their defaults; `ClassVar`s are not fields), given by position or keyword,
equality and hash by type and fields, a readable repr, no assignment after construction;
type checkers see a frozen dataclass. `dataclass` compiles six methods for each class
(~0.35 ms a class); these compile `__init__` alone and share the rest (~0.05 ms). The render model's simple classes and
the code values are about 30 classes, loaded by every run that generates: ~10 ms of
`layergen new` on one spec, a figure benchmarks/bench.py measures against black's own time.
Classes that `dataclasses.replace` copies or that change after construction stay dataclasses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import FrozenInstanceError
from typing import TYPE_CHECKING, Any, TypeVar

_Class = TypeVar("_Class", bound=type)

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform

    @dataclass_transform(frozen_default=True)
    def frozen_record(cls: _Class) -> _Class: ...

else:

    def frozen_record(cls: _Class) -> _Class:
        annotations = cls.__dict__.get("__annotations__", {})
        names = tuple(name for name, kind in annotations.items() if not str(kind).startswith("ClassVar"))
        cls.__record_fields__ = names
        cls.__init__ = _init_for(names, {name: cls.__dict__[name] for name in names if name in cls.__dict__})
        for name, method in _METHODS.items():
            setattr(cls, name, method)
        return cls


def record_fields(value: object) -> tuple[str, ...]:
    """The field names of a frozen record, in order; () for anything else."""
    fields: tuple[str, ...] = getattr(type(value), "__record_fields__", ())
    return fields


def _init_for(names: tuple[str, ...], defaults: dict[str, object]) -> Callable[..., None]:
    """`__init__(self, a, b=<default>)`, compiled once per class: as fast to call as a
    dataclass's (instances are made by the thousand). The names are the class's own fields."""
    parameters = ", ".join(name + (f"=_defaults[{name!r}]" if name in defaults else "") for name in names)
    body = "".join(f"    _set(self, {name!r}, {name})\n" for name in names) or "    pass\n"
    namespace: dict[str, Any] = {"_defaults": defaults, "_set": object.__setattr__}
    exec(f"def __init__(self, {parameters}):\n{body}", namespace)  # the class's own field names, never spec text
    init: Callable[..., None] = namespace["__init__"]
    return init


def _values(record: Any) -> tuple[object, ...]:
    return tuple(getattr(record, name) for name in type(record).__record_fields__)


def _frozen(self: object, name: str, item: object = None) -> None:
    raise FrozenInstanceError(f"cannot assign to field {name!r}")


_METHODS: dict[str, Callable[..., Any]] = {
    "__eq__": lambda self, other: type(self) is type(other) and _values(self) == _values(other),
    "__hash__": lambda self: hash((type(self), _values(self))),
    "__repr__": lambda self: f"{type(self).__name__}({', '.join(map(repr, _values(self)))})",
    "__setattr__": _frozen,
    "__delattr__": _frozen,
}
