"""Rewrite layergen/keras_vocabulary.json from the installed Keras.

Run after upgrading Keras:

    .venv/bin/python scripts/update_keras_vocabulary.py [--backend-python PYTHON:BACKEND ...]

The Layer attribute names differ by backend (on PyTorch a Layer is a torch.nn.Module too),
so the names from other backends are added by running Keras in another environment that
has them, e.g. `--backend-python .venv-backends/bin/python:torch` (see check_backends.sh).
This script imports Keras; layergen itself only reads the snapshot.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
TARGET = REPO / "layergen" / "keras_vocabulary.json"
_BASE_CLASSES = {"Initializer", "Regularizer", "Constraint"}


def snapshot_installed_keras() -> dict:
    """Read the vocabulary off the installed Keras, in the shape of keras_vocabulary.json."""
    import inspect

    import keras

    # The name tables are only in keras.src; reading them here keeps them out of layergen.
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
        "layers": layer_classes(),
    }


def layer_classes() -> dict:
    """Each public `keras.layers` class: its constructor's and its `build`'s parameters.

    A spec's sub-layer names a class from this table (`layers: {x: {class: Dense}}`); the
    parameters let the analysis refuse a misspelt argument without importing Keras.
    """
    import inspect

    import keras

    def parameters(function) -> list[str]:
        return [p for p in inspect.signature(function).parameters if p not in ("self", "args", "kwargs")]

    table = {}
    for name in sorted(dir(keras.layers)):
        cls = getattr(keras.layers, name)
        if inspect.isclass(cls) and issubclass(cls, keras.layers.Layer):
            table[name] = {"params": parameters(cls.__init__), "build": parameters(cls.build)}
    return table


def layer_attributes() -> list[str]:
    """Public attribute names of `keras.layers.Layer` on the current backend.

    They differ by backend: on PyTorch a Layer is also a `torch.nn.Module`, with
    `parameters`, `train`, `eval`, ... The shipped snapshot holds the names of all three.
    """
    import keras

    names = set(dir(keras.layers.Layer)) | set(vars(keras.layers.Layer()))
    return sorted(name for name in names if not name.startswith("_"))


def other_backend_attributes(python: str, backend: str) -> set[str]:
    """`layer_attributes()` as Keras gives them in another environment, on `backend`."""
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    output = subprocess.run(
        [python, __file__, "--print-layer-attributes"], env=env, check=True, capture_output=True, text=True
    )
    return set(json.loads(output.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend-python", action="append", default=[], metavar="PYTHON:BACKEND")
    parser.add_argument("--print-layer-attributes", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.print_layer_attributes:
        print(json.dumps(layer_attributes()))
        return
    vocabulary = snapshot_installed_keras()
    names = set(vocabulary["layer_attributes"])
    # Keep the names other backends added last time, unless this run measures them again.
    if TARGET.exists() and not args.backend_python:
        names |= set(json.loads(TARGET.read_text())["layer_attributes"])
    for entry in args.backend_python:
        python, backend = entry.rsplit(":", 1)
        names |= other_backend_attributes(python, backend)
    vocabulary["layer_attributes"] = sorted(names)
    TARGET.write_text(json.dumps(vocabulary, indent=1, sort_keys=True) + "\n")
    print(f"wrote {TARGET} ({len(names)} Layer attribute names)")


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    sys.exit(main())
