"""A cell's states (`cell: state_size`): one, or several as `keras.layers.LSTMCell` has.

`state_size: units` declares one state (`self.state_size = self.units`); a list,
`state_size: [units, units]`, declares one state per item (`self.state_size = [self.units,
self.units]`), and `keras.layers.RNN` then passes `call` the list of them and reads the list
of new states back. The call body reads them as `states[0]`, `states[1]`, ... or unpacks
them (`h_tm1, c_tm1 = states`), and returns `output, [new_h, new_c]`: where the body reads a
state the cell does not have, unpacks `states` into another number of names, or returns a
list of new states of another length, `validate` says so at that place in the body (the
generated test would fail with an IndexError or inside keras.layers.RNN).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from layergen.analysis.code_body import CodeField, report
from layergen.analysis.context import Context
from layergen.render.model import TestInput, TestOutput
from layergen.spec.sections import CellSpec
from layergen.spec.source import Path_

STATES = "states"
_SIZE_PATH = ("cell", "state_size")


def several_states(cell: CellSpec) -> bool:
    """Whether `state_size` is a list, as LSTMCell's `[units, units]` (a list of one counts)."""
    return isinstance(cell.state_size, list)


def state_items(cell: CellSpec) -> list[tuple[int | str, Path_]]:
    """Each state's size item and where it is in the spec."""
    if isinstance(cell.state_size, list):
        return [(item, _SIZE_PATH + (index,)) for index, item in enumerate(cell.state_size)]
    return [(cell.state_size, _SIZE_PATH)]


def output_names(cell: CellSpec) -> list[str]:
    """The contract's names of the new states a call returns: `state`, or `state_0`, `state_1`, ..."""
    if not several_states(cell):
        return ["state"]
    return [f"state_{index}" for index in range(len(state_items(cell)))]


def check_state_use(context: Context, code: CodeField, tree: ast.Module) -> None:
    """Report where the body indexes or unpacks `states` past the declared states, or returns
    another number of new states."""
    cell = context.spec.cell
    assert cell is not None
    count = len(state_items(cell))
    if not count:
        return  # reported by `layergen.analysis.cells.read_cell`
    declared = f"the cell has {count} state{'' if count == 1 else 's'} (`cell.state_size`)"
    function = tree.body[0]
    rebound = any(
        isinstance(node, ast.Name) and node.id == STATES and not isinstance(node.ctx, ast.Load)
        for node in ast.walk(function)
    )
    for node in _own_nodes(function):
        if isinstance(node, ast.Return) and node.value is not None:
            _check_return(context, code, node.value, count, declared)
        if rebound:
            continue  # the body gives `states` another value: what it holds is its own business
        if isinstance(node, ast.Subscript) and _is_states(node.value):
            index = _constant_index(node.slice)
            if index is not None and not -count <= index < count:
                message = f"`states[{index}]` reads a state the cell does not have: {declared}"
                report(context, code, node.lineno, node.col_offset + 1, message)
        targets = _unpacking_targets(node)
        if isinstance(node, ast.Assign) and targets is not None and not _fits(targets, count):
            message = f"`states` is unpacked into {len(targets)} names: {declared}"
            report(context, code, node.lineno, node.col_offset + 1, message)


def _own_nodes(function: ast.AST) -> Iterator[ast.AST]:
    """The nodes of `call` itself, not those of functions defined inside it."""
    for child in ast.iter_child_nodes(function):
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        yield child
        yield from _own_nodes(child)


def _is_states(node: ast.AST) -> bool:
    return isinstance(node, ast.Name) and node.id == STATES


def _constant_index(node: ast.AST) -> int | None:
    """The index of `states[1]` or `states[-1]`; None for a slice or a computed index."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        inner = _constant_index(node.operand)
        return None if inner is None else -inner
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return None


def _unpacking_targets(node: ast.AST) -> list[ast.expr] | None:
    """The targets of an unpacking assignment such as `h_tm1, c_tm1 = states`; None for anything else."""
    if isinstance(node, ast.Assign) and _is_states(node.value):
        for target in node.targets:
            if isinstance(target, (ast.Tuple, ast.List)):
                return list(target.elts)
    return None


def _fits(targets: list[ast.expr], count: int) -> bool:
    if any(isinstance(target, ast.Starred) for target in targets):
        return len(targets) - 1 <= count
    return len(targets) == count


def _check_return(context: Context, code: CodeField, value: ast.expr, count: int, declared: str) -> None:
    """`return output, [new states]`: a literal pair, and a literal list of new states, must fit."""
    if not isinstance(value, ast.Tuple) or any(isinstance(item, ast.Starred) for item in value.elts):
        return
    if len(value.elts) != 2:
        message = f"a cell's call returns `output, [new states]`, a pair; this returns {len(value.elts)} values"
        report(context, code, value.lineno, value.col_offset + 1, message)
        return
    new_states = value.elts[1]
    if not isinstance(new_states, (ast.List, ast.Tuple)) or any(isinstance(i, ast.Starred) for i in new_states.elts):
        return
    if len(new_states.elts) != count:
        returned = len(new_states.elts)
        message = f"call returns {returned} new state{'' if returned == 1 else 's'}: {declared}"
        report(context, code, new_states.lineno, new_states.col_offset + 1, message)


def cell_test_inputs(
    cell: CellSpec, test_outputs: list[TestOutput], batch_size: int
) -> tuple[list[TestInput], tuple[int | list[int], int]]:
    """The test's state inputs, after the step's input (`states`, or `states_0`, `states_1`,
    ...), and the cell's `(state_size, output_size)` as the test class sets them."""
    sizes = [output.shape[1] for output in test_outputs[1:]]
    if several_states(cell):
        inputs = [
            TestInput(f"{STATES}_{index}", (batch_size, size), "float32", False) for index, size in enumerate(sizes)
        ]
        return inputs, (sizes, test_outputs[0].shape[1])
    return [TestInput(STATES, (batch_size, sizes[0]), "float32", False)], (sizes[0], test_outputs[0].shape[1])


def states_doc(cell: CellSpec) -> str:
    """The docstring's entry for `call`'s `states`."""
    if not several_states(cell):
        return "List of one tensor, the state of shape `(batch_size, state_size)`."
    count = len(state_items(cell))
    return f"List of {count} tensors, the states: `states[i]` has shape `(batch_size, state_size[i])`."
