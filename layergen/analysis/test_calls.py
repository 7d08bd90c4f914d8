"""The generated test's call with `call_kwargs`, where a call argument changes the output's
shape (`output_shapes` reading it): the inputs it takes then (`call_arguments.<name>.inputs`)
and the output's shape it expects (`call_output_shape`)."""

from __future__ import annotations

from layergen.analysis.call_shapes import test_call_values
from layergen.analysis.context import Context, Input
from layergen.analysis.input_conditions import input_values
from layergen.analysis.outputs import Output
from layergen.analysis.test_budget import TestBudget
from layergen.analysis.test_sizes import Scope, chosen_case, test_inputs, test_output
from layergen.render.model import TestInput


def call_test_case(
    context: Context,
    outputs: list[Output],
    read: dict[str, object],
    scope: Scope,
    budget: TestBudget,
    call_inputs: list[Input],
) -> tuple[list[TestInput], tuple[int, ...] | None]:
    """The inputs of the test's call with `call_kwargs` (where a call argument says they
    differ) and the output's shape then (where a call argument chooses it); `read`: what the
    conditions read in the test's plain call."""
    inputs = test_inputs(context, scope, budget, call_inputs) if call_inputs else []
    calls = set(context.spec.call_arguments)
    reads = any(case.condition and set(case.condition.names) & calls for output in outputs for case in output.cases)
    if len(outputs) != 1 or not reads:
        return inputs, None
    values = dict(read)
    if inputs:
        values.update(input_values(context, {i.name: i.shape for i in inputs}))
    values.update(test_call_values(context))
    return inputs, test_output(context, chosen_case(outputs[0], values), scope, inputs).shape
