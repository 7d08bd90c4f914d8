"""Outputs: one (`output_shape`, `output_dtype`) or several (`outputs`, each with its shape
and dtype). `compute_output_shape` returns one shape or a tuple of shapes; when an output's
dtype is not the compute dtype, `compute_output_spec` says so (Keras's default gives every
output the compute dtype)."""

from __future__ import annotations

from collections.abc import Mapping

from layergen.analysis import expressions
from layergen.analysis.context import Context, ShapeItem
from layergen.analysis.input_conditions import read_condition
from layergen.analysis.shapes import output_bindings, output_shape_code, read_output
from layergen.records import frozen_record
from layergen.render.values import Code, Literal, Name, tuple_of
from layergen.spec.names import name_problem
from layergen.spec.source import Path_

FLOAT = "float"  # the compute dtype
INPUT = "input"  # the first input's dtype


@frozen_record
class ShapeCase:
    """One case of `output_shapes`: the shape when `condition` holds (None: otherwise)."""

    condition: expressions.Expression | None
    condition_code: Code | None  # over `self.<argument>` (and the input's shape, call arguments)
    items: list[ShapeItem]
    shape_path: Path_


@frozen_record
class Output:
    name: str  # "output" for a single output
    items: list[ShapeItem]
    dtype: str  # FLOAT, INPUT or a Keras dtype
    shape_path: Path_  # where its shape is in the spec
    doc: str = ""
    cases: tuple[ShapeCase, ...] = ()  # `output_shapes`: `items` is then the last case's

    def case_for(self, values: Mapping[str, object]) -> ShapeCase | None:
        """The case the arguments' values choose; None without cases."""
        for case in self.cases:
            if case.condition is None or _holds(case.condition, values):
                return case
        return None


def _holds(condition: expressions.Expression, values: Mapping[str, object]) -> bool:
    """Whether a case's condition holds; one that fails for these values is reported where
    the spec's conditions are checked (`conditions.argument_condition`)."""
    try:
        return bool(expressions.evaluate_condition(condition, values))
    except expressions.ExpressionError:
        return False


def read_outputs(context: Context) -> list[Output]:
    """The outputs, in the order `call` returns them; problems for a spec that gives both
    forms, neither, or a dtype Keras does not know."""
    spec = context.spec
    if spec.output_shapes is not None:
        if spec.output_shape is not None or spec.outputs:
            context.problem(
                ("output_shapes",), "give `output_shapes` or `output_shape` or `outputs`, not two", key=True
            )
        dtype = _dtype(context, spec.output_dtype or FLOAT, ("output_dtype",))
        cases = _shape_cases(context)
        return [Output("output", cases[-1].items, dtype, cases[-1].shape_path, cases=tuple(cases))]
    if spec.outputs and spec.output_shape is not None:
        context.problem(("outputs",), "give `outputs` (several) or `output_shape` (one), not both", key=True)
    if not spec.outputs:
        if spec.output_shape is None:
            context.problems.append(
                context.source.problem(
                    (), "missing required field 'output_shape' (or `outputs`, for several)", field=("output_shape",)
                )
            )
            return []
        dtype = _dtype(context, spec.output_dtype or FLOAT, ("output_dtype",))
        return [Output("output", read_output(context, spec.output_shape, ("output_shape",)), dtype, ("output_shape",))]
    if spec.output_dtype is not None:
        context.problem(("output_dtype",), "with `outputs`, each output says its own `dtype`", key=True)
    if len(spec.outputs) < 2:
        context.problem(("outputs",), "`outputs` lists several outputs; for one, use `output_shape`", key=True)
    outputs = []
    for name, output in spec.outputs.items():
        path = ("outputs", name)
        reason = name_problem(name, frozenset())
        if reason:
            context.problem(path, f"output name {name!r} {reason}", key=True)
        items = read_output(context, output.shape, path + ("shape",))
        dtype = _dtype(context, output.dtype, path + ("dtype",))
        outputs.append(Output(name, items, dtype, path + ("shape",), output.doc.strip()))
    return outputs


def _shape_cases(context: Context) -> list[ShapeCase]:
    """The cases of `output_shapes`, in order: each but the last has a condition."""
    cases = []
    given = context.spec.output_shapes or []
    for index, case in enumerate(given):
        path: Path_ = ("output_shapes", index)
        last = index == len(given) - 1
        condition = code = None
        if case.when is None and not last:
            context.problem(path, "every case but the last needs `when` (the last applies otherwise)")
        elif case.when is not None and last:
            context.problem(path + ("when",), "the last case applies otherwise: it has no `when`")
        elif case.when is not None:
            read = read_condition(context, path + ("when",), case.when, call_arguments=True)
            condition, code = (read.expression, read.code) if read is not None else (None, None)
        items = read_output(context, case.shape, path + ("shape",))
        cases.append(ShapeCase(condition, code, items, path + ("shape",)))
    return cases


def case_shapes(context: Context, output: Output) -> list[tuple[Code, Code]]:
    """(condition, shape) for each case but the last, which `shape_code` gives."""
    return [(c.condition_code or Literal(True), output_shape_code(context, c.items)) for c in output.cases[:-1]]


def _dtype(context: Context, dtype: str, path: Path_) -> str:
    known = sorted(d for d in context.vocab.dtypes if d != "string") + [INPUT, FLOAT]
    if dtype not in known:
        context.unknown(path, "output dtype", dtype, known)
        return FLOAT
    return dtype


def is_float(dtype: str) -> bool:
    """Whether an output of this dtype takes part in training and follows mixed precision."""
    return dtype == FLOAT or "float" in dtype


def shape_code(context: Context, outputs: list[Output]) -> Code:
    """What `compute_output_shape` returns: one shape, or a tuple of shapes."""
    codes = [output_shape_code(context, o.items) for o in outputs]
    return codes[0] if len(outputs) == 1 else tuple_of(*codes)


def shape_bindings(context: Context, outputs: list[Output]) -> list[tuple[str, Code]]:
    """The dimensions `compute_output_shape` reads, for all outputs together."""
    bindings: list[tuple[str, Code]] = []
    for output in outputs:
        for items in [c.items for c in output.cases] or [output.items]:
            bindings += [b for b in output_bindings(context, items) if b not in bindings]
    return bindings


def spec_dtypes(context: Context, outputs: list[Output]) -> list[Code]:
    """Each output's dtype in `compute_output_spec`; [] when every output has the compute
    dtype (Keras's default `compute_output_spec` then gives the right one)."""
    if all(o.dtype == FLOAT for o in outputs):
        return []
    first_input = context.inputs[0].name if context.inputs else "inputs"
    codes: dict[str, Code] = {FLOAT: Name("self.compute_dtype"), INPUT: Name(f"{first_input}.dtype")}
    return [codes.get(o.dtype, Literal(o.dtype)) for o in outputs]
