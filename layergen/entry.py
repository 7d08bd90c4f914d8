"""The `layergen` program.

`layergen check` and `layergen new` on a project whose files are current should cost
little more than reading them. Typer's option parsing loads pydantic (~200 ms), so the
plain command lines of `check`, `new` and `status` (spec paths and on/off flags) are run
here without it; anything else (help, other options, usage errors) goes to
`layergen.cli`, which defines the command line and documents it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

# command -> its on/off flags that the fast path understands -> the keyword they set
FAST_FLAGS = {
    "new": {
        "--prune": "prune",
        "--diff": "diff",
        "--accept-breaking": "accept_breaking",
        "--quiet": "quiet",
        "-q": "quiet",
    },
    "check": {"--accept-breaking": "accept_breaking", "--quiet": "quiet", "-q": "quiet"},
    "status": {"--json": "as_json"},
}


def main(argv: list[str] | None = None) -> None:
    """The console script; with `argv` (a caller in Python) it ends in `SystemExit` instead
    of leaving the process at once."""
    own_process = argv is None
    argv = sys.argv[1:] if argv is None else argv
    call = fast_call(argv)
    if call is None:
        from layergen.cli import app

        app(args=argv, prog_name="layergen")
        return
    command, paths, options = call
    from layergen import commands, report

    function = getattr(commands, command)
    status = {"new": 1, "check": commands.CHECK_ERROR, "status": 2}[command]
    if command != "status":
        options["progress"] = report.progress_display()
    code = execute(function, paths, error_status=status, echo=report.plain_echo, notify=_notice, **options)
    if own_process:
        hard_exit(code)
    sys.exit(code)


def hard_exit(code: int) -> None:
    """Leave without the interpreter's teardown, which costs tens of ms once black or a
    pool was loaded. Nothing is left for it to do: the command has released the project's
    lock, shut its pool down and closed every file it wrote (no layergen code uses atexit)."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):  # a closed pipe: what could not be written is lost either way
        code = code or 1
    os._exit(code)


def fast_call(argv: list[str]) -> tuple[str, list[Path], dict[str, object]] | None:
    """(command, spec paths, options) for a command line the fast path takes, else None."""
    if not argv or argv[0] not in FAST_FLAGS:
        return None
    flags = FAST_FLAGS[argv[0]]
    paths: list[Path] = []
    options: dict[str, object] = {}
    for argument in argv[1:]:
        if argument in flags:
            options[flags[argument]] = True
        elif argument.startswith("-") or not argument:
            return None
        else:
            paths.append(Path(argument))
    return argv[0], paths, options


def execute(command: Callable, *args, error_status: int = 1, echo=None, **options) -> int:
    """Run one command function and show its result; returns the exit code."""
    from layergen import report
    from layergen.errors import LayergenError
    from layergen.result import CommandResult

    try:
        result = command(*args, **options)
    except LayergenError as error:
        # A record that cannot be read is exit status 2 whatever the command (`RecordError`).
        result = CommandResult(problems=[error], status=getattr(error, "exit_code", error_status))
    try:
        return report.show(result, echo)
    except BrokenPipeError:
        # The reader left early (`layergen status | head -1`): the rest is not wanted, and
        # the command's outcome stands. Python would complain again when it flushes at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return result.exit_code


def _notice(text: str) -> None:
    """Show a notice at once, while the command still runs (waiting for another run)."""
    from layergen import report
    from layergen.result import CommandResult, Level, Line

    report.show(CommandResult([Line(text, Level.WARNING)]), report.plain_echo)
