"""Conditions that read the input's rank and dimensions (`inputs.rank == 3`, `features > 1`)
in `when`, `supports_masking` and `output_shapes`: compiled into `build` and
`compute_output_shape` from the shapes they get, and proved on a generated layer."""

import pytest
from conftest import cli, run_pytest

SPEC = """\
layer: RankMean
summary: The mean over the features, keeping their axis only for a sequence (rank 3).
arguments:
  use_scale: {type: bool, default: true}
inputs:
  inputs: {shape: [batch, ..., features]}
weights:
  scale:
    shape: [features]
    initializer: ones
    when: use_scale and features > 1
masking:
  supports_masking: inputs.rank == 3
  output_mask: none
call: |
  if self.scale is not None:
      inputs = inputs * self.scale
  return ops.mean(inputs, axis=-1, keepdims=len(inputs.shape) == 3)
output_shapes:
  - when: inputs.rank == 3
    shape: [batch, ..., 1]
  - shape: [batch, ...]
"""

# Beside the generated test: the layer on inputs of rank 2 and 3, and with one feature.
BEHAVIOUR = """\
import numpy as np
import keras

from layers.rank_mean import RankMean


def test_rank_and_dimensions_choose_the_shape_the_mask_support_and_the_weight():
    sequence, flat = np.ones((2, 5, 3), "float32"), np.ones((2, 3), "float32")
    layer = RankMean()
    assert tuple(layer(sequence).shape) == (2, 5, 1) and layer.supports_masking
    assert layer.compute_output_shape((2, 5, 3)) == (2, 5, 1)
    assert tuple(layer.compute_output_spec(keras.KerasTensor((None, 5, 3))).shape) == (None, 5, 1)
    other = RankMean()
    assert tuple(other(flat).shape) == (2,) and not other.supports_masking
    assert other.compute_output_shape((2, 3)) == (2,)
    single = RankMean()
    single(np.ones((2, 5, 1), "float32"))
    assert single.scale is None and single.weights == []
"""


def test_conditions_on_the_input_are_compiled_into_build_and_compute_output_shape(project):
    (project / "specs" / "rank_mean.yaml").write_text(SPEC)
    result = cli("new", "specs/rank_mean.yaml")
    assert result.exit_code == 0, result.output
    code = (project / "layers" / "rank_mean.py").read_text()
    assert "        if self.use_scale and input_shape[-1] > 1:\n" in code
    assert "        self.supports_masking = len(input_shape) == 3\n" in code
    assert "        if len(input_shape) == 3:\n            return (input_shape[0], *input_shape[1:-1], 1)\n" in code
    assert "self.supports_masking" not in code.split("def build")[0]  # not in __init__: the input is unknown there
    (project / "tests" / "test_rank_mean_behaviour.py").write_text(BEHAVIOUR)
    result = run_pytest(project, "tests", timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "supports_masking: inputs.rank == 3",
            "supports_masking: inputs.rnak == 3",
            "demo.yaml:13:21: masking.supports_masking: attribute is not allowed in 'inputs.rnak == 3'",
        ),
        (
            "  - when: inputs.rank == 3",
            "  - when: featurez > 1",
            "demo.yaml:20:11: output_shapes[0].when: unknown argument or dimension 'featurez' "
            "(did you mean 'features'?)",
        ),
        (
            "when: use_scale and features > 1",
            "when: use_scale and features",
            None,  # a dimension is a number: `features` alone is true when it is not 0, and allowed
        ),
        (
            "supports_masking: inputs.rank == 3",
            "supports_masking: use_scale.rank == 3",
            "demo.yaml:13:21: masking.supports_masking: unknown input 'use_scale'; known: inputs",
        ),
        (
            "when: use_scale and features > 1",
            "when: use_scale + features > 1",
            "demo.yaml:11:11: weights.scale.when: arithmetic in a condition is on int and float arguments; "
            "'use_scale' is bool",
        ),
    ],
)
def test_a_bad_input_condition_is_one_located_line(project, old, new, message):
    assert old in SPEC
    (project / "demo.yaml").write_text(SPEC.replace(old, new, 1))
    result = cli("validate", "demo.yaml")
    if message is None:
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), lines
