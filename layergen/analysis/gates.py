"""Optional weights: a weight's `when` names a bool argument (a gate); the weight exists only
when it is true, else its attribute is None, as `use_bias` does in keras.layers.Dense.

The generated test runs the contract once per setting of the gates: the default setting,
then each gate flipped alone (`GateSetting`)."""

from __future__ import annotations

from dataclasses import dataclass

from layergen.analysis.context import Context


@dataclass(frozen=True)
class GateSetting:
    """One setting the contract runs with: every gate at its test value but `flipped`."""

    gate: str  # the argument flipped
    value: bool  # its value in this setting
    weights: tuple[str, ...]  # the weights this gate turns on or off


def read_gates(context: Context) -> dict[str, str]:
    """weight -> the bool argument it depends on, for the weights that have `when`."""
    gates = {}
    for name, weight in context.spec.weights.items():
        gate = check_gate(context, ("weights", name, "when"), weight.when)
        if gate is not None:
            gates[name] = gate
    return gates


def check_gate(context: Context, path: tuple, gate: str | None) -> str | None:
    """`gate` if it names a bool argument that is never None (a weight or sub-layer then
    exists or does not); else None, with the problem recorded."""
    if gate is None:
        return None
    argument = context.spec.arguments.get(gate)
    if argument is None:
        bools = [name for name, arg in context.spec.arguments.items() if arg.type == "bool"]
        context.unknown(path, "bool argument", gate, bools)
    elif argument.type != "bool":
        context.problem(path, f"`when` names a bool argument; {gate!r} is {argument.type}")
    elif not argument.required and argument.default is None:
        context.problem(path, f"argument {gate!r} can be None; `when` needs true or false")
    else:
        return gate
    return None


def absent_weights(gates: dict[str, str], values: dict[str, bool]) -> set[str]:
    """The weights that do not exist when the gates have these values."""
    return {weight for weight, gate in gates.items() if not values.get(gate, True)}


def gate_settings(gates: dict[str, str], values: dict[str, bool]) -> list[GateSetting]:
    """The settings besides the default one: each gate flipped alone, in argument order."""
    settings = []
    for gate, value in values.items():
        weights = tuple(w for w, g in gates.items() if g == gate)
        settings.append(GateSetting(gate, not value, weights))
    return settings
