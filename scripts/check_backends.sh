#!/bin/sh
# Run every example's generated test on the given backends (default: jax and torch) in
# .venv, which the test extras give all three. The suite does the same
# (tests/testing/test_backends.py); this runs one backend's pass alone.
# Usage: sh scripts/check_backends.sh [jax] [torch] [tensorflow]
set -eu
cd "$(dirname "$0")/.."
status=0
for backend in ${*:-jax torch}; do
    echo "== KERAS_BACKEND=$backend"
    KERAS_BACKEND=$backend .venv/bin/python -m pytest -q -rs -p no:cacheprovider examples/tests || status=1
done
exit $status
