"""Constructor arguments from the spec's `arguments` and `constants`: signature, checks,
stored attribute, config entry and docstring text. (What each argument type accepts is
the table in `argument_types`; the arguments weights add are in `weights`.)"""

from __future__ import annotations

from layergen.analysis import expressions
from layergen.analysis.argument_types import (
    argument_checks,
    describe_type,
    is_optional_none,
    requirement,
    type_rule,
    value_fits,
)
from layergen.analysis.context import Context
from layergen.analysis.declared_shapes import constant_shape_check
from layergen.analysis.given_constants import given_constant_arg, is_given
from layergen.render.model import Check, ConstructorArg
from layergen.render.pycode import (
    doc_literal,
    literal,
    message,
    tuple_code,
)
from layergen.spec.fast import ArgumentSpec
from layergen.spec.nested_lists import as_tuple, nested_shape
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
    store = rule.store.format(name=name)
    if rule.keeps_none and is_optional_none(arg):
        store = f"None if {name} is None else {store}"
    doc = (arg.doc.strip() or describe_type(arg)) + rule.note
    if not arg.required:
        doc += f" Defaults to `{doc_literal(arg.default)}`."
    return ConstructorArg(
        name=name,
        signature=name if arg.required else f"{name}={literal(arg.default)}",
        doc=doc,
        checks=argument_checks(name, arg) + array_checks,
        store=store,
        config=None if rule.config is None else rule.config.format(name=name),
    )


def _check_argument_fields(context: Context, name: str, arg: ArgumentSpec, path: Path_) -> None:
    """The fields of an argument agree with its type and with each other."""
    if (arg.min is not None or arg.max is not None) and not type_rule(arg).bounded:
        context.problem(path, f"`min` and `max` apply to numbers; {name!r} is {arg.type}")
    if arg.min is not None and arg.max is not None and arg.min > arg.max:
        context.problem(path + ("min",), f"min ({arg.min}) is greater than max ({arg.max})")
    if arg.choices is not None and arg.type != "str":
        context.problem(path + ("choices",), "`choices` apply to str arguments")
    if arg.message is not None and (arg.type == "shape" or not argument_checks(name, arg)):
        context.problem(
            path + ("message",),
            f"`message` words the check of a wrong value; {name!r} ({arg.type}) has no single check to word",
        )
    elif arg.message is not None and not arg.message.strip():
        context.problem(path + ("message",), "`message` is empty")
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
        default = literal(as_tuple(constant.value))
        shape_text = repr(tuple(shape))
        check = Check(
            f"np.shape({name}) != {shape_text} or not np.issubdtype(np.asarray({name}).dtype, np.number)",
            message(f"`{name}` must be numbers of shape {shape_text}. ", f"Received: {name}={{{name}!r}}"),
        )
        if constant.shape is not None:
            shaped_check = constant_shape_check(context, name, constant.shape, path)
            if shaped_check is None:
                continue
            check = shaped_check
        args.append(
            ConstructorArg(
                name=name,
                signature=f"{name}={default}",
                doc=(constant.doc.strip() or "Constant value.") + f" Defaults to `{default}`.",
                checks=[check],
                # Stored as plain Python numbers, so the config stays JSON.
                store=f"np.asarray({name}).tolist()",
                config=f"self.{name}",
            )
        )
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
        expected = tuple_code([item.canonical for item in items])
        names = tuple_code([item.text for item in items])
        checks.setdefault(array, []).append(
            Check(
                f"{array} is not None and np.shape({array}) != {expected}",
                message(
                    f"`{array}` must have shape {names}. ",
                    f"Expected {{{expected}}}, received: shape={{np.shape({array})}}",
                ),
            )
        )
    return checks
