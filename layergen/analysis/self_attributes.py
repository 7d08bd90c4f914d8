"""`self.<name>` in a spec-written body (`call`, `compute_mask`): the name must be something
the generated layer has, so that a typo (`self.kernal`) fails `validate`, not the test.

What a generated layer has: the spec's arguments, constants, weights and sub-layers, the
arguments layergen adds (`kernel_initializer`, `seed`, ...), the seed generator of a random
layer, the methods the template writes, and the attributes of `keras.layers.Layer` on any
backend (from the vocabulary snapshot, so nothing imports Keras here).
"""

from __future__ import annotations

import ast

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
    # `self.seed_generator` without `random: true` has its own message (randomness.py).
    every = own | {SEED_GENERATOR} | _TEMPLATE_METHODS | context.vocab.layer_attributes
    return frozenset(own), frozenset(every)


def check_self_attributes(context: Context, code: CodeField, tree: ast.AST, method: str) -> None:
    """Report each `self.<name>` whose name the generated layer does not have, once per name."""
    own, every = layer_attribute_names(context)
    reported: set[str] = set()
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self"):
            continue
        name = node.attr
        if name in every or name in reported or name.startswith("__"):
            continue  # dunders: call_safety says why they are refused
        reported.add(name)
        suggestion = closest(name, own) or closest(name, every - _TEMPLATE_METHODS)
        hint = f" (did you mean 'self.{suggestion}'?)" if suggestion else ""
        message = (
            f"the layer has no attribute `self.{name}`{hint}: in {method}, `self` holds the layer's arguments,"
            " weights, constants and sub-layers, and what every keras.layers.Layer has"
        )
        report(context, code, node.lineno, node.col_offset + 1, message)
