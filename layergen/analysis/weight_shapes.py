"""Weights whose shape follows a condition (`shapes:`), as keras.layers.GRUCell's bias is
`(2, 3 * units)` with `reset_after` and `(3 * units,)` without: a list of cases, each a
`shape` under a `when` condition, the last one without (it applies otherwise). `build` tests
the conditions in order and sets `<weight>_shape`, then makes the weight with it."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from layergen.analysis import expressions
from layergen.analysis.context import ELLIPSIS, Context
from layergen.analysis.input_conditions import InputCondition, read_condition
from layergen.analysis.shapes import parse_expression
from layergen.records import frozen_record, replace
from layergen.render.model import CaseShape, TestSetting
from layergen.render.values import Code, Name, self_attribute, tuple_of
from layergen.spec.sections import WeightSpec
from layergen.spec.source import Path_

# Fields that fix a weight's shape in another way: a weight with `shapes` has none of them.
_EXCLUSIVE = ("axes", "shared_axes", "layout", "initial_value")


@frozen_record
class WeightShape:
    """What `build` runs for a weight with `shapes`, and the shape in the spec's names."""

    code: Name  # `bias_shape`
    canonical: tuple[str, ...]  # every case, in the spec's names: what checkpoint changes compare
    setup: CaseShape  # the cases that set `<weight>_shape`


def has_cases(weight: WeightSpec) -> bool:
    return weight.shapes is not None


def check_one_form(context: Context, name: str, weight: WeightSpec) -> bool:
    """A weight gives `shape` or `shapes`, one of them; False (with the problem) otherwise."""
    path = ("weights", name)
    if weight.shape is None and weight.shapes is None:
        context.problem(path, "missing required field 'shape' (or `shapes`, for a shape that follows a condition)")
        return False
    if weight.shape is not None and weight.shapes is not None:
        context.problem(path + ("shapes",), "give `shape` or `shapes`, not both", key=True)
        return False
    return True


def case_weight_shape(context: Context, name: str, weight: WeightSpec, path: Path_) -> WeightShape:
    """The `build` code of a weight with `shapes`; problems for misuse."""
    for field in _EXCLUSIVE:
        if getattr(weight, field) is not None:
            context.problem(path + (field,), f"a weight with `shapes` has no `{field}`", key=True)
    names = context.sizing_arguments | set(context.dims)
    code_names: dict[str, Code] = {n: (self_attribute(n) if n in context.spec.arguments else Name(n)) for n in names}
    branches: list[tuple[Code | None, Code]] = []  # (condition, shape)
    canonical: list[str] = []
    cases = weight.shapes or []
    for index, case in enumerate(cases):
        case_path = path + ("shapes", index)
        condition = _case_condition(context, case_path, case.when, last=index == len(cases) - 1)
        items = _case_items(context, case.shape, case_path + ("shape",), names)
        branches.append((condition.code if condition else None, tuple_of(*(i.to_code(code_names) for i in items))))
        spelled = "[" + ", ".join(item.text for item in items) + "]"
        canonical.append(f"{spelled} if {condition.expression.text}" if condition else spelled)
    variable = f"{name}_shape"
    return WeightShape(Name(variable), tuple(canonical), CaseShape(variable, tuple(branches)))


def _case_condition(context: Context, path: Path_, when: bool | str | None, *, last: bool) -> InputCondition | None:
    if when is None and not last:
        context.problem(path, "every case but the last needs `when` (the last applies otherwise)")
    elif when is not None and last:
        context.problem(path + ("when",), "the last case applies otherwise: it has no `when`")
    elif when is not None:
        return read_condition(context, path + ("when",), when)
    return None


def _case_items(
    context: Context, shape: list[int | str], path: Path_, names: frozenset[str] | set[str]
) -> list[expressions.Expression]:
    items = []
    for index, item in enumerate(shape):
        if item == ELLIPSIS:
            context.problem(path + (index,), "a case of `shapes` has a fixed rank: no `...`")
            continue
        expression = parse_expression(context, item, path + (index,), allowed=names)
        if expression is not None:
            items.append(expression)
    return items


def chosen_shape(weight: WeightSpec, values: Mapping[str, object]) -> list[int | str]:
    """The shape the values (the test's arguments and input) choose: the first case whose
    condition holds; a condition that fails for them is reported where it is checked."""
    if not weight.shapes:
        return weight.shape or []
    for case in weight.shapes:
        if case.when is None:
            return case.shape
        try:
            if expressions.evaluate_condition(expressions.parse_condition(case.when), values):
                return case.shape
        except expressions.ExpressionError:
            continue
    return weight.shapes[-1].shape


def shape_condition_arguments(context: Context) -> list[str]:
    """The bool arguments the weights' shape conditions read, in order of first use: the
    test keeps each at its default, and a subclass flips it."""
    names: list[str] = []
    for weight in context.spec.weights.values():
        for case in weight.shapes or []:
            try:
                parsed = expressions.parse_condition(case.when) if case.when is not None else None
            except expressions.ExpressionError:
                continue
            for name in parsed.names if parsed is not None else []:
                argument = context.spec.arguments.get(name)
                if argument is not None and argument.type == "bool" and name not in names:
                    names.append(name)
    return names


def case_settings(
    context: Context,
    settings: list[TestSetting],
    values: Mapping[str, object],
    sizes: Callable[[list[int | str]], tuple[int, ...]],
) -> list[TestSetting]:
    """The test's settings, each with the shapes of the weights with `shapes` where they are
    not the test's own; then one more per bool argument those shapes read, flipped alone,
    where that changes a shape (`reset_after=False`)."""
    weights = {name: weight for name, weight in context.spec.weights.items() if has_cases(weight)}
    if not weights:
        return settings

    def shapes(chosen: Mapping[str, object]) -> list[tuple[str, tuple[int, ...]]]:
        return [(name, sizes(chosen_shape(weight, chosen))) for name, weight in weights.items()]

    base = shapes(values)
    result = []
    for setting in settings:
        changed = shapes({**values, setting.gate: setting.value})
        result.append(replace(setting, weight_shapes=changed if changed != base else None))
    flipped = {setting.gate for setting in settings}
    for name in shape_condition_arguments(context):
        if name in flipped or not isinstance(values.get(name), bool):
            continue
        value = not values[name]
        changed = shapes({**values, name: value})
        if changed != base:
            suffix = "With" + "".join(part.capitalize() for part in name.split("_")) + str(value)
            result.append(TestSetting(suffix, name, value, [], changed))
    return result
