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


TWO_STATES = CELL.replace("cell: {state_size: units}", "cell: {state_size: [units, units]}").replace(
    "  h = ops.tanh(ops.matmul(inputs, self.kernel) + states[0])\n  return h, [h]\n",
    "  h_tm1, total = states\n  total = total + ops.matmul(inputs, self.kernel)\n"
    "  h = ops.tanh(total + h_tm1)\n  return h, [h, total]\n",
)


@pytest.mark.parametrize(
    "body",
    [
        "  h_tm1, total = states\n",  # as written
        "  h_tm1, total = states[0], states[-2]\n",  # indices from either end
        "  h_tm1, *rest = states\n  total = rest[0]\n",  # a starred name takes what is left
        "  h_tm1 = states[0]\n  total = states[1:][0]\n",  # a slice is not checked
        "  states = [states[0], states[1], 0]\n  h_tm1, total, extra = states\n",  # the body's own `states`
        "  pick = lambda items: items[2]\n  h_tm1, total = states\n",  # another function's indices
    ],
)
def test_a_cell_with_two_states_may_read_them_every_way_that_fits(project, body):
    (project / "cell.yaml").write_text(TWO_STATES.replace("  h_tm1, total = states\n", body))
    result = cli("validate", "cell.yaml")
    assert result.exit_code == 0, result.output


def test_the_generated_cell_with_two_states_has_a_list_of_sizes_and_of_initial_states(project):
    (project / "specs" / "cell.yaml").write_text(TWO_STATES)
    result = cli("new", "specs/cell.yaml")
    assert result.exit_code == 0, result.output
    code = next((project / "layers").glob("*.py")).read_text()
    assert "self.state_size = [self.units, self.units]" in code
    assert code.count("for size in self.state_size") == 2  # compute_output_shape, get_initial_state
    test = next((project / "tests").glob("test_*.py")).read_text()
    assert "state_size = [3, 3]" in test and 'Input("states_1", shape=(2, 3))' in test


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "h_tm1, total = states",
            "h_tm1, total = states[0], states[-3]",
            "cell.yaml:11:29: call: `states[-3]` reads a state the cell does not have: the cell has 2 states",
        ),
        (
            "h_tm1, total = states",
            "h_tm1, total, a, *more = states",
            "cell.yaml:11:3: call: `states` is unpacked into 4 names: the cell has 2 states",
        ),
        (
            "return h, [h, total]",
            "return h, [h, total], total",
            "cell.yaml:14:10: call: a cell's call returns `output, [new states]`, a pair; this returns 3 values",
        ),
    ],
)
def test_a_cell_reading_or_returning_other_states_is_refused_where_it_does(project, old, new, message):
    (project / "cell.yaml").write_text(TWO_STATES.replace(old, new))
    result = cli("validate", "cell.yaml")
    assert result.exit_code == 1
    assert result.stderr.startswith(message), result.stderr
