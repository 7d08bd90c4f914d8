"""Sub-layers (`layers:`): the layers a composite layer holds, created the Keras way.

Each is created in `__init__` with the outer layer's dtype policy and its attribute name as
its name, built explicitly in `build` with the shapes the spec gives (so its weights exist
before a checkpoint loads), and rebuilt from the outer layer's own arguments by
`from_config` (its config is not in the outer config). A class is a `keras.layers` name,
a layer of this project (by its spec's `layer:` name) or a dotted import path the project
allows (`sublayer_classes`). Argument and build-parameter names are written as keyword
arguments, so each passes the names rule (`layergen.project.imports`), and each value is a
literal (`repr`) or reads an argument or constant of this layer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from layergen.analysis import expressions
from layergen.analysis.built_sublayers import (
    dimensions_in_arguments,
    reference_names,
    sized_by_input_code,
    sublayer_keras_object,
)
from layergen.analysis.context import ELLIPSIS, Context
from layergen.analysis.gates import check_gate
from layergen.analysis.shapes import names_in, output_shape_code, parse_expression, shape_items
from layergen.analysis.sublayer_classes import ResolvedClass, resolve_class
from layergen.project import imports as import_policy
from layergen.project.classes import BASE_LAYER_ARGUMENTS
from layergen.render import values
from layergen.render.model import Import, SubLayerModel
from layergen.spec.nested_lists import nested_shape
from layergen.spec.sections import SubLayerSpec
from layergen.spec.source import Path_

# Set by the generated code itself, and why.
_SET_BY_GENERATOR = {
    "name": "a sub-layer's name is its attribute's name",
    "dtype": "a sub-layer follows the outer layer's dtype policy",
}


def sublayer_models(context: Context) -> tuple[list[SubLayerModel], list[Import]]:
    """Each sub-layer's creation and build, and the imports the layer module needs."""
    models: list[SubLayerModel] = []
    imports: list[Import] = []
    for name, sub in context.spec.layers.items():
        path = ("layers", name)
        resolved = resolve_class(context, sub.class_, path + ("class",))
        if resolved is None:
            _check_keys(context, sub, path)  # what else can be known without the class
            continue
        imports += [item for item in resolved.imports if item not in imports]
        arguments = _arguments(context, sub, resolved, path)
        repeat = _repeat(context, sub, path)
        gate = check_gate(context, path + ("when",), sub.when)
        models.append(
            SubLayerModel(
                name=name,
                class_code=resolved.code,
                arguments=arguments,
                repeat=repeat,
                when=gate,
                build_args=_build_args(context, sub, resolved, path),
                in_build=bool(dimensions_in_arguments(context, sub)),
            )
        )
    return models, imports


def dimensions_used_by_sublayers(context: Context) -> list[str]:
    """The input dimensions the sub-layers' build shapes read."""
    used: list[str] = []
    for sub in context.spec.layers.values():
        used += [name for name in dimensions_in_arguments(context, sub) if name not in used]
        shapes = sub.build.values() if isinstance(sub.build, dict) else [sub.build or []]
        for shape in shapes:
            for item in shape:
                if isinstance(item, str) and item in ("batch", "..."):
                    continue
                try:
                    names = expressions.parse(item).names
                except expressions.ExpressionError:
                    continue  # reported by `sublayer_models`
                used += [n for n in names if n in context.dims and n not in used]
    return used


def _arguments(
    context: Context, sub: SubLayerSpec, resolved: ResolvedClass, path: Path_
) -> list[tuple[str, values.Code]]:
    """(parameter, value) for each constructor argument the spec gives."""
    arguments: list[tuple[str, values.Code]] = []
    for param, value in sub.arguments.items():
        where = path + ("arguments", param)
        if not _is_name(context, where, "argument", param):
            continue
        if param in _SET_BY_GENERATOR:
            context.problem(where, f"`{param}` is set by the generated code: {_SET_BY_GENERATOR[param]}")
            continue
        if resolved.params is not None and param not in resolved.params + BASE_LAYER_ARGUMENTS:
            context.unknown(where, f"argument of {sub.class_}", param, resolved.params, key=True)
            continue
        code = _value(context, value, where)
        if code is not None:
            arguments.append((param, code))
    return arguments


def _check_keys(context: Context, sub: SubLayerSpec, path: Path_) -> None:
    """The names rule for a sub-layer whose class cannot be used, so all its problems show."""
    for param in sub.arguments:
        _is_name(context, path + ("arguments", param), "argument", param)
    for param in sub.build if isinstance(sub.build, dict) else ():
        _is_name(context, path + ("build", param), "build parameter", param)


def _is_name(context: Context, path: Path_, what: str, name: str) -> bool:
    """Whether a key the generated code writes as a keyword argument passes the names rule."""
    problem = import_policy.name_problem(name)
    if problem:
        context.problem(path, f"{what} name {name!r} {problem}", key=True)
    return problem is None


def _value(context: Context, value: object, path: Path_) -> values.Code | None:
    """A literal, `$name` (an argument or constant), `$expression` over integer arguments
    and input dimensions, or a Keras object."""
    spec = context.spec
    if isinstance(value, str) and value.startswith("$"):
        text = value[1:].strip()
        if text in spec.arguments or text in spec.constants:
            return values.self_attribute(text)
        if any(name in context.dims for name in reference_names(value)):
            return sized_by_input_code(context, text, path)  # created in build (built_sublayers)
        return _integer_code(context, text, path, "argument or constant", list(spec.arguments) + list(spec.constants))
    if value is None or isinstance(value, (str, bool)) or nested_shape(value) is not None:
        return values.Literal(value, lists=True)
    if isinstance(value, list) and all(isinstance(v, (str, bool, int, float)) or v is None for v in value):
        return values.Literal(value, lists=True)
    if isinstance(value, dict):
        return sublayer_keras_object(context, str(path[-1]), value, path)
    context.problem(path, "expected a number, string, boolean, list, null, or `$argument`")
    return None


def _repeat(context: Context, sub: SubLayerSpec, path: Path_) -> values.Code | None:
    if sub.repeat is None:
        return None
    return _integer_code(context, sub.repeat, path + ("repeat",), "integer argument", context.sizing_arguments)


def _integer_code(
    context: Context, item: int | str, path: Path_, what: str, candidates: Iterable[str]
) -> values.Code | None:
    """An integer expression over integer arguments, reading their attributes."""
    try:
        names = expressions.parse(item).names
    except expressions.ExpressionError as exc:
        context.problem(path, str(exc))
        return None
    unknown = [n for n in names if n not in context.spec.arguments]
    if unknown:
        context.unknown(path, what, unknown[0], candidates)
        return None
    expression = parse_expression(context, item, path, allowed=context.sizing_arguments)
    if expression is None:
        return None
    return expression.to_code({n: values.self_attribute(n) for n in expression.names})


def _build_args(
    context: Context, sub: SubLayerSpec, resolved: ResolvedClass, path: Path_
) -> list[tuple[str | None, values.Code]]:
    """The arguments of its `build` call: one shape (by position), or shapes by build parameter."""
    if sub.build is None:
        return [(None, values.Name(context.inputs[0].shape_param) if context.inputs else values.Literal(None))]
    if isinstance(sub.build, list):
        return [(None, _shape(context, sub.build, path + ("build",)))]
    arguments: list[tuple[str | None, values.Code]] = []
    for param, shape in sub.build.items():
        where = path + ("build", param)
        if not _is_name(context, where, "build parameter", param):
            continue
        if resolved.build_params is not None and param not in resolved.build_params:
            context.unknown(where, f"build parameter of {sub.class_}", param, resolved.build_params, key=True)
            continue
        arguments.append((param, _shape(context, shape, where)))
    return arguments


def _shape(context: Context, shape: Sequence[int | str], path: Path_) -> values.Code:
    items = shape_items(context, shape, path, allow_new_dims=False)
    none = values.Literal(None)
    if not items:
        return none
    if ELLIPSIS in items and not any(i.ellipsis for i in context.inputs):
        context.problem(path, "`...` in a build shape needs an input shape with `...`")
        return none
    for name in names_in(items):
        if name not in context.dims and name not in context.sizing_arguments:
            return none  # reported by shape_items
    return output_shape_code(context, items)
