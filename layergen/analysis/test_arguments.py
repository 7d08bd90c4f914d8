"""The generated test's argument values: what it passes to the constructor and expects in
the config, for the spec's arguments, constants and the arguments layergen adds, and the
invalid value `__init__` must refuse for each argument that has one.

In: the spec (through the context) and the test's sizes. Out: `ArgumentValues` and
`InvalidArgument`s; problems (a value that does not fit, one not finite) go to the context.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from layergen.analysis.argument_checks import invalid_case_message, invalid_cases
from layergen.analysis.argument_types import other_value, requirement, sample_value, value_fits
from layergen.analysis.context import Context
from layergen.analysis.given_constants import integer_dtype
from layergen.analysis.randomness import SEED, SEED_SPEC
from layergen.analysis.test_budget import TestBudget, check_literal
from layergen.analysis.test_sizes import Scope, size_run, weight_shape
from layergen.analysis.test_values import INVALID, generated_arguments, keras_object_value
from layergen.records import field, record
from layergen.render.model import InvalidArgument
from layergen.render.values import Code, Literal
from layergen.spec.nested_lists import nested_shape

# Concrete sizes for the generated test when the spec gives none: distinct from each
# other and from the batch (2), so that a transposed shape cannot pass by accident.
_TEST_ARGUMENT_SIZES = (4, 6, 8, 9, 10, 12)
NOT_FINITE = "the generated test's {what} for {name!r} is not a finite number; use `min`, `max` or values nearer zero"


@record
class ArgumentValues:
    values: dict[str, object] = field(default_factory=dict)  # each argument's value in the test
    init_kwargs: list[tuple[str, Code]] = field(default_factory=list)  # (name, the value passed)
    constant_shapes: dict[str, tuple[int, ...]] = field(default_factory=dict)  # a shaped constant's test shape

    def passed(self, name: str, value: object) -> None:
        """An argument the test passes to the constructor (and so expects in the config)."""
        self.init_kwargs.append((name, Literal(value)))


def argument_values(context: Context, gates: set[str]) -> ArgumentValues:
    """The spec's test values; otherwise a sample for a required argument and a value other
    than the default for an optional one, so that a config that forgets it shows. A gate
    keeps its default: the subclass that flips it shows a config that forgets it."""
    spec = context.spec
    given = dict(spec.test.arguments)
    result = ArgumentValues()
    sizes = size_run(_TEST_ARGUMENT_SIZES, then=40)
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
        if not is_finite(value):
            context.problem(path, NOT_FINITE.format(what="value", name=name))
            continue
        result.values[name] = value
        result.passed(name, value)
    _generated_values(context, given, result)
    _constant_values(context, given, result)
    return result


def _generated_values(context: Context, given: dict[str, object], result: ArgumentValues) -> None:
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


def _constant_values(context: Context, given: dict[str, object], result: ArgumentValues) -> None:
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
        if not is_finite(value):
            context.problem(("constants", name, "value"), NOT_FINITE.format(what="value", name=name))
            continue
        result.passed(name, value)


def shaped_constants(context: Context, arguments: ArgumentValues, scope: Scope, budget: TestBudget) -> None:
    """The test value of each constant with a declared shape: the spec's (a number, or numbers
    of that shape), or distinct numbers of that shape, so that a value that is only
    broadcast, or that loses its order, shows. Its size is checked before it is made: `call`
    broadcasts it to a tensor of that shape, and distinct numbers are written into the test."""
    for name, constant in context.spec.constants.items():
        if constant.shape is None:
            continue
        path = ("test", "arguments", name)
        shape_path = ("constants", name, "shape")
        shape = arguments.constant_shapes[name] = weight_shape(context, constant.shape, scope, shape_path)
        dtype = None if constant.dtype == "float" else constant.dtype
        if not budget.tensor(f"constant {name!r}", shape, dtype, shape_path):
            continue
        value = context.spec.test.arguments.get(name)
        if value is None:
            if not check_literal(context, name, shape, shape_path):
                continue
            value = _distinct_numbers(_scaled(1.0 if constant.value is None else constant.value), shape)
            if constant.value is None and integer_dtype(constant):
                value = _distinct_numbers(3, shape, step=1)  # integers, as `__init__` asks
        elif nested_shape(value) not in ([], list(shape)):
            context.problem(path, f"a test value of constant {name!r} is a number or numbers of shape {shape}")
            continue
        arguments.passed(name, value)


def _distinct_numbers(start: float, shape: tuple[int, ...], step: float = 0.5) -> object:
    """Nested lists of shape `shape` holding start, start + step, start + 2 * step, ..."""
    counter = itertools.count()

    def fill(dims: tuple[int, ...]) -> object:
        if not dims:
            return start + step * next(counter)
        return [fill(dims[1:]) for _ in range(dims[0])]

    return fill(shape)


def is_finite(value: object) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list | tuple):
        return all(is_finite(v) for v in value)
    return True


def invalid_arguments(context: Context) -> list[InvalidArgument]:
    """A value `__init__` must refuse for each argument that has one, and the message."""
    cases = []
    arguments = dict(context.spec.arguments)
    if context.spec.random:
        arguments[SEED] = SEED_SPEC
    for name, arg in arguments.items():
        for bad, error in invalid_cases(arg):
            if not is_finite(bad):
                context.problem(("arguments", name), NOT_FINITE.format(what="invalid value", name=name))
            else:
                cases.append(InvalidArgument(name, Literal(bad), invalid_case_message(name, arg, bad, error), error))
    return cases


def _scaled(value: Any) -> Any:
    """A constant's test value: its default, changed but of the same shape and kind."""
    if isinstance(value, list):
        return [_scaled(v) for v in value]
    if isinstance(value, bool):
        return value
    return value * 2 + 1
