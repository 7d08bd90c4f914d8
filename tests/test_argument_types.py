"""The argument-type table: one entry per spec type, and each entry's parts agree with each
other (the check `__init__` runs, what layergen accepts, and the test's values)."""

import itertools
import typing

import pytest

from layergen.analysis.argument_types import (
    TYPES,
    argument_check,
    invalid_value,
    other_value,
    requirement,
    sample_value,
    value_fits,
)
from layergen.spec import ArgumentSpec, ArgumentType

ARGUMENTS = [
    {"type": "int", "min": 1},
    {"type": "int", "min": 0, "max": 10, "default": 3},
    {"type": "int", "max": 5, "default": None},
    {"type": "float", "min": 0, "max": 1, "default": 0.5},
    {"type": "float", "default": 1.5},
    {"type": "float"},
    {"type": "bool", "default": True},
    {"type": "bool"},
    {"type": "str", "default": "x"},
    {"type": "str", "choices": ["sum", "mean"], "default": "sum"},
    {"type": "list[int]", "min": 1, "default": [2, 3]},
    {"type": "list[float]", "max": 1, "default": [0.5]},
    {"type": "list[str]", "default": ["a"]},
    {"type": "list[bool]", "default": None},
    {"type": "list[bool]", "default": [True]},
    {"type": "activation", "default": "relu"},
    {"type": "activation"},
]


def test_every_type_of_the_spec_has_one_entry():
    assert set(TYPES) == set(typing.get_args(ArgumentType))


def _refused_by_init(name: str, arg: ArgumentSpec, value) -> bool:
    """Whether the generated `__init__`'s check raises for `value`."""
    check = argument_check(name, arg)
    return check is not None and eval(check.condition, {}, {name: value})


@pytest.mark.parametrize("fields", ARGUMENTS, ids=lambda f: "-".join(f"{k}={v}" for k, v in f.items()))
def test_the_test_values_of_each_type_agree_with_its_check(fields):
    arg = ArgumentSpec(**fields)
    sample = sample_value(arg, itertools.count(4))
    assert value_fits(arg, sample) and not _refused_by_init("a", arg, sample)
    if arg.default is not None:
        other = other_value(arg)
        assert other is not None and other != arg.default
        assert value_fits(arg, other) and not _refused_by_init("a", arg, other)
    bad = invalid_value(arg)
    if bad is not None:
        assert not value_fits(arg, bad) and _refused_by_init("a", arg, bad)
    if arg.type != "activation":  # Keras itself checks an activation, when it resolves it
        assert _refused_by_init("a", arg, object())


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"type": "int", "min": 1}, "a positive integer"),
        ({"type": "int", "min": 0, "default": None}, "None or a non-negative integer"),
        ({"type": "float", "min": 0, "max": 1}, "a number between 0 and 1"),
        ({"type": "list[int]", "min": 1}, "a list of positive integers"),
        ({"type": "list[float]", "max": 2}, "a list of numbers <= 2"),
        ({"type": "str", "choices": ["a", "b"]}, "one of 'a', 'b'"),
        ({"type": "activation"}, 'a Keras activation (a name such as "relu", or a callable)'),
        ({"type": "array", "default": None}, "None or an array"),
    ],
)
def test_requirement_says_what_a_valid_value_is(fields, expected):
    assert requirement(ArgumentSpec(**fields)) == expected
