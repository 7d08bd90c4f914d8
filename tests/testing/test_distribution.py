"""The contract's keras.distribution tests prove something: they pass on a generated layer with
weight layouts and fail when its `get_layout_map` has one of the mistakes a hand-written one
makes. They run on JAX (in the contract's fresh process with virtual devices), so the
generated tests run here with KERAS_BACKEND=jax."""

import pytest
from conftest import REPO, cli, run_pytest

MODEL_PARALLEL = "test_weights_are_sharded_as_declared_under_model_parallel"
DATA_PARALLEL = "test_trains_and_predicts_under_data_parallel"


@pytest.fixture
def sharded_dense(project, monkeypatch):
    """ShardedDense generated into a project; the generated tests will run on JAX."""
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    result = cli("new", REPO / "specs" / "examples" / "sharded_dense.yaml")
    assert result.exit_code == 0, result.output
    return project


def test_both_distribution_tests_pass_on_jax(sharded_dense):
    result = run_pytest(sharded_dense, "tests", "-k", f"{DATA_PARALLEL} or {MODEL_PARALLEL}")
    assert result.returncode == 0, result.stdout[-6000:]
    assert "2 passed" in result.stdout and "skipped" not in result.stdout, result.stdout[-6000:]


# (text in the generated layer, replacement): each must fail the model-parallel test.
MUTATIONS = [
    pytest.param(
        'layout_map[f"(?:.*/)?{layer_name}/bias"] = ("model",)',
        'layout_map[f"(?:.*/)?{layer_name}/bias"] = (None,)',
        id="layout-differs-from-the-spec",
    ),
    pytest.param(
        'default_name = "sharded_dense(?:_[0-9]+)?"',
        'default_name = "sharded_dense"',
        id="default-name-misses-keras-suffixes",
    ),
    pytest.param(
        "else re.escape(layer_name)",
        "else layer_name",
        id="layer-name-used-as-a-regex",
    ),
]


@pytest.mark.parametrize(("old", "new"), MUTATIONS)
def test_the_model_parallel_test_catches_the_mistake(sharded_dense, old, new):
    layer = sharded_dense / "layers" / "sharded_dense.py"
    code = layer.read_text()
    assert code.count(old) == 1, "the mutation no longer applies to sharded_dense.py"
    layer.write_text(code.replace(old, new))
    result = run_pytest(sharded_dense, "tests", "-k", MODEL_PARALLEL, "-rf")
    assert result.returncode == 1, result.stdout[-6000:]
    assert f"FAILED tests/test_sharded_dense.py::TestShardedDense::{MODEL_PARALLEL}" in result.stdout


def test_on_tensorflow_the_distribution_tests_skip_with_the_reason(sharded_dense, monkeypatch):
    monkeypatch.setenv("KERAS_BACKEND", "tensorflow")
    result = run_pytest(sharded_dense, "tests", "-k", f"{DATA_PARALLEL} or {MODEL_PARALLEL}", "-rs")
    assert result.returncode == 0, result.stdout[-6000:]
    assert "2 skipped" in result.stdout
    assert "keras.distribution on TensorFlow is an unfinished prototype" in result.stdout
