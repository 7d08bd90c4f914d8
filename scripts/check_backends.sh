#!/bin/sh
# Run every example's generated test on the JAX and PyTorch backends, in a separate venv
# (.venv-backends) so the main one keeps TensorFlow only. Not part of CI: PyTorch is a
# large download. Usage: sh scripts/check_backends.sh [jax] [torch]
set -eu
cd "$(dirname "$0")/.."
if [ ! -x .venv-backends/bin/python ]; then
    python=$(command -v python3.11 || command -v python3)
    "$python" -m venv .venv-backends
    # torch 2.13.0's CPU build; a plain `torch` resolves to a CUDA build of several GB.
    .venv-backends/bin/python -m pip install --quiet keras jax "torch==2.13.0" pytest numpy
fi
status=0
for backend in ${*:-jax torch}; do
    echo "== KERAS_BACKEND=$backend"
    KERAS_BACKEND=$backend .venv-backends/bin/python -m pytest -q -p no:cacheprovider examples/tests || status=1
done
exit $status
