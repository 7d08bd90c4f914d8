"""What `layergen new`, `check` and `status` say about an update plan, as result lines.

The words for each file's fate live here, so the three commands describe a file alike;
`layergen.cli.report` prints them.
"""

from __future__ import annotations

from collections.abc import Collection

from layergen.audit.advice import blocked, in_the_way, shown_path
from layergen.commands.result import CommandResult
from layergen.commands.status_report import ProjectStatus
from layergen.errors import LayergenError, Problem
from layergen.project.settings import Project
from layergen.update.merge import OURS_MARKER, Conflict, MergeResult
from layergen.update.plan import FileUpdate, Plan, SpecUpdate
from layergen.update.reconcile import Status
from layergen.update.records import RECORDS_DIR

_SHOWN = {
    Status.CREATED: "wrote",
    Status.UPDATED: "updated",
    Status.MERGED: "merged (your edits kept)",
    Status.UNCHANGED: "unchanged",
    Status.KEPT: "unchanged (your edits kept)",
    Status.RESOLVED: "resolved (your resolution recorded)",
    Status.REMOVED: "removed",
}


# From this many specs on, `new` counts the files it left unchanged instead of listing them.
COUNT_FROM = 10


def report_new(
    result: CommandResult,
    plan: Plan,
    project: Project,
    *,
    dry_run: bool,
    accepted: bool,
    failed: Collection[str],
) -> None:
    """What `new` did (or, with `dry_run`, would do) to each file, and its weight notes;
    `failed`: the keys of the specs whose update failed (`apply.Applied.failed`)."""
    counted = len(plan.updates) + len(plan.errors) >= COUNT_FROM
    for update in plan.updates:
        for file in update.files if update.key not in failed else ():
            if counted and file.status in (Status.UNCHANGED, Status.KEPT) and not (file.write or file.moved_from):
                continue
            line = _update_line(file, update, project)
            if line and not (dry_run and not (file.write or file.remove or file.moved_from)):
                result.info(_would(line) if dry_run else line)
        for change in update.compat:
            if not change.breaking:
                result.info(f"{update.key}: {change.where}: note: {change.shown}")
            elif accepted:
                result.info(f"{update.key}: {change.where}: breaking, accepted: {change.shown}")
            else:
                result.warn(f"{update.key}: {change.where}: breaking: {change.shown}")
        if not accepted and any(c.breaking for c in update.compat):
            result.warn(
                f"{update.key}: `layergen check` fails until you accept this with `layergen new --accept-breaking`"
            )
    for orphan in plan.orphans:
        for file in orphan.files:
            name = project.display(file.path)
            if file.status == Status.REMOVED:
                result.info(f"{'would remove' if dry_run else 'removed'} {name} (its spec {orphan.key} was deleted)")
            elif file.status == Status.ORPHANED:
                result.info(f"orphaned {name}: its spec {orphan.key} was deleted; remove it with --prune")
            else:
                result.info(
                    f"orphaned {name}: its spec {orphan.key} was deleted, but it has hand edits; delete it yourself"
                )


# What `new --diff` says for what `new` would do: "would write x.py", not "would be wrote".
_WOULD_DO = {
    "wrote": "would write",
    "updated": "would update",
    "merged": "would merge",
    "removed": "would remove",
    "moved": "would move",
    "resolved": "would record as resolved",
}


def _would(line: str) -> str:
    verb, _, rest = line.partition(" ")
    return f"{_WOULD_DO[verb]} {rest}" if verb in _WOULD_DO else "would be " + line


def _update_line(file: FileUpdate, update: SpecUpdate, project: Project) -> str | None:
    name = project.display(file.path)
    if file.status == Status.MOVED_AWAY:
        return f"removed {name} (an old copy of a renamed layer's file)"
    if file.status == Status.LEFTOVER:
        return f"left over {name}: a renamed layer's old file, edited after the move; delete it yourself"
    if update.held:
        pending = file.status in (Status.CREATED, Status.UPDATED, Status.MERGED, Status.RESOLVED)
        return f"not updated {name}: first resolve what is reported for {update.key}" if pending else None
    if file.status not in _SHOWN:
        return None
    shown = _SHOWN[file.status]
    if file.status == Status.RESOLVED and file.write:
        shown = "resolved (your resolution, with the spec's other changes)"
    if file.moved_from is not None:
        return f"moved {project.display(file.moved_from)} to {name}: {shown}"
    if file.drop_side_file is not None:
        shown += f"; removed {project.display(file.drop_side_file)}"
    return f"{shown} {name}"


def report_file_failures(result: CommandResult, plan: Plan, project: Project) -> None:
    """Files `new` left alone or could not finish: in the way, conflicted, marked, broken."""
    for update in plan.updates:
        for file in update.files:
            name = project.display(file.path)
            if file.status == Status.UNTRACKED:
                message = (
                    f"exists, but layergen has no record of writing it; {in_the_way(file, update, name)} "
                    f"(if layergen wrote it, restore {RECORDS_DIR.as_posix()}/ from version control)"
                )
                result.fail(LayergenError(Problem(name, message)))
            elif file.status == Status.MARKERS:
                message = (
                    "holds conflict markers; keep the lines you want, delete the marker lines, then run `layergen new`"
                )
                result.fail(LayergenError(Problem(name, message, line=file.marker_line)))
            elif file.status == Status.CONFLICT and file.merge is not None:
                lines = _conflict_lines(file, file.merge)
                for conflict, line in zip(file.merge.conflicts, lines, strict=True):
                    result.detail(_show_conflict(name, conflict, line))
                message = _conflict_message(file, update, len(file.merge.conflicts))
                result.fail(LayergenError(Problem(name, message, line=lines[0])))
            if file.syntax_error is not None:
                line, message = file.syntax_error
                result.fail(LayergenError(Problem(name, f"does not parse ({message}); fix it", line=line)))


def report_counts(result: CommandResult, plan: Plan, *, dry_run: bool, failed: Collection[str]) -> None:
    """For many specs: how many files were written, updated, ... (`12 written, 188 unchanged`)."""
    if len(plan.updates) + len(plan.errors) < COUNT_FROM:
        return
    counts: dict[str, int] = {}
    for update in plan.updates:
        for file in update.files if not (update.key in failed or update.held) else ():
            word = _COUNTED.get(file.status) if file.role is not None else None
            if word is not None:
                counts[word] = counts.get(word, 0) + 1
    held = sum(1 for u in plan.updates if u.held or u.key in failed) + len(plan.errors)
    words = _WOULD if dry_run else {}
    parts = [f"{counts[w]} {words.get(w, w)}" for w in dict.fromkeys(_COUNTED.values()) if counts.get(w)]
    if held:
        parts.append(f"{held} spec{'s' if held > 1 else ''} {'would not be' if dry_run else 'not'} done")
    if parts:
        result.info(", ".join(parts) + (" (--diff: nothing written)" if dry_run else ""))


_COUNTED = {
    Status.CREATED: "written",
    Status.UPDATED: "updated",
    Status.MERGED: "merged",
    Status.RESOLVED: "resolved",
    Status.UNCHANGED: "unchanged",
    Status.KEPT: "unchanged",
}
# What `new --diff` says instead: it writes nothing.
_WOULD = {word: f"to be {word}" for word in ("written", "updated", "merged", "resolved")}


def report_summary(result: CommandResult, plan: Plan, project: Project, failed: Collection[str]) -> None:
    """One line when some specs failed (`failed`: the keys of those whose update failed) and
    others did not."""
    files = {p.file for error in result.problems for p in error.problems}
    total = len(plan.updates) + len(plan.errors)
    count = len(plan.errors) + sum(
        1
        for u in plan.updates
        if u.key in failed
        or any(project.display(f.path) in files or project.display(f.location) in files for f in u.files)
    )
    if result.problems and total > 1 and count < total:
        result.info(f"{count} of {total} specs failed; the others are done")


def _conflict_message(file: FileUpdate, update: SpecUpdate, count: int) -> str:
    what = f"{count} conflict{'s' if count > 1 else ''} between your edits and {update.key}"
    if file.write:
        return (
            f"{what}; the file now holds both versions between conflict markers: resolve them, then run `layergen new`"
        )
    if file.side_path is not None:
        return (
            f"{what}; left as it was, the merge with conflict markers is in {file.side_path.name} "
            "(resolve it and move it into place, then run `layergen new`)"
        )
    if any(f.status in (Status.UNTRACKED, Status.MARKERS) for f in update.files):
        return f"{what}; left as it was, as another file of the spec is in the way"
    return (
        f"{what}; left as it was (edit the conflicting lines to hold both changes and run `layergen new` again, "
        "or use --conflicts side or --conflicts inline to write the merge)"
    )


def _conflict_lines(file: FileUpdate, merge: MergeResult) -> list[int]:
    """Where each conflict is: its markers' line once written inline, else the line on disk."""
    if not file.write or file.after is None:
        return [conflict.line for conflict in merge.conflicts]
    return [i + 1 for i, line in enumerate(file.after.splitlines()) if line == OURS_MARKER]


def _show_conflict(name: str, conflict: Conflict, line: int) -> str:
    def block(lines: list[str]) -> str:
        return (
            "".join(f"    | {line}" if line.endswith("\n") else f"    | {line}\n" for line in lines)
            or "    (nothing)\n"
        )

    return (
        f"{name}:{line}: both changed these lines\n"
        f"  on disk (your edits):\n{block(conflict.ours)}"
        f"  generated now:\n{block(conflict.theirs)}"
    ).rstrip("\n")


def stale_lines(file: FileUpdate, update: SpecUpdate, project: Project) -> list[str]:
    """Why `layergen check` fails on a file, one line per reason."""
    name = project.display(file.path)
    lines = []
    if file.syntax_error is not None:
        lines.append(f"{name}:{file.syntax_error[0]}: does not parse ({file.syntax_error[1]})")
    if file.moved_from is not None:
        old = project.display(file.moved_from)
        lines.append(f"{old}: {update.key} now generates {name}; `layergen new` moves it there, with your edits")
    elif file.stale:
        reason = why_stale(file, update)
        if reason:
            where = f"{name}:{file.marker_line}" if file.status == Status.MARKERS else name
            lines.append(f"{where}: {reason}")
    return lines


def why_stale(file: FileUpdate, update: SpecUpdate) -> str | None:
    open_conflict = file.previous is not None and file.previous.conflict is not None
    return {
        Status.CREATED: blocked(update) or f"missing; run `layergen new {update.key}`",
        Status.UPDATED: f"out of date with {update.key}",
        Status.MERGED: f"out of date with {update.key} (your edits would be kept)",
        Status.RESOLVED: "conflict resolved; run `layergen new` to record it",
        Status.CONFLICT: f"out of date with {update.key}, and the update conflicts with your edits"
        + ("; the conflict reported earlier is not resolved yet" if open_conflict else ""),
        Status.MARKERS: "holds conflict markers; resolve them, then run `layergen new`",
        Status.UNTRACKED: "not written by layergen, but in the way of a generated file; "
        + in_the_way(file, update, shown_path(file, update)),
        Status.ORPHANED: f"left over: its spec {update.key} was deleted",
        Status.EDITED_ORPHAN: f"left over: its spec {update.key} was deleted",
        Status.MOVED_AWAY: "left over: an old copy of a renamed layer's file; `layergen new` removes it",
        Status.LEFTOVER: "left over: a renamed layer's old file, edited after the move; delete it",
    }.get(file.status)


def report_status(result: CommandResult, status: ProjectStatus) -> None:
    """`layergen status` as text: a spec a line, then what is the matter with its files."""
    width = max([len(s.state) for s in status.specs] + [len("invalid")])
    for spec in status.specs:
        result.info(f"{spec.state:<{width}}  {spec.spec}")
        for file in spec.files:
            where = f"{file.path}:{file.line}" if file.line else file.path
            result.info(f"    {file.state}: {where}: {file.detail}")
        for change in spec.breaking:
            result.info(f"    breaking: {change}")
        if spec.affects:
            result.info(
                f"    affects: {', '.join(spec.affects)} (their layers hold this one; old checkpoints of them break too)"
            )
    for problem in status.errors:
        result.info(f"{'invalid':<{width}}  {problem}")


def unified_diff(file: FileUpdate, project: Project) -> str:
    """The file's change, as `new --diff` shows it."""
    import difflib

    old = project.display(file.location)
    name = project.display(file.path)
    before = (file.before or "").splitlines(keepends=True)
    after = (file.after or "").splitlines(keepends=True)
    return "".join(difflib.unified_diff(before, after, f"a/{old}", f"b/{name}"))
