"""What the Typer app's commands share: the exit statuses each can end with (shown by
`--help` and in the docs), and the arguments and options that several commands take, each
declared once and named as the setting it stands for (`--layers` for `layers`).

In: the meanings of `layergen.exit_status`. Out: `EXIT_CODES`, `exit_codes_epilog` and the
annotated parameter types that `layergen.cli.app` declares its commands with.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from typer.models import OptionInfo

from layergen.exit_status import CANNOT_RUN, DONE, INTERRUPTED, MEANINGS, NEEDS_FIXING

_ALL = (DONE, NEEDS_FIXING, CANNOT_RUN, INTERRUPTED)


def _codes(*codes: int) -> dict[int, str]:
    return {code: MEANINGS[code] for code in codes}


# The codes each command can exit with.
EXIT_CODES = {
    "new": _codes(*_ALL),
    "check": _codes(*_ALL),
    "status": _codes(*_ALL),  # 1: a spec is invalid or conflicted, as `check` exits for it
    "schema": _codes(DONE, CANNOT_RUN),
    "init": _codes(DONE, CANNOT_RUN, INTERRUPTED),
    "validate": _codes(*_ALL),
    "show": _codes(*_ALL),
    "audit": _codes(*_ALL),  # 1: findings, one line each
    "adopt": _codes(*_ALL),  # 1: the written spec has problems; 2: the class cannot be read
}


def exit_codes_epilog(command: str) -> str:
    """The "Exit codes:" paragraph of a command's `--help`."""
    # "\b" keeps click from rewrapping the lines of this paragraph.
    return "\b\nExit codes:\n" + "\n".join(f"  {code}  {meaning}" for code, meaning in EXIT_CODES[command].items())


SpecArgs = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Spec files, or folders searched recursively for `*.yaml` and `*.yml`. Default: the project's `specs` folder.",
        metavar="SPECS",
        show_default=False,
    ),
]
# `--layers-dir` / `--tests-dir` (earlier names in `new`) still work, unlisted.
LayersDir = Annotated[
    Path | None,
    typer.Option(
        "--layers",
        help="Where layer modules go, instead of the `layers` setting (relative to the current directory). "
        "The tests import them by the folder's path under the project root.",
        show_default=False,
    ),
]
TestsDir = Annotated[
    Path | None,
    typer.Option(
        "--tests",
        help="Where test modules go, instead of the `tests` setting (relative to the current directory).",
        show_default=False,
    ),
]
LayersDirAlias = Annotated[Path | None, typer.Option("--layers-dir", hidden=True)]
TestsDirAlias = Annotated[Path | None, typer.Option("--tests-dir", hidden=True)]
Package = Annotated[
    str | None,
    typer.Option(help="Registration package for specs that name none (a spec's `package:` wins).", show_default=False),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print only problems (and what is out of date), for hooks.")]


def arg_option(help_text: str) -> OptionInfo:
    """`--arg NAME=VALUE`, repeated: constructor arguments (`show`, `audit`, `adopt`)."""
    option: OptionInfo = typer.Option("--arg", metavar="NAME=VALUE", help=help_text, show_default=False)
    return option


def input_shape_option(help_text: str, metavar: str | None = None) -> OptionInfo:
    """`--input-shape`, repeated: the inputs' shapes, batch first (`show`, `audit`, `adopt`)."""
    option: OptionInfo = typer.Option("--input-shape", metavar=metavar, help=help_text, show_default=False)
    return option
