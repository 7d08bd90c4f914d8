"""What happens to one generated file when its spec is generated again.

Three versions meet: `base`, what layergen generated last time (from the spec's record);
`ours`, the file on disk, perhaps edited by hand; `theirs`, what the spec generates now.
All three have `\\n` line ends here. The rules that keep a CI gate honest:

- A file layergen has no record of is never taken over, unless it already is exactly
  what the spec generates.
- A file holding conflict markers is never merged; the record keeps its old base.
- A conflict stays open in the record (with the generation it is with) until the person
  resolves it. Only then does the base advance to that generation: so a resolution is
  taken as it is, and a stale file never counts as current.
"""

from __future__ import annotations

import hashlib
from enum import Enum

from layergen.records import frozen_record, replace
from layergen.update.merge import MergeResult, conflict_marker_line, merge3
from layergen.update.record_types import OpenConflict, OutputRecord


class Status(Enum):
    CREATED = "created"
    UPDATED = "updated"  # no hand edits: the new generation replaces the file
    MERGED = "merged"  # hand edits and the spec's change, both kept
    UNCHANGED = "unchanged"
    KEPT = "kept"  # hand edits; the spec's output did not change
    RESOLVED = "resolved"  # the person resolved an open conflict; their result is taken
    CONFLICT = "conflict"  # hand edits and the spec's change touch the same lines
    MARKERS = "markers"  # the file holds conflict markers: nothing is merged until they are gone
    UNTRACKED = "untracked"  # a file is in the way that layergen has no record of
    ORPHANED = "orphaned"  # its spec was deleted
    EDITED_ORPHAN = "orphaned, edited"  # its spec was deleted, and it has hand edits
    REMOVED = "removed"
    MOVED_AWAY = "moved away"  # a renamed layer's old file; its content went to the new path
    LEFTOVER = "left over"  # a renamed layer's old file that was edited after the move


@frozen_record
class Outcome:
    status: Status
    after: str | None  # the file's text after the update
    base: str | None  # the merge base to record; None: the record keeps nothing for the file
    conflict: OpenConflict | None = None  # the open conflict to record
    merge: MergeResult | None = None
    marker_line: int | None = None


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def reconcile(previous: OutputRecord | None, ours: str | None, theirs: str, *, side_file_exists: bool) -> Outcome:
    """The outcome for one file; a conflict's outcome leaves the file as it is (the caller
    writes markers when asked to)."""
    if ours is None:
        return Outcome(Status.CREATED, theirs, theirs)
    if ours == theirs:
        return Outcome(Status.UNCHANGED, ours, theirs)
    if previous is None:
        return Outcome(Status.UNTRACKED, ours, None)
    line = conflict_marker_line(ours)
    if line is not None:
        return Outcome(Status.MARKERS, ours, previous.generated, previous.conflict, marker_line=line)
    if previous.conflict is not None:
        resolution = _resolution(previous.generated, previous.conflict, ours, side_file_exists)
        if resolution is not None:
            outcome = three_way(previous.conflict.generated, resolution, theirs)
            if outcome.status != Status.CONFLICT:
                return replace(outcome, status=Status.RESOLVED)
            if resolution == ours:
                return outcome  # resolved, but the spec has changed again since, and conflicts anew
            # Otherwise the resolution is not on disk whole: keep the old base until it is.
    return three_way(previous.generated, ours, theirs)


def three_way(base: str, ours: str, theirs: str) -> Outcome:
    if ours == theirs:
        return Outcome(Status.UNCHANGED, ours, theirs)
    if base == theirs:
        return Outcome(Status.KEPT, ours, theirs)
    if base == ours:
        return Outcome(Status.UPDATED, theirs, theirs)
    merge = merge3(base, ours, theirs)
    if merge.clean:
        return Outcome(Status.KEPT if merge.text == ours else Status.MERGED, merge.text, theirs, merge=merge)
    untouched = tuple(digest("".join(conflict.ours)) for conflict in merge.conflicts)
    return Outcome(Status.CONFLICT, ours, base, OpenConflict(theirs, "report", digest(ours), untouched), merge)


def _resolution(base: str, conflict: OpenConflict, ours: str, side_file_exists: bool) -> str | None:
    """The person's resolution of an open conflict, or None while it is not resolved.

    The file as it was before the conflict is never a resolution (the spec's change is
    not in it). Markers written into the file and then removed are one, whatever was kept;
    so is the side file moved into place (it holds the merge's clean part). Otherwise each
    conflicting region must have been edited: an edit elsewhere leaves the conflict open.
    """
    if digest(ours) == conflict.left:
        return None
    if conflict.mode == "inline":
        return ours
    merge = merge3(base, ours, conflict.generated)
    if merge.clean:
        return merge.text
    resolved = merge3(base, ours, conflict.generated, take_ours=True).text
    if conflict.mode == "side" and not side_file_exists and resolved == ours:
        return ours
    if any(digest("".join(c.ours)) in conflict.untouched for c in merge.conflicts):
        return None
    return resolved
