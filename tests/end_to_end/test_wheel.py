"""Templates and the contract library ship inside the wheel: a spec renders from an installed wheel,
away from the checkout."""

import subprocess
import sys
import zipfile

from conftest import REPO


def test_wheel_contains_templates_and_renders_a_spec(tmp_path):
    build = subprocess.run(
        [sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(tmp_path / "dist")],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr
    (wheel,) = (tmp_path / "dist").glob("layergen-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        assert {
            "layergen/render/templates/layer.py.jinja",
            "layergen/render/templates/test_layer.py.jinja",
            "layergen/keras_vocabulary.json",
            # The contract the generated tests inherit, and the script of its fresh process.
            "layergen/testing/__init__.py",
            "layergen/testing/contract.py",
            "layergen/testing/base.py",
            "layergen/testing/core_tests.py",
            "layergen/testing/fresh_process.py",
            "layergen/testing/_loader.py",
        } <= names
        archive.extractall(tmp_path / "site")  # what installing a wheel puts in site-packages
    work = tmp_path / "work"
    work.mkdir()
    (work / "scalable.yaml").write_text((REPO / "specs/examples/scalable_layer.yaml").read_text())
    script = (
        "import layergen, layergen.render.renderer, layergen.testing, sys\n"
        "assert layergen.testing.fresh_process._SCRIPT.is_file()\n"
        "from layergen.cli.app import app\n"
        "assert layergen.__file__.startswith(sys.argv[1]), layergen.__file__\n"
        "assert str(layergen.render.renderer.builtin_template_dir()).startswith(sys.argv[1])\n"
        "app(['new', 'scalable.yaml'])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "site")],
        cwd=work,
        env={"PYTHONPATH": str(tmp_path / "site"), "PATH": ""},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "class ScalableLayer(keras.layers.Layer):" in (work / "layers" / "scalable_layer.py").read_text()
    assert "class TestScalableLayer(LayerContract):" in (work / "tests" / "test_scalable_layer.py").read_text()
