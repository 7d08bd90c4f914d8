"""Constants the user gives at construction: a `constants:` entry without `value`, as
keras.layers.Normalization's `mean` and `variance` or a fixed lookup table. Such a constant
is a required constructor argument: a number, or numbers of its declared `shape` (`[]`: a
single number; items from int arguments or from the input's dimensions). `__init__` refuses
anything else as Keras does (a TypeError for a value that is not numbers, a ValueError for a
wrong shape; for a shape that names input dimensions, a wrong rank, the sizes being checked
in `build`) and keeps the value as plain Python numbers, so the config stays JSON and a
layer rebuilt from it, or loaded from a `.keras` file, has it.

A constant with `value: null` is optional: the user may leave it out, as
keras.layers.Normalization's `mean` and `variance`, which `adapt` replaces. Its default is
None, kept as None in the config; its checks apply to a value given; in `call` it is None
when left out; and a weight's `when` may read `<constant> is None` (`optional_constant_gate`).
"""

from __future__ import annotations

from layergen.analysis import expressions
from layergen.analysis.argument_checks import received_message
from layergen.analysis.context import Context
from layergen.analysis.declared_shapes import as_numbers, is_numbers, np_ndim, np_shape, shape_text, shape_value
from layergen.analysis.shapes import dimension_value, parse_expression
from layergen.analysis.value_tests import is_none, is_not_none
from layergen.render.model import Check, ConstructorArg, InvalidArgument
from layergen.render.values import (
    Call,
    Code,
    Collection,
    Field,
    Group,
    IfElse,
    Literal,
    Message,
    Name,
    Operation,
    Unary,
    self_attribute,
)
from layergen.spec.sections import ConstantSpec
from layergen.spec.source import Path_


def is_given(constant: ConstantSpec) -> bool:
    """Whether the user gives the constant (it has no `value`, or `value: null`)."""
    return constant.value is None


def is_optional(constant: ConstantSpec) -> bool:
    """Whether the user may leave the constant out (`value: null`): its default is None."""
    return constant.value is None and "value" in constant.model_fields_set


def optional_constants(context: Context) -> list[str]:
    """The constants the user may leave out, in the spec's order."""
    return [name for name, constant in context.spec.constants.items() if is_optional(constant)]


def integer_dtype(constant: ConstantSpec) -> bool:
    """Whether the constant's tensor has an integer dtype (`int32`, `uint8`, ...): then the
    user gives integers, which `call` can convert to it."""
    return constant.dtype.startswith(("int", "uint"))


def _kind(constant: ConstantSpec, names: str) -> str:
    """What the constant takes, as its messages say it."""
    if integer_dtype(constant):
        return "a single integer" if not constant.shape else f"an integer or integers of shape {names}"
    return "a single number" if not constant.shape else f"a number or numbers of shape {names}"


def given_constant_arg(context: Context, name: str, constant: ConstantSpec, path: Path_) -> ConstructorArg | None:
    """The required constructor argument of a constant without `value`; None (and a problem)
    if its shape is missing or not made of int arguments and input dimensions."""
    if constant.shape is None:
        context.problem(
            path,
            f"constant {name!r} has {'`value: null`' if is_optional(constant) else 'no `value`'}, so the user "
            "gives it: declare its `shape` "
            "(e.g. `shape: [channels]`, or `shape: []` for a single number)",
        )
        return None
    items = []
    allowed = context.sizing_arguments | set(context.dims)
    for index, item in enumerate(constant.shape):
        expression = parse_expression(context, item, path + ("shape", index), allowed=allowed)
        if expression is None:
            return None
        items.append(expression)
    kind = _kind(constant, shape_text(items))
    rule = f"`{name}` must be {kind}."
    numbers = "np.integer" if integer_dtype(constant) else "np.number"
    checks = [
        Check(Unary("not", is_numbers(Name(name), numbers)), received_message(rule, name), "TypeError"),
        # Sized by the input: only its rank is known before `build` (`given_constant_build_checks`).
        (
            _rank_check(name, rule, len(items))
            if sized_by_input(context, constant)
            else _shape_check(name, rule, shape_value(items))
        ),
    ]
    doc = constant.doc.strip() or f"Constant value: {kind}."
    store: Code = as_numbers(Name(name))
    if is_optional(constant):
        # None is the default: kept as None, and the checks are of a value given.
        checks = [Check(Operation("and", is_not_none(Name(name)), c.condition), c.message, c.error) for c in checks]
        store = IfElse(is_none(Name(name)), Literal(None), store)
        doc += " Defaults to `None`."
    return ConstructorArg(
        name=name,
        default=Literal(None) if is_optional(constant) else None,
        doc=doc,
        checks=checks,
        # Stored as plain Python numbers (never a NumPy array), so the config stays JSON.
        store=store,
        config=self_attribute(name),
    )


def _shape_check(name: str, rule: str, shape: Collection) -> Check:
    not_scalar = Operation("!=", np_ndim(Name(name)), Literal(0))
    if not shape.items:
        return Check(not_scalar, received_message(rule, name))
    return Check(
        Operation("and", not_scalar, Operation("!=", np_shape(Name(name)), shape)),
        _expected_shape(rule, shape, Name(name)),
    )


def _expected_shape(rule: str, shape: Code, value: Code) -> Message:
    """`<rule> Expected shape <shape>, received: shape=<the value's shape>`."""
    return Message((f"{rule} Expected shape ", Field(shape), ", received: shape=", Field(np_shape(value))))


def _rank_check(name: str, rule: str, rank: int) -> Check:
    return Check(
        Operation("not in", np_ndim(Name(name)), Literal((0, rank))),
        Message((f"{rule} Received: shape=", Field(np_shape(Name(name))))),
    )


def sized_by_input(context: Context, constant: ConstantSpec) -> bool:
    """Whether the constant's declared shape names a dimension of the input."""
    return any(
        name in context.dims and name not in context.spec.arguments
        for item in constant.shape or ()
        for name in expressions.parse(item).names
    )


def given_constant_build_checks(context: Context) -> list[Check]:
    """`build`'s check that a given constant sized by the input has its shape (a number, or
    numbers of exactly that shape), as keras.layers.Normalization checks its `mean` there."""
    checks = []
    for name, constant in context.spec.constants.items():
        if not is_given(constant) or not sized_by_input(context, constant):
            continue
        items = [expressions.parse(item) for item in constant.shape or ()]
        names = {
            n: dimension_value(context.dims[n]) if n in context.dims else self_attribute(n)
            for e in items
            for n in e.names
        }
        shape = shape_value(items, names)
        rule = f"`{name}` must be {_kind(constant, shape_text(items))}."
        kept = self_attribute(name)
        condition = Operation(
            "and", Operation("not in", Literal(None), shape), Operation("!=", np_ndim(kept), Literal(0))
        )
        if is_optional(constant):
            condition = Operation("and", is_not_none(kept), condition)
        checks.append(
            Check(
                Operation("and", condition, Operation("!=", np_shape(kept), shape)),
                _expected_shape(rule, shape, kept),
            )
        )
    return checks


def in_signature_order(arguments: list[ConstructorArg], constants: list[ConstructorArg]) -> list[ConstructorArg]:
    """The spec's arguments and constants in signature order: a required constant comes
    after the required arguments and before the first argument with a default (Python
    allows no required parameter after one with a default)."""
    given = [arg for arg in constants if arg.required]
    if not given:
        return arguments + constants
    first = next((i for i, arg in enumerate(arguments) if not arg.required), len(arguments))
    others = [arg for arg in constants if arg not in given]
    return arguments[:first] + given + arguments[first:] + others


def given_constant_cases(context: Context, shapes: dict[str, tuple[int, ...]]) -> list[InvalidArgument]:
    """Values of each given constant the generated test expects `__init__` to refuse: a
    string (TypeError) and numbers of another shape, or of another rank for a shape sized
    by the input (ValueError), at the test's sizes."""
    cases = []
    for name, shape in shapes.items():
        constant = context.spec.constants[name]
        if not is_given(constant) or constant.shape is None:
            continue
        rule = f"`{name}` must be {_kind(constant, shape_text([expressions.parse(item) for item in constant.shape]))}."
        cases.append(InvalidArgument(name, Literal("three"), f"{rule} Received: {name}='three'", "TypeError"))
        number = 1 if integer_dtype(constant) else 1.0
        if sized_by_input(context, constant):
            # Checked in build; `__init__` refuses a value of another rank.
            nested: object = number
            for _ in range(len(shape) + 1):
                nested = (nested,)
            received = f"Received: shape={(1,) * (len(shape) + 1)!r}"
            cases.append(InvalidArgument(name, Literal(nested), f"{rule} {received}"))
            continue
        wrong = tuple(number * i for i in range(1, 4 if shape == (2,) else 3))
        received = (
            f"Expected shape {shape!r}, received: shape=({len(wrong)},)" if shape else f"Received: {name}={wrong!r}"
        )
        cases.append(InvalidArgument(name, Literal(wrong), f"{rule} {received}"))
    return cases


def together_groups(context: Context) -> list[list[str]]:
    """The groups of optional constants given all together or none (`together_with`), each
    in the spec's order; a name that is no other optional constant is a problem."""
    optional = optional_constants(context)
    groups: list[list[str]] = []
    for name, constant in context.spec.constants.items():
        if not constant.together_with:
            continue
        path = ("constants", name, "together_with")
        if name not in optional:
            context.problem(path, "`together_with` is for constants the user may leave out (`value: null`)")
            continue
        others = [other for other in constant.together_with if other != name]
        unknown = [other for other in others if other not in optional]
        for other in unknown:
            context.unknown(path, "constant the user may leave out", other, [n for n in optional if n != name])
        if unknown:
            continue
        group = [n for n in optional if n == name or n in others]
        merged = [g for g in groups if set(g) & set(group)]
        members = set(group).union(*merged)
        groups = [g for g in groups if g not in merged] + [[n for n in optional if n in members]]
    return groups


def _together_rule(group: list[str]) -> str:
    names = [f"`{name}`" for name in group]
    listed = f"both {names[0]} and {names[1]}" if len(names) == 2 else f"all of {', '.join(names[:-1])} and {names[-1]}"
    return f"When one is given, {listed} must be set."


def add_together_checks(context: Context, args: list[ConstructorArg]) -> None:
    """`__init__`'s check that the constants of each group are given all or none, as
    keras.layers.Normalization checks `mean` and `variance`: a ValueError after the last
    one's own checks."""
    by_name = {arg.name: arg for arg in args}
    for group in together_groups(context):
        left_out = [is_none(Name(name)) for name in group]
        condition: Code = (
            Operation("!=", Group(left_out[0]), Group(left_out[1]))
            if len(group) == 2
            else Operation(">", Call("len", (Collection(tuple(left_out), "set"),)), Literal(1))
        )
        parts: list[str | Field] = [f"{_together_rule(group)} Received: "]
        for index, name in enumerate(group):
            parts += [f"{', ' if index else ''}{name}=", Field(Name(name), "r")]
        if group[-1] in by_name:
            by_name[group[-1]].checks.append(Check(condition, Message(tuple(parts))))


def together_cases(context: Context, given: dict[str, Code] | None = None) -> list[InvalidArgument]:
    """The value the generated test expects `__init__` to refuse for each group: its first
    constant left out while the others are given, or (`given`: the test's values of the
    constants, in a class that leaves them all out) given while the others are left out."""
    cases = []
    for group in together_groups(context):
        value = Literal(None) if given is None else given.get(group[0])
        if isinstance(value, Literal):
            cases.append(InvalidArgument(group[0], value, _together_rule(group)))
    return cases
