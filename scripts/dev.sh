#!/bin/sh
# One entry point for a fresh checkout: makes .venv (once, and again when pyproject.toml
# changes), installs layergen with its test extras, then runs the task.
#   sh scripts/dev.sh generate   regenerate the example layers from specs/examples
#   sh scripts/dev.sh test       run the whole test suite
set -eu
cd "$(dirname "$0")/.."

if [ ! -f .venv/.layergen-installed ] || [ pyproject.toml -nt .venv/.layergen-installed ]; then
    python=$(command -v python3.11 || command -v python3)
    "$python" -m venv .venv
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --editable '.[test]'
    touch .venv/.layergen-installed
fi

task=${1:-}
[ $# -gt 0 ] && shift
case "$task" in
    generate) exec .venv/bin/layergen new "$@" ;;
    test) exec .venv/bin/python -m pytest -n 2 "$@" ;;
    *) echo "usage: sh scripts/dev.sh generate|test [args...]" >&2; exit 2 ;;
esac
