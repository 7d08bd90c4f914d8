"""`self.<name>` in a spec-written body (`call`, `compute_mask`): the name must be something
the generated layer has, so that a typo (`self.kernal`) fails `validate`, not the test.

What a generated layer has: the spec's arguments, constants, weights and sub-layers, the
arguments layergen adds (`kernel_initializer`, `seed`, ...), the seed generator of a random
layer, the methods the template writes, and the attributes of `keras.layers.Layer` on any
backend (from the vocabulary snapshot, so nothing imports Keras here).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

from layergen.analysis.cell_states import STATES
from layergen.analysis.cells import CELL_ATTRIBUTES
from layergen.analysis.code_body import CodeField, report
from layergen.analysis.context import Context
from layergen.analysis.randomness import SEED, SEED_GENERATOR
from layergen.analysis.test_values import generated_arguments
from layergen.vocabulary import closest

# Methods the layer template defines besides those every Layer has.
_TEMPLATE_METHODS = frozenset({"get_layout_map", "_own_weights"})


def layer_attribute_names(context: Context) -> tuple[frozenset[str], frozenset[str]]:
    """(the names the spec gives the layer, every attribute the generated layer has)."""
    spec = context.spec
    own = {*spec.arguments, *spec.constants, *spec.weights, *spec.layers, *generated_arguments(context)}
    if spec.random:
        own.add(SEED)
    if spec.cell is not None:  # what keras.layers.RNN reads: the template sets or defines them
        own.update(name for name in CELL_ATTRIBUTES if name != STATES)
    # `self.seed_generator` without `random: true` has its own message (randomness.py).
    every = own | {SEED_GENERATOR} | _TEMPLATE_METHODS | context.vocab.layer_attributes
    return frozenset(own), frozenset(every)


def check_self_attributes(context: Context, code: CodeField, tree: ast.AST, method: str) -> None:
    """Report each `self.<name>` (or `getattr(self, "<name>")`, `setattr`, `delattr`) whose
    name the generated layer does not have, once per name."""
    own, every = layer_attribute_names(context)
    reported: set[str] = set()
    for node, name in _self_attributes(tree):
        if name in every or name in reported or name.startswith("__"):
            continue  # dunders: call_safety says why they are refused
        reported.add(name)
        if name in context.dims:
            message = f"the layer has no attribute `self.{name}`: dimension `{name}` is read from the input's shape"
            report(context, code, node.lineno, node.col_offset + 1, message + " (`ops.shape(x)[-1]`)")
            continue
        suggestion = closest(name, own) or closest(name, every - _TEMPLATE_METHODS)
        hint = f" (did you mean 'self.{suggestion}'?)" if suggestion else ""
        message = (
            f"the layer has no attribute `self.{name}`{hint}: in {method}, `self` holds the layer's arguments,"
            " weights, constants and sub-layers, and what every keras.layers.Layer has"
        )
        report(context, code, node.lineno, node.col_offset + 1, message)


def _self_attributes(tree: ast.AST) -> Iterator[tuple[ast.expr, str]]:
    """(node, attribute name) for each attribute of `self` the body reads, writes or deletes
    by name; `hasattr` asks, so it is left alone."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _is_self(node.value):
            yield node, node.attr
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in _NAMED_ACCESS
            and len(node.args) >= 2
            and _is_self(node.args[0])
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
        ):
            yield node, node.args[1].value


_NAMED_ACCESS = ("getattr", "setattr", "delattr")


def _is_self(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "self"
