"""RNN cells (`cell:`): layers that `keras.layers.RNN` runs one step at a time.

Keras asks a cell for `state_size` and `output_size` before it builds it, builds it with one
shape, `(batch, features)`, gets the first state from `get_initial_state(batch_size=...)`,
and calls `cell(inputs, states, training=...)` for each step, which returns
`(output, new_states)` (keras/src/layers/rnn/rnn.py). The generated cell does all of that;
the spec gives the sizes and the step's body, which reads `states` (a list) and returns the
output and the list of new states, as `keras.layers.GRUCell` does.

A cell has one state or several (`layergen.analysis.cell_states`); the contract calls it with
its state, or the list of its states, as a second input.
"""

from __future__ import annotations

from layergen.analysis import expressions
from layergen.analysis.cell_states import STATES, output_names, several_states, state_items
from layergen.analysis.context import BATCH, ELLIPSIS, Context
from layergen.analysis.outputs import FLOAT, Output
from layergen.analysis.shapes import parse_expression
from layergen.render import values
from layergen.render.model import CellModel
from layergen.render.values import Code, Collection, Literal, self_attribute
from layergen.spec.source import Path_

# Attributes and methods `keras.layers.RNN` reads on a cell: a spec name must not take them.
CELL_ATTRIBUTES = ("state_size", "output_size", "get_initial_state", STATES)
_CELL_PATH = ("cell",)
# keras.layers.RNN passes a list of states; called on its own, a cell may get its one state bare.
_STATES = values.Name(STATES)
CELL_STATES: tuple[str, values.Code] = (  # `states = list(states) if isinstance(...) else [states]`
    STATES,
    values.IfElse(
        values.Call("isinstance", (_STATES, values.tuple_of(values.Name("list"), values.Name("tuple")))),
        values.Call("list", (_STATES,)),
        values.Collection((_STATES,), "list"),
    ),
)


def read_cell(context: Context) -> CellModel | None:
    """The cell's sizes, and problems where the spec is not a cell Keras can run."""
    spec = context.spec
    if spec.cell is None:
        return None
    sizes = [_size_code(context, item, path) for item, path in state_items(spec.cell)] or [None]
    if not state_items(spec.cell):
        context.problem(
            _CELL_PATH + ("state_size",), "a cell has at least one state: give one size each, e.g. [units, units]"
        )
    output = sizes[0]
    state = Collection(tuple(size or _NONE for size in sizes), "list") if several_states(spec.cell) else sizes[0]
    if spec.cell.output_size is not None:
        output = _size_code(context, spec.cell.output_size, _CELL_PATH + ("output_size",))
    _check_step_input(context)
    for field, reason in (
        ("output_shape", "a cell's output is `[batch, output_size]`, and its state `[batch, state_size]`"),
        ("output_shapes", "a cell's output is `[batch, output_size]`, and its state `[batch, state_size]`"),
        ("outputs", "a cell returns its output and its new states; their sizes are in `cell`"),
        ("output_dtype", "a cell's output and states have the compute dtype"),
        ("masking", "keras.layers.RNN handles the mask of a sequence; a cell gets none"),
    ):
        if getattr(spec, field) not in (None, {}):
            context.problem((field,), f"a cell has no `{field}`: {reason}", key=True)
    if spec.random:
        context.problem(
            ("random",),
            "a random cell is not supported: keras.layers.RNN calls the cell inside its loop, where a seed "
            "generator cannot advance (Keras's cells draw dropout masks before the loop)",
            key=True,
        )
    for section in ("arguments", "constants", "weights", "layers", "call_arguments"):
        for name in getattr(spec, section):
            if name in CELL_ATTRIBUTES:
                context.problem(
                    (section, name), f"{name!r} is what keras.layers.RNN reads on a cell; rename this", key=True
                )
    return CellModel(state_size=state or _NONE, output_size=output or _NONE, several=several_states(spec.cell))


def cell_outputs(context: Context) -> list[Output]:
    """A cell's results as outputs of the contract: the step's output and each new state."""
    cell = context.spec.cell
    assert cell is not None
    states = [(_size_item(item), path) for item, path in state_items(cell)]
    first = states[0][0] if states else _size_item(1)  # no state: reported by `read_cell`
    output = _size_item(cell.output_size) if cell.output_size is not None else first
    doc = "The new state." if len(states) == 1 and not several_states(cell) else "The new `states[{index}]`."
    return [Output("output", [BATCH, output], FLOAT, _CELL_PATH + ("output_size",), "The output of the step.")] + [
        Output(name, [BATCH, size], FLOAT, path, doc.format(index=index))
        for index, (name, (size, path)) in enumerate(zip(output_names(cell), states, strict=True))
    ]


def _size_item(item: int | str) -> expressions.Expression:
    try:
        return expressions.parse(item)
    except expressions.ExpressionError:
        return expressions.parse(1)  # reported by `read_cell`


_NONE = Literal(None)  # a size with a problem (reported): the model is never rendered


def _size_code(context: Context, item: int | str, path: Path_) -> Code | None:
    """`self.units`, or an integer expression of int arguments."""
    try:
        names = expressions.parse(item).names
    except expressions.ExpressionError as exc:
        context.problem(path, str(exc))
        return None
    for name in names:
        if name in context.dims:
            context.problem(
                path,
                f"{name!r} is an input dimension: keras.layers.RNN reads a cell's sizes before building it, so they come from int arguments",
            )
            return None
        if name not in context.spec.arguments:
            context.unknown(path, "int argument", name, context.sizing_arguments)
            return None
    expression = parse_expression(context, item, path, allowed=context.sizing_arguments)
    if expression is None:
        return None
    return expression.to_code({name: self_attribute(name) for name in expression.names})


def _check_step_input(context: Context) -> None:
    """keras.layers.RNN builds and calls a cell with one input of shape `(batch, features)`."""
    spec = context.spec
    if len(spec.inputs) != 1:
        context.problem(
            ("inputs",), "a cell has one input, the step's `[batch, features]`; `states` is added", key=True
        )
        return
    ((name, step),) = spec.inputs.items()
    if name == STATES:
        context.problem(
            ("inputs", name), "`states` is the cell's state, added by layergen; name the input `inputs`", key=True
        )
    if len(step.shape) != 2 or ELLIPSIS in step.shape:
        context.problem(
            ("inputs", name, "shape"),
            "a cell's input is one step, `[batch, features]`: keras.layers.RNN builds it with that shape",
        )
