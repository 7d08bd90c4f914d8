"""record.json's format number: a record is written in the oldest format that has every field
it holds, so a layergen that reads format 3 keeps reading the records of specs that use no
newer feature (`call_arguments` is format 4); a record of a format newer than this layergen
reads is refused as the work of a newer layergen, in one located line."""

import json
from typing import Any

import pytest
from conftest import cli

from layergen.update.record_types import (
    FORMAT,
    READS,
    CallArgumentRecord,
    LayerRecord,
    MovedFrom,
    OpenConflict,
    OutputRecord,
    PendingWrite,
    SpecRecord,
    WeightRecord,
)
from layergen.update.records import RecordStore

# What a layergen that reads format 3 accepts in record.json (the reader of the commit that
# made format 3, 70c192a: `layergen/records.py`'s `_read_record`), field by field:
# each object's required and optional fields, and where its children are.
FORMAT_3_TOP = ({"format", "class", "weights", "outputs"}, {"fingerprint", "layers"})
FORMAT_3_WEIGHT = ({"shape", "dtype", "renamed_from"}, set())
FORMAT_3_LAYER = ({"class", "repeat"}, {"config"})
FORMAT_3_OUTPUT = ({"path"}, {"conflict", "moved_from", "write"})
FORMAT_3_NEXT_OUTPUT = ({"path", "sha256"}, {"conflict", "moved_from"})
FORMAT_3_CONFLICT = ({"mode", "left", "untouched"}, set())
FORMAT_3_MOVED_FROM = ({"path", "sha256"}, set())


def format_3_refusal(data: dict[str, Any]) -> str | None:
    """What a format-3 reader refuses in record.json (the first field, as it names it), or
    None where it reads it: fields first, then the format, as that reader checks them."""

    def fields(value: dict[str, Any], where: str, known: tuple[set[str], set[str]]) -> str | None:
        required, optional = known
        missing, unknown = sorted(required - set(value)), sorted(set(value) - required - optional)
        prefix = f"{where}." if where else ""
        return prefix + (missing or unknown)[0] if missing or unknown else None

    def output(value: dict[str, Any], where: str, known: tuple[set[str], set[str]]) -> str | None:
        found = fields(value, where, known)
        found = found or ("conflict" in value and fields(value["conflict"], f"{where}.conflict", FORMAT_3_CONFLICT))
        found = found or (
            "moved_from" in value and fields(value["moved_from"], f"{where}.moved_from", FORMAT_3_MOVED_FROM)
        )
        found = found or ("write" in value and output(value["write"], f"{where}.write", FORMAT_3_NEXT_OUTPUT))
        return found or None

    found = fields(data, "", FORMAT_3_TOP)
    for name, weight in data.get("weights", {}).items():
        found = found or fields(weight, f"weights.{name}", FORMAT_3_WEIGHT)
    for path, layer in data.get("layers", {}).items():
        found = found or fields(layer, f"layers.{path}", FORMAT_3_LAYER)
    for role, value in data.get("outputs", {}).items():
        found = found or output(value, f"outputs.{role}", FORMAT_3_OUTPUT)
    if found is None and data["format"] not in (2, 3):
        found = "format"
    return found


DIGEST = "ab" * 32


def every_format_3_field() -> SpecRecord:
    """A record with every field format 3 has: sub-layers, an open conflict, a moved output,
    a pending write."""
    conflict = OpenConflict("pending text\n", "side", DIGEST, (DIGEST,))
    after = OutputRecord("layers/dense.py", "next text\n", conflict)
    return SpecRecord(
        "Dense",
        {"kernel": WeightRecord(("input_dim", "units")), "hidden/bias": WeightRecord(("units",), "float32", ("b",))},
        {
            "layer": OutputRecord("layers/dense.py", "layer text\n", conflict, MovedFrom("old/dense.py", DIGEST)),
            "test": OutputRecord("tests/test_dense.py", "test text\n", write=PendingWrite(DIGEST, after)),
        },
        layers={"hidden": LayerRecord("Dense"), "opaque": LayerRecord("Custom", "n", '{"arguments": {}}')},
    )


def saved_and_read(tmp_path, record: SpecRecord) -> tuple[dict[str, Any], SpecRecord]:
    store = RecordStore(tmp_path)
    store.save("specs/dense.yaml", record)
    data = json.loads((store.folder_of("specs/dense.yaml") / "record.json").read_text())
    return data, store.load()["specs/dense.yaml"]


def same_record(a: SpecRecord, b: SpecRecord) -> bool:
    fields = ("class_name", "weights", "outputs", "layers", "call_arguments", "legacy")
    return all(getattr(a, name) == getattr(b, name) for name in fields)


def test_a_record_without_newer_fields_is_format_3_and_reads_back(tmp_path):
    record = every_format_3_field()
    data, read = saved_and_read(tmp_path, record)
    assert data["format"] == 3
    assert same_record(read, record)


def test_a_record_with_call_arguments_is_format_4_and_reads_back(tmp_path):
    record = every_format_3_field()
    record.call_arguments = {"reverse": CallArgumentRecord(False), "scale": CallArgumentRecord(1.5)}
    data, read = saved_and_read(tmp_path, record)
    assert data["format"] == 4 == FORMAT
    assert data["call_arguments"] == {"reverse": {"default": False}, "scale": {"default": 1.5}}
    assert same_record(read, record) and not read.legacy


@pytest.mark.parametrize("with_call_arguments", [False, True])
def test_a_format_3_reader_reads_every_record_written_as_format_3_and_only_those(tmp_path, with_call_arguments):
    # Whatever the writer writes, the number says whether a format-3 layergen knows every field:
    # a field added since format 3 without raising the number fails here.
    record = every_format_3_field()
    if with_call_arguments:
        record.call_arguments = {"reverse": CallArgumentRecord(True)}
    data, _ = saved_and_read(tmp_path, record)
    refused = format_3_refusal(data)
    assert (data["format"] == 3) == (refused is None), (data["format"], refused)
    if with_call_arguments:
        assert refused == "call_arguments"


def test_the_format_3_field_list_is_what_this_layergen_still_reads(tmp_path):
    # The test's format-3 reader is not too strict: a record it accepts, this layergen reads.
    data, read = saved_and_read(tmp_path, every_format_3_field())
    assert format_3_refusal(data) is None and read.class_name == "Dense"
    assert READS == (2, 3, 4)


SPEC = """\
layer: TemperedSoftmax
summary: A softmax at a temperature.
inputs:
  inputs: {shape: [batch, features]}
call_arguments:
  temperature: {type: float, default: 1.0}
call: |
  return ops.softmax(inputs / temperature, axis=-1)
output_shape: [batch, features]
"""
WITHOUT = SPEC.replace("call_arguments:\n  temperature: {type: float, default: 1.0}\n", "").replace(
    " / temperature", ""
)
RECORD = ".layergen/records/specs/tempered_softmax.yaml/record.json"


def record_format(project) -> int:
    return json.loads((project / RECORD).read_text())["format"]


def test_a_spec_s_record_takes_format_4_only_while_it_has_call_arguments(project):
    (project / "specs" / "tempered_softmax.yaml").write_text(WITHOUT)
    assert cli("new").exit_code == 0
    assert record_format(project) == 3
    (project / "specs" / "tempered_softmax.yaml").write_text(SPEC)
    assert cli("new").exit_code == 0
    assert record_format(project) == 4
    (project / "specs" / "tempered_softmax.yaml").write_text(WITHOUT)
    assert cli("new", "--accept-breaking").exit_code == 0
    assert record_format(project) == 3
    assert cli("check").exit_code == 0


def test_a_format_3_record_with_call_arguments_still_reads_and_is_rewritten_as_format_4(project):
    # Such records were written before call arguments raised the format.
    (project / "specs" / "tempered_softmax.yaml").write_text(SPEC)
    assert cli("new").exit_code == 0
    path = project / RECORD
    path.write_text(path.read_text().replace('"format": 4', '"format": 3'))
    assert cli("check").exit_code == 0
    (project / "specs" / "tempered_softmax.yaml").write_text(SPEC.replace("temperature.", "temperature, a float."))
    assert cli("new").exit_code == 0
    assert record_format(project) == 4


@pytest.mark.parametrize("command", ["new", "check", "status"])
def test_a_record_of_a_newer_format_says_to_upgrade_layergen_in_one_located_line(project, command):
    (project / "specs" / "tempered_softmax.yaml").write_text(SPEC)
    assert cli("new").exit_code == 0
    path = project / RECORD
    newer = json.loads(path.read_text()) | {"format": FORMAT + 1, "field_of_the_future": {"x": 1}}
    path.write_text(json.dumps(newer, indent=2))
    result = cli(command)
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line == (
        f"{RECORD}: format: is {FORMAT + 1}: this record was written by a newer layergen, and this one reads "
        f"formats 2 to {FORMAT}; upgrade layergen to read it"
    )
    assert json.loads(path.read_text()) == newer, "left as it is"


@pytest.mark.parametrize("value", [0, 1, "4", True, None])
def test_a_format_that_is_not_a_number_this_layergen_reads_is_a_broken_record(project, value):
    (project / "specs" / "tempered_softmax.yaml").write_text(SPEC)
    assert cli("new").exit_code == 0
    path = project / RECORD
    path.write_text(json.dumps(json.loads(path.read_text()) | {"format": value}))
    result = cli("check")
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"{RECORD}: format: is {value!r}; this layergen reads formats 2 to 4"), line
    assert "fix it or restore it from version control" in line
