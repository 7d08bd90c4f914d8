"""The fresh processes the suite starts import the layergen the suite imports.

The environment may have another checkout installed (an editable install of the main
checkout, while the suite runs from a worktree with PYTHONPATH pointing at it): a process
whose PYTHONPATH dropped the suite's would test that other checkout's code.
"""

import os
from pathlib import Path

from conftest import SUITE_PYTHONPATH, python_path, run_pytest

import layergen

WHERE = """
import layergen


def test_where():
    assert layergen.__file__ == {expected!r}, layergen.__file__
"""


def test_a_generated_projects_pytest_imports_the_suites_layergen(tmp_path):
    (tmp_path / "test_where.py").write_text(WHERE.format(expected=layergen.__file__))
    done = run_pytest(tmp_path)
    assert done.returncode == 0, f"{done.stdout[-2000:]}\n(run the suite with PYTHONPATH set to this checkout)"
    assert "1 passed" in done.stdout


def test_the_project_folder_comes_first_and_the_suites_path_is_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", "somewhere-else")  # read when the suite started, not now
    monkeypatch.chdir(tmp_path)
    entries = python_path(tmp_path / "project").split(os.pathsep)
    assert entries == [str(tmp_path / "project"), *SUITE_PYTHONPATH]
    assert all(Path(entry).is_absolute() for entry in entries)
