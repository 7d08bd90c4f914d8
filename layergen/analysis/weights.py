"""Weights: shape, dtype and role of each, the initializer / regularizer / constraint
arguments each adds (as Keras's built-in layers do), and the earlier names old checkpoints
use (`renamed_from`)."""

from __future__ import annotations

from dataclasses import dataclass

from layergen.analysis.context import Context
from layergen.analysis.declared_shapes import axes_weight_shape, ellipsis_weight_shape, follows_input
from layergen.analysis.gates import gate_code
from layergen.analysis.input_sized_values import is_value_expression, reads_input, value_code
from layergen.analysis.shapes import parse_expression
from layergen.analysis.weight_shapes import case_weight_shape, check_one_form, has_cases
from layergen.render.model import ConstructorArg, WeightModel
from layergen.render.pycode import nested_shape, tuple_code
from layergen.spec.fast import WeightSpec
from layergen.spec.source import Path_
from layergen.vocabulary import KerasClass


def weight_models(context: Context, gates: dict[str, str]) -> tuple[list[ConstructorArg], list[WeightModel]]:
    """Each weight, and the constructor arguments that configure it; `gates`: weight -> the
    bool argument it exists under."""
    args: list[ConstructorArg] = []
    weights = []
    for name, weight in context.spec.weights.items():
        path = ("weights", name)
        lines: tuple[str, ...] = ()
        if not check_one_form(context, name, weight):
            continue
        if has_cases(weight):
            cases = case_weight_shape(context, name, weight, path)
            shape, lines = _Shape(cases.code, cases.canonical), cases.lines
        elif weight.axes is not None:
            code, canonical, lines = axes_weight_shape(context, name, weight, path)
            shape = _Shape(code, canonical)
        elif follows_input(weight):
            code, canonical, lines = ellipsis_weight_shape(context, name, weight, path)
            shape = _Shape(code, canonical)
        else:
            shape = _shape(context, weight, path)
        dtype = _dtype(context, weight, path)
        weight_args = _weight_args(context, name, weight, path)
        args += weight_args
        initializer = f"self.{weight_args[0].name}"
        if reads_input(context, weight.initializer):  # made in build, where the input's size is known
            fallback, weight_args[0].fallback = weight_args[0].fallback, None
            initializer = f"{initializer} if {initializer} is not None else {fallback}"
        array = weight.initial_value
        if array is not None:
            _check_initial_value(context, array, weight, path)
            initializer = f"self.{array} if self.{array} is not None else {initializer}"
        trainable = weight.role == "trainable"
        weights.append(
            WeightModel(
                name=name,
                role=weight.role,
                shape=shape.code,
                initializer=initializer,
                regularizer=f"self.{weight_args[1].name}" if trainable else None,
                constraint=f"self.{weight_args[2].name}" if trainable else None,
                dtype=dtype,
                checkpoint_shape=shape.canonical,
                checkpoint_dtype=weight.dtype,
                earlier_names=weight.earlier_names,
                gate=gate_code(context, gates[name]) if name in gates else None,
                shape_lines=lines,
                autocast=weight.autocast,
            )
        )
    return keras_order(args), weights


_KINDS = ("_initializer", "_regularizer", "_constraint")


def keras_order(args: list[ConstructorArg]) -> list[ConstructorArg]:
    """The weights' arguments in Keras's order: every initializer, then every regularizer,
    then `activity_regularizer` (when the layer has a trainable weight), then every
    constraint, as in keras.layers.Dense's signature."""
    by_kind = {kind: [a for a in args if a.name.endswith(kind)] for kind in _KINDS}
    activity = [_ACTIVITY_REGULARIZER] if by_kind["_regularizer"] else []
    return by_kind["_initializer"] + by_kind["_regularizer"] + activity + by_kind["_constraint"]


# Passed on to keras.layers.Layer, which keeps it as `self.activity_regularizer` and adds its
# loss for each output; saved in the config by the layer itself (so its signature and config
# agree), as Keras's Dense takes it.
_ACTIVITY_REGULARIZER = ConstructorArg(
    name="activity_regularizer",
    signature="activity_regularizer=None",
    doc="Regularizer function applied to the output of the layer (its activation). Defaults to `None`.",
    config="keras.regularizers.serialize(self.activity_regularizer)",
    to_base=True,
)


@dataclass(frozen=True)
class _Shape:
    """A weight's shape as `build` writes it, and as the spec's names write it."""

    code: str  # "(input_dim, self.units)"
    canonical: tuple[str, ...]  # ("input_dim", "units")


def _shape(context: Context, weight: WeightSpec, path: Path_) -> _Shape:
    names = context.sizing_arguments | set(context.dims)
    shape = []
    for index, item in enumerate(weight.shape or []):
        expression = parse_expression(context, item, path + ("shape", index), allowed=names)
        if expression is not None:
            shape.append(expression)
    code_names = {n: (f"self.{n}" if n in context.spec.arguments else n) for n in names}
    return _Shape(
        tuple_code([e.to_code(code_names) for e in shape]),
        tuple(e.to_code({n: n for n in e.names}) for e in shape),
    )


def _dtype(context: Context, weight: WeightSpec, path: Path_) -> str | None:
    """Python source of the weight's dtype; None for the layer's variable dtype."""
    if weight.dtype is not None and weight.dtype not in context.vocab.dtypes:
        context.unknown(path + ("dtype",), "dtype", weight.dtype, context.vocab.dtypes)
    if weight.role == "trainable" and not _is_float(weight):
        context.problem(
            path + ("dtype",),
            f"a trainable weight must have a float dtype; {weight.dtype} has no gradient (make it frozen or state)",
        )
    return None if weight.dtype is None else repr(weight.dtype)


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
    if weight.role == "trainable":
        return [
            initializer,
            _keras_object_arg(context, name, "regularizer", weight.regularizer, path),
            _keras_object_arg(context, name, "constraint", weight.constraint, path),
        ]
    for kind in ("regularizer", "constraint"):
        if getattr(weight, kind) is not None:
            context.problem(path + (kind,), f"a {kind} only acts on trainable weights; this weight is {weight.role}")
    return [initializer]


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


def _keras_object_arg(context: Context, weight: str, kind: str, value, path: Path_) -> ConstructorArg:
    """The `<weight>_<kind>` argument, e.g. `kernel_initializer`, resolved the Keras way."""
    name = f"{weight}_{kind}"
    module = f"keras.{kind}s"
    arg = ConstructorArg(
        name=name,
        signature=f"{name}=None",
        doc="",
        store=f"{module}.get({name})",
        config=f"{module}.serialize(self.{name})",
    )
    described = f"{kind.capitalize()} for the `{weight}` weight. Defaults to"
    if value is None:
        arg.doc = f"{described} `None`."
        return arg
    if isinstance(value, str):
        if _resolve_keras_name(context, kind, value, path + (kind,)) is not None:
            arg.signature = f'{name}="{value}"'
            arg.doc = f'{described} `"{value}"`.'
        return arg
    params = dict(value)
    object_name = params.pop("name", None)
    if not isinstance(object_name, str):
        article = "an" if kind[0] in "aeiou" else "a"
        context.problem(
            path + (kind,), f"{article} {kind} mapping needs `name`, e.g. {{name: random_normal, stddev: 0.05}}"
        )
        return arg
    cls = _resolve_keras_name(context, kind, object_name, path + (kind, "name"))
    if cls is None:
        return arg
    parts, shown = _keras_object_params(context, cls, params, path + (kind,))
    # Built in `__init__` when the argument is None: a fresh object for each layer.
    arg.fallback = f"{cls.qualified_name}({', '.join(parts)})"
    arg.doc = f"{described} `{cls.name}({', '.join(shown)})`."
    return arg


def _keras_object_params(context: Context, cls: KerasClass, params: dict, path: Path_) -> tuple[list[str], list[str]]:
    """The object's arguments as code (`stddev=self.scale`) and as the docstring shows them
    (`stddev=scale`)."""
    parts, shown = [], []
    for param, value in params.items():
        if param not in cls.params:
            context.unknown(path + (param,), f"argument of {cls.name}", param, cls.params, key=True)
            continue
        code = _param_code(context, value, path + (param,))
        parts.append(f"{param}={code}")
        is_reference = isinstance(value, str) and value.startswith("$")
        shown.append(f"{param}={value[1:] if is_reference else code}")
    return parts, shown


def _resolve_keras_name(context: Context, kind: str, alias: str, path: Path_) -> KerasClass | None:
    cls = context.vocab.lookup(kind, alias)
    if cls is None:
        context.unknown(path, kind, alias, context.vocab.objects[kind])
    return cls


def _param_code(context: Context, value, path: Path_) -> str:
    """A Keras object's argument: a literal, or `$name` for a constructor argument."""
    spec = context.spec
    if isinstance(value, str) and value.startswith("$"):
        ref = value[1:]
        if is_value_expression(context, ref):
            return value_code(context, ref, path)  # arithmetic, or the input's size (input_sized_values)
        candidates = list(spec.arguments) + list(spec.constants)
        if ref not in candidates:
            context.unknown(path, "argument", ref, candidates)
            return "None"
        argument = spec.arguments.get(ref)
        if argument is not None and (argument.type == "array" or (not argument.required and argument.default is None)):
            context.problem(path, f"argument {ref!r} can be None, so it cannot give this value")
            return "None"
        # The stored attribute, not the parameter: constants are plain lists there.
        return f"self.{ref}"
    if nested_shape(value) is None and not isinstance(value, (str, bool)) and value is not None:
        context.problem(path, "expected a number, string, list of numbers or `$argument`")
        return "None"
    return repr(value)  # lists stay lists, so the serialized config is plain JSON


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
