"""What layergen generated last time: one record per spec, kept in the project (commit it).

Regeneration merges three versions of each file, and one of them — what layergen wrote
last time — must be recovered exactly. Each spec has a folder under `.layergen/records/`
named by the spec's path (`specs/dense.yaml` -> `.layergen/records/specs/dense.yaml/`):

    record.json              class name, weight baseline, where the outputs are
    dense.py.generated       the text last generated for the output `layers/dense.py`
    test_dense.py.generated  ... and for its test
    dense.py.pending         only while a conflict is open: the generation it is with
    dense.py.next            only while a run writes the file (see `PendingWrite`)

All plain text with deterministic bytes, so branches that touch different specs never
touch the same file, and a version-control conflict in a record can be resolved by hand.
The single `.layergen/manifest.json` of earlier versions is read too, and replaced by
records on the next `layergen new` (`migrate`).
"""

from __future__ import annotations

import os
from pathlib import Path

from layergen.errors import Problem
from layergen.update.legacy_manifest import read_legacy_manifest
from layergen.update.record_files import NEXT, NOW, STORED, read_record, serialize, stored_names, stored_texts
from layergen.update.record_state import FingerprintState, texts_digest
from layergen.update.record_types import (
    LEGACY_MANIFEST,
    RECORD_FILE,
    RECORDS_DIR,
    STATE_FILE,
    LayerRecord,
    MovedFrom,
    OpenConflict,
    OutputRecord,
    PendingWrite,
    RecordError,
    SpecRecord,
    WeightRecord,
)
from layergen.writing import read_text, remove, split_newlines, write_atomically

# The record's types, for the modules that read and write records through the store.
__all__ = [
    "LEGACY_MANIFEST",
    "RECORDS_DIR",
    "LayerRecord",
    "MovedFrom",
    "OpenConflict",
    "OutputRecord",
    "PendingWrite",
    "RecordError",
    "RecordStore",
    "SpecRecord",
    "WeightRecord",
]


class RecordStore:
    """The records of one project, read and written one spec at a time."""

    def __init__(self, root: Path):
        self.root = root
        self.folder = root / RECORDS_DIR
        self.legacy = root / LEGACY_MANIFEST
        self.debris: list[Path] = []  # stored texts no record names: what a killed run left (`load`)
        self.fingerprints = FingerprintState(root / STATE_FILE)  # machine state, apart from the records

    def load(self) -> dict[str, SpecRecord]:
        """Every spec's record (spec path relative to the root -> record)."""
        records = {}
        if self.legacy.is_file():
            records = read_legacy_manifest(self.legacy, self.root)
        problems: list[Problem] = []
        # Folders as strings: a project's hundreds of records make pathlib's parsing count.
        top = os.fspath(self.folder)
        self.debris = []
        for folder, names in self._record_folders():
            shown = _posix(os.path.relpath(os.path.join(folder, RECORD_FILE), self.root))
            if folder == top:
                problems.append(
                    Problem(
                        shown,
                        "belongs in its spec's folder, .layergen/records/<spec path>/; restore it from version control",
                    )
                )
                continue
            if RECORD_FILE not in names:
                self.debris += [Path(folder, name) for name in names if name.endswith(STORED)]
                continue
            try:
                record = read_record(folder, shown)
            except RecordError as exc:
                problems += exc.problems
                continue
            records[self._key(os.path.relpath(folder, top))] = record
            named = stored_names(record)
            self.debris += [Path(folder, name) for name in names if name.endswith(STORED) and name not in named]
        if problems:
            raise RecordError(problems)
        self.fingerprints.attach(records)
        return dict(sorted(records.items()))

    def flush(self) -> None:
        """Write the fingerprints' state file, if a fingerprint changed."""
        self.fingerprints.flush()

    def save(self, key: str, record: SpecRecord) -> bool:
        """Write what changed in a spec's record (record.json last); returns whether anything did."""
        folder = self.folder_of(key)
        wanted = {RECORD_FILE: serialize(record)}
        for output in record.outputs.values():
            wanted.update(stored_texts(output, NOW))
            if output.write is not None:
                wanted.update(stored_texts(output.write.record, NEXT))
        changed = False
        for name in sorted(wanted, key=lambda n: (n == RECORD_FILE, n)):
            current = read_text(folder / name)
            if current is None or split_newlines(current)[0] != wanted[name]:
                write_atomically(folder / name, wanted[name])
                changed = True
        for stale in sorted(folder.glob("*")):
            if stale.name.endswith(STORED) and stale.name not in wanted:
                remove(stale)
                changed = True
        self.fingerprints.note(key, record.fingerprint, texts_digest(wanted))
        return changed

    def remove(self, key: str) -> None:
        self.fingerprints.note(key, None)
        folder = self.folder_of(key)
        for path in sorted(folder.glob("*")):
            if path.name == RECORD_FILE or path.name.endswith(STORED):
                remove(path)
        while folder != self.folder and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent

    def migrate(self, records: dict[str, SpecRecord]) -> bool:
        """Replace the legacy manifest by one record per spec; returns whether there was one."""
        if not self.legacy.is_file():
            return False
        for key, record in records.items():
            self.save(key, record)
        remove(self.legacy)
        return True

    def folder_of(self, key: str) -> Path:
        # Escaped so that every key has its own folder: `%` -> `%25`, a `..` part -> `%2E%2E`.
        parts = ["%2E%2E" if part == ".." else part.replace("%", "%25") for part in key.split("/")]
        return self.folder.joinpath(*parts)

    def clean_debris(self) -> int:
        """Delete the stored texts that no record names (a run killed between saving a
        record and removing what it no longer names leaves them); returns how many."""
        for path in self.debris:
            remove(path)
        count, self.debris = len(self.debris), []
        return count

    def _record_folders(self) -> list[tuple[str, list[str]]]:
        """Every folder with a record.json or a stored text under the records folder, with
        its files' names, in the order of their paths (os.walk: much faster than `rglob`)."""
        found = []
        for folder, children, names in os.walk(self.folder):
            children.sort()
            if RECORD_FILE in names or any(name.endswith(STORED) for name in names):
                found.append((folder, names))
        return sorted(found, key=lambda item: item[0].split(os.sep))

    def _key(self, relative: str) -> str:
        parts = relative.split(os.sep)
        return "/".join(".." if part == "%2E%2E" else part.replace("%25", "%") for part in parts)

    def _shown(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


def _posix(path: str) -> str:
    return path.replace(os.sep, "/") if os.sep != "/" else path
