"""Bad specs: each problem is one line `file:line:column: field: message`, exit code 1,
and nothing is written for the spec."""

import pytest

from conftest import cli

VALID = """\
layer: Demo
summary: A demo layer.
arguments:
  units:
    type: int
    min: 1
inputs:
  inputs:
    shape: [batch, ..., input_dim]
weights:
  kernel:
    shape: [input_dim, units]
    initializer: glorot_uniform
call: |
  outputs = ops.matmul(inputs, self.kernel)
  return outputs
output_shape: [batch, ..., units]
"""


def spec_with(old: str, new: str) -> str:
    assert old in VALID, old
    return VALID.replace(old, new, 1)


CASES = [
    pytest.param(
        spec_with("  units:\n    type: int", "  units:\n    type: int\n    type: float"),
        "demo.yaml:6:5: arguments.units.type: duplicate key 'type'",
        id="yaml-duplicate-key",
    ),
    pytest.param(spec_with("summary: A demo layer.", "summary: [oops"), "demo.yaml:3:10: invalid YAML: while parsing a flow sequence", id="yaml-syntax"),
    pytest.param(
        spec_with("    min: 1", "    min: 1\n    minimum: 2"),
        "demo.yaml:7:5: arguments.units.minimum: unknown field 'minimum'",
        id="unknown-field",
    ),
    pytest.param(
        spec_with("    initializer: glorot_uniform", "    initializer: glorot_uniform\n    trainabel: true"),
        "demo.yaml:14:5: weights.kernel.trainabel: unknown field 'trainabel'",
        id="unknown-field-in-weight",
    ),
    pytest.param(spec_with("summary: A demo layer.\n", ""), "demo.yaml:1:1: summary: missing required field 'summary'", id="missing-field"),
    pytest.param(
        spec_with("initializer: glorot_uniform", "initializer: glorot_unifrom"),
        "demo.yaml:13:18: weights.kernel.initializer: unknown initializer 'glorot_unifrom' (did you mean 'glorot_uniform'?)",
        id="unknown-initializer",
    ),
    pytest.param(
        spec_with("shape: [input_dim, units]", "shape: [input_dim, unit]"),
        "demo.yaml:12:24: weights.kernel.shape[1]: unknown dimension 'unit' (did you mean 'units'?)",
        id="unknown-dimension",
    ),
    pytest.param(
        spec_with("  kernel:\n", "  weights:\n"),
        "demo.yaml:11:3: weights.weights: weight name 'weights' would shadow keras.layers.Layer.weights",
        id="weight-named-weights",
    ),
    pytest.param(
        spec_with("  kernel:\n", "  name:\n"),
        "demo.yaml:11:3: weights.name: weight name 'name' would shadow keras.layers.Layer.name",
        id="weight-named-name",
    ),
    pytest.param(
        spec_with("    min: 1\n", "    min: 1\n  lambda:\n    type: float\n    default: 0.1\n"),
        "demo.yaml:7:3: arguments.lambda: argument name 'lambda' is a Python keyword",
        id="python-keyword",
    ),
    pytest.param(
        spec_with("  return outputs", "  return outputs +"),
        "demo.yaml:16:19: call: the call body does not parse: invalid syntax",
        id="call-does-not-parse",
    ),
    pytest.param(
        spec_with("  return outputs", "  outputs"),
        "demo.yaml:14:7: call: `call` must return its output",
        id="call-without-return",
    ),
    pytest.param(
        spec_with("    type: int\n", "    type: integer\n"),
        "demo.yaml:5:11: arguments.units.type: expected one of",
        id="bad-argument-type",
    ),
    pytest.param(
        spec_with("  kernel:\n", "  units:\n"),
        "demo.yaml:11:3: weights.units: weight name 'units' is already used by arguments.units",
        id="duplicate-name",
    ),
    pytest.param(
        spec_with("    initializer: glorot_uniform", "    initializer: glorot_uniform\n    role: frozen\n    regularizer: l2"),
        "demo.yaml:15:18: weights.kernel.regularizer: a regularizer only acts on trainable weights",
        id="regularizer-on-frozen-weight",
    ),
    pytest.param(
        spec_with("    initializer: glorot_uniform", "    initializer: {name: random_normal, stdev: 0.1}"),
        "demo.yaml:13:40: weights.kernel.initializer.stdev: unknown argument of RandomNormal 'stdev' (did you mean 'stddev'?)",
        id="unknown-initializer-argument",
    ),
    pytest.param(
        spec_with("    initializer: glorot_uniform", "    initializer: {name: constant, value: $unit}"),
        "demo.yaml:13:42: weights.kernel.initializer.value: unknown argument 'unit' (did you mean 'units'?)",
        id="unknown-reference",
    ),
    pytest.param(
        spec_with("output_shape: [batch, ..., units]", "output_shape: [..., units]"),
        "demo.yaml:17:16: output_shape[0]: a shape starts with `batch`",
        id="shape-without-batch",
    ),
    pytest.param(
        spec_with("arguments:\n", "arguments:\n  scale:\n    type: float\n    default: 1.0\n"),
        "demo.yaml:7:3: arguments.units: required argument 'units' must come before 'scale'",
        id="required-after-optional",
    ),
    pytest.param(
        spec_with("shape: [input_dim, units]", 'shape: [input_dim, "-3"]'),
        "demo.yaml:12:24: weights.kernel.shape[1]: '-3' is not allowed here",
        id="negative-dimension",
    ),
    pytest.param(
        spec_with("shape: [input_dim, units]", "shape: [input_dim, units - 5]"),
        "demo.yaml:12:24: weights.kernel.shape[1]: is -1 with the test sizes {'units': 4, 'input_dim': 3}; set `test.arguments`",
        id="test-size-not-positive",
    ),
    pytest.param(
        spec_with("    shape: [batch, ..., input_dim]", "    shape: [batch, ..., input_dim]\n    max: 10"),
        "demo.yaml:9:5: inputs.inputs: `min` and `max` bound the values of integer inputs",
        id="bounds-on-a-float-input",
    ),
    pytest.param(
        spec_with("    shape: [batch, ..., input_dim]", "    shape: [batch, ..., input_dim]\n    dtype: string"),
        "demo.yaml:10:12: inputs.inputs.dtype: unknown input dtype 'string'",
        id="string-input",
    ),
    pytest.param(
        spec_with("  return outputs", "  import os\n  return outputs"),
        "demo.yaml:14:7: call: `call` must not import",
        id="call-imports",
    ),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_bad_spec_gets_one_located_line_and_writes_nothing(project, text, expected):
    (project / "demo.yaml").write_text(text)
    result = cli("new", "demo.yaml")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(expected), lines[0]
    assert "Traceback" not in result.output
    assert not (project / "layers").exists() and not (project / "tests").exists()


def test_valid_base_spec_generates(project):
    (project / "demo.yaml").write_text(VALID)
    result = cli("new", "demo.yaml")
    assert result.exit_code == 0, result.output
    assert (project / "layers" / "demo.py").is_file()
    assert (project / "tests" / "test_demo.py").is_file()


def test_every_problem_of_a_spec_is_reported(project):
    text = spec_with("initializer: glorot_uniform", "initializer: glorot_unifrom").replace("[input_dim, units]", "[input_dim, unit]")
    (project / "demo.yaml").write_text(text)
    result = cli("validate", "demo.yaml")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert [line.split(": ")[1] for line in lines] == ["weights.kernel.shape[1]", "weights.kernel.initializer"]


def test_other_specs_are_still_generated(project):
    (project / "good.yaml").write_text(VALID)
    (project / "bad.yaml").write_text(spec_with("layer: Demo", "layer: Bad").replace("units]\n    initializer", "unit]\n    initializer"))
    result = cli("new", "good.yaml", "bad.yaml")
    assert result.exit_code == 1
    assert (project / "layers" / "demo.py").is_file()
    assert not (project / "layers" / "bad.py").exists()
    assert result.stderr.startswith("bad.yaml:12:")


def test_missing_spec_file(project):
    result = cli("new", "nope.yaml")
    assert result.exit_code == 1
    assert result.stderr.strip() == "nope.yaml: no such spec file or folder"


def test_a_mistake_is_reported_wherever_it_matters(project):
    (project / "demo.yaml").write_text(spec_with("    min: 1\n", "    min: 1\n    default: null\n"))
    result = cli("validate", "demo.yaml")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "demo.yaml:13:24: weights.kernel.shape[1]: argument 'units' is not an integer that is never None, so it cannot size a dimension",
        "demo.yaml:18:28: output_shape[2]: argument 'units' is not an integer that is never None, so it cannot size a dimension",
    ]
