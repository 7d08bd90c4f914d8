"""The `layergen` command line: parses options, runs one function of `layergen.commands`.

Each command function returns a `CommandResult`; `layergen.report` prints it and its exit
code is the process's. A `LayergenError` that stops a command is caught here, at the one
boundary, and shown like any other problem: one red line each (file:line:column: field:
message) on standard error. Anything else is a bug in layergen and keeps its traceback.
`layergen.commands` is imported inside each command, so `--version` and `--help` stay fast.

A new command is a function in `layergen.commands` that returns a `CommandResult`, a thin
`@app.command` here that hands it to `_run`, and its line in `EXIT_CODES`; then
`scripts/update_cli_docs.py` documents it in docs/spec.md.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from layergen import __version__, report
from layergen.entry import execute
from layergen.plan import ConflictMode
from layergen.result import CommandResult, Level, Line

# What each exit code of a command means: shown by `--help` and in docs/spec.md.
USAGE_ERROR = "the command line is wrong (unknown option, ...)"
RECORD_ERROR = "a record in .layergen/records/ cannot be read"
EXIT_CODES = {
    "new": {
        0: "done",
        1: "a spec has problems, a merge has conflicts, a file holds conflict markers or does not parse, "
        "or a file could not be written",
        2: f"{USAGE_ERROR}, or {RECORD_ERROR}",
    },
    "check": {
        0: "every generated file is current",
        1: "a generated file is missing, out of date, conflicted, holds conflict markers, does not parse or is "
        "left over, or a spec change breaks old checkpoints",
        2: f"a spec has problems, or {USAGE_ERROR}, or {RECORD_ERROR}",
    },
    "status": {0: "done", 2: f"{USAGE_ERROR}, or {RECORD_ERROR}"},
    "schema": {0: "done", 2: USAGE_ERROR},
    "init": {
        0: "done",
        1: "the project is set up already, pyproject.toml cannot be read, or a file cannot be written",
        2: USAGE_ERROR,
    },
    "validate": {0: "every spec is valid", 1: "a spec has problems", 2: USAGE_ERROR},
    "show": {
        0: "done",
        1: "the spec has problems, an --arg or --input-shape is refused, or Keras cannot build the layer",
        2: USAGE_ERROR,
    },
}


def _exit_codes(command: str) -> str:
    # "\b" keeps click from rewrapping the lines of this paragraph.
    return "\b\nExit codes:\n" + "\n".join(f"  {code}  {meaning}" for code, meaning in EXIT_CODES[command].items())


app = typer.Typer(
    help="Generate correct, tested Keras 3 layers from YAML specs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

SpecArgs = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Spec files, or folders searched recursively for `*.yaml` and `*.yml`. Default: the project's `specs` folder.",
        metavar="SPECS",
        show_default=False,
    ),
]
LayersDir = Annotated[
    Path | None,
    typer.Option(
        "--layers-dir",
        help="Where layer modules go, instead of the `layers` setting (relative to the current directory). "
        "The tests import them by the folder's path under the project root.",
        show_default=False,
    ),
]
TestsDir = Annotated[
    Path | None,
    typer.Option(
        "--tests-dir",
        help="Where test modules go, instead of the `tests` setting (relative to the current directory).",
        show_default=False,
    ),
]
Package = Annotated[
    str | None,
    typer.Option(help="Registration package for specs that name none (a spec's `package:` wins).", show_default=False),
]

Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print only problems (and what is out of date), for hooks.")]


def _version(value: bool):
    if value:
        result = CommandResult()
        result.info(f"layergen {__version__}")
        raise typer.Exit(report.show(result))


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
):
    """Generate correct, tested Keras 3 layers from YAML specs."""


@app.command(epilog=_exit_codes("new"))
def new(
    specs: SpecArgs = None,
    layers_dir: LayersDir = None,
    tests_dir: TestsDir = None,
    package: Package = None,
    conflicts: Annotated[
        ConflictMode,
        typer.Option(help="On a conflict: report it only, also write FILE.conflict, or write markers inline."),
    ] = ConflictMode.report,
    prune: Annotated[
        bool, typer.Option("--prune", help="Remove the outputs of deleted specs (unless edited).")
    ] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Show what would change as a diff; write nothing.")] = False,
    accept_breaking: Annotated[
        bool, typer.Option("--accept-breaking", help="Accept spec changes that break loading old checkpoints.")
    ] = False,
    quiet: Quiet = False,
):
    """Generate each spec's layer module and test, or update them keeping your edits.

    Prints what happened to each file: wrote, updated, merged (your edits kept), unchanged,
    moved, resolved, removed. A file whose content is unchanged is not rewritten. A spec with
    problems or a conflict is reported and nothing is written for it; the other specs are
    still generated. Runs on one project take turns (LAYERGEN_LOCK_TIMEOUT: how long to wait).
    """
    from layergen import commands

    _run(
        commands.new,
        specs or [],
        layers_dir=layers_dir,
        tests_dir=tests_dir,
        package=package,
        conflicts=conflicts,
        prune=prune,
        diff=diff,
        accept_breaking=accept_breaking,
        quiet=quiet,
        notify=_notice,
        progress=report.progress_display(),
    )


@app.command(epilog=_exit_codes("check"))
def check(
    specs: SpecArgs = None,
    accept_breaking: Annotated[
        bool, typer.Option("--accept-breaking", help="Do not fail on spec changes that break old checkpoints.")
    ] = False,
    quiet: Quiet = False,
):
    """Check that every generated file is current with its spec; writes nothing.

    For CI and pre-commit: prints each generated file that is missing, out of date,
    conflicted, holding conflict markers, no longer valid Python, or left over from a
    deleted spec or a renamed layer, and each spec change that breaks loading old
    checkpoints until `layergen new --accept-breaking` accepts it.
    """
    from layergen import commands

    _run(
        commands.check,
        specs or [],
        accept_breaking=accept_breaking,
        quiet=quiet,
        notify=_notice,
        progress=report.progress_display(),
        error_status=commands.CHECK_ERROR,
    )


@app.command(epilog=_exit_codes("status"))
def status(
    specs: SpecArgs = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the states as JSON, for tools.")] = False,
):
    """Show each spec's state, as `git status` does; writes nothing.

    A spec is current, hand-edited, stale (`layergen new` would change a file), breaking
    (old checkpoints would not load), conflicted (a conflict, conflict markers, a file that
    does not parse or one in the way) or orphaned (deleted, its files remain); each file
    that is not current is listed under its spec.
    """
    from layergen import commands

    _run(commands.status, specs or [], as_json=as_json, notify=_notice, error_status=2)


@app.command(epilog=_exit_codes("schema"))
def schema():
    """Print the JSON Schema of spec files (for editors: `# yaml-language-server: $schema=...`)."""
    from layergen import commands

    _run(commands.schema)


@app.command(epilog=_exit_codes("init"))
def init(
    specs: Annotated[str, typer.Option(help="Spec folder.")] = "specs",
    layers: Annotated[str, typer.Option(help="Folder of generated layer modules.")] = "layers",
    tests: Annotated[str, typer.Option(help="Folder of generated test modules.")] = "tests",
    package: Package = None,
):
    """Set up a project in the current folder: settings, a starter spec, output folders.

    Adds [tool.layergen] to pyproject.toml (made if missing), and the folder the generated
    tests import the layers from (the project root, or `src` for a `src/` layout) to
    pytest's pythonpath there, keeping the rest of the file as it was. If pytest reads its
    settings from another file, it says what to add there instead. Writes a starter spec
    and .layergen/spec.schema.json, and makes the layers and tests folders.
    """
    from layergen import commands

    _run(commands.init, Path.cwd(), specs=specs, layers=layers, tests=tests, package=package)


@app.command(epilog=_exit_codes("validate"))
def validate(specs: SpecArgs = None):
    """Check specs without writing anything.

    Prints `ok SPEC (ClassName)` for each valid spec. The templates are not rendered, so
    a few problems (such as a required argument after an optional one) only show up in
    `layergen new`.
    """
    from layergen import commands

    _run(commands.validate, specs or [])


@app.command(epilog=_exit_codes("show"))
def show(
    spec: Annotated[Path, typer.Argument(help="The spec file.", metavar="SPEC", show_default=False)],
    arg: Annotated[
        list[str] | None,
        typer.Option(
            "--arg",
            metavar="NAME=VALUE",
            help="A constructor argument instead of the test's (a YAML value); repeat for several.",
            show_default=False,
        ),
    ] = None,
    input_shape: Annotated[
        list[str] | None,
        typer.Option(
            "--input-shape",
            metavar="[NAME=]SIZES",
            help="An input's shape, batch first (`2,16`), instead of the test's; `NAME=` picks one of several inputs.",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the weights and totals as JSON, for tools.")] = False,
    as_mermaid: Annotated[
        bool, typer.Option("--mermaid", help="Print a Mermaid diagram of the sub-layers and how `call` connects them.")
    ] = False,
):
    """Show the layer's weights: path, shape, dtype, role, trainable, parameters, and totals.

    With the generated test's arguments and input shapes, or those given, and sub-layers'
    weights included: the numbers `model.summary()` and `count_params()` give. Computed
    from the specs; a layer holding a Keras or imported sub-layer is built with Keras in a
    fresh Python process (a few seconds). Writes nothing. `--mermaid` prints a diagram of
    the sub-layers and how `call` connects them, for GitHub Markdown.
    """
    from layergen.show import show as show_layer

    if as_json and as_mermaid:
        raise typer.BadParameter("give one of --json and --mermaid", param_hint="'--json' / '--mermaid'")
    _run(show_layer, spec, arguments=arg or [], input_shapes=input_shape or [], as_json=as_json, as_mermaid=as_mermaid)


def _run(command: Callable[..., CommandResult], *args, error_status: int = 1, **options) -> NoReturn:
    """Run one command function, show its result and exit with its code."""
    raise typer.Exit(execute(command, *args, error_status=error_status, **options))


def _notice(text: str) -> None:
    """Show a notice at once, while the command still runs (waiting for another run)."""
    report.show(CommandResult([Line(text, Level.WARNING)]))
