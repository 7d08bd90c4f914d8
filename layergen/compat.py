"""Which spec edits break loading checkpoints saved before them, as `buf breaking` does for
protobuf schemas.

Generated layers save and load weights by name, so reordering weights or changing a
role is safe. What still breaks old checkpoints: a weight removed, reshaped, or renamed
without `renamed_from`. A new weight is only noted: old checkpoints have no value for it,
so it keeps its initial value when one is loaded.
"""

from __future__ import annotations

from dataclasses import dataclass

from layergen.records import WeightRecord


@dataclass(frozen=True)
class CompatChange:
    weight: str
    message: str
    breaking: bool


def compare_weights(old: dict[str, WeightRecord], new: dict[str, WeightRecord]) -> list[CompatChange]:
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
        if before.shape != weight.shape:
            changes.append(
                CompatChange(
                    name,
                    f"weight {label!r} changed shape from [{', '.join(before.shape)}] to [{', '.join(weight.shape)}]; "
                    "checkpoints saved before this change no longer load",
                    True,
                )
            )
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
                f"weight {name!r} is new; checkpoints saved before this change have no value for it, so it keeps its initial value when one is loaded",
                False,
            )
        )
    return changes
