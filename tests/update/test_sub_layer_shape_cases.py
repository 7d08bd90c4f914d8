"""A project class used as a sub-layer: its weights' `shapes` cases reach the holding layer's
weight tree with the holder's arguments written in, and are compared there as the class's own
are, by the shape the arguments of an old checkpoint choose, not as text. So an edit of the
class that keeps every saved shape is no break through the holder either, and a real one is
still reported, named by what shows it."""

import json

import pytest
from conftest import cli

GATE = """\
layer: Gate
summary: A dense map with a two-row bias.
arguments:
  units: {type: int, min: 1}
{extra}inputs:
  inputs: {shape: [batch, features]}
weights:
  kernel: {shape: [features, units]}
  bias:
{bias}    initializer: zeros
call: |
  return ops.matmul(inputs, self.kernel) + ops.reshape(self.bias, (-1, self.units))[0]
output_shape: [batch, units]
"""
HOLDER = """\
layer: Holder
summary: Holds a gate.
arguments:
  width: {type: int, default: 16}
{extra}inputs:
  inputs: {shape: [batch, 8]}
layers:
  gate:
    class: Gate
    arguments: {units: $width{passed}}
{repeat}call: |
  return self.gate{first}(inputs)
output_shape: [batch, width]
"""
TWO_ROWS = "    shape: [2, units]\n"
SPLIT = "  split: {type: bool, default: %s}\n"


def cases(first: str, other: str, when: str = "split") -> str:
    return f"    shapes:\n      - when: {when}\n        shape: {first}\n      - shape: {other}\n"


def write_gate(project, bias=TWO_ROWS, extra=""):
    (project / "specs" / "gate.yaml").write_text(GATE.replace("{extra}", extra).replace("{bias}", bias))


def write_holder(project, extra="", passed="", repeat=False):
    text = HOLDER.replace("{extra}", extra).replace("{passed}", passed)
    text = text.replace("{repeat}", "    repeat: 2\n" if repeat else "").replace("{first}", "[0]" if repeat else "")
    (project / "specs" / "holder.yaml").write_text(text)


def holder_weights(project):
    path = project / ".layergen" / "records" / "specs" / "holder.yaml" / "record.json"
    return {name: w["shape"] for name, w in json.loads(path.read_text())["weights"].items()}


@pytest.fixture
def gated(project):
    write_gate(project)
    write_holder(project)
    result = cli("new")
    assert result.exit_code == 0, result.output
    assert holder_weights(project)["gate/bias"] == ["2", "width"]
    return project


def new_without_a_break(project):
    check = cli("check")
    assert "breaking" not in check.output, check.output
    result = cli("new")
    assert result.exit_code == 0, result.output
    assert "breaking" not in result.output, result.output
    assert cli("check").exit_code == 0
    return result


def test_cases_under_a_new_argument_whose_default_keeps_the_shape_are_no_break_through_the_holder(gated):
    write_gate(gated, cases("[2, units]", "[units]"), SPLIT % "true")
    result = new_without_a_break(gated)
    assert (
        "specs/holder.yaml: gate/bias: note: shape [2, width] -> [2, width] if split, else [width]; checkpoints "
        "saved before this change still load: the arguments they can have been saved with choose the shape they "
        "hold (through specs/gate.yaml)"
    ) in result.stdout
    assert holder_weights(gated)["gate/bias"] == ["[2, width] if split", "[width]"]


@pytest.mark.parametrize("when", ["units > 4", "features > 4"])
def test_a_shape_rewritten_as_cases_of_the_same_shape_is_no_break_through_the_holder(gated, when):
    # Whatever the condition reads, even the input, both cases are the shape checkpoints hold.
    write_gate(gated, cases("[2, units]", "[2, units]", when=when))
    new_without_a_break(gated)


def test_a_repeated_project_class_is_compared_the_same_way(project):
    write_gate(project)
    write_holder(project, repeat=True)
    assert cli("new").exit_code == 0
    assert set(holder_weights(project)) >= {"gate/gate/bias", "gate/gate_1/bias"}
    write_gate(project, cases("[2, units]", "[units]"), SPLIT % "true")
    new_without_a_break(project)


def test_cases_whose_default_changes_the_shape_break_through_the_holder(gated):
    write_gate(gated, cases("[2, units]", "[units]"), SPLIT % "false")
    result = cli("check")
    assert result.exit_code == 1
    assert (
        "specs/holder.yaml: gate/bias: breaking: shape [2, width] -> [width] with the default arguments; "
        "checkpoints saved before this change with those arguments no longer load (through specs/gate.yaml)"
    ) in result.stdout


@pytest.mark.parametrize(
    ("extra", "passed", "breaks"),
    [
        ("", ", split: false", True),  # a literal: every new holder makes the other shape
        ("", ", split: true", False),
        ("  gated: {type: bool, default: false}\n", ", split: $gated", True),  # new: at its default
        ("  gated: {type: bool, default: true}\n", ", split: $gated", False),
    ],
)
def test_what_the_holder_passes_chooses_the_case(gated, extra, passed, breaks):
    write_gate(gated, cases("[2, units]", "[units]"), SPLIT % "true")
    new_without_a_break(gated)
    write_holder(gated, extra, passed)
    result = cli("check")
    expected = "gate/bias: breaking: shape [2, width] -> [width] with the default arguments"
    assert (expected in result.stdout) is breaks, result.output


def test_a_holder_argument_old_checkpoints_may_have_either_way_is_tried_both_ways(gated):
    extra = "  gated: {type: bool, default: true}\n"
    write_gate(gated, cases("[2, units]", "[units]"), SPLIT % "true")
    write_holder(gated, extra, ", split: $gated")
    assert cli("new", "--accept-breaking").exit_code == 0
    assert holder_weights(gated)["gate/bias"] == ["[2, width] if gated", "[width]"]
    write_gate(gated, cases("[2, units]", "[3, units]"), SPLIT % "true")
    result = cli("check")
    assert (
        "specs/holder.yaml: gate/bias: breaking: shape [width] -> [3, width] with gated=False; checkpoints saved "
        "before this change with those arguments no longer load (through specs/gate.yaml)"
    ) in result.stdout


def test_the_default_an_old_checkpoint_was_saved_with_is_the_class_s_default_then(gated):
    # Cases swapped together with the default: every holder, old or new, makes a [2, width] bias.
    write_gate(gated, cases("[2, units]", "[units]"), SPLIT % "true")
    new_without_a_break(gated)
    write_gate(gated, cases("[units]", "[2, units]"), SPLIT % "false")
    result = cli("check")
    assert "specs/gate.yaml: weights.bias: breaking:" in result.stdout, "a Gate saved with split=True changes"
    assert "specs/holder.yaml" not in result.stdout, result.stdout


def test_cases_that_read_the_input_break_through_the_holder_as_they_break_the_class(gated):
    write_gate(gated, cases("[2, units]", "[units]", when="features > 4"))
    result = cli("check")
    assert "specs/holder.yaml: gate/bias: breaking: shape [2, width] -> [2, width] if features > 4, else [width]" in (
        result.stdout
    )
    assert "layergen cannot tell" in result.stdout
