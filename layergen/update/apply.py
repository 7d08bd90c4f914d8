"""Carry out a plan (`planner.plan_updates`), one spec at a time: the plan, the record
store and the records in; the files and records written, and what failed, out.

A spec's record is saved before its files are written, noting each write as pending
(`PendingWrite`); then the files; then the record again. However a run is stopped, the
next run finds every file either as it was or as planned, and a record that says which.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from layergen.errors import LayergenError, internal_error
from layergen.project.locations import from_key
from layergen.project.settings import Project
from layergen.records import frozen_record, replace
from layergen.update.outputs import settled
from layergen.update.plan import Plan, SpecUpdate, side_file
from layergen.update.records import RecordStore, SpecRecord
from layergen.writing import remove, remove_temporaries, write_atomically


@frozen_record
class Applied:
    """What carrying a plan out did besides the plan's own files."""

    removed: int  # temporary files of an interrupted run, deleted first
    failures: list[LayergenError]  # why the specs in `failed` failed
    failed: frozenset[str]  # the keys of the specs whose files or records could not be written
    migrated: bool  # the legacy manifest was replaced by one record per spec
    also_wrote: bool  # what `also_write` returned: whether it wrote anything


def carry_out(
    plan: Plan, store: RecordStore, records: dict[str, SpecRecord], project: Project, also_write: Callable[[], bool]
) -> Applied:
    """Carry the plan out, after clearing what a stopped run left behind; then `also_write`
    (the command's own writes, still marked as a run that writes)."""
    with writing_run(project.root) as interrupted:
        removed = remove_temporaries_of(plan, store, records, project) if interrupted else 0
        # Stored texts no record names: whether or not the killed run's mark is there.
        removed += store.clean_debris()
        failed = apply_updates(plan, store, records)
        settle_pending_writes(plan, store, records, project)
        migrated = store.migrate(records)
        store.flush()
        return Applied(removed, list(failed.values()), frozenset(failed), migrated, also_write())


def apply_updates(plan: Plan, store: RecordStore, records: dict[str, SpecRecord]) -> dict[str, LayergenError]:
    """Carry the plan out, one spec at a time; a spec that fails does not stop the others.
    Returns the specs that failed (by key, in the plan's order), each with its error; the
    plan is left as it was."""
    failed: dict[str, LayergenError] = {}
    # Every file the plan keeps or writes, by its real path: no run deletes one of them,
    # whatever other name (a symbolic link, a linked folder) a removal reaches it by. (Only
    # where something is removed: resolving every path costs a current project's `new` ~5%.)
    files = list(plan.all_files())
    kept: set[str] = set()
    if any(f.moved_from is not None or f.drop_side_file is not None or f.remove for f in files):
        kept = {os.path.realpath(f.path) for f in files if not f.remove}
        kept |= {os.path.realpath(f.side_path) for f in files if f.side_path is not None}
    for update in plan.updates + plan.orphans:
        try:
            _apply_spec(update, store, records, kept)
        except LayergenError as exc:
            failed[update.key] = exc
        except Exception as exc:  # a bug in layergen: this spec fails, the others go on
            failed[update.key] = internal_error(update.key, exc)
    return failed


def _apply_spec(update: SpecUpdate, store: RecordStore, records: dict[str, SpecRecord], kept: set[str]) -> None:
    # Files first, then the record: a run killed in between leaves files that are already
    # what the spec generates, which the next run recognizes as such.
    if update.journal is not None:
        store.save(update.key, update.journal)
    for file in update.files:
        if file.side_text is not None and file.side_path is not None:
            write_atomically(file.side_path, file.side_text, file.newline)
        if file.write and file.after is not None:
            write_atomically(file.path, file.after, file.newline)
    for file in update.files:
        for path in (file.moved_from, file.drop_side_file, file.path if file.remove else None):
            if path is not None and os.path.realpath(path) not in kept:
                remove(path)
    if update.final_record is not None:
        store.save(update.key, update.final_record)
        records[update.key] = update.final_record
        if update.replaces:
            store.remove(update.replaces)
            records.pop(update.replaces, None)
    elif update.drop_record:
        store.remove(update.key)
        records.pop(update.key, None)


def settle_pending_writes(plan: Plan, store: RecordStore, records: dict[str, SpecRecord], project: Project) -> int:
    """Finish the writes a killed run left noted in the records of specs this run did not
    plan (a spec not named, or one that now fails): each output's record becomes the one
    its file holds. Returns how many records were settled."""
    planned = {u.key for u in plan.updates + plan.orphans} | {u.replaces for u in plan.updates if u.replaces}
    count = 0
    for key, record in sorted(records.items()):
        if key in planned or not any(o.write is not None for o in record.outputs.values()):
            continue
        outputs = {role: settled(project, output) for role, output in record.outputs.items()}
        records[key] = replace(record, outputs=outputs, fingerprint=None)
        store.save(key, records[key])
        count += 1
    return count


RUN_MARKER = Path(".layergen") / "writing"
_MARKER_TEXT = "A layergen run is writing this project, or one was stopped while it did.\n"


@contextmanager
def writing_run(root: Path) -> Iterator[bool]:
    """Mark the project as being written while the block runs; yields whether the last
    run that wrote was stopped before it finished (only such a run leaves temporary files,
    so only then are they looked for: the search reads every output folder)."""
    marker = root / RUN_MARKER
    interrupted = marker.is_file()
    if not interrupted:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text(_MARKER_TEXT, encoding="utf-8")
    yield interrupted
    # Not reached when the block raises: the next run then looks for temporary files.
    marker.unlink(missing_ok=True)


def remove_temporaries_of(plan: Plan, store: RecordStore, records: dict[str, SpecRecord], project: Project) -> int:
    """Delete the temporary files killed runs left next to outputs and records."""
    names: dict[Path, set[str]] = defaultdict(set)
    paths = [f.path for f in plan.all_files()]
    resolved: dict[str, Path] = {}  # a key's folder -> the folder resolved (once: resolving takes long)
    for record in records.values():
        for output in record.outputs.values():
            folder, _, name = output.path.rpartition("/")
            if folder not in resolved:
                resolved[folder] = from_key(project, output.path).parent
            paths.append(resolved[folder] / name)
    for path in paths:
        names[path.parent] |= {path.name, side_file(path).name}
    count = sum(len(remove_temporaries(folder, found)) for folder, found in sorted(names.items()))
    # Every folder under the records' (os.walk lists them much faster than `rglob`).
    below = sorted(Path(top, name) for top, children, _ in os.walk(store.folder) for name in children)
    folders = [store.folder.parent, store.fingerprints.path.parent, *below]
    if store.folder.is_dir():
        folders.append(store.folder)
    return count + sum(len(remove_temporaries(folder)) for folder in folders)
