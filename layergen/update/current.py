"""Which specs need generating: the specs' paths and records in; for each spec, in order, a
`SpecUpdate` with nothing to do when its fingerprint says its files are current (no
generator loaded), else a `StaleSpec` to generate, or the exception reading it raised.
And the fingerprint a generated spec's record takes once its files are settled.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from layergen.project.locations import project_key
from layergen.project.settings import Project
from layergen.records import frozen_record, replace
from layergen.update.fingerprint import ROLES, Fingerprints, output_bytes, read_bytes
from layergen.update.plan import FileUpdate, GeneratedSpec, SpecUpdate
from layergen.update.reconcile import Outcome, Status
from layergen.update.record_types import SpecRecord

Progress = Callable[[str, int, int], None]  # (what, done, total)


@frozen_record
class StaleSpec:
    path: Path
    spec_bytes: bytes | None  # None: unreadable (its generation says why)


def split_by_fingerprint(
    spec_paths: list[Path],
    project: Project,
    records: dict[str, SpecRecord],
    fingerprints: Fingerprints,
    progress: Progress,
) -> list[SpecUpdate | StaleSpec | Exception]:
    """Each spec: current by its fingerprint, stale, or failed (reported in order by the planner)."""
    found: list[SpecUpdate | StaleSpec | Exception] = []
    keys = _SpecKeys(project)
    for index, spec in enumerate(spec_paths):
        progress("reading specs", index, len(spec_paths))
        try:
            spec_bytes = read_bytes(spec)
            current = None
            if spec_bytes is not None:
                key = keys.of(spec)
                current = _current_update(spec, key, spec_bytes, fingerprints, records.get(key))
            found.append(current if current is not None else StaleSpec(spec, spec_bytes))
        except Exception as exc:  # reported as that spec's failure, in order, by `plan_updates`
            found.append(exc)
    progress("reading specs", len(spec_paths), len(spec_paths))
    return found


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


def _current_update(
    spec: Path, key: str, spec_bytes: bytes, fingerprints: Fingerprints, record: SpecRecord | None
) -> SpecUpdate | None:
    """The update of a spec whose fingerprint says its files are current: nothing to do."""
    files = fingerprints.current_files(spec, spec_bytes, record)
    if files is None:
        return None
    updates = []
    for role, path, ours, newline, entry in files:
        status = Status.UNCHANGED if ours == entry.generated else Status.KEPT
        outcome = Outcome(status, ours, entry.generated)
        updates.append(
            FileUpdate(
                path=path,
                outcome=outcome,
                before=ours,
                after=ours,
                generated=entry.generated,
                newline=newline,
                role=role,
                previous=entry,
            )
        )
    return SpecUpdate(spec, key, files=updates)


def with_fingerprint(
    update: SpecUpdate, generated: GeneratedSpec, fingerprints: Fingerprints, accepted: bool
) -> SpecUpdate:
    """The update, its record fingerprinted when the update leaves its files settled:
    generated, merged or kept, parsing, no conflict, no old copy, no breaking change waiting."""
    record = update.final_record
    if record is None or update.held or generated.spec_bytes is None or set(record.outputs) != set(ROLES):
        return update
    if any(c.breaking for c in update.compat) and not accepted:
        return update
    if any(o.conflict or o.moved_from or o.write for o in record.outputs.values()):
        return update
    by_role = {f.role: f for f in update.files}
    if len(by_role) != len(update.files) or set(by_role) != set(ROLES):
        return update
    if any(f.after is None or f.syntax_error or f.status in _UNSETTLED for f in update.files):
        return update
    outputs = [output_bytes(by_role[role].after or "", by_role[role].newline) for role in ROLES]
    value = fingerprints.of(generated.spec_path, generated.spec_bytes, outputs, bool(generated.spec.layers))
    return replace(update, final_record=replace(record, fingerprint=value))


_UNSETTLED = (Status.CONFLICT, Status.MARKERS, Status.UNTRACKED, Status.LEFTOVER)
