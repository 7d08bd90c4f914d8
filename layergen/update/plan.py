"""What the update step receives and decides: a spec's freshly generated files in
(`GeneratedSpec`), what a run of `layergen new` or `check` will do to each spec's files out
(`Plan`: a `SpecUpdate` per spec, a `FileUpdate` per file).

`planner.plan_updates` makes a `Plan`; `apply.py` carries it out, and
`commands.plan_report` and `commands.status_report` report it.
"""

from __future__ import annotations

from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from layergen.errors import LayergenError
from layergen.records import field, frozen_record, record
from layergen.update.compat import CompatChange
from layergen.update.merge import MergeResult
from layergen.update.reconcile import Outcome, Status
from layergen.update.record_types import OutputRecord, SpecRecord, WeightRecord

if TYPE_CHECKING:
    from layergen.spec.sections import LayerSpec  # (not loaded on the fast path, which needs no spec)


class ConflictMode(StrEnum):
    report = "report"  # leave the files as they are and print the conflicts
    side = "side"  # also write the merge with conflict markers to FILE.conflict
    inline = "inline"  # write the merge with conflict markers into the file itself


@frozen_record
class PlanOptions:
    conflicts: ConflictMode = ConflictMode.report
    prune: bool = False  # remove a deleted spec's unedited files
    accept_breaking: bool = False  # record a change that breaks loading old checkpoints


@frozen_record
class GeneratedFile:
    path: Path
    content: str


@frozen_record
class GeneratedSpec:
    """A spec generated in this run, as the update step receives it."""

    spec_path: Path
    spec: LayerSpec  # its sub-layers and inputs make its weight tree
    class_name: str
    weights: dict[str, WeightRecord]  # the layer's own weights, as checkpoints hold them
    files: tuple[GeneratedFile, ...]  # in `fingerprint.ROLES` order
    spec_bytes: bytes | None = None  # the spec's bytes it was generated from, for its fingerprint


def side_file(path: Path) -> Path:
    """Where `--conflicts side` writes the merge with conflict markers."""
    return path.with_name(path.name + ".conflict")


@frozen_record(kw_only=True)
class FileUpdate:
    """One file's fate: built once, by keyword; a later step returns a changed copy (`replace`)."""

    path: Path
    outcome: Outcome  # how the file's content is decided (`reconcile`): its status, merge, markers
    before: str | None  # the text the update starts from (`\n` line ends)
    after: str | None  # the text after the update (None: removed or absent)
    generated: str | None = None  # what layergen generates now
    newline: str = "\n"  # the file's own line ending, kept when it is written
    write: bool = False  # write `after` to `path`
    remove: bool = False  # delete `path`
    moved_from: Path | None = None  # a renamed layer's file, moved to `path` (deleted once written)
    side_text: str | None = None  # the merge with conflict markers, for FILE.conflict (`side_path`)
    drop_side_file: Path | None = None  # the side file of a conflict that is resolved now
    syntax_error: tuple[int, str] | None = None  # (line, message): `after` is not valid Python
    role: str | None = None  # the spec's output this is; None for a renamed layer's old copy
    previous: OutputRecord | None = None

    @property
    def status(self) -> Status:
        return self.outcome.status

    @property
    def merge(self) -> MergeResult | None:
        return self.outcome.merge

    @property
    def marker_line(self) -> int | None:
        return self.outcome.marker_line

    @property
    def side_path(self) -> Path | None:
        return side_file(self.path) if self.side_text is not None else None

    @property
    def stale(self) -> bool:
        """Whether `layergen check` fails on it."""
        settled = self.status in (Status.UNCHANGED, Status.KEPT, Status.RESOLVED)
        return not settled or self.write or self.moved_from is not None or self.syntax_error is not None

    @property
    def location(self) -> Path:
        """Where the file is before the update."""
        return self.moved_from or self.path


def found_file(path: Path, status: Status, ours: str, *, newline: str, remove: bool = False) -> FileUpdate:
    """A file that is only found, not generated (a deleted spec's, a renamed layer's old copy):
    left as it is, or removed."""
    after = None if remove else ours
    outcome = Outcome(status, after, None)
    return FileUpdate(path=path, outcome=outcome, before=ours, after=after, newline=newline, remove=remove)


@frozen_record
class SpecUpdate:
    """What a run does to one spec's files and record: a value, never changed once planned
    (`with_fingerprint` returns a changed copy; `apply` returns what failed)."""

    spec: Path
    key: str  # the spec's path relative to the project root: its record's name
    files: list[FileUpdate] = field(default_factory=list)
    compat: list[CompatChange] = field(default_factory=list)
    journal: SpecRecord | None = None  # saved before any file is written (see `PendingWrite`)
    final_record: SpecRecord | None = None  # the record after the update (None: left as it is)
    replaces: str | None = None  # a renamed spec's old record
    drop_record: bool = False  # a deleted spec whose files are all gone
    held: bool = False  # a conflict or a file in the way: nothing is written for the spec

    @property
    def conflicted(self) -> bool:
        return any(f.status in (Status.CONFLICT, Status.UNTRACKED, Status.MARKERS) for f in self.files)


@record
class Plan:
    updates: list[SpecUpdate] = field(default_factory=list)
    orphans: list[SpecUpdate] = field(default_factory=list)  # specs deleted since last time
    errors: list[LayergenError] = field(default_factory=list)

    def all_files(self) -> Iterator[FileUpdate]:
        for update in self.updates + self.orphans:
            yield from update.files
