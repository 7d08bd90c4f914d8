"""Sub-layers sized by the input (`$hidden_dim` where `hidden_dim` is an input dimension): created
in `build` from the input shape, gated or repeated like the others, saved and loaded."""

import importlib
import sys

import keras
import numpy as np
import pytest

from conftest import cli

SPEC = """\
layer: GatedProjection
summary: Projects back to the input's width through a wider hidden layer.
arguments:
  factor: {type: int, min: 1, default: 2}
  use_gate: {type: bool, default: true}
inputs:
  inputs:
    shape: [batch, width]
layers:
  hidden:
    class: Dense
    arguments: {units: $width * factor, activation: relu}
  back:
    class: Dense
    arguments: {units: $width}
    build: [batch, width * factor]
  gate:
    class: Dense
    arguments: {units: $width, activation: sigmoid}
    when: use_gate
  fixed:
    class: Dense
    arguments: {units: 3}
call: |
  outputs = self.back(self.hidden(inputs))
  if self.gate is not None:
      outputs = outputs * self.gate(inputs)
  return outputs + 0.0 * ops.sum(self.fixed(inputs))
output_shape: [batch, width]
"""


@pytest.fixture
def gated_projection(project, monkeypatch):
    monkeypatch.syspath_prepend(str(project))
    (project / "specs" / "gated_projection.yaml").write_text(SPEC)
    result = cli("new", "specs/gated_projection.yaml")
    assert result.exit_code == 0, result.output
    yield importlib.import_module("layers.gated_projection").GatedProjection, project
    for name in [m for m in sys.modules if m == "layers" or m.startswith("layers.")]:
        del sys.modules[name]


def test_sublayers_reading_a_dimension_are_created_in_build(gated_projection):
    GatedProjection, project = gated_projection
    code = (project / "layers" / "gated_projection.py").read_text()
    init, build = code.split("def build(")[0], code.split("def build(")[1].split("def call(")[0]
    assert "self.fixed = keras.layers.Dense(" in init  # its arguments read no input dimension
    for name in ("hidden", "back", "gate"):
        assert f"self.{name} =" not in init and f"self.{name} = keras.layers.Dense(" in build, name
    layer = GatedProjection(factor=3)
    assert not hasattr(layer, "hidden")
    layer.build((2, 5))
    assert (layer.hidden.units, layer.back.units, layer.gate.units) == (15, 5, 5)
    assert layer.hidden.built and layer.back.built and layer.gate.built
    layer = GatedProjection(use_gate=False)
    layer.build((2, 4))
    assert layer.gate is None and layer.back.units == 4


def test_a_layer_with_sublayers_made_in_build_saves_and_loads(gated_projection, tmp_path):
    GatedProjection, _ = gated_projection
    inputs = keras.Input(shape=(6,))
    model = keras.Model(inputs, GatedProjection()(inputs))
    for index, weight in enumerate(model.weights):
        weight.assign(np.random.default_rng(index).normal(size=weight.shape).astype("float32"))
    x = np.random.default_rng(9).normal(size=(4, 6)).astype("float32")
    expected = keras.ops.convert_to_numpy(model(x))
    model.save(tmp_path / "model.keras")  # load_model runs build again (build_from_config), then loads
    loaded = keras.models.load_model(tmp_path / "model.keras")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(loaded(x)), expected, rtol=1e-6)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "units: $width * factor,",
            "units: $width * factr,",
            "layers.hidden.arguments.units: unknown dimension or int argument 'factr' (did you mean 'factor'?)",
        ),
        (
            "  factor: {type: int, min: 1, default: 2}",
            "  factor: {type: float, min: 1, default: 2.0}",
            "layers.hidden.arguments.units: argument 'factor' is not an integer that is never None, so it cannot size a layer",
        ),
    ],
)
def test_a_bad_dimension_reference_is_one_located_line(project, old, new, message):
    (project / "demo.yaml").write_text(SPEC.replace(old, new).replace("    build: [batch, width * factor]\n", ""))
    result = cli("validate", "demo.yaml")
    assert result.exit_code == 1
    assert [line.split(": ", 1)[1] for line in result.stderr.strip().splitlines()] == [message]
