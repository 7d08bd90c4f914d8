"""Show a `CommandResult`: the only place layergen prints.

Information goes to standard output; warnings, failure details and problems to standard
error, so `layergen new > log` still shows what went wrong. Colour only on a terminal,
and never when `NO_COLOR` is set to a non-empty value (https://no-color.org).
"""

from __future__ import annotations

import os

import typer

from layergen.result import CommandResult, Level, Line

# level -> (to standard error, colour)
_STYLES = {
    Level.INFO: (False, None),
    Level.WARNING: (True, "yellow"),
    Level.DETAIL: (True, None),
    Level.ERROR: (True, "red"),
}


def show(result: CommandResult) -> int:
    """Print the result's lines, then one red line per problem; returns its exit code."""
    for line in result.lines:
        _echo(line)
    for error in result.problems:
        for problem in error.problems:
            _echo(Line(str(problem), Level.ERROR))
    return result.exit_code


def colour_allowed() -> bool | None:
    """False under NO_COLOR; None lets typer decide (colour on a terminal only)."""
    return False if os.environ.get("NO_COLOR") else None


def _echo(line: Line) -> None:
    to_stderr, colour = _STYLES[line.level]
    text = typer.style(line.text, fg=colour) if colour else line.text
    typer.echo(text, err=to_stderr, color=colour_allowed())
