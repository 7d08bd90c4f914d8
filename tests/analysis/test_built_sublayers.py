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


HIGHWAY = """\
layer: Highway
summary: A highway layer, `t * relu(W x) + (1 - t) * x` with a learned gate `t`.
inputs:
  inputs:
    shape: [batch, width]
arguments:
  gate_bias: {type: float, default: -2.0}
layers:
  transform:
    class: Dense
    arguments: {units: $width, activation: relu}
  gate:
    class: Dense
    arguments:
      units: $width
      activation: sigmoid
      bias_initializer: {name: constant, value: $gate_bias}
      kernel_regularizer: {name: l2, l2: 0.001}
call: |
  gate = self.gate(inputs)
  return gate * self.transform(inputs) + (1.0 - gate) * inputs
output_shape: [batch, width]
"""


def test_a_sublayer_argument_takes_an_initializer_or_regularizer_mapping(project, monkeypatch):
    monkeypatch.syspath_prepend(str(project))
    (project / "specs" / "highway.yaml").write_text(HIGHWAY)
    result = cli("new", "specs/highway.yaml")
    assert result.exit_code == 0, result.output
    code = (project / "layers" / "highway.py").read_text()
    assert "bias_initializer=keras.initializers.Constant(value=self.gate_bias)" in code
    assert "kernel_regularizer=keras.regularizers.L2(l2=0.001)" in code
    try:
        layer = importlib.import_module("layers.highway").Highway(gate_bias=-3.0)
        layer.build((2, 4))
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer.gate.bias), np.full(4, -3.0, "float32"))
        layer(np.ones((2, 4), "float32"))
        assert len(layer.losses) == 1  # the gate's kernel regularizer
    finally:
        for name in [m for m in sys.modules if m == "layers" or m.startswith("layers.")]:
            del sys.modules[name]


def test_a_mapping_that_reads_an_input_dimension_makes_its_sublayer_in_build(project, monkeypatch):
    """`value: $input_dim ** -0.5` is known in `build` alone: the sub-layer is made there,
    never in `__init__`, where the name does not exist."""
    monkeypatch.syspath_prepend(str(project))
    spec = HIGHWAY.replace("{name: constant, value: $gate_bias}", "{name: constant, value: $width ** -0.5}")
    spec = spec.replace("      units: $width\n", "      units: 4\n")  # the mapping alone reads the width
    (project / "specs" / "highway.yaml").write_text(spec)
    assert cli("new", "specs/highway.yaml").exit_code == 0
    try:
        layer = importlib.import_module("layers.highway").Highway(gate_bias=-3.0)
        assert not hasattr(layer, "gate"), "made before the input's size is known"
        layer.build((2, 4))
        np.testing.assert_allclose(keras.ops.convert_to_numpy(layer.gate.bias), np.full(4, 0.5, "float32"))
    finally:
        for name in [m for m in sys.modules if m == "layers" or m.startswith("layers.")]:
            del sys.modules[name]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "{name: constant, value: $gate_bias}",
            "{name: konstant, value: $gate_bias}",
            "layers.gate.arguments.bias_initializer.name: unknown initializer 'konstant' (did you mean 'constant'?)",
        ),
        (
            "activation: sigmoid",
            "activation: {name: sigmoid}",
            "layers.gate.arguments.activation: a mapping is an initializer, regularizer or constraint, for an "
            "argument whose name ends in _initializer, _regularizer or _constraint",
        ),
        (
            "{name: l2, l2: 0.001}",
            "{name: l2, l3: 0.001}",
            "layers.gate.arguments.kernel_regularizer.l3: unknown argument of L2 'l3'; known: l2",
        ),
    ],
)
def test_a_bad_keras_object_mapping_is_one_located_line(project, old, new, message):
    (project / "demo.yaml").write_text(HIGHWAY.replace(old, new))
    result = cli("validate", "demo.yaml")
    assert result.exit_code == 1
    assert [line.split(": ", 1)[1] for line in result.stderr.strip().splitlines()] == [message]


def test_a_repeated_sublayer_sized_by_the_input_is_a_list_made_in_build(project, monkeypatch):
    spec = SPEC.replace(
        "  fixed:\n", "  blocks:\n    class: Dense\n    arguments: {units: $width}\n    repeat: factor\n  fixed:\n"
    )
    (project / "specs" / "gated_projection.yaml").write_text(spec)
    result = cli("new", "specs/gated_projection.yaml")
    assert result.exit_code == 0, result.output
    monkeypatch.syspath_prepend(str(project))
    try:
        layer = importlib.import_module("layers.gated_projection").GatedProjection(factor=3)
        layer.build((2, 5))
        assert [block.name for block in layer.blocks] == ["blocks_0", "blocks_1", "blocks_2"]
        assert all(block.built and block.units == 5 for block in layer.blocks)
    finally:
        for name in [m for m in sys.modules if m == "layers" or m.startswith("layers.")]:
            del sys.modules[name]
