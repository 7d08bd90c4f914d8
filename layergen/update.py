"""Step 5 of the pipeline: bring generated files up to date without losing a person's edits.

For each file of each spec, three versions meet: what layergen generated last time (from
the manifest), what is on disk, and what layergen generates now. `plan_updates` decides
what happens to each file, without touching the disk; `apply_updates` carries the plan
out. `layergen new` applies the plan, `layergen check` only reports it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from layergen.compat import CompatChange, compare_weights
from layergen.errors import LayergenError
from layergen.generate import Generation, generate_layer
from layergen.manifest import Manifest, SpecRecord, WeightRecord
from layergen.merge import ConflictMode, MergeResult, merge3
from layergen.project import Project
from layergen.writing import read_text, write_atomically


class Status(Enum):
    CREATED = "created"
    UPDATED = "updated"  # no hand edits: the new generation replaces the file
    MERGED = "merged"  # hand edits and the spec's change, both kept
    UNCHANGED = "unchanged"
    KEPT = "kept"  # hand edits; the spec's output did not change
    CONFLICT = "conflict"  # hand edits and the spec's change touch the same lines
    UNTRACKED = "untracked"  # a file is in the way that layergen has no record of
    ORPHANED = "orphaned"  # its spec was deleted
    REMOVED = "removed"
    EDITED_ORPHAN = "orphaned, edited"  # its spec was deleted, and it has hand edits

    @property
    def writes(self) -> bool:
        return self in (Status.CREATED, Status.UPDATED, Status.MERGED, Status.REMOVED)

    @property
    def stale(self) -> bool:
        """Whether `layergen check` fails on it."""
        return self not in (Status.UNCHANGED, Status.KEPT)


@dataclass
class FileUpdate:
    path: Path
    status: Status
    before: str | None  # on disk now
    after: str | None  # on disk after the update (None: removed or absent)
    generated: str | None = None  # what layergen generates now (the next merge's base)
    merge: MergeResult | None = None


@dataclass
class SpecUpdate:
    spec: Path
    key: str  # the spec's path as the manifest records it
    files: list[FileUpdate] = field(default_factory=list)
    compat: list[CompatChange] = field(default_factory=list)
    record: SpecRecord | None = None  # the manifest record after the update
    replaces: str | None = None  # a renamed spec's old manifest key

    @property
    def conflicted(self) -> bool:
        return any(f.status in (Status.CONFLICT, Status.UNTRACKED) for f in self.files)


@dataclass
class Plan:
    updates: list[SpecUpdate] = field(default_factory=list)
    orphans: list[SpecUpdate] = field(default_factory=list)  # specs deleted since last time
    errors: list[LayergenError] = field(default_factory=list)

    def all_files(self):
        for update in self.updates + self.orphans:
            yield from update.files


def plan_updates(
    spec_paths: list[Path], project: Project, manifest: Manifest, *, prune: bool = False, accept_breaking: bool = False
) -> Plan:
    plan = Plan()
    claimed: dict[Path, Path] = {}
    deleted = {key for key in manifest.records if not (project.root / key).is_file()}
    for spec in spec_paths:
        try:
            generation = generate_layer(spec, project)
        except LayergenError as exc:
            plan.errors.append(exc)
            continue
        clash = next((claimed[f.path] for f in generation.files if f.path in claimed), None)
        if clash is not None:
            plan.errors.append(
                LayergenError.plain(
                    project.display(spec),
                    f"writes the same files as {project.display(clash)}; give the layers different class names",
                )
            )
            continue
        claimed.update({f.path: spec for f in generation.files})
        plan.updates.append(_plan_spec(generation, project, manifest, deleted, accept_breaking))
    adopted = {u.replaces for u in plan.updates if u.replaces}
    for key in sorted(deleted - adopted):
        plan.orphans.append(_plan_orphan(key, manifest.records[key], project, prune))
    return plan


def _plan_spec(
    generation: Generation, project: Project, manifest: Manifest, deleted: set[str], accept_breaking: bool
) -> SpecUpdate:
    key = project.display(generation.spec_path)
    update = SpecUpdate(generation.spec_path, key)
    previous = manifest.records.get(key)
    if previous is None:
        # A spec that was renamed or moved: its outputs are recorded under the old name.
        paths = {project.display(f.path) for f in generation.files}
        update.replaces = next((k for k in sorted(deleted) if paths & set(manifest.records[k].files)), None)
        previous = manifest.records.get(update.replaces) if update.replaces else None
    for file in generation.files:
        base = previous.files.get(project.display(file.path)) if previous else None
        update.files.append(_plan_file(file.path, base, read_text(file.path), file.content))
    weights = _weight_records(generation)
    baseline = weights
    if previous is not None:
        update.compat = compare_weights(previous.weights, weights)
        if any(c.breaking for c in update.compat) and not accept_breaking:
            # The manifest keeps the weights old checkpoints have until a breaking change
            # is accepted, so `layergen check` keeps failing on it after regeneration too.
            baseline = previous.weights
    update.record = SpecRecord(
        generation.model.class_name, baseline, {project.display(f.path): f.content for f in generation.files}
    )
    return update


def _plan_file(path: Path, base: str | None, ours: str | None, theirs: str) -> FileUpdate:
    if ours is None:
        return FileUpdate(path, Status.CREATED, None, theirs, theirs)
    if ours == theirs:
        return FileUpdate(path, Status.UNCHANGED, ours, ours, theirs)
    if base is None:
        return FileUpdate(path, Status.UNTRACKED, ours, ours, theirs)
    if base == theirs:
        return FileUpdate(path, Status.KEPT, ours, ours, theirs)
    if base == ours:
        return FileUpdate(path, Status.UPDATED, ours, theirs, theirs)
    merge = merge3(base, ours, theirs)
    if not merge.clean:
        return FileUpdate(path, Status.CONFLICT, ours, ours, theirs, merge)
    if merge.text == ours:
        return FileUpdate(path, Status.KEPT, ours, ours, theirs, merge)
    return FileUpdate(path, Status.MERGED, ours, merge.text, theirs, merge)


def _plan_orphan(key: str, record: SpecRecord, project: Project, prune: bool) -> SpecUpdate:
    update = SpecUpdate(project.root / key, key)
    for relative, generated in sorted(record.files.items()):
        path = project.root / relative
        ours = read_text(path)
        if ours is None:
            continue
        if ours != generated:
            update.files.append(FileUpdate(path, Status.EDITED_ORPHAN, ours, ours))
        elif prune:
            update.files.append(FileUpdate(path, Status.REMOVED, ours, None))
        else:
            update.files.append(FileUpdate(path, Status.ORPHANED, ours, ours))
    return update


def _weight_records(generation: Generation) -> dict[str, WeightRecord]:
    """What the manifest keeps of each weight, to tell which spec edits break checkpoints."""
    return {
        weight.name: WeightRecord(weight.checkpoint_shape, weight.checkpoint_dtype, weight.earlier_names)
        for weight in generation.model.weights
    }


def apply_updates(plan: Plan, project: Project, manifest: Manifest, conflicts: ConflictMode) -> None:
    """Write what the plan says; a spec with a conflict is written only in `inline` mode."""
    for update in plan.updates:
        if update.conflicted and conflicts != ConflictMode.inline:
            if conflicts == ConflictMode.side:
                for file in update.files:
                    if file.merge is not None and not file.merge.clean:
                        write_atomically(side_file(file.path), file.merge.text)
            continue
        for file in update.files:
            if file.status == Status.CONFLICT:
                file.after = file.merge.text
                write_atomically(file.path, file.after)
            elif file.status.writes:
                write_atomically(file.path, file.after)
        if update.replaces:
            manifest.records.pop(update.replaces, None)
        manifest.records[update.key] = update.record
    for orphan in plan.orphans:
        for file in orphan.files:
            if file.status == Status.REMOVED:
                file.path.unlink()
        if all(f.status == Status.REMOVED for f in orphan.files):
            manifest.records.pop(orphan.key, None)
    manifest.save(project.root)


def side_file(path: Path) -> Path:
    """Where `--conflicts side` writes the merge with conflict markers."""
    return path.with_name(path.name + ".conflict")


def unified_diff(file: FileUpdate, project: Project) -> str:
    name = project.display(file.path)
    before = (file.before or "").splitlines(keepends=True)
    after = (file.after or "").splitlines(keepends=True)
    return "".join(difflib.unified_diff(before, after, f"a/{name}", f"b/{name}"))
