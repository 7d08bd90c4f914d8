"""Rewrite layergen/keras_vocabulary.json from the installed Keras.

Run after upgrading Keras: `.venv/bin/python scripts/update_keras_vocabulary.py`.
"""

import json
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from layergen.vocabulary import snapshot_installed_keras  # noqa: E402

target = Path(__file__).resolve().parents[1] / "layergen" / "keras_vocabulary.json"
target.write_text(json.dumps(snapshot_installed_keras(), indent=1, sort_keys=True) + "\n")
print(f"wrote {target}")
