"""Sub-layer arguments beyond literals: sizes read from the input, and Keras objects.

Sub-layers sized by the input (`$hidden_dim` where `hidden_dim` is an input dimension):
created in `build`, from the input shape, as keras-hub's TransformerEncoder creates its
feed-forward layers, so a block needs no argument repeating its input's width.

A sub-layer whose arguments read no input dimension is created in `__init__` as before;
one that reads any is created in `build`, right before it is built, with the dimension read
from the input shape (keras/src/layers/layer.py tracks layers set in `build` and saves them
under their attribute, and `build_from_config` runs `build` again when a `.keras` file loads).
"""

from __future__ import annotations

from layergen.analysis import expressions
from layergen.analysis.context import Context
from layergen.analysis.input_sized_values import dimensions_read
from layergen.analysis.keras_objects import keras_object
from layergen.render import values
from layergen.render.model import KerasObject
from layergen.spec.sections import SubLayerSpec
from layergen.spec.source import Path_


def reference_names(value: object) -> list[str]:
    """The names a `$expression` argument value reads; [] for a literal or one that does not parse."""
    if not (isinstance(value, str) and value.startswith("$")):
        return []
    try:
        return expressions.parse(value[1:].strip()).names
    except expressions.ExpressionError:
        return []


def dimensions_in_arguments(context: Context, sub: SubLayerSpec) -> list[str]:
    """The input dimensions the sub-layer's arguments read, in order."""
    found: list[str] = []
    for value in sub.arguments.values():
        # A Keras-object mapping (`{name: constant, value: $input_dim ** -0.5}`) reads them too.
        names = dimensions_read(context, value) if isinstance(value, dict) else reference_names(value)
        found += [name for name in names if name in context.dims and name not in found]
    return found


def sized_by_input_code(context: Context, text: str, path: Path_) -> values.Code | None:
    """`$expression` over input dimensions and int arguments, as `build` reads it: a dimension
    is the local `build` binds from the input shape, an argument its attribute."""
    expression = expressions.parse(text)  # the caller found dimensions in it, so it parses
    for name in expression.names:
        if name in context.spec.arguments and name not in context.sizing_arguments:
            context.problem(path, f"argument {name!r} is not an integer that is never None, so it cannot size a layer")
            return None
        if name not in context.dims and name not in context.sizing_arguments:
            context.unknown(path, "dimension or int argument", name, [*context.dims, *context.sizing_arguments])
            return None
    return expression.to_code(
        {name: values.Name(name) if name in context.dims else values.self_attribute(name) for name in expression.names}
    )


# A sub-layer argument holding an initializer, regularizer or constraint, by Keras's naming.
_OBJECT_KINDS = ("initializer", "regularizer", "constraint")


def sublayer_keras_object(context: Context, param: str, value: dict[str, object], path: Path_) -> KerasObject | None:
    """A mapping given to a sub-layer's `<x>_initializer` (`_regularizer`, `_constraint`)
    argument, `{name: constant, value: -2.0}`, as the Keras object it names, written from
    Keras's vocabulary and literal (or `$argument`) values, as a weight's own is."""
    kind = next((kind for kind in _OBJECT_KINDS if param.endswith(f"_{kind}")), None)
    if kind is None:
        context.problem(
            path,
            "a mapping is an initializer, regularizer or constraint, for an argument whose name ends "
            "in _initializer, _regularizer or _constraint",
        )
        return None
    params = dict(value)
    object_name = params.pop("name", None)
    if not isinstance(object_name, str):
        context.problem(path, f"a {kind} mapping needs `name`, e.g. {{name: constant, value: -2.0}}")
        return None
    cls = context.vocab.lookup(kind, object_name)
    if cls is None:
        context.unknown(path + ("name",), kind, object_name, context.vocab.objects[kind])
        return None
    return keras_object(context, cls, params, path)[0]
