"""The program's fast entry: plain `check` / `new` / `status` lines run without typer, and
say what the typer command line says; anything else goes to typer."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import cli
from regen_support import LAYER, SPEC, edit, generate_linear

from layergen.entry import fast_call


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
        (["status", "-q"], None),
        (["validate"], None),
        (["check", "--", "x"], None),
        ([], None),
    ],
)
def test_which_command_lines_take_the_fast_entry(argv, expected):
    assert fast_call(argv) == expected


def _program(folder, *args):
    return subprocess.run(
        [sys.executable, "-m", "layergen", *args], cwd=folder, capture_output=True, text=True, env={"NO_COLOR": "1"}
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
