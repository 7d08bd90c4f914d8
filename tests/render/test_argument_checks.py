"""What the constructor's argument checks generate, read from the generated layer (no Keras):
the module imports NumPy only where a check reads it."""

from conftest import cli

SPEC = """\
layer: Demo
summary: A demo layer.
arguments:
  kind: {{type: str, choices: [np.float32, other], default: other}}
{constants}inputs:
  inputs: {{shape: [batch, features]}}
output_shape: [batch, features]
call: |
  return inputs
"""


def generate(project, constants=""):
    (project / "demo.yaml").write_text(SPEC.format(constants=constants))
    result = cli("new", "demo.yaml")
    assert result.exit_code == 0, result.output
    return (project / "layers" / "demo.py").read_text()


def test_a_choice_that_reads_like_numpy_imports_nothing(project):
    """The choices are a literal: "np.float32" in it is text, not a name the check reads."""
    layer = generate(project)
    assert "if kind not in ('np.float32', 'other'):" in layer.replace('"', "'")
    assert "numpy" not in layer


def test_a_constant_whose_check_reads_numpy_imports_it(project):
    layer = generate(project, "constants:\n  scale: {value: [1.0, 2.0]}\n")
    assert "import numpy as np\n" in layer
    assert "if np.shape(scale) != (2,) or not np.issubdtype(\n            np.asarray(scale).dtype, np.number\n" in layer
    assert "self.scale = np.asarray(scale).tolist()" in layer
