"""The program's fast entry: plain `check` / `new` / `status` lines run without typer, and
say what the typer command line says; anything else goes to typer."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import cli, python_path
from regen_support import LAYER, LINEAR, SPEC, edit, generate_linear

from layergen.cli.main import fast_call


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["check"], ("check", [], {})),
        (["check", "-q", "specs"], ("check", [Path("specs")], {"quiet": True})),
        (
            ["new", "--prune", "--accept-breaking", "a.yaml"],
            ("new", [Path("a.yaml")], {"prune": True, "accept_breaking": True}),
        ),
        (["status", "--json"], ("status", [], {"as_json": True})),
        (["check", "--bogus"], None),
        (["new", "--conflicts", "side"], None),
        (["new", "--help"], None),
        (["status", "-q"], ("status", [], {"quiet": True})),
        (["status", "--all"], None),
        (["validate"], None),
        (["check", "--", "x"], None),
        ([], None),
    ],
)
def test_which_command_lines_take_the_fast_entry(argv, expected):
    assert fast_call(argv) == expected


def _program(folder, *args):
    return subprocess.run(
        [sys.executable, "-m", "layergen", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        env={"NO_COLOR": "1", "PYTHONPATH": python_path()},
    )


@pytest.mark.parametrize("args", [("check",), ("new",), ("status",), ("check", "--quiet")])
def test_the_fast_entry_says_what_the_typer_command_says(project, tmp_path_factory, monkeypatch, args):
    generate_linear(project)
    edit(project / SPEC, "summary: ", "summary: Changed. ")
    twin = tmp_path_factory.mktemp("twin") / "project"
    shutil.copytree(project, twin)
    fast = _program(twin, *args)
    typed = cli(*args)
    assert (fast.returncode, fast.stdout, fast.stderr) == (typed.exit_code, typed.stdout, typed.stderr)
    assert LAYER in fast.stdout


def test_the_program_leaves_at_once_with_its_output_and_nothing_left_behind(project, tmp_path):
    """The program ends without the interpreter's teardown (`entry.hard_exit`): what it
    printed still arrives, and its lock, files and black pool are all done with."""
    from layergen.project.lock import LOCK_PATH, OsLock
    from layergen.writing import _TEMPORARY

    (project / "specs" / "linear.yaml").write_text(LINEAR)
    (project / "specs" / "broken.yaml").write_text("layer: Broken\n")
    # Nothing cached: black formats the files, in a pool of its own.
    env = {"NO_COLOR": "1", "PYTHONPATH": python_path(), "LAYERGEN_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [sys.executable, "-m", "layergen", "new"], cwd=project, capture_output=True, text=True, env=env
    )
    typed = cli("check")
    assert done.returncode == 1 and "broken.yaml" in done.stderr and LAYER in done.stdout
    assert typed.exit_code == 1 and "linear" not in typed.stdout, "the good spec's files were written and recorded"
    assert [p for p in project.rglob("*") if _TEMPORARY.match(p.name)] == []
    lock = OsLock(project / LOCK_PATH)
    assert lock.acquire(timeout=0), "the lock is free"
    lock.release()
    checked = _program(project, "check")
    assert (checked.returncode, checked.stdout, checked.stderr) == (typed.exit_code, typed.stdout, typed.stderr)


@pytest.mark.parametrize("args", [("status",), ("check", "specs")])
def test_a_reader_that_leaves_early_costs_no_traceback(project, args):
    """`layergen status | head -1`: the rest of the output is dropped, the outcome stands."""
    generate_linear(project)
    run = subprocess.Popen(
        [sys.executable, "-m", "layergen", *args],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={"NO_COLOR": "1", "PYTHONPATH": python_path()},
    )
    run.stdout.close()  # type: ignore[union-attr]  # gone before the first line is written
    stderr = run.stderr.read().decode()  # type: ignore[union-attr]
    assert run.wait() == 0
    assert "Traceback" not in stderr and "BrokenPipe" not in stderr, stderr
