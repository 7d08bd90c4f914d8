"""Step 5 of the pipeline: bring generated files up to date without losing a person's edits.

`plan_updates` decides what happens to each file of each spec, without touching the disk:
one file's content is decided in `reconcile.py`; here are renamed layers (their files
move, edits and all), deleted specs, conflict modes and the records to keep.
`layergen new` carries the plan out (`apply.py`); `layergen check` and `layergen status`
only report it.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from layergen.errors import LayergenError
from layergen.project.classes import run_scope
from layergen.project.locations import from_key, project_key
from layergen.project.settings import Project
from layergen.update.compat import compare_trees, compare_weights
from layergen.update.fingerprint import ROLES, Fingerprints, output_bytes, read_bytes
from layergen.update.merge import has_conflict_markers
from layergen.update.plan import ConflictMode, FileUpdate, Plan, SpecUpdate
from layergen.update.reconcile import Outcome, Status, digest, reconcile
from layergen.update.records import MovedFrom, OutputRecord, PendingWrite, SpecRecord
from layergen.update.weight_tree import ProjectTrees
from layergen.writing import read_text, split_newlines

if TYPE_CHECKING:
    from layergen.pipeline import GeneratedFile, Generation


def plan_updates(
    spec_paths: list[Path],
    project: Project,
    records: dict[str, SpecRecord],
    *,
    conflicts: ConflictMode = ConflictMode.report,
    prune: bool = False,
    accept_breaking: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> Plan:
    """Each spec's update: from its fingerprint when that says its files are current,
    otherwise by generating it (all generated specs' files formatted in one batch).
    `progress(what, done, total)` is told how far it is."""
    plan = Plan()
    claimed: dict[Path, Path] = {}
    # (A key's folders need no resolving to tell whether the file is there.)
    deleted = {key for key in records if not (project.root / key).is_file()}
    fingerprints = Fingerprints(project)
    known = _generate_stale(spec_paths, project, records, fingerprints, progress or _silent)
    trees = ProjectTrees(project, records, [found[0] for _, found in known if isinstance(found, tuple)])
    for spec, found in known:
        try:
            if isinstance(found, BaseException):
                raise found
            files = [f.path for f in found.files] if isinstance(found, SpecUpdate) else [f.path for f in found[0].files]
            # Through symbolic links: two names of one file are one file.
            files = [real_file(path) for path in files]
            clash = next((claimed[path] for path in files if path in claimed), None)
            if clash is not None:
                raise LayergenError.plain(
                    project.display(spec),
                    f"writes the same files as {project.display(clash)}; give the layers different class names",
                )
            claimed.update({path: spec for path in files})
            if isinstance(found, SpecUpdate):
                plan.updates.append(found)
            else:
                generation, spec_bytes = found
                update = _plan_spec(generation, project, records, deleted, accept_breaking, conflicts, trees)
                _add_fingerprint(update, generation, spec_bytes, fingerprints, accept_breaking)
                plan.updates.append(update)
        except LayergenError as exc:
            plan.errors.append(exc)
        except Exception as exc:  # a bug in layergen: this spec fails, the others go on
            if os.environ.get("LAYERGEN_DEBUG"):
                raise
            plan.errors.append(internal_error(project.display(spec), exc))
    adopted = {u.replaces for u in plan.updates if u.replaces}
    orphaned = sorted(deleted - adopted)
    live = set(claimed) if orphaned else set()  # real paths
    for key in orphaned:
        plan.orphans.append(_plan_orphan(key, records[key], project, prune, live))
    return plan


def _silent(what: str, done: int, total: int) -> None:
    pass


def _generate_stale(spec_paths: list[Path], project: Project, records: dict[str, SpecRecord], fingerprints, progress):
    """(spec, what is known of it) in order: a `SpecUpdate` when its fingerprint says it is
    current, else (its generation, the spec's bytes it was made from), or the exception."""
    with run_scope():  # the project's classes are read once, whichever specs need them
        found: list = []
        keys = _SpecKeys(project)
        for index, spec in enumerate(spec_paths):
            progress("reading specs", index, len(spec_paths))
            try:
                spec_bytes = read_bytes(spec)
                current = None
                if spec_bytes is not None:
                    key = keys.of(spec)
                    current = _current_update(spec, key, spec_bytes, fingerprints, records.get(key))
                found.append(current if current is not None else (spec, spec_bytes))
            except Exception as exc:  # reported as that spec's failure, in order, by `plan_updates`
                found.append(exc)
        progress("reading specs", len(spec_paths), len(spec_paths))
        stale = [index for index, item in enumerate(found) if isinstance(item, tuple)]
        if stale:
            for index, generation in _generate(project, [found[i][0] for i in stale], progress):
                position = stale[index]
                found[position] = generation if isinstance(generation, Exception) else (generation, found[position][1])
    return list(zip(spec_paths, found, strict=True))


class _SpecKeys:
    """Specs' project keys, each folder resolved once (`project_key` resolves it each time)."""

    def __init__(self, project: Project):
        self.project = project
        self.folders: dict[Path, str] = {}

    def of(self, spec: Path) -> str:
        if spec.name in ("", ".", ".."):
            return project_key(self.project, spec)
        if spec.parent not in self.folders:
            self.folders[spec.parent] = project_key(self.project, spec.parent / "_").removesuffix("_")
        return self.folders[spec.parent] + spec.name


def _generate(project: Project, specs: list[Path], progress):
    """(index, generation or exception) of each spec, formatted: their files are formatted
    while later specs are generated (`formatting.Formatter`)."""
    # The renderer is loaded only when there is work.
    from layergen.formatting.formatter import Formatter

    # Started before the generator is loaded: black loads in the pool meanwhile.
    formatter = Formatter(project.formatter, expected=2 * len(specs), early=True, style=project.style)
    from layergen.pipeline import generate_layer, with_contents

    generations: list = []
    for index, spec in enumerate(specs):
        progress("generating", index, len(specs))
        try:
            generation = generate_layer(spec, project, formatted=False)
            for file in generation.files:
                formatter.submit(file.content)
            generations.append(generation)
        except Exception as exc:  # reported as that spec's failure, in order, by `plan_updates`
            generations.append(exc)
    progress("formatting", 0, len(specs))
    texts = iter(formatter.results())
    progress("formatting", len(specs), len(specs))
    for index, generation in enumerate(generations):
        if isinstance(generation, Exception):
            yield index, generation
        else:
            yield index, with_contents(generation, [next(texts) for _ in generation.files])


def _current_update(
    spec: Path, key: str, spec_bytes: bytes, fingerprints: Fingerprints, record: SpecRecord | None
) -> SpecUpdate | None:
    """The update of a spec whose fingerprint says its files are current: nothing to do."""
    files = fingerprints.current_files(spec, spec_bytes, record)
    if files is None:
        return None
    update = SpecUpdate(spec, key)
    for role, path, ours, newline, entry in files:
        status = Status.UNCHANGED if ours == entry.generated else Status.KEPT
        outcome = Outcome(status, ours, entry.generated)
        update.files.append(
            FileUpdate(
                path, status, ours, ours, entry.generated, None, newline, role=role, outcome=outcome, previous=entry
            )
        )
    return update


def _add_fingerprint(
    update: SpecUpdate, generation: Generation, spec_bytes, fingerprints: Fingerprints, accepted: bool
) -> None:
    """Fingerprint the spec's record when the update leaves its files settled: generated,
    merged or kept, parsing, no conflict, no old copy, no breaking change waiting."""
    record = update.final_record
    if record is None or update.held or spec_bytes is None or set(record.outputs) != set(ROLES):
        return
    if any(c.breaking for c in update.compat) and not accepted:
        return
    if any(o.conflict or o.moved_from or o.write for o in record.outputs.values()):
        return
    by_role = {f.role: f for f in update.files}
    if len(by_role) != len(update.files) or set(by_role) != set(ROLES):
        return
    if any(f.after is None or f.syntax_error or f.status in _UNSETTLED for f in update.files):
        return
    outputs = [output_bytes(by_role[role].after, by_role[role].newline) for role in ROLES]  # type: ignore[arg-type]
    value = fingerprints.of(generation.spec_path, spec_bytes, outputs, bool(generation.spec.layers))
    update.final_record = replace(record, fingerprint=value)


_UNSETTLED = (Status.CONFLICT, Status.MARKERS, Status.UNTRACKED, Status.LEFTOVER)


def internal_error(where: str, exc: Exception) -> LayergenError:
    return LayergenError.plain(
        where,
        f"layergen failed on this spec ({type(exc).__name__}: {exc}); this is a bug in layergen, please report it",
    )


def _plan_spec(
    generation: Generation,
    project: Project,
    records: dict[str, SpecRecord],
    deleted: set[str],
    accept_breaking: bool,
    mode: ConflictMode,
    trees: ProjectTrees,
) -> SpecUpdate:
    key = project_key(project, generation.spec_path)
    update = SpecUpdate(generation.spec_path, key)
    previous = records.get(key)
    if previous is None:
        # A spec that was renamed or moved: its outputs are recorded under the old name.
        paths = {project_key(project, f.path) for f in generation.files}
        update.replaces = next(
            (k for k in sorted(deleted) if paths & {o.path for o in records[k].outputs.values()}), None
        )
        previous = records.get(update.replaces) if update.replaces else None
    for role, file in zip(ROLES, generation.files, strict=True):
        entry = previous.outputs.get(role) if previous else None
        earlier = settled(project, entry) if entry is not None else None
        update.files += _plan_output(project, role, earlier, file)
    tree = trees.of(generation)
    weights, layers = tree.weights, tree.layers
    if previous is not None:
        if previous.legacy:
            # An older record kept the layer's own weights only: the sub-layers' are new to it.
            own = {name: weight for name, weight in weights.items() if "/" not in name}
            update.compat = compare_weights(previous.weights, own)
        else:
            sources = {path: key for path, key in tree.sources.items() if key in trees.changed}
            update.compat = compare_trees(previous.weights, weights, previous.layers, layers, sources)
        if any(c.breaking for c in update.compat) and not accept_breaking:
            # The record keeps the weights old checkpoints have until a breaking change
            # is accepted, so `layergen check` keeps failing on it after regeneration too.
            weights, layers = previous.weights, previous.layers
    _settle(update, project, previous, SpecRecord(generation.model.class_name, weights, layers=layers), mode)
    return update


def settled(project: Project, output: OutputRecord) -> OutputRecord:
    """The record of an output, after the write a killed run left pending: done when the
    file holds what was to be written, not done otherwise."""
    if output.write is None:
        return output
    text = read_text(from_key(project, output.write.record.path))
    if text is not None and digest(split_newlines(text)[0]) == output.write.sha256:
        return output.write.record
    return replace(output, write=None)


def _plan_output(project: Project, role: str, earlier: OutputRecord | None, file: GeneratedFile) -> list[FileUpdate]:
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
    update = FileUpdate(
        file.path, outcome.status, ours, outcome.after, file.content, outcome.merge, newline,
        moved_from=old, marker_line=outcome.marker_line, role=role, outcome=outcome, previous=earlier,
    )  # fmt: skip
    current = split_newlines(here)[0] if here is not None else None
    if old is not None and current is not None and current != outcome.after:
        # Something else is at the renamed layer's new path: it is never overwritten.
        return [FileUpdate(file.path, Status.UNTRACKED, current, current, file.content, role=role, previous=earlier)]
    update.write = outcome.after is not None and outcome.after != current
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
        return [FileUpdate(path, Status.MOVED_AWAY, ours, None, newline=newline, remove=True)]
    return [FileUpdate(path, Status.LEFTOVER, ours, ours, newline=newline)]


def _settle(update: SpecUpdate, project: Project, previous: SpecRecord | None, fresh: SpecRecord, mode) -> None:
    """Apply the conflict mode, and work out the spec's record after the update.

    A spec with a file in the way, or with a conflict (unless written inline), is held:
    none of its files is written, so its layer and test never disagree. Its record keeps
    the old bases, and notes each open conflict.
    """
    update.held = any(
        f.status in (Status.UNTRACKED, Status.MARKERS) or (f.status == Status.CONFLICT and mode != ConflictMode.inline)
        for f in update.files
    )
    if update.held and mode == ConflictMode.inline:
        mode = ConflictMode.report  # markers go into no file of a spec that is held anyway
    outputs = dict(previous.outputs) if previous is not None and update.held else {}
    for file in update.files:
        if update.held:
            file.after, file.write, file.remove = file.before, False, False
        outcome = file.outcome
        if file.role is None or outcome is None:
            continue
        if file.status == Status.CONFLICT:
            outputs[file.role] = _open_conflict(file, outcome, project, mode)
        elif not update.held and outcome.base is not None:
            moved = _earlier_move(file)
            if file.moved_from is not None and file.before is not None:
                moved = MovedFrom(project_key(project, file.moved_from), digest(file.before))
            outputs[file.role] = OutputRecord(project_key(project, file.path), outcome.base, None, moved)
        if update.held:
            file.path, file.moved_from = file.location, None  # nothing moves: the file stays where it is
        elif file.status not in (Status.CONFLICT, Status.MARKERS) and file.previous and file.previous.conflict:
            side = side_file(file.location)
            if side.is_file() and has_conflict_markers(read_text(side) or ""):
                file.drop_side_file = side
        file.syntax_error = _syntax_error(file)
    if update.held:
        if previous is None:
            return
        fresh = replace(previous, outputs=outputs)
    else:
        fresh.outputs = outputs
    update.final_record = replace(
        fresh,
        outputs={
            role: output if _old_copy_stays(output, update, project) else replace(output, moved_from=None)
            for role, output in outputs.items()
        },
    )
    if not update.held and any(f.write for f in update.files):
        update.journal = replace(fresh, outputs=_journal(update, outputs))


def _journal(update: SpecUpdate, outputs: dict[str, OutputRecord]) -> dict[str, OutputRecord]:
    """The outputs' records while their files are written: a file to write keeps its old
    record, with the new one pending until the file holds what is written."""
    journal = dict(outputs)
    for file in update.files:
        if file.write and file.after is not None and file.role is not None and file.previous is not None:
            pending = PendingWrite(digest(file.after), outputs[file.role])
            journal[file.role] = replace(file.previous, write=pending)
    return journal


def _open_conflict(file: FileUpdate, outcome: Outcome, project: Project, mode: ConflictMode) -> OutputRecord:
    """Write the conflict as the mode says; the record keeps the old base and notes the conflict."""
    merge, conflict, base = outcome.merge, outcome.conflict, outcome.base
    assert merge is not None and conflict is not None and base is not None, "what a conflict's outcome has"
    if mode == ConflictMode.inline:
        where = file.path
        file.after, file.write = merge.text, True
    else:
        where = file.location
        file.after, file.write, file.path, file.moved_from = file.before, False, where, None
        if mode == ConflictMode.side:
            file.side_text, file.side_path = merge.text, side_file(where)
    return OutputRecord(project_key(project, where), base, replace(conflict, mode=mode.value), _earlier_move(file))


def _earlier_move(file: FileUpdate) -> MovedFrom | None:
    """An earlier move's note of the old copy, kept until that copy is gone."""
    earlier = file.previous
    return earlier.moved_from if earlier is not None and file.moved_from is None else None


def _old_copy_stays(output: OutputRecord, update: SpecUpdate, project: Project) -> bool:
    """Whether the old copy noted in `output.moved_from` is still there after the update."""
    if output.moved_from is None:
        return False
    path = from_key(project, output.moved_from.path)
    return any(f.role is None and f.path == path and not f.remove for f in update.files)


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


def _plan_orphan(key: str, record: SpecRecord, project: Project, prune: bool, live: set[Path]) -> SpecUpdate:
    """A deleted spec's files; one that another spec generates now is that spec's, not an orphan."""
    update = SpecUpdate(from_key(project, key), key)
    for entry in record.outputs.values():
        output = settled(project, entry)
        path = from_key(project, output.path)
        if real_file(path) in live:
            continue
        text = read_text(path)
        if text is None:
            continue
        ours, newline = split_newlines(text)
        if ours != output.generated or output.conflict is not None:
            update.files.append(FileUpdate(path, Status.EDITED_ORPHAN, ours, ours, newline=newline))
        elif prune:
            update.files.append(FileUpdate(path, Status.REMOVED, ours, None, newline=newline, remove=True))
        else:
            update.files.append(FileUpdate(path, Status.ORPHANED, ours, ours, newline=newline))
    update.drop_record = all(f.status == Status.REMOVED for f in update.files)
    return update


def real_file(path: Path) -> Path:
    """A path whose folders are resolved (as the plan's are), with its last link followed too."""
    return Path(os.path.realpath(path)) if os.path.islink(path) else path


def same_file(one: Path, other: Path) -> bool:
    """Whether two paths name one file, every symbolic link followed (one answer for move
    detection, ownership and removal)."""
    return one == other or os.path.realpath(one) == os.path.realpath(other)


def side_file(path: Path) -> Path:
    """Where `--conflicts side` writes the merge with conflict markers."""
    return path.with_name(path.name + ".conflict")


def unified_diff(file: FileUpdate, project: Project) -> str:
    old = project.display(file.location)
    name = project.display(file.path)
    before = (file.before or "").splitlines(keepends=True)
    after = (file.after or "").splitlines(keepends=True)
    import difflib

    return "".join(difflib.unified_diff(before, after, f"a/{old}", f"b/{name}"))
