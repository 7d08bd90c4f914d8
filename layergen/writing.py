"""The only code that changes files.

Each write is atomic (a temporary neighbour renamed over the file), so a run that is
interrupted leaves every file either as it was or as it should be, never half-written;
the temporaries a killed run leaves behind are removed by the next run. A symbolic link
is written through to its target, so the link stays a link. Files keep their own line
endings: text is compared and merged with `\\n`, and written back with the file's own.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from layergen.errors import LayergenError
from layergen.paths import display_path

# What `tempfile.mkstemp(prefix=".NAME.", suffix=".tmp")` names its files.
_TEMPORARY = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}\.tmp$")


def write_atomically(path: Path, text: str, newline: str = "\n") -> None:
    """Write `text` (with `\\n` line ends turned into `newline`) in place of `path`."""
    target = _write_target(path)
    data = (text.replace("\n", newline) if newline != "\n" else text).encode("utf-8")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        import tempfile  # only where something is written: not on `check`'s path

        descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as exc:
        raise _cannot("write", path, exc) from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, target.stat().st_mode & 0o777 if target.exists() else 0o644)
        os.replace(temporary, target)
    except BaseException as exc:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise _cannot("write", path, exc) from None
        raise


def _write_target(path: Path) -> Path:
    """Where writing `path` really goes: a symbolic link's target, which must exist."""
    if not path.is_symlink():
        return path
    target = Path(os.path.realpath(path))
    if not target.is_file():
        raise LayergenError.plain(
            display_path(path, Path.cwd()),
            f"is a symbolic link to {target}, which is not a file; restore its target or remove the link",
        )
    return target


def remove(path: Path) -> None:
    """Delete a file (a symbolic link itself, not its target)."""
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise _cannot("remove", path, exc) from None


def read_text(path: Path | str) -> str | None:
    """The file's text exactly as stored, or None when there is no such file."""
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8")
    except FileNotFoundError:
        return None
    except UnicodeDecodeError as exc:
        raise LayergenError.plain(
            display_path(path, Path.cwd()), f"is not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    except OSError as exc:
        raise _cannot("read", Path(path), exc) from None


def split_newlines(text: str) -> tuple[str, str]:
    """The text with `\\n` line ends, and the line end the file mostly uses."""
    crlf = text.count("\r\n")
    newline = "\r\n" if crlf and crlf * 2 >= text.count("\n") else "\n"
    return (text.replace("\r\n", "\n") if crlf else text), newline


def remove_temporaries(folder: Path, names: set[str] | None = None) -> list[Path]:
    """Delete the temporary files an interrupted write left in `folder`: those of the
    files named in `names`, or all of them. Returns what was deleted."""
    removed: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _TEMPORARY.match(entry.name)
        if match and (names is None or match["name"] in names) and entry.is_file() and not entry.is_symlink():
            entry.unlink(missing_ok=True)
            removed.append(entry)
    return removed


def _cannot(action: str, path: Path, exc: OSError) -> LayergenError:
    return LayergenError.plain(display_path(path, Path.cwd()), f"cannot {action}: {exc.strerror or exc}")
