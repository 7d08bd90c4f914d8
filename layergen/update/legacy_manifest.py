"""The single `.layergen/manifest.json` of layergen's first versions (format 1): read,
so that a project keeps its hand edits through the first run of this version, which
replaces it by one record per spec (`RecordStore.migrate`)."""

from __future__ import annotations

import base64
import json
import zlib
from pathlib import Path, PurePosixPath
from typing import Any

from layergen.errors import Problem
from layergen.paths import display_path
from layergen.update.record_types import LEGACY_MANIFEST, OutputRecord, RecordError, SpecRecord, WeightRecord


def read_legacy_manifest(path: Path, root: Path) -> dict[str, SpecRecord]:
    """The records of a format-1 `.layergen/manifest.json`."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict) or raw.get("format") != 1:
            raise ValueError(f"format {raw.get('format') if isinstance(raw, dict) else None!r} is not 1")
        return {_relative(spec, root): _legacy_record(entry, root) for spec, entry in raw["specs"].items()}
    except (ValueError, KeyError, TypeError, AttributeError, zlib.error) as exc:
        raise RecordError(
            Problem(LEGACY_MANIFEST.as_posix(), f"cannot read the manifest ({exc}); restore it from version control")
        ) from None


def _legacy_record(entry: dict[str, Any], root: Path) -> SpecRecord:
    files = {
        _relative(p, root): zlib.decompress(base64.b64decode(data)).decode("utf-8")
        for p, data in entry["files"].items()
    }
    return SpecRecord(
        class_name=entry["class"],
        weights={
            name: WeightRecord(tuple(w["shape"]), w["dtype"], tuple(w["renamed_from"]))
            for name, w in entry["weights"].items()
        },
        outputs={role: OutputRecord(p, files[p]) for role, p in _legacy_roles(sorted(files)).items()},
        legacy=True,
    )


def _legacy_roles(paths: list[str]) -> dict[str, str]:
    """The manifest kept no roles: the test is the file named `test_` + the layer's name."""
    names = [PurePosixPath(p).name for p in paths]
    if len(paths) == 2 and names[0] == "test_" + names[1]:
        paths = paths[::-1]
    roles = ("layer", "test") if len(paths) == 2 else tuple(f"output{i + 1}" for i in range(len(paths)))
    return dict(zip(roles, paths, strict=False))


def _relative(path: str, root: Path) -> str:
    return display_path(path, root, climb=True) if Path(path).is_absolute() else path
