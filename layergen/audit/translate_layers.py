"""Sub-layers and masking for `adopt`: `self.<name> = keras.layers.<Class>(...)` in `__init__` becomes an
entry of the spec's `layers:`, with literal arguments and `$argument` for the layer's own."""

from __future__ import annotations

import ast
import textwrap

from layergen.audit.source import LayerClass, dotted, self_attribute
from layergen.audit.translation import NotLiteral, Spec, Translation, Untranslated, literal
from layergen.vocabulary import load

_LAYER_MODULES = ("keras.layers.", "layers.", "tf.keras.layers.")
_SET_BY_THE_GENERATED_CODE = ("name", "dtype")


def sublayer_of(statement: ast.stmt, parameters: set[str]) -> tuple[str, Spec] | None:
    """(attribute, spec entry) for `self.x = keras.layers.Dense(...)`; None for anything else."""
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
        return None
    attribute = self_attribute(statement.targets[0])
    call = statement.value
    if attribute is None or not isinstance(call, ast.Call):
        return None
    called = dotted(call.func)
    class_name = called.split(".")[-1]
    known = load().layers.get(class_name)
    if known is None or not (called.startswith(_LAYER_MODULES) or called == class_name):
        return None
    arguments: Spec = {}
    if len(call.args) > len(known.params):
        return None
    pairs = list(zip(known.params, call.args, strict=False)) + [(k.arg, k.value) for k in call.keywords]
    for name, node in pairs:
        if name is None:
            return None  # **options: not a spec's literal arguments
        if name in _SET_BY_THE_GENERATED_CODE:
            continue
        value = _argument_value(node, parameters)
        if value is _UNKNOWN:
            return None
        arguments[name] = value
    entry: Spec = {"class": class_name}
    if arguments:
        entry["arguments"] = arguments
    return attribute, entry


_UNKNOWN = object()


def _argument_value(node: ast.expr, parameters: set[str]) -> object:
    name = self_attribute(node) or (node.id if isinstance(node, ast.Name) else None)
    if name is not None:
        return f"${name}" if name in parameters else _UNKNOWN
    try:
        return literal(node)
    except NotLiteral:
        return _UNKNOWN


def note_build_shapes(layer: LayerClass, sublayers: Spec, result: Translation) -> None:
    """The spec builds each sub-layer with the layer's input shape unless it says `build:`;
    with several, the ones that take another layer's output need it."""
    if len(sublayers) > 1:
        what = "the build shapes of the sub-layers (each is built with the input's shape; add `build:` where not)"
        result.untranslated.append(Untranslated(layer.method_line("__init__"), what))


def masking_of(layer: LayerClass, source: str, result: Translation) -> Spec | None:
    """The spec's `masking:` from `call(self, inputs, mask=None)`, `self.supports_masking = True`
    and `compute_mask`; None when the class does nothing with masks."""
    call = layer.methods.get("call")
    uses_mask = call is not None and any(a.arg == "mask" for a in call.args.args + call.args.kwonlyargs)
    supports = any(
        isinstance(node, ast.Assign) and any(self_attribute(t) == "supports_masking" for t in node.targets)
        for node in ast.walk(layer.node)
    )
    compute_mask = layer.methods.get("compute_mask")
    if not (uses_mask or supports or compute_mask):
        return None
    masking: Spec = {"uses_mask": True} if uses_mask else {}
    if compute_mask is None:
        masking["output_mask"] = "keep" if supports else "none"
        return masking
    body = [s for s in compute_mask.body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant))]
    returned = body[0].value if len(body) == 1 and isinstance(body[0], ast.Return) else _UNKNOWN
    if isinstance(returned, ast.Name) and returned.id == "mask":
        masking["output_mask"] = "keep"
    elif returned is None or (isinstance(returned, ast.Constant) and returned.value is None):
        masking["output_mask"] = "none"
    else:
        lines = source.splitlines()
        text = "\n".join(lines[body[0].lineno - 1 : (body[-1].end_lineno or body[-1].lineno)])
        masking["output_mask"] = textwrap.dedent(text) + "\n"
    return masking
