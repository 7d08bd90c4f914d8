"""Three-way merge of text files, line by line (the diff3 algorithm).

`base` is what layergen generated last time, `ours` is the file on disk (with a person's
edits), `theirs` is what layergen generates now. A region changed on one side only takes
that side; a region changed the same way on both sides is taken once; a region changed
differently on both sides is a conflict, and nothing is decided for the person — unless
the caller knows the person already decided it (`take_ours`, for a resolved conflict).
Texts are compared line by line as given: callers normalize line endings first.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from layergen.records import frozen_record

if TYPE_CHECKING:
    import difflib

OURS_MARKER = "<<<<<<< on disk (your edits)"
BASE_MARKER = "||||||| generated last time"
SPLIT_MARKER = "======="
THEIRS_MARKER = ">>>>>>> generated now"


@frozen_record
class Conflict:
    base: list[str]
    ours: list[str]
    theirs: list[str]
    line: int  # 1-based line in `ours` where the conflicting region starts


@frozen_record
class MergeResult:
    text: str  # the merge, with conflict markers where there are conflicts
    conflicts: list[Conflict]

    @property
    def clean(self) -> bool:
        return not self.conflicts


def merge3(base: str, ours: str, theirs: str, *, take_ours: bool = False) -> MergeResult:
    """The merge; with `take_ours`, conflicting regions take our side instead of markers
    (the conflicts are still listed)."""
    base_lines = base.splitlines(keepends=True)
    our_lines = ours.splitlines(keepends=True)
    their_lines = theirs.splitlines(keepends=True)
    output: list[str] = []
    conflicts: list[Conflict] = []
    b = o = t = 0  # positions in base, ours, theirs
    for sync_base, sync_ours, sync_theirs, length in _sync_regions(base_lines, our_lines, their_lines):
        base_chunk = base_lines[b:sync_base]
        our_chunk = our_lines[o:sync_ours]
        their_chunk = their_lines[t:sync_theirs]
        if our_chunk == their_chunk:
            output += our_chunk
        elif our_chunk == base_chunk:
            output += their_chunk
        elif their_chunk == base_chunk:
            output += our_chunk
        else:
            conflicts.append(Conflict(base_chunk, our_chunk, their_chunk, o + 1))
            output += our_chunk if take_ours else _markers(base_chunk, our_chunk, their_chunk)
        output += base_lines[sync_base : sync_base + length]
        b, o, t = sync_base + length, sync_ours + length, sync_theirs + length
    return MergeResult("".join(output), conflicts)


def _sync_regions(base: list[str], ours: list[str], theirs: list[str]) -> Iterator[tuple[int, int, int, int]]:
    """Regions where all three agree, as (base start, ours start, theirs start, length).

    Ends with an empty region at the three ends, so the last unmatched chunk is merged too.
    """
    our_matches = _matches(base, ours)
    their_matches = _matches(base, theirs)
    i = j = 0
    while i < len(our_matches) and j < len(their_matches):
        ob, oo, olen = our_matches[i]
        tb, tt, tlen = their_matches[j]
        start = max(ob, tb)
        end = min(ob + olen, tb + tlen)
        if start < end:
            yield start, oo + (start - ob), tt + (start - tb), end - start
        if ob + olen < tb + tlen:
            i += 1
        else:
            j += 1
    yield len(base), len(ours), len(theirs), 0


def _matches(base: list[str], other: list[str]) -> list[difflib.Match]:
    import difflib  # merging is rare: not loaded on the fast path

    matcher = difflib.SequenceMatcher(None, base, other, autojunk=False)
    return [m for m in matcher.get_matching_blocks() if m.size]


def _markers(base: Sequence[str], ours: Sequence[str], theirs: Sequence[str]) -> list[str]:
    def block(lines: Sequence[str]) -> list[str]:
        return [line if line.endswith("\n") else line + "\n" for line in lines]

    return [
        OURS_MARKER + "\n",
        *block(ours),
        BASE_MARKER + "\n",
        *block(base),
        SPLIT_MARKER + "\n",
        *block(theirs),
        THEIRS_MARKER + "\n",
    ]


# Ours and git's: `<<<<<<< label` ... `>>>>>>> label`. A bare `=======` line alone is not
# taken as a marker: it can be a docstring's heading underline.
_OPENING = re.compile(r"<{7}(?: |$)")
_CLOSING = re.compile(r">{7}(?: |$)")


def conflict_marker_line(text: str) -> int | None:
    """The 1-based line of the first conflict marker, when the text holds a conflict."""
    lines = text.splitlines()
    opening = next((i for i, line in enumerate(lines) if _OPENING.match(line)), None)
    if opening is None or not any(_CLOSING.match(line) for line in lines[opening + 1 :]):
        return None
    return opening + 1


def has_conflict_markers(text: str) -> bool:
    return conflict_marker_line(text) is not None
