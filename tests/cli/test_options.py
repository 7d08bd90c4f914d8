"""What the commands share is declared once: the exit statuses (`layergen.exit_status`), the
options several commands take (`cli.options`), and the running of a command (`cli.running`),
which the fast path uses without Typer or pydantic."""

import subprocess
import sys

import typer

from layergen.cli.app import app
from layergen.cli.options import EXIT_CODES, exit_codes_epilog
from layergen.exit_status import CANNOT_RUN, DONE, INTERRUPTED, MEANINGS, NEEDS_FIXING


def _options(command: str) -> dict:
    click_command = typer.main.get_command(app).commands[command]
    return {option: param for param in click_command.params for option in getattr(param, "opts", [])}


def test_show_audit_and_adopt_take_the_same_arg_and_input_shape_options():
    for command in ("show", "audit", "adopt"):
        options = _options(command)
        assert options["--arg"].metavar == "NAME=VALUE" and options["--arg"].multiple, command
        assert options["--input-shape"].multiple, command


def test_the_exit_codes_are_the_statuses_with_their_one_meaning():
    assert (DONE, NEEDS_FIXING, CANNOT_RUN, INTERRUPTED) == (0, 1, 2, 130)
    assert set(MEANINGS) == {DONE, NEEDS_FIXING, CANNOT_RUN, INTERRUPTED}
    for command, codes in EXIT_CODES.items():
        epilog = exit_codes_epilog(command)
        assert all(f"  {code}  {MEANINGS[code]}" in epilog for code in codes), command


def test_the_fast_path_loads_neither_typer_nor_pydantic():
    code = (
        "import sys\nimport layergen.cli.main, layergen.cli.running\n"
        "print(sorted(m for m in ('typer', 'click', 'pydantic') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
