"""A hand-written layer class, read with `ast`, as a layergen spec (a plain dict, in the spec's
field order). What has no spec field is listed as `Untranslated` (line and what), never dropped
silently: `adopt` reports it, and the merge keeps that code as a hand edit."""

from __future__ import annotations

import ast
import re
import textwrap

from layergen.audit.source import LayerClass, dotted, keyword, self_attribute
from layergen.audit.translate_cells import CELL_ATTRIBUTES, cell_of, states_named
from layergen.audit.translate_layers import masking_of, note_build_shapes, sublayer_of
from layergen.audit.translate_shapes import feature_size, output_shape_of
from layergen.audit.translate_weights import weights_of
from layergen.audit.translation import (
    Defaults,
    NotLiteral,
    Spec,
    Translation,
    Untranslated,
    end_line,
    is_docstring,
    literal,
)

_IGNORED_IN_INIT = ("super().__init__",)
_CAST_NAMES = ("convert_to_tensor", "cast")


def translate(layer: LayerClass, source: str, summary: str) -> Translation:
    result = Translation({"layer": layer.name, "summary": summary})
    package = _registered_package(layer)
    if package:
        # The same registered name, so .keras files saved with the original still load.
        result.spec["package"] = package
    init = layer.methods.get("__init__")
    defaults = _init_defaults(init) if init else {}
    call = layer.methods.get("call")
    constants = {name for name in defaults if _cast_in_call(call, name)}
    weights = weights_of(layer, result, defaults)
    initializer_args = {f"{w}_{kind}" for w in weights for kind in ("initializer", "regularizer", "constraint")}
    arguments, consts = _arguments(layer, defaults, constants, initializer_args, result)
    cell = cell_of(init, set(defaults), result)
    shape: list[str | int] = ["batch", "..."]
    if "-1" in result.input_dims:
        shape.append(result.input_dims["-1"])
    features = feature_size(weights, consts)
    if shape == ["batch", "..."] and features is not None:
        shape = ["batch", "...", features]  # per-feature values: the input's last axis has that size
    if cell is not None:
        shape = ["batch", result.input_dims.get("-1", "input_dim")]  # one step of the sequence
    if arguments:
        result.spec["arguments"] = arguments
    result.spec["inputs"] = {_input_name(call): {"shape": shape}}
    if consts:
        result.spec["constants"] = consts
    for name in _assigned_in_call(call):
        if name in weights:
            weights[name]["role"] = "state"
    if weights:
        result.spec["weights"] = weights
    sublayers = _sublayers(init, set(defaults))
    if sublayers:
        result.spec["layers"] = sublayers
        note_build_shapes(layer, sublayers, result)
    masking = masking_of(layer, source, result)
    if masking:
        result.spec["masking"] = masking
    handled = set(sublayers) | {"supports_masking"} | (set(CELL_ATTRIBUTES) if cell is not None else set())
    _untranslated_init(layer, init, result, set(defaults), handled)
    _untranslated_methods(layer, result)
    if call is None:
        result.untranslated.append(Untranslated(layer.line, "no call method"))
        result.spec["call"] = "return inputs\n"
    else:
        call_arguments = _call_arguments(call, result, cell=cell is not None)
        if call_arguments:
            result.spec["call_arguments"] = call_arguments
        if cell is not None:
            result.spec["cell"] = cell
        result.spec["call"] = states_named(call, cell) + _call_body(source, call, consts, result)
    if cell is None:  # a cell's output is `(batch, output_size)`, and its states
        result.spec["output_shape"] = output_shape_of(layer, shape, result)
    result.spec.pop("_weights", None)
    return result


def _registered_package(layer: LayerClass) -> str | None:
    for decorator in layer.node.decorator_list:
        if isinstance(decorator, ast.Call) and dotted(decorator.func).endswith("register_keras_serializable"):
            package = keyword(decorator, "package") or (decorator.args[0] if decorator.args else None)
            if isinstance(package, ast.Constant) and isinstance(package.value, str):
                return package.value
    return None


def _assigned_in_call(call: ast.FunctionDef | None) -> set[str]:
    """Weights `call` updates (`self.x.assign(...)`): state weights."""
    found = set()
    for node in ast.walk(call) if call is not None else ():
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr.startswith("assign"):
            name = self_attribute(node.func.value)
            if name:
                found.add(name)
    return found


def _init_defaults(init: ast.FunctionDef) -> dict[str, ast.expr | None]:
    args = init.args
    positional = [a for a in args.posonlyargs + args.args if a.arg != "self"]
    defaults: dict[str, ast.expr | None] = {a.arg: None for a in positional}
    for arg, default in zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True):
        defaults[arg.arg] = default
    for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        defaults[arg.arg] = kw_default
    return defaults


def _cast_in_call(call: ast.FunctionDef | None, name: str) -> bool:
    """Whether call converts `self.<name>` to a tensor (a constant, as Keras's Rescaling does)."""
    if call is None:
        return False
    for node in ast.walk(call):
        cast = isinstance(node, ast.Call) and dotted(node.func).endswith(_CAST_NAMES) and node.args
        if cast and self_attribute(node.args[0]) == name:  # type: ignore[attr-defined]
            return True
    return False


def _arguments(
    layer: LayerClass, defaults: Defaults, constants: set[str], initializer_args: set[str], result: Translation
) -> tuple[Spec, Spec]:
    arguments: Spec = {}
    consts: Spec = {}
    shape_names = _shape_arguments(result)
    activations = _activation_arguments(layer)
    for name, default in defaults.items():
        # Generated layers take `activity_regularizer` (passed to keras.layers.Layer) themselves.
        if name in initializer_args or name == "activity_regularizer":
            continue
        try:
            value = literal(default)
        except NotLiteral:
            result.untranslated.append(
                Untranslated(default.lineno if default else layer.line, f"the default of `{name}`")
            )
            value = None
        if name in activations:
            arguments[name] = {"type": "activation", "default": value}
            continue
        if name in constants and isinstance(value, (list, tuple, int, float)) and not isinstance(value, bool):
            consts[name] = {"value": list(value) if isinstance(value, tuple) else value}
            continue
        arguments[name] = _argument(name, default, value, shape_names)
    return arguments, consts


def _activation_arguments(layer: LayerClass) -> set[str]:
    """Arguments stored as `self.x = keras.activations.get(x)`."""
    init = layer.methods.get("__init__")
    found = set()
    for node in ast.walk(init) if init is not None else ():
        getter = isinstance(node, ast.Call) and dotted(node.func).endswith("activations.get") and node.args
        if getter and isinstance(node.args[0], ast.Name):  # type: ignore[attr-defined]
            found.add(node.args[0].id)  # type: ignore[attr-defined]
    return found


def _argument(name: str, default: ast.expr | None, value: object, shape_names: set[str]) -> Spec:
    if default is None:
        return {"type": "int" if name in shape_names else "float"} | ({"min": 1} if name in shape_names else {})
    if value is None:
        return {"type": "float", "default": None}
    kind = _type_of(value)
    return {"type": kind, "default": list(value) if isinstance(value, tuple) else value}


def _type_of(value: object) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float, str)):
        return type(value).__name__
    items = list(value) if isinstance(value, (list, tuple)) else []
    inner = {_type_of(v) for v in items} or {"float"}
    return f"list[{'float' if inner <= {'int', 'float'} and 'float' in inner else inner.pop()}]"


def _shape_arguments(result: Translation) -> set[str]:
    names: set[str] = set()
    for weight in result.spec.get("_weights", {}).values():
        names |= {item for item in weight["shape"] if isinstance(item, str)}
    return names


def _input_name(call: ast.FunctionDef | None) -> str:
    if call is None or len(call.args.args) < 2:
        return "inputs"
    return call.args.args[1].arg


_CALL_ARGUMENT_TYPES = {bool: "bool", int: "int", float: "float", str: "str"}


def _call_arguments(call: ast.FunctionDef, result: Translation, *, cell: bool) -> Spec:
    """`call`'s non-tensor parameters with a literal default (`reverse=False`) as
    `call_arguments`; any other extra parameter is left to the merge. A cell's first one
    after the step's input is its states."""
    positional = call.args.args[3:] if cell else call.args.args[2:]
    defaults = [None] * (len(positional) - len(call.args.defaults)) + list(call.args.defaults)
    pairs = [*zip(positional, defaults, strict=True), *zip(call.args.kwonlyargs, call.args.kw_defaults, strict=True)]
    found: Spec = {}
    for parameter, default in pairs:
        if parameter.arg in ("training", "mask"):
            continue
        try:
            value = literal(default) if default is not None else _NO_DEFAULT
        except NotLiteral:
            value = _NO_DEFAULT
        if type(value) in _CALL_ARGUMENT_TYPES:
            found[parameter.arg] = {"type": _CALL_ARGUMENT_TYPES[type(value)], "default": value}
        else:
            result.untranslated.append(Untranslated(call.lineno, f"call's parameter `{parameter.arg}`"))
    return found


_NO_DEFAULT = object()


def _call_body(source: str, call: ast.FunctionDef, consts: Spec, result: Translation) -> str:
    body = [s for s in call.body if not is_docstring(s)]
    lines = source.splitlines()
    start, end = body[0].lineno, body[-1].end_lineno or body[-1].lineno
    text = textwrap.dedent("\n".join(lines[start - 1 : end])) + "\n"
    for name in consts:
        # `ops.convert_to_tensor(self.scale, dtype=self.compute_dtype)` is the constant `scale`.
        text = re.sub(
            rf"(?:keras\.)?ops\.convert_to_tensor\(\s*self\.{name}\s*,\s*dtype=self\.compute_dtype\s*\)", name, text
        )
    return text


def _sublayers(init: ast.FunctionDef | None, parameters: set[str]) -> Spec:
    found: Spec = {}
    for statement in init.body if init is not None else []:
        made = sublayer_of(statement, parameters)
        if made is not None:
            found[made[0]] = made[1]
    return found


def _untranslated_init(
    layer: LayerClass, init: ast.FunctionDef | None, result: Translation, parameters: set[str], sublayers: set[str]
) -> None:
    if init is None:
        return
    for statement in init.body:
        if is_docstring(statement):
            continue
        text = ast.unparse(statement)
        if text.startswith(_IGNORED_IN_INIT):
            continue
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = self_attribute(statement.targets[0])
            if target in sublayers or (target in parameters and _stores_parameter(statement.value, target)):
                continue
        result.untranslated.append(Untranslated(statement.lineno, "a statement of __init__", end_line(statement)))


def _stores_parameter(value: ast.expr, name: str) -> bool:
    """`self.x = x`, `self.x = [float(v) for v in x]`, `self.x = keras.initializers.get(x)`."""
    names = {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}
    calls = {dotted(n.func) for n in ast.walk(value) if isinstance(n, ast.Call)}
    plain = calls <= {
        "float",
        "int",
        "bool",
        "list",
        "tuple",
        "keras.initializers.get",
        "keras.regularizers.get",
        "keras.constraints.get",
        "keras.activations.get",
        "activations.get",
        "initializers.get",
        "regularizers.get",
        "constraints.get",
    }
    return name in names and plain


_KNOWN_METHODS = {"__init__", "build", "call", "compute_output_shape", "get_config", "compute_mask"}


def _untranslated_methods(layer: LayerClass, result: Translation) -> None:
    for name, method in layer.methods.items():
        if name not in _KNOWN_METHODS:
            start = min([method.lineno, *(d.lineno for d in method.decorator_list)])
            result.untranslated.append(Untranslated(start, f"method {name}", end_line(method)))
