"""What a run of `layergen new` or `check` will do to each spec's files: the plan's types.

`update.plan_updates` makes a `Plan`; `apply.py` carries it out, and `plan_report.py` and
`status.py` report it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from layergen.errors import LayergenError
from layergen.update.compat import CompatChange
from layergen.update.merge import MergeResult
from layergen.update.reconcile import Outcome, Status
from layergen.update.records import OutputRecord, SpecRecord


class ConflictMode(StrEnum):
    report = "report"  # leave the files as they are and print the conflicts
    side = "side"  # also write the merge with conflict markers to FILE.conflict
    inline = "inline"  # write the merge with conflict markers into the file itself


@dataclass
class FileUpdate:
    path: Path
    status: Status
    before: str | None  # the text the update starts from (`\n` line ends)
    after: str | None  # the text after the update (None: removed or absent)
    generated: str | None = None  # what layergen generates now
    merge: MergeResult | None = None
    newline: str = "\n"  # the file's own line ending, kept when it is written
    write: bool = False  # write `after` to `path`
    remove: bool = False  # delete `path`
    moved_from: Path | None = None  # a renamed layer's file, moved to `path` (deleted once written)
    side_text: str | None = None  # the merge with conflict markers ...
    side_path: Path | None = None  # ... for FILE.conflict
    drop_side_file: Path | None = None  # the side file of a conflict that is resolved now
    marker_line: int | None = None
    syntax_error: tuple[int, str] | None = None  # (line, message): `after` is not valid Python
    role: str | None = None  # the spec's output this is; None for a renamed layer's old copy
    outcome: Outcome | None = None
    previous: OutputRecord | None = None

    @property
    def stale(self) -> bool:
        """Whether `layergen check` fails on it."""
        settled = self.status in (Status.UNCHANGED, Status.KEPT, Status.RESOLVED)
        return not settled or self.write or self.moved_from is not None or self.syntax_error is not None

    @property
    def location(self) -> Path:
        """Where the file is before the update."""
        return self.moved_from or self.path


@dataclass
class SpecUpdate:
    spec: Path
    key: str  # the spec's path relative to the project root: its record's name
    files: list[FileUpdate] = field(default_factory=list)
    compat: list[CompatChange] = field(default_factory=list)
    journal: SpecRecord | None = None  # saved before any file is written (see `PendingWrite`)
    final_record: SpecRecord | None = None  # the record after the update (None: left as it is)
    replaces: str | None = None  # a renamed spec's old record
    drop_record: bool = False  # a deleted spec whose files are all gone
    held: bool = False  # a conflict or a file in the way: nothing is written for the spec
    failed: bool = False  # applying it failed

    @property
    def conflicted(self) -> bool:
        return any(f.status in (Status.CONFLICT, Status.UNTRACKED, Status.MARKERS) for f in self.files)


@dataclass
class Plan:
    updates: list[SpecUpdate] = field(default_factory=list)
    orphans: list[SpecUpdate] = field(default_factory=list)  # specs deleted since last time
    errors: list[LayergenError] = field(default_factory=list)

    def all_files(self):
        for update in self.updates + self.orphans:
            yield from update.files
