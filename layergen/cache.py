"""What layergen keeps between runs, in the user's cache folder: formatted code and its pieces
(`formatting`), compiled templates (`render`), the definitions of the project's classes
(`project.classes`).

In: a key and a text. Out: the text again, or None when the entry is missing, damaged or
another key's (each entry is bound to its key by a digest). A cache that cannot be read or
written only costs time.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path


def cache_dir(kind: str = "format") -> Path:
    """Where layergen keeps `kind` of cache: under LAYERGEN_CACHE_DIR, else the user's cache folder."""
    explicit = os.environ.get("LAYERGEN_CACHE_DIR")
    if explicit:
        return Path(explicit) / kind
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "layergen" / kind


def _entry_digest(key: str, body: bytes) -> str:
    """What an entry starts with: its body bound to its key, so no entry passes for another."""
    return hashlib.sha256(b"layergen-cache\0" + key.encode() + b"\0" + body).hexdigest()


class FormatCache:
    """Formatted texts by key; a cache that cannot be read or written only costs time."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.stored = 0
        self.made = False

    def get(self, key: str) -> str | None:
        path = self.folder / key
        try:
            data = path.read_bytes()
        except OSError:
            return None
        check, _, body = data.partition(b"\n")
        if check.decode("ascii", "replace") != _entry_digest(key, body):
            return None  # damaged, or another key's: formatted again and overwritten
        try:
            os.utime(path)  # recently used: kept longest when the cache is trimmed
            return body.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def put(self, key: str, text: str) -> None:
        body = text.encode("utf-8")
        data = _entry_digest(key, body).encode() + b"\n" + body
        try:
            if not self.made:
                self.folder.mkdir(parents=True, exist_ok=True)
                self.made = True
            import tempfile

            descriptor, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
            os.replace(temporary, self.folder / key)
            self.stored += 1
        except OSError:
            pass

    def trim(self, limit: int, *, force: bool = False) -> None:
        """Keep the `limit` most recently used entries (with `force`, also when others stored them)."""
        if not (self.stored or force):
            return
        try:
            with os.scandir(self.folder) as found:
                files = [entry for entry in found if entry.is_file(follow_symlinks=False)]
            if len(files) <= limit:
                return
            entries = [(entry.stat().st_mtime_ns, entry.path) for entry in files]
        except OSError:
            return
        for _, path in sorted(entries)[: len(entries) - limit * 3 // 4]:
            with contextlib.suppress(OSError):
                os.unlink(path)
