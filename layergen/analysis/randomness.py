"""Randomness (`random: true`), as keras.layers.Dropout does it: a last constructor argument
`seed` (None or an integer, kept in the config), `self.seed_generator =
keras.random.SeedGenerator(seed)` in `__init__`, and `call` drawing with
`seed=self.seed_generator` in training only."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from layergen.analysis.arguments import argument
from layergen.analysis.context import Context
from layergen.render.model import ConstructorArg
from layergen.spec.sections import ArgumentSpec

if TYPE_CHECKING:  # call_body checks `self.seed_generator` with this module's names
    from layergen.analysis.call_body import CallBody

SEED = "seed"
SEED_GENERATOR = "seed_generator"
# How the seed argument is checked, stored, saved and documented: an optional int.
SEED_SPEC = ArgumentSpec(
    type="int",
    default=None,
    doc="Seed of the random numbers the layer draws in training; None draws a different sequence each run.",
)


def seed_args(context: Context, body: CallBody) -> list[ConstructorArg]:
    """The `seed` argument of a random layer (none otherwise); problems where the spec and
    its `call` body disagree about randomness."""
    spec = context.spec
    draws = _uses_seed_generator(body)
    if not spec.random:
        if draws:
            context.problem(("call",), "`self.seed_generator` exists only in a random layer: add `random: true`")
        return []
    if body.tree is not None and not draws:
        context.problem(("random",), "a random layer draws with `seed=self.seed_generator` in call", key=True)
    if body.tree is not None and not body.uses_training:
        context.problem(
            ("random",),
            "a random layer draws in training only: `call` should read `training` (e.g. `if training:`)",
            key=True,
        )
    for section in ("arguments", "constants", "weights", "inputs"):
        for name in (SEED, SEED_GENERATOR):
            if name in getattr(spec, section):
                context.problem((section, name), f"`random: true` adds {name!r} to the layer; rename this", key=True)
    return [argument(SEED, SEED_SPEC, [])]


def _uses_seed_generator(body: CallBody) -> bool:
    if body.tree is None:
        return False
    return any(
        isinstance(node, ast.Attribute)
        and node.attr == SEED_GENERATOR
        and isinstance(node.value, ast.Name)
        and node.value.id == "self"
        for node in ast.walk(body.tree)
    )
