"""The exit statuses of `layergen`, each with its one meaning whatever the command.

In: nothing. Out: the named statuses that commands and errors set, and `MEANINGS`, from which
`--help`, docs/cli.md and docs/errors.md write their tables. Light on purpose: the console
script's fast path reads it without Typer or pydantic.
"""

from __future__ import annotations

DONE = 0
NEEDS_FIXING = 1  # problems a command finds in the project as it goes
CANNOT_RUN = 2  # a problem that stops a command before it has done anything
INTERRUPTED = 130  # as a shell reports a command that SIGINT stopped

MEANINGS = {
    DONE: "done: every spec is valid, every generated file written or current",
    NEEDS_FIXING: "the project needs fixing: a spec has problems, a merge has conflicts, a file holds conflict "
    "markers, does not parse, is in the way of a generated file or could not be written; for `check`, also a "
    "generated file that is missing, out of date or left over, or a spec change that breaks old checkpoints",
    CANNOT_RUN: "the command cannot run: the command line is wrong (unknown option, ...), pyproject.toml cannot be "
    "read or its settings have problems, a spec file or folder does not exist, a record in .layergen/records/ "
    "cannot be read, another run held the project's lock too long (LAYERGEN_LOCK_TIMEOUT), or (`init`) the "
    "project is set up already",
    INTERRUPTED: "interrupted (Ctrl-C): `Aborted.`; what was written is whole, and the next run finishes the rest",
}
