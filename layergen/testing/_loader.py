"""The fresh process that loads `.keras` files: run as a script by `fresh_process.py`, never imported.

It imports Keras once, then answers one JSON request per line on stdin: import the layer's
module (as the user's own code would), `keras.models.load_model` the file without
`custom_objects`, call the model on the saved inputs and save the outputs. Each answer is one
JSON line on the stdout it was started with; anything else printed goes to stderr, so a
`print` in a user's module cannot break the protocol.
"""

import importlib
import json
import os
import sys
import traceback
from typing import Any, TextIO


def main() -> None:
    answers = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # stray prints (the user's module, Keras) go to stderr, not into the answers
    sys.stdout = sys.stderr
    import keras
    import numpy as np

    registered: dict[str, dict[str, Any]] = {}  # module -> the classes its import registered with Keras

    def load_and_predict(request: dict[str, Any]) -> None:
        sys.path[:0] = [p for p in request["path"] if p not in sys.path]
        importlib.invalidate_caches()
        module = request["module"]
        if module not in registered:
            before = dict(keras.saving.get_custom_objects())
            importlib.import_module(module)
            after = keras.saving.get_custom_objects()
            registered[module] = {k: v for k, v in after.items() if before.get(k) is not v}
        # Put back what this module's import registered, in case a later module reused a name.
        keras.saving.get_custom_objects().update(registered[module])
        model = keras.models.load_model(request["model"])
        with np.load(request["inputs"]) as data:
            inputs = [data[f"arr_{i}"] for i in range(len(data.files))]
        outputs = model(inputs[0] if len(inputs) == 1 else inputs)
        # One array per output, in order (a layer may return several).
        np.savez(request["outputs"], *[keras.ops.convert_to_numpy(o) for o in keras.tree.flatten(outputs)])

    answer(answers, {"ready": keras.backend.backend()})
    for line in sys.stdin:
        try:
            load_and_predict(json.loads(line))
            answer(answers, {"ok": True})
        except BaseException:  # noqa: BLE001 - even a sys.exit() in the user's module is an answer
            answer(answers, {"ok": False, "error": traceback.format_exc()})


def answer(stream: TextIO, message: dict[str, Any]) -> None:
    stream.write(json.dumps(message) + "\n")
    stream.flush()


if __name__ == "__main__":
    main()
