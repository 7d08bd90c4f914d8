"""An RNN cell for `adopt`: a class that sets `self.state_size` in `__init__` (an int
argument, a size expression, or a list of them for several states, as keras.layers.RNN
takes it) becomes a spec with `cell:`, whose input is one step, `[batch, input_dim]`, and
whose `call` gets its states as `states`."""

from __future__ import annotations

import ast

from layergen.audit.source import self_attribute
from layergen.audit.translate_shapes import size_of
from layergen.audit.translation import Spec, Translation, Untranslated

CELL_ATTRIBUTES = ("state_size", "output_size")


def cell_of(init: ast.FunctionDef | None, parameters: set[str], result: Translation) -> Spec | None:
    """The spec's `cell` from `self.state_size = ...` (and `self.output_size = ...`) in
    `__init__`; None for a class that is not a cell."""
    found: dict[str, ast.expr] = {}
    for statement in init.body if init is not None else []:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = self_attribute(statement.targets[0])
            if target in CELL_ATTRIBUTES:
                found[target] = statement.value
    if "state_size" not in found:
        return None
    value = found["state_size"]
    items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else None
    sizes = [size_of(item, parameters) for item in (items if items is not None else [value])]
    if not sizes or any(size is None for size in sizes):
        result.untranslated.append(Untranslated(value.lineno, "the cell's state_size"))
        return None
    cell: Spec = {"state_size": sizes if items is not None else sizes[0]}
    if "output_size" in found:
        output = size_of(found["output_size"], parameters)
        if output is None:
            result.untranslated.append(Untranslated(found["output_size"].lineno, "the cell's output_size"))
        elif output != sizes[0]:
            cell["output_size"] = output  # the first state's size is the default
    return cell


def states_named(call: ast.FunctionDef, cell: Spec | None) -> str:
    """A line naming the states as `call` does, where it calls them other than `states`."""
    parameters = call.args.args
    if cell is None or len(parameters) < 3 or parameters[2].arg == "states":
        return ""
    return f"{parameters[2].arg} = states\n"
