"""What each argument type accepts, as one table (`TYPES`, one entry per type): the check
`__init__` runs and the message it raises, how the value is stored and saved, and the
values the generated test passes (valid, other than the default, and invalid).

The functions below the table hold what all types share (choices, `min` / `max`, None);
adding a type is adding an entry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from layergen.analysis.number_values import (
    invalid_float,
    invalid_int,
    is_int,
    is_number,
    nothing,
    other_floats,
    other_ints,
    sample_float,
    sample_int,
)
from layergen.analysis.value_tests import (
    all_of,
    instance_of,
    int_not_bool,
    is_none,
    not_instance_of,
)
from layergen.records import field, frozen_record, replace
from layergen.render.values import Call, Code, IfElse, Literal, Name, Operation, Unary
from layergen.spec.sections import ArgumentSpec


@frozen_record
class TypeRule:
    """One argument type. Each function gets the argument's spec, for its bounds."""

    noun: str  # what messages call one value: "integer" ("a positive integer", "a list of integers")
    is_value: Callable[[Any], bool]  # whether a spec's value is of this type (bounds aside)
    wrong_type: Callable[[Name], Code] | None  # true when the value named is of another type; None: not checked
    sample: Callable[[ArgumentSpec, Iterator[int]], Any]  # a valid value, for a required argument
    invalid: Callable[[ArgumentSpec], Any]  # a value `__init__` refuses; None if there is none
    others: Callable[[ArgumentSpec, Any], list[Any]]  # candidates for a valid value other than the default
    # What `__init__` keeps in `self.<name>`, made from the parameter; what the config saves,
    # made from `self.<name>` (None: not saved).
    store: Callable[[Name], Code] = lambda parameter: parameter
    config: Callable[[Name], Code] | None = lambda kept: kept
    keeps_none: bool = False  # `store` is skipped for None (an optional argument stays None)
    bounded: bool = False  # takes `min` and `max`
    requirement: str | None = None  # the whole requirement, where "a <noun> >= min" does not say it
    adjectives: Mapping[tuple[float | None, float | None], str] = field(
        default_factory=dict
    )  # (min, max) -> "positive"
    note: str = ""  # added to the argument's docstring entry
    item: TypeRule | None = None  # list types: the type of each item
    error: str = "ValueError"  # what `__init__` raises; TypeError where Keras raises one
    # A value of another type, for the test of `type_message` (a TypeError of its own, as
    # Keras's RepeatVector raises for `n`); None: the type has no separate type check.
    wrong_kind: Any = None


def _not_axes(value: Name) -> Code:
    """Neither an int nor a list or tuple of ints."""
    axes = Operation("and", instance_of(value, "list", "tuple"), all_of(int_not_bool(Name("a")), "a", value))
    return Operation("and", Unary("not", int_not_bool(value)), Unary("not", axes))


def _list_of(item: TypeRule) -> TypeRule:
    """A list type: each item is checked, bounded and sampled as `item`; stored as a list."""

    def others(arg: ArgumentSpec, default: Any) -> list[Any]:
        if not isinstance(default, list) or not default:
            return []
        first = default[0]
        candidates = (c for c in item.others(arg, first) if c != first and _item_fits(item, arg, c))
        other = next(candidates, None)
        return [[other] * len(default)] if other is not None else []

    return replace(
        item,
        is_value=lambda value: isinstance(value, list),
        sample=lambda arg, sizes: [item.sample(arg, sizes)] * 2,
        invalid=nothing,
        others=others,
        store=lambda name: Call("list", (name,)),
        keeps_none=True,
        item=item,
        wrong_kind=None if item.wrong_kind is None else "three",
    )


_INT = TypeRule(
    noun="integer",
    is_value=is_int,
    wrong_type=lambda v: Operation("or", not_instance_of(v, "int"), instance_of(v, "bool")),
    sample=sample_int,
    invalid=invalid_int,
    others=other_ints,
    bounded=True,
    adjectives={(1, None): "positive", (0, None): "non-negative"},
    wrong_kind="three",
)
_FLOAT = TypeRule(
    noun="number",
    is_value=is_number,
    wrong_type=lambda v: Operation("or", not_instance_of(v, "int", "float"), instance_of(v, "bool")),
    sample=sample_float,
    invalid=invalid_float,
    others=other_floats,
    bounded=True,
    wrong_kind="half",
)
_BOOL = TypeRule(
    noun="boolean",
    is_value=lambda value: isinstance(value, bool),
    wrong_type=lambda v: not_instance_of(v, "bool"),
    sample=lambda arg, sizes: True,
    invalid=lambda arg: "yes",
    others=lambda arg, default: [not default if isinstance(default, bool) else True],
    wrong_kind="yes",
)
_STR = TypeRule(
    noun="string",
    is_value=lambda value: isinstance(value, str),
    wrong_type=lambda v: not_instance_of(v, "str"),
    sample=lambda arg, sizes: arg.choices[0] if arg.choices else "value",
    invalid=nothing,
    others=lambda arg, default: [default + "_other"] if isinstance(default, str) else [],
    wrong_kind=3,
)

_DATA_FORMATS = ("channels_last", "channels_first")

TYPES: dict[str, TypeRule] = {
    "int": _INT,
    "float": _FLOAT,
    "bool": _BOOL,
    "str": _STR,
    "list[int]": _list_of(_INT),
    "list[float]": _list_of(_FLOAT),
    "list[str]": _list_of(_STR),
    "list[bool]": _list_of(_BOOL),
    # As Dense does: any name or callable Keras knows, resolved by Keras; saved by name.
    "activation": TypeRule(
        noun="activation",
        is_value=lambda value: isinstance(value, str),
        wrong_type=None,
        sample=lambda arg, sizes: "relu",
        invalid=nothing,
        others=lambda arg, default: ["tanh", "relu"],
        store=lambda name: Call("keras.activations.get", (name,)),
        config=lambda kept: Call("keras.activations.serialize", (kept,)),
        requirement='a Keras activation (a name such as "relu", or a callable)',
    ),
    # A frozen weight's starting values: the test passes a random array of its shape, and
    # a reloaded layer gets the values from its saved weights, so they stay out of the config.
    # A shape given by the user, as Dropout's `noise_shape`: a tuple of positive integers in
    # which None takes that axis's size from the input; kept as a tuple.
    "shape": TypeRule(
        noun="shape",
        is_value=lambda value: isinstance(value, list) and all(v is None or (is_int(v) and v > 0) for v in value),
        wrong_type=None,
        sample=lambda arg, sizes: [None],
        invalid=lambda arg: "three",
        others=lambda arg, default: [[1 if v is None else None for v in default]] if isinstance(default, list) else [],
        store=lambda name: Call("tuple", (name,)),
        keeps_none=True,
        requirement="a tuple of positive integers and None (None takes the input's size on that axis)",
    ),
    # An axis or several, as LayerNormalization's `axis`: an int stays an int, a list or a
    # tuple becomes a list; anything else is a TypeError, as Keras raises it.
    "axes": TypeRule(
        noun="axis",
        is_value=lambda value: is_int(value) or (isinstance(value, list) and all(is_int(v) for v in value)),
        wrong_type=_not_axes,
        sample=lambda arg, sizes: -1,
        invalid=lambda arg: "last",
        # An int becomes the list of it, a list its first axis: the same axes, another form.
        others=lambda arg, default: [[default]] if is_int(default) else default[:1] if default else [],
        store=lambda name: IfElse(instance_of(name, "list", "tuple"), Call("list", (name,)), name),
        requirement="an int or a list/tuple of ints",
        error="TypeError",
    ),
    # Named numbers or strings, as BatchNormalization's `renorm_clipping`: kept as a dict
    # (a copy), saved in the config as it is. Its default is None (a dict default would be
    # one mutable object shared by every layer).
    "mapping": TypeRule(
        noun="mapping",
        is_value=lambda value: isinstance(value, dict) and all(isinstance(k, str) for k in value),
        wrong_type=lambda v: Operation(
            "or", not_instance_of(v, "dict"), Unary("not", all_of(instance_of(Name("k"), "str"), "k", v))
        ),
        sample=lambda arg, sizes: {"value": 1.0},
        invalid=lambda arg: "three",
        others=lambda arg, default: [{"value": 1.0}] if default is None else [],
        store=lambda name: Call("dict", (name,)),
        keeps_none=True,
        requirement="a dict with string keys",
        wrong_kind="three",
    ),
    # A Keras `data_format`: None takes Keras's global setting, as
    # `keras.backend.standardize_data_format` does (its value "channels_last" by default).
    "data_format": TypeRule(
        noun="data format",
        is_value=lambda value: value in _DATA_FORMATS,
        wrong_type=lambda v: Operation("not in", v, Literal(_DATA_FORMATS)),
        sample=lambda arg, sizes: _DATA_FORMATS[0],
        invalid=lambda arg: "channels_middle",
        others=lambda arg, default: list(_DATA_FORMATS),
        store=lambda name: IfElse(is_none(name), Call("keras.config.image_data_format"), name),
        requirement="one of 'channels_last', 'channels_first'",
    ),
    # An int or a tuple of `length` ints, as the pooling, padding and cropping layers take
    # `pool_size`, `padding` and `cropping` (Keras's `standardize_tuple`): kept as a tuple.
    "int_tuple": TypeRule(
        noun="integer",
        is_value=lambda value: is_int(value) or (isinstance(value, list) and all(is_int(v) for v in value)),
        wrong_type=None,
        sample=lambda arg, sizes: [sample_int(arg, sizes)] * (arg.length or 1),
        invalid=lambda arg: "three",
        others=lambda arg, default: _other_int_tuples(arg, default),
        bounded=True,
        adjectives={(1, None): "positive", (0, None): "non-negative"},
        keeps_none=True,
        wrong_kind="three",
    ),
    "array": TypeRule(
        noun="array",
        is_value=lambda value: True,
        wrong_type=None,
        sample=nothing,
        invalid=nothing,
        others=lambda arg, default: [],
        store=lambda name: Call("keras.ops.convert_to_numpy", (name,)),
        config=None,
        keeps_none=True,
        note=" Not saved in the config: a reloaded layer gets these values from its saved weights.",
    ),
}


def _other_int_tuples(arg: ArgumentSpec, default: Any) -> list[Any]:
    """Tuples other than the default, each item another (`(1, 1)` -> `[2, 3]`): a config that
    forgets the argument, or code that swaps its items, shows."""
    first = default if is_int(default) else default[0] if isinstance(default, list) and default else None
    if first is None:
        return []
    length = arg.length or 1
    return [[first + 1 + i for i in range(length)], [max(first - 1 - i, 0) for i in range(length)]]


def type_rule(arg: ArgumentSpec) -> TypeRule:
    return TYPES[arg.type]


def is_optional_none(arg: ArgumentSpec) -> bool:
    """Whether the argument may be None: it has `default: null`."""
    return not arg.required and arg.default is None


def requirement(arg: ArgumentSpec) -> str:
    """How the error message says what a valid value is: "a positive integer"."""
    if arg.choices is not None:
        return "one of " + ", ".join(repr(c) for c in arg.choices)
    rule = type_rule(arg)
    if rule.requirement is not None:
        return rule.requirement
    text = _one_value(rule, arg)
    if arg.type == "int_tuple":
        length = arg.length or 1
        plural = text.split(" ", 1)[1].replace(rule.noun, rule.noun + "s", 1)
        return f"{text} or a tuple of {length} {plural}"
    if rule.item:
        text = f"a list of {text.split(' ', 1)[1].replace(rule.noun, rule.noun + 's', 1)}"
    return "None or " + text if is_optional_none(arg) else text


def _one_value(rule: TypeRule, arg: ArgumentSpec) -> str:
    """ "a positive integer", "a number between 0 and 1", "an integer >= 3"."""
    adjective = rule.adjectives.get((arg.min, arg.max))
    if adjective:
        return f"a {adjective} {rule.noun}"
    text = ("an " if rule.noun[0] in "aeiou" else "a ") + rule.noun
    if arg.min is not None and arg.max is not None:
        return f"{text} between {arg.min} and {arg.max}"
    if arg.min is not None:
        return f"{text} >= {arg.min}"
    if arg.max is not None:
        return f"{text} <= {arg.max}"
    return text


def describe_type(arg: ArgumentSpec) -> str:
    """The docstring entry of an argument without `doc`: "A positive integer."."""
    text = requirement(arg)
    return text[0].upper() + text[1:] + "."


def value_fits(arg: ArgumentSpec, value: Any) -> bool:
    """Whether a default or test value is one the argument accepts."""
    if value is None:
        return is_optional_none(arg)
    rule = type_rule(arg)
    if not rule.is_value(value):
        return False
    if arg.type == "int_tuple" and isinstance(value, list) and len(value) != (arg.length or 1):
        return False
    items = value if rule.item or arg.type == "int_tuple" and isinstance(value, list) else [value]
    return all(_item_fits(rule.item or rule, arg, v) for v in items)


def _item_fits(rule: TypeRule, arg: ArgumentSpec, value: Any) -> bool:
    if not rule.is_value(value):
        return False
    # Only numbers have bounds (`min` on a string is a problem of its own).
    is_number = isinstance(value, (int, float))
    if is_number and (arg.min is not None and value < arg.min or arg.max is not None and value > arg.max):
        return False
    return arg.choices is None or value in arg.choices


def sample_value(arg: ArgumentSpec, sizes: Iterator[int]) -> Any:
    """A valid value for a required argument; integers take the next of `sizes`."""
    return type_rule(arg).sample(arg, sizes)


def invalid_value(arg: ArgumentSpec) -> Any:
    """A value `__init__` must refuse, for the generated test; None if every value is valid."""
    if arg.choices is not None:
        return "not-a-choice"
    return type_rule(arg).invalid(arg)


def other_value(arg: ArgumentSpec) -> Any:
    """A valid value other than the default, for the generated test; None if there is none.

    The test passes it so that a config that forgets the argument shows."""
    candidates = arg.choices or type_rule(arg).others(arg, arg.default)
    return next((c for c in candidates if c != arg.default and value_fits(arg, c)), None)


def stored_value(arg: ArgumentSpec, value: object) -> object:
    """What `self.<name>` holds for a value passed: a data format of None is Keras's default."""
    if arg.type == "data_format" and value is None:
        return _DATA_FORMATS[0]
    if arg.type == "int_tuple" and value is not None:
        return tuple(value) if isinstance(value, list) else (value,) * (arg.length or 1)
    return value
