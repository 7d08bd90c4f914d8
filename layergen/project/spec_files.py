"""Which files are a project's specs: the paths a command was given, folders expanded."""

from __future__ import annotations

import os
from pathlib import Path

from layergen.errors import LayergenError
from layergen.project.locations import real_path
from layergen.project.settings import Project


def spec_files(paths: list[Path], project: Project, *, hint: bool = True) -> list[Path]:
    """Expand folders to the `*.yaml` / `*.yml` files in them; no paths means the project's specs.

    Paths come back with their folders resolved, so a spec is the same spec from any
    working directory and through any symbolic link. With `hint`, a project that has no
    settings and no specs folder is told about `layergen init`.
    """
    if not paths and hint and not project.specs.exists() and not _has_settings(project.root):
        raise LayergenError.plain(
            project.display(project.specs), "no such spec folder; `layergen init` sets up a project here"
        )
    paths = paths or [project.specs]
    unique: dict[Path, Path] = {}  # the file, every link followed -> the file as it is named
    for path in paths:
        if path.is_dir():
            for file, linked in _specs_in(path.resolve()):
                unique.setdefault(file.resolve() if linked else file, file)
        elif path.exists():
            unique.setdefault(path.resolve(), real_path(path))
        else:
            shown = project.display(path) if path == project.specs else path  # as the user wrote it
            raise LayergenError.plain(shown, "no such spec file or folder")
    if not unique and paths != [project.specs]:
        raise LayergenError.plain(paths[0], "no spec files (*.yaml) found")
    return list(unique.values())


def _specs_in(folder: Path) -> list[tuple[Path, bool]]:
    """(spec file, whether it is a symbolic link) under a resolved folder, sorted as paths
    are; folders that are links are not followed (as `Path.rglob` does), so each file's
    folders are real ones."""
    found: list[tuple[tuple[str, ...], bool]] = []
    pending: list[tuple[str, ...]] = [()]
    while pending:
        parts = pending.pop()
        try:
            entries = list(os.scandir(os.path.join(folder, *parts)))
        except OSError:
            continue
        for entry in entries:
            linked = entry.is_symlink()
            if entry.is_dir() and not linked:
                pending.append((*parts, entry.name))
            elif os.path.splitext(entry.name)[1] in (".yaml", ".yml") and entry.is_file():
                found.append(((*parts, entry.name), linked))
    fold = str.lower if os.name == "nt" else str  # how `Path` compares names
    found.sort(key=lambda item: tuple(map(fold, item[0])))
    return [(folder.joinpath(*parts), linked) for parts, linked in found]


def _has_settings(root: Path) -> bool:
    """Whether the project's pyproject.toml has a `[tool.layergen]` table (it was read once
    already; this runs only on the way to an error)."""
    import tomllib

    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    tool = data.get("tool")
    return isinstance(tool, dict) and "layergen" in tool
