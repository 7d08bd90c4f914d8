"""Keras objects a spec builds from a mapping (`{name: random_normal, stddev: $scale}`):
a weight's initializer, regularizer or constraint, or a sub-layer's `<x>_initializer`.

In: the object's kind, its resolved class and the mapping's other entries. Out: a
`KerasObject` (the call of the class, each argument a code value) for the templates to
write, and the arguments as the docstring shows them. Problems go to the context.
"""

from __future__ import annotations

from layergen.analysis.context import Context
from layergen.analysis.input_sized_values import is_value_expression, value_code
from layergen.render import values
from layergen.render.model import KerasObject
from layergen.spec.nested_lists import as_list, nested_shape
from layergen.spec.source import Path_
from layergen.vocabulary import KerasClass


def resolve_keras_name(context: Context, kind: str, alias: str, path: Path_) -> KerasClass | None:
    """The Keras class `alias` names among the objects of `kind`; None (and a problem) if none."""
    cls = context.vocab.lookup(kind, alias)
    if cls is None:
        context.unknown(path, kind, alias, context.vocab.objects[kind])
    return cls


def keras_object(
    context: Context, cls: KerasClass, params: dict[str, object], path: Path_
) -> tuple[KerasObject, list[str]]:
    """The object built from `cls` with `params`, and its arguments as the docstring shows
    them (`stddev=scale`: a reference by the argument's name)."""
    arguments: list[tuple[str, values.Code]] = []
    shown = []
    for param, value in params.items():
        if param not in cls.params:
            context.unknown(path + (param,), f"argument of {cls.name}", param, cls.params, key=True)
            continue
        code = _param_code(context, value, path + (param,))
        arguments.append((param, code))
        if isinstance(value, str) and value.startswith("$"):
            shown.append(f"{param}={value[1:]}")
        else:
            shown.append(f"{param}={as_list(value)!r}")  # as the config holds it: lists, not tuples
    return KerasObject(cls.qualified_name, keywords=tuple(arguments)), shown


def _param_code(context: Context, value: object, path: Path_) -> values.Code:
    """A Keras object's argument: a literal, or `$name` for a constructor argument."""
    spec = context.spec
    if isinstance(value, str) and value.startswith("$"):
        ref = value[1:]
        if is_value_expression(context, ref):
            return value_code(context, ref, path)  # arithmetic, or the input's size (input_sized_values)
        candidates = list(spec.arguments) + list(spec.constants)
        if ref not in candidates:
            context.unknown(path, "argument", ref, candidates)
            return values.Literal(None)
        argument = spec.arguments.get(ref)
        if argument is not None and (argument.type == "array" or (not argument.required and argument.default is None)):
            context.problem(path, f"argument {ref!r} can be None, so it cannot give this value")
            return values.Literal(None)
        # The stored attribute, not the parameter: constants are plain lists there.
        return values.self_attribute(ref)
    if nested_shape(value) is None and not isinstance(value, (str, bool)) and value is not None:
        context.problem(path, "expected a number, string, list of numbers or `$argument`")
        return values.Literal(None)
    return values.Literal(value, lists=True)  # lists stay lists, so the serialized config is plain JSON
