"""Conditions over constructor arguments (`supports_masking: mask_zero`): parsed with the
restricted grammar of `layergen.expressions`, every name checked to be an argument, and
compiled into plain Python that reads `self.<argument>`."""

from __future__ import annotations

from layergen import expressions
from layergen.analysis.context import Context
from layergen.yaml_source import Path_


def argument_condition(context: Context, path: Path_, text: bool | str) -> str | None:
    """Python source of the condition (names as `self.<argument>`); None with a problem
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
    return expressions.condition_code(expression, {name: f"self.{name}" for name in expression.names})
