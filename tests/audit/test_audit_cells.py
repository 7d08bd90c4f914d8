"""`layergen audit` on hand-written RNN cells: the probe calls a cell as keras.layers.RNN does
(the step's input, then one state per entry of `state_size`, as one list) and runs the
contract's cell tests on it, so a correct cell with several states has no finding and a cell
that breaks inside the RNN is found. Slow (Keras in a subprocess): listed in conftest.SLOW."""

import json

from conftest import REPO, cli

# Written for these tests (and adopted in test_audit_run): a cell with two states.
TWO_STATE_CELL = (REPO / "tests" / "hand_written" / "gated_sum_cell.py").read_text()

# One state, no `output_size` and no `get_initial_state` (keras.layers.RNN needs neither),
# read as `states[0]`: the RNN passes a single state in a list too.
ONE_STATE_CELL = """
import keras
from keras import ops


@keras.saving.register_keras_serializable(package="cells")
class LeakyCell(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.units))

    def call(self, inputs, states):
        output = 0.5 * states[0] + ops.tanh(ops.matmul(inputs, self.kernel))
        return output, [output]

    def get_config(self):
        return {**super().get_config(), "units": self.units}
"""


def audit(path):
    result = cli("audit", "--json", path)
    return result, json.loads(result.stdout)


def test_a_correct_cell_with_several_states_has_no_finding(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "gated_sum_cell.py").write_text(TWO_STATE_CELL)
    (tmp_path / "leaky_cell.py").write_text(ONE_STATE_CELL)
    result, data = audit(".")
    assert data == {"findings": [], "errors": []}, data
    assert result.exit_code == 0


def test_a_cell_that_returns_fewer_states_than_its_state_size_is_found(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # One step alone runs; inside keras.layers.RNN, the loop's two states get one back.
    broken = TWO_STATE_CELL.replace("return h, [h, c]", "return h, [h]")
    (tmp_path / "gated_sum_cell.py").write_text(broken)
    result, data = audit("gated_sum_cell.py")
    assert result.exit_code == 1
    found = {(f["check"], f["layer"]) for f in data["findings"]}
    assert found == {("rnn-cell", "GatedSumCell")}, data
    [finding] = data["findings"]
    assert "the cell does not work inside keras.layers.RNN" in finding["message"]


def test_a_cell_whose_states_disagree_with_its_state_size_is_found(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    # The carry is declared twice as wide as it is: the probe gives it that size, as the RNN would.
    broken = TWO_STATE_CELL.replace("self.state_size = [units, units]", "self.state_size = [units, 2 * units]")
    (tmp_path / "gated_sum_cell.py").write_text(broken)
    result, data = audit("gated_sum_cell.py")
    assert result.exit_code == 1
    assert [f["check"] for f in data["findings"]] == ["crashes"], data
    assert (
        data["findings"][0]["line"]
        == TWO_STATE_CELL.splitlines().index("        c = ops.sigmoid(gate) * c + ops.tanh(candidate)") + 1
    )
