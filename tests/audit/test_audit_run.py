"""`layergen audit` running the layer contract on classes in a fresh process, and `layergen
adopt` end to end: each corrected hand-written layer becomes a spec whose generated layer passes
its contract and its parity test. Slow (Keras in subprocesses): listed in conftest.SLOW."""

import json
import re
import shutil
import subprocess
import sys
import textwrap

import pytest
from conftest import REPO, cli, run_pytest

HAND_WRITTEN = REPO / "examples" / "hand_written"


def audit_json(*args):
    result = cli("audit", "--json", *args)
    return result, json.loads(result.stdout)


def test_the_run_finds_what_the_source_does_not_show_and_corrected_layers_pass(monkeypatch):
    monkeypatch.chdir(REPO)
    result, data = audit_json("examples/hand_written/broken/bare_constant_layer.py")
    assert result.exit_code == 1
    found = {(f["check"], f["line"]) for f in data["findings"]}
    assert ("constant-as-tensor", 13) in found
    assert ("mixed-precision", 16) not in found  # explained by the bare tensor at line 13
    result, data = audit_json("examples/hand_written/corrected")
    assert data == {"findings": [], "errors": []}
    assert result.exit_code == 0


def test_a_layer_that_resolves_data_format_as_keras_does_has_no_finding(monkeypatch):
    """`data_format=None` becomes `image_data_format()` in Keras's layers and in generated
    ones: audit passes the resolved value, so keeping it in the config is no mistake."""
    monkeypatch.chdir(REPO)
    result, data = audit_json("examples/layers/global_average_pooling.py")
    assert data == {"findings": [], "errors": []}
    assert result.exit_code == 0


def test_a_mistake_only_a_run_shows_is_found(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    source = (HAND_WRITTEN / "corrected" / "fixed_bias_linear.py").read_text()
    # get_config built from a dict the source does not show: only the run sees `bias_value` missing.
    source = source.replace(
        'config.update({"units": self.units, "bias_value": self.bias_value})', "config.update(self._saved)"
    )
    source = source.replace(
        "        self.units = units\n", '        self.units = units\n        self._saved = {"units": units}\n'
    )
    (tmp_path / "hidden_config.py").write_text(source)
    result, data = audit_json("hidden_config.py")
    assert result.exit_code == 1
    checks = {(f["check"], f["line"]) for f in data["findings"]}
    assert ("config-missing-argument", 34) in checks, data  # the line of get_config


BAD_CLASSES = """
import os
import time

import keras


@keras.saving.register_keras_serializable(package="bad")
class Crashes(keras.layers.Layer):
    def call(self, inputs):
        raise RuntimeError("boom")


@keras.saving.register_keras_serializable(package="bad")
class Hangs(keras.layers.Layer):
    def call(self, inputs):
        while True:
            time.sleep(1)


@keras.saving.register_keras_serializable(package="bad")
class Exits(keras.layers.Layer):
    def call(self, inputs):
        os._exit(3)


@keras.saving.register_keras_serializable(package="bad")
class Prints(keras.layers.Layer):
    def call(self, inputs):
        print("hello from call")
        return inputs

    def compute_output_shape(self, input_shape):
        return input_shape
"""


def test_a_class_that_crashes_hangs_exits_or_prints_is_reported_and_the_others_still_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.py").write_text(textwrap.dedent(BAD_CLASSES))
    result, data = audit_json("--timeout", "20", "bad.py")
    assert result.exit_code == 1, result.stderr
    found = {(f["layer"], f["check"], f["line"]) for f in data["findings"]}
    assert ("Crashes", "crashes", 11) in found
    assert ("Hangs", "hangs", 15) in found
    assert ("Exits", "crashes", 22) in found
    assert ("Prints", "prints", 30) in found
    hang = next(f for f in data["findings"] if f["check"] == "hangs")
    assert "did not finish calling the layer in 20 s" in hang["message"]
    exits = next(f for f in data["findings"] if f["layer"] == "Exits")
    assert "the Python process died while calling the layer (exit status 3)" in exits["message"]


def test_a_module_that_fails_to_import_exits_2_located(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "broken_import.py").write_text("import keras\n\n\nclass A(keras.layers.Layer):\n    pass\n\n1 / 0\n")
    result = cli("audit", "broken_import.py")
    assert result.exit_code == 2
    assert "broken_import.py:7: importing it fails: ZeroDivisionError" in result.stderr


def test_audit_imports_no_backend_in_layergens_own_process(tmp_path):
    code = (
        "import sys; from layergen.audit.command import audit; from layergen.audit.runner import RunOptions; "
        f"result = audit([{str(HAND_WRITTEN / 'corrected' / 'scalable_layer.py')!r}], RunOptions()); "
        "assert result.exit_code == 0, [l.text for l in result.lines]; "
        "loaded = [m for m in ('keras', 'tensorflow', 'jax', 'torch') if m in sys.modules]; "
        "assert not loaded, loaded"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-3000:]


@pytest.fixture
def adopted_project(tmp_path):
    """A project whose layers/ holds the corrected hand-written layers, each adopted, then `new`."""
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\n\n[tool.layergen]\nspecs = "specs"\nlayers = "layers"\ntests = "tests"\n'
    )
    shutil.copytree(HAND_WRITTEN / "corrected", tmp_path / "layers")
    # Keras-style layers too: a Dense with a gated bias, a sub-layer, masking.
    for module in (REPO / "tests" / "hand_written").glob("*.py"):
        shutil.copy(module, tmp_path / "layers" / module.name)
    return tmp_path


def test_each_correct_layer_is_adopted_and_passes_its_contract_and_parity_test(adopted_project, monkeypatch):
    monkeypatch.chdir(adopted_project)
    for module in sorted((adopted_project / "layers").glob("*.py")):
        result = cli("adopt", f"layers/{module.name}")
        assert result.exit_code == 0, result.stderr
        assert "not translated" not in result.stderr
    result = cli("new")
    assert result.exit_code == 0, result.stderr
    count = len(list((adopted_project / "layers").glob("*.py")))
    assert result.stdout.count("updated layers/") == count  # each hand-written file taken over
    parity = sorted(p.name for p in (adopted_project / "tests").glob("test_*_parity.py"))
    assert len(parity) == count
    run = run_pytest(adopted_project, "tests", "-x")
    assert run.returncode == 0, run.stdout[-5000:]
    passed = re.search(r"(\d+) passed", run.stdout)
    assert passed and int(passed.group(1)) > count * 3, run.stdout[-2000:]  # contract and parity tests ran
