"""Call arguments that change the output's shape, as `reverse=True` of keras-hub's
ReversibleEmbedding maps hidden vectors back to logits over the vocabulary: a case of
`output_shapes` whose `when` reads a call argument, and (for a bool call argument) the inputs
`call` takes when it is not its default (`call_arguments.<name>.inputs`).

Keras gives `compute_output_shape` the inputs' shapes alone, so the layer takes the call
arguments in `compute_output_shape(input_shape, reverse=False)` and passes them on from its
own `compute_output_spec(inputs, reverse=False)`, which Keras calls with `call`'s keyword
arguments, as keras-hub's layer does."""

from __future__ import annotations

from layergen.analysis.call_arguments import call_values
from layergen.analysis.context import Context, Input
from layergen.analysis.outputs import Output, case_shapes
from layergen.analysis.shapes import output_shape_code, shape_items
from layergen.records import replace
from layergen.render.values import Code, Literal


def shape_call_arguments(context: Context, outputs: list[Output]) -> list[str]:
    """The call arguments the output's shape cases read, in `call`'s order."""
    read: set[str] = set()
    for output in outputs:
        for case in output.cases:
            if case.condition is not None:
                read |= set(case.condition.names)
    return [name for name in context.spec.call_arguments if name in read]


def shape_parameters(context: Context, names: list[str]) -> list[tuple[str, Code]]:
    """(name, default), as `reverse=False`: what `compute_output_shape` and
    `compute_output_spec` add."""
    return [(name, Literal(context.spec.call_arguments[name].default)) for name in names]


def call_inputs(context: Context) -> list[Input]:
    """The inputs `call` takes with the test's call arguments, where a call argument says
    they differ (`inputs:`); [] otherwise. Problems for misuse."""
    found: list[Input] = []
    for name, spec in context.spec.call_arguments.items():
        if spec.inputs is None:
            continue
        path = ("call_arguments", name, "inputs")
        if spec.type != "bool":
            context.problem(
                path, "`inputs` is for a bool call argument: the inputs call takes when it is not its default"
            )
            continue
        if list(spec.inputs) != list(context.spec.inputs):
            context.problem(
                path, f"`inputs` lists every input of the layer, in order: {', '.join(context.spec.inputs)}"
            )
            continue
        if found:
            context.problem(path, "one call argument at most says the inputs call takes with it")
            continue
        for (input_name, input_spec), first in zip(spec.inputs.items(), context.inputs, strict=False):
            items = shape_items(context, input_spec.shape, path + (input_name, "shape"), allow_new_dims=False)
            dtype = {"float": "float32", "int": "int32"}.get(input_spec.dtype, input_spec.dtype)
            if dtype not in context.vocab.dtypes:
                context.unknown(path + (input_name, "dtype"), "input dtype", input_spec.dtype, ["float", "int"])
            found.append(Input(input_name, input_spec, first.shape_param, items, "int" in dtype, dtype))
    return found


def call_case_shapes(context: Context, output: Output, inputs: list[Input]) -> list[tuple[Code, Code]]:
    """`case_shapes`, where a case that reads the call argument with `inputs` reads its
    shape (`...`, `batch`) from those inputs: they are what `compute_output_shape` gets then."""
    cases = case_shapes(context, output)
    argument = next((name for name, spec in context.spec.call_arguments.items() if spec.inputs is not None), None)
    if not inputs or argument is None:
        return cases
    with_call_inputs = replace(context, inputs=inputs)
    found = []
    for (condition, code), case in zip(cases, output.cases, strict=False):
        if case.condition is not None and argument in case.condition.names:
            code = output_shape_code(with_call_inputs, case.items)
        found.append((condition, code))
    return found


def test_call_values(context: Context) -> dict[str, object]:
    """The call arguments' values in the test's call with `call_kwargs`."""
    return call_values(context, other=True)


def default_call_values(context: Context) -> dict[str, object]:
    """The call arguments' defaults: what the test's plain call uses."""
    return call_values(context, other=False)
