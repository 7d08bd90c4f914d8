"""Non-tensor `call` arguments (`call_arguments:`): keyword parameters of call with defaults,
proved by the contract (a saved model keeps them); misuse gets one located line."""

import pytest
from conftest import cli, run_pytest

SPEC = """\
layer: TemperedSoftmax
summary: A softmax over the last axis at a temperature, optionally over the reversed axis.
inputs:
  inputs:
    shape: [batch, ..., features]
call_arguments:
  temperature:
    type: float
    default: 1.0
    doc: Divides the logits; higher is flatter.
  reverse:
    type: bool
    default: false
call: |
  if reverse:
      inputs = ops.flip(inputs, axis=-1)
  return ops.softmax(inputs / temperature, axis=-1)
output_shape: [batch, ..., features]
"""


def test_call_arguments_are_keyword_parameters_the_contract_proves(project):
    (project / "specs" / "tempered_softmax.yaml").write_text(SPEC)
    result = cli("new", "specs/tempered_softmax.yaml")
    assert result.exit_code == 0, result.output
    code = (project / "layers" / "tempered_softmax.py").read_text()
    assert "def call(self, inputs, temperature=1.0, reverse=False):" in code
    assert "temperature: Divides the logits; higher is flatter. Defaults to\n" in code
    assert "reverse: Python bool. Defaults to `False`." in code
    test = (project / "tests" / "test_tempered_softmax.py").read_text()
    assert 'call_kwargs = {"temperature": 2.0, "reverse": True}' in test
    result = run_pytest(project, "tests", "-k", "call_arguments or output_shape", timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "3 passed" in result.stdout, result.stdout[-500:]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    default: 1.0\n",
            "    default: hot\n",
            "call_arguments.temperature.default: default 'hot' is not a float",
        ),
        (
            "  reverse:\n",
            "  inputs:\n",
            "call_arguments.inputs: call argument name 'inputs' is already used by inputs.inputs",
        ),
        (
            "  reverse:\n",
            "  training:\n",
            "call_arguments.training: call argument name 'training' would shadow keras.layers.Layer.training; choose another name",
        ),
        (
            "    type: bool\n",
            "    type: list\n",
            "call_arguments.reverse.type: expected one of 'bool', 'int', 'float' or 'str'; found 'list'",
        ),
    ],
)
def test_a_bad_call_argument_is_one_located_line(project, old, new, message):
    (project / "demo.yaml").write_text(SPEC.replace(old, new).replace("  if reverse:", "  if False:"))
    result = cli("validate", "demo.yaml")
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("demo.yaml:"), lines
    assert lines[0].split(": ", 1)[1] == message


@pytest.mark.parametrize("default", [-1.0, 0.0, 1e308, -1e300])
def test_the_test_passes_a_float_call_argument_other_than_its_default(project, default):
    """The contract's changed-output check needs another value, and a finite one."""
    (project / "demo.yaml").write_text(SPEC.replace("    default: 1.0\n", f"    default: {default!r}\n"))
    assert cli("new", "demo.yaml").exit_code == 0
    (test_module,) = (project / "tests").glob("test_*.py")
    kwargs_line = next(line for line in test_module.read_text().splitlines() if "call_kwargs" in line)
    value = float(kwargs_line.split('"temperature": ')[1].split(",")[0].rstrip("}"))
    assert value != default and abs(value) < float("inf"), kwargs_line
