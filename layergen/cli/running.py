"""Run one command function and show its result: the one boundary where a `LayergenError`
raised out of a command becomes printed problems, and Ctrl-C becomes `Aborted.`.

In: a function of `layergen.commands` (or `show` / `audit`) and its arguments. Out: its result
printed by `layergen.cli.report`, and the exit status. Both the fast path (`cli.main`) and the
Typer app (`cli.app`) run commands through here; it loads neither Typer nor pydantic.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from layergen.exit_status import CANNOT_RUN, INTERRUPTED

if TYPE_CHECKING:
    from layergen.commands.result import CommandResult, Line

Echo = Callable[["Line"], None]


def execute(
    command: Callable[..., CommandResult],
    *args: object,
    error_status: int = CANNOT_RUN,
    echo: Echo | None = None,
    **options: object,
) -> int:
    """Run one command function and show its result; returns the exit code."""
    from layergen.cli import report
    from layergen.commands.result import CommandResult
    from layergen.errors import LayergenError

    try:
        result = command(*args, **options)
    except KeyboardInterrupt:
        # Ctrl-C: one line, no traceback. Files are written whole (atomically), the
        # project's lock is released on the way out, and a run stopped midway is finished
        # by the next one (`apply.writing_run`).
        sys.stderr.write("\nAborted.\n")
        return INTERRUPTED
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


def notice(text: str, echo: Echo | None = None) -> None:
    """Show a notice at once, while the command still runs (waiting for another run)."""
    from layergen.cli import report
    from layergen.commands.result import CommandResult, Level, Line

    report.show(CommandResult([Line(text, Level.WARNING)]), echo)
