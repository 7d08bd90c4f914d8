"""The `layergen` command line: parses options, runs one function of `layergen.commands`.

Each command function returns a `CommandResult`; `layergen.cli.report` prints it and its exit
code is the process's. A `LayergenError` that stops a command is caught here, at the one
boundary, and shown like any other problem: one red line each (file:line:column: field:
message) on standard error. Anything else is a bug in layergen and keeps its traceback.
`layergen.commands` is imported inside each command, so `--version` and `--help` stay fast.

A new command is a function in `layergen.commands` that returns a `CommandResult`, a thin
`@app.command` here that hands it to `_run`, and its line in `cli.options.EXIT_CODES`; then
`scripts/update_cli_docs.py` documents it in docs/spec.md.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from layergen import __version__
from layergen.cli import report
from layergen.cli.options import (
    LayersDir,
    LayersDirAlias,
    Package,
    Quiet,
    SpecArgs,
    TestsDir,
    TestsDirAlias,
    arg_option,
    exit_codes_epilog,
    input_shape_option,
)
from layergen.cli.running import execute, notice
from layergen.commands.result import CommandResult
from layergen.exit_status import CANNOT_RUN, NEEDS_FIXING
from layergen.update.plan import ConflictMode

app = typer.Typer(
    help="Generate correct, tested Keras 3 layers from YAML specs.",
    no_args_is_help=True,
    add_completion=True,  # --install-completion / --show-completion (bash, zsh, fish, PowerShell)
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        result = CommandResult()
        result.info(f"layergen {__version__}")
        raise typer.Exit(report.show(result))


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Generate correct, tested Keras 3 layers from YAML specs."""


@app.command(epilog=exit_codes_epilog("new"))
def new(
    specs: SpecArgs = None,
    layers: LayersDir = None,
    tests: TestsDir = None,
    package: Package = None,
    layers_dir: LayersDirAlias = None,
    tests_dir: TestsDirAlias = None,
    conflicts: Annotated[
        ConflictMode,
        typer.Option(help="On a conflict: report it only, also write FILE.conflict, or write markers inline."),
    ] = ConflictMode.report,
    prune: Annotated[
        bool, typer.Option("--prune", help="Remove the outputs of deleted specs (unless edited).")
    ] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Show what would change as a diff; write nothing.")] = False,
    accept_breaking: Annotated[
        bool,
        typer.Option(
            "--accept-breaking", help="Accept spec changes that break loading old checkpoints or saved models' calls."
        ),
    ] = False,
    quiet: Quiet = False,
) -> None:
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
        layers_dir=layers or layers_dir,
        tests_dir=tests or tests_dir,
        package=package,
        conflicts=conflicts,
        prune=prune,
        diff=diff,
        accept_breaking=accept_breaking,
        quiet=quiet,
        notify=notice,
        progress=report.progress_display(),
    )


@app.command(epilog=exit_codes_epilog("check"))
def check(
    specs: SpecArgs = None,
    accept_breaking: Annotated[
        bool,
        typer.Option(
            "--accept-breaking", help="Do not fail on spec changes that break old checkpoints or saved models' calls."
        ),
    ] = False,
    quiet: Quiet = False,
) -> None:
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
        notify=notice,
        progress=report.progress_display(),
    )


@app.command(epilog=exit_codes_epilog("status"))
def status(
    specs: SpecArgs = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the states as JSON, for tools.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="List only the specs that are not current.")] = False,
) -> None:
    """Show each spec's state, as `git status` does; writes nothing.

    A spec is current, hand-edited, stale (`layergen new` would change a file), breaking
    (old checkpoints would not load), conflicted (a conflict, conflict markers, a file that
    does not parse or one in the way) or orphaned (deleted, its files remain); each file
    that is not current is listed under its spec.
    """
    from layergen import commands

    _run(commands.status, specs or [], as_json=as_json, quiet=quiet, notify=notice)


@app.command(epilog=exit_codes_epilog("schema"))
def schema() -> None:
    """Print the JSON Schema of spec files (for editors: `# yaml-language-server: $schema=...`)."""
    from layergen import commands

    _run(commands.schema)


@app.command(epilog=exit_codes_epilog("init"))
def init(
    specs: Annotated[str, typer.Option(help="Spec folder.")] = "specs",
    layers: Annotated[str, typer.Option(help="Folder of generated layer modules.")] = "layers",
    tests: Annotated[str, typer.Option(help="Folder of generated test modules.")] = "tests",
    package: Package = None,
    layers_dir: Annotated[str | None, typer.Option("--layers-dir", hidden=True)] = None,
    tests_dir: Annotated[str | None, typer.Option("--tests-dir", hidden=True)] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only warnings and problems.")] = False,
) -> None:
    """Set up a project in the current folder: settings, a starter spec, output folders.

    Adds [tool.layergen] to pyproject.toml (made if missing), and the folder the generated
    tests import the layers from (the project root, or `src` for a `src/` layout) to
    pytest's pythonpath there, keeping the rest of the file as it was. If pytest reads its
    settings from another file, it says what to add there instead. Writes a starter spec
    and .layergen/spec.schema.json, and makes the layers and tests folders.
    """
    from layergen import commands

    layers, tests = layers_dir or layers, tests_dir or tests
    _run(commands.init, Path.cwd(), specs=specs, layers=layers, tests=tests, package=package, quiet=quiet)


@app.command(epilog=exit_codes_epilog("validate"))
def validate(
    specs: SpecArgs = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only problems.")] = False,
) -> None:
    """Check specs without writing anything.

    Prints `ok SPEC (ClassName)` for each valid spec. The templates are not rendered, so
    a few problems (such as a required argument after an optional one) only show up in
    `layergen new`.
    """
    from layergen import commands

    _run(commands.validate, specs or [], quiet=quiet)


@app.command(epilog=exit_codes_epilog("show"))
def show(
    spec: Annotated[Path, typer.Argument(help="The spec file.", metavar="SPEC", show_default=False)],
    arg: Annotated[
        list[str] | None,
        arg_option("A constructor argument instead of the test's (a YAML value); repeat for several."),
    ] = None,
    input_shape: Annotated[
        list[str] | None,
        input_shape_option(
            "An input's shape, batch first (`2,16`), instead of the test's; `NAME=` picks one of several inputs.",
            metavar="[NAME=]SIZES",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the weights and totals as JSON, for tools.")] = False,
    as_mermaid: Annotated[
        bool, typer.Option("--mermaid", help="Print a Mermaid diagram of the sub-layers and how `call` connects them.")
    ] = False,
) -> None:
    """Show the layer's weights: path, shape, dtype, role, trainable, parameters, and totals.

    With the generated test's arguments and input shapes, or those given, and sub-layers'
    weights included: the numbers `model.summary()` and `count_params()` give. Computed
    from the specs; a layer holding a Keras or imported sub-layer is built with Keras in a
    fresh Python process (a few seconds). Writes nothing. `--mermaid` prints a diagram of
    the sub-layers and how `call` connects them, for GitHub Markdown.
    """
    from layergen.show.command import show as show_layer

    if as_json and as_mermaid:
        raise typer.BadParameter("give one of --json and --mermaid", param_hint="'--json' / '--mermaid'")
    _run(
        show_layer,
        spec,
        arguments=arg or [],
        input_shapes=input_shape or [],
        as_json=as_json,
        as_mermaid=as_mermaid,
        error_status=NEEDS_FIXING,  # the spec, an --arg or the layer is wrong: the project needs fixing
    )


@app.command(epilog=exit_codes_epilog("audit"))
def audit(
    targets: Annotated[
        list[str],
        typer.Argument(
            help="`FILE.py:CLASS`, `FILE.py` (each Layer subclass in it) or a folder.",
            metavar="TARGETS",
            show_default=False,
        ),
    ],
    arg: Annotated[
        list[str] | None,
        arg_option("A constructor argument (VALUE is YAML: 4, 0.5, [1, 2], relu); repeat for several."),
    ] = None,
    input_shape: Annotated[
        list[str] | None, input_shape_option("An input's shape with the batch, e.g. 4,10; once per input.")
    ] = None,
    input_dtype: Annotated[
        str | None,
        typer.Option(help="The inputs' dtype, e.g. int32. Default: float32, then int32 if no float input works."),
    ] = None,
    input_max: Annotated[
        int | None,
        typer.Option(help="Integer inputs: the largest value to feed. Default: 9, or 1 for guessed integer inputs."),
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds each class may run before it counts as hung.")] = 300.0,
    static: Annotated[bool, typer.Option("--static", help="Only read the source; do not run the classes.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the findings as JSON, for tools.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only findings and problems.")] = False,
) -> None:
    """Find the mistakes of hand-written Keras layers: read the source, then run the layer
    contract's checks on each class in a fresh Python process (with a time limit).

    Arguments come from the signature's defaults and input shapes are tried in turn, unless
    --arg and --input-shape give them. A class that crashes, hangs or prints is reported.
    """
    from layergen.audit.cli_options import run_audit

    _run(
        run_audit,
        targets,
        arg or [],
        input_shape or [],
        input_dtype,
        input_max,
        timeout,
        static,
        as_json,
        quiet,
        error_status=CANNOT_RUN,
    )


@app.command(epilog=exit_codes_epilog("adopt"))
def adopt(
    target: Annotated[
        str,
        typer.Argument(
            help="`FILE.py:CLASS` (or a FILE.py with one Layer subclass).", metavar="TARGET", show_default=False
        ),
    ],
    spec: Annotated[
        Path | None, typer.Option(help="Where to write the spec. Default: SPECS/<class_name>.yaml.", show_default=False)
    ] = None,
    arg: Annotated[
        list[str] | None, arg_option("A constructor argument for the parity test (a YAML value); repeat for several.")
    ] = None,
    input_shape: Annotated[
        list[str] | None, input_shape_option("An input's shape for the parity test, e.g. 4,10; once per input.")
    ] = None,
    input_dtype: Annotated[str, typer.Option(help="The inputs' dtype in the parity test.")] = "float32",
    input_max: Annotated[int, typer.Option(help="Integer inputs: the largest value to feed.")] = 9,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only warnings and problems.")] = False,
) -> None:
    """Bring a hand-written layer in: write a spec from the class, record its file so that the
    next `layergen new` takes it over through the three-way merge, keep a copy of the original
    under .layergen/adopted/, and write a parity test beside the generated one.

    What the spec cannot say is listed, located, and left to the merge as a hand edit.
    """
    from layergen.audit.cli_options import run_adopt

    _run(run_adopt, target, spec, arg or [], input_shape or [], input_dtype, input_max, quiet)


def _run(
    command: Callable[..., CommandResult], *args: object, error_status: int = CANNOT_RUN, **options: object
) -> NoReturn:
    """Run one command function, show its result and exit with its code."""
    raise typer.Exit(execute(partial(command, *args, **options), error_status=error_status))
