"""A record's files: `record.json` and the stored texts beside it, written with
deterministic bytes (`serialize`, `stored_texts`) and read back with every field checked
(`read_record`: a `SpecRecord`, or a `RecordError` naming the field).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Collection
from pathlib import Path, PurePosixPath
from typing import Any, NoReturn, TypeVar

from layergen.errors import Problem
from layergen.update.merge import conflict_marker_line
from layergen.update.record_state import texts_digest
from layergen.update.record_types import (
    ADDED_IN,
    FORMAT,
    OLDEST_WRITTEN,
    READS,
    RECORD_FILE,
    CallArgumentRecord,
    LayerRecord,
    MovedFrom,
    OpenConflict,
    OutputRecord,
    PendingWrite,
    RecordError,
    SpecRecord,
    WeightRecord,
)
from layergen.writing import read_text, split_newlines

_ROLE = re.compile(r"^[a-z][a-z0-9_]*$")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MODES = ("report", "side", "inline")
_T = TypeVar("_T")
Json = dict[str, Any]  # an object of record.json (its values as `json` reads them)
# The stored texts of an output's record, and of the record a pending write leads to.
NOW = (".generated", ".pending")
NEXT = (".next", ".next-pending")
STORED = NOW + NEXT


def stored_names(record: SpecRecord) -> set[str]:
    """The files of a record's folder that it names."""
    names = {RECORD_FILE}
    for output in record.outputs.values():
        names |= set(stored_texts(output, NOW))
        if output.write is not None:
            names |= set(stored_texts(output.write.record, NEXT))
    return names


def serialize(record: SpecRecord) -> str:
    """record.json: only what a person reviews (the fingerprint is machine state, kept apart)."""
    data: Json = {
        "class": record.class_name,
        "weights": {
            name: {"shape": list(w.shape), "dtype": w.dtype, "renamed_from": list(w.renamed_from)}
            for name, w in record.weights.items()
        },
        "outputs": {role: _serialize_output(output) for role, output in record.outputs.items()},
    }
    if record.layers:
        data["layers"] = {path: _serialize_layer(layer) for path, layer in record.layers.items()}
    if record.call_arguments:
        data["call_arguments"] = {name: {"default": a.default} for name, a in record.call_arguments.items()}
    # The oldest format that has every field written: a record without newer fields stays
    # readable by a layergen that reads only that format.
    data["format"] = max((ADDED_IN[name] for name in data if name in ADDED_IN), default=OLDEST_WRITTEN)
    return _json(data) + "\n"


def _serialize_layer(layer: LayerRecord) -> Json:
    data: Json = {"class": layer.class_name, "repeat": layer.repeat}
    if layer.config is not None:
        data["config"] = layer.config
    return data


def _json(value: object, depth: int = 0) -> str:
    """JSON with sorted keys, an object's fields one a line, and lists (all of strings) on one line."""
    if not isinstance(value, dict) or not value:
        return json.dumps(value, ensure_ascii=False)
    pad = "  " * (depth + 1)
    fields = [f"{pad}{json.dumps(k, ensure_ascii=False)}: {_json(v, depth + 1)}" for k, v in sorted(value.items())]
    return "{\n" + ",\n".join(fields) + "\n" + "  " * depth + "}"


def stored_texts(output: OutputRecord, suffixes: tuple[str, str]) -> dict[str, str]:
    texts = {output.name + suffixes[0]: output.generated}
    if output.conflict is not None:
        texts[output.name + suffixes[1]] = output.conflict.generated
    return texts


def _serialize_output(output: OutputRecord) -> Json:
    data: Json = {"path": output.path}
    if output.write is not None:
        data["write"] = {"sha256": output.write.sha256, **_serialize_output(output.write.record)}
    if output.conflict is not None:
        conflict = output.conflict
        data["conflict"] = {"mode": conflict.mode, "left": conflict.left, "untouched": list(conflict.untouched)}
    if output.moved_from is not None:
        data["moved_from"] = {"path": output.moved_from.path, "sha256": output.moved_from.sha256}
    return data


def read_record(folder: str, shown: str) -> SpecRecord:
    text = split_newlines(read_text(os.path.join(folder, RECORD_FILE)) or "")[0]
    read = {RECORD_FILE: text}
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordError(Problem(shown, f"is not valid JSON: {exc.msg}", line=exc.lineno, column=exc.colno)) from None
    fields = _Fields(shown, read)
    # The format first: a newer format's fields are unknown here, and the format says why.
    if "format" in fields.typed(raw, dict, "", "an object"):  # (a missing one is reported with the others)
        _check_format(fields, raw["format"])
    fields.keys(
        raw,
        "",
        required={"format", "class", "weights", "outputs"},
        optional={"fingerprint", "layers", *ADDED_IN},
    )
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
    call_arguments = {
        name: _read_call_argument(fields, value, f"call_arguments.{name}")
        for name, value in fields.typed(raw.get("call_arguments", {}), dict, "call_arguments", "an object").items()
    }
    class_name = fields.typed(raw["class"], str, "class", "a string")
    # A record of an older format is rewritten when its spec is next generated.
    return SpecRecord(class_name, weights, outputs, None, layers, raw["format"] < 3, texts_digest(read), call_arguments)


def _check_format(fields: _Fields, value: object) -> None:
    """A format this layergen reads; one newer than it is refused as the work of a newer
    layergen (no advice to fix or restore the record: it is not damaged)."""
    if isinstance(value, int) and not isinstance(value, bool) and value > FORMAT:
        raise RecordError(
            Problem(
                fields.shown,
                f"is {value}: this record was written by a newer layergen, and this one reads formats "
                f"{READS[0]} to {FORMAT}; upgrade layergen to read it",
                field="format",
            )
        )
    if isinstance(value, bool) or value not in READS:
        fields.fail("format", f"is {value!r}; this layergen reads formats {READS[0]} to {FORMAT}")


def _read_call_argument(fields: _Fields, raw: Any, where: str) -> CallArgumentRecord:
    fields.keys(raw, where, required={"default"})
    default = raw["default"]
    if not isinstance(default, (bool, int, float, str)):
        fields.fail(f"{where}.default", "must be a boolean, a number or a string")
    return CallArgumentRecord(default)


def _read_layer(fields: _Fields, raw: Any, where: str) -> LayerRecord:
    fields.keys(raw, where, required={"class", "repeat"}, optional={"config"})
    repeat, config = raw["repeat"], raw.get("config")
    return LayerRecord(
        fields.typed(raw["class"], str, f"{where}.class", "a string"),
        repeat if repeat is None else fields.typed(repeat, str, f"{where}.repeat", "a string"),
        config if config is None else fields.typed(config, str, f"{where}.config", "a string"),
    )


def _read_weight(fields: _Fields, raw: Any, where: str) -> WeightRecord:
    fields.keys(raw, where, required={"shape", "dtype", "renamed_from"})
    shape = fields.strings(raw["shape"], f"{where}.shape")
    dtype = raw["dtype"] if raw["dtype"] is None else fields.typed(raw["dtype"], str, f"{where}.dtype", "a string")
    return WeightRecord(shape, dtype, fields.strings(raw["renamed_from"], f"{where}.renamed_from"))


def _read_output(fields: _Fields, raw: Any, where: str, folder: str, suffixes: tuple[str, str] = NOW) -> OutputRecord:
    nested = suffixes == NEXT
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
        after = _read_output(fields, raw["write"], spot, folder, NEXT)
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

    def typed(self, value: object, kind: type[_T], where: str, described: str) -> _T:
        if not isinstance(value, kind):
            self.fail(where or "(top level)", f"must be {described}")
        return value

    def keys(self, value: object, where: str, *, required: set[str], optional: Collection[str] = ()) -> None:
        value = self.typed(value, dict, where, "an object")
        missing = sorted(required - set(value))
        unknown = sorted(set(value) - required - set(optional))
        prefix = f"{where}." if where else ""
        if missing:
            self.fail(prefix + missing[0], "is missing")
        if unknown:
            self.fail(prefix + unknown[0], "is not a field of a record")

    def strings(self, value: object, where: str) -> tuple[str, ...]:
        items = self.typed(value, list, where, "a list of strings")
        for item in items:
            self.typed(item, str, where, "a list of strings")
        return tuple(items)

    def digest(self, value: object, where: str) -> str:
        if not isinstance(value, str) or not _SHA256.match(value):
            self.fail(where, "must be a sha256 digest (64 hex digits)")
        return value

    def path(self, value: object, where: str) -> str:
        path = self.typed(value, str, where, "a string")
        if not path or path.startswith("/") or "\\" in path or PurePosixPath(path).name in ("", ".", ".."):
            self.fail(where, f"{path!r} is not a file path relative to the project root")
        return path
