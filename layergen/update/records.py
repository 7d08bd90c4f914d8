"""What layergen generated last time: one record per spec, kept in the project (commit it).

Regeneration merges three versions of each file, and one of them — what layergen wrote
last time — must be recovered exactly. Each spec has a folder under `.layergen/records/`
named by the spec's path (`specs/dense.yaml` -> `.layergen/records/specs/dense.yaml/`):

    record.json              class name, weight baseline, where the outputs are
    dense.py.generated       the text last generated for the output `layers/dense.py`
    test_dense.py.generated  ... and for its test
    dense.py.pending         only while a conflict is open: the generation it is with
    dense.py.next            only while a run writes the file (see `PendingWrite`)

All plain text with deterministic bytes, so branches that touch different specs never
touch the same file, and a version-control conflict in a record can be resolved by hand.
The single `.layergen/manifest.json` of earlier versions is read too, and replaced by
records on the next `layergen new` (`migrate`).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import NoReturn

from layergen.errors import LayergenError, Problem
from layergen.exit_status import CANNOT_RUN
from layergen.update.merge import conflict_marker_line
from layergen.update.record_state import FingerprintState, texts_digest
from layergen.writing import read_text, remove, split_newlines, write_atomically

RECORDS_DIR = Path(".layergen") / "records"
LEGACY_MANIFEST = Path(".layergen") / "manifest.json"
RECORD_FILE = "record.json"
STATE_FILE = Path(".layergen") / "state" / "fingerprints.json"  # machine state: git-ignored
FORMAT = 3
READS = (2, 3)  # format 2 kept a fingerprint in record.json; `new` rewrites such a record
_ROLE = re.compile(r"^[a-z][a-z0-9_]*$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MODES = ("report", "side", "inline")


class RecordError(LayergenError):
    """A record that cannot be read: exit status 2, like any error that is not about a spec."""

    exit_code = CANNOT_RUN


@dataclass(frozen=True)
class WeightRecord:
    """What checkpoint compatibility depends on: a weight's name, shape and dtype."""

    shape: tuple[str, ...]
    dtype: str | None = None
    renamed_from: tuple[str, ...] = ()


@dataclass(frozen=True)
class LayerRecord:
    """A sub-layer in the weight tree, by its path: what its saved weights depend on besides
    their shapes. `config` is kept only for a class whose weights layergen cannot list
    (its arguments and build shapes, as the spec gives them)."""

    class_name: str
    repeat: str | None = None  # how many copies, as the spec writes it
    config: str | None = None


@dataclass(frozen=True)
class OpenConflict:
    """A conflict layergen reported that the person has not resolved yet."""

    generated: str  # the generation the conflict is with: the base once it is resolved
    mode: str  # what was written: "report" (nothing), "side" (FILE.conflict), "inline" (markers in FILE)
    left: str  # sha256 of the file as layergen left it
    untouched: tuple[str, ...] = ()  # sha256 of the person's lines in each conflicting region


@dataclass(frozen=True)
class MovedFrom:
    """Where a renamed layer's output was before layergen moved it, until the old copy is gone."""

    path: str
    sha256: str  # of the old copy's text, so only that copy is ever removed


@dataclass(frozen=True)
class OutputRecord:
    path: str  # posix, relative to the project root
    generated: str  # what layergen generated last time: the next merge's base
    conflict: OpenConflict | None = None
    moved_from: MovedFrom | None = None
    write: PendingWrite | None = None

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name


@dataclass(frozen=True)
class PendingWrite:
    """A write a run started: once the file holds the text with this digest, the output's
    record is `record`; until then it is still the one this is attached to. So a run
    killed between writing a file and recording it never leaves a wrong base."""

    sha256: str
    record: OutputRecord


# The stored texts of an output's record, and of the record a pending write leads to.
_NOW = (".generated", ".pending")
_NEXT = (".next", ".next-pending")
_STORED = _NOW + _NEXT


@dataclass
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


class RecordStore:
    """The records of one project, read and written one spec at a time."""

    def __init__(self, root: Path):
        self.root = root
        self.folder = root / RECORDS_DIR
        self.legacy = root / LEGACY_MANIFEST
        self.debris: list[Path] = []  # stored texts no record names: what a killed run left (`load`)
        self.fingerprints = FingerprintState(root / STATE_FILE)  # machine state, apart from the records

    def load(self) -> dict[str, SpecRecord]:
        """Every spec's record (spec path relative to the root -> record)."""
        records = {}
        if self.legacy.is_file():
            from layergen.update.legacy_manifest import read_legacy_manifest

            records = read_legacy_manifest(self.legacy, self.root)
        problems: list[Problem] = []
        # Folders as strings: a project's hundreds of records make pathlib's parsing count.
        top = os.fspath(self.folder)
        self.debris = []
        for folder, names in self._record_folders():
            shown = _posix(os.path.relpath(os.path.join(folder, RECORD_FILE), self.root))
            if folder == top:
                problems.append(
                    Problem(
                        shown,
                        "belongs in its spec's folder, .layergen/records/<spec path>/; restore it from version control",
                    )
                )
                continue
            if RECORD_FILE not in names:
                self.debris += [Path(folder, name) for name in names if name.endswith(_STORED)]
                continue
            try:
                record = _read_record(folder, shown)
            except RecordError as exc:
                problems += exc.problems
                continue
            records[self._key(os.path.relpath(folder, top))] = record
            named = _stored_names(record)
            self.debris += [Path(folder, name) for name in names if name.endswith(_STORED) and name not in named]
        if problems:
            raise RecordError(problems)
        self.fingerprints.attach(records)
        return dict(sorted(records.items()))

    def flush(self) -> None:
        """Write the fingerprints' state file, if a fingerprint changed."""
        self.fingerprints.flush()

    def save(self, key: str, record: SpecRecord) -> bool:
        """Write what changed in a spec's record (record.json last); returns whether anything did."""
        folder = self.folder_of(key)
        wanted = {RECORD_FILE: _serialize(record)}
        for output in record.outputs.values():
            wanted.update(_texts(output, _NOW))
            if output.write is not None:
                wanted.update(_texts(output.write.record, _NEXT))
        changed = False
        for name in sorted(wanted, key=lambda n: (n == RECORD_FILE, n)):
            current = read_text(folder / name)
            if current is None or split_newlines(current)[0] != wanted[name]:
                write_atomically(folder / name, wanted[name])
                changed = True
        for stale in sorted(folder.glob("*")):
            if stale.name.endswith(_STORED) and stale.name not in wanted:
                remove(stale)
                changed = True
        self.fingerprints.note(key, record.fingerprint, texts_digest(wanted))
        return changed

    def remove(self, key: str) -> None:
        self.fingerprints.note(key, None)
        folder = self.folder_of(key)
        for path in sorted(folder.glob("*")):
            if path.name == RECORD_FILE or path.name.endswith(_STORED):
                remove(path)
        while folder != self.folder and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent

    def migrate(self, records: dict[str, SpecRecord]) -> bool:
        """Replace the legacy manifest by one record per spec; returns whether there was one."""
        if not self.legacy.is_file():
            return False
        for key, record in records.items():
            self.save(key, record)
        remove(self.legacy)
        return True

    def folder_of(self, key: str) -> Path:
        # Escaped so that every key has its own folder: `%` -> `%25`, a `..` part -> `%2E%2E`.
        parts = ["%2E%2E" if part == ".." else part.replace("%", "%25") for part in key.split("/")]
        return self.folder.joinpath(*parts)

    def clean_debris(self) -> int:
        """Delete the stored texts that no record names (a run killed between saving a
        record and removing what it no longer names leaves them); returns how many."""
        for path in self.debris:
            remove(path)
        count, self.debris = len(self.debris), []
        return count

    def _record_folders(self) -> list[tuple[str, list[str]]]:
        """Every folder with a record.json or a stored text under the records folder, with
        its files' names, in the order of their paths (os.walk: much faster than `rglob`)."""
        found = []
        for folder, children, names in os.walk(self.folder):
            children.sort()
            if RECORD_FILE in names or any(name.endswith(_STORED) for name in names):
                found.append((folder, names))
        return sorted(found, key=lambda item: item[0].split(os.sep))

    def _key(self, relative: str) -> str:
        parts = relative.split(os.sep)
        return "/".join(".." if part == "%2E%2E" else part.replace("%25", "%") for part in parts)

    def _shown(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()


def _stored_names(record: SpecRecord) -> set[str]:
    """The files of a record's folder that it names."""
    names = {RECORD_FILE}
    for output in record.outputs.values():
        names |= set(_texts(output, _NOW))
        if output.write is not None:
            names |= set(_texts(output.write.record, _NEXT))
    return names


def _serialize(record: SpecRecord) -> str:
    """record.json: only what a person reviews (the fingerprint is machine state, kept apart)."""
    data: dict = {
        "format": FORMAT,
        "class": record.class_name,
        "weights": {
            name: {"shape": list(w.shape), "dtype": w.dtype, "renamed_from": list(w.renamed_from)}
            for name, w in record.weights.items()
        },
        "outputs": {role: _serialize_output(output) for role, output in record.outputs.items()},
    }
    if record.layers:
        data["layers"] = {path: _serialize_layer(layer) for path, layer in record.layers.items()}
    return _json(data) + "\n"


def _serialize_layer(layer: LayerRecord) -> dict:
    data: dict = {"class": layer.class_name, "repeat": layer.repeat}
    if layer.config is not None:
        data["config"] = layer.config
    return data


def _json(value, depth: int = 0) -> str:
    """JSON with sorted keys, an object's fields one a line, and lists (all of strings) on one line."""
    if not isinstance(value, dict) or not value:
        return json.dumps(value, ensure_ascii=False)
    pad = "  " * (depth + 1)
    fields = [f"{pad}{json.dumps(k, ensure_ascii=False)}: {_json(v, depth + 1)}" for k, v in sorted(value.items())]
    return "{\n" + ",\n".join(fields) + "\n" + "  " * depth + "}"


def _texts(output: OutputRecord, suffixes: tuple[str, str]) -> dict[str, str]:
    texts = {output.name + suffixes[0]: output.generated}
    if output.conflict is not None:
        texts[output.name + suffixes[1]] = output.conflict.generated
    return texts


def _serialize_output(output: OutputRecord) -> dict:
    data: dict = {"path": output.path}
    if output.write is not None:
        data["write"] = {"sha256": output.write.sha256, **_serialize_output(output.write.record)}
    if output.conflict is not None:
        conflict = output.conflict
        data["conflict"] = {"mode": conflict.mode, "left": conflict.left, "untouched": list(conflict.untouched)}
    if output.moved_from is not None:
        data["moved_from"] = {"path": output.moved_from.path, "sha256": output.moved_from.sha256}
    return data


def _posix(path: str) -> str:
    return path.replace(os.sep, "/") if os.sep != "/" else path


def _read_record(folder: str, shown: str) -> SpecRecord:
    text = split_newlines(read_text(os.path.join(folder, RECORD_FILE)) or "")[0]
    read = {RECORD_FILE: text}
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordError(Problem(shown, f"is not valid JSON: {exc.msg}", line=exc.lineno, column=exc.colno)) from None
    fields = _Fields(shown, read)
    fields.keys(raw, "", required={"format", "class", "weights", "outputs"}, optional={"fingerprint", "layers"})
    if raw["format"] not in READS or isinstance(raw["format"], bool):
        fields.fail("format", f"is {raw['format']!r}; this layergen reads formats {READS[0]} to {FORMAT}")
    weights = {
        name: _read_weight(fields, value, f"weights.{name}")
        for name, value in fields.typed(raw["weights"], dict, "weights", "an object").items()
    }
    outputs = {}
    for role, value in fields.typed(raw["outputs"], dict, "outputs", "an object").items():
        if not _ROLE.match(role):
            fields.fail(f"outputs.{role}", "is not a role name (lowercase letters, digits, _)")
        outputs[role] = _read_output(fields, value, f"outputs.{role}", folder)
    names = [output.name for output in outputs.values()]
    if len(set(names)) != len(names):
        fields.fail("outputs", "two outputs have the same file name")
    # Format 2's fingerprint is not used: it covered the files' bytes, and lived in the
    # committed record; the state file keeps fingerprints now.
    layers = {
        path: _read_layer(fields, value, f"layers.{path}")
        for path, value in fields.typed(raw.get("layers", {}), dict, "layers", "an object").items()
    }
    class_name = fields.typed(raw["class"], str, "class", "a string")
    # A record of an older format is rewritten when its spec is next generated.
    return SpecRecord(class_name, weights, outputs, None, layers, raw["format"] < 3, texts_digest(read))


def _read_layer(fields: _Fields, raw, where: str) -> LayerRecord:
    fields.keys(raw, where, required={"class", "repeat"}, optional={"config"})
    repeat, config = raw["repeat"], raw.get("config")
    return LayerRecord(
        fields.typed(raw["class"], str, f"{where}.class", "a string"),
        repeat if repeat is None else fields.typed(repeat, str, f"{where}.repeat", "a string"),
        config if config is None else fields.typed(config, str, f"{where}.config", "a string"),
    )


def _read_weight(fields: _Fields, raw, where: str) -> WeightRecord:
    fields.keys(raw, where, required={"shape", "dtype", "renamed_from"})
    shape = fields.strings(raw["shape"], f"{where}.shape")
    dtype = raw["dtype"] if raw["dtype"] is None else fields.typed(raw["dtype"], str, f"{where}.dtype", "a string")
    return WeightRecord(shape, dtype, fields.strings(raw["renamed_from"], f"{where}.renamed_from"))


def _read_output(fields: _Fields, raw, where: str, folder: str, suffixes=_NOW) -> OutputRecord:
    nested = suffixes == _NEXT
    fields.keys(
        raw,
        where,
        required={"path", "sha256"} if nested else {"path"},
        optional={"conflict", "moved_from"} if nested else {"conflict", "moved_from", "write"},
    )
    path = fields.path(raw["path"], f"{where}.path")
    name = PurePosixPath(path).name
    generated = _stored_text(fields, folder, name + suffixes[0], where)
    conflict = moved = write = None
    if "conflict" in raw:
        spot = f"{where}.conflict"
        fields.keys(raw["conflict"], spot, required={"mode", "left", "untouched"})
        mode = fields.typed(raw["conflict"]["mode"], str, f"{spot}.mode", "a string")
        if mode not in _MODES:
            fields.fail(f"{spot}.mode", f"is {mode!r}; one of {', '.join(_MODES)}")
        left = fields.digest(raw["conflict"]["left"], f"{spot}.left")
        untouched = tuple(
            fields.digest(d, f"{spot}.untouched")
            for d in fields.strings(raw["conflict"]["untouched"], f"{spot}.untouched")
        )
        pending = _stored_text(fields, folder, name + suffixes[1], spot)
        conflict = OpenConflict(pending, mode, left, untouched)
    if "moved_from" in raw:
        spot = f"{where}.moved_from"
        fields.keys(raw["moved_from"], spot, required={"path", "sha256"})
        moved = MovedFrom(
            fields.path(raw["moved_from"]["path"], f"{spot}.path"),
            fields.digest(raw["moved_from"]["sha256"], f"{spot}.sha256"),
        )
    if "write" in raw:
        spot = f"{where}.write"
        after = _read_output(fields, raw["write"], spot, folder, _NEXT)
        write = PendingWrite(fields.digest(raw["write"]["sha256"], f"{spot}.sha256"), after)
    return OutputRecord(path, generated, conflict, moved, write)


def _stored_text(fields: _Fields, folder: str, name: str, where: str) -> str:
    text = read_text(os.path.join(folder, name))
    if text is None:
        fields.fail(where, f"its stored file {name} is missing; restore .layergen/records from version control")
    text = split_newlines(text)[0]
    fields.read[name] = text
    # Every marker line starts so: most texts need no look at each line.
    line = conflict_marker_line(text) if "<<<<<<<" in text else None
    if line is not None:
        raise RecordError(
            Problem(
                (Path(fields.shown).parent / name).as_posix(),
                "holds conflict markers from a version-control merge; keep one side's lines "
                "(the side whose generated file you kept) and delete the marker lines",
                line=line,
            )
        )
    return text


class _Fields:
    """Type checks of record.json that fail with the field's path."""

    def __init__(self, shown: str, read: dict[str, str] | None = None):
        self.shown = shown
        self.read = read if read is not None else {}  # name -> text: every file the record is read from

    def fail(self, where: str, message: str) -> NoReturn:
        raise RecordError(Problem(self.shown, f"{message}; fix it or restore it from version control", field=where))

    def typed(self, value, kind, where: str, described: str):
        if not isinstance(value, kind):
            self.fail(where or "(top level)", f"must be {described}")
        return value

    def keys(self, value, where: str, *, required: set[str], optional: Collection[str] = ()) -> None:
        self.typed(value, dict, where, "an object")
        missing = sorted(required - set(value))
        unknown = sorted(set(value) - required - set(optional))
        prefix = f"{where}." if where else ""
        if missing:
            self.fail(prefix + missing[0], "is missing")
        if unknown:
            self.fail(prefix + unknown[0], "is not a field of a record")

    def strings(self, value, where: str) -> tuple[str, ...]:
        items = self.typed(value, list, where, "a list of strings")
        for item in items:
            self.typed(item, str, where, "a list of strings")
        return tuple(items)

    def digest(self, value, where: str) -> str:
        if not isinstance(value, str) or not _SHA256.match(value):
            self.fail(where, "must be a sha256 digest (64 hex digits)")
        return value

    def path(self, value, where: str) -> str:
        path = self.typed(value, str, where, "a string")
        if not path or path.startswith("/") or "\\" in path or PurePosixPath(path).name in ("", ".", ".."):
            self.fail(where, f"{path!r} is not a file path relative to the project root")
        return path
