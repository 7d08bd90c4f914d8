"""The weights of a layer computed from its spec, without Keras: for `layergen show`.

A generated layer makes its own weights exactly as its spec says (shapes from arguments and
input dimensions, a gate's `when`, the role's trainability), and a sub-layer of the
project's own classes does the same from its spec. So their list, in the order of
`layer.weights` (own trainable, own non-trainable, then each sub-layer's), follows from the
specs. A sub-layer of a Keras class or of an imported module makes weights only Keras
knows: `NeedsKeras` says so, and `layergen show` builds the layer in a fresh process instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Protocol, TypeGuard, cast

from layergen.analysis import expressions
from layergen.records import frozen_record
from layergen.spec.sections import LayerSpec

ELLIPSIS, BATCH = "...", "batch"
FLOAT_VARIABLE_DTYPE = "float32"  # the variable dtype of Keras's default policy (and of mixed_float16)


# The fields whose effect on the weights this module knows. A spec that sets another (a
# newer spec feature) is built by Keras instead, which cannot get its weights wrong.
_KNOWN_FIELDS = {
    "weight": {"shape", "role", "initializer", "regularizer", "constraint", "dtype", "initial_value", "renamed_from"}
    | {"layout", "shared_axes", "when", "doc"},
    "sub-layer": {"class_", "arguments", "build", "repeat", "when"},
    "input": {"shape", "dtype", "min", "max", "doc"},
}


class _Fields(Protocol):
    model_fields_set: set[str]  # the fields a spec's entry sets


class NeedsKeras(Exception):
    """Something about the weights that only Keras can say (the reason is the message)."""


@frozen_record
class PlannedWeight:
    path: str
    shape: tuple[int, ...]
    dtype: str
    role: str  # trainable, frozen or state
    trainable: bool


Values = dict[str, object]  # argument and constant name -> its value (a YAML value)
Scope = dict[str, int]  # integer argument or input dimension -> its size
Shape = tuple[int | None, ...]  # an input's shape, batch first

# Class name -> the spec of the project's layer of that name (None: not one of the project's).
SpecFinder = Callable[[str], LayerSpec | None]


def planned_weights(
    spec: LayerSpec, arguments: Values, shapes: list[Shape], find_spec: SpecFinder
) -> list[PlannedWeight]:
    """The weights `layer.weights` lists for the layer of `spec`, made with `arguments`
    (those given; defaults fill the rest) and built with `shapes` (one per input, batch first)."""
    _check_known(spec)
    values: Values = {name: arg.default for name, arg in spec.arguments.items() if not arg.required}
    values.update({name: constant.value for name, constant in spec.constants.items()})
    values.update(arguments)
    scope: Scope = {name: value for name, value in values.items() if _is_int(value)}
    ellipsis = _bind_dimensions(spec, shapes, scope)
    own = [
        _weight(spec, name, values, scope, ellipsis)
        for name, weight in spec.weights.items()
        if _exists(weight.when, values)
    ]
    weights = [w for w in own if w.trainable] + [w for w in own if not w.trainable]
    for name, sub in spec.layers.items():
        if not _exists(sub.when, values):
            continue
        sub_spec = find_spec(sub.class_) if "." not in sub.class_ else None
        if sub_spec is None:
            raise NeedsKeras(f"sub-layer {name!r} is a {sub.class_}, whose weights only Keras knows")
        sub_arguments = {param: _value(value, values, scope) for param, value in sub.arguments.items()}
        build_shape = _build_shape(sub.build, shapes, scope, ellipsis)
        count = None if sub.repeat is None else _size(sub.repeat, scope)
        names = [name] if count is None else [f"{name}_{index}" for index in range(count)]
        for layer_name in names:
            for weight in planned_weights(sub_spec, sub_arguments, [build_shape], find_spec):
                weights.append(_under(layer_name, weight))
    return weights


def _check_known(spec: LayerSpec) -> None:
    parts: list[tuple[str, Mapping[str, _Fields]]] = [
        ("weight", spec.weights),
        ("sub-layer", spec.layers),
        ("input", spec.inputs),
    ]
    for kind, entries in parts:
        for name, entry in entries.items():
            unknown = set(entry.model_fields_set) - _KNOWN_FIELDS[kind]
            if unknown:
                raise NeedsKeras(f"{kind} {name!r} sets {sorted(unknown)}, which layergen show leaves to Keras")


def _weight(spec: LayerSpec, name: str, values: Values, scope: Scope, ellipsis: tuple[int, ...]) -> PlannedWeight:
    weight = spec.weights[name]
    shape: list[int] = []
    for item in weight.shape or []:
        if item == ELLIPSIS:
            shape.extend(ellipsis)
        else:
            shape.append(_size(item, scope))
    if weight.shared_axes is not None:
        # As the generated build does: input axis `axis` is item `axis - offset` of the shape.
        offset = _ellipsis_start(spec) - (weight.shape or []).index(ELLIPSIS)
        for axis in cast("list[int]", values.get(weight.shared_axes) or ()):  # the analysis checked it
            shape[axis - offset] = 1
    dtype = weight.dtype or FLOAT_VARIABLE_DTYPE
    return PlannedWeight(name, tuple(shape), dtype, weight.role, weight.role == "trainable")


def _under(layer_name: str, weight: PlannedWeight) -> PlannedWeight:
    return PlannedWeight(f"{layer_name}/{weight.path}", weight.shape, weight.dtype, weight.role, weight.trainable)


def _bind_dimensions(spec: LayerSpec, shapes: list[Shape], scope: Scope) -> tuple[int, ...]:
    """Put each input dimension's size in `scope`; the sizes the `...` of an input covers."""
    if len(shapes) != len(spec.inputs):
        raise NeedsKeras("the layer takes another number of inputs")
    covered: Shape = ()
    for item, shape in zip(spec.inputs.values(), shapes, strict=True):
        tokens = item.shape
        if ELLIPSIS in tokens:
            start = tokens.index(ELLIPSIS)
            after = len(tokens) - start - 1
            if len(shape) < len(tokens) - 1:
                raise NeedsKeras("an input shape has fewer axes than the spec's")
            covered = tuple(shape[start : len(shape) - after])
            pairs = list(zip(tokens[:start], shape[:start], strict=True))
            pairs += list(zip(tokens[start + 1 :], shape[len(shape) - after :], strict=True))
        elif len(shape) != len(tokens):
            raise NeedsKeras("an input shape has another number of axes than the spec's")
        else:
            pairs = list(zip(tokens, shape, strict=True))
        for token, size in pairs:
            is_dimension = isinstance(token, str) and token.isidentifier() and token != BATCH
            if is_dimension and (size is None or scope.setdefault(str(token), size) != size):
                raise NeedsKeras(f"dimension {token!r} is unknown or has two sizes")
    if any(size is None for size in covered):
        raise NeedsKeras("an axis under `...` has no size")
    return cast("tuple[int, ...]", covered)


def _ellipsis_start(spec: LayerSpec) -> int:
    (item,) = spec.inputs.values()  # the analysis allows `...` in a weight shape with one input only
    return item.shape.index(ELLIPSIS)


def _build_shape(build: object, shapes: list[Shape], scope: Scope, ellipsis: tuple[int, ...]) -> Shape:
    """The shape a sub-layer is built with: the spec's `build`, or the first input's shape."""
    if build is None:
        return tuple(shapes[0])
    if not isinstance(build, list):
        raise NeedsKeras("a sub-layer is built with several shapes")
    shape: list[int | None] = []
    for item in build:
        if item == BATCH:
            shape.append(shapes[0][0])
        elif item == ELLIPSIS:
            shape.extend(ellipsis)
        else:
            shape.append(_size(item, scope))
    return tuple(shape)


def _value(value: object, values: Values, scope: Scope) -> object:
    """A sub-layer's argument: a literal, `$name`, or `$expression` over integer arguments."""
    if isinstance(value, str) and value.startswith("$"):
        text = value[1:].strip()
        return values[text] if text in values else _size(text, scope)
    return value


def _size(item: int | str, scope: Scope) -> int:
    try:
        return expressions.parse(item).evaluate(scope)
    except (expressions.ExpressionError, KeyError, ZeroDivisionError) as exc:
        raise NeedsKeras(f"cannot size {item!r}: {exc}") from None


def _exists(gate: bool | str | None, values: Values) -> bool:
    """Whether a `when:` (a bool argument's name, or a condition over arguments) holds."""
    if gate is None:
        return True
    try:
        return bool(expressions.evaluate_condition(expressions.parse_condition(gate), values))
    except (expressions.ExpressionError, KeyError, TypeError) as exc:
        raise NeedsKeras(f"cannot decide `when: {gate}`: {exc}") from None


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)
