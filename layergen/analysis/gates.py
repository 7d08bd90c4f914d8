"""Optional weights: a weight's `when` names a bool argument (a gate); the weight exists only
when it is true, else its attribute is None, as `use_bias` does in keras.layers.Dense.

The generated test runs the contract once per setting of the gates: the default setting,
then each gate flipped alone (`GateSetting`)."""

from __future__ import annotations

import ast
from collections.abc import Mapping

from layergen.analysis import expressions
from layergen.analysis.context import Context
from layergen.analysis.given_constants import optional_constants
from layergen.analysis.input_conditions import condition_code, read_condition
from layergen.records import frozen_record
from layergen.render.values import Code
from layergen.spec.source import Path_


@frozen_record
class GateSetting:
    """One setting the contract runs with: every gate at its test value but `flipped`."""

    gate: str  # the argument flipped
    value: bool  # its value in this setting
    weights: tuple[str, ...]  # the weights this gate turns on or off


def read_gates(context: Context) -> dict[str, str]:
    """weight -> the condition it exists under (a bool argument, or a condition over bool
    arguments such as `center and not rms_scaling`), for the weights that have `when`."""
    gates = {}
    for name, weight in context.spec.weights.items():
        if weight.when is None:
            continue
        path = ("weights", name, "when")
        if _names_optional_constant(context, weight.when):
            gate = optional_constant_condition(context, path, weight.when)
        elif _is_plain_name(weight.when):
            gate = check_gate(context, path, weight.when)
        else:
            gate = _check_condition(context, path, weight.when)
        if gate is not None:
            gates[name] = gate
    return gates


def _names_optional_constant(context: Context, text: str) -> bool:
    try:
        names = expressions.parse_condition(text).names
    except expressions.ExpressionError:
        return False
    return any(name in optional_constants(context) for name in names)


def optional_constant_condition(context: Context, path: Path_, text: str) -> str | None:
    """`text` if it reads the constants the user may leave out only as `<constant> is None`
    or `<constant> is not None` (as keras.layers.Normalization makes its adapted statistics
    when `mean is None`), and otherwise bool arguments; else None, with the problem recorded."""
    tree = expressions.parse_condition(text).tree
    optional = optional_constants(context)
    compared = {
        id(node.left)
        for node in ast.walk(tree)
        if isinstance(node, ast.Compare)
        and len(node.ops) == 1
        and isinstance(node.ops[0], (ast.Is, ast.IsNot))
        and isinstance(node.comparators[0], ast.Constant)
        and node.comparators[0].value is None
    }
    for node in ast.walk(tree):
        if not isinstance(node, ast.Name):
            continue
        if node.id in optional and id(node) not in compared:
            context.problem(
                path,
                f"constant {node.id!r} is read in `when` as `{node.id} is None` or `{node.id} is not None` "
                "(whether the user left it out)",
            )
            return None
        if node.id not in optional and check_gate(context, path, node.id) is None:
            return None
    return text.strip()


def _is_plain_name(text: str) -> bool:
    return text.strip().isidentifier()


def _check_condition(context: Context, path: Path_, text: str) -> str | None:
    """`text` if it is a condition over bool arguments that are never None (and the input's
    rank and dimensions, which `build` knows); else None."""
    if read_condition(context, path, text) is None:
        return None
    for name in expressions.parse_condition(text).names:
        if name in context.dims or name in context.spec.inputs:
            continue
        if check_gate(context, path, name) is None:
            return None
    return text.strip()


def check_gate(context: Context, path: Path_, gate: str | None) -> str | None:
    """`gate` if it names a bool argument that is never None (a weight or sub-layer then
    exists or does not); else None, with the problem recorded."""
    if gate is None:
        return None
    argument = context.spec.arguments.get(gate)
    if argument is None and gate in context.spec.call_arguments:
        context.problem(path, f"call argument {gate!r} can change the output's shape only (`output_shapes`)")
    elif argument is None:
        bools = [name for name, arg in context.spec.arguments.items() if arg.type == "bool"]
        context.unknown(path, "bool argument", gate, bools)
    elif argument.type != "bool":
        context.problem(path, f"`when` names a bool argument; {gate!r} is {argument.type}")
    elif not argument.required and argument.default is None:
        context.problem(path, f"argument {gate!r} can be None; `when` needs true or false")
    else:
        return gate
    return None


def gate_arguments(gates: dict[str, str]) -> list[str]:
    """The bool arguments the gates read, in order of first use."""
    names: list[str] = []
    for condition in gates.values():
        names += [n for n in expressions.parse_condition(condition).names if n not in names]
    return names


def gate_code(context: Context, condition: str) -> Code:
    """What `build` tests: the condition over `self.<argument>` (and the input's rank and
    dimensions, read from the shapes `build` gets)."""
    return condition_code(context, expressions.parse_condition(condition))


def gate_reads_input(context: Context, condition: str) -> bool:
    """Whether the condition reads the input's rank or dimensions (`build` then needs its shape)."""
    names = expressions.parse_condition(condition).names
    return any(name in context.dims or name in context.spec.inputs for name in names)


def absent_weights(gates: dict[str, str], values: Mapping[str, object]) -> set[str]:
    """The weights that do not exist when the gates' arguments have these values."""
    return {weight for weight, condition in gates.items() if not _holds(condition, values)}


def _holds(condition: str, values: Mapping[str, object]) -> bool:
    """Whether a gate's condition holds; one that fails for these values is reported where
    the spec's conditions are checked (`conditions.argument_condition`)."""
    try:
        return bool(expressions.evaluate_condition(expressions.parse_condition(condition), values))
    except expressions.ExpressionError:
        return False


def gate_settings(
    gates: dict[str, str], values: dict[str, bool], fixed: Mapping[str, object] | None = None
) -> list[GateSetting]:
    """The settings besides the default one: each gate argument flipped alone, in order
    (`fixed`: what the conditions read of the test's input, never flipped)."""
    settings = []
    fixed = fixed or {}
    absent = absent_weights(gates, {**fixed, **values})
    for gate, value in values.items():
        flipped = absent_weights(gates, {**fixed, **values, gate: not value})
        weights = tuple(w for w in gates if (w in absent) != (w in flipped))
        if weights:  # flipped alone, it changes no weight (`rms_scaling` with `center=False`)
            settings.append(GateSetting(gate, not value, weights))
    return settings
