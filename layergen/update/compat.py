"""Which spec edits break loading checkpoints saved before them, as `buf breaking` does for
protobuf schemas.

Generated layers save and load weights by name, so reordering weights or changing a
role is safe. What still breaks old checkpoints: a weight removed, reshaped, or renamed
without `renamed_from`. A weight whose shape follows a condition (`shapes:`) is reshaped
only where the arguments an old checkpoint can have been saved with now choose another
shape (`shape_cases`): GRUCell's bias turned into cases under a new argument whose default
keeps its old shape loads every old checkpoint.

The whole weight tree is compared (`weight_tree`): below a sub-layer, a weight removed,
added (Keras sub-layers refuse a checkpoint that lacks one) or reshaped, a sub-layer
removed, re-classed, repeated a different number of times, or configured differently
(a class whose weights layergen cannot list) is a break, named by its path:
`blocks/residual_block*/kernel: shape (features, features) -> (features, 2 * features)`.

A saved model depends on `call`'s non-tensor arguments too (`call_arguments`): its config
keeps the ones each call passed, and a call that passed none computes with the default.
Removing one (or renaming it), or changing its default, is a break (`compare_call_arguments`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from layergen.records import frozen_record
from layergen.update.record_types import CallArgumentRecord, LayerRecord, WeightRecord

if TYPE_CHECKING:
    from collections.abc import Callable

    from layergen.update import shape_cases
    from layergen.update.shape_cases import CaseArguments, ClassArguments


@frozen_record
class CompatChange:
    weight: str  # a weight's or sub-layer's path in the tree: "kernel", "blocks/residual_block*/kernel"
    message: str
    breaking: bool
    via: str | None = None  # the spec of a project sub-layer class whose change this is
    own: bool = True  # a weight of the layer's own (else a path below a sub-layer, or a sub-layer)
    section: str = "weights"  # the spec's section `weight` is in: "weights" or "call_arguments"

    @property
    def where(self) -> str:
        """How reports name it: `weights.kernel` for the layer's own weight, else its path."""
        return f"{self.section}.{self.weight}" if self.own else self.weight

    @property
    def shown(self) -> str:
        """The message, with the spec the change comes from."""
        return self.message + (f" (through {self.via})" if self.via else "")


def compare_trees(
    old_weights: dict[str, WeightRecord],
    new_weights: dict[str, WeightRecord],
    old_layers: dict[str, LayerRecord],
    new_layers: dict[str, LayerRecord],
    sources: dict[str, str],
    arguments: CaseArguments | None = None,
    held: Callable[[str], list[ClassArguments]] | None = None,
) -> list[CompatChange]:
    """The changes between two weight trees; `sources` names the spec of each project
    sub-layer class (a change below it is reported as coming through that spec);
    `arguments` as `compare_weights` takes them, and with `held` (a path's project classes)
    for the weights with `shapes` below sub-layers too."""
    own = {n: w for n, w in new_weights.items() if "/" not in n}
    changes = compare_weights({n: w for n, w in old_weights.items() if "/" not in n}, own, arguments)
    weighted = {path.rsplit("/", 1)[0] for path in (*old_weights, *new_weights) if "/" in path}
    moved = _layer_changes(old_layers, new_layers, weighted, sources)
    changes += [change for _, change in moved]
    covered = tuple(path + "/" for path, _ in moved)
    old_below = {n: w for n, w in old_weights.items() if "/" in n and not n.startswith(covered)}
    new_below = {n: w for n, w in new_weights.items() if "/" in n and not n.startswith(covered)}
    for path in sorted(set(old_below) | set(new_below)):
        before, after = old_below.get(path), new_below.get(path)
        if before is not None and after is not None and before.shape == after.shape:
            continue
        breaking = True
        if before is None:
            earlier = [path.rsplit("/", 1)[0] + "/" + name for name in after.renamed_from]  # type: ignore[union-attr]
            if any(name in old_below and name not in new_below for name in earlier):
                continue  # renamed: reported (if at all) under its old path
            message = "new; checkpoints saved before this change have no value for it, so they no longer load"
        elif after is None:
            folder, _, leaf = path.rpartition("/")
            if any(n.startswith(folder + "/") and leaf in w.renamed_from for n, w in new_below.items()):
                continue  # renamed with `renamed_from`: loads under its old name
            message = "removed; checkpoints saved before this change no longer load"
        else:
            found = _below_shape_change(path, before.shape, after.shape, arguments, held)
            if found is None:
                continue
            message, breaking = found
        changes.append(CompatChange(path, message, breaking, _source(path, sources), own=False))
    return changes


def _below_shape_change(
    path: str,
    before: tuple[str, ...],
    after: tuple[str, ...],
    arguments: CaseArguments | None,
    held: Callable[[str], list[ClassArguments]] | None,
) -> tuple[str, bool] | None:
    """A weight below a sub-layer changed shape: (the message, whether it breaks), or None
    where it did not. Its `shapes` cases are compared as the layer's own are: by the shape
    the arguments an old checkpoint can have been saved with choose (`shape_cases`)."""
    from layergen.update import shape_cases

    broken = "checkpoints saved before this change no longer load"
    old_cases, new_cases = shape_cases.cases(before), shape_cases.cases(after)
    if len(old_cases) == len(new_cases) == 1:  # a plain shape, or `shapes` with one case
        same = old_cases[0].shape == new_cases[0].shape
        return None if same else (f"shape {_shape(old_cases[0].shape)} -> {_shape(new_cases[0].shape)}; {broken}", True)
    shapes = f"shape {_cases(old_cases)} -> {_cases(new_cases)}"
    if arguments is None or held is None:  # nothing to tell the cases by: any change is a break
        return f"{shapes}; {broken}", True
    try:
        fixed = shape_cases.held_defaults(old_cases + new_cases, arguments, held(path))
        found = shape_cases.first_difference(old_cases, new_cases, arguments.old, arguments.new, fixed)
    except shape_cases.CannotTell as reason:
        return f"{shapes}; {broken} (which case they hold, layergen cannot tell: {reason})", True
    if found is None:
        return f"{shapes}; checkpoints saved before this change still load: {_CHOSEN}", False
    shown = f"{shape_cases.shown(found.before)} -> {shape_cases.shown(found.after)}"
    return (
        f"shape {shown} {found.setting}; checkpoints saved before this change with those arguments no longer load",
        True,
    )


_CHOSEN = "the arguments they can have been saved with choose the shape they hold"


def _layer_changes(
    old: dict[str, LayerRecord], new: dict[str, LayerRecord], weighted: set[str], sources: dict[str, str]
) -> list[tuple[str, CompatChange]]:
    """Sub-layers with weights removed, re-classed, repeated differently, or configured
    differently; a new sub-layer's weights are reported as new. A layer without weights
    (`weighted`: the folders of every weight path) is not in checkpoints: it never breaks one."""
    found: list[tuple[str, CompatChange]] = []
    for path in sorted(set(old) | set(new)):
        if any(path.startswith(done + "/") for done, _ in found):
            continue
        before, after = old.get(path), new.get(path)
        if before == after:
            continue
        opaque = any(layer is not None and layer.config is not None for layer in (before, after))
        if not opaque and not any(folder == path or folder.startswith(path + "/") for folder in weighted):
            continue
        if after is None:
            message = f"sub-layer {before.class_name} was removed; checkpoints saved before this change no longer load"  # type: ignore[union-attr]
        elif before is None:
            if after.config is None:
                continue  # its weights, if any, are reported as new
            message = f"new {after.class_name} sub-layer, whose weights layergen cannot list; checkpoints saved before this change may no longer load"
        elif before.class_name != after.class_name:
            message = (
                f"class {before.class_name} -> {after.class_name}; checkpoints saved before this change no longer load"
            )
        elif before.repeat != after.repeat:
            message = f"repeated {before.repeat or 1} -> {after.repeat or 1} times; checkpoints saved before this change no longer load"
        else:
            message = (
                f"the {after.class_name} sub-layer's arguments or build shapes changed, and layergen cannot list its "
                "weights; checkpoints saved before this change may no longer load"
            )
        via = _source(path, sources) if "/" in path else None
        found.append((path, CompatChange(path, message, True, via, own=False)))
    return found


def _shape(shape: tuple[str, ...]) -> str:
    return "(" + ", ".join(shape) + ("," if len(shape) == 1 else "") + ")"


def _source(path: str, sources: dict[str, str]) -> str | None:
    top = path.split("/", 1)[0]
    return sources.get(top)


def compare_weights(
    old: dict[str, WeightRecord], new: dict[str, WeightRecord], arguments: CaseArguments | None = None
) -> list[CompatChange]:
    """The changes to a layer's own weights; `arguments` tell which case of a weight with
    `shapes` old checkpoints hold (without them, any change to the cases is a break)."""
    changes = []
    matched_old = set()
    added = []
    for name, weight in new.items():
        source = next((n for n in (name, *weight.renamed_from) if n in old and n not in matched_old), None)
        if source is None:
            added.append(name)
            continue
        matched_old.add(source)
        before = old[source]
        label = name if source == name else f"{name} (renamed from {source})"
        shape_change = _shape_change(name, label, before, weight, arguments)
        if shape_change is not None:
            changes.append(shape_change)
        if before.dtype != weight.dtype:
            changes.append(
                CompatChange(
                    name,
                    f"weight {label!r} changed dtype from {before.dtype or 'the layer dtype'} to {weight.dtype or 'the layer dtype'}; "
                    "old checkpoints load with a cast",
                    False,
                )
            )
    for name in old:
        if name in matched_old:
            continue
        candidates = [a for a in added if new[a].shape == old[name].shape]
        hint = f"; if {candidates[0]!r} is {name!r} renamed, add `renamed_from: {name}` to it" if candidates else ""
        changes.append(
            CompatChange(
                name,
                f"weight {name!r} was removed; its values in checkpoints saved before this change are lost{hint}",
                True,
            )
        )
    for name in added:
        changes.append(
            CompatChange(
                name,
                f"weight {name!r} is new; checkpoints saved before this change have no value for it, so they no "
                "longer load (if it is an old weight renamed, say so with `renamed_from`)",
                True,
            )
        )
    return changes


def _shape_change(
    name: str, label: str, before: WeightRecord, after: WeightRecord, arguments: CaseArguments | None
) -> CompatChange | None:
    """A change of the weight's shape; for a weight with `shapes`, of the shape the arguments
    old checkpoints can have been saved with choose (`shape_cases`)."""
    from layergen.update import shape_cases  # loaded only where a record has weights to compare

    if before.shape == after.shape:
        return None
    old_cases, new_cases = shape_cases.cases(before.shape), shape_cases.cases(after.shape)
    shapes = f"{_cases(old_cases)} to {_cases(new_cases)}"
    broken = "checkpoints saved before this change no longer load"
    single = len(old_cases) == len(new_cases) == 1  # a plain shape, or `shapes` with one case
    if single and old_cases[0].shape == new_cases[0].shape:
        return None
    if single or arguments is None:  # nothing to tell the cases by: any change is a break
        return CompatChange(name, f"weight {label!r} changed shape from {shapes}; {broken}", True)
    try:
        found = shape_cases.first_difference(old_cases, new_cases, arguments.old, arguments.new)
    except shape_cases.CannotTell as reason:
        message = f"{broken} (which case they hold, layergen cannot tell: {reason})"
        return CompatChange(name, f"weight {label!r} changed shape from {shapes}; {message}", True)
    if found is None:
        message = f"checkpoints saved before this change still load: {_CHOSEN}"
        return CompatChange(name, f"weight {label!r} changed shape from {shapes}; {message}", False)
    shapes = f"{shape_cases.shown(found.before)} to {shape_cases.shown(found.after)}"
    return CompatChange(
        name,
        f"weight {label!r} changed shape from {shapes} {found.setting}; checkpoints saved before this change with "
        "those arguments no longer load",
        True,
    )


def _cases(found: list[shape_cases.Case]) -> str:
    """`[input_dim, units]`, or `[2, 3 * units] if reset_after, else [3 * units]`."""
    from layergen.update import shape_cases

    shown = [shape_cases.shown(case.shape) + (f" if {case.condition}" if case.condition else "") for case in found]
    return ", else ".join(shown)


def compare_call_arguments(
    old: dict[str, CallArgumentRecord], new: dict[str, CallArgumentRecord]
) -> list[CompatChange]:
    """A call argument removed (or renamed), or its default changed, breaks the code and the
    saved models that call the layer: Keras keeps the call's keyword arguments in a
    functional model's config and passes them again when the model loads."""
    changes = []
    added = [name for name in new if name not in old]
    for name, before in old.items():
        after = new.get(name)
        if after is None:
            hint = f"; if {added[0]!r} is {name!r} renamed, keep the old name" if len(added) == 1 else ""
            message = (
                f"call argument {name!r} was removed; code that passes it, and models saved calling the layer with "
                f"it, no longer run{hint}"
            )
        elif not _same_value(before.default, after.default):
            message = (
                f"call argument {name!r} changed its default from {before.default!r} to {after.default!r}; "
                "models saved calling the layer without it compute something else"
            )
        else:
            continue
        changes.append(CompatChange(name, message, True, section="call_arguments"))
    return changes


def _same_value(a: object, b: object) -> bool:
    """Equal, and both bool or neither (False == 0 in Python, not in a call)."""
    return a == b and isinstance(a, bool) == isinstance(b, bool)
