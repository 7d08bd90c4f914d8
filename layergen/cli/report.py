"""Show a `CommandResult`: the only place layergen prints.

Information goes to standard output; warnings, failure details and problems to standard
error, so `layergen new > log` still shows what went wrong. Colour only on a terminal,
always when `FORCE_COLOR` is set to a non-empty value (https://force-color.org, for CI
logs), and never when `NO_COLOR` is (https://no-color.org; it wins over FORCE_COLOR).

`show` prints through typer (click) by default, which the CLI's tests capture; the fast
entry (`layergen.cli.main`) passes `plain_echo`, which does the same without loading typer.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable

from layergen.commands.result import CommandResult, Level, Line

# level -> (to standard error, colour)
_STYLES = {
    Level.INFO: (False, None),
    Level.WARNING: (True, "yellow"),
    Level.DETAIL: (True, None),
    Level.ERROR: (True, "red"),
}
_ANSI = {"yellow": "\033[33m", "red": "\033[31m"}


def show(result: CommandResult, echo: Callable[[Line], None] | None = None) -> int:
    """Print the result's lines, then one red line per problem; returns its exit code."""
    echo = echo or typer_echo
    for line in result.lines:
        echo(line)
    for error in result.problems:
        for problem in error.problems:
            echo(Line(str(problem), Level.ERROR))
    return result.exit_code


def colour_allowed() -> bool | None:
    """False under NO_COLOR, True under FORCE_COLOR; None: colour on a terminal only."""
    if os.environ.get("NO_COLOR"):
        return False
    return True if os.environ.get("FORCE_COLOR") else None


def typer_echo(line: Line) -> None:
    import typer

    to_stderr, colour = _STYLES[line.level]
    text = typer.style(line.text, fg=colour) if colour else line.text
    typer.echo(text, err=to_stderr, color=colour_allowed())


def progress_display(minimum: int = 20) -> Callable[[str, int, int], None] | None:
    """A callback that shows `what done/total` on one line of a terminal's standard error,
    from `minimum` items on; None when standard error is no terminal (logs, CI, pipes)."""
    stream = sys.stderr
    if not stream.isatty():
        return None

    def show_progress(what: str, done: int, total: int) -> None:
        if total < minimum:
            return
        stream.write(f"\r\033[K{what} {done}/{total}" if done < total else "\r\033[K")
        stream.flush()

    return show_progress


def plain_echo(line: Line) -> None:
    """As `typer_echo` does it: colour on a terminal or under FORCE_COLOR, unless NO_COLOR."""
    to_stderr, colour = _STYLES[line.level]
    stream = sys.stderr if to_stderr else sys.stdout
    text = line.text
    allowed = colour_allowed()
    if colour and (allowed or (allowed is None and stream.isatty())):
        text = f"{_ANSI[colour]}{text}\033[0m"
    stream.write(text + "\n")
    stream.flush()
