"""pydantic's errors about a spec's data, worded for its author, each at its line and column.

A `ValidationError` (and the `SpecSource` it is about) in; `Problem`s out, one per place,
sorted by line: an unknown field with the nearest known one (or a hint from Keras habits), a
missing field, a value of the wrong kind or outside the choices, said as the spec says it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError

from layergen.errors import Problem
from layergen.spec.limits import Path_
from layergen.spec.sections import WeightSpec
from layergen.spec.source import SpecSource
from layergen.vocabulary import closest

# Fields people reach for from Keras habits, and what the spec says instead.
_FIELD_HINTS = {
    "trainable": "a weight's `role` says it: trainable, frozen or state",
    "non_trainable": "a weight's `role` says it: trainable, frozen or state",
    "frozen": "a weight's `role` says it: trainable, frozen or state",
    "init": "did you mean 'initializer'?",
    "value": "a weight's starting value is its `initializer` (e.g. {name: constant, value: 1.0}), or `initial_value`",
}

_TYPE_NAMES = {
    "int_type": "an integer",
    "float_type": "a number",
    "string_type": "a string",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
}


def within(field: str, parent: str) -> bool:
    """Whether the field named `field` is `parent` or lies under it ("" is the whole spec)."""
    return not parent or field == parent or field.startswith((parent + ".", parent + "["))


def structure_problems(source: SpecSource, exc: ValidationError, root: type[BaseModel]) -> list[Problem]:
    """The problems of `exc`, raised by the model `root` for `source.data`, grouped by place."""
    by_location: dict[Path_, list[Any]] = {}
    for error in exc.errors():
        loc = _data_path(source.data, error["loc"], missing=error["type"] in ("missing", "extra_forbidden"))
        by_location.setdefault(loc, []).append(error)
    problems = [_problem(source, loc, errors, root) for loc, errors in by_location.items()]
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def _problem(source: SpecSource, loc: Path_, errors: list[Any], root: type[BaseModel]) -> Problem:
    kind = errors[0]["type"]
    if kind == "extra_forbidden":
        return source.problem(loc, _unknown_field(loc, root), key=True)
    if kind == "missing":
        return source.problem(loc[:-1], f"missing required field '{loc[-1]}'", field=loc)
    if kind == "too_short":
        return source.problem(loc, f"expected at least {errors[0]['ctx']['min_length']} item; found none")
    if kind == "literal_error":
        expected = errors[0]["ctx"]["expected"]
        found = errors[0]["input"]
        suggestion = closest(str(found), [e.strip("'") for e in expected.replace(" or ", ", ").split(", ")])
        hint = f" (did you mean '{suggestion}'?)" if suggestion else ""
        return source.problem(loc, f"expected one of {expected}; found {found!r}{hint}")
    expected_kinds = sorted({_TYPE_NAMES.get(e["type"]) or e["msg"].removeprefix("Input should be ") for e in errors})
    return source.problem(loc, f"expected {' or '.join(expected_kinds)}; found {_describe(errors[0]['input'])}")


def _unknown_field(loc: Path_, root: type[BaseModel]) -> str:
    """The message for a key at `loc` that its mapping's model does not know."""
    parent_model = _model_at(root, loc[:-1])
    fields = [f.alias or n for n, f in parent_model.model_fields.items()] if parent_model else []
    suggestion = closest(str(loc[-1]), fields) if parent_model else None
    hint = f" (did you mean '{suggestion}'?)" if suggestion else ""
    # Keras's words belong to weights: the hints are for a weight's mapping only.
    weight = parent_model is not None and parent_model.__name__ == WeightSpec.__name__  # the model of that section
    alias = closest(str(loc[-1]), _FIELD_HINTS) if weight else None
    if alias and not suggestion:
        hint = f" ({_FIELD_HINTS[alias]})"
    allowed = ", ".join(fields)
    return f"unknown field '{loc[-1]}'{hint}" + (f"; expected one of: {allowed}" if not hint and allowed else "")


def _data_path(data: Any, loc: tuple[str | int, ...], *, missing: bool) -> Path_:
    """The path into the spec's data that a pydantic error location names.

    pydantic also puts the tried union member into locations (`"str"`, `"dict[str,any]"`);
    those parts match nothing in the data and are dropped. A missing or unknown field is
    the last part, kept even though the data may not hold it.
    """
    path: list[str | int] = []
    current: Any = data
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if _holds(current, part):
            path.append(part)
            current = current[part]
        elif last and missing:
            path.append(part)
    return tuple(path)


def _holds(value: Any, part: str | int) -> bool:
    """Whether `part` is a key of the mapping, or an index of the list, `value`."""
    if isinstance(value, dict):
        return part in value
    return isinstance(value, list) and isinstance(part, int) and 0 <= part < len(value)


def _model_at(root: type[BaseModel], loc: Path_) -> type[BaseModel] | None:
    """The pydantic model class that validates the mapping at `loc`, if any."""
    model = root
    index = 0
    while index < len(loc):
        part = loc[index]
        field = model.model_fields.get(part) if isinstance(part, str) else None
        if field is None:
            return None
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model, index = annotation, index + 1
            continue
        args = getattr(annotation, "__args__", ())
        if args and isinstance(args[-1], type) and issubclass(args[-1], BaseModel):
            model, index = args[-1], index + 2  # dict[str, Model]: skip the entry's name
            continue
        return None
    return model


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)
