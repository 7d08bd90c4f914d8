"""Regenerating after spec edits, on real generated projects in temporary folders."""

import importlib.util
import os
import sys
from pathlib import Path

import keras
import pytest
from conftest import REPO, cli
from regen_support import (
    LAYER,
    LINEAR,
    RECORD,
    TEST,
    add_weight_to_spec,
    edit,
    generate_linear,
)

from layergen import writing
from layergen.errors import LayergenError
from layergen.update import apply


@pytest.fixture
def linear(project):
    return generate_linear(project)


def test_edits_elsewhere_and_the_spec_change_are_both_kept(linear):
    layer = linear / LAYER
    edit(layer, "import keras\n", "import math  # a hand-added import\n\nimport keras\n")
    edit(
        layer,
        "        return ops.matmul(inputs, self.kernel) + self.bias\n",
        "        outputs = ops.matmul(inputs, self.kernel)\n        return outputs + self.bias  # hand-edited call\n",
    )
    edit(
        layer,
        "    def get_config(self):",
        "    def describe(self):\n        return f'{self.units} units'\n\n    def get_config(self):",
    )
    add_weight_to_spec(linear)

    result = cli("new")

    assert result.exit_code == 0, result.output
    assert f"merged (your edits kept) {LAYER}" in result.stdout
    code = layer.read_text()
    assert "import math  # a hand-added import" in code
    assert "return outputs + self.bias  # hand-edited call" in code
    assert "def describe(self):" in code
    assert 'name="gain"' in code and "self.gain_initializer = keras.initializers.get(gain_initializer)" in code
    compile(code, LAYER, "exec")


def test_overlapping_edits_conflict_and_leave_the_file_as_it_was(linear):
    layer = linear / LAYER
    edit(
        layer,
        "        return ops.matmul(inputs, self.kernel) + self.bias\n",
        "        return ops.matmul(inputs, self.kernel) - self.bias\n",
    )
    edit(
        linear / "specs" / "linear.yaml",
        "  return ops.matmul(inputs, self.kernel) + self.bias",
        "  return ops.relu(ops.matmul(inputs, self.kernel) + self.bias)",
    )
    before = layer.read_bytes()
    base_before = (linear / RECORD / "linear_layer.py.generated").read_bytes()

    result = cli("new")

    assert result.exit_code == 1
    assert layer.read_bytes() == before
    assert (linear / RECORD / "linear_layer.py.generated").read_bytes() == base_before, "the base stays"
    assert '"mode": "report"' in (linear / RECORD / "record.json").read_text(), "the open conflict is noted"
    assert "on disk (your edits):\n    |         return ops.matmul(inputs, self.kernel) - self.bias" in result.stderr
    assert "generated now:\n    |         return ops.relu(ops.matmul(inputs, self.kernel) + self.bias)" in result.stderr
    assert (
        f"{LAYER}:" in result.stderr
        and "1 conflict between your edits and specs/linear.yaml; left as it was" in result.stderr
    )
    assert not (linear / (LAYER + ".conflict")).exists()


def test_conflicts_can_go_to_a_side_file_or_inline(linear):
    layer = linear / LAYER
    edit(layer, "+ self.bias\n", "- self.bias\n")
    edit(linear / "specs" / "linear.yaml", "+ self.bias", "* self.bias")
    before = layer.read_bytes()

    side = cli("new", "--conflicts", "side")
    assert side.exit_code == 1
    assert layer.read_bytes() == before
    merged = (linear / (LAYER + ".conflict")).read_text()
    assert "<<<<<<< on disk (your edits)" in merged and "- self.bias" in merged and "* self.bias" in merged

    inline = cli("new", "--conflicts", "inline")
    assert inline.exit_code == 1
    assert layer.read_text() == merged
    # The conflict is now the person's to resolve; the next run takes their resolution as is.
    layer.write_text(before.decode().replace("- self.bias", "* self.bias"))
    assert cli("new").exit_code == 0
    assert cli("check").exit_code == 0


def test_edits_to_the_test_module_are_kept(linear):
    test = linear / TEST
    test.write_text(test.read_text() + "\n\ndef test_my_own_case():\n    assert make_layer().units == 4\n")
    add_weight_to_spec(linear)
    result = cli("new")
    assert result.exit_code == 0, result.output
    assert "def test_my_own_case():" in test.read_text()
    assert "merged (your edits kept) tests/test_linear_layer.py" in result.stdout


def test_regenerating_twice_changes_nothing_the_second_time(linear):
    add_weight_to_spec(linear)
    assert cli("new").exit_code == 0
    paths = [linear / LAYER, linear / TEST, *sorted((linear / RECORD).iterdir())]
    for path in paths:
        os.utime(path, (1_000_000_000, 1_000_000_000))
    result = cli("new")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [f"unchanged {LAYER}", f"unchanged {TEST}"]
    assert [p.stat().st_mtime for p in paths] == [1_000_000_000] * len(paths)


def test_a_removed_argument_is_regenerated_away(project):
    (project / "specs" / "fixed.yaml").write_text((REPO / "specs/examples/fixed_bias_linear.yaml").read_text())
    assert cli("new").exit_code == 0
    layer = project / "layers" / "fixed_bias_linear.py"
    edit(layer, "    def get_config(self):", "    def helper(self):\n        return 1\n\n    def get_config(self):")
    spec = project / "specs" / "fixed.yaml"
    edit(
        spec,
        "  bias_value:\n    type: float\n    default: 0.5\n    doc: The value every entry of the frozen bias starts and stays at.\n",
        "",
    )
    edit(spec, "$bias_value", "0.5")
    result = cli("new")
    assert result.exit_code == 0, result.output
    code = layer.read_text()
    assert "bias_value=" not in code and "self.bias_value" not in code
    assert "def helper(self):" in code


def test_an_interrupted_write_leaves_old_or_new_files(linear, monkeypatch):
    add_weight_to_spec(linear)
    old = {p: (linear / p).read_bytes() for p in (LAYER, TEST, RECORD + "/linear_layer.py.generated")}
    real_replace = os.replace

    def crash_on_the_test_module(source, target):
        if Path(target).name == "test_linear_layer.py":
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(writing.os, "replace", crash_on_the_test_module)
    result = cli("new", "--accept-breaking")
    monkeypatch.setattr(writing.os, "replace", real_replace)
    assert result.exit_code == 1
    assert result.stderr.strip() == f"{TEST}: cannot write: No space left on device"

    assert (linear / LAYER).read_bytes() != old[LAYER]  # the layer was replaced whole
    compile((linear / LAYER).read_text(), LAYER, "exec")
    assert (linear / TEST).read_bytes() == old[TEST]  # the test was never touched
    # The record still has the old base, and the new one pending until the file holds it.
    assert (linear / RECORD / "linear_layer.py.generated").read_bytes() == old[RECORD + "/linear_layer.py.generated"]
    assert (linear / RECORD / "linear_layer.py.next").read_bytes() == (linear / LAYER).read_bytes()
    assert not [p for p in linear.rglob("*.tmp")], "temporary files were left behind"
    # The next run finishes the job, and sees no hand edits in the half-updated project.
    result = cli("new")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"unchanged {LAYER}", f"updated {TEST}"]
    assert cli("check").exit_code == 0
    assert sorted(p.name for p in (linear / RECORD).iterdir()) == [
        "linear_layer.py.generated",
        "record.json",
        "test_linear_layer.py.generated",
    ]


def test_a_deleted_spec_leaves_its_outputs_until_pruned(linear):
    (linear / "specs" / "linear.yaml").unlink()
    result = cli("new")
    assert result.exit_code == 0
    assert f"orphaned {LAYER}: its spec specs/linear.yaml was deleted; remove it with --prune" in result.stdout
    assert (linear / LAYER).exists()
    assert cli("check").exit_code == 1

    edit(linear / TEST, "    non_trainable = []\n", "    non_trainable = []  # mine\n")
    result = cli("new", "--prune")
    assert result.exit_code == 0
    assert f"removed {LAYER} (its spec specs/linear.yaml was deleted)" in result.stdout
    assert not (linear / LAYER).exists()
    assert (linear / TEST).exists(), "a file with hand edits is never deleted"
    assert "has hand edits; delete it yourself" in result.stdout


def test_a_renamed_spec_keeps_its_outputs_and_edits(linear):
    edit(linear / LAYER, "import keras\n", "import keras  # mine\n")
    (linear / "specs" / "linear.yaml").rename(linear / "specs" / "renamed.yaml")
    edit(linear / "specs" / "renamed.yaml", "call: |", "  gain:\n    shape: [units]\n\ncall: |")
    result = cli("new")
    assert result.exit_code == 0, result.output
    assert "import keras  # mine" in (linear / LAYER).read_text()
    assert "orphaned" not in result.stdout
    assert cli("check", "--accept-breaking").exit_code == 0


# -- a renamed layer class: its files move, with their hand edits -----------------------

NEW_LAYER = "layers/dense_layer.py"
NEW_TEST = "tests/test_dense_layer.py"


def rename_class(project):
    edit(project / "specs" / "linear.yaml", "layer: LinearLayer", "layer: DenseLayer")


def test_a_renamed_class_moves_its_files_with_their_hand_edits(linear):
    edit(
        linear / LAYER,
        "    def get_config(self):",
        "    def helper(self):\n        return 1\n\n    def get_config(self):",
    )
    (linear / TEST).write_text((linear / TEST).read_text() + "\n\ndef test_my_own_case():\n    assert True\n")
    rename_class(linear)

    result = cli("check")
    assert result.exit_code == 1
    assert (
        f"{LAYER}: specs/linear.yaml now generates {NEW_LAYER}; `layergen new` moves it there, with your edits"
        in result.stdout
    )

    result = cli("new")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"moved {LAYER} to {NEW_LAYER}: merged (your edits kept)",
        f"moved {TEST} to {NEW_TEST}: merged (your edits kept)",
    ]
    assert not (linear / LAYER).exists() and not (linear / TEST).exists()
    layer = (linear / NEW_LAYER).read_text()
    assert "class DenseLayer(keras.layers.Layer):" in layer and "def helper(self):" in layer
    test = (linear / NEW_TEST).read_text()
    assert "from layers.dense_layer import DenseLayer" in test and "def test_my_own_case():" in test
    assert cli("check").exit_code == 0
    assert sorted(p.name for p in (linear / RECORD).iterdir()) == [
        "dense_layer.py.generated",
        "record.json",
        "test_dense_layer.py.generated",
    ]


def test_a_renamed_class_without_edits_moves_its_files(linear):
    rename_class(linear)
    result = cli("new")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"moved {LAYER} to {NEW_LAYER}: updated",
        f"moved {TEST} to {NEW_TEST}: updated",
    ]
    assert sorted(p.relative_to(linear).as_posix() for p in linear.rglob("*.py")) == [NEW_LAYER, NEW_TEST]
    assert cli("check").exit_code == 0


def test_a_rename_onto_a_file_of_yours_moves_nothing(linear):
    (linear / NEW_LAYER).write_text("# my own module\n")
    rename_class(linear)
    result = cli("new")
    assert result.exit_code == 1
    assert f"{NEW_LAYER}: exists, but layergen has no record of writing it" in result.stderr
    assert (linear / NEW_LAYER).read_text() == "# my own module\n"
    assert (linear / LAYER).exists() and (linear / TEST).exists() and not (linear / NEW_TEST).exists()
    assert cli("check").exit_code == 1


@pytest.mark.parametrize("edited_after", [False, True])
def test_an_old_copy_left_by_an_interrupted_move_is_removed_unless_edited(linear, monkeypatch, edited_after):
    rename_class(linear)

    def cannot_remove(path):
        raise LayergenError.plain(path.name, "cannot remove: Permission denied")

    real_remove = apply.remove
    monkeypatch.setattr(apply, "remove", cannot_remove)
    assert cli("new").exit_code == 1
    monkeypatch.setattr(apply, "remove", real_remove)
    assert (linear / LAYER).exists() and (linear / NEW_LAYER).exists()
    if edited_after:
        edit(linear / LAYER, "import keras\n", "import keras  # mine\n")
        result = cli("new")
        assert result.exit_code == 0
        assert (
            f"left over {LAYER}: a renamed layer's old file, edited after the move; delete it yourself" in result.stdout
        )
        assert (linear / LAYER).exists()
        assert cli("check").exit_code == 1
        (linear / LAYER).unlink()
        assert cli("new").exit_code == 0
    else:
        result = cli("check")
        assert result.exit_code == 1
        assert f"{LAYER}: left over: an old copy of a renamed layer's file; `layergen new` removes it" in result.stdout
        result = cli("new")
        assert result.exit_code == 0
        assert f"removed {LAYER} (an old copy of a renamed layer's file)" in result.stdout
        assert not (linear / LAYER).exists()
    assert cli("check").exit_code == 0
    assert "moved_from" not in (linear / RECORD / "record.json").read_text()


def test_a_rename_that_conflicts_with_an_edit_moves_once_resolved(linear):
    edit(linear / LAYER, "class LinearLayer(keras.layers.Layer):", "class LinearLayer(keras.layers.Layer):  # mine")
    rename_class(linear)
    result = cli("new")
    assert result.exit_code == 1
    assert (linear / LAYER).exists() and not (linear / NEW_LAYER).exists(), "nothing moves while it conflicts"

    result = cli("new", "--conflicts", "inline")
    assert result.exit_code == 1
    assert not (linear / LAYER).exists()
    marked = (linear / NEW_LAYER).read_text()
    assert "<<<<<<< on disk (your edits)" in marked
    start, end = marked.index("<<<<<<<"), marked.index(">>>>>>> generated now\n") + len(">>>>>>> generated now\n")
    (linear / NEW_LAYER).write_text(marked[:start] + "class DenseLayer(keras.layers.Layer):  # mine\n" + marked[end:])
    result = cli("new")
    assert result.exit_code == 0, result.output
    assert f"resolved (your resolution recorded) {NEW_LAYER}" in result.stdout
    assert cli("check").exit_code == 0


def test_check_mode_exit_codes(linear):
    result = cli("check")
    assert (result.exit_code, result.stdout.strip()) == (0, "all generated files are current (1 specs)")

    edit(linear / LAYER, "import keras\n", "import keras  # mine\n")
    assert cli("check").exit_code == 0, "hand edits alone do not make a file stale"

    add_weight_to_spec(linear)
    result = cli("check")
    assert result.exit_code == 1
    assert f"{LAYER}: out of date with specs/linear.yaml (your edits would be kept)" in result.stdout
    assert f"{TEST}: out of date with specs/linear.yaml" in result.stdout

    edit(linear / "specs" / "linear.yaml", "summary:", "summary: [")
    result = cli("check")
    assert result.exit_code == 1  # a spec with problems: 1 in every command
    assert result.stderr.startswith("specs/linear.yaml:3:")


def test_diff_shows_changes_and_writes_nothing(linear):
    add_weight_to_spec(linear)
    before = {p: p.read_bytes() for p in linear.rglob("*") if p.is_file()}
    result = cli("new", "--diff")
    assert result.exit_code == 0
    assert f"--- a/{LAYER}\n+++ b/{LAYER}\n" in result.stdout
    assert '+            name="gain",' in result.stdout
    assert {p: p.read_bytes() for p in linear.rglob("*") if p.is_file()} == before


def test_a_file_layergen_did_not_write_is_never_overwritten(project):
    (project / "specs" / "linear.yaml").write_text(LINEAR)
    (project / "layers").mkdir()
    (project / LAYER).write_text("# my own module\n")
    result = cli("new")
    assert result.exit_code == 1
    assert (project / LAYER).read_text() == "# my own module\n"
    assert f"{LAYER}: exists, but layergen has no record of writing it" in result.stderr


def test_init_then_new_works(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "my-proj"\n')
    result = cli("init")
    assert result.exit_code == 0, result.output
    assert "[tool.layergen]" in (tmp_path / "pyproject.toml").read_text()
    assert (tmp_path / "specs" / "scaled_dense.yaml").is_file()
    result = cli("new")
    assert result.exit_code == 0, result.output
    assert (
        '@keras.saving.register_keras_serializable(package="my_proj")'
        in (tmp_path / "layers/scaled_dense.py").read_text()
    )
    assert cli("init").exit_code == 2, "a second init refuses to touch the project"


def test_pre_commit_hook_runs_the_check():
    hooks = (REPO / ".pre-commit-hooks.yaml").read_text()
    assert "id: layergen-check" in hooks and "entry: layergen check" in hooks


# -- saved models keep loading after a spec edit ------------------------------------------


def import_layer(path, class_name):
    name = f"regenerated_{path.stem}_{len(sys.modules)}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, class_name)


SCALES = """\
layer: TwoScales
summary: Two same-shape weights, a trap for positional checkpoints.
inputs:
  inputs: {shape: [batch, features]}
weights:
  first: {shape: [features], initializer: ones}
  second: {shape: [features], initializer: ones, role: frozen}
call: |
  return inputs * self.first + self.second
output_shape: [batch, features]
"""


def save_checkpoint(project, path):
    TwoScales = import_layer(project / "layers" / "two_scales.py", "TwoScales")
    layer = TwoScales()
    model = keras.Sequential([keras.Input((3,)), layer])
    layer.first.assign([1.0, 2.0, 3.0])
    layer.second.assign([7.0, 8.0, 9.0])
    model.save_weights(path)


def load_checkpoint(project, path):
    TwoScales = import_layer(project / "layers" / "two_scales.py", "TwoScales")
    layer = TwoScales()
    model = keras.Sequential([keras.Input((3,)), layer])
    model.load_weights(path)
    return {w.name: keras.ops.convert_to_numpy(w).tolist() for w in layer.weights}


def test_reordered_weights_and_a_flipped_role_load_into_the_right_weights(project, tmp_path):
    spec = project / "specs" / "two.yaml"
    spec.write_text(SCALES)
    assert cli("new").exit_code == 0
    save_checkpoint(project, tmp_path / "before.weights.h5")
    # Swap the two same-shape weights and make both trainable: positions all change.
    spec.write_text(
        SCALES.replace(
            "  first: {shape: [features], initializer: ones}\n  second: {shape: [features], initializer: ones, role: frozen}\n",
            "  second: {shape: [features], initializer: ones}\n  first: {shape: [features], initializer: ones}\n",
        )
    )
    result = cli("new")
    assert result.exit_code == 0, result.output
    assert "breaking" not in result.output
    assert load_checkpoint(project, tmp_path / "before.weights.h5") == {
        "second": [7.0, 8.0, 9.0],
        "first": [1.0, 2.0, 3.0],
    }


def test_a_renamed_weight_loads_with_renamed_from_and_is_reported_without(project, tmp_path):
    spec = project / "specs" / "two.yaml"
    spec.write_text(SCALES)
    assert cli("new").exit_code == 0
    save_checkpoint(project, tmp_path / "before.weights.h5")

    spec.write_text(SCALES.replace("first:", "gain:").replace("self.first", "self.gain"))
    result = cli("check")
    assert result.exit_code == 1
    assert (
        "specs/two.yaml: weights.first: breaking: weight 'first' was removed; its values in checkpoints saved before "
        "this change are lost; if 'gain' is 'first' renamed, add `renamed_from: first` to it"
    ) in result.stdout
    assert cli("check", "--accept-breaking").exit_code == 1, "the files are still out of date"

    # Regenerating does not make the break go away: check fails until it is accepted.
    result = cli("new")
    assert result.exit_code == 0
    assert "`layergen check` fails until you accept this with `layergen new --accept-breaking`" in result.stderr
    result = cli("check")
    assert result.exit_code == 1
    assert "weights.first: breaking: weight 'first' was removed" in result.stdout
    assert cli("check", "--accept-breaking").exit_code == 0

    # Saying what the rename was is the better answer than accepting the break.
    spec.write_text(SCALES.replace("first: {", "gain: {renamed_from: first, ").replace("self.first", "self.gain"))
    result = cli("new")
    assert result.exit_code == 0, result.output
    assert "breaking" not in result.output
    assert cli("check").exit_code == 0
    assert load_checkpoint(project, tmp_path / "before.weights.h5") == {
        "gain": [1.0, 2.0, 3.0],
        "second": [7.0, 8.0, 9.0],
    }


def test_an_added_weight_is_a_break_and_an_old_checkpoint_refuses_to_load(project, tmp_path):
    spec = project / "specs" / "two.yaml"
    spec.write_text(SCALES)
    assert cli("new").exit_code == 0
    save_checkpoint(project, tmp_path / "before.weights.h5")
    spec.write_text(SCALES.replace("call: |", "  third: {shape: [features], initializer: zeros}\ncall: |"))
    result = cli("new")
    assert result.exit_code == 0, result.output
    assert "specs/two.yaml: weights.third: breaking: weight 'third' is new" in result.stderr
    assert cli("check").exit_code == 1
    # As Keras does: a checkpoint without a value for a weight does not load, naming the weight.
    with pytest.raises(ValueError, match="expected a value for weight 'third', but the checkpoint has none"):
        load_checkpoint(project, tmp_path / "before.weights.h5")
    # Unless the new weight is an old one renamed.
    spec.write_text(
        SCALES.replace("  second: {", "  third: {renamed_from: second, ").replace("self.second", "self.third")
    )
    result = cli("new")
    assert "breaking" not in result.output
    assert load_checkpoint(project, tmp_path / "before.weights.h5") == {
        "first": [1.0, 2.0, 3.0],
        "third": [7.0, 8.0, 9.0],
    }


def test_an_accepted_break_stops_failing_the_check(project):
    spec = project / "specs" / "two.yaml"
    spec.write_text(SCALES)
    assert cli("new").exit_code == 0
    spec.write_text(
        SCALES.replace("  second: {shape: [features], initializer: ones, role: frozen}\n", "").replace(
            " + self.second", ""
        )
    )
    assert cli("new").exit_code == 0
    assert cli("check").exit_code == 1
    result = cli("new", "--accept-breaking")
    assert result.exit_code == 0
    assert "weights.second: breaking, accepted: weight 'second' was removed" in result.stdout
    assert cli("check").exit_code == 0


def test_a_reshaped_weight_is_breaking(project):
    spec = project / "specs" / "two.yaml"
    spec.write_text(
        SCALES.replace(
            "inputs: {shape: [batch, features]}",
            "inputs: {shape: [batch, features]}\narguments:\n  n: {type: int, default: 2}",
        )
    )
    assert cli("new").exit_code == 0
    spec.write_text(
        spec.read_text()
        .replace("second: {shape: [features]", "second: {shape: [n, features]")
        .replace("+ self.second", "+ self.second[0]")
    )
    result = cli("new")
    assert result.exit_code == 0
    assert "weights.second: breaking: weight 'second' changed shape from [features] to [n, features]" in result.stderr
