"""Weights whose initial value is made in parts along an axis (`initializer_parts:`), as
keras.layers.LSTMCell's bias with `unit_forget_bias`: the user's `bias_initializer` for the
first `units` entries, ones for the next `units`, the user's initializer for the rest.

Each part has a size (an expression over integer arguments and input dimensions) and an
initializer: the weight's own initializer argument (the default), or a Keras initializer the
spec names. Under `when` (a condition over bool arguments) the parts are used only when it
holds, else the weight's initializer makes the whole value. `build` defines a function that
concatenates the parts and passes it to `add_weight`; the initializer argument stays what the
user passed, so `get_config` saves it unchanged.

In: a weight's spec. Out: an `InitializerPartsModel` for `build`, and for the generated test
where the weight's own initializer makes its value (`TestInitializerParts`). Problems: a part
size or condition outside the grammar, an unknown initializer, an axis out of range, sizes
that do not add up to the weight's size on the axis (with the test's sizes, and twice them).
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping

from layergen.analysis import expressions
from layergen.analysis.conditions import argument_condition
from layergen.analysis.context import ELLIPSIS, Context
from layergen.analysis.gates import check_gate
from layergen.analysis.keras_objects import keras_object, resolve_keras_name
from layergen.analysis.shapes import parse_expression
from layergen.render.model import InitializerPartsModel, TestInitializerParts
from layergen.render.values import Call, Code, Name, self_attribute, tuple_of
from layergen.spec.sections import InitializerParts, WeightSpec
from layergen.spec.source import Path_
from layergen.spec.weight_arguments import argument_name

# Fields that make a weight's shape or first value in another way: the parts need a shape
# of known rank, written item by item, and nothing else giving the value.
_EXCLUSIVE = ("shapes", "axes", "shared_axes", "initial_value")


def initializer_parts_model(
    context: Context, name: str, weight: WeightSpec, initializer: str, *, in_build: bool
) -> InitializerPartsModel | None:
    """What `build` makes the weight's value with; None (with the problems) on misuse.
    `initializer`: the weight's initializer argument; `in_build`: its default is built in
    `build` (it reads the input's size), which parts cannot take."""
    spec = weight.initializer_parts
    if spec is None:
        return None
    path = ("weights", name, "initializer_parts")
    if not _fits_the_weight(context, weight, path, in_build=in_build):
        return None
    rank = len(weight.shape or [])
    axis = _axis(context, spec, rank, path)
    names = context.sizing_arguments | set(context.dims)
    shape = _weight_items(weight, names)
    code_names: dict[str, Code] = {n: (self_attribute(n) if n in context.spec.arguments else Name(n)) for n in names}
    function = initializer  # build's function has the argument's name, as in Keras's LSTMCell
    if function in context.dims:
        context.problem(path, f"dimension name {function!r} is the name build gives the weight's initializer in parts")
    parts: list[tuple[Code, Code]] = []
    for index, part in enumerate(spec.parts):
        part_path = path + ("parts", index)
        size = parse_expression(context, part.size, part_path + ("size",), allowed=names)
        made_by = _part_initializer(context, part.initializer, initializer, part_path + ("initializer",))
        if size is None or made_by is None or axis is None or shape is None:
            continue
        items = [item.to_code(code_names) for item in shape]
        items[axis] = size.to_code(code_names)
        parts.append((made_by, tuple_of(*items)))
    condition = _condition(context, spec.when, path + ("when",)) if spec.when is not None else None
    if axis is None or len(parts) != len(spec.parts) or (spec.when is not None and condition is None):
        return None
    return InitializerPartsModel(function, Name(f"self.{initializer}"), axis, tuple(parts), condition)


def parts_doc(weight: WeightSpec) -> str:
    """What the initializer argument's docstring entry adds: where the parts come from."""
    spec = weight.initializer_parts
    if spec is None:
        return ""
    parts = []
    for part in spec.parts:
        if part.initializer is None:
            made_by = "this initializer"
        else:
            made_by = f"`{part.initializer if isinstance(part.initializer, str) else part.initializer.get('name')}`"
        parts.append(f"`{part.size}` from {made_by}")
    condition = "" if spec.when is None else f"When `{spec.when.strip()}` holds, t"
    return f"{condition or 'T'}he value is made in parts along axis {spec.axis}: {', '.join(parts)}."


def _fits_the_weight(context: Context, weight: WeightSpec, path: Path_, *, in_build: bool) -> bool:
    """The weight has a plain `shape` without `...`, and an initializer its parts can call."""
    fits = True
    for field in _EXCLUSIVE:
        if getattr(weight, field) is not None:
            context.problem(path, f"a weight with `initializer_parts` has no `{field}`", key=True)
            fits = False
    if weight.shape is not None and ELLIPSIS in weight.shape:
        context.problem(path, "a weight with `initializer_parts` has a fixed rank: no `...` in its shape", key=True)
        fits = False
    if in_build:
        context.problem(
            path,
            "a weight with `initializer_parts` needs an initializer that does not read the input's size",
            key=True,
        )
        fits = False
    return fits and weight.shape is not None


def _axis(context: Context, spec: InitializerParts, rank: int, path: Path_) -> int | None:
    """The axis, counted from the start; None (and a problem) when the weight has no such axis."""
    if not isinstance(spec.axis, int) or not -rank <= spec.axis < rank:
        context.problem(
            path + ("axis",), f"axis {spec.axis} is out of range for a weight of rank {rank} ({-rank} to {rank - 1})"
        )
        return None
    return spec.axis % rank


def _weight_items(weight: WeightSpec, names: Collection[str]) -> list[expressions.Expression] | None:
    """The weight's shape items parsed; None where one is not a shape item over `names` (a
    problem of the shape, reported there)."""
    try:
        items = [expressions.parse(item) for item in weight.shape or []]
    except expressions.ExpressionError:
        return None
    return items if all(name in names for item in items for name in item.names) else None


def _part_initializer(context: Context, value: object, own: str, path: Path_) -> Code | None:
    """What makes the part: the weight's own initializer (`self.<argument>`), a Keras
    initializer built from its name, or one built from a mapping; None (and a problem) if unknown."""
    if value is None:
        return Name(f"self.{own}")
    if isinstance(value, str):
        cls = resolve_keras_name(context, "initializer", value, path)
        return None if cls is None else Call(cls.qualified_name)
    params = dict(value) if isinstance(value, dict) else {}
    object_name = params.pop("name", None)
    if not isinstance(object_name, str):
        context.problem(path, "an initializer mapping needs `name`, e.g. {name: constant, value: 1.0}")
        return None
    cls = resolve_keras_name(context, "initializer", object_name, path + ("name",))
    if cls is None:
        return None
    problems = len(context.problems)
    made, _ = keras_object(context, cls, params, path)
    return made if len(context.problems) == problems else None


def _condition(context: Context, text: str, path: Path_) -> Code | None:
    """The condition over bool arguments, as `build` tests it; None (and a problem) otherwise."""
    code = argument_condition(context, path, text)
    if code is None:
        return None
    for name in expressions.parse_condition(text).names:
        if check_gate(context, path, name) is None:
            return None
    return code


def initializer_parts_cases(
    context: Context, gates: Mapping[str, str], values: Mapping[str, object], scope: Mapping[str, int]
) -> list[TestInitializerParts]:
    """For each weight with parts: where along the axis its own initializer makes its value
    with the test's sizes, and the arguments that turn the parts on and off (with the weight
    present). The sizes must add up to the weight's size on the axis, with the test's sizes
    and with twice them."""
    cases = []
    for name, weight in context.spec.weights.items():
        spec = weight.initializer_parts
        if spec is None or weight.shape is None or not -len(weight.shape) <= spec.axis < len(weight.shape):
            continue
        path = ("weights", name, "initializer_parts")
        sizes = _sizes(context, weight, spec, scope, path)
        if sizes is None or not _add_up(context, weight, spec, {k: 2 * v for k, v in scope.items()}, path):
            continue
        starts = list(itertools.accumulate(sizes, initial=0))
        own = tuple((starts[i], starts[i + 1]) for i, part in enumerate(spec.parts) if part.initializer is None)
        switches = _switches(spec.when, gates.get(name), values)
        if switches is None:
            continue
        if not switches:
            context.problem(path + ("when",), "the parts are never used: `when` never holds where the weight exists")
            continue
        argument = argument_name(name, "initializer")
        cases.append(TestInitializerParts(name, argument, spec.axis % len(weight.shape), own, *switches))
    return cases


def _sizes(
    context: Context, weight: WeightSpec, spec: InitializerParts, scope: Mapping[str, int], path: Path_
) -> list[int] | None:
    """The parts' sizes with the test's sizes; None (and a problem) where they do not add up."""
    if not _add_up(context, weight, spec, scope, path):
        return None
    sizes = []
    for index, part in enumerate(spec.parts):
        try:
            sizes.append(expressions.parse(part.size).evaluate(dict(scope)))
        except ZeroDivisionError:
            shown = _shown(scope, [part.size])
            context.problem(path + ("parts", index, "size"), f"divides by zero with the test sizes {shown}")
            return None
        except (expressions.ExpressionError, KeyError):  # reported where the size is read
            return None
    for index, size in enumerate(sizes):
        if size < 0:
            shown = _shown(scope, [spec.parts[index].size])
            context.problem(path + ("parts", index, "size"), f"is {size} with the test sizes {shown}")
            return None
    return sizes


def _add_up(
    context: Context, weight: WeightSpec, spec: InitializerParts, scope: Mapping[str, int], path: Path_
) -> bool:
    """Whether the parts' sizes add up to the weight's size on the axis with these sizes; a
    problem when they do not. True where either cannot be computed (reported elsewhere)."""
    try:
        total = sum(expressions.parse(part.size).evaluate(dict(scope)) for part in spec.parts)
        item = expressions.parse((weight.shape or [])[spec.axis])
        length = item.evaluate(dict(scope))
    except (expressions.ExpressionError, KeyError, ZeroDivisionError, IndexError):
        return True
    if total == length:
        return True
    spelled = " + ".join(str(part.size) for part in spec.parts)
    used = _shown(scope, [part.size for part in spec.parts] + [(weight.shape or [])[spec.axis]])
    context.problem(
        path + ("parts",),
        f"the parts' sizes add up to {spelled} = {total}, not the weight's size on axis {spec.axis}, "
        f"{item.canonical} = {length} (with {used})",
    )
    return False


def _shown(scope: Mapping[str, int], items: list[int | str]) -> dict[str, int]:
    """The sizes these shape items read, as a message shows them."""
    names = [name for item in items for name in expressions.parse(item).names]
    return {name: scope[name] for name in dict.fromkeys(names) if name in scope}


def _switches(
    when: str | None, gate: str | None, values: Mapping[str, object]
) -> tuple[dict[str, bool], dict[str, bool] | None] | tuple[()] | None:
    """Bool argument values (the fewest changed from the test's) under which the weight exists
    and the parts are used, and under which it exists and they are not (None without `when`);
    () where the parts are never used; None where a condition cannot be computed (reported
    where it is read)."""
    if when is None:
        return {}, None
    try:
        condition = expressions.parse_condition(when)
        gate_condition = expressions.parse_condition(gate) if gate is not None else None
    except expressions.ExpressionError:
        return None
    names = [n for n in condition.names + (gate_condition.names if gate_condition else []) if n in values]
    names = list(dict.fromkeys(n for n in names if isinstance(values[n], bool)))
    found: dict[bool, dict[str, bool]] = {}
    for flips in range(len(names) + 1):
        for flipped in itertools.combinations(names, flips):
            setting = {n: (not values[n]) if n in flipped else bool(values[n]) for n in names}
            chosen = {**values, **setting}
            try:
                exists = gate_condition is None or bool(expressions.evaluate_condition(gate_condition, chosen))
                holds = bool(expressions.evaluate_condition(condition, chosen))
            except expressions.ExpressionError:
                return None
            if exists:
                found.setdefault(holds, setting)
    if True not in found:
        return ()  # the parts are never used
    return found[True], found.get(False)
