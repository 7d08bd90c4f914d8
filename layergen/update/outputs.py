"""One output file's update: its generated text and its record in, a `FileUpdate` out (and
the old copy a renamed layer left behind); plus what a path names on disk, through links.
"""

from __future__ import annotations

import os
from pathlib import Path

from layergen.project.locations import from_key, project_key
from layergen.project.settings import Project
from layergen.records import replace
from layergen.update.plan import FileUpdate, GeneratedFile, found_file, side_file
from layergen.update.reconcile import Outcome, Status, digest, reconcile
from layergen.update.record_types import MovedFrom, OutputRecord
from layergen.writing import read_text, split_newlines


def settled(project: Project, output: OutputRecord) -> OutputRecord:
    """The record of an output, after the write a killed run left pending: done when the
    file holds what was to be written, not done otherwise."""
    if output.write is None:
        return output
    text = read_text(from_key(project, output.write.record.path))
    if text is not None and digest(split_newlines(text)[0]) == output.write.sha256:
        return output.write.record
    return replace(output, write=None)


def plan_output(project: Project, role: str, earlier: OutputRecord | None, file: GeneratedFile) -> list[FileUpdate]:
    """The update of one output, and of the old copy a renamed layer left behind."""
    here = read_text(file.path)
    old = None
    if earlier is not None and earlier.path != project_key(project, file.path):
        old = from_key(project, earlier.path)
        if same_file(old, file.path):
            # The same file by another name (a folder on its path became a symbolic link
            # to where it is now): nothing moves, and the record takes the new name.
            old = None
        elif read_text(old) is None:
            # Its file is gone: nothing to move, and nothing known of what is at the new path.
            old, earlier = None, None
    text = read_text(old) if old is not None else here
    ours, newline = split_newlines(text) if text is not None else (None, "\n")
    outcome = reconcile(earlier, ours, file.content, side_file_exists=side_file(old or file.path).exists())
    current = split_newlines(here)[0] if here is not None else None
    if old is not None and current is not None and current != outcome.after:
        # Something else is at the renamed layer's new path: it is never overwritten.
        untracked = Outcome(Status.UNTRACKED, current, None)
        return [
            FileUpdate(
                path=file.path,
                outcome=untracked,
                before=current,
                after=current,
                generated=file.content,
                role=role,
                previous=earlier,
            )
        ]
    update = FileUpdate(
        path=file.path,
        outcome=outcome,
        before=ours,
        after=outcome.after,
        generated=file.content,
        newline=newline,
        write=outcome.after is not None and outcome.after != current,
        moved_from=old,
        role=role,
        previous=earlier,
    )
    if earlier is not None and earlier.moved_from is not None and old is None:
        return [update, *_old_copy(project, earlier.moved_from, file.path)]
    return [update]


def _old_copy(project: Project, moved: MovedFrom, moved_to: Path) -> list[FileUpdate]:
    """A renamed layer's old file that a run stopped before removing, or that was edited since."""
    path = from_key(project, moved.path)
    text = read_text(path)
    if text is None or same_file(path, moved_to):
        return []
    ours, newline = split_newlines(text)
    if digest(ours) == moved.sha256:
        return [found_file(path, Status.MOVED_AWAY, ours, newline=newline, remove=True)]
    return [found_file(path, Status.LEFTOVER, ours, newline=newline)]


def real_file(path: Path) -> Path:
    """A path whose folders are resolved (as the plan's are), with its last link followed too."""
    return Path(os.path.realpath(path)) if os.path.islink(path) else path


def same_file(one: Path, other: Path) -> bool:
    """Whether two paths name one file, every symbolic link followed (one answer for move
    detection, ownership and removal)."""
    return one == other or os.path.realpath(one) == os.path.realpath(other)
