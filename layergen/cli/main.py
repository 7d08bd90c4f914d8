"""The `layergen` program.

`layergen check` and `layergen new` on a project whose files are current should cost
little more than reading them. Typer's option parsing loads pydantic (~200 ms), so the
plain command lines of `check`, `new` and `status` (spec paths and on/off flags) are run
here without it; anything else (help, other options, usage errors) goes to
`layergen.cli.app`, which defines the command line and documents it.
"""

from __future__ import annotations

import gc
import os
import sys
from functools import partial
from pathlib import Path

from layergen.cli.running import execute, notice
from layergen.exit_status import CANNOT_RUN, INTERRUPTED

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
    "status": {"--json": "as_json", "--quiet": "quiet", "-q": "quiet"},
}


def main(argv: list[str] | None = None) -> None:
    """The console script; with `argv` (a caller in Python) it ends in `SystemExit` instead
    of leaving the process at once."""
    own_process = argv is None
    argv = sys.argv[1:] if argv is None else argv
    try:
        code = _main(argv, own_process=own_process)
    except KeyboardInterrupt:  # before or after the command ran (`execute` words it within)
        sys.stderr.write("\nAborted.\n")
        code = INTERRUPTED
    if own_process:
        hard_exit(code)
    sys.exit(code)


def _main(argv: list[str], *, own_process: bool = False) -> int:
    call = None if os.environ.get("_LAYERGEN_COMPLETE") else fast_call(argv)  # shell completion: click's
    if call is None:
        return _typer_main(argv)
    if own_process:
        # Loading modules makes many objects and no garbage, yet sets the cyclic collector
        # off again and again (~5% of a short run). It is on again once a run that
        # generates has loaded what it needs (`formatting.formatter.collect_again`).
        gc.disable()
    command, paths, options = call
    from layergen import commands
    from layergen.cli import report

    function = getattr(commands, command)
    if command != "status":
        options["progress"] = report.progress_display()
    notify = partial(notice, echo=report.plain_echo)
    return execute(function, paths, error_status=CANNOT_RUN, echo=report.plain_echo, notify=notify, **options)


def _typer_main(argv: list[str]) -> int:
    """Everything else, through Typer: help, options with values, usage errors, completion."""
    from layergen.cli.app import app

    app(args=argv, prog_name="layergen")  # exits (SystemExit) with the command's code
    return 0


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
