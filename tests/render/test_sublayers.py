"""Generated composite layers (`layers:`) beyond what their generated tests check: own weights
beside sub-layers in checkpoints, gated sub-layers, and the project's own classes."""

import importlib
import sys

import keras
import numpy as np
import pytest
from conftest import REPO, cli


@pytest.fixture
def generate(project, monkeypatch):
    """Generate specs into the temporary project; returns a function importing a layer class."""
    monkeypatch.syspath_prepend(str(project))

    def run(*specs):
        result = cli("new", *specs)
        assert result.exit_code == 0, result.output

    yield run
    for name in [m for m in sys.modules if m == "layers" or m.startswith("layers.")]:
        del sys.modules[name]


def layer_class(module: str, name: str):
    return getattr(importlib.import_module(f"layers.{module}"), name)


def model_of(layer):
    inputs = keras.Input(shape=(3,))
    return keras.Model(inputs, layer(inputs))


def test_own_weights_and_two_dense_sublayers_save_and_load(generate, tmp_path):
    generate(REPO / "tests/specs/scaled_two_dense.yaml")
    ScaledTwoDense = layer_class("scaled_two_dense", "ScaledTwoDense")
    model = model_of(ScaledTwoDense(units=2))
    for index, weight in enumerate(model.weights):
        weight.assign(np.random.default_rng(index).normal(size=weight.shape).astype("float32"))
    x = np.random.default_rng(9).normal(size=(4, 3)).astype("float32")
    expected = keras.ops.convert_to_numpy(model(x))
    # Saving every weight by name into one store would fail: both Dense have a `kernel`.
    model.save(tmp_path / "model.keras")
    loaded = keras.models.load_model(tmp_path / "model.keras")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(loaded(x)), expected, rtol=1e-6)
    model.save_weights(tmp_path / "model.weights.h5")
    fresh = model_of(ScaledTwoDense(units=2))
    fresh.load_weights(tmp_path / "model.weights.h5")
    np.testing.assert_allclose(keras.ops.convert_to_numpy(fresh(x)), expected, rtol=1e-6)


def test_a_gated_sublayer_is_none_when_its_argument_is_false(generate):
    generate(REPO / "tests/specs/scaled_two_dense.yaml")
    ScaledTwoDense = layer_class("scaled_two_dense", "ScaledTwoDense")
    layer = ScaledTwoDense(units=2, use_second=False)
    layer(np.zeros((1, 3), "float32"))
    assert layer.second is None
    assert [w.path.split("/", 1)[1] for w in layer.weights] == ["scale", "first/kernel", "first/bias"]
    clone = ScaledTwoDense.from_config(layer.get_config())
    assert clone.second is None


def test_a_layer_of_the_project_is_imported_from_its_generated_module(generate):
    generate(REPO / "specs/examples/residual_block.yaml", REPO / "specs/examples/residual_stack.yaml")
    ResidualStack = layer_class("residual_stack", "ResidualStack")
    ResidualBlock = layer_class("residual_block", "ResidualBlock")
    layer = ResidualStack(num_blocks=3)
    layer.build((None, 5))
    assert [type(block) for block in layer.blocks] == [ResidualBlock] * 3
    assert [block.name for block in layer.blocks] == ["blocks_0", "blocks_1", "blocks_2"]
    assert len(layer.weights) == 6


def test_a_missing_project_class_is_a_located_error(project):
    spec = (REPO / "specs/examples/residual_stack.yaml").read_text()
    (project / "specs" / "residual_stack.yaml").write_text(spec)
    result = cli("new", "specs/residual_stack.yaml")
    assert result.exit_code == 1
    assert "specs/residual_stack.yaml:24:12: layers.blocks.class: unknown layer class 'ResidualBlock'" in result.stderr
