"""The record of what layergen generated last time, kept in the project.

Regeneration merges three versions of each file, and one of them — what layergen wrote
last time — must be recovered exactly, whatever version of layergen or templates wrote
it. So `.layergen/manifest.json` keeps, for each spec, the generated text of its files
(compressed) and a summary of its weights (for the checkpoint-compatibility report).
Commit it with the generated files.
"""

from __future__ import annotations

import base64
import json
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from layergen.errors import LayergenError
from layergen.writing import write_atomically

MANIFEST_PATH = Path(".layergen") / "manifest.json"
FORMAT = 1


@dataclass(frozen=True)
class WeightRecord:
    """What checkpoint compatibility depends on: a weight's name, shape and dtype."""

    shape: tuple[str, ...]
    dtype: str | None = None
    renamed_from: tuple[str, ...] = ()


@dataclass
class SpecRecord:
    class_name: str
    # The weights that checkpoints saved so far have: the current spec's, unless a change
    # that breaks loading them is still waiting to be accepted.
    weights: dict[str, WeightRecord]
    files: dict[str, str]  # posix path relative to the project root -> generated text


@dataclass
class Manifest:
    records: dict[str, SpecRecord] = field(default_factory=dict)  # spec path -> record

    @classmethod
    def load(cls, root: Path) -> "Manifest":
        path = root / MANIFEST_PATH
        if not path.is_file():
            return cls()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if raw.get("format") != FORMAT:
                raise ValueError(f"format {raw.get('format')!r} is not {FORMAT}")
            return cls({spec: _decode(entry) for spec, entry in raw["specs"].items()})
        except (ValueError, KeyError, TypeError, zlib.error) as exc:
            raise LayergenError.plain(
                MANIFEST_PATH.as_posix(), f"cannot read the manifest ({exc}); restore it from version control"
            ) from None

    def save(self, root: Path) -> bool:
        """Write the manifest if its content changed; returns whether it was written."""
        if self == Manifest.load(root):
            return False
        data = {"format": FORMAT, "specs": {spec: _encode(self.records[spec]) for spec in sorted(self.records)}}
        text = json.dumps(data, indent=1, sort_keys=True) + "\n"
        write_atomically(root / MANIFEST_PATH, text)
        return True


def _encode(record: SpecRecord) -> dict:
    return {
        "class": record.class_name,
        "weights": {
            name: {"shape": list(w.shape), "dtype": w.dtype, "renamed_from": list(w.renamed_from)}
            for name, w in record.weights.items()
        },
        "files": {path: _pack(text) for path, text in sorted(record.files.items())},
    }


def _decode(entry: dict) -> SpecRecord:
    return SpecRecord(
        class_name=entry["class"],
        weights={
            name: WeightRecord(tuple(w["shape"]), w["dtype"], tuple(w["renamed_from"]))
            for name, w in entry["weights"].items()
        },
        files={path: _unpack(data) for path, data in entry["files"].items()},
    )


def _pack(text: str) -> str:
    return base64.b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii")


def _unpack(data: str) -> str:
    return zlib.decompress(base64.b64decode(data)).decode("utf-8")
