"""The naming rules of spec text that becomes a Python name: a name the spec introduces (an
attribute, parameter or local of the generated class) and the layer's class name, with the
module name it gives. Below the analysis, so that reading another spec's class (project/) uses
the same rules."""

from __future__ import annotations

import builtins
import keyword
import re

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


def snake_case(class_name: str) -> str:
    """`LinearLayer` -> `linear_layer`, `LSTMCell` -> `lstm_cell`, `UpSampling1D` ->
    `up_sampling1d`: the module a class goes in, named as Keras names its own (and its
    layers' default names: `keras.src.utils.naming.to_snake_case`)."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", class_name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


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
