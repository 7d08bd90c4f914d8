"""Nested lists in the values a spec gives: their shape, and the same values with tuples
(as generated code holds them) or lists (as JSON reads them back)."""

from __future__ import annotations


def as_tuple(value: object) -> object:
    """`value` with every list, at any depth, made a tuple."""
    return tuple(as_tuple(v) for v in value) if isinstance(value, (list, tuple)) else value


def as_list(value: object) -> object:
    """`value` with every tuple, at any depth, made a list."""
    return [as_list(v) for v in value] if isinstance(value, (list, tuple)) else value


def nested_shape(value: object) -> list[int] | None:
    """The shape of a number or rectangular nested list of numbers, else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return []
    if not isinstance(value, list) or not value:
        return None
    inner = [nested_shape(v) for v in value]
    first = inner[0]
    if first is None or any(s != first for s in inner):
        return None
    return [len(value), *first]
