"""`layergen status`: the state of each spec and of its files, as `git status` gives it.

Worked out from the same plan `layergen new` would carry out, so `status` and `check`
never disagree with what `new` then does. Spec states, worst first:

    conflicted   a file holds conflict markers, does not parse, is in the way, or the
                 update would conflict with hand edits
    stale        `layergen new` would change a file (hand edits kept)
    breaking     the spec drops or reshapes a weight that old checkpoints have
    hand-edited  current, with hand edits
    current      every file is what the spec generates
    orphaned     the spec was deleted; its files are still there
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from layergen.errors import Problem
from layergen.records import as_dict, field, frozen_record, record
from layergen.update.plan import FileUpdate, Plan, SpecUpdate
from layergen.update.reconcile import Status

Display = Callable[[Path], str]  # a path as the user sees it
Details = Callable[[FileUpdate, SpecUpdate], str | None]  # what is the matter with a file, in words

SPEC_STATES = ("conflicted", "stale", "breaking", "hand-edited", "current", "orphaned")

_FILE_STATES = {
    Status.UNCHANGED: "current",
    Status.KEPT: "hand-edited",
    Status.RESOLVED: "hand-edited",
    Status.CREATED: "stale",
    Status.UPDATED: "stale",
    Status.MERGED: "stale",
    Status.MOVED_AWAY: "stale",
    Status.LEFTOVER: "stale",
    Status.CONFLICT: "conflicted",
    Status.MARKERS: "conflicted",
    Status.UNTRACKED: "conflicted",
    Status.ORPHANED: "orphaned",
    Status.EDITED_ORPHAN: "orphaned",
    Status.REMOVED: "orphaned",
}


@frozen_record
class FileState:
    path: str
    state: str
    detail: str  # what is the matter, in words
    line: int | None = None


@record
class SpecState:
    spec: str
    state: str
    files: list[FileState] = field(default_factory=list)
    breaking: list[str] = field(default_factory=list)  # "weights.NAME: message", "PATH: message (through SPEC)"
    affects: list[str] = field(default_factory=list)  # specs whose layers hold this one and break with it


@record
class ProjectStatus:
    specs: list[SpecState]
    errors: list[Problem]  # specs that cannot be generated

    @property
    def needs_fixing(self) -> bool:
        """A spec that cannot be generated, or one whose files are conflicted: a project that
        needs fixing whatever the command (`layergen.exit_status.NEEDS_FIXING`), as `check` and
        `new` exit for it. Stale and breaking specs are not: `new` has work to do."""
        return bool(self.errors) or any(spec.state == "conflicted" for spec in self.specs)

    def as_json(self) -> dict[str, Any]:
        return {"specs": [as_dict(s) for s in self.specs], "errors": [as_dict(p) for p in self.errors]}


def project_status(plan: Plan, display: Display, details: Details) -> ProjectStatus:
    """`display` shows a path; `details(file, update)` says what is the matter with a file."""
    specs = [_spec_state(u, display, details, orphaned=False) for u in plan.updates]
    specs += [_spec_state(u, display, details, orphaned=True) for u in plan.orphans]
    # A project class's break reaches the layers that hold it: say which, at both ends.
    by_key = {s.spec: s for s in specs}
    for update in plan.updates:
        for source in sorted({c.via for c in update.compat if c.breaking and c.via}):
            if source in by_key and update.key not in by_key[source].affects:
                by_key[source].affects.append(update.key)
    errors = [problem for error in plan.errors for problem in error.problems]
    return ProjectStatus(sorted(specs, key=lambda s: s.spec), errors)


def _spec_state(update: SpecUpdate, display: Display, details: Details, *, orphaned: bool) -> SpecState:
    files = [_file_state(f, update, display, details) for f in update.files]
    breaking = [f"{c.where}: {c.shown}" for c in update.compat if c.breaking]
    if orphaned:
        return SpecState(update.key, "orphaned", files)
    found = {f.state for f in files} | ({"breaking"} if breaking else set())
    state = next(s for s in SPEC_STATES if s in found or s == "current")
    return SpecState(update.key, state, [f for f in files if f.state != "current"], breaking)


def _file_state(file: FileUpdate, update: SpecUpdate, display: Display, details: Details) -> FileState:
    if file.syntax_error is not None:
        return FileState(
            display(file.path), "conflicted", f"does not parse ({file.syntax_error[1]})", file.syntax_error[0]
        )
    if file.moved_from is not None:
        detail = f"{update.key} now generates it; `layergen new` moves {display(file.moved_from)} here"
        return FileState(display(file.path), "stale", detail)
    state = _FILE_STATES[file.status]
    if file.status == Status.RESOLVED and file.write:
        state = "stale"
    detail = details(file, update) or ("has hand edits; current with its spec" if state == "hand-edited" else "current")
    line = file.marker_line
    if file.status == Status.CONFLICT and file.merge is not None:
        line = file.merge.conflicts[0].line
    return FileState(display(file.path), state, detail, line)
