"""The habits Python users expect of a command line: Ctrl-C says `Aborted.` and exits 130,
shell completion, `-V`, the same option names and exit codes in every command (one table),
FORCE_COLOR and NO_COLOR, `--quiet` everywhere, and a hint to run `layergen init`."""

import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
import typer
from conftest import REPO, cli

from layergen import __version__
from layergen.cli.app import app
from layergen.cli.options import EXIT_CODES
from layergen.cli.running import execute
from layergen.exit_status import CANNOT_RUN, INTERRUPTED, MEANINGS
from layergen.project.lock import LOCK_PATH

PROGRAM = [sys.executable, "-m", "layergen"]
BAD_SPEC = "layer: Bad\ncall: return inputs\n"


def program(folder, *args, **env):
    return subprocess.run(
        [*PROGRAM, *args], cwd=folder, capture_output=True, text=True, env={**os.environ, **env}, timeout=300
    )


def test_ctrl_c_in_a_command_says_aborted_and_exits_130(capsys):
    def interrupted(*args, **options):
        raise KeyboardInterrupt

    assert execute(interrupted) == INTERRUPTED == 130
    assert capsys.readouterr().err == "\nAborted.\n"


def test_ctrl_c_while_generating_leaves_a_project_the_next_run_finishes(tmp_path):
    assert program(tmp_path, "init", "-q").returncode == 0
    starter = (tmp_path / "specs" / "scaled_dense.yaml").read_text()
    for index in range(30):
        text = starter.replace("layer: ScaledDense", f"layer: ScaledDense{index}")
        (tmp_path / "specs" / f"scaled_dense_{index}.yaml").write_text(text)
    env = {**os.environ, "LAYERGEN_CACHE_DIR": str(tmp_path / "cache"), "NO_COLOR": "1"}  # black has work to do
    # A session of its own: Ctrl-C reaches the whole process group, black's workers included.
    run = subprocess.Popen(
        [*PROGRAM, "new"], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while not (tmp_path / LOCK_PATH).exists() and run.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    os.killpg(run.pid, signal.SIGINT)
    _, err = run.communicate(timeout=120)
    assert (run.returncode, err) == (130, "\nAborted.\n")
    finished = program(tmp_path, "new", "-q", LAYERGEN_CACHE_DIR=str(tmp_path / "cache"))
    assert finished.returncode == 0, finished.stderr
    assert program(tmp_path, "check").returncode == 0


def test_version_short_and_long():
    for flag in ("-V", "--version"):
        result = cli(flag)
        assert (result.exit_code, result.stdout) == (0, f"layergen {__version__}\n")


def test_shell_completion_completes_commands_and_options(tmp_path):
    # The script `--show-completion` prints in bash: it detects the user's shell, and CI runs
    # under sh, which has no completion; Click's own variable asks for bash's outright.
    script = program(tmp_path, _LAYERGEN_COMPLETE="source_bash")
    assert script.returncode == 0 and "_LAYERGEN_COMPLETE=complete_bash" in script.stdout
    words = {"_LAYERGEN_COMPLETE": "complete_bash", "COMP_WORDS": "layergen ne", "COMP_CWORD": "1"}
    assert program(tmp_path, **words).stdout.split() == ["new"]
    words |= {"COMP_WORDS": "layergen new --la", "COMP_CWORD": "2"}
    assert program(tmp_path, **words).stdout.split() == ["--layers"], "the earlier name stays unlisted"


def test_every_command_names_its_options_alike():
    group = typer.main.get_command(app)
    for name in ("new", "init"):
        options = {opt for param in group.commands[name].params for opt in param.opts if not param.hidden}
        assert {"--layers", "--tests", "--package", "--quiet"} <= options, name
        assert not {"--layers-dir", "--tests-dir"} & options, name
    for name, command in group.commands.items():
        options = {opt for param in command.params for opt in param.opts}
        # `schema` and `show` print what was asked for, nothing else to leave out.
        assert name in ("schema", "show") or "--quiet" in options, f"{name} has no --quiet"


def test_the_earlier_option_names_still_work(project):
    shutil.copy(REPO / "specs" / "examples" / "linear_layer.yaml", project / "specs")
    assert cli("new", "--layers-dir", "old", "--tests-dir", "old_tests").exit_code == 0
    assert (project / "old" / "linear_layer.py").is_file() and (
        project / "old_tests" / "test_linear_layer.py"
    ).is_file()
    assert cli("new", "--layers", "new", "--tests", "new_tests").exit_code == 0
    assert (project / "new" / "linear_layer.py").is_file() and (
        project / "new_tests" / "test_linear_layer.py"
    ).is_file()


def test_each_exit_code_has_one_meaning_in_every_command():
    for command, codes in EXIT_CODES.items():
        assert {code: MEANINGS[code] for code in codes} == codes, command
    assert set(EXIT_CODES) == set(typer.main.get_command(app).commands)


@pytest.mark.parametrize("command", ["new", "check", "status", "validate"])
def test_the_same_problem_exits_alike_from_every_command(tmp_path, command):
    # No specs folder: the command cannot run (2), through the fast entry and through Typer.
    (tmp_path / "pyproject.toml").write_text('[tool.layergen]\nspecs = "specs"\n')
    for args in ([command], [command, "--quiet"] if command != "validate" else [command, "-q"]):
        done = program(tmp_path, *args)
        assert done.returncode == 2, (args, done.stderr)
        assert done.stderr == "specs: no such spec file or folder\n"
    # A spec with problems: 1, wherever it is found.
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "bad.yaml").write_text(BAD_SPEC)
    assert program(tmp_path, command).returncode == 1  # status too: it lists the spec as invalid


def test_a_folder_without_settings_or_specs_is_told_about_init(tmp_path):
    for command in ("new", "check", "status", "validate"):
        done = program(tmp_path, command)
        assert (done.returncode, done.stderr) == (
            2,
            "specs: no such spec folder; `layergen init` sets up a project here\n",
        )
    assert program(tmp_path, "init", "-q").returncode == 0
    assert program(tmp_path, "new", "-q").returncode == 0


@pytest.mark.parametrize("command", [["check"], ["validate"]])  # the fast entry, and Typer
def test_force_color_colours_a_pipe_and_no_color_wins(project, command):
    (project / "specs" / "bad.yaml").write_text(BAD_SPEC)
    coloured = program(project, *command, FORCE_COLOR="1", NO_COLOR="")
    assert coloured.stderr.startswith("\x1b[31mspecs/bad.yaml:"), coloured.stderr
    plain = program(project, *command, FORCE_COLOR="1", NO_COLOR="1")
    assert plain.stderr.startswith("specs/bad.yaml:") and "\x1b[" not in plain.stderr
    assert "\x1b[" not in program(project, *command, FORCE_COLOR="", NO_COLOR="").stderr  # a pipe: no colour


def test_quiet_prints_only_what_needs_attention(project):
    shutil.copy(REPO / "specs" / "examples" / "linear_layer.yaml", project / "specs")
    assert cli("new", "-q").stdout == ""
    assert cli("validate").stdout == "ok specs/linear_layer.yaml (LinearLayer)\n"
    assert cli("validate", "--quiet").stdout == ""
    assert cli("status").stdout.startswith("current")
    for fast in (True, False):
        quiet = program(project, "status", "-q") if fast else cli("status", "--quiet")
        assert quiet.stdout == ""
    (project / "specs" / "bad.yaml").write_text(BAD_SPEC)
    assert cli("validate", "-q").stdout == "" and "specs/bad.yaml" in cli("validate", "-q").stderr


def test_init_quiet_prints_nothing_that_went_well(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("init", "--quiet")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert (tmp_path / "specs" / "scaled_dense.yaml").is_file()


def test_a_command_that_cannot_run_exits_two(capsys):
    def cannot_run():
        from layergen.errors import LayergenError

        raise LayergenError.plain("specs", "no such spec file or folder")

    assert execute(cannot_run) == CANNOT_RUN == 2
    assert capsys.readouterr().err == "specs: no such spec file or folder\n"
