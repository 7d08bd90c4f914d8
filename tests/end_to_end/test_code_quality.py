"""layergen's own code passes its linters with the project's configuration (pyproject.toml)."""

import subprocess
import sys

from conftest import REPO


def run(*command):
    return subprocess.run([sys.executable, "-m", *command], cwd=REPO, capture_output=True, text=True)


def test_ruff_finds_nothing_in_layergen_and_its_tests():
    result = run("ruff", "check", "layergen", "tests", "scripts", "benchmarks")
    assert result.returncode == 0, result.stdout[-4000:]


def test_mypy_finds_nothing_in_layergen():
    result = run("mypy")
    assert result.returncode == 0, result.stdout[-4000:]
