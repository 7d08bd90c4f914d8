"""Conditions over constructor arguments (`supports_masking: mask_zero`): parsed with the
restricted grammar of `layergen.analysis.expressions`, every name checked to be an argument, and
made a code value that reads `self.<argument>`."""

from __future__ import annotations

from layergen.analysis import expressions
from layergen.analysis.context import Context
from layergen.render.values import Code, self_attribute
from layergen.spec.source import Path_


def argument_condition(context: Context, path: Path_, text: bool | str) -> Code | None:
    """The condition as a code value (names as `self.<argument>`); None with a problem
    recorded when the text is outside the grammar or names something that is no argument."""
    try:
        expression = expressions.parse_condition(text)
    except expressions.ExpressionError as error:
        context.problem(path, str(error))
        return None
    arguments = context.spec.arguments
    unknown = [name for name in expression.names if name not in arguments]
    for name in unknown:
        context.unknown(path, "argument", name, list(arguments))
    if unknown:
        return None
    for name in expressions.arithmetic_names(expression):
        if arguments[name].type not in ("int", "float"):
            context.problem(
                path, f"arithmetic in a condition is on int and float arguments; {name!r} is {arguments[name].type}"
            )
            return None
    values = _test_values(context, expression.names)
    if values is not None:
        try:
            expressions.evaluate_condition(expression, values)
        except expressions.ExpressionError as error:
            context.problem(path, f"{error} (the test's arguments)")
            return None
    return expressions.condition_code(expression, {name: self_attribute(name) for name in expression.names})


def _test_values(context: Context, names: list[str]) -> dict[str, object] | None:
    """The values the generated test gives these arguments, where the spec says them all."""
    spec = context.spec
    values = {}
    for name in names:
        if name in spec.test.arguments:
            values[name] = spec.test.arguments[name]
        elif not spec.arguments[name].required:
            values[name] = spec.arguments[name].default
        else:
            return None
    return values
