"""The generated test's plan: its argument values, sizes and the weights each check of the
test looks at, put together as the `TestModel`.

In: the context, the outputs, weights and gates the analysis found. Out: the `TestModel`;
the values come from `test_arguments`, the sizes from `test_sizes`, the budget of the
test's tensors from `test_budget`.
"""

from __future__ import annotations

from layergen.analysis.adapt import adapt_test_axes
from layergen.analysis.argument_types import stored_value
from layergen.analysis.call_shapes import default_call_values, test_call_values
from layergen.analysis.cell_states import cell_test_inputs
from layergen.analysis.context import Context, Input
from layergen.analysis.gates import absent_weights, gate_arguments, gate_settings
from layergen.analysis.given_constants import (
    given_constant_cases,
    optional_constants,
    together_cases,
    together_groups,
)
from layergen.analysis.initializer_parts import initializer_parts_cases
from layergen.analysis.input_conditions import input_values
from layergen.analysis.layouts import check_layout_sizes
from layergen.analysis.outputs import Output
from layergen.analysis.test_arguments import ArgumentValues, argument_values, invalid_arguments, shaped_constants
from layergen.analysis.test_budget import TestBudget, check_sublayers
from layergen.analysis.test_calls import call_test_case
from layergen.analysis.test_sizes import (
    Scope,
    chosen_case,
    dimension_sizes,
    sizing_values,
    test_inputs,
    test_output,
    weight_shape,
)
from layergen.analysis.test_values import regularized_weights, skips
from layergen.analysis.weight_shapes import case_settings, chosen_shape, has_cases, shape_condition_arguments
from layergen.records import replace
from layergen.render.model import InvalidArgument, TestInput, TestModel, TestOutput, TestSetting, WeightModel
from layergen.render.values import Call, Code, Literal


def plan_test(
    context: Context,
    outputs: list[Output],
    weights: list[WeightModel],
    uses_training: bool,
    gates: dict[str, str],
    call_inputs: list[Input] | None = None,
) -> TestModel:
    """The test's values; a value that does not fit or a size that is not positive is a problem.

    `gates` (weight -> bool argument): the test runs with each gate at its default, and a
    subclass per gate runs it again with that gate flipped. `call_inputs`: the inputs call
    takes with a call argument, where they differ."""
    spec = context.spec
    arguments = argument_values(context, set(gate_arguments(gates)) | set(shape_condition_arguments(context)))
    scope = {**sizing_values(context, arguments.values), **dimension_sizes(context)}
    budget = TestBudget(context)
    inputs = test_inputs(context, scope, budget)
    read = _condition_values(context, arguments, inputs)
    call_case = call_test_case(context, outputs, read, scope, budget, call_inputs or [])
    test_outputs, cell_sizes = _outputs(context, outputs, read, scope, inputs, budget)
    array_weights, shapes = _weights_and_constants(context, arguments, read, scope, budget)
    check_sublayers(context, scope, budget)
    budget.check_total()
    lists, settings, invalid = _weight_plan(context, weights, gates, arguments, read)
    present = lists["trainable"] + lists["non_trainable"]
    return TestModel(
        init_kwargs=arguments.init_kwargs,
        inputs=inputs,
        output_shape=test_outputs[0].shape if len(test_outputs) == 1 else (),
        output_dtype=test_outputs[0].dtype if len(test_outputs) == 1 else None,
        outputs=test_outputs if len(test_outputs) > 1 else [],
        trainable=lists["trainable"],
        non_trainable=lists["non_trainable"],
        policy_weights=lists["policy_weights"],
        state=lists["state"],
        regularized=lists["regularized"],
        array_weights=[(n, a) for n, a in array_weights if n in lists["trainable"] + lists["non_trainable"]],
        array_arguments=[n for n, a in spec.arguments.items() if a.type == "array"],
        invalid_arguments=invalid,
        given_constants=_given_constants(context),
        uses_training=uses_training,
        random=spec.random,
        settings=case_settings(
            context, settings, read, lambda shape: weight_shape(context, shape, scope, ("weights",))
        ),
        skip=skips(context),
        cell_sizes=cell_sizes,
        weight_shapes=[(n, s) for n, s in shapes.items() if has_cases(spec.weights[n]) and n in present],
        call_inputs=call_case[0],
        call_output_shape=call_case[1],
        call_kwargs=[(name, Literal(value)) for name, value in test_call_values(context).items()],
        initializer_parts=initializer_parts_cases(context, gates, read, scope),
        adapt=adapt_test_axes(context, read),
    )


def _condition_values(context: Context, arguments: ArgumentValues, inputs: list[TestInput]) -> dict[str, object]:
    """What the spec's conditions read in the test: the arguments as the layer stores them,
    the call arguments' defaults, the inputs' ranks and dimensions."""
    spec = context.spec
    stored = {
        name: stored_value(spec.arguments[name], v) if name in spec.arguments else v
        for name, v in arguments.values.items()
    }
    for name, arg in spec.arguments.items():  # None that takes an earlier argument's value
        if arg.none_means is not None and stored.get(name) is None and arg.none_means in stored:
            stored[name] = stored[arg.none_means]
    return {**stored, **default_call_values(context), **input_values(context, {i.name: i.shape for i in inputs})}


def _outputs(
    context: Context,
    outputs: list[Output],
    read: dict[str, object],
    scope: Scope,
    inputs: list[TestInput],
    budget: TestBudget,
) -> tuple[list[TestOutput], tuple[int | list[int], int] | None]:
    """Each output's test shape, in the case the test's arguments (and inputs) choose; an
    RNN cell's (state size, output size), whose states the contract passes after the step's input."""
    spec = context.spec
    chosen = [chosen_case(output, read) for output in outputs]
    test_outputs = [test_output(context, output, scope, inputs) for output in chosen]
    cell_sizes = None
    if spec.cell is not None:
        state_inputs, cell_sizes = cell_test_inputs(spec.cell, test_outputs, spec.test.batch_size)
        inputs += state_inputs
    for output in test_outputs:
        budget.tensor(f"output {output.name!r}", output.shape, output.dtype, ("output_shape",))
    return test_outputs, cell_sizes


def _weights_and_constants(
    context: Context, arguments: ArgumentValues, read: dict[str, object], scope: Scope, budget: TestBudget
) -> tuple[list[tuple[str, str]], dict[str, tuple[int, ...]]]:
    """The weights' test shapes checked (budget, layouts), a random array passed for each
    weight an array argument starts, the shaped constants' values; (weight, array argument),
    and each weight's test shape (the case of its `shapes` that the test's values choose)."""
    spec = context.spec
    weight_shapes = {
        name: weight_shape(context, chosen_shape(weight, read), scope, ("weights", name, "shape"))
        for name, weight in spec.weights.items()
    }
    for name, shape in weight_shapes.items():
        budget.tensor(f"weight {name!r}", shape, spec.weights[name].dtype, ("weights", name, "shape"))
    check_layout_sizes(context, weight_shapes, scope)
    array_weights = [(n, w.initial_value) for n, w in spec.weights.items() if w.initial_value]
    for weight_name, array in array_weights:
        arguments.init_kwargs.append((array, Call("random_array", (Literal(weight_shapes[weight_name]),))))
    shaped_constants(context, arguments, scope, budget)
    return array_weights, weight_shapes


def _weight_lists(weights: list[WeightModel], absent: set[str], regularized: set[str]) -> dict[str, list[str]]:
    """The contract's lists of weights (by class attribute), without the `absent` ones."""
    present = [w for w in weights if w.name not in absent]
    return {
        "trainable": [w.name for w in present if w.role == "trainable"],
        "non_trainable": [w.name for w in present if w.role != "trainable"],
        "state": [w.name for w in present if w.role == "state" and not w.adapted],
        "regularized": [w.name for w in present if w.name in regularized],
        "policy_weights": [w.name for w in present if w.dtype is None],
    }


def _settings(
    weights: list[WeightModel],
    gates: dict[str, str],
    values: dict[str, bool],
    base: dict[str, list[str]],
    regularized: set[str],
    fixed: dict[str, object],
) -> list[TestSetting]:
    """A test subclass per gate, flipped alone, with the weight lists that change (`fixed`:
    what the conditions read of the test's input, and the other arguments)."""
    settings: list[TestSetting] = []
    for setting in gate_settings(gates, values, fixed):
        absent = absent_weights(gates, {**fixed, **values, setting.gate: setting.value})
        lists = _weight_lists(weights, absent, regularized)
        if sorted(base["policy_weights"]) == sorted(base["trainable"] + base["non_trainable"]):
            lists.pop("policy_weights")  # the base class leaves it at None: every weight
        changed = [(attribute, names) for attribute, names in lists.items() if names != base.get(attribute)]
        named = "".join(part.capitalize() for weight in setting.weights for part in weight.split("_"))
        suffix = ("Without" if setting.weights[0] in absent else "With") + named
        if any(s.class_suffix == suffix for s in settings):  # two arguments remove the same weights
            suffix += "By" + "".join(part.capitalize() for part in setting.gate.split("_"))
        settings.append(TestSetting(suffix, setting.gate, setting.value, changed))
    return settings


def _weight_plan(
    context: Context,
    weights: list[WeightModel],
    gates: dict[str, str],
    arguments: ArgumentValues,
    read: dict[str, object],
) -> tuple[dict[str, list[str]], list[TestSetting], list[InvalidArgument]]:
    """The test's weight lists, its subclasses (a gate flipped alone, the optional constants
    left out) and the values `__init__` must refuse."""
    values = {gate: bool(arguments.values[gate]) for gate in gate_arguments(gates) if gate in context.spec.arguments}
    regularized = regularized_weights(context, arguments.values)
    given = dict.fromkeys(optional_constants(context), True)  # the test gives every optional constant
    lists = _weight_lists(weights, absent_weights(gates, {**read, **given, **values}), regularized)
    settings = _settings(weights, gates, values, lists, regularized, {**read, **given})
    invalid = _invalid_cases(context, arguments)
    constants = {name: value for name, value in arguments.init_kwargs if name in context.spec.constants}
    left_out = _left_out_setting(context, weights, gates, lists, regularized, {**read, **given, **values})
    settings += [replace(s, invalid_arguments=_left_out_cases(context, invalid, constants)) for s in left_out]
    return lists, settings, invalid


def _given_constants(context: Context) -> list[str]:
    return [name for name, constant in context.spec.constants.items() if constant.value is None]


def _left_out_setting(
    context: Context,
    weights: list[WeightModel],
    gates: dict[str, str],
    base: dict[str, list[str]],
    regularized: set[str],
    values: dict[str, object],
) -> list[TestSetting]:
    """The subclass that leaves out every optional constant the weights' `when` reads (None),
    with the weights that exist then, as keras.layers.Normalization without `mean` and
    `variance` has the statistics `adapt` sets. (The test's other classes give every such constant.)"""
    read = {name for name in optional_constants(context) if name in gate_arguments(gates)}
    # With the constants given together with them (`together_with`): all of a group or none.
    read |= {name for group in together_groups(context) if read & set(group) for name in group}
    left_out = [name for name in optional_constants(context) if name in read]
    if not left_out:
        return []
    lists = _weight_lists(weights, absent_weights(gates, {**values, **dict.fromkeys(left_out)}), regularized)
    if sorted(lists["policy_weights"]) == sorted(lists["trainable"] + lists["non_trainable"]):
        lists.pop("policy_weights")
    changed = [(attribute, names) for attribute, names in lists.items() if names != base.get(attribute)]
    changed.append(("given_constants", [name for name in _given_constants(context) if name not in left_out]))
    suffix = "Without" + "".join(part.capitalize() for name in left_out for part in name.split("_"))
    also = tuple((name, None) for name in left_out[1:])
    return [TestSetting(suffix, left_out[0], None, changed, also=also)]


def _left_out_cases(
    context: Context, base: list[InvalidArgument], given: dict[str, Code]
) -> list[InvalidArgument] | None:
    """The refused values of the class that leaves the optional constants out: a constant of
    a `together_with` group given alone, instead of one left out alone; None where none differs."""
    together = together_cases(context)
    if not together:
        return None
    return [case for case in base if case not in together] + together_cases(context, given)


def _invalid_cases(context: Context, arguments: ArgumentValues) -> list[InvalidArgument]:
    """The values `__init__` must refuse: each argument's, each given constant's, and one of
    each group of constants given together (`together_with`) left out alone."""
    cases = invalid_arguments(context) + given_constant_cases(context, arguments.constant_shapes)
    return cases + together_cases(context)
