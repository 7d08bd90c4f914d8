"""Spec edits to `call_arguments` that break callers and saved models: a call argument
removed (or renamed), or its default changed, is reported as a break the way a removed
weight is; the record keeps the call arguments, and a record without them still reads."""

import json

import pytest
from conftest import cli

SPEC = """\
layer: TemperedSoftmax
summary: A softmax at a temperature, optionally over the reversed axis.
inputs:
  inputs: {shape: [batch, features]}
call_arguments:
  temperature: {type: float, default: 1.0}
  reverse: {type: bool, default: false}
call: |
  if reverse:
      inputs = ops.flip(inputs, axis=-1)
  return ops.softmax(inputs / temperature, axis=-1)
output_shape: [batch, features]
"""
RECORD = ".layergen/records/specs/tempered_softmax.yaml/record.json"
WITHOUT_REVERSE = SPEC.replace("  reverse: {type: bool, default: false}\n", "").replace(
    "  if reverse:\n      inputs = ops.flip(inputs, axis=-1)\n", ""
)


def generate(project, text=SPEC):
    (project / "specs" / "tempered_softmax.yaml").write_text(text)
    result = cli("new")
    assert result.exit_code == 0, result.output
    return result


def test_the_record_keeps_each_call_argument_s_default(project):
    generate(project)
    record = json.loads((project / RECORD).read_text())
    assert record["call_arguments"] == {"reverse": {"default": False}, "temperature": {"default": 1.0}}


def test_a_removed_call_argument_is_a_break_until_accepted(project):
    generate(project)
    (project / "specs" / "tempered_softmax.yaml").write_text(WITHOUT_REVERSE)
    result = cli("check")
    assert result.exit_code == 1
    assert (
        "specs/tempered_softmax.yaml: call_arguments.reverse: breaking: call argument 'reverse' was removed; "
        "code that passes it, and models saved calling the layer with it, no longer run"
    ) in result.stdout

    # Regenerating does not make the break go away: check fails until it is accepted.
    result = cli("new")
    assert result.exit_code == 0
    assert "call_arguments.reverse: breaking: call argument 'reverse' was removed" in result.stderr
    assert "`layergen check` fails until you accept this with `layergen new --accept-breaking`" in result.stderr
    assert cli("check").exit_code == 1
    assert cli("check", "--accept-breaking").exit_code == 0
    assert "reverse" in json.loads((project / RECORD).read_text())["call_arguments"], "kept until accepted"

    result = cli("new", "--accept-breaking")
    assert result.exit_code == 0
    assert "call_arguments.reverse: breaking, accepted: call argument 'reverse' was removed" in result.stdout
    assert cli("check").exit_code == 0
    assert json.loads((project / RECORD).read_text())["call_arguments"] == {"temperature": {"default": 1.0}}


BREAKS = {
    "renamed": (
        ("reverse", "flip_axis"),
        "call_arguments.reverse: breaking: call argument 'reverse' was removed; code that passes it, and models "
        "saved calling the layer with it, no longer run; if 'flip_axis' is 'reverse' renamed, keep the old name",
    ),
    "default": (
        ("default: 1.0", "default: 2.0"),
        "call_arguments.temperature: breaking: call argument 'temperature' changed its default from 1.0 to 2.0; "
        "models saved calling the layer without it compute something else",
    ),
}


@pytest.mark.parametrize("edit", sorted(BREAKS))
def test_a_renamed_call_argument_or_a_changed_default_is_a_break(project, edit):
    (old, new), message = BREAKS[edit]
    generate(project)
    (project / "specs" / "tempered_softmax.yaml").write_text(SPEC.replace(old, new))
    result = cli("check")
    assert result.exit_code == 1
    assert message in result.stdout


def test_an_added_call_argument_or_an_equal_default_is_no_break(project):
    generate(project, WITHOUT_REVERSE)
    # 1 and 1.0 are the same default; a new call argument has a default old callers get.
    result = generate(project, SPEC.replace("default: 1.0", "default: 1"))
    assert "breaking" not in result.output
    assert cli("check").exit_code == 0


def test_a_bool_default_is_not_the_number_it_equals(project):
    spec = SPEC.replace("  temperature: {type: float, default: 1.0}\n", "  steps: {type: int, default: 0}\n")
    spec = spec.replace("inputs / temperature", "inputs")
    generate(project, spec.replace("{type: bool, default: false}", "{type: int, default: 0}"))
    (project / "specs" / "tempered_softmax.yaml").write_text(spec)
    result = cli("check")
    assert "call_arguments.reverse: breaking: call argument 'reverse' changed its default from 0 to False" in (
        result.stdout
    )


def test_a_record_without_call_arguments_still_reads_and_compares_as_none(project):
    generate(project)
    path = project / RECORD
    record = json.loads(path.read_text())
    del record["call_arguments"]  # as layergen wrote records before it kept them
    path.write_text(json.dumps(record, indent=2, sort_keys=True) + "\n")
    (project / "specs" / "tempered_softmax.yaml").write_text(WITHOUT_REVERSE)
    result = cli("new")
    assert result.exit_code == 0, result.output
    assert "breaking" not in result.output
    assert json.loads(path.read_text())["call_arguments"] == {"temperature": {"default": 1.0}}


def test_a_broken_call_argument_record_is_a_located_error(project):
    generate(project)
    path = project / RECORD
    path.write_text(path.read_text().replace('"default": false', '"default": null'))
    result = cli("check")
    assert result.exit_code == 2
    assert (
        f"{RECORD}: call_arguments.reverse.default: must be a boolean, a number or a string" in result.stderr
    ), result.stderr
