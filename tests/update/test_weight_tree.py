"""The record keeps a layer's whole weight tree, sub-layers and repeated blocks included,
by the path Keras saves each weight under; a spec edit that changes the tree breaks old
checkpoints, named by its path, and a project class's break reaches the layers that hold
it (issue 19)."""

import json

import pytest
from conftest import REPO, cli
from regen_support import edit

EXAMPLES = REPO / "specs" / "examples"

HOLDER = """\
layer: Holder
summary: A dense map then a normalization, as sub-layers.
arguments:
  units: {type: int, default: 16}
inputs:
  inputs: {shape: [batch, 8]}
layers:
  dense:
    class: Dense
    arguments: {units: 16}
  norm:
    class: LayerNormalization
    build: [batch, 16]
  drop:
    class: Dropout
    arguments: {rate: 0.1}
call: |
  return self.drop(self.norm(self.dense(inputs)))
output_shape: [batch, 16]
"""


def record(project, spec):
    return json.loads((project / ".layergen" / "records" / "specs" / spec / "record.json").read_text())


@pytest.fixture
def holder(project):
    (project / "specs" / "holder.yaml").write_text(HOLDER)
    result = cli("new")
    assert result.exit_code == 0, result.output
    return project


@pytest.fixture
def stack(project):
    for name in ("residual_block.yaml", "residual_stack.yaml"):
        (project / "specs" / name).write_text((EXAMPLES / name).read_text())
    result = cli("new")
    assert result.exit_code == 0, result.output
    return project


def test_the_record_keeps_each_sub_layer_weight_by_its_keras_path(holder):
    data = record(holder, "holder.yaml")
    shapes = {path: weight["shape"] for path, weight in data["weights"].items()}
    assert shapes == {
        "dense/kernel": ["8", "16"],
        "dense/bias": ["16"],
        "norm/gamma": ["16"],
        "norm/beta": ["16"],
    }
    assert data["layers"]["dense"] == {"class": "Dense", "repeat": None}
    assert data["layers"]["drop"] == {"class": "Dropout", "repeat": None}


def test_resizing_a_sub_layer_is_a_break_named_by_its_path(holder):
    edit(holder / "specs" / "holder.yaml", "arguments: {units: 16}", "arguments: {units: 32}")
    edit(holder / "specs" / "holder.yaml", "output_shape: [batch, 16]", "output_shape: [batch, 32]")
    edit(holder / "specs" / "holder.yaml", "build: [batch, 16]", "build: [batch, 32]")
    result = cli("check")
    assert result.exit_code == 1
    assert "specs/holder.yaml: dense/kernel: breaking: shape (8, 16) -> (8, 32)" in result.stdout
    assert "specs/holder.yaml: norm/gamma: breaking: shape (16,) -> (32,)" in result.stdout
    result = cli("new")
    assert result.exit_code == 0
    assert "dense/kernel: breaking: shape (8, 16) -> (8, 32)" in result.stderr
    assert cli("check").exit_code == 1, "regenerating does not accept the break"
    assert "breaking" in cli("status").stdout
    result = cli("new", "--accept-breaking")
    assert "dense/kernel: breaking, accepted: shape (8, 16) -> (8, 32)" in result.stdout
    assert cli("check").exit_code == 0
    assert record(holder, "holder.yaml")["weights"]["dense/kernel"]["shape"] == ["8", "32"]


def test_removing_a_sub_layer_with_weights_is_a_break_and_one_without_is_not(holder):
    text = HOLDER.replace("  drop:\n    class: Dropout\n    arguments: {rate: 0.1}\n", "")
    (holder / "specs" / "holder.yaml").write_text(text.replace("self.drop(self.norm(", "(self.norm("))
    assert cli("check").stdout.count("breaking") == 0
    text = text.replace("  norm:\n    class: LayerNormalization\n    build: [batch, 16]\n", "")
    (holder / "specs" / "holder.yaml").write_text(text.replace("self.drop(self.norm(", "(("))
    result = cli("check")
    assert result.exit_code == 1
    assert "specs/holder.yaml: norm: breaking: sub-layer LayerNormalization was removed" in result.stdout


def test_adding_a_sub_layer_with_weights_is_a_break(holder):
    text = HOLDER.replace("  drop:\n", "  extra:\n    class: Dense\n    arguments: {units: 16}\n  drop:\n")
    (holder / "specs" / "holder.yaml").write_text(text)
    result = cli("check")
    assert "specs/holder.yaml: extra/kernel: breaking: new;" in result.stdout


def test_a_class_whose_weights_layergen_cannot_list_breaks_on_any_argument_change(holder):
    text = HOLDER.replace(
        "  drop:\n", "  conv:\n    class: Conv1D\n    arguments: {filters: 4, kernel_size: 1}\n  drop:\n"
    )
    (holder / "specs" / "holder.yaml").write_text(text)
    assert cli("new", "--accept-breaking").exit_code == 0
    assert cli("check").exit_code == 0
    (holder / "specs" / "holder.yaml").write_text(text.replace("filters: 4", "filters: 5"))
    result = cli("check")
    assert (
        "specs/holder.yaml: conv: breaking: the Conv1D sub-layer's arguments or build shapes changed" in result.stdout
    )


def test_a_repeated_block_s_weights_and_a_changed_class_are_in_the_tree(stack):
    data = record(stack, "residual_stack.yaml")
    assert data["layers"]["blocks"] == {"class": "ResidualBlock", "repeat": "num_blocks"}
    assert data["weights"]["blocks/residual_block*/kernel"]["shape"] == ["features", "features"]
    other = (EXAMPLES / "residual_block.yaml").read_text().replace("layer: ResidualBlock", "layer: OtherBlock")
    (stack / "specs" / "other_block.yaml").write_text(other)
    edit(stack / "specs" / "residual_stack.yaml", "class: ResidualBlock", "class: OtherBlock")
    result = cli("check")
    assert result.exit_code == 1
    assert "specs/residual_stack.yaml: blocks: breaking: class ResidualBlock -> OtherBlock" in result.stdout


def test_a_literal_repeat_count_lists_each_copy_and_a_smaller_count_breaks(stack):
    spec = stack / "specs" / "residual_stack.yaml"
    edit(spec, "repeat: num_blocks", "repeat: 3")
    assert cli("new", "--accept-breaking").exit_code == 0
    weights = record(stack, "residual_stack.yaml")["weights"]
    assert sorted(p for p in weights if p.endswith("kernel")) == [
        "blocks/residual_block/kernel",
        "blocks/residual_block_1/kernel",
        "blocks/residual_block_2/kernel",
    ]
    edit(spec, "repeat: 3", "repeat: 2")
    result = cli("check")
    assert "blocks: breaking: repeated 3 -> 2 times" in result.stdout


def test_a_project_class_break_reaches_the_layers_that_hold_it(stack):
    edit(stack / "specs" / "residual_block.yaml", "shape: [features, features]", "shape: [features, 2 * features]")
    result = cli("check")
    assert result.exit_code == 1
    assert "specs/residual_block.yaml: weights.kernel: breaking:" in result.stdout
    assert (
        "specs/residual_stack.yaml: blocks/residual_block*/kernel: breaking: shape (features, features) -> "
        "(features, 2 * features); checkpoints saved before this change no longer load "
        "(through specs/residual_block.yaml)"
    ) in result.stdout
    status = cli("status").stdout
    assert "breaking  specs/residual_stack.yaml" in status
    assert "    affects: specs/residual_stack.yaml" in status
    as_json = json.loads(cli("status", "--json").stdout)
    states = {s["spec"]: s for s in as_json["specs"]}
    assert states["specs/residual_block.yaml"]["affects"] == ["specs/residual_stack.yaml"]
    assert states["specs/residual_stack.yaml"]["state"] == "breaking"
    cli("new")
    assert cli("check").exit_code == 1, "the stack's break stays until it is accepted"
    assert cli("new", "--accept-breaking").exit_code == 0
    assert cli("check").exit_code == 0


def test_an_argument_passed_to_a_project_class_shows_in_its_shapes(project):
    inner = (REPO / "specs" / "examples" / "linear_layer.yaml").read_text().replace("LinearLayer", "Inner")
    (project / "specs" / "inner.yaml").write_text(inner)
    (project / "specs" / "outer.yaml").write_text(
        "layer: Outer\nsummary: Holds one.\narguments:\n  width: {type: int, default: 3}\n"
        "inputs:\n  inputs: {shape: [batch, features]}\n"
        "layers:\n  inner:\n    class: Inner\n    arguments: {units: $width}\n"
        "call: |\n  return self.inner(inputs)\noutput_shape: [batch, width]\n"
    )
    assert cli("new").exit_code == 0
    assert record(project, "outer.yaml")["weights"]["inner/kernel"]["shape"] == ["input_dim", "width"]


def test_a_run_naming_only_the_holder_knows_its_project_class_s_weights(project):
    for name in ("residual_block.yaml", "residual_stack.yaml"):
        (project / "specs" / name).write_text((EXAMPLES / name).read_text())
    assert cli("new", "specs/residual_stack.yaml").exit_code == 0
    data = record(project, "residual_stack.yaml")
    assert data["weights"]["blocks/residual_block*/kernel"]["shape"] == ["features", "features"]
    result = cli("new")
    assert result.exit_code == 0 and "breaking" not in result.output, result.output


LEGACY_COMPOSITES = ("residual_block.yaml", "residual_stack.yaml", "transformer_encoder_block.yaml")


def test_format_2_records_of_composites_migrate_without_a_spurious_break(project):
    for name in LEGACY_COMPOSITES:
        (project / "specs" / name).write_text((EXAMPLES / name).read_text())
    assert cli("new").exit_code == 0
    for name in LEGACY_COMPOSITES:
        path = project / ".layergen" / "records" / "specs" / name / "record.json"
        data = json.loads(path.read_text())
        data = {k: v for k, v in data.items() if k != "layers"}
        data["weights"] = {n: w for n, w in data["weights"].items() if "/" not in n}
        data |= {"format": 2, "fingerprint": "sha256:" + "0" * 64}
        path.write_text(json.dumps(data, indent=2))
    assert cli("check").exit_code == 0
    result = cli("new")
    assert result.exit_code == 0 and "breaking" not in result.output, result.output
    assert record(project, "residual_stack.yaml")["format"] == 3
    assert "hidden/kernel" in record(project, "transformer_encoder_block.yaml")["weights"]
    # Now a sub-layer break is seen.
    edit(project / "specs" / "transformer_encoder_block.yaml", "units: $ff_dim", "units: $model_dim")
    assert "hidden/kernel: breaking: shape (model_dim, ff_dim) -> (model_dim, model_dim)" in cli("check").stdout


def test_a_weight_renamed_with_renamed_from_inside_a_project_class_is_no_break(stack):
    block = stack / "specs" / "residual_block.yaml"
    edit(block, "  kernel:\n", "  weight:\n    renamed_from: kernel\n")
    edit(block, "self.kernel", "self.weight")
    result = cli("check")
    assert "breaking" not in result.stdout, result.stdout
