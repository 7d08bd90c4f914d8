"""Losses `call` adds with `self.add_loss(...)`: the generated test expects one per call site,
each time the layer is called (Keras clears them at every outermost call)."""

from __future__ import annotations

import ast

from layergen.analysis.call_body import CallBody


def call_loss_count(body: CallBody) -> int:
    """How many `self.add_loss(...)` calls the body holds."""
    if body.tree is None:
        return 0
    return sum(
        1
        for node in ast.walk(body.tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "add_loss"
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == "self"
    )
