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
def new(specs: SpecArgs = None, layers_dir: LayersDir = None, tests_dir: TestsDir = None, package: Package = None):
    """Validate specs and write each layer module and its test."""
    from layergen import commands

    _run(lambda: commands.new(specs or [], layers_dir=layers_dir, tests_dir=tests_dir, package=package))


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
        for problem in error.problems:
            typer.secho(str(problem), fg="red", err=True)
    if failures:
        raise typer.Exit(1)
