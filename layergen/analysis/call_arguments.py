"""Non-tensor parameters of `call` (`call_arguments:`), such as a reversible embedding's
`reverse=False`: keyword parameters with a default, after the inputs.

Keras passes them by keyword only (a non-tensor positional argument is refused), leaves them
out of the shapes `build` and `compute_output_shape` get, and keeps them in the functional
graph, so a model saved with `layer(x, reverse=True)` loads calling it so again
(keras/src/layers/layer.py, `CallSpec` and `Node`). One may change the output's shape
through `output_shapes` (`layergen.analysis.call_shapes`); not its dtype.
"""

from __future__ import annotations

from typing import Any

from layergen.analysis.context import Context
from layergen.records import frozen_record

_KINDS = {"bool": (bool,), "int": (int,), "float": (int, float), "str": (str,)}


@frozen_record
class CallArgument:
    name: str
    default: bool | int | float | str  # checked against its type


def read_call_arguments(context: Context) -> list[CallArgument]:
    """Each call argument, its default checked against its type."""
    found = []
    for name, spec in context.spec.call_arguments.items():
        path = ("call_arguments", name)
        kinds = _KINDS[spec.type]
        if not isinstance(spec.default, kinds) or (spec.type != "bool" and isinstance(spec.default, bool)):
            context.problem(path + ("default",), f"default {spec.default!r} is not a {spec.type}")
            continue
        found.append(CallArgument(name, spec.default))
    return found


def call_values(context: Context, *, other: bool) -> dict[str, object]:
    """Each call argument's default, or (`other`) the value the test passes instead."""
    values: dict[str, object] = {}
    for name, spec in context.spec.call_arguments.items():
        if isinstance(spec.default, _KINDS[spec.type]) and (spec.type == "bool") == isinstance(spec.default, bool):
            values[name] = _other(spec.type, spec.default) if other else spec.default
    return values


def _other(kind: str, default: Any) -> Any:
    """A value other than the default, for the test to pass."""
    if kind == "bool":
        return not default
    if kind == "str":
        return default + "_other"
    if kind == "int":
        return default + 1
    # A float far from the default, and finite: `default * 2 + 1` is the default at -1.0.
    return default + 1.0 if abs(default) < 1e15 else default / 2
