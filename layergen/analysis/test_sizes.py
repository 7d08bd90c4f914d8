"""The generated test's sizes: each input dimension's, each input's and output's concrete
shape, and a shape item's value with the test's arguments.

In: the spec (through the context) and the test's integer argument values. Out: a `Scope`
(name -> size), `TestInput`s and `TestOutput`s; a size that is not positive is a problem.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from layergen.analysis import expressions
from layergen.analysis.argument_types import stored_value
from layergen.analysis.context import BATCH, ELLIPSIS, Context, Input
from layergen.analysis.outputs import FLOAT, INPUT, Output
from layergen.analysis.test_budget import ELLIPSIS_SIZES, TEST_TENSOR_BUDGET, TestBudget, number_text
from layergen.records import replace
from layergen.render.model import TestInput, TestOutput
from layergen.spec.source import Path_

_TEST_DIMENSION_SIZES = (3, 5, 7, 11, 13, 17)
_TEST_ELLIPSIS_SIZES = ELLIPSIS_SIZES

# The test's value of each argument and dimension that sizes a shape: an int, or for an
# int_tuple argument the tuple the layer keeps (its items size shapes: `padding[0]`).
Scope = dict[str, Any]


def sizing_values(context: Context, values: Mapping[str, object]) -> Scope:
    """The test's argument values that can size a shape: integers, and int_tuple tuples."""
    scope: Scope = {}
    for name, value in values.items():
        arg = context.spec.arguments.get(name)
        if arg is not None and value is None and arg.none_means is not None:
            if arg.none_means in scope:  # None takes an earlier argument's value
                scope[name] = scope[arg.none_means]
        elif arg is not None and arg.type == "int_tuple":
            if value is not None:
                scope[name] = stored_value(arg, value)
        elif isinstance(value, int):
            scope[name] = value
    return scope


def dimension_sizes(context: Context) -> Scope:
    """The spec's test sizes of input dimensions, and distinct sizes for the others."""
    sizes = dict(context.spec.test.dimensions)
    for name in sizes:
        if name not in context.dims:
            context.unknown(("test", "dimensions", name), "dimension", name, context.dims)
    defaults = size_run(_TEST_DIMENSION_SIZES, then=60)
    for name in context.dims:
        sizes.setdefault(name, next(defaults))
    return sizes


def test_inputs(
    context: Context, scope: Scope, budget: TestBudget, items: list[Input] | None = None
) -> list[TestInput]:
    """The test's inputs (or those of `items`, the inputs call takes with a call argument)."""
    batch = context.spec.test.batch_size
    inputs = []
    for item in context.inputs if items is None else items:
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


def chosen_case(output: Output, values: Mapping[str, object]) -> Output:
    """The output with the shape of the `output_shapes` case the test's arguments choose."""
    case = output.case_for(values)
    if case is None:
        return output
    return replace(output, items=case.items, shape_path=case.shape_path)


def test_output(context: Context, output: Output, scope: Scope, inputs: list[TestInput]) -> TestOutput:
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


def weight_shape(context: Context, shape: Sequence[int | str], scope: Scope, path: Path_) -> tuple[int, ...]:
    sizes: list[int] = []
    for index, item in enumerate(shape):
        if item == ELLIPSIS:
            sizes.extend(_TEST_ELLIPSIS_SIZES)  # what the input with `...` holds there
        else:
            sizes.append(_size(context, item, scope, path + (index,)))
    return tuple(sizes)


def _size(context: Context, item: int | str | expressions.Expression, scope: Scope, path: Path_) -> int:
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


def size_run(first: tuple[int, ...], then: int) -> Iterator[int]:
    """The given sizes, then `then`, `then + 1`, ...: a run no other sequence uses."""
    yield from first
    yield from itertools.count(then)
