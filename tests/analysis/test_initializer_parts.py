"""Weights whose initial value is made in parts along an axis (`initializer_parts`), as
keras.layers.LSTMCell's bias with `unit_forget_bias`: `build` defines the function that
concatenates the parts, the initializer argument stays what get_config saves, the generated
test says where the argument's parts lie, and misuse is one located line."""

import pytest
from conftest import cli

SPEC = """\
layer: ForgetBias
summary: A linear map to four gates whose second gate's bias starts at one.
arguments:
  units: {type: int, min: 1}
  unit_forget_bias: {type: bool, default: true}
inputs:
  inputs: {shape: [batch, input_dim]}
weights:
  kernel: {shape: [input_dim, 4 * units]}
  bias:
    shape: [4 * units]
    initializer: zeros
    initializer_parts:
      when: unit_forget_bias
      parts:
        - size: units
        - {size: units, initializer: ones}
        - size: 2 * units
call: |
  return ops.matmul(inputs, self.kernel) + self.bias
output_shape: [batch, 4 * units]
"""


def test_build_makes_the_parts_under_their_condition_and_the_test_says_where_they_lie(project):
    (project / "demo.yaml").write_text(SPEC)
    result = cli("new", "demo.yaml")
    assert result.exit_code == 0, result.output
    code = (project / "layers" / "forget_bias.py").read_text()
    assert (
        "        if self.unit_forget_bias:\n\n"
        "            def bias_initializer(shape, dtype=None):\n"
        "                # `bias` made in parts along axis 0.\n"
        "                return keras.ops.concatenate(\n"
        "                    [\n"
        "                        self.bias_initializer((self.units,), dtype=dtype),\n"
        "                        keras.initializers.Ones()((self.units,), dtype=dtype),\n"
        "                        self.bias_initializer((2 * self.units,), dtype=dtype),\n"
        "                    ],\n"
        "                    axis=0,\n"
        "                )\n\n"
        "        else:\n"
        "            bias_initializer = self.bias_initializer\n"
    ) in code
    assert "            initializer=bias_initializer,\n" in code
    # What the user passed is what the config saves.
    assert '"bias_initializer": keras.initializers.serialize(self.bias_initializer),' in code
    test = (project / "tests" / "test_forget_bias.py").read_text()
    assert '"own": [(0, 4), (8, 16)],' in test
    assert '"when": {"unit_forget_bias": True},' in test
    assert '"otherwise": {"unit_forget_bias": False},' in test


def test_parts_along_a_later_axis_without_a_condition_are_always_used(project):
    spec = SPEC.replace("  kernel: {shape: [input_dim, 4 * units]}\n", "").replace(
        "    shape: [4 * units]\n", "    shape: [input_dim, 4 * units]\n"
    )
    spec = spec.replace("      when: unit_forget_bias\n", "      axis: -1\n").replace(
        "{size: units, initializer: ones}", "{size: units, initializer: {name: constant, value: 2.0}}"
    )
    spec = spec.replace("ops.matmul(inputs, self.kernel) + self.bias", "ops.matmul(inputs, self.bias)")
    (project / "demo.yaml").write_text(spec)
    result = cli("new", "demo.yaml")
    assert result.exit_code == 0, result.output
    code = (project / "layers" / "forget_bias.py").read_text()
    assert "        def bias_initializer(shape, dtype=None):\n" in code
    assert "keras.initializers.Constant(value=2.0)(\n" in code
    assert "self.bias_initializer((input_dim, 2 * self.units), dtype=dtype)," in code
    assert "                axis=1,\n" in code
    assert "else:" not in code.split("def bias_initializer")[1].split("self.bias = ")[0]
    test = (project / "tests" / "test_forget_bias.py").read_text()
    assert '"axis": 1,' in test and '"otherwise": None,' in test


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    shape: [4 * units]\n",
            "    shapes: [{when: unit_forget_bias, shape: [4 * units]}, {shape: [4 * units]}]\n",
            "demo.yaml:13:5: weights.bias.initializer_parts: a weight with `initializer_parts` has no `shapes`",
        ),
        (
            "    initializer: zeros\n",
            "    initializer: {name: constant, value: $input_dim}\n",
            "demo.yaml:13:5: weights.bias.initializer_parts: a weight with `initializer_parts` needs an initializer "
            "that does not read the input's size",
        ),
        (
            "{size: units, initializer: ones}",
            "{size: units, initializer: {value: 1.0}}",
            "demo.yaml:17:38: weights.bias.initializer_parts.parts[1].initializer: an initializer mapping needs "
            "`name`, e.g. {name: constant, value: 1.0}",
        ),
        (
            "      when: unit_forget_bias\n",
            "      when: unit_forget_bais\n",
            "demo.yaml:14:13: weights.bias.initializer_parts.when: unknown argument 'unit_forget_bais' "
            "(did you mean 'unit_forget_bias'?)",
        ),
        (
            "        - size: 2 * units\n",
            "        - size: 2 * units\n        - size: 0\n",
            None,  # sizes that add up: a part of size 0 is allowed
        ),
        (
            "        - size: 2 * units\n",
            "        - size: 3 * units\n        - size: 0 - units\n",
            "demo.yaml:19:17: weights.bias.initializer_parts.parts[3].size: is -4 with the test sizes {'units': 4}",
        ),
        (
            "        - size: 2 * units\n",
            "        - size: 2 * units // 0\n",
            "demo.yaml:18:17: weights.bias.initializer_parts.parts[2].size: divides by zero with the test sizes "
            "{'units': 4}",
        ),
        (
            "    shape: [4 * units]\n",
            "    shape: [4 * unitz]\n",
            "demo.yaml:11:13: weights.bias.shape[0]: unknown dimension 'unitz' (did you mean 'units'?)",
        ),
        (
            "      when: unit_forget_bias\n",
            "      when: unit_forget_bias and not unit_forget_bias\n",
            "demo.yaml:14:13: weights.bias.initializer_parts.when: the parts are never used: `when` never holds "
            "where the weight exists",
        ),
    ],
)
def test_misused_initializer_parts_are_one_located_line(project, old, new, message):
    assert old in SPEC
    (project / "demo.yaml").write_text(SPEC.replace(old, new, 1))
    result = cli("validate", "demo.yaml")
    if message is None:
        assert result.exit_code == 0, result.output
        return
    assert result.exit_code == 1, result.output
    assert result.stderr.strip().splitlines() == [message]


def test_a_weight_with_parts_has_a_fixed_rank(project):
    spec = SPEC.replace("[batch, input_dim]", "[batch, ..., input_dim]").replace(
        "  kernel: {shape: [input_dim, 4 * units]}\n", ""
    )
    spec = spec.replace("    shape: [4 * units]\n", "    shape: [..., 4 * units]\n")
    spec = spec.replace("ops.matmul(inputs, self.kernel) + self.bias", "inputs + self.bias")
    (project / "demo.yaml").write_text(
        spec.replace("output_shape: [batch, 4 * units]", "output_shape: [batch, ..., 4 * units]")
    )
    result = cli("validate", "demo.yaml")
    assert result.exit_code == 1, result.output
    assert result.stderr.strip().splitlines() == [
        "demo.yaml:12:5: weights.bias.initializer_parts: a weight with `initializer_parts` has a fixed rank: "
        "no `...` in its shape"
    ]


def test_a_dimension_cannot_take_the_name_of_builds_initializer_function(project):
    spec = SPEC.replace("input_dim", "bias_initializer")
    (project / "demo.yaml").write_text(spec)
    result = cli("validate", "demo.yaml")
    assert result.exit_code == 1, result.output
    assert result.stderr.strip().splitlines() == [
        "demo.yaml:14:7: weights.bias.initializer_parts: dimension name 'bias_initializer' is the name build gives "
        "the weight's initializer in parts"
    ]
