"""What `new`, `check` and `status` advise for a file in the way of a generated one that
layergen has no record of writing: `layergen adopt` for a layer module (a command that then
works), moving it away otherwise; and for the spec's other files, what has to happen first."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from layergen.paths import display_path
from layergen.update.reconcile import Status

if TYPE_CHECKING:
    from layergen.update.plan import FileUpdate, SpecUpdate


def in_the_way(file: FileUpdate, update: SpecUpdate, name: str) -> str:
    """The advice for an untracked file `name` of spec `update`."""
    class_name = _spec_class(update) if file.role == "layer" else None
    if class_name is not None and _defines_layer(Path(file.path), class_name):
        return (
            f"to bring a hand-written layer in, run `layergen adopt {name}:{class_name} --spec {update.key}`, "
            "or move the file away and run again"
        )
    return "move it away and run again"


def _spec_class(update: SpecUpdate) -> str | None:
    """The spec's `layer:` name, read from its text (the spec may not even be valid)."""
    try:
        text = Path(update.spec).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    found = re.search(r"^layer:[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?:#.*)?$", text, re.MULTILINE)
    return found.group(1) if found else None


def _defines_layer(path: Path, class_name: str) -> bool:
    """Whether the file defines that Layer subclass, so that `layergen adopt` can take it."""
    from layergen.audit.findings import CouldNotRun
    from layergen.audit.source import read_module

    try:
        module = read_module(path, path.name)
    except CouldNotRun:
        return False
    return any(layer.name == class_name for layer in module.classes)


def blocked(update: SpecUpdate) -> str | None:
    """Why a missing file of `update` cannot be written yet, or None when `new` would write it."""
    if any(f.status == Status.UNTRACKED for f in update.files):
        return "missing; `layergen new` writes it once the file in the way is adopted or moved away"
    if any(f.status in (Status.CONFLICT, Status.MARKERS) for f in update.files):
        return "missing; `layergen new` writes it once the conflict in the spec's other file is resolved"
    return None


def shown_path(file: FileUpdate, update: SpecUpdate) -> str:
    """The file's path from the project root (the folder the spec's key is relative to)."""
    root = Path(update.spec).absolute().parents[len(PurePosixPath(update.key).parts) - 1]
    return display_path(file.path, root)
