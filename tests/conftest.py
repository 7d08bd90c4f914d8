import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from layergen.cli import app

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_SPECS = sorted((REPO / "specs" / "examples").glob("*.yaml"))
TEST_SPECS = sorted((REPO / "tests" / "specs").glob("*.yaml"))

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@pytest.fixture
def project(tmp_path, monkeypatch):
    """An empty project folder with a pyproject.toml, as the current directory."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\n\n[tool.layergen]\nspecs = "specs"\n')
    (tmp_path / "specs").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def cli(*args):
    """Run the CLI in-process; returns the click Result (exit_code, stdout, stderr)."""
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def run_pytest(folder: Path, *args, timeout=900):
    """Run pytest on a generated project in a fresh process (as a user would)."""
    env = {**os.environ, "PYTHONPATH": str(folder)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(folder), *map(str, args)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
