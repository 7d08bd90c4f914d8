"""A spec's files after the conflict mode is applied, and its record after the update.

The planned files of one spec in (each with its `reconcile` outcome), the files as they
will be written and the spec's final record and journal out. A spec with a file in the
way, or with a conflict (unless written inline), is held: none of its files is written,
so its layer and test never disagree. Its record keeps the old bases, and notes each open
conflict.
"""

from __future__ import annotations

import ast

from layergen.project.locations import from_key, project_key
from layergen.project.settings import Project
from layergen.records import frozen_record, replace
from layergen.update.merge import has_conflict_markers
from layergen.update.plan import ConflictMode, FileUpdate, side_file
from layergen.update.reconcile import Status, digest
from layergen.update.record_types import MovedFrom, OutputRecord, PendingWrite, SpecRecord
from layergen.writing import read_text


@frozen_record
class Settled:
    files: list[FileUpdate]
    held: bool
    final_record: SpecRecord | None
    journal: SpecRecord | None


def settle(
    files: list[FileUpdate], project: Project, previous: SpecRecord | None, fresh: SpecRecord, mode: ConflictMode
) -> Settled:
    """The files as the conflict mode leaves them, and the spec's record: `fresh` (the
    generation's class and weights) with the outputs' records, or `previous`'s when held."""
    held = any(
        f.status in (Status.UNTRACKED, Status.MARKERS) or (f.status == Status.CONFLICT and mode != ConflictMode.inline)
        for f in files
    )
    if held and mode == ConflictMode.inline:
        mode = ConflictMode.report  # markers go into no file of a spec that is held anyway
    outputs = dict(previous.outputs) if previous is not None and held else {}
    settled_files = []
    for file in files:
        file, output = _settle_file(file, project, held, mode)
        settled_files.append(file)
        if output is not None and file.role is not None:
            outputs[file.role] = output
    if held and previous is None:
        return Settled(settled_files, held, None, None)
    base = replace(previous if held and previous is not None else fresh, outputs=outputs)
    final = replace(
        base,
        outputs={
            role: output if _old_copy_stays(output, settled_files, project) else replace(output, moved_from=None)
            for role, output in outputs.items()
        },
    )
    journal = None
    if not held and any(f.write for f in settled_files):
        journal = replace(base, outputs=_journal(settled_files, outputs))
    return Settled(settled_files, held, final, journal)


def _settle_file(
    file: FileUpdate, project: Project, held: bool, mode: ConflictMode
) -> tuple[FileUpdate, OutputRecord | None]:
    """One file as the update leaves it, and its output's record (None: keep the one there is)."""
    if held:
        file = replace(file, after=file.before, write=False, remove=False)
    if file.role is None:
        return file, None
    output = None
    if file.status == Status.CONFLICT:
        file = _write_conflict(file, mode)
        output = _conflict_record(file, project, mode)
    elif not held and file.outcome.base is not None:
        moved = _earlier_move(file)
        if file.moved_from is not None and file.before is not None:
            moved = MovedFrom(project_key(project, file.moved_from), digest(file.before))
        output = OutputRecord(project_key(project, file.path), file.outcome.base, None, moved)
    if held:
        file = replace(file, path=file.location, moved_from=None)  # nothing moves: the file stays where it is
    elif file.status not in (Status.CONFLICT, Status.MARKERS) and file.previous and file.previous.conflict:
        side = side_file(file.location)
        if side.is_file() and has_conflict_markers(read_text(side) or ""):
            file = replace(file, drop_side_file=side)
    return replace(file, syntax_error=_syntax_error(file)), output


def _journal(files: list[FileUpdate], outputs: dict[str, OutputRecord]) -> dict[str, OutputRecord]:
    """The outputs' records while their files are written: a file to write keeps its old
    record, with the new one pending until the file holds what is written."""
    journal = dict(outputs)
    for file in files:
        if file.write and file.after is not None and file.role is not None and file.previous is not None:
            pending = PendingWrite(digest(file.after), outputs[file.role])
            journal[file.role] = replace(file.previous, write=pending)
    return journal


def _write_conflict(file: FileUpdate, mode: ConflictMode) -> FileUpdate:
    """A conflicting file as the mode writes it: markers in it (inline), else left where it is."""
    merge = file.outcome.merge
    assert merge is not None, "what a conflict's outcome has"
    if mode == ConflictMode.inline:
        return replace(file, after=merge.text, write=True)
    side_text = merge.text if mode == ConflictMode.side else file.side_text
    return replace(file, after=file.before, write=False, path=file.location, moved_from=None, side_text=side_text)


def _conflict_record(file: FileUpdate, project: Project, mode: ConflictMode) -> OutputRecord:
    """The record of a conflicting output, as written: the old base, and the open conflict."""
    conflict, base = file.outcome.conflict, file.outcome.base
    assert conflict is not None and base is not None, "what a conflict's outcome has"
    return OutputRecord(project_key(project, file.path), base, replace(conflict, mode=mode.value), _earlier_move(file))


def _earlier_move(file: FileUpdate) -> MovedFrom | None:
    """An earlier move's note of the old copy, kept until that copy is gone."""
    earlier = file.previous
    return earlier.moved_from if earlier is not None and file.moved_from is None else None


def _old_copy_stays(output: OutputRecord, files: list[FileUpdate], project: Project) -> bool:
    """Whether the old copy noted in `output.moved_from` is still there after the update."""
    if output.moved_from is None:
        return False
    path = from_key(project, output.moved_from.path)
    return any(f.role is None and f.path == path and not f.remove for f in files)


def _syntax_error(file: FileUpdate) -> tuple[int, str] | None:
    """Where a hand-edited Python file stopped parsing (generated code always parses)."""
    if file.path.suffix != ".py" or file.after is None or file.after == file.generated:
        return None
    if file.status in (Status.CONFLICT, Status.MARKERS, Status.UNTRACKED):
        return None
    try:
        ast.parse(file.after)
    except SyntaxError as exc:
        return exc.lineno or 1, exc.msg
    return None
