"""Weights whose shape follows a condition (`shapes:`): `build` picks the first case whose
`when` holds, the generated test expects each setting's shape, and misuse is one located line."""

import pytest
from conftest import cli

SPEC = """\
layer: TwoRowBias
summary: A linear map with a bias of one row, or of two with `split_bias`.
arguments:
  units: {type: int, min: 1}
  split_bias: {type: bool, default: true}
inputs:
  inputs: {shape: [batch, input_dim]}
weights:
  kernel: {shape: [input_dim, units]}
  bias:
    shapes:
      - when: split_bias
        shape: [2, units]
      - shape: [units]
    initializer: ones
call: |
  bias = ops.sum(self.bias, axis=0) if self.split_bias else self.bias
  return ops.matmul(inputs, self.kernel) + bias
output_shape: [batch, units]
"""


def test_build_picks_the_case_and_the_test_expects_each_settings_shape(project):
    (project / "demo.yaml").write_text(SPEC)
    result = cli("new", "demo.yaml")
    assert result.exit_code == 0, result.output
    code = (project / "layers" / "two_row_bias.py").read_text()
    assert "        bias_shape = (2, self.units) if self.split_bias else (self.units,)\n" in code
    assert "shape=bias_shape," in code
    test = (project / "tests" / "test_two_row_bias.py").read_text()
    assert 'weight_shapes = {"bias": (2, 4)}' in test
    assert "class TestTwoRowBiasWithSplitBiasFalse(TestTwoRowBias):" in test
    assert (
        'init_kwargs = {**TestTwoRowBias.init_kwargs, "split_bias": False}\n    weight_shapes = {"bias": (4,)}' in test
    )


def test_three_cases_are_an_if_elif_else_in_build(project):
    spec = SPEC.replace(
        "      - shape: [units]\n",
        "      - when: units > 8 if split_bias else False\n        shape: [3, units]\n      - shape: [units]\n",
    ).replace("when: split_bias", "when: split_bias and units < 5")
    (project / "demo.yaml").write_text(spec)
    result = cli("new", "demo.yaml")
    assert result.exit_code == 0, result.output
    code = (project / "layers" / "two_row_bias.py").read_text()
    assert (
        "        if self.split_bias and self.units < 5:\n            bias_shape = (2, self.units)\n"
        "        elif self.units > 8 if self.split_bias else False:\n            bias_shape = (3, self.units)\n"
        "        else:\n            bias_shape = (self.units,)\n"
    ) in code
    compile(code, "two_row_bias.py", "exec")


def test_a_shape_case_may_read_the_input_rank_and_dimensions(project):
    spec = SPEC.replace("when: split_bias", "when: inputs.rank == 2 and input_dim > 1 and split_bias")
    (project / "demo.yaml").write_text(spec)
    result = cli("new", "demo.yaml")
    assert result.exit_code == 0, result.output
    code = (project / "layers" / "two_row_bias.py").read_text()
    assert "            if len(input_shape) == 2 and input_shape[1] > 1 and self.split_bias\n" in code


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    shapes:\n",
            "    shape: [units]\n    shapes:\n",
            "demo.yaml:12:5: weights.bias.shapes: give `shape` or `shapes`, not both",
        ),
        (
            "      - shape: [units]\n",
            "      - {when: split_bias, shape: [units]}\n",
            "demo.yaml:14:16: weights.bias.shapes[1].when: the last case applies otherwise: it has no `when`",
        ),
        (
            "        shape: [2, units]\n",
            "        shape: [2, ...]\n",
            "demo.yaml:13:20: weights.bias.shapes[0].shape[1]: a case of `shapes` has a fixed rank: no `...`",
        ),
        (
            "    initializer: ones\n",
            "    initializer: ones\n    layout: [null]\n",
            "demo.yaml:16:5: weights.bias.layout: a weight with `shapes` has no `layout`",
        ),
        (
            "when: split_bias",
            "when: split_bais",
            "demo.yaml:12:15: weights.bias.shapes[0].when: unknown argument or dimension 'split_bais' (did you mean 'split_bias'?)",
        ),
        (
            "when: split_bias",
            "when: input.rank == 2",
            "demo.yaml:12:15: weights.bias.shapes[0].when: unknown input 'input' (did you mean 'inputs'?)",
        ),
    ],
)
def test_a_bad_shape_case_is_one_located_line(project, old, new, message):
    assert old in SPEC
    (project / "demo.yaml").write_text(SPEC.replace(old, new, 1))
    result = cli("validate", "demo.yaml")
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert lines == [message]


def test_a_weight_without_shape_or_shapes_is_one_located_line(project):
    (project / "demo.yaml").write_text(
        SPEC.replace("  kernel: {shape: [input_dim, units]}", "  kernel: {role: trainable}")
    )
    result = cli("validate", "demo.yaml")
    assert result.exit_code == 1, result.output
    assert result.stderr.strip().splitlines() == [
        "demo.yaml:9:11: weights.kernel: missing required field 'shape' (or `shapes`, for a shape that follows a condition)"
    ]
