"""The only code that changes files: each write is atomic, so a run that is interrupted
leaves every file either as it was or as it should be, never half-written."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from layergen.errors import LayergenError


def write_atomically(path: Path, text: str) -> None:
    """Write `text` to a temporary neighbour of `path`, then rename it over `path`."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise LayergenError.plain(_shown(path), f"cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(text.encode("utf-8"))
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(temporary, path)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise LayergenError.plain(_shown(path), f"cannot write: {exc.strerror or exc}") from None
        raise


def _shown(path: Path) -> str:
    try:
        return path.absolute().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def read_text(path: Path) -> str | None:
    """The file's text, or None when there is no such file."""
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return None
