"""Keras's own vocabulary, snapshotted so that generating a layer never imports Keras.

`keras_vocabulary.json` holds the names Keras accepts for initializers, regularizers,
constraints, activations and dtypes, the attribute names of `keras.layers.Layer`, and the
`keras.layers` classes with their constructor and `build` parameters.
`scripts/update_keras_vocabulary.py` rewrites it from the installed Keras, and a test
fails when the snapshot and the installed Keras disagree.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable
from pathlib import Path

from layergen.records import frozen_record

# The kinds of Keras object a weight can name, with the public module that resolves them.
OBJECT_KINDS = {
    "initializer": "keras.initializers",
    "regularizer": "keras.regularizers",
    "constraint": "keras.constraints",
}


@frozen_record
class KerasClass:
    """One class Keras resolves by name, e.g. `RandomNormal(mean, stddev, seed)`."""

    module: str
    name: str
    params: tuple[str, ...]

    @property
    def qualified_name(self) -> str:
        return f"{self.module}.{self.name}"


@frozen_record
class KerasLayer:
    """A `keras.layers` class a spec can use as a sub-layer: its constructor's and build's parameters."""

    name: str
    params: tuple[str, ...]
    build_params: tuple[str, ...]


@frozen_record
class Vocabulary:
    objects: dict[str, dict[str, KerasClass]]  # kind -> alias -> class
    activations: frozenset[str]
    dtypes: frozenset[str]
    layer_attributes: frozenset[str]
    layers: dict[str, KerasLayer]  # keras.layers class name -> its parameters

    def lookup(self, kind: str, alias: str) -> KerasClass | None:
        return self.objects[kind].get(alias)


@functools.cache
def load() -> Vocabulary:
    # Beside this module, as the templates are (`importlib.resources` costs more to import
    # than reading the file).
    raw = json.loads((Path(__file__).parent / "keras_vocabulary.json").read_bytes())
    objects = {
        kind: {
            alias: KerasClass(OBJECT_KINDS[kind], entry["class"], tuple(entry["params"]))
            for alias, entry in raw[kind + "s"].items()
        }
        for kind in OBJECT_KINDS
    }
    return Vocabulary(
        objects=objects,
        activations=frozenset(raw["activations"]),
        dtypes=frozenset(raw["dtypes"]),
        layer_attributes=frozenset(raw["layer_attributes"]),
        layers={
            name: KerasLayer(name, tuple(entry["params"]), tuple(entry["build"]))
            for name, entry in raw["layers"].items()
        },
    )


def closest(word: str, candidates: Iterable[str]) -> str | None:
    """The nearest candidate to a misspelt `word`, or None if nothing is close."""
    import difflib  # only to word a problem

    matches = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None
