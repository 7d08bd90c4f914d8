"""Machine state next to the records: each spec's fingerprint (see `fingerprint.py`), in
`.layergen/state/fingerprints.json`, a folder whose own `.gitignore` keeps it all out of
version control.

A fingerprint depends on this machine and checkout (layergen's code, the output files'
bytes), so it is not committed; it is bound to the digest of the record texts it was
made with, and is not used once they change (a checkout of another branch, a hand edit).
The file is a cache: missing, damaged or not written, it costs time, never correctness.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from layergen.errors import LayergenError
from layergen.writing import read_text, write_atomically

if TYPE_CHECKING:
    from layergen.update.record_types import SpecRecord

_VERSION = 1
_IGNORE_ALL = "# layergen's machine state: not for version control.\n*\n"


def texts_digest(texts: dict[str, str]) -> str:
    """What a fingerprint is bound to: the texts of a record's folder (`\\n` line ends), by name."""
    digest = hashlib.sha256()
    for name in sorted(texts):
        for part in (name.encode(), texts[name].encode("utf-8")):
            digest.update(len(part).to_bytes(8, "big") + part)
    return digest.hexdigest()


class FingerprintState:
    """Spec key -> [fingerprint, digest of the record texts it was made with]."""

    def __init__(self, path: Path):
        self.path = path
        self.entries: dict[str, list[str]] = {}
        self.changed = False

    def attach(self, records: Mapping[str, SpecRecord]) -> None:
        """Give each record (read with its `digest`) the fingerprint made for those very texts."""
        self.entries = _read(self.path)
        for key, record in records.items():
            entry = self.entries.get(key)
            if entry is not None and record.digest and entry[1] == record.digest:
                record.fingerprint = entry[0]

    def note(self, key: str, fingerprint: str | None, digest: str = "") -> None:
        entry = [fingerprint, digest] if fingerprint else None
        if self.entries.get(key) == entry:
            return
        if entry is None:
            self.entries.pop(key, None)
        else:
            self.entries[key] = entry
        self.changed = True

    def flush(self) -> None:
        if not self.changed:
            return
        data = {"format": _VERSION, "specs": {key: self.entries[key] for key in sorted(self.entries)}}
        with contextlib.suppress(LayergenError):
            # The folder ignores itself: no committed .gitignore needs an entry for it.
            ignore = self.path.parent / ".gitignore"
            if read_text(ignore) != _IGNORE_ALL:
                write_atomically(ignore, _IGNORE_ALL)
            write_atomically(self.path, json.dumps(data, indent=0, sort_keys=True) + "\n")
        self.changed = False


def _read(path: Path) -> dict[str, list[str]]:
    """The state file's entries; nothing where it is missing or not as written."""
    try:
        raw = json.loads(read_text(path) or "null")
    except (ValueError, LayergenError):
        return {}
    specs = raw.get("specs") if isinstance(raw, dict) and raw.get("format") == _VERSION else None
    if not isinstance(specs, dict):
        return {}
    return {
        key: list(entry)
        for key, entry in specs.items()
        if isinstance(entry, list) and len(entry) == 2 and all(isinstance(item, str) for item in entry)
    }
