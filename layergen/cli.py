"""The `layergen` command line: thin commands over `layergen.generate`.

Every user-facing failure is a `LayergenError`, caught here and printed as one red line
per problem (file:line:column: field: message) with exit code 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from layergen import __version__
from layergen.errors import LayergenError
from layergen.update import ConflictMode

app = typer.Typer(
    help="Generate correct, tested Keras 3 layers from YAML specs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

SpecArgs = Annotated[
    Optional[list[Path]],
    typer.Argument(help="Spec files or folders of specs. Default: the project's `specs` folder.", show_default=False),
]
LayersDir = Annotated[Optional[Path], typer.Option("--layers-dir", help="Where layer modules go.", show_default=False)]
TestsDir = Annotated[Optional[Path], typer.Option("--tests-dir", help="Where test modules go.", show_default=False)]
Package = Annotated[
    Optional[str],
    typer.Option(help="Registration package for specs that name none (a spec's `package:` wins).", show_default=False),
]


def _version(value: bool):
    if value:
        typer.echo(f"layergen {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
):
    """Generate correct, tested Keras 3 layers from YAML specs."""


@app.command()
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
):
    """Generate each spec's layer module and test, or update them keeping your edits."""
    from layergen import commands

    _run(
        lambda: commands.new(
            specs or [],
            layers_dir=layers_dir,
            tests_dir=tests_dir,
            package=package,
            conflicts=conflicts,
            prune=prune,
            diff=diff,
            accept_breaking=accept_breaking,
        )
    )


@app.command()
def check(
    specs: SpecArgs = None,
    accept_breaking: Annotated[
        bool, typer.Option("--accept-breaking", help="Do not fail on spec changes that break old checkpoints.")
    ] = False,
):
    """Fail (exit 1) when a generated file is out of date with its spec; 2 on errors. Writes nothing."""
    from layergen import commands

    try:
        code = commands.check(specs or [], accept_breaking=accept_breaking)
    except LayergenError as exc:
        _print(exc)
        code = 2
    raise typer.Exit(code)


@app.command()
def status(
    specs: SpecArgs = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the states as JSON, for tools.")] = False,
):
    """Show each spec's state: current, hand-edited, stale, breaking, conflicted or orphaned. Writes nothing."""
    from layergen import commands

    try:
        code = commands.status(specs or [], as_json=as_json)
    except LayergenError as exc:
        _print(exc)
        code = getattr(exc, "exit_code", 2)
    raise typer.Exit(code)


@app.command()
def schema():
    """Print the JSON Schema of spec files (for editors: `# yaml-language-server: $schema=...`)."""
    import json

    from layergen.spec import json_schema

    typer.echo(json.dumps(json_schema(), indent=2))


@app.command()
def init(
    specs: Annotated[str, typer.Option(help="Spec folder.")] = "specs",
    layers: Annotated[str, typer.Option(help="Folder of generated layer modules.")] = "layers",
    tests: Annotated[str, typer.Option(help="Folder of generated test modules.")] = "tests",
    package: Package = None,
):
    """Set up this project: [tool.layergen] in pyproject.toml, a starter spec, output folders."""
    from layergen import commands

    def action():
        for line in commands.init(Path.cwd(), specs=specs, layers=layers, tests=tests, package=package):
            typer.echo(line)
        return []

    _run(action)


@app.command()
def validate(specs: SpecArgs = None):
    """Check specs without writing anything."""
    from layergen import commands

    _run(lambda: commands.validate(specs or []))


def _run(action) -> None:
    try:
        failures = action()
    except LayergenError as exc:
        failures = [exc]
    for error in failures:
        _print(error)
    if failures:
        # 1 for problems with specs and files; 2 for a record that cannot be read.
        raise typer.Exit(max(getattr(error, "exit_code", 1) for error in failures))


def _print(error: LayergenError) -> None:
    for problem in error.problems:
        typer.secho(str(problem), fg="red", err=True)
