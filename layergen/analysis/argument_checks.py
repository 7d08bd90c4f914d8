"""The checks `__init__` runs on an argument, by its type (`argument_types`' table): their
conditions, the error each raises and its message, and the refused values the generated test
passes for each, with the message it expects.
"""

from __future__ import annotations

from typing import Any

from layergen.analysis.argument_types import invalid_value, is_optional_none, requirement, type_rule
from layergen.analysis.value_tests import any_of, instance_of, is_not_none, not_instance_of
from layergen.render.model import Check
from layergen.render.values import Call, Code, Field, Group, IfElse, Literal, Message, Name, Operation, Unary, tuple_of
from layergen.spec.sections import ArgumentSpec


def int_tuple_store(name: str, arg: ArgumentSpec) -> Code:
    """`(padding,) * 2 if isinstance(padding, int) else tuple(padding)`: always a tuple."""
    value = Name(name)
    length = arg.length or 1
    repeated = tuple_of(value) if length == 1 else Operation("*", tuple_of(value), Literal(length))
    return IfElse(instance_of(value, "int"), repeated, Call("tuple", (value,)))


def _int_tuple_condition(name: str, arg: ArgumentSpec) -> Code:
    """Neither an int in bounds nor a list or tuple of `length` such ints."""
    value = Name(name)

    def wrong(item: Name) -> Code:
        condition: Code = Operation("or", not_instance_of(item, "int"), instance_of(item, "bool"))
        for bound, operator in ((arg.min, "<"), (arg.max, ">")):
            if bound is not None:
                condition = Operation("or", condition, Operation(operator, item, Literal(bound)))
        return condition

    a_list = Operation(
        "and", instance_of(value, "list", "tuple"), Operation("==", Call("len", (value,)), Literal(arg.length or 1))
    )
    many = Operation("and", a_list, Unary("not", any_of(wrong(Name("v")), "v", value)))
    return Operation("and", Group(wrong(value)), Unary("not", Group(many)))


def argument_checks(name: str, arg: ArgumentSpec) -> list[Check]:
    """The checks `__init__` runs on the argument, in order; [] if it takes any value."""
    error = type_rule(arg).error
    if arg.type == "shape":
        conditions = [(condition, sentence, error) for condition, sentence in _shape_conditions(name)]
    elif arg.type == "int_tuple":
        conditions = [(_int_tuple_condition(name, arg), rule_sentence(name, arg), error)]
    elif splits_type(arg):
        conditions = _split_conditions(name, arg)
    else:
        condition = _invalid_condition(name, arg)
        conditions = [] if condition is None else [(condition, rule_sentence(name, arg), error)]
    checks = []
    for condition, sentence, raised in conditions:
        if is_optional_none(arg):
            condition = Operation("and", is_not_none(Name(name)), Group(condition))
        checks.append(Check(condition, received_message(sentence, name), raised))
    return checks


def splits_type(arg: ArgumentSpec) -> bool:
    """Whether a value of the wrong type gets a TypeError of its own (`type_message`)."""
    return arg.type_message is not None and type_rule(arg).wrong_kind is not None


def _split_conditions(name: str, arg: ArgumentSpec) -> list[tuple[Code, str, str]]:
    """With `type_message`: a TypeError for a value of the wrong type, then a ValueError for
    one out of its bounds or choices (none where it has neither), as Keras's RepeatVector
    checks `n`."""
    assert arg.type_message is not None
    rule = type_rule(arg)
    item = rule.item or rule
    value = Name("v" if rule.item else name)
    wrong_type = item.wrong_type(value) if item.wrong_type is not None else Literal(False)
    out_of_bounds = _bounds_condition(value, arg)
    if rule.item:
        wrong_type = Operation("or", not_instance_of(Name(name), "list", "tuple"), any_of(wrong_type, "v", Name(name)))
        out_of_bounds = None if out_of_bounds is None else any_of(out_of_bounds, "v", Name(name))
    conditions = [(wrong_type, " ".join(arg.type_message.split()), "TypeError")]
    if out_of_bounds is not None:
        conditions.append((out_of_bounds, rule_sentence(name, arg), "ValueError"))
    return conditions


def _bounds_condition(value: Name, arg: ArgumentSpec) -> Code | None:
    """True when a value of the right type is not one of the choices or is out of bounds."""
    if arg.choices is not None:
        return Operation("not in", value, Literal(tuple(arg.choices)))
    condition: Code | None = None
    for bound, operator in ((arg.min, "<"), (arg.max, ">")):
        if bound is not None:
            test = Operation(operator, value, Literal(bound))
            condition = test if condition is None else Operation("or", condition, test)
    return condition


def received_message(sentence: str, name: str) -> Message:
    """`<sentence> Received: name=<the value>`: the message of a refused value, as Keras words it."""
    return Message((f"{sentence} Received: {name}=", Field(Name(name), "r")))


def rule_sentence(name: str, arg: ArgumentSpec) -> str:
    """The first sentence of the message for a wrong value: the spec's `message`, or one made
    from the type and bounds ("`units` must be a positive integer.")."""
    if arg.message is not None and arg.message.strip():
        return " ".join(arg.message.split())
    if arg.type == "shape":
        return _shape_conditions(name)[0][1]
    return f"`{name}` must be {requirement(arg)}."


def invalid_message(name: str, arg: ArgumentSpec, value: object) -> str:
    """The exact message `__init__` raises for the value `invalid_value` gives."""
    return f"{rule_sentence(name, arg)} Received: {name}={value!r}"


def invalid_cases(arg: ArgumentSpec) -> list[tuple[Any, str]]:
    """The values the test passes for `__init__` to refuse, each with the error it expects:
    one, or with `type_message` a value of the wrong type (TypeError) and, where the type
    has bounds or choices, one outside them (ValueError)."""
    if not splits_type(arg):
        bad = invalid_value(arg)
        return [] if bad is None else [(bad, type_rule(arg).error)]
    rule = type_rule(arg)
    cases: list[tuple[Any, str]] = [(rule.wrong_kind, "TypeError")]
    out_of_bounds = arg.choices is not None or (rule.item is None and (arg.min is not None or arg.max is not None))
    bad = invalid_value(arg)
    if out_of_bounds and bad is not None:
        cases.append((bad, "ValueError"))
    return cases


def invalid_case_message(name: str, arg: ArgumentSpec, value: object, error: str) -> str:
    """The exact message `__init__` raises for one of `invalid_cases`."""
    if error == "TypeError" and splits_type(arg) and arg.type_message is not None:
        return f"{' '.join(arg.type_message.split())} Received: {name}={value!r}"
    return invalid_message(name, arg, value)


def _shape_conditions(name: str) -> list[tuple[Code, str]]:
    """A shape's checks, with the wording of Keras's Dropout for its `noise_shape`."""
    rule = f"Invalid value received for argument `{name}`."
    shape, dimension = Name(name), Name("d")
    given = is_not_none(dimension)
    not_int = Operation("or", not_instance_of(dimension, "int"), instance_of(dimension, "bool"))
    return [
        (not_instance_of(shape, "list", "tuple"), f"{rule} Expected a tuple or list of integers."),
        (any_of(Operation("and", given, not_int), "d", shape), f"{rule} Expected all elements to be integers or None."),
        (
            any_of(Operation("and", given, Operation("<=", dimension, Literal(0))), "d", shape),
            f"{rule} Expected all dimensions to be positive integers or None.",
        ),
    ]


def _invalid_condition(name: str, arg: ArgumentSpec) -> Code | None:
    rule = type_rule(arg)
    value = Name("v" if rule.item else name)
    condition: Code
    if arg.choices is not None:
        condition = Operation("not in", value, Literal(tuple(arg.choices)))
    elif rule.wrong_type is None:
        return None
    else:
        condition = rule.wrong_type(value)
        if arg.min is not None:
            condition = Operation("or", condition, Operation("<", value, Literal(arg.min)))
        if arg.max is not None:
            condition = Operation("or", condition, Operation(">", value, Literal(arg.max)))
    if rule.item:
        return Operation("or", not_instance_of(Name(name), "list", "tuple"), any_of(condition, "v", Name(name)))
    return condition
