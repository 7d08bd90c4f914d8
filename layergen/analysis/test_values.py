"""The generated test's values of the arguments weights add (`kernel_initializer: ones`),
checked against Keras's vocabulary as the spec's own fields are, and the contract tests
the spec skips (`test.skip`)."""

from __future__ import annotations

from layergen.analysis.context import Context
from layergen.contract_tests import CONTRACT_TESTS
from layergen.records import frozen_record
from layergen.spec.nested_lists import nested_shape
from layergen.spec.source import Path_
from layergen.spec.weight_arguments import weight_arguments

INVALID = object()  # a test value Keras would not take (the problem is recorded)


@frozen_record
class GeneratedArgument:
    """An argument a weight adds: `<weight>_<kind>`."""

    weight: str
    kind: str  # "initializer", "regularizer" or "constraint"


def generated_arguments(context: Context) -> dict[str, GeneratedArgument]:
    """Each argument the spec's weights add, by name (as `weights.weight_models` adds them)."""
    arguments = {}
    for name, weight in context.spec.weights.items():
        for argument, kind in weight_arguments(name, weight.role):
            arguments[argument] = GeneratedArgument(name, kind)
    return arguments


def keras_object_value(context: Context, argument: GeneratedArgument, value: object, path: Path_) -> object:
    """What the test passes for a generated argument: a Keras name, None, or a mapping with
    `name` written as the config Keras's `get` takes (`{"class_name": ..., "config": ...}`);
    `INVALID` (and a problem) when Keras would not take it."""
    kind = argument.kind
    if value is None or (isinstance(value, str) and _known(context, kind, value, path)):
        return value
    if isinstance(value, str):
        return INVALID
    if not isinstance(value, dict) or not isinstance(value.get("name"), str):
        context.problem(path, f"a test value of a {kind} is a Keras name, null, or a mapping with `name`")
        return INVALID
    params = {k: v for k, v in value.items() if k != "name"}
    cls = context.vocab.lookup(kind, value["name"])
    if cls is None:
        context.unknown(path + ("name",), kind, value["name"], context.vocab.objects[kind])
        return INVALID
    for param, param_value in params.items():
        if param not in cls.params:
            context.unknown(path + (param,), f"argument of {cls.name}", param, cls.params, key=True)
            return INVALID
        if not _is_literal(param_value):
            context.problem(path + (param,), "expected a number, string, true/false, null or a list of numbers")
            return INVALID
    return {"class_name": cls.name, "config": params}


def _known(context: Context, kind: str, name: str, path: Path_) -> bool:
    if context.vocab.lookup(kind, name) is None:
        context.unknown(path, kind, name, context.vocab.objects[kind])
        return False
    return True


def _is_literal(value: object) -> bool:
    if isinstance(value, (str, bool)) or value is None:
        return not (isinstance(value, str) and value.startswith("$"))
    return nested_shape(value) is not None


def regularized_weights(context: Context, values: dict[str, object]) -> set[str]:
    """The trainable weights that have a regularizer in the test: the spec's, unless the test
    passes one (a name or mapping) or none (`null`, which only clears a regularizer given by
    name: one given as a mapping is built when the argument is None)."""
    regularized = set()
    for name, weight in context.spec.weights.items():
        if weight.role != "trainable":
            continue
        argument = f"{name}_regularizer"
        if argument in values:
            given = values[argument]
            if given is not None or isinstance(weight.regularizer, dict):
                regularized.add(name)
        elif weight.regularizer is not None:
            regularized.add(name)
    return regularized


def check_test_names(context: Context) -> None:
    """The names the `test` section gives, which need no shapes: reported with the spec's
    other problems when it has some (`test_plan` checks them again, with the values, when
    it has none, so each is reported once)."""
    spec = context.spec
    skips(context)
    for name in spec.test.dimensions:
        if name not in context.dims:
            context.unknown(("test", "dimensions", name), "dimension", name, context.dims)
    generated = list(generated_arguments(context))
    arguments = [n for n, a in spec.arguments.items() if a.type != "array"]
    known = {*arguments, *spec.constants, *generated, *(["seed"] if spec.random else [])}
    for name in spec.test.arguments:
        if name not in known:
            candidates = arguments + list(spec.constants)
            context.unknown(("test", "arguments", name), "argument", name, candidates + generated)


def skips(context: Context) -> list[tuple[str, str]]:
    """(contract test, reason) for each test the spec skips."""
    result = []
    for name, reason in context.spec.test.skip.items():
        path = ("test", "skip", name)
        if name not in CONTRACT_TESTS:
            context.unknown(path, "contract test", name, CONTRACT_TESTS, key=True)
        elif not reason.strip():
            context.problem(path, "say why the test is skipped: the reason is shown when it is")
        else:
            result.append((name, reason.strip()))
    return result
