"""Keras's own vocabulary, snapshotted so that generating a layer never imports Keras.

`keras_vocabulary.json` holds the names Keras accepts for initializers, regularizers,
constraints, activations and dtypes, and the attribute names of `keras.layers.Layer`.
`scripts/update_keras_vocabulary.py` rewrites it from the installed Keras, and a test
fails when the snapshot and the installed Keras disagree.
"""

from __future__ import annotations

import difflib
import functools
import json
from dataclasses import dataclass
from importlib import resources

# The kinds of Keras object a weight can name, with the public module that resolves them.
OBJECT_KINDS = {
    "initializer": "keras.initializers",
    "regularizer": "keras.regularizers",
    "constraint": "keras.constraints",
}
_BASE_CLASSES = {"Initializer", "Regularizer", "Constraint"}


@dataclass(frozen=True)
class KerasClass:
    """One class Keras resolves by name, e.g. `RandomNormal(mean, stddev, seed)`."""

    module: str
    name: str
    params: tuple[str, ...]

    @property
    def qualified_name(self) -> str:
        return f"{self.module}.{self.name}"


@dataclass(frozen=True)
class Vocabulary:
    keras_version: str
    objects: dict[str, dict[str, KerasClass]]  # kind -> alias -> class
    activations: frozenset[str]
    dtypes: frozenset[str]
    layer_attributes: frozenset[str]

    def lookup(self, kind: str, alias: str) -> KerasClass | None:
        return self.objects[kind].get(alias)


@functools.cache
def load() -> Vocabulary:
    raw = json.loads(resources.files("layergen").joinpath("keras_vocabulary.json").read_text())
    objects = {
        kind: {
            alias: KerasClass(OBJECT_KINDS[kind], entry["class"], tuple(entry["params"]))
            for alias, entry in raw[kind + "s"].items()
        }
        for kind in OBJECT_KINDS
    }
    return Vocabulary(
        keras_version=raw["keras_version"],
        objects=objects,
        activations=frozenset(raw["activations"]),
        dtypes=frozenset(raw["dtypes"]),
        layer_attributes=frozenset(raw["layer_attributes"]),
    )


def closest(word: str, candidates) -> str | None:
    """The nearest candidate to a misspelt `word`, or None if nothing is close."""
    matches = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def snapshot_installed_keras() -> dict:
    """Read the vocabulary off the installed Keras (imports Keras: dev and test use only)."""
    import inspect

    import keras
    from keras.src import activations, constraints, initializers, regularizers
    from keras.src.backend.common import dtypes

    def classes(private_module, public_module) -> dict:
        table = {}
        for alias, obj in sorted(private_module.ALL_OBJECTS_DICT.items()):
            name = obj.__name__
            if name in _BASE_CLASSES or getattr(public_module, name, None) is not obj:
                continue
            params = [p for p in inspect.signature(obj).parameters if p not in ("args", "kwargs")]
            table[alias] = {"class": name, "params": params}
        return table

    return {
        "keras_version": keras.__version__,
        "initializers": classes(initializers, keras.initializers),
        "regularizers": classes(regularizers, keras.regularizers),
        "constraints": classes(constraints, keras.constraints),
        "activations": sorted(activations.ALL_OBJECTS_DICT),
        "dtypes": sorted(str(d) for d in dtypes.ALLOWED_DTYPES),
        "layer_attributes": layer_attributes(),
    }


def layer_attributes() -> list[str]:
    """Public attribute names of `keras.layers.Layer` on the current backend (imports Keras).

    They differ by backend: on PyTorch a Layer is also a `torch.nn.Module`, with
    `parameters`, `train`, `eval`, ... The shipped snapshot holds the names of all three.
    """
    import keras

    names = set(dir(keras.layers.Layer)) | set(vars(keras.layers.Layer()))
    return sorted(name for name in names if not name.startswith("_"))
