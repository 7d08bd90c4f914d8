"""The fresh process of `layergen show`: builds layers with Keras and lists their weights.

`layergen show` itself imports no backend. It renders each layer module into a temporary
folder and runs `python -m layergen.show.probe FOLDER` with one JSON request per layer on
standard input; this process puts FOLDER first on `sys.path`, builds each layer as
`model.summary()` would (called on `keras.Input`s), and prints one JSON answer per line:
the weights in `layer.weights`'s order, or the error that stopped it.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any


def main() -> None:
    sys.path.insert(0, sys.argv[1])
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    requests = json.load(sys.stdin)
    import importlib

    import keras

    for request in requests:
        try:
            module = importlib.import_module(request["module"])
            layer_class = getattr(module, request["class"])
            answer = _weights(keras, layer_class, request)
        except Exception as exc:  # the answer names it; show words it as one line
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        print(json.dumps(answer), flush=True)


def _weights(keras: Any, layer_class: Any, request: dict[str, Any]) -> dict[str, object]:
    # Any: Keras is untyped; `request` is the JSON that `layergen show` wrote.
    layer = layer_class(**request["arguments"])
    inputs = [keras.Input(batch_shape=tuple(shape), dtype=dtype, name=name) for name, shape, dtype in request["inputs"]]
    layer(*([inputs[0], inputs[1:]] if request.get("grouped_states") else inputs))  # a cell's several states
    prefix = layer.name + "/"
    weights = []
    for weight in layer.weights:
        path = weight.path.removeprefix(prefix)
        shape = [int(size) for size in weight.shape]
        weights.append({"path": path, "shape": shape, "dtype": str(weight.dtype), "trainable": bool(weight.trainable)})
    return {"weights": weights, "count_params": int(layer.count_params())}


if __name__ == "__main__":
    main()
