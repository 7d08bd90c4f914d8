"""The output boundary: commands return results, `layergen.cli.report` alone prints them."""

import os
import pty
import subprocess
import sys

import pytest
from conftest import REPO
from typer.testing import CliRunner

from layergen import commands
from layergen.cli.app import app, report
from layergen.commands.result import CommandResult, Level, Line
from layergen.errors import LayergenError, Problem

BAD_SPEC = "layer: Bad\ncall: return inputs\n"
BAD_SPEC_PROBLEM = "bad.yaml:1:1: summary: missing required field 'summary'"


def test_commands_return_results_and_print_nothing(project, capsys):
    (project / "specs" / "linear.yaml").write_text((REPO / "specs/examples/linear_layer.yaml").read_text())
    (project / "specs" / "bad.yaml").write_text(BAD_SPEC)
    result = commands.validate([])
    assert capsys.readouterr() == ("", "")
    assert result.lines == [Line("ok specs/linear.yaml (LinearLayer)", Level.INFO)]
    assert [str(p) for error in result.problems for p in error.problems][0] == f"specs/{BAD_SPEC_PROBLEM}"
    assert result.exit_code == 1


def test_commands_module_does_not_import_the_cli_toolkit():
    script = "import sys, layergen.commands; assert 'typer' not in sys.modules, 'typer imported'"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_each_level_goes_to_its_stream_in_order(capsys):
    result = CommandResult(
        [Line("wrote a.py"), Line("careful", Level.WARNING), Line("  | both", Level.DETAIL), Line("done")],
        [LayergenError([Problem("a.yaml", "first", line=1), Problem("a.yaml", "second")])],
    )
    assert report.show(result) == 1
    out, err = capsys.readouterr()
    assert out == "wrote a.py\ndone\n"
    assert err == "careful\n  | both\na.yaml:1: first\na.yaml: second\n"


@pytest.mark.parametrize(
    ("result", "code"),
    [
        (CommandResult(), 0),
        (CommandResult(problems=[LayergenError.plain("x", "y")]), 1),
        (CommandResult(status=2), 2),
        (CommandResult(problems=[LayergenError.plain("x", "y")], status=2), 2),
    ],
)
def test_exit_code_is_one_for_problems_unless_the_command_says(result, code):
    assert result.exit_code == code


def test_a_failure_that_stops_the_command_is_reported_not_raised(project):
    (project / "pyproject.toml").write_text("[tool.layergen\n")
    for command, code in (["validate"], 2), (["check"], 2), (["new"], 2):  # the command cannot run
        result = CliRunner().invoke(app, command)
        assert result.exit_code == code, command
        assert result.stderr.startswith("pyproject.toml:1:15: cannot read pyproject.toml:")
        assert result.exception is None or isinstance(result.exception, SystemExit)


def test_colours_on_a_terminal_unless_no_color(project):
    (project / "bad.yaml").write_text(BAD_SPEC)
    runner = CliRunner()
    on_terminal = runner.invoke(app, ["validate", "bad.yaml"], color=True, env={"NO_COLOR": None})
    assert on_terminal.stderr.startswith(f"\x1b[31m{BAD_SPEC_PROBLEM}")
    for value in ("1", "false"):
        plain = runner.invoke(app, ["validate", "bad.yaml"], color=True, env={"NO_COLOR": value})
        assert plain.stderr.startswith(BAD_SPEC_PROBLEM), value
        assert "\x1b[" not in plain.stderr


def _stderr_of(args, cwd, env, on_terminal):
    """Run the real CLI with its standard error on a pseudo-terminal or a pipe."""
    if not on_terminal:
        return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True).stderr
    leader, follower = pty.openpty()
    try:
        subprocess.run(args, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=follower, timeout=120)
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # Linux: the terminal was closed and drained
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks).decode()
    finally:
        os.close(leader)


@pytest.mark.parametrize(
    ("on_terminal", "no_color", "coloured"),
    [(True, None, True), (True, "1", False), (False, None, False)],
)
def test_real_terminal_colour(project, on_terminal, no_color, coloured):
    (project / "bad.yaml").write_text(BAD_SPEC)
    env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    if no_color:
        env["NO_COLOR"] = no_color
    stderr = _stderr_of([sys.executable, "-m", "layergen", "validate", "bad.yaml"], project, env, on_terminal)
    assert BAD_SPEC_PROBLEM in stderr
    assert ("\x1b[31m" in stderr) == coloured


LINEAR_SPEC = (REPO / "specs/examples/linear_layer.yaml").read_text()


def _many_specs(project, count):
    for index in range(count):
        text = LINEAR_SPEC.replace("layer: LinearLayer", f"layer: Linear{index}")
        (project / "specs" / f"linear_{index}.yaml").write_text(text)


def test_many_specs_are_counted_not_listed(project):
    _many_specs(project, 12)
    first = commands.new([])
    assert [line.text for line in first.lines][-1] == "24 written"
    spec = project / "specs" / "linear_0.yaml"
    spec.write_text(spec.read_text().replace("summary: ", "summary: Edited. "))
    again = commands.new([])
    assert [line.text for line in again.lines] == ["updated layers/linear0.py", "1 updated, 23 unchanged"]
    spec.write_text(spec.read_text().replace("summary: Edited. ", "summary: Again. "))
    dry = commands.new([], diff=True)
    assert dry.lines[-1].text == "1 to be updated, 23 unchanged (--diff: nothing written)"
    assert commands.new([], diff=True).lines[-1].text == dry.lines[-1].text, "nothing was written"


def test_progress_shows_on_a_terminal_only_and_for_many_items(monkeypatch, capsys):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False, raising=False)
    assert report.progress_display() is None
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    show = report.progress_display(minimum=3)
    show("reading specs", 1, 2)
    assert capsys.readouterr().err == ""
    show("reading specs", 1, 5)
    show("reading specs", 5, 5)
    assert capsys.readouterr().err == "\r\033[Kreading specs 1/5\r\033[K"


def test_new_reports_progress_while_it_reads_specs(project):
    _many_specs(project, 3)
    seen = []
    commands.new([], progress=lambda what, done, total: seen.append((what, done, total)))
    assert ("reading specs", 0, 3) in seen and ("reading specs", 3, 3) in seen
    assert ("generating", 0, 3) in seen and ("formatting", 3, 3) in seen
