"""The argument-type table: one entry per spec type, and each entry's parts agree with each
other (the check `__init__` runs, what layergen accepts, and the test's values)."""

import itertools
import typing

import pytest

from layergen.analysis.argument_checks import (
    argument_checks,
    int_tuple_store,
    invalid_case_message,
    invalid_cases,
    invalid_message,
)
from layergen.analysis.argument_types import (
    TYPES,
    invalid_value,
    other_value,
    requirement,
    sample_value,
    stored_value,
    value_fits,
)
from layergen.render.pycode import code
from layergen.spec.models import ArgumentSpec, ArgumentType

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
    {"type": "shape", "default": None},
    {"type": "shape", "default": [None, 1]},
    {"type": "shape"},
    {"type": "data_format", "default": None},
    {"type": "data_format", "default": "channels_first"},
    {"type": "mapping", "default": None},
    {"type": "mapping"},
    {"type": "axes", "default": -1},
    {"type": "axes", "default": [1, 2]},
    {"type": "int_tuple", "length": 2, "min": 0, "default": 1},
    {"type": "int_tuple", "length": 1, "min": 1, "default": None},
    {"type": "int_tuple", "length": 3, "min": 1},
]


def test_every_type_of_the_spec_has_one_entry():
    assert set(TYPES) == set(typing.get_args(ArgumentType))


def _refused_by_init(name: str, arg: ArgumentSpec, value) -> bool:
    """Whether one of the generated `__init__`'s checks (run in order) raises for `value`."""
    return any(eval(code(check.condition), {}, {name: value}) for check in argument_checks(name, arg))


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


def _raised(name: str, arg: ArgumentSpec, value) -> tuple[str, str] | None:
    """(exception class, message) the generated checks raise for `value`, run as generated."""
    for check in argument_checks(name, arg):
        if eval(code(check.condition), {}, {name: value}):
            return check.error, eval(code(check.message), {}, {name: value})
    return None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("abc", "Expected a tuple or list of integers. Received: noise_shape='abc'"),
        ((2, 1.5), "Expected all elements to be integers or None. Received: noise_shape=(2, 1.5)"),
        ((2, True), "Expected all elements to be integers or None. Received: noise_shape=(2, True)"),
        ([None, 0], "Expected all dimensions to be positive integers or None. Received: noise_shape=[None, 0]"),
    ],
)
def test_a_shape_argument_refuses_with_kerass_wording(value, expected):
    arg = ArgumentSpec(type="shape", default=None)
    assert _raised("noise_shape", arg, value) == (
        "ValueError",
        f"Invalid value received for argument `noise_shape`. {expected}",
    )
    assert _raised("noise_shape", arg, None) is None
    assert _raised("noise_shape", arg, (None, 1, 3)) is None


def test_message_words_the_check_and_the_test_expects_it():
    arg = ArgumentSpec(type="float", min=0, max=1, message="Expected a float value\n  between 0 and 1.")
    assert _raised("rate", arg, 1.5) == ("ValueError", "Expected a float value between 0 and 1. Received: rate=1.5")
    assert invalid_message("rate", arg, -1.0) == "Expected a float value between 0 and 1. Received: rate=-1.0"
    assert invalid_message("rate", ArgumentSpec(type="float", min=0), -1.0) == (
        "`rate` must be a number >= 0. Received: rate=-1.0"
    )


def test_an_axes_argument_refuses_another_kind_with_a_type_error():
    arg = ArgumentSpec(
        type="axes", default=-1, message="Expected an int or a list/tuple of ints for the argument 'axis'."
    )
    expected = "Expected an int or a list/tuple of ints for the argument 'axis'."
    assert _raised("axis", arg, {"axis": -1}) == ("TypeError", f"{expected} Received: axis={{'axis': -1}}")
    assert _raised("axis", arg, (1, True)) == ("TypeError", f"{expected} Received: axis=(1, True)")
    assert _raised("axis", arg, [-2, -1]) is None and _raised("axis", arg, -1) is None


def test_a_mapping_argument_takes_a_dict_with_string_keys():
    arg = ArgumentSpec(type="mapping", default=None)
    assert _raised("clipping", arg, {"rmax": 3.0}) is None and _raised("clipping", arg, None) is None
    assert _raised("clipping", arg, [("rmax", 3.0)])[0] == "ValueError"
    assert _raised("clipping", arg, {1: 3.0})[0] == "ValueError"


TYPE_SPLIT = [
    {"type": "int", "min": 1, "default": 2},
    {"type": "int", "default": None},
    {"type": "float", "min": 0, "max": 1},
    {"type": "bool", "default": True},
    {"type": "str", "choices": ["sum", "mean"], "default": "sum"},
    {"type": "list[int]", "min": 1, "default": [2]},
    {"type": "mapping", "default": None},
]


@pytest.mark.parametrize("fields", TYPE_SPLIT, ids=lambda f: "-".join(f"{k}={v}" for k, v in f.items()))
def test_type_message_gives_a_type_error_of_its_own_and_the_test_expects_each_case(fields):
    # As RepeatVector checks `n`: a value of another type is a TypeError, one out of bounds a
    # ValueError; the generated test passes one value of each and expects its exact error.
    arg = ArgumentSpec(**fields, type_message="Expected a value of the right kind.")
    cases = invalid_cases(arg)
    assert cases[0][1] == "TypeError"
    bounded = arg.choices is not None or (arg.type in ("int", "float") and (arg.min, arg.max) != (None, None))
    assert [error for _, error in cases] == ["TypeError", "ValueError"] if bounded else ["TypeError"]
    for value, error in cases:
        message = invalid_case_message("a", arg, value, error)
        assert _raised("a", arg, value) == (error, message)
    if arg.type == "int":
        assert _raised("a", arg, 2.5)[0] == "TypeError" and _raised("a", arg, True)[0] == "TypeError"
    assert _raised("a", arg, sample_value(arg, itertools.count(4))) is None


def test_without_type_message_one_value_error_says_both():
    arg = ArgumentSpec(type="int", min=1)
    assert _raised("n", arg, "3")[0] == _raised("n", arg, 0)[0] == "ValueError"
    assert invalid_cases(arg) == [(0, "ValueError")]


def test_type_message_of_repeat_vector_says_what_keras_says():
    arg = ArgumentSpec(
        type="int", min=1, type_message="Expected an integer value for `n`.", message="`n` should be positive."
    )
    assert _raised("n", arg, [3]) == ("TypeError", "Expected an integer value for `n`. Received: n=[3]")
    assert _raised("n", arg, -3) == ("ValueError", "`n` should be positive. Received: n=-3")


@pytest.mark.parametrize(
    ("value", "refused"),
    [(1, False), (0, False), ((1, 2), False), ([0, 3], False), (-1, True), ((1,), True), ((1, 2, 3), True)]
    + [("1", True), ((1, "2"), True), ((1, True), True), (True, True), ((1, -2), True), (None, True), (1.5, True)],
)
def test_an_int_tuple_takes_an_int_or_a_tuple_of_its_length(value, refused):
    # As Keras's `standardize_tuple` takes ZeroPadding1D's `padding`.
    arg = ArgumentSpec(type="int_tuple", length=2, min=0, default=1)
    raised = _raised("padding", arg, value)
    assert (raised is not None) == refused
    if refused:
        assert raised == (
            "ValueError",
            f"`padding` must be a non-negative integer or a tuple of 2 non-negative integers. Received: padding={value!r}",
        )


def test_an_int_tuple_is_kept_as_a_tuple_and_its_test_values_differ_item_by_item():
    arg = ArgumentSpec(type="int_tuple", length=2, min=0, default=1)
    store = code(int_tuple_store("padding", arg))
    assert eval(store, {}, {"padding": 3}) == (3, 3) and eval(store, {}, {"padding": [1, 2]}) == (1, 2)
    assert other_value(arg) == [2, 3] and stored_value(arg, 2) == (2, 2)
    assert value_fits(arg, [1, 2]) and not value_fits(arg, [1, 2, 3]) and not value_fits(arg, [-1, 0])
