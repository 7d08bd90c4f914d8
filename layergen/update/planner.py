"""Bring generated files up to date without losing a person's edits: each spec's freshly
generated files in (or its `SpecUpdate` when its fingerprint said it is current), a `Plan`
of what happens to each file out, without touching the disk.

One file's content is decided in `reconcile.py` (`outputs.plan_output`), the conflict mode
and the record after the update in `settle.py`; here are the specs: renamed layers (their
files move, edits and all), two specs writing one file, deleted specs, checkpoint breaks.
`layergen new` carries the plan out (`apply.py`); `layergen check` and `layergen status`
only report it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from layergen.errors import LayergenError, internal_error
from layergen.project.locations import from_key, project_key
from layergen.project.settings import Project
from layergen.update.compat import compare_call_arguments, compare_trees, compare_weights
from layergen.update.current import with_fingerprint
from layergen.update.fingerprint import ROLES, Fingerprints
from layergen.update.outputs import plan_output, real_file, settled
from layergen.update.plan import FileUpdate, GeneratedSpec, Plan, PlanOptions, SpecUpdate, found_file
from layergen.update.reconcile import Status
from layergen.update.record_types import CallArgumentRecord, SpecRecord
from layergen.update.settle import settle
from layergen.update.weight_tree import ProjectTrees
from layergen.writing import read_text, split_newlines

if TYPE_CHECKING:
    from layergen.update.record_types import LayerRecord
    from layergen.update.shape_cases import CaseArguments, ClassArguments

# What is known of a spec when it is planned: current (its update), generated, or failed.
Known = SpecUpdate | GeneratedSpec | Exception


def plan_updates(
    known: list[tuple[Path, Known]],
    project: Project,
    records: dict[str, SpecRecord],
    fingerprints: Fingerprints,
    options: PlanOptions,
    analyze_class: Callable[[str], GeneratedSpec | None],
) -> Plan:
    """Each spec's update, in order, and the deleted specs' files. `analyze_class(name)` is
    the analysis of a project class neither generated in this run nor recorded."""
    plan = Plan()
    claimed: dict[Path, Path] = {}  # a file's real path -> the spec that writes it
    # (A key's folders need no resolving to tell whether the file is there.)
    deleted = {key for key in records if not (project.root / key).is_file()}
    generated = [found for _, found in known if isinstance(found, GeneratedSpec)]
    trees = ProjectTrees(project, records, generated, analyze_class)
    for spec, found in known:
        try:
            if isinstance(found, Exception):
                raise found
            _claim(spec, found, claimed, project)
            if isinstance(found, GeneratedSpec):
                update = _plan_spec(found, project, records, deleted, options, trees)
                found = with_fingerprint(update, found, fingerprints, options.accept_breaking)
            plan.updates.append(found)
        except LayergenError as exc:
            plan.errors.append(exc)
        except Exception as exc:  # a bug in layergen: this spec fails, the others go on
            plan.errors.append(internal_error(project.display(spec), exc))
    adopted = {u.replaces for u in plan.updates if u.replaces}
    orphaned = sorted(deleted - adopted)
    live = set(claimed) if orphaned else set()  # real paths
    for key in orphaned:
        plan.orphans.append(_plan_orphan(key, records[key], project, options.prune, live))
    return plan


def _claim(spec: Path, found: SpecUpdate | GeneratedSpec, claimed: dict[Path, Path], project: Project) -> None:
    """Note the spec's files as its own; two specs writing one file is an error of the second."""
    # Through symbolic links: two names of one file are one file.
    files = [real_file(f.path) for f in found.files]
    clash = next((claimed[path] for path in files if path in claimed), None)
    if clash is not None:
        raise LayergenError.plain(
            project.display(spec),
            f"writes the same files as {project.display(clash)}; give the layers different class names",
        )
    claimed.update({path: spec for path in files})


def _plan_spec(
    generated: GeneratedSpec,
    project: Project,
    records: dict[str, SpecRecord],
    deleted: set[str],
    options: PlanOptions,
    trees: ProjectTrees,
) -> SpecUpdate:
    key = project_key(project, generated.spec_path)
    previous, replaces = records.get(key), None
    if previous is None:
        # A spec that was renamed or moved: its outputs are recorded under the old name.
        paths = {project_key(project, f.path) for f in generated.files}
        replaces = next((k for k in sorted(deleted) if paths & {o.path for o in records[k].outputs.values()}), None)
        previous = records.get(replaces) if replaces else None
    files: list[FileUpdate] = []
    for role, file in zip(ROLES, generated.files, strict=True):
        entry = previous.outputs.get(role) if previous else None
        earlier = settled(project, entry) if entry is not None else None
        files += plan_output(project, role, earlier, file)
    tree = trees.of(generated)
    weights, layers, compat = tree.weights, tree.layers, []
    call_arguments = call_argument_records(generated)
    if previous is not None:
        arguments = case_arguments(generated, previous)
        if previous.legacy:
            # An older record kept the layer's own weights only: the sub-layers' are new to it.
            own = {name: weight for name, weight in weights.items() if "/" not in name}
            compat = compare_weights(previous.weights, own, arguments)
        else:
            sources = {path: key for path, key in tree.sources.items() if key in trees.changed}
            held = held_classes(trees, previous.layers, layers)
            compat = compare_trees(previous.weights, weights, previous.layers, layers, sources, arguments, held)
        compat += compare_call_arguments(previous.call_arguments, call_arguments)
        if any(c.breaking for c in compat) and not options.accept_breaking:
            # The record keeps the weights old checkpoints have (and the call arguments
            # saved models pass) until a breaking change is accepted, so `layergen check`
            # keeps failing on it after regeneration too.
            weights, layers, call_arguments = previous.weights, previous.layers, previous.call_arguments
    fresh = SpecRecord(generated.class_name, weights, layers=layers, call_arguments=call_arguments)
    done = settle(files, project, previous, fresh, options.conflicts)
    return SpecUpdate(
        generated.spec_path,
        key,
        files=done.files,
        compat=compat,
        journal=done.journal,
        final_record=done.final_record,
        replaces=replaces,
        held=done.held,
    )


def _plan_orphan(key: str, record: SpecRecord, project: Project, prune: bool, live: set[Path]) -> SpecUpdate:
    """A deleted spec's files; one that another spec generates now is that spec's, not an orphan."""
    files = []
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
            files.append(found_file(path, Status.EDITED_ORPHAN, ours, newline=newline))
        elif prune:
            files.append(found_file(path, Status.REMOVED, ours, newline=newline, remove=True))
        else:
            files.append(found_file(path, Status.ORPHANED, ours, newline=newline))
    drop = all(f.status == Status.REMOVED for f in files)
    return SpecUpdate(from_key(project, key), key, files=files, drop_record=drop)


def call_argument_records(generated: GeneratedSpec) -> dict[str, CallArgumentRecord]:
    """The spec's call arguments as its record keeps them."""
    return {name: CallArgumentRecord(spec.default) for name, spec in generated.spec.call_arguments.items()}


def case_arguments(generated: GeneratedSpec, previous: SpecRecord) -> CaseArguments:
    """What chooses the case of a weight with `shapes`: the spec's arguments now, and the
    ones the layer generated last time took (its stored text)."""
    from layergen.update.shape_cases import CaseArguments, spec_arguments  # only where a record is

    layer = previous.outputs.get(ROLES[0])
    return CaseArguments(spec_arguments(generated.spec), layer.generated if layer else None, previous.class_name)


def held_classes(trees: ProjectTrees, *trees_layers: dict[str, LayerRecord]) -> Callable[[str], list[ClassArguments]]:
    """The project classes a weight lies in, by its path (in the sub-layers of the trees
    before and now), with their arguments as the layers generated last time took them and
    now: what chooses the case of a weight with `shapes` below a sub-layer."""

    def classes(path: str) -> list[ClassArguments]:
        names = dict.fromkeys(
            layer.class_name
            for layers in trees_layers
            for at, layer in sorted(layers.items())
            if path.startswith(at + "/")
        )
        found = (_class_arguments(trees, name) for name in names)
        return [arguments for arguments in found if arguments is not None]

    return classes


def _class_arguments(trees: ProjectTrees, name: str) -> ClassArguments | None:
    """A project class's arguments (None for a class that is not the project's)."""
    from layergen.update.shape_cases import ClassArguments, layer_arguments, spec_arguments

    recorded = trees.records.get(name)
    layer = recorded[1].outputs.get(ROLES[0]) if recorded is not None else None
    old = layer_arguments(layer.generated, name) if layer is not None else None
    spec = trees.generated.get(name) or trees.analyzed.get(name)
    if spec is not None:
        return ClassArguments(old, spec_arguments(spec.spec))
    return None if old is None else ClassArguments(old, old)
