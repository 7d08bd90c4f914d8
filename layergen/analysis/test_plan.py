"""The generated test's concrete values: argument values, input and output sizes, and the
weights each check of the test looks at."""

from __future__ import annotations

import dataclasses
import itertools
import math
from collections.abc import Iterator
from dataclasses import dataclass, field

from layergen.analysis import expressions
from layergen.analysis.argument_types import (
    invalid_message,
    invalid_value,
    other_value,
    requirement,
    sample_value,
    stored_value,
    type_rule,
    value_fits,
)
from layergen.analysis.cell_states import cell_test_inputs
from layergen.analysis.context import BATCH, ELLIPSIS, Context
from layergen.analysis.gates import absent_weights, gate_arguments, gate_settings
from layergen.analysis.layouts import check_layout_sizes
from layergen.analysis.outputs import FLOAT, INPUT, Output
from layergen.analysis.randomness import SEED, SEED_SPEC
from layergen.analysis.test_budget import (
    ELLIPSIS_SIZES,
    TEST_TENSOR_BUDGET,
    TestBudget,
    check_literal,
    check_sublayers,
    number_text,
)
from layergen.analysis.test_values import (
    INVALID,
    generated_arguments,
    keras_object_value,
    regularized_weights,
    skips,
)
from layergen.render.model import (
    InvalidArgument,
    TestInput,
    TestModel,
    TestOutput,
    TestSetting,
    WeightModel,
)
from layergen.render.pycode import json_literal, literal, nested_shape
from layergen.spec.source import Path_

# Concrete sizes for the generated test when the spec gives none: distinct from each
# other and from the batch (2), so that a transposed shape cannot pass by accident.
_TEST_ARGUMENT_SIZES = (4, 6, 8, 9, 10, 12)
_TEST_DIMENSION_SIZES = (3, 5, 7, 11, 13, 17)
_TEST_ELLIPSIS_SIZES = ELLIPSIS_SIZES

Scope = dict[str, int]  # the test's value of each argument and dimension that sizes a shape
_NOT_FINITE = "the generated test's {what} for {name!r} is not a finite number; use `min`, `max` or values nearer zero"


def plan_test(
    context: Context,
    outputs: list[Output],
    weights: list[WeightModel],
    uses_training: bool,
    gates: dict[str, str],
) -> TestModel:
    """The test's values; a value that does not fit or a size that is not positive is a problem.

    `gates` (weight -> bool argument): the test runs with each gate at its default, and a
    subclass per gate runs it again with that gate flipped."""
    spec = context.spec
    arguments = _argument_values(context, set(gate_arguments(gates)))
    scope = {**{k: v for k, v in arguments.values.items() if isinstance(v, int)}, **_dimension_sizes(context)}
    budget = TestBudget(context)
    inputs = _test_inputs(context, scope, budget)
    stored = {
        name: stored_value(spec.arguments[name], v) if name in spec.arguments else v
        for name, v in arguments.values.items()
    }
    outputs = [_chosen_case(output, stored) for output in outputs]
    test_outputs = [_test_output(context, output, scope, inputs) for output in outputs]
    cell_sizes = None
    if spec.cell is not None:  # the contract passes the cell's states after the step's input
        state_inputs, cell_sizes = cell_test_inputs(spec.cell, test_outputs, spec.test.batch_size)
        inputs += state_inputs
    for test_output in test_outputs:
        what = f"output {test_output.name!r}"
        budget.tensor(what, test_output.shape, test_output.dtype, ("output_shape",))
    weight_shapes = {
        name: _weight_shape(context, weight.shape, scope, ("weights", name, "shape"))
        for name, weight in spec.weights.items()
    }
    for name, shape in weight_shapes.items():
        budget.tensor(f"weight {name!r}", shape, spec.weights[name].dtype, ("weights", name, "shape"))
    check_layout_sizes(context, weight_shapes, scope)
    array_weights = [(n, w.initial_value) for n, w in spec.weights.items() if w.initial_value]
    for weight_name, array in array_weights:
        arguments.init_kwargs.append((array, f"random_array({weight_shapes[weight_name]!r})"))
    _shaped_constants(context, arguments, scope, budget)
    check_sublayers(context, scope, budget)
    budget.check_total()
    values = {gate: bool(arguments.values[gate]) for gate in gate_arguments(gates)}
    regularized = regularized_weights(context, arguments.values)
    lists = _weight_lists(weights, absent_weights(gates, values), regularized)
    return TestModel(
        init_kwargs=arguments.init_kwargs,
        inputs=inputs,
        output_shape=test_outputs[0].shape if len(test_outputs) == 1 else (),
        output_dtype=test_outputs[0].dtype if len(test_outputs) == 1 else None,
        outputs=test_outputs if len(test_outputs) > 1 else [],
        trainable=lists["trainable"],
        non_trainable=lists["non_trainable"],
        policy_weights=lists["policy_weights"],
        config_values=arguments.config_values,
        state=lists["state"],
        regularized=lists["regularized"],
        array_weights=[(n, a) for n, a in array_weights if n in lists["trainable"] + lists["non_trainable"]],
        array_arguments=[n for n, a in spec.arguments.items() if a.type == "array"],
        invalid_arguments=_invalid_arguments(context),
        uses_training=uses_training,
        random=spec.random,
        settings=_settings(weights, gates, values, lists, regularized),
        skip=skips(context),
        cell_sizes=cell_sizes,
    )


def _weight_lists(weights: list[WeightModel], absent: set[str], regularized: set[str]) -> dict[str, list[str]]:
    """The contract's lists of weights (by class attribute), without the `absent` ones."""
    present = [w for w in weights if w.name not in absent]
    return {
        "trainable": [w.name for w in present if w.role == "trainable"],
        "non_trainable": [w.name for w in present if w.role != "trainable"],
        "state": [w.name for w in present if w.role == "state"],
        "regularized": [w.name for w in present if w.name in regularized],
        "policy_weights": [w.name for w in present if w.dtype is None],
    }


def _settings(
    weights: list[WeightModel],
    gates: dict[str, str],
    values: dict[str, bool],
    base: dict[str, list[str]],
    regularized: set[str],
) -> list[TestSetting]:
    """A test subclass per gate, flipped alone, with the weight lists that change."""
    settings: list[TestSetting] = []
    for setting in gate_settings(gates, values):
        absent = absent_weights(gates, {**values, setting.gate: setting.value})
        lists = _weight_lists(weights, absent, regularized)
        if sorted(base["policy_weights"]) == sorted(base["trainable"] + base["non_trainable"]):
            lists.pop("policy_weights")  # the base class leaves it at None: every weight
        changed = [(attribute, names) for attribute, names in lists.items() if names != base.get(attribute)]
        named = "".join(part.capitalize() for weight in setting.weights for part in weight.split("_"))
        suffix = ("Without" if setting.weights[0] in absent else "With") + named
        if any(s.class_suffix == suffix for s in settings):  # two arguments remove the same weights
            suffix += "By" + "".join(part.capitalize() for part in setting.gate.split("_"))
        settings.append(TestSetting(suffix, setting.gate, repr(setting.value), changed))
    return settings


@dataclass
class _ArgumentValues:
    values: dict[str, object] = field(default_factory=dict)  # each argument's value in the test
    init_kwargs: list[tuple[str, str]] = field(default_factory=list)  # (name, Python source)
    config_values: list[tuple[str, str]] = field(default_factory=list)  # (name, Python source)

    def passed(self, name: str, value) -> None:
        """An argument the test passes to the constructor, and so expects in the config."""
        self.init_kwargs.append((name, literal(value)))
        self.config_values.append((name, json_literal(value)))


def _argument_values(context: Context, gates: set[str]) -> _ArgumentValues:
    """The spec's test values; otherwise a sample for a required argument and a value other
    than the default for an optional one, so that a config that forgets it shows. A gate
    keeps its default: the subclass that flips it shows a config that forgets it."""
    spec = context.spec
    given = dict(spec.test.arguments)
    result = _ArgumentValues()
    sizes = _sizes(_TEST_ARGUMENT_SIZES, then=40)
    for name, arg in spec.arguments.items():
        if arg.type == "array":
            continue  # the test passes a random array of its weight's shape
        path = ("test", "arguments", name) if name in given else ("arguments", name)
        if name in given:
            value = given.pop(name)
            if not value_fits(arg, value):
                context.problem(path, f"test value {value!r} is not {requirement(arg)}")
            elif arg.type == "activation" and value not in context.vocab.activations:
                context.unknown(path, "activation", value, context.vocab.activations)
        elif arg.required:
            value = sample_value(arg, sizes)
        elif name in gates:
            value = arg.default
        else:
            value = other_value(arg)
            if value is None:
                result.values[name] = arg.default
                continue
        if not _is_finite(value):
            context.problem(path, _NOT_FINITE.format(what="value", name=name))
            continue
        result.values[name] = value
        result.passed(name, value)
    _generated_values(context, given, result)
    _constant_values(context, given, result)
    return result


def _generated_values(context: Context, given: dict, result: _ArgumentValues) -> None:
    """Test values of the arguments layergen adds (`seed`, `<weight>_initializer`, ...);
    a name that is no argument at all is a problem."""
    spec = context.spec
    generated = generated_arguments(context)
    if spec.random:
        # A seed other than the default (None), so that a config that forgets it shows.
        seed = given.pop("seed", 1)
        if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
            context.problem(("test", "arguments", "seed"), f"test value {seed!r} is not None or an integer")
        result.passed("seed", seed)
    for name, value in given.items():
        path = ("test", "arguments", name)
        if name in generated:
            value = keras_object_value(context, generated[name], value, path)
            if value is not INVALID:
                result.values[name] = value
                result.passed(name, value)
        elif name not in spec.constants:
            candidates = [n for n, a in spec.arguments.items() if a.type != "array"] + list(spec.constants)
            context.unknown(path, "argument", name, candidates + list(generated))


def _constant_values(context: Context, given: dict, result: _ArgumentValues) -> None:
    """Each constant's test value: the spec's, or its default changed but of the same shape."""
    for name, constant in context.spec.constants.items():
        if constant.shape is not None:
            continue  # its test value has the declared shape: known once the sizes are (`_shaped_constants`)
        value = given.get(name, _scaled(constant.value))
        if nested_shape(value) != nested_shape(constant.value):
            context.problem(
                ("test", "arguments", name), f"a test value of constant {name!r} must have its default's shape"
            )
            continue
        if not _is_finite(value):
            context.problem(("constants", name, "value"), _NOT_FINITE.format(what="value", name=name))
            continue
        result.passed(name, value)


def _shaped_constants(context: Context, arguments: _ArgumentValues, scope: Scope, budget: TestBudget) -> None:
    """The test value of each constant with a declared shape: the spec's (a number, or numbers
    of that shape), or distinct numbers of that shape, so that a value that is only
    broadcast, or that loses its order, shows. Its size is checked before it is made: `call`
    broadcasts it to a tensor of that shape, and distinct numbers are written into the test."""
    for name, constant in context.spec.constants.items():
        if constant.shape is None:
            continue
        path = ("test", "arguments", name)
        shape_path = ("constants", name, "shape")
        shape = _weight_shape(context, constant.shape, scope, shape_path)
        dtype = None if constant.dtype == "float" else constant.dtype
        if not budget.tensor(f"constant {name!r}", shape, dtype, shape_path):
            continue
        value = context.spec.test.arguments.get(name)
        if value is None:
            if not check_literal(context, name, shape, shape_path):
                continue
            value = _distinct_numbers(_scaled(constant.value), shape)
        elif nested_shape(value) not in ([], list(shape)):
            context.problem(path, f"a test value of constant {name!r} is a number or numbers of shape {shape}")
            continue
        arguments.passed(name, value)


def _distinct_numbers(start: float, shape: tuple[int, ...]):
    """Nested lists of shape `shape` holding start, start + 0.5, start + 1, ..."""
    counter = itertools.count()

    def fill(dims):
        if not dims:
            return start + 0.5 * next(counter)
        return [fill(dims[1:]) for _ in range(dims[0])]

    return fill(shape)


def _dimension_sizes(context: Context) -> Scope:
    """The spec's test sizes of input dimensions, and distinct sizes for the others."""
    sizes = dict(context.spec.test.dimensions)
    for name in sizes:
        if name not in context.dims:
            context.unknown(("test", "dimensions", name), "dimension", name, context.dims)
    defaults = _sizes(_TEST_DIMENSION_SIZES, then=60)
    for name in context.dims:
        sizes.setdefault(name, next(defaults))
    return sizes


def _test_inputs(context: Context, scope: Scope, budget: TestBudget) -> list[TestInput]:
    batch = context.spec.test.batch_size
    inputs = []
    for item in context.inputs:
        path = ("inputs", item.name)
        shape = [batch]
        for index, token in enumerate(item.items[1:], start=1):
            if token == ELLIPSIS:
                shape.extend(_TEST_ELLIPSIS_SIZES)
            else:
                shape.append(_size(context, token, scope, path + ("shape", index)))
        low = high = 0
        if item.is_int and item.spec.max is not None:
            low = _evaluate(expressions.parse(item.spec.min), scope, default=0)
            high = _evaluate(expressions.parse(item.spec.max), scope, default=1)
            if high <= low:
                context.problem(
                    path,
                    f"integer values in range(min, max) = range({number_text(low)}, {number_text(high)})"
                    f" is empty with the test sizes {scope}",
                )
            else:
                _check_int_range(context, item.dtype, low, high, scope, path)
        budget.tensor(f"input {item.name!r}", shape, item.dtype, path + ("shape",))
        inputs.append(TestInput(item.name, tuple(shape), item.dtype, item.is_int, low, high))
    return inputs


def _check_int_range(context: Context, dtype: str, low: int, high: int, scope: Scope, path: Path_) -> None:
    """The test draws values from range(low, high): each must fit the input's dtype."""
    bits = int(dtype.removeprefix("u").removeprefix("int"))
    smallest, largest = (0, 2**bits - 1) if dtype.startswith("u") else (-(2 ** (bits - 1)), 2 ** (bits - 1) - 1)
    if low < smallest or high - 1 > largest:
        context.problem(
            path,
            f"integer values in range({number_text(low)}, {number_text(high)}) do not fit {dtype}"
            f" ({smallest}..{largest}) with the test sizes {scope}",
        )


def _is_finite(value) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list | tuple):
        return all(_is_finite(v) for v in value)
    return True


def _chosen_case(output: Output, values: dict) -> Output:
    """The output with the shape of the `output_shapes` case the test's arguments choose."""
    case = output.case_for(values)
    if case is None:
        return output
    return dataclasses.replace(output, items=case.items, shape_path=case.shape_path)


def _test_output(context: Context, output: Output, scope: Scope, inputs: list[TestInput]) -> TestOutput:
    """An output's concrete shape and dtype (None: the compute dtype) in the test."""
    shape: list[int] = []
    for index, token in enumerate(output.items):
        if token == BATCH:
            shape.append(context.spec.test.batch_size)
        elif token == ELLIPSIS:
            shape.extend(_TEST_ELLIPSIS_SIZES)  # what the input with `...` holds there
        else:
            shape.append(_size(context, token, scope, output.shape_path + (index,)))
    dtype: str | None = output.dtype
    if dtype == INPUT:
        dtype = inputs[0].dtype if inputs and inputs[0].is_int else None  # a float input takes the compute dtype
    elif dtype == FLOAT:
        dtype = None
    return TestOutput(output.name, tuple(shape), dtype)


def _weight_shape(context: Context, shape: list, scope: Scope, path: Path_) -> tuple[int, ...]:
    sizes: list[int] = []
    for index, item in enumerate(shape):
        if item == ELLIPSIS:
            sizes.extend(_TEST_ELLIPSIS_SIZES)  # what the input with `...` holds there
        else:
            sizes.append(_size(context, item, scope, path + (index,)))
    return tuple(sizes)


def _size(context: Context, item, scope: Scope, path: Path_) -> int:
    """A shape item's size with the test values; 1 (and a problem) if it is not positive."""
    expression = item if isinstance(item, expressions.Expression) else expressions.parse(item)
    try:
        size = _evaluate(expression, scope, default=1)
    except ZeroDivisionError:
        context.problem(path, f"divides by zero with the test sizes {scope}")
        return 1
    if size <= 0 or size > TEST_TENSOR_BUDGET:
        limit = "" if size <= 0 else f", over the {TEST_TENSOR_BUDGET:,} a test's dimension may be"
        context.problem(
            path,
            f"is {number_text(size)} with the test sizes {scope}{limit}; set `test.arguments` or `test.dimensions`",
        )
        return 1
    return size


def _evaluate(expression: expressions.Expression, scope: Scope, *, default: int) -> int:
    """The expression's value; `default` where it uses an argument whose test value is not
    an integer (a problem already recorded for that argument)."""
    try:
        return expression.evaluate(scope)
    except KeyError:
        return default


def _invalid_arguments(context: Context) -> list[InvalidArgument]:
    """A value `__init__` must refuse for each argument that has one, and the message."""
    cases = []
    arguments = dict(context.spec.arguments)
    if context.spec.random:
        arguments[SEED] = SEED_SPEC
    for name, arg in arguments.items():
        bad = invalid_value(arg)
        if not _is_finite(bad):
            context.problem(("arguments", name), _NOT_FINITE.format(what="invalid value", name=name))
        elif bad is not None:
            cases.append(InvalidArgument(name, literal(bad), invalid_message(name, arg, bad), type_rule(arg).error))
    return cases


def _sizes(first: tuple[int, ...], then: int) -> Iterator[int]:
    """The given sizes, then `then`, `then + 1`, ...: a run no other sequence uses."""
    yield from first
    yield from itertools.count(then)


def _scaled(value):
    """A constant's test value: its default, changed but of the same shape and kind."""
    if isinstance(value, list):
        return [_scaled(v) for v in value]
    if isinstance(value, bool):
        return value
    return value * 2 + 1
