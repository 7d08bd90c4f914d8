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
        spec_with("    min: 1\n", "    min: 1\n  clip:\n    type: float\n    default: .inf\n"),
        "demo.yaml:9:14: arguments.clip.default: numbers must be finite, found inf",
        id="infinite-number",
    ),
    pytest.param(
        spec_with("summary: A demo layer.", 'summary: "A demo\\0 layer."'),
        "demo.yaml:2:10: summary: text must not hold the control character or lone surrogate U+0000",
        id="control-character",
    ),
    pytest.param(
        spec_with("summary: A demo layer.", 'summary: "A demo \\ud800 layer."'),
        "demo.yaml:2:10: summary: text must not hold the control character or lone surrogate U+D800",
        id="lone-surrogate",
    ),
    pytest.param(
        spec_with("    min: 1\n", "    min: 1\n  int:\n    type: int\n    default: 1\n"),
        "demo.yaml:7:3: arguments.int: argument name 'int' would hide the Python builtin int()",
        id="builtin-name",
    ),
    pytest.param(
        spec_with("  kernel:\n", "  activity:\n"),
        "demo.yaml:11:3: weights.activity: weight 'activity' needs the argument 'activity_regularizer', which would shadow keras.layers.Layer.activity_regularizer",
        id="derived-name-shadows-keras",
    ),
    pytest.param(
        spec_with("  kernel:\n", "  \uff57eights:\n"),
        "demo.yaml:11:3: weights.\uff57eights: weight name '\uff57eights' must be ASCII letters",
        id="unicode-name",
    ),
    pytest.param(
        spec_with("    min: 1\n", "    min: 1\n  bias_value:\n    type: float\n    default: null\n").replace("initializer: glorot_uniform", "initializer: {name: constant, value: $bias_value}"),
        "demo.yaml:16:42: weights.kernel.initializer.value: argument 'bias_value' can be None",
        id="reference-to-nullable",
    ),
    pytest.param(
        spec_with("    initializer: glorot_uniform", "    initializer: zeros\n    dtype: int32"),
        "demo.yaml:14:12: weights.kernel.dtype: a trainable weight must have a float dtype",
        id="trainable-int-weight",
    ),
    pytest.param(
        spec_with("    min: 1\n", "    min: 1\n  mode:\n    type: str\n    choices: []\n    default: a\n"),
        "demo.yaml:9:14: arguments.mode.choices: expected at least 1 item; found none",
        id="empty-choices",
    ),
    pytest.param(
        spec_with("shape: [input_dim, units]", "shape: [input_dim, units // (units - 4)]"),
        "demo.yaml:12:24: weights.kernel.shape[1]: divides by zero with the test sizes",
        id="division-by-zero",
    ),
    pytest.param(
        spec_with("  return outputs", "  return outputs" + " + 0" * 20000),
        "demo.yaml:14:7: call: the call body is too deeply nested to compile",
        id="call-too-deep",
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


def test_deep_nesting_is_one_line(project):
    (project / "deep.yaml").write_text("layer: " + "[" * 3000 + "]" * 3000 + "\n")
    result = cli("validate", "deep.yaml")
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("deep.yaml:"), result.stderr
    assert "Traceback" not in result.output


def test_a_spec_file_name_cannot_inject_code(project):
    name = 'x\nimport os; os.system("echo PWNED")\n#.yaml'
    (project / name).write_text(VALID)
    assert cli("new", name).exit_code == 0
    code = (project / "layers" / "demo.py").read_text()
    assert "\nimport os" not in code
    assert code.splitlines()[0] == "# Generated by layergen from x\\nimport os; os.system(\"echo PWNED\")\\n#.yaml."


def test_a_layers_module_that_is_not_an_import_path_is_refused(project):
    (project / "demo.yaml").write_text(VALID)
    result = cli("new", "demo.yaml", "--layers-dir", "my-layers")
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("my-layers: 'my-layers' is not an importable module path")
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + 'layers_module = "os import system\\nsystem(1)\\nfrom os"\n')
    result = cli("new", "demo.yaml")
    assert result.exit_code == 1
    assert "is not an importable module path" in result.stderr
    assert not (project / "tests").exists()


def test_multi_line_strings_in_call_keep_their_text(project):
    (project / "demo.yaml").write_text(spec_with("  outputs = ops", '  note = """first\n  second"""\n  outputs = ops'))
    assert cli("new", "demo.yaml").exit_code == 0
    assert '        note = """first\nsecond"""\n' in (project / "layers" / "demo.py").read_text()
