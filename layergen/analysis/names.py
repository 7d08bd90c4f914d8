"""Names: the class name, and every name a spec introduces, which becomes an attribute,
parameter or local of the generated class and must not shadow anything it uses."""

from __future__ import annotations

from layergen.analysis.context import Context
from layergen.project.settings import package_problem
from layergen.spec.names import class_name_problem, name_problem
from layergen.spec.source import Path_
from layergen.spec.weight_arguments import weight_arguments


def check_header(context: Context) -> None:
    """The class name, the registration package and the summary."""
    spec = context.spec
    problem = class_name_problem(spec.layer)
    if problem:
        context.problem(("layer",), problem)
    package_text = package_problem(spec.package) if spec.package is not None else None
    if package_text:
        context.problem(("package",), package_text)
    if not spec.summary.strip():
        context.problem(("summary",), "summary must not be empty")


def check_names(context: Context) -> None:
    """Every name the spec introduces is valid and used once: arguments, constants,
    weights (and the arguments each weight adds), inputs, sub-layers."""
    owners: dict[str, Path_] = {}
    reserved = context.vocab.layer_attributes

    def claim(name: str, path: Path_, what: str) -> None:
        reason = name_problem(name, reserved)
        if reason:
            context.problem(path, f"{what} name {name!r} {reason}", key=True)
        elif name in owners:
            context.problem(path, f"{what} name {name!r} is already used by {_dotted(owners[name])}", key=True)
        else:
            owners[name] = path

    spec = context.spec
    for name in spec.arguments:
        claim(name, ("arguments", name), "argument")
    for name in spec.constants:
        claim(name, ("constants", name), "constant")
    for name, weight in spec.weights.items():
        claim(name, ("weights", name), "weight")
        for argument, _ in weight_arguments(name, weight.role):
            _claim_weight_argument(context, owners, name, argument)
    for name in spec.inputs:
        claim(name, ("inputs", name), "input")
    for name in spec.layers:
        claim(name, ("layers", name), "sub-layer")
    for name in spec.call_arguments:
        claim(name, ("call_arguments", name), "call argument")


def _claim_weight_argument(context: Context, owners: dict[str, Path_], weight: str, derived: str) -> None:
    path = ("weights", weight)
    if derived in owners:
        context.problem(
            path,
            f"weight {weight!r} needs the argument {derived!r}, which {_dotted(owners[derived])} already uses",
            key=True,
        )
    elif derived in context.vocab.layer_attributes:
        context.problem(
            path,
            f"weight {weight!r} needs the argument {derived!r}, "
            f"which would shadow keras.layers.Layer.{derived}; choose another name",
            key=True,
        )
    owners.setdefault(derived, path)


def _dotted(path: Path_) -> str:
    return ".".join(map(str, path))
