"""Masking (`masking:`): whether `call` reads the input's Keras mask, and the output's mask.

Generated as Keras's own layers do it: `supports_masking = True`, a `mask=None` parameter
of `call` that Keras fills with the input's mask, and `compute_mask` returning the
input's mask (`keep`), None (`none`) or what the spec's body computes.
"""

from __future__ import annotations

import ast

from layergen.analysis.call_body import CallBody
from layergen.analysis.code_body import CodeField, check_safety, parse_code
from layergen.analysis.context import Context
from layergen.analysis.input_conditions import read_condition
from layergen.analysis.self_attributes import check_self_attributes
from layergen.render.model import MaskingModel
from layergen.render.values import Literal

_KEEP = "keep"
_NONE = "none"


def masking_model(context: Context, body: CallBody) -> MaskingModel | None:
    """The masking model; None when the spec has no `masking` (then `call` must not read `mask`)."""
    masking = context.spec.masking
    if masking is None:
        if "mask" in body.names:
            context.problem(
                ("call",), "`call` reads `mask`: add `masking: {uses_mask: true, output_mask: ...}` to receive it"
            )
        return None
    path = ("masking",)
    if len(context.spec.inputs) != 1:
        context.problem(path, "masking is for layers with one input (Keras passes that input's mask)")
    if masking.uses_mask and "mask" not in body.names:
        context.problem(path + ("uses_mask",), "`uses_mask` is true but `call` never reads `mask`")
    input_name = next(iter(context.spec.inputs), "inputs")
    source, names = _compute_mask(context, masking.output_mask, input_name)
    supports = read_condition(context, path + ("supports_masking",), masking.supports_masking)
    return MaskingModel(
        uses_mask=masking.uses_mask,
        output_mask=_output_mask_kind(masking.output_mask),
        input_name=input_name,
        compute_mask_body=source,
        source=source,
        names=names,
        supports=supports.code if supports is not None else Literal(True),
        supports_in_build=supports is not None and supports.reads_input,
    )


def _output_mask_kind(output_mask: str) -> str:
    text = output_mask.strip()
    return text if text in (_KEEP, _NONE) else "computed"


def _compute_mask(context: Context, output_mask: str, input_name: str) -> tuple[str, frozenset[str]]:
    """compute_mask's body (dedented) and the names it uses; problems are recorded."""
    code = CodeField(("masking", "output_mask"), output_mask, "the compute_mask body")
    if code.text.strip() == _KEEP:
        return "return mask", frozenset({"mask"})
    if code.text.strip() == _NONE:
        return "return None", frozenset()
    tree = parse_code(context, code)
    if tree is None:
        return "return mask", frozenset({"mask"})
    try:
        if not any(isinstance(node, ast.Return) and node.value is not None for node in ast.walk(tree)):
            context.problem(code.path, "a compute_mask body must return the output's mask (or None)")
        check_safety(context, code, tree, [input_name, "mask"], _hints(context), _MODULE_NAMES, "compute_mask")
        check_self_attributes(context, code, tree, "compute_mask")
    except RecursionError:
        context.problem(code.path, "the compute_mask body is too deeply nested to compile")
    return code.text, frozenset(node.id for node in ast.walk(tree) if isinstance(node, ast.Name))


# What the generated module gives compute_mask besides its parameters.
_MODULE_NAMES = frozenset({"ops", "keras", "np", "self"})


def _hints(context: Context) -> dict[str, str]:
    spec = context.spec
    hints = {name: f"`{name}` is `self.{name}` in compute_mask" for name in [*spec.arguments, *spec.weights]}
    hints.update({name: f"`{name}` is `self.{name}` in compute_mask" for name in [*spec.layers, *spec.constants]})
    return hints
