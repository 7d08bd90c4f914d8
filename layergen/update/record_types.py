"""What a spec's record holds (`SpecRecord`: its class, weight tree and outputs) and where
records live: plain data, shared by the store (`records`), its files (`record_files`), the
legacy manifest's reader and the planner.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from layergen.errors import LayergenError
from layergen.exit_status import CANNOT_RUN
from layergen.records import field, frozen_record, record

RECORDS_DIR = Path(".layergen") / "records"
LEGACY_MANIFEST = Path(".layergen") / "manifest.json"
RECORD_FILE = "record.json"
STATE_FILE = Path(".layergen") / "state" / "fingerprints.json"  # machine state: git-ignored
# record.json's format. A record is written in the oldest format that has every field it
# holds (`ADDED_IN`), so a layergen that reads only that format keeps reading the projects
# that use no newer feature; a newer format is refused as written by a newer layergen.
FORMAT = 4  # the newest format this layergen writes
OLDEST_WRITTEN = 3  # a record with none of `ADDED_IN`'s fields
READS = (2, 3, 4)  # format 2 kept a fingerprint in record.json; `new` rewrites such a record
# The top-level fields of record.json added after format 3, and the format that added each.
# (Format 3: format, class, weights, outputs, layers; weights' shape, dtype, renamed_from;
# layers' class, repeat, config; outputs' path, write, conflict, moved_from.)
ADDED_IN = {"call_arguments": 4}


class RecordError(LayergenError):
    """A record that cannot be read: exit status 2, like any error that is not about a spec."""

    exit_code = CANNOT_RUN


@frozen_record
class WeightRecord:
    """What checkpoint compatibility depends on: a weight's name, shape and dtype."""

    shape: tuple[str, ...]
    dtype: str | None = None
    renamed_from: tuple[str, ...] = ()


@frozen_record
class CallArgumentRecord:
    """What a saved model's call of the layer depends on: a `call_arguments` entry's default
    (a model saved calling the layer without it computes with the default when it loads)."""

    default: bool | int | float | str


@frozen_record
class LayerRecord:
    """A sub-layer in the weight tree, by its path: what its saved weights depend on besides
    their shapes. `config` is kept only for a class whose weights layergen cannot list
    (its arguments and build shapes, as the spec gives them)."""

    class_name: str
    repeat: str | None = None  # how many copies, as the spec writes it
    config: str | None = None


@frozen_record
class OpenConflict:
    """A conflict layergen reported that the person has not resolved yet."""

    generated: str  # the generation the conflict is with: the base once it is resolved
    mode: str  # what was written: "report" (nothing), "side" (FILE.conflict), "inline" (markers in FILE)
    left: str  # sha256 of the file as layergen left it
    untouched: tuple[str, ...] = ()  # sha256 of the person's lines in each conflicting region


@frozen_record
class MovedFrom:
    """Where a renamed layer's output was before layergen moved it, until the old copy is gone."""

    path: str
    sha256: str  # of the old copy's text, so only that copy is ever removed


@frozen_record
class OutputRecord:
    path: str  # posix, relative to the project root
    generated: str  # what layergen generated last time: the next merge's base
    conflict: OpenConflict | None = None
    moved_from: MovedFrom | None = None
    write: PendingWrite | None = None

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name


@frozen_record
class PendingWrite:
    """A write a run started: once the file holds the text with this digest, the output's
    record is `record`; until then it is still the one this is attached to. So a run
    killed between writing a file and recording it never leaves a wrong base."""

    sha256: str
    record: OutputRecord


@record
class SpecRecord:
    class_name: str
    # The weights that checkpoints saved so far have: the current spec's, unless a change
    # that breaks loading them is still waiting to be accepted.
    weights: dict[str, WeightRecord]
    outputs: dict[str, OutputRecord] = field(default_factory=dict)  # role ("layer", "test") -> output
    # Kept out of record.json, in the git-ignored STATE_FILE (see `fingerprint.py`).
    fingerprint: str | None = None
    layers: dict[str, LayerRecord] = field(default_factory=dict)  # sub-layers by path, in the weight tree
    legacy: bool = False  # read from a format before 3, which kept the layer's own weights only
    digest: str = ""  # of the texts it was read from (`texts_digest`); "" for one not read from files
    # `call_arguments` by name, as callers and saved models' configs may pass them (a record
    # written before they were recorded has none: nothing to compare with).
    call_arguments: dict[str, CallArgumentRecord] = field(default_factory=dict)
