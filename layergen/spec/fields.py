"""How a section of the spec is declared once: its fields' types, defaults, descriptions.

A section (`Section`) is a plain class whose annotations are its fields' types, in order, and
whose `field(...)` values say the rest: the default (or a factory that makes it), the key in
the spec where it is not the name, the description, and the bounds `min_length` and `ge`.
`layergen.spec.sections` declares the spec so; from that one declaration

- the section classes are the plain objects the analysis reads (no checks: values as given);
- `layergen.spec.fast` derives the checks of its pydantic-free reader from the types;
- `layergen.spec.models` builds the pydantic models (problems' wording, the JSON Schema).

The types use what both readers understand: str, bool, int, float, `Integer` (an int, or a
float that is integral), `Any`, `Literal`, lists, mappings of names, unions of disjoint kinds,
and sections. Nothing here imports pydantic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any, ClassVar, get_args

from layergen.records import frozen_record, replace
from layergen.spec.limits import MAX_INT_DIGITS


class Integral:
    """The mark of an integer field that also takes an integral float (2.0 is 2)."""


Integer = Annotated[int, Integral]
ShapeItem = Integer | str  # a size, or a name of one (an argument, a dimension, `batch`, `...`)
# An initializer, regularizer or constraint: a Keras name, or a mapping with `name` and the
# class's arguments, whose values may name a constructor argument as `$argument`.
KerasObject = str | dict[str, Any]


def integral(value: Any) -> Any:
    """`2.0` where an integer goes is 2: JSON Schema, and so an editor, takes it for an integer."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 10**MAX_INT_DIGITS:
        return int(value)
    return value


_REQUIRED: Any = object()


@frozen_record
class Field:
    """One field of a section, as declared (`field`), with its name and type."""

    description: str
    default: Any = _REQUIRED  # a value, or none (required, or made by `factory`)
    factory: Callable[[], Any] | None = None  # makes the default (a fresh dict, a section)
    alias: str | None = None  # its key in the spec, where that is not its name
    min_length: int | None = None  # a list's fewest items
    ge: int | None = None  # a number's smallest value
    name: str = ""
    type: Any = None

    @property
    def required(self) -> bool:
        return self.default is _REQUIRED and self.factory is None

    @property
    def key(self) -> str:
        return self.alias or self.name


def field(
    default: Any = _REQUIRED,
    *,
    description: str,
    factory: Callable[[], Any] | None = None,
    alias: str | None = None,
    min_length: int | None = None,
    ge: int | None = None,
) -> Any:
    """A section's field: typed `Any` so that it stands as the default of any annotation."""
    return Field(description, default, factory, alias, min_length, ge)


class Section:
    """A spec section's values, set as given: no checks (the readers check data first).

    `FIELDS` holds the class's fields in order; `model_fields_set` the names given, as in
    pydantic's models, so that the analysis can tell a default from a value written."""

    FIELDS: ClassVar[dict[str, Field]] = {}
    model_fields_set: set[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = {}
        # The annotations are evaluated (no `from __future__ import annotations` where sections
        # are declared): the readers take their types from them.
        for name, annotation in vars(cls).get("__annotations__", {}).items():
            declared = vars(cls).get(name)
            if not isinstance(declared, Field):
                raise TypeError(f"{cls.__name__}.{name} is declared without field(...)")
            fields[name] = replace(declared, name=name, type=annotation)
            delattr(cls, name)  # an unset attribute is an error, not the declaration
        cls.FIELDS = fields

    def __init__(self, **values: Any) -> None:
        for name, field_ in self.FIELDS.items():
            if name in values:
                setattr(self, name, values[name])
            elif field_.factory is not None:
                setattr(self, name, field_.factory())
            elif field_.required:
                raise TypeError(f"{type(self).__name__} needs {name}")
            else:
                setattr(self, name, field_.default)
        unknown = set(values) - set(self.FIELDS)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no fields {sorted(unknown)}")
        self.model_fields_set = set(values)

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and vars(self) == vars(other)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.FIELDS)
        return f"{type(self).__name__}({fields})"


def sections_within(section: type[Section]) -> Iterator[type[Section]]:
    """Every section a section's fields hold, at any depth, each before those that hold it;
    the section itself last."""
    seen: set[type[Section]] = set()

    def visit(kind: Any) -> Iterator[type[Section]]:
        if isinstance(kind, type) and issubclass(kind, Section):
            if kind not in seen:
                seen.add(kind)
                for declared in kind.FIELDS.values():
                    yield from visit(declared.type)
                yield kind
        else:
            for argument in get_args(kind):
                yield from visit(argument)

    return visit(section)
