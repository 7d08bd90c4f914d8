"""Masking (`masking:`): whether `call` reads the input's Keras mask, and the output's mask.

Generated as Keras's own layers do it: `supports_masking = True`, a `mask=None` parameter
of `call` that Keras fills with the input's mask, and `compute_mask` returning the
input's mask (`keep`), None (`none`) or what the spec's body computes.
"""

from __future__ import annotations

import ast
import textwrap

from layergen.analysis.call_body import CallBody
from layergen.analysis.context import Context
from layergen.layer_model import MaskingModel
from layergen.pycode import indent_code

_KEEP = "keep"
_NONE = "none"


def masking_model(context: Context, body: CallBody) -> MaskingModel | None:
    """The masking code; None when the spec has no `masking` (then `call` must not read `mask`)."""
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
    return MaskingModel(
        uses_mask=masking.uses_mask,
        output_mask=_output_mask_kind(masking.output_mask),
        input_name=input_name,
        compute_mask_body=_compute_mask_body(context, masking.output_mask, path + ("output_mask",)),
    )


def _output_mask_kind(output_mask: str) -> str:
    text = output_mask.strip()
    return text if text in (_KEEP, _NONE) else "computed"


def _compute_mask_body(context: Context, output_mask: str, path) -> str:
    text = textwrap.dedent(output_mask).strip("\n")
    if text.strip() == _KEEP:
        return indent_code("return mask", " " * 8)
    if text.strip() == _NONE:
        return indent_code("return None", " " * 8)
    try:
        tree = ast.parse(f"def compute_mask():\n{textwrap.indent(text, '    ')}\n")
    except (SyntaxError, RecursionError, MemoryError) as exc:
        detail = exc.msg if isinstance(exc, SyntaxError) else "too deeply nested"
        context.problem(path, f"expected keep, none, or a compute_mask body; the body does not parse: {detail}")
        return indent_code("return mask", " " * 8)
    if not any(isinstance(node, ast.Return) and node.value is not None for node in ast.walk(tree)):
        context.problem(path, "a compute_mask body must return the output's mask (or None)")
    if any(isinstance(node, (ast.Import, ast.ImportFrom)) for node in ast.walk(tree)):
        context.problem(path, "the compute_mask body must not import")
    return indent_code(text, " " * 8)
