"""A call argument that changes the output's shape (`output_shapes` reading it), with the
inputs `call` takes then (`call_arguments.<name>.inputs`), as a reversible embedding's
`reverse=True`: compute_output_shape and compute_output_spec take it, and misuse is one line."""

import pytest
from conftest import cli

SPEC = """\
layer: TiedProjection
summary: Vectors from token ids, or logits from vectors with reverse=True.
arguments:
  vocab: {type: int, min: 1}
  width: {type: int, min: 1}
inputs:
  inputs: {shape: [batch, steps], dtype: int, max: vocab}
weights:
  table: {shape: [vocab, width], initializer: uniform}
call_arguments:
  reverse:
    type: bool
    default: false
    inputs:
      inputs: {shape: [batch, steps, width]}
call: |
  if reverse:
      return ops.matmul(inputs, ops.transpose(self.table))
  return ops.take(self.table, inputs, axis=0)
output_shapes:
  - when: reverse
    shape: [batch, steps, vocab]
  - shape: [batch, steps, width]
"""


def test_the_call_argument_reaches_compute_output_shape_and_the_test_expects_both_shapes(project):
    (project / "demo.yaml").write_text(SPEC)
    result = cli("new", "demo.yaml")
    assert result.exit_code == 0, result.output
    code = (project / "layers" / "tied_projection.py").read_text()
    assert "    def compute_output_shape(self, input_shape, reverse=False):\n" in code
    assert "        if reverse:\n            return (input_shape[0], steps, self.vocab)\n" in code
    assert "    def compute_output_spec(self, inputs, reverse=False, **kwargs):\n" in code
    assert "shape = self.compute_output_shape(inputs.shape, reverse=reverse)" in code
    assert "input_spec" not in code  # the input's rank depends on `reverse`
    test = (project / "tests" / "test_tied_projection.py").read_text()
    assert "    output_shape = (2, 3, 6)\n" in test
    assert (
        'call_kwargs = {"reverse": True}\n    call_inputs = [\n        Input("inputs", shape=(2, 3, 6)),\n    ]\n'
        in test
    )
    assert "    call_output_shape = (2, 3, 4)\n" in test


def test_without_inputs_the_call_keeps_the_layers_inputs(project):
    spec = SPEC.replace("    inputs:\n      inputs: {shape: [batch, steps, width]}\n", "")
    (project / "demo.yaml").write_text(spec)
    assert cli("new", "demo.yaml").exit_code == 0
    test = (project / "tests" / "test_tied_projection.py").read_text()
    assert "call_inputs" not in test and "    call_output_shape = (2, 3, 4)\n" in test


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    type: bool\n    default: false\n",
            "    type: int\n    default: 0\n",
            "demo.yaml:15:7: call_arguments.reverse.inputs: `inputs` is for a bool call argument: "
            "the inputs call takes when it is not its default",
        ),
        (
            "      inputs: {shape: [batch, steps, width]}",
            "      tokens: {shape: [batch, steps, width]}",
            "demo.yaml:15:7: call_arguments.reverse.inputs: `inputs` lists every input of the layer, in order: inputs",
        ),
        (
            "  table: {shape: [vocab, width], initializer: uniform}",
            "  table: {shape: [vocab, width], initializer: uniform, when: not reverse}",
            "demo.yaml:9:62: weights.table.when: call argument 'reverse' can change the output's shape only "
            "(`output_shapes`)",
        ),
    ],
)
def test_a_bad_call_shape_is_one_located_line(project, old, new, message):
    assert old in SPEC
    (project / "demo.yaml").write_text(SPEC.replace(old, new, 1))
    result = cli("validate", "demo.yaml")
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert lines == [message]
