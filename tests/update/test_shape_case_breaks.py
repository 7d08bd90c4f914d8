"""A weight's `shape` turned into `shapes` cases (or its cases changed) breaks old checkpoints
only when the arguments they were saved with now choose another shape: a new argument is at
its default in every old checkpoint, an argument the old layer took may have had any value.
The record keeps the cases as before (format 3)."""

import json

import pytest
from conftest import cli

from layergen.update import shape_cases
from layergen.update.compat import compare_weights
from layergen.update.record_types import WeightRecord
from layergen.update.shape_cases import REQUIRED, CaseArguments

CELL = """\
layer: TinyGRUCell
summary: A GRU-like cell, for records.
arguments:
  units: {type: int, min: 1}
  use_bias: {type: bool, default: true}
{extra}inputs:
  inputs: {shape: [batch, input_dim]}
cell:
  state_size: units
weights:
  kernel: {shape: [input_dim, 3 * units]}
  recurrent_kernel: {shape: [units, 3 * units]}
  bias:
{bias}    initializer: zeros
    when: use_bias
call: |
  h = ops.tanh(ops.matmul(inputs, self.kernel[:, : self.units]) + ops.matmul(states[0], self.recurrent_kernel[:, : self.units]))
  return h, [h]
"""
ROWS = "    shape: [2, 3 * units]\n"
ONE_ROW = "    shape: [3 * units]\n"


def cases(default_case: str, other: str) -> str:
    return f"    shapes:\n      - when: reset_after\n        shape: {default_case}\n      - shape: {other}\n"


def reset_after(default: str) -> str:
    return f"  reset_after: {{type: bool, default: {default}}}\n"


RECORD = ".layergen/records/specs/tiny_gru_cell.yaml/record.json"


def generate(project, bias, extra="", *args):
    (project / "specs" / "tiny_gru_cell.yaml").write_text(CELL.replace("{extra}", extra).replace("{bias}", bias))
    result = cli("new", *args)
    assert result.exit_code == 0, result.output
    return result


def test_cases_whose_default_is_the_old_shape_under_a_new_argument_are_no_break(project):
    # GRUCell gaining `reset_after`: every old checkpoint has reset_after=True, which keeps [2, 3 * units].
    generate(project, ROWS)
    (project / "specs" / "tiny_gru_cell.yaml").write_text(
        CELL.replace("{extra}", reset_after("true")).replace("{bias}", cases("[2, 3 * units]", "[3 * units]"))
    )
    result = cli("check")
    assert result.exit_code == 1, "stale, not breaking"
    assert "breaking" not in result.output
    result = cli("new")
    assert result.exit_code == 0
    assert "breaking" not in result.output
    assert (
        "weights.bias: note: weight 'bias' changed shape from [2, 3 * units] to [2, 3 * units] if reset_after, "
        "else [3 * units]; checkpoints saved before this change still load"
    ) in result.stdout
    assert cli("check").exit_code == 0
    # The record lists every case, in the format it had.
    record = json.loads((project / RECORD).read_text())
    assert record["format"] == 3
    assert record["weights"]["bias"]["shape"] == ["[2, 3 * units] if reset_after", "[3 * units]"]


def test_cases_whose_default_is_another_shape_are_a_break(project):
    generate(project, ONE_ROW)
    (project / "specs" / "tiny_gru_cell.yaml").write_text(
        CELL.replace("{extra}", reset_after("true")).replace("{bias}", cases("[2, 3 * units]", "[3 * units]"))
    )
    result = cli("check")
    assert result.exit_code == 1
    assert (
        "specs/tiny_gru_cell.yaml: weights.bias: breaking: weight 'bias' changed shape from [3 * units] to "
        "[2, 3 * units] with the default arguments; checkpoints saved before this change with those arguments no "
        "longer load"
    ) in result.stdout
    # Held until accepted: regenerating (which moves the stored layer on) keeps reporting it.
    assert (
        "breaking: weight 'bias'"
        in generate(project, cases("[2, 3 * units]", "[3 * units]"), reset_after("true")).stderr
    )
    result = cli("check")
    assert result.exit_code == 1 and "weights.bias: breaking" in result.stdout
    generate(project, cases("[2, 3 * units]", "[3 * units]"), reset_after("true"), "--accept-breaking")
    assert cli("check").exit_code == 0


def test_an_argument_the_old_layer_took_may_have_chosen_the_other_case(project):
    # `reset_after` existed before: checkpoints saved with reset_after=False have [2, 3 * units] too.
    generate(project, ROWS, reset_after("true"))
    generate_edit = CELL.replace("{extra}", reset_after("true")).replace(
        "{bias}", cases("[2, 3 * units]", "[3 * units]")
    )
    (project / "specs" / "tiny_gru_cell.yaml").write_text(generate_edit)
    result = cli("check")
    assert result.exit_code == 1
    assert (
        "weights.bias: breaking: weight 'bias' changed shape from [2, 3 * units] to [3 * units] with "
        "reset_after=False; checkpoints saved before this change with those arguments no longer load"
    ) in result.stdout


def test_a_changed_case_is_a_break_once_its_argument_exists(project):
    generate(project, ROWS)
    generate(project, cases("[2, 3 * units]", "[3 * units]"), reset_after("true"))
    (project / "specs" / "tiny_gru_cell.yaml").write_text(
        CELL.replace("{extra}", reset_after("true")).replace("{bias}", cases("[2, 3 * units]", "[4 * units]"))
    )
    # reset_after=False is now in checkpoints saved since: its case changed, a break.
    result = cli("check")
    assert result.exit_code == 1
    assert "from [3 * units] to [4 * units] with reset_after=False" in result.stdout


def test_a_condition_on_the_input_still_makes_any_change_a_break(project):
    generate(project, ROWS)
    edit = "    shapes:\n      - when: inputs.rank == 2\n        shape: [2, 3 * units]\n      - shape: [3 * units]\n"
    (project / "specs" / "tiny_gru_cell.yaml").write_text(CELL.replace("{extra}", "").replace("{bias}", edit))
    result = cli("check")
    assert result.exit_code == 1
    assert (
        "weight 'bias' changed shape from [2, 3 * units] to [2, 3 * units] if inputs.rank == 2, else [3 * units]; "
        "checkpoints saved before this change no longer load (which case they hold, layergen cannot tell: a "
        "condition reads the input)"
    ) in result.stdout


OLD_LAYER = """\
class Cell(keras.layers.Layer):
    def __init__(self, units, reset_after=True, *, flag=False, mode="a", **kwargs):
        super().__init__(**kwargs)
"""


def test_the_old_arguments_are_read_from_the_layer_generated_last_time():
    assert shape_cases.layer_arguments(OLD_LAYER, "Cell") == {
        "units": REQUIRED,
        "reset_after": True,
        "flag": False,
        "mode": "a",
    }
    assert shape_cases.layer_arguments(OLD_LAYER, "Other") is None
    assert shape_cases.layer_arguments("def (", "Cell") is None


@pytest.mark.parametrize(
    ("old_text", "breaking"),
    [
        (OLD_LAYER, True),  # reset_after was an argument: reset_after=False checkpoints have [2, 3 * units]
        (OLD_LAYER.replace("reset_after=True, ", ""), False),  # new: every old checkpoint has its default
        (None, True),  # not known: any argument may have had any value
    ],
)
def test_compare_weights_with_the_arguments(old_text, breaking):
    old = {"bias": WeightRecord(("2", "3 * units"))}
    new = {"bias": WeightRecord(("[2, 3 * units] if reset_after", "[3 * units]"))}
    arguments = CaseArguments({"units": REQUIRED, "reset_after": True}, old_text, "Cell")
    [change] = compare_weights(old, new, arguments)
    assert change.breaking is breaking
    # Without arguments (nothing to tell the case by), a changed case list is a break.
    assert [c.breaking for c in compare_weights(old, new)] == [True]


def test_a_changed_default_alone_is_not_compared():
    # Configs keep every argument, so a saved model loads; code that relied on the default
    # changes shape, as it changes what it computes (layergen does not compare defaults).
    cases_ = WeightRecord(("[2, 3 * units] if reset_after", "[3 * units]"))
    arguments = CaseArguments({"units": REQUIRED, "reset_after": False}, OLD_LAYER, "Cell")
    assert compare_weights({"bias": cases_}, {"bias": cases_}, arguments) == []


def test_a_single_case_is_its_shape():
    plain, one_case = WeightRecord(("3 * units",)), WeightRecord(("[3 * units]",))
    assert compare_weights({"bias": plain}, {"bias": one_case}) == []
    assert compare_weights({"bias": one_case}, {"bias": plain}, CaseArguments({}, None, "Cell")) == []
    [change] = compare_weights({"bias": plain}, {"bias": WeightRecord(("[4 * units]",))})
    assert change.breaking and "from [3 * units] to [4 * units];" in change.message
