"""Paths as the project sees them, whatever the working directory.

A spec is known by its path relative to the project root, and so are the files it
generates. Symbolic links and `..` in folders are resolved first, so `layergen new` run
from a subfolder, or through a symlinked checkout, finds the same records. The last part
of a path is kept as it is: a symlinked file is still known by its own name.
"""

from __future__ import annotations

from pathlib import Path

from layergen.paths import display_path
from layergen.project.settings import Project
from layergen.records import replace


def real_path(path: Path | str) -> Path:
    """An absolute path with its folders' symbolic links and `..` resolved."""
    path = Path(path).absolute()
    if path.name in ("", ".", ".."):
        return path.resolve()
    return path.parent.resolve() / path.name


def resolved_project(project: Project) -> Project:
    """The project with every folder resolved, so paths under it compare and display alike."""
    return replace(
        project,
        root=project.root.resolve(),
        specs=project.specs.resolve(),
        layers=project.layers.resolve(),
        tests=project.tests.resolve(),
        templates=project.templates.resolve() if project.templates else None,
    )


def project_key(project: Project, path: Path | str) -> str:
    """A path relative to the project root, with `/`; `..` where it lies outside."""
    return display_path(real_path(path), project.root, climb=True)


def from_key(project: Project, key: str) -> Path:
    """The path a project key names."""
    return real_path(project.root / key)
