"""Weights: shape, dtype and role of each, the initializer / regularizer / constraint
arguments each adds (as Keras's built-in layers do), and the earlier names old checkpoints
use (`renamed_from`)."""

from __future__ import annotations

from layergen.analysis.context import Context
from layergen.analysis.declared_shapes import axes_weight_shape, ellipsis_weight_shape, follows_input
from layergen.analysis.gates import gate_code, gate_reads_input
from layergen.analysis.initializer_parts import initializer_parts_model, parts_doc
from layergen.analysis.input_sized_values import reads_input
from layergen.analysis.keras_objects import keras_object, resolve_keras_name
from layergen.analysis.shapes import parse_expression
from layergen.analysis.weight_shapes import case_weight_shape, check_one_form, has_cases
from layergen.records import frozen_record
from layergen.render.model import AxesShape, CaseShape, ConstructorArg, SharedAxesShape, WeightModel
from layergen.render.values import Code, Literal, Name, self_attribute, tuple_of
from layergen.spec.sections import WeightSpec
from layergen.spec.source import Path_
from layergen.spec.weight_arguments import KINDS, argument_kinds, argument_name


def weight_models(context: Context, gates: dict[str, str]) -> tuple[list[ConstructorArg], list[WeightModel]]:
    """Each weight, and the constructor arguments that configure it; `gates`: weight -> the
    bool argument it exists under."""
    args: list[ConstructorArg] = []
    weights = []
    for name, weight in context.spec.weights.items():
        path = ("weights", name)
        if not check_one_form(context, name, weight):
            continue
        shape = _shape(context, name, weight, path)
        dtype = _dtype(context, weight, path)
        weight_args = _weight_args(context, name, weight, path)
        args += weight_args
        by_kind = {arg.keras_kind: arg.name for arg in weight_args}
        in_build = None
        if reads_input(context, weight.initializer):  # made in build, where the input's size is known
            in_build, weight_args[0].fallback = weight_args[0].fallback, None
        if weight.initial_value is not None:
            _check_initial_value(context, weight.initial_value, weight, path)
        parts = initializer_parts_model(context, name, weight, by_kind["initializer"], in_build=in_build is not None)
        if parts is not None:
            weight_args[0].doc += " " + parts_doc(weight)
        weights.append(
            WeightModel(
                name=name,
                role=weight.role,
                shape=shape.code,
                shape_setup=shape.setup,
                initializer=by_kind["initializer"],
                initializer_in_build=in_build,
                initializer_parts=parts,
                initial_value=weight.initial_value,
                regularizer=by_kind.get("regularizer"),
                constraint=by_kind.get("constraint"),
                dtype=dtype,
                checkpoint_shape=shape.canonical,
                earlier_names=weight.earlier_names,
                gate=gate_code(context, gates[name]) if name in gates else None,
                # Read from the input's shape: `...`, `axes`, the cases' conditions, or the gate's.
                reads_input=shape.setup is not None
                or follows_input(weight)
                or (name in gates and gate_reads_input(context, gates[name])),
                autocast=weight.autocast,
                adapted=name in context.spec.adapt,
            )
        )
    return keras_order(args), weights


def keras_order(args: list[ConstructorArg]) -> list[ConstructorArg]:
    """The weights' arguments in Keras's order: every initializer, then every regularizer,
    then `activity_regularizer` (when the layer has a trainable weight), then every
    constraint, as in keras.layers.Dense's signature."""
    by_kind = {kind: [a for a in args if a.keras_kind == kind] for kind in KINDS}
    activity = [_ACTIVITY_REGULARIZER] if by_kind["regularizer"] else []
    return by_kind["initializer"] + by_kind["regularizer"] + activity + by_kind["constraint"]


# Passed on to keras.layers.Layer, which keeps it as `self.activity_regularizer` and adds its
# loss for each output; saved in the config by the layer itself (so its signature and config
# agree), as Keras's Dense takes it.
_ACTIVITY_REGULARIZER = ConstructorArg(
    name="activity_regularizer",
    default=Literal(None),
    doc="Regularizer function applied to the output of the layer (its activation). Defaults to `None`.",
    to_base=True,
    keras_kind="regularizer",
)


@frozen_record
class _Shape:
    """A weight's shape as `build` makes it, and as the spec's names write it."""

    code: Code  # `(input_dim, self.units)`, or the variable `setup` sets
    canonical: tuple[str, ...]  # ("input_dim", "units")
    setup: CaseShape | AxesShape | SharedAxesShape | None = None  # what `build` runs first


def _shape(context: Context, name: str, weight: WeightSpec, path: Path_) -> _Shape:
    """The weight's shape, in whichever form the spec gives it."""
    if has_cases(weight):
        cases = case_weight_shape(context, name, weight, path)
        return _Shape(cases.code, cases.canonical, cases.setup)
    if weight.axes is not None:
        return _Shape(*axes_weight_shape(context, name, weight, path))
    if follows_input(weight):
        return _Shape(*ellipsis_weight_shape(context, name, weight, path))
    names = context.sizing_arguments | set(context.dims)
    shape = []
    for index, item in enumerate(weight.shape or []):
        expression = parse_expression(context, item, path + ("shape", index), allowed=names)
        if expression is not None:
            shape.append(expression)
    code_names: dict[str, Code] = {n: (self_attribute(n) if n in context.spec.arguments else Name(n)) for n in names}
    return _Shape(tuple_of(*(e.to_code(code_names) for e in shape)), tuple(e.canonical for e in shape))


def _dtype(context: Context, weight: WeightSpec, path: Path_) -> str | None:
    """The weight's dtype (checked); None for the layer's variable dtype."""
    if weight.dtype is not None and weight.dtype not in context.vocab.dtypes:
        context.unknown(path + ("dtype",), "dtype", weight.dtype, context.vocab.dtypes)
    if weight.role == "trainable" and not _is_float(weight):
        context.problem(
            path + ("dtype",),
            f"a trainable weight must have a float dtype; {weight.dtype} has no gradient (make it frozen or state)",
        )
    return weight.dtype


def _is_float(weight: WeightSpec) -> bool:
    return weight.dtype is None or "float" in weight.dtype


def _weight_args(context: Context, name: str, weight: WeightSpec, path: Path_) -> list[ConstructorArg]:
    """`<name>_initializer`, and for a trainable weight `<name>_regularizer` and `<name>_constraint`."""
    default_initializer = "glorot_uniform" if weight.role == "trainable" and _is_float(weight) else "zeros"
    initializer = _keras_object_arg(context, name, "initializer", weight.initializer or default_initializer, path)
    if weight.doc.strip():
        # The weight's own doc goes where users read about it: its initializer argument.
        initializer.doc = initializer.doc.replace(
            f"`{name}` weight.", f"`{name}` weight ({weight.doc.strip().rstrip('.')}).", 1
        )
    kinds = argument_kinds(weight.role)
    for kind in KINDS[1:]:
        if kind not in kinds and getattr(weight, kind) is not None:
            context.problem(path + (kind,), f"a {kind} only acts on trainable weights; this weight is {weight.role}")
    return [initializer] + [_keras_object_arg(context, name, kind, getattr(weight, kind), path) for kind in kinds[1:]]


def _check_initial_value(context: Context, array: str, weight: WeightSpec, path: Path_) -> None:
    """`initial_value` names an array argument, and only a frozen weight has one."""
    argument = context.spec.arguments.get(array)
    if argument is None or argument.type != "array":
        arrays = [n for n, a in context.spec.arguments.items() if a.type == "array"]
        context.unknown(path + ("initial_value",), "array argument", array, arrays)
    elif weight.role != "frozen":
        context.problem(
            path + ("initial_value",), "`initial_value` is for frozen weights (pre-trained values that never change)"
        )


def _keras_object_arg(context: Context, weight: str, kind: str, value: object, path: Path_) -> ConstructorArg:
    """The `<weight>_<kind>` argument, e.g. `kernel_initializer`, resolved the Keras way."""
    name = argument_name(weight, kind)
    arg = ConstructorArg(name=name, default=Literal(None), doc="", keras_kind=kind)
    described = f"{kind.capitalize()} for the `{weight}` weight. Defaults to"
    if value is None:
        arg.doc = f"{described} `None`."
        return arg
    if isinstance(value, str):
        if resolve_keras_name(context, kind, value, path + (kind,)) is not None:
            arg.default = Literal(value)
            arg.doc = f'{described} `"{value}"`.'
        return arg
    params = dict(value) if isinstance(value, dict) else {}
    object_name = params.pop("name", None)
    if not isinstance(object_name, str):
        article = "an" if kind[0] in "aeiou" else "a"
        context.problem(
            path + (kind,), f"{article} {kind} mapping needs `name`, e.g. {{name: random_normal, stddev: 0.05}}"
        )
        return arg
    cls = resolve_keras_name(context, kind, object_name, path + (kind, "name"))
    if cls is None:
        return arg
    # Built in `__init__` when the argument is None: a fresh object for each layer.
    arg.fallback, shown = keras_object(context, cls, params, path + (kind,))
    arg.doc = f"{described} `{cls.name}({', '.join(shown)})`."
    return arg


def renamed_from_problems(context: Context) -> None:
    """Earlier names of weights must be names no other weight has or had."""
    seen: dict[str, str] = {}
    for name, weight in context.spec.weights.items():
        path = ("weights", name, "renamed_from")
        for earlier in weight.earlier_names:
            if not earlier.isidentifier():
                context.problem(path, f"{earlier!r} is not a weight name")
            elif earlier in context.spec.weights:
                context.problem(
                    path,
                    f"{earlier!r} is the name of a weight of this spec; "
                    f"a checkpoint's {earlier!r} loads into that weight",
                )
            elif earlier in seen:
                context.problem(path, f"{earlier!r} is already an earlier name of weight {seen[earlier]!r}")
            else:
                seen[earlier] = name
