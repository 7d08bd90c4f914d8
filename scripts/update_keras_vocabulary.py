"""Rewrite layergen/keras_vocabulary.json from the installed Keras.

Run after upgrading Keras:

    .venv/bin/python scripts/update_keras_vocabulary.py [--backend-python PYTHON:BACKEND ...]

The Layer attribute names differ by backend (on PyTorch a Layer is a torch.nn.Module too),
so the names from other backends are added by running Keras in another environment that
has them, e.g. `--backend-python .venv-backends/bin/python:torch` (see check_backends.sh).
"""

import argparse
import json
import os
import subprocess
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from layergen.vocabulary import snapshot_installed_keras  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
TARGET = REPO / "layergen" / "keras_vocabulary.json"
PRINT_ATTRIBUTES = (
    "import json; from layergen.vocabulary import layer_attributes; print(json.dumps(layer_attributes()))"
)

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--backend-python", action="append", default=[], metavar="PYTHON:BACKEND")
args = parser.parse_args()

vocabulary = snapshot_installed_keras()
names = set(vocabulary["layer_attributes"])
# Keep the names other backends added last time, unless this run measures them again.
if TARGET.exists() and not args.backend_python:
    names |= set(json.loads(TARGET.read_text())["layer_attributes"])
for entry in args.backend_python:
    python, backend = entry.rsplit(":", 1)
    env = {**os.environ, "KERAS_BACKEND": backend, "PYTHONPATH": str(REPO)}
    output = subprocess.run([python, "-c", PRINT_ATTRIBUTES], env=env, check=True, capture_output=True, text=True)
    names |= set(json.loads(output.stdout.strip().splitlines()[-1]))
vocabulary["layer_attributes"] = sorted(names)
TARGET.write_text(json.dumps(vocabulary, indent=1, sort_keys=True) + "\n")
print(f"wrote {TARGET} ({len(names)} Layer attribute names)")
