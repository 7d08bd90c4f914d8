"""Symbolic links inside the project: move detection, ownership, writes and removals agree
on what a path is (each resolved once, every link followed), so no arrangement of links
loses a file or its hand edits (issue 19)."""

import os

import pytest
from conftest import REPO, cli
from regen_support import CALL, edit

LINEAR = (REPO / "specs" / "examples" / "linear_layer.yaml").read_text()
MINE = "        # mine\n" + CALL


@pytest.fixture
def nested(tmp_path, monkeypatch):
    """A project whose outputs go to generated/layers and generated/tests, generated once."""
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\n\n[tool.layergen]\nspecs = "specs"\n'
        'layers = "generated/layers"\ntests = "generated/tests"\n'
    )
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "linear.yaml").write_text(LINEAR)
    monkeypatch.chdir(tmp_path)
    assert cli("new").exit_code == 0
    return tmp_path


def _link(path, target):
    path.symlink_to(os.path.relpath(target, path.parent), target_is_directory=target.is_dir())


def _settled(project):
    """Runs after the first change nothing, and the project is current."""
    again = cli("new")
    assert again.exit_code == 0, again.output
    assert "moved" not in again.stdout and "wrote" not in again.stdout and "removed" not in again.stdout
    assert cli("check").exit_code == 0


def test_a_layers_folder_swapped_for_a_link_after_generation_loses_nothing(nested):
    (nested / "generated" / "layers").rename(nested / "other")
    _link(nested / "generated" / "layers", nested / "other")
    edit(nested / "other" / "linear_layer.py", CALL, MINE)
    assert "moved" not in cli("status").stdout
    result = cli("new")
    assert result.exit_code == 0, result.output
    assert "moved" not in result.stdout
    assert MINE in (nested / "other" / "linear_layer.py").read_text(), "the hand-edited layer is kept"
    _settled(nested)
    edit(nested / "specs" / "linear.yaml", "summary: ", "summary: Changed. ")
    result = cli("new")
    assert "merged (your edits kept) other/linear_layer.py" in result.stdout
    assert MINE in (nested / "other" / "linear_layer.py").read_text()


def test_a_tests_folder_linked_to_the_layers_folder_both_inside_the_project(nested):
    # Both ends of the link are the project's output folders.
    layers, tests = nested / "generated" / "layers", nested / "generated" / "tests"
    (tests / "test_linear_layer.py").rename(layers / "test_linear_layer.py")
    tests.rmdir()
    _link(tests, layers)
    result = cli("new")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in layers.iterdir()) == ["linear_layer.py", "test_linear_layer.py"]
    _settled(nested)


def test_a_folder_that_is_a_link_from_the_start(tmp_path, monkeypatch):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\n\n[tool.layergen]\nspecs = "specs"\n')
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "linear.yaml").write_text(LINEAR)
    (tmp_path / "real").mkdir()
    _link(tmp_path / "layers", tmp_path / "real")
    monkeypatch.chdir(tmp_path)
    assert cli("new").exit_code == 0
    assert (tmp_path / "real" / "linear_layer.py").is_file()
    edit(tmp_path / "real" / "linear_layer.py", CALL, MINE)
    _settled(tmp_path)
    # A renamed class moves its file inside the linked folder, edits and all.
    edit(tmp_path / "specs" / "linear.yaml", "layer: LinearLayer", "layer: RenamedLayer")
    result = cli("new")
    assert result.exit_code == 0, result.output
    assert MINE in (tmp_path / "real" / "renamed_layer.py").read_text()
    assert not (tmp_path / "real" / "linear_layer.py").exists()
    _settled(tmp_path)


def test_a_layer_file_that_is_a_link_to_a_file_inside_the_project(nested):
    layer = nested / "generated" / "layers" / "linear_layer.py"
    shared = nested / "shared" / "linear_layer.py"
    shared.parent.mkdir()
    layer.rename(shared)
    _link(layer, shared)
    edit(shared, CALL, MINE)
    edit(nested / "specs" / "linear.yaml", "summary: ", "summary: Changed. ")
    result = cli("new")
    assert result.exit_code == 0, result.output
    assert layer.is_symlink(), "the link stays a link"
    assert MINE in shared.read_text() and "Changed." in shared.read_text()
    _settled(nested)


def test_no_run_deletes_a_file_it_is_also_writing(nested):
    # A renamed layer whose old path is a link to its new path: one file, two names.
    layers = nested / "generated" / "layers"
    edit(layers / "linear_layer.py", CALL, MINE)
    (layers / "linear_layer.py").rename(layers / "renamed_layer.py")
    _link(layers / "linear_layer.py", layers / "renamed_layer.py")
    edit(nested / "specs" / "linear.yaml", "layer: LinearLayer", "layer: RenamedLayer")
    result = cli("new")
    assert result.exit_code == 0, result.output
    assert (layers / "renamed_layer.py").is_file()
    assert MINE in (layers / "renamed_layer.py").read_text()
    assert "class RenamedLayer" in (layers / "renamed_layer.py").read_text()
