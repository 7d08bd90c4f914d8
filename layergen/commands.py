"""What each CLI command does, as plain functions that return the failures they met.

Each spec is handled on its own: a spec with problems is reported and nothing is written
for it; the others are still generated.
"""

from __future__ import annotations

from pathlib import Path

import typer

from layergen.errors import LayergenError
from layergen.generate import build_model, generate_layer, write_files
from layergen.project import Project, find_project


def spec_files(paths: list[Path], project: Project) -> list[Path]:
    """Expand folders to the `*.yaml` / `*.yml` files in them; no paths means the project's specs."""
    paths = paths or [project.specs]
    files = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()))
        elif path.exists():
            files.append(path)
        else:
            raise LayergenError.plain(path, "no such spec file or folder")
    if not files:
        raise LayergenError.plain(paths[0], "no spec files (*.yaml) found")
    return files


def new(paths: list[Path], *, layers_dir=None, tests_dir=None, package=None) -> list[LayergenError]:
    project = find_project().with_overrides(layers=layers_dir, tests=tests_dir, package=package)
    failures, outputs = [], {}
    for spec in spec_files(paths, project):
        try:
            generation = generate_layer(spec, project)
        except LayergenError as exc:
            failures.append(exc)
            continue
        clash = next((outputs[f.path] for f in generation.files if f.path in outputs), None)
        if clash is not None:
            failures.append(LayergenError.plain(project.display(spec), f"writes the same files as {project.display(clash)}; give the layers different class names"))
            continue
        outputs.update({f.path: spec for f in generation.files})
        for file, changed in write_files(generation.files):
            typer.echo(f"{'wrote' if changed else 'unchanged'} {project.display(file.path)}")
    return failures


def validate(paths: list[Path]) -> list[LayergenError]:
    project = find_project()
    failures = []
    for spec in spec_files(paths, project):
        try:
            model = build_model(spec, project)
        except LayergenError as exc:
            failures.append(exc)
            continue
        typer.echo(f"ok {project.display(spec)} ({model.class_name})")
    return failures
