"""Constructor arguments from the spec's `arguments` and `constants`: signature, checks,
stored attribute, config entry and docstring text. (What each argument type accepts is
the table in `argument_types`; the arguments weights add are in `weights`.)"""

from __future__ import annotations

import json

from layergen.analysis import expressions
from layergen.analysis.argument_checks import argument_checks, int_tuple_store, received_message, splits_type
from layergen.analysis.argument_types import describe_type, is_optional_none, requirement, type_rule, value_fits
from layergen.analysis.context import Context
from layergen.analysis.declared_shapes import (
    as_numbers,
    constant_shape_check,
    is_numbers,
    np_shape,
    shape_text,
    shape_value,
)
from layergen.analysis.given_constants import add_together_checks, given_constant_arg, is_given
from layergen.analysis.value_tests import is_none, is_not_none
from layergen.render.model import Check, ConstructorArg
from layergen.render.values import Field, IfElse, Literal, Message, Name, Operation, Unary, self_attribute
from layergen.spec.nested_lists import as_tuple, nested_shape
from layergen.spec.sections import ArgumentSpec
from layergen.spec.source import Path_


def argument_args(context: Context) -> list[ConstructorArg]:
    """One constructor argument per spec argument, in the spec's (signature) order."""
    args = []
    optional_seen = None
    array_checks = _array_shape_checks(context)
    for name, arg in context.spec.arguments.items():
        path = ("arguments", name)
        _check_argument_fields(context, name, arg, path)
        if arg.required and optional_seen:
            context.problem(
                path,
                f"required argument {name!r} must come before {optional_seen!r}, which has a default "
                "(arguments are in signature order)",
                key=True,
            )
        if not arg.required:
            optional_seen = optional_seen or name
        args.append(argument(name, arg, array_checks.get(name, [])))
    return args


def argument(name: str, arg: ArgumentSpec, array_checks: list[Check]) -> ConstructorArg:
    """One constructor argument of the given spec, with these extra checks."""
    rule = type_rule(arg)
    store = int_tuple_store(name, arg) if arg.type == "int_tuple" else rule.store(Name(name))
    if arg.none_means is not None:
        # None takes the earlier argument's value, as Keras's pooling layers' `strides`.
        store = IfElse(is_none(Name(name)), self_attribute(arg.none_means), store)
    elif rule.keeps_none and is_optional_none(arg):
        store = IfElse(is_none(Name(name)), Literal(None), store)
    doc = (arg.doc.strip() or describe_type(arg)) + rule.note
    if not arg.required:
        doc += f" Defaults to `{doc_value(arg.default)}`."
    return ConstructorArg(
        name=name,
        default=None if arg.required else Literal(arg.default),
        doc=doc,
        checks=argument_checks(name, arg) + array_checks,
        store=store,
        config=None if rule.config is None else rule.config(self_attribute(name)),
    )


def doc_value(value: object) -> str:
    """A value as Keras's docstrings show it: strings in double quotes, lists as tuples."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(as_tuple(value))


def _check_argument_fields(context: Context, name: str, arg: ArgumentSpec, path: Path_) -> None:
    """The fields of an argument agree with its type and with each other."""
    if (arg.min is not None or arg.max is not None) and not type_rule(arg).bounded:
        context.problem(path, f"`min` and `max` apply to numbers; {name!r} is {arg.type}")
    if arg.min is not None and arg.max is not None and arg.min > arg.max:
        context.problem(path + ("min",), f"min ({arg.min}) is greater than max ({arg.max})")
    if arg.choices is not None and arg.type != "str":
        context.problem(path + ("choices",), "`choices` apply to str arguments")
    value_checks = [c for c in argument_checks(name, arg) if not (splits_type(arg) and c.error == "TypeError")]
    if arg.message is not None and (arg.type == "shape" or not value_checks):
        context.problem(
            path + ("message",),
            f"`message` words the check of a wrong value; {name!r} ({arg.type}) has no single check to word",
        )
    elif arg.message is not None and not arg.message.strip():
        context.problem(path + ("message",), "`message` is empty")
    _check_type_message(context, name, arg, path)
    _check_none_means(context, name, arg, path)
    if arg.type == "int_tuple" and (arg.length is None or arg.length < 1):
        context.problem(
            path + (("length",) if arg.length is not None else ()), "an int_tuple argument needs `length` >= 1"
        )
    elif arg.type != "int_tuple" and arg.length is not None:
        context.problem(path + ("length",), f"`length` is for int_tuple arguments; {name!r} is {arg.type}")
    if arg.type == "activation" and isinstance(arg.default, str) and arg.default not in context.vocab.activations:
        context.unknown(path + ("default",), "activation", arg.default, context.vocab.activations)
        return
    if arg.type == "mapping" and not arg.required and arg.default is not None:
        context.problem(
            path + ("default",), "a mapping argument's default is null (a dict default is shared by every layer)"
        )
    if arg.type == "array":
        if arg.required or arg.default is not None:
            context.problem(
                path,
                "an array argument must have `default: null`: "
                "a layer rebuilt from its config gets the values from its saved weights",
            )
        if not any(w.initial_value == name for w in context.spec.weights.values()):
            context.problem(path, f"array argument {name!r} is not the `initial_value` of any weight")
    elif not arg.required and arg.default is not None and not value_fits(arg, arg.default):
        context.problem(path + ("default",), f"default {arg.default!r} is not {requirement(arg)}")


def _check_type_message(context: Context, name: str, arg: ArgumentSpec, path: Path_) -> None:
    """`type_message` words a TypeError of its own, which only a type with a plain type
    check (a number, bool, str, their lists, a mapping) can raise apart from its bounds."""
    if arg.type_message is None:
        return
    if type_rule(arg).wrong_kind is None:
        context.problem(
            path + ("type_message",),
            f"`type_message` words the TypeError of a value of the wrong type; {name!r} ({arg.type}) "
            "has no type check apart from its other checks (use `message`)",
        )
    elif not arg.type_message.strip():
        context.problem(path + ("type_message",), "`type_message` is empty")


def _check_none_means(context: Context, name: str, arg: ArgumentSpec, path: Path_) -> None:
    """`none_means` names an earlier argument of the same type (and length) that is never
    None, and needs `default: null`."""
    other_name = arg.none_means
    if other_name is None:
        return
    where = path + ("none_means",)
    earlier = list(context.spec.arguments)[: list(context.spec.arguments).index(name)]
    other = context.spec.arguments.get(other_name)
    if not is_optional_none(arg):
        context.problem(where, f"`none_means` says what None takes; {name!r} needs `default: null`")
    elif other is None or other_name not in earlier:
        context.unknown(where, "earlier argument", other_name, earlier)
    elif (other.type, other.length) != (arg.type, arg.length):
        context.problem(where, f"{other_name!r} is {other.type}, not {arg.type} as {name!r} is: None cannot take its value")
    elif is_optional_none(other):
        context.problem(where, f"{other_name!r} can be None itself: None must take a value")


def constant_args(context: Context) -> list[ConstructorArg]:
    """One constructor argument per constant: numbers of a fixed shape, kept in the config."""
    args = []
    for name, constant in context.spec.constants.items():
        path = ("constants", name)
        if constant.dtype != "float" and constant.dtype not in context.vocab.dtypes:
            context.unknown(path + ("dtype",), "dtype", constant.dtype, sorted(context.vocab.dtypes) + ["float"])
        if is_given(constant):
            given = given_constant_arg(context, name, constant, path)
            args += [given] if given is not None else []
            continue
        shape = nested_shape(constant.value)
        if shape is None:
            context.problem(path + ("value",), "a constant is a number or a rectangular nested list of numbers")
            continue
        default = doc_value(constant.value)
        shown = repr(tuple(shape))
        check = Check(
            Operation(
                "or", Operation("!=", np_shape(Name(name)), Literal(tuple(shape))), Unary("not", is_numbers(Name(name)))
            ),
            received_message(f"`{name}` must be numbers of shape {shown}.", name),
        )
        if constant.shape is not None:
            shaped_check = constant_shape_check(context, name, constant.shape, path)
            if shaped_check is None:
                continue
            check = shaped_check
        args.append(
            ConstructorArg(
                name=name,
                default=Literal(constant.value),
                doc=(constant.doc.strip() or "Constant value.") + f" Defaults to `{default}`.",
                checks=[check],
                # Stored as plain Python numbers, so the config stays JSON.
                store=as_numbers(Name(name)),
                config=self_attribute(name),
            )
        )
    add_together_checks(context, args)
    return args


def _array_shape_checks(context: Context) -> dict[str, list[Check]]:
    """An array argument must have its weight's shape, when arguments alone fix it."""
    checks: dict[str, list[Check]] = {}
    spec = context.spec
    for weight in spec.weights.values():
        array = weight.initial_value
        if array is None or array not in spec.arguments or weight.shape is None:
            continue
        try:
            items = [expressions.parse(item) for item in weight.shape]
        except expressions.ExpressionError:
            continue
        if any(n not in spec.arguments for item in items for n in item.names):
            continue  # depends on input dimensions: add_weight checks it in build
        expected = shape_value(items)
        checks.setdefault(array, []).append(
            Check(
                Operation(
                    "and",
                    is_not_none(Name(array)),
                    Operation("!=", np_shape(Name(array)), expected),
                ),
                Message(
                    (
                        f"`{array}` must have shape {shape_text(items)}. Expected ",
                        Field(expected),
                        ", received: shape=",
                        Field(np_shape(Name(array))),
                    )
                ),
            )
        )
    return checks
