"""Names: the class name, and every name a spec introduces, which becomes an attribute,
parameter or local of the generated class and must not shadow anything it uses."""

from __future__ import annotations

import builtins
import keyword
import re

from layergen.analysis.context import Context
from layergen.project.classes import snake_case  # noqa: F401  (the analysis's name for it)
from layergen.project.settings import package_problem
from layergen.spec.source import Path_
from layergen.spec.weight_arguments import weight_arguments

# Names the generated module itself uses; a spec name equal to one would shadow it.
_GENERATED_NAMES = frozenset(
    {"self", "kwargs", "config", "keras", "ops", "np", "warnings", "training", "mask", "input_shape", "store"}
)
# Generated code calls builtins (isinstance, ValueError, ...): a name must not hide one.
_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_"))
# Matched with fullmatch: `$` would also match before a trailing newline.
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_CLASS_NAME = re.compile(r"[A-Z][A-Za-z0-9]*")


def name_problem(name: object, reserved: frozenset[str]) -> str | None:
    """Why `name` cannot name something in the generated class, or None if it can."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        return "must be ASCII letters, digits and '_', starting with a letter"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return "is a Python keyword"
    if name in reserved:
        return f"would shadow keras.layers.Layer.{name}; choose another name"
    if name in _GENERATED_NAMES:
        return "is used by the generated code; choose another name"
    if name in _BUILTINS:
        return f"would hide the Python builtin {name}(); choose another name"
    return None


def check_header(context: Context) -> None:
    """The class name, the registration package and the summary."""
    spec = context.spec
    problem = class_name_problem(spec.layer)
    if problem:
        context.problem(("layer",), problem)
    package_text = package_problem(spec.package) if spec.package is not None else None
    if package_text:
        context.problem(("package",), package_text)
    if not spec.summary.strip():
        context.problem(("summary",), "summary must not be empty")


# Names the generated test module imports (templates/test_layer.py.jinja): a layer class of
# the same name would replace one of them there.
TEST_MODULE_NAMES = frozenset({"Input", "LayerContract", "Output", "random_array"})
# The longest file name written for a layer module `m`: the temporary file (writing.py) of
# its test's record, `.test_m.py.generated.XXXXXXXX.tmp` (records.py); the `.conflict`,
# `.pending` and `.next` files are shorter.
_FILE_NAME_BYTES = 255
_LONGEST_FILE_NAME_EXTRA = len(".test_.py.generated.") + 8 + len(".tmp")


def class_name_problem(name: str) -> str | None:
    """Why `name` cannot be the layer's class name, or None."""
    if not _CLASS_NAME.fullmatch(name) or keyword.iskeyword(name) or name in _BUILTINS:
        return f"class name must be CamelCase letters and digits, like LinearLayer; found {name!r}"
    if keyword.iskeyword(snake_case(name)):
        return (
            f"class name {name!r} makes the module name {snake_case(name)!r}, a Python keyword,"
            " which no import can name; choose another"
        )
    if name in TEST_MODULE_NAMES:
        return f"class name {name!r} is a name the generated test imports (from layergen.testing); choose another"
    longest = len(snake_case(name)) + _LONGEST_FILE_NAME_EXTRA
    if longest > _FILE_NAME_BYTES:
        limit = _FILE_NAME_BYTES - _LONGEST_FILE_NAME_EXTRA
        return (
            f"class name is too long: its module name has {len(snake_case(name))} characters, and file names"
            f" made from it must fit in {_FILE_NAME_BYTES} bytes (at most {limit})"
        )
    return None


def check_names(context: Context) -> None:
    """Every name the spec introduces is valid and used once: arguments, constants,
    weights (and the arguments each weight adds), inputs, sub-layers."""
    owners: dict[str, Path_] = {}
    reserved = context.vocab.layer_attributes

    def claim(name: str, path: Path_, what: str) -> None:
        reason = name_problem(name, reserved)
        if reason:
            context.problem(path, f"{what} name {name!r} {reason}", key=True)
        elif name in owners:
            context.problem(path, f"{what} name {name!r} is already used by {_dotted(owners[name])}", key=True)
        else:
            owners[name] = path

    spec = context.spec
    for name in spec.arguments:
        claim(name, ("arguments", name), "argument")
    for name in spec.constants:
        claim(name, ("constants", name), "constant")
    for name, weight in spec.weights.items():
        claim(name, ("weights", name), "weight")
        for argument, _ in weight_arguments(name, weight.role):
            _claim_weight_argument(context, owners, name, argument)
    for name in spec.inputs:
        claim(name, ("inputs", name), "input")
    for name in spec.layers:
        claim(name, ("layers", name), "sub-layer")
    for name in spec.call_arguments:
        claim(name, ("call_arguments", name), "call argument")


def _claim_weight_argument(context: Context, owners: dict[str, Path_], weight: str, derived: str) -> None:
    path = ("weights", weight)
    if derived in owners:
        context.problem(
            path,
            f"weight {weight!r} needs the argument {derived!r}, which {_dotted(owners[derived])} already uses",
            key=True,
        )
    elif derived in context.vocab.layer_attributes:
        context.problem(
            path,
            f"weight {weight!r} needs the argument {derived!r}, "
            f"which would shadow keras.layers.Layer.{derived}; choose another name",
            key=True,
        )
    owners.setdefault(derived, path)


def _dotted(path: Path_) -> str:
    return ".".join(map(str, path))
