"""What a cell spec may say: the names keras.layers.RNN reads stay the cell's, and `call`
may read the attributes the generated cell sets."""

import pytest
from conftest import cli

CELL = """\
layer: TinyCell
summary: A tanh cell.
arguments:
  units: {type: int, min: 1, doc: Size of the state.}
inputs:
  inputs: {shape: [batch, input_dim]}
cell: {state_size: units}
weights:
  kernel: {shape: [input_dim, units]}
call: |
  h = ops.tanh(ops.matmul(inputs, self.kernel) + states[0])
  return h, [h]
test: {arguments: {units: 3}}
"""


def test_call_may_read_what_the_generated_cell_sets(project):
    (project / "cell.yaml").write_text(
        CELL.replace("+ states[0])", "+ states[0]) * (self.state_size / self.output_size)")
    )
    result = cli("validate", "cell.yaml")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("addition", "message"),
    [
        (
            "call_arguments: {states: {type: float, default: 1.0}}\n",
            "cell.yaml:14:18: call_arguments.states: 'states' is what keras.layers.RNN reads on a cell; rename this",
        ),
        (
            "output_shapes:\n  - {when: units > 1, shape: [batch, units]}\n  - shape: [batch, 1]\n",
            "cell.yaml:14:1: output_shapes: a cell has no `output_shapes`",
        ),
    ],
)
def test_what_a_cell_cannot_have_is_refused_before_rendering(project, addition, message):
    (project / "cell.yaml").write_text(CELL + addition)
    result = cli("validate", "cell.yaml")
    assert result.exit_code == 1
    assert result.stderr.startswith(message), result.stderr
