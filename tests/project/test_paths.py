"""`display_path`: the one way a path is shown, relative to a folder with '/'."""

import os
from pathlib import Path

import pytest

from layergen.errors import LayergenError
from layergen.paths import display_path
from layergen.project.settings import Project
from layergen.writing import read_text


def test_a_path_under_the_root_is_shown_from_it(tmp_path):
    assert display_path(tmp_path / "specs" / "a.yaml", tmp_path) == "specs/a.yaml"
    assert display_path(str(tmp_path / "specs" / "a.yaml"), tmp_path) == "specs/a.yaml"


def test_a_path_outside_the_root_is_shown_whole_or_climbing(tmp_path):
    outside = tmp_path.parent / "elsewhere" / "b.yaml"
    assert display_path(outside, tmp_path) == outside.as_posix()
    assert display_path(outside, tmp_path, climb=True) == "../elsewhere/b.yaml"


def test_a_relative_path_is_taken_from_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert display_path(Path("specs") / "a.yaml", tmp_path) == "specs/a.yaml"
    assert display_path(tmp_path / "pyproject.toml", Path.cwd(), climb=True) == "pyproject.toml"


def test_the_root_itself_and_a_name_that_only_starts_like_it(tmp_path):
    assert display_path(tmp_path, tmp_path) == "."
    sibling = Path(str(tmp_path) + "-other") / "c.yaml"
    assert display_path(sibling, tmp_path) == sibling.as_posix()


def test_project_display_is_display_path_from_its_root(tmp_path):
    project = Project(tmp_path, tmp_path / "specs", tmp_path / "layers", tmp_path / "tests", "pkg", "layers")
    for path in (tmp_path / "layers" / "x.py", tmp_path.parent / "y.py", os.fspath(tmp_path / "z.py")):
        assert project.display(path) == display_path(path, tmp_path)


def test_a_file_layergen_cannot_read_is_shown_from_the_current_folder_as_every_path_is(tmp_path, monkeypatch):
    (tmp_path / "layers").mkdir()
    latin1 = tmp_path / "layers" / "café.py"
    latin1.write_bytes("x = 'café'\n".encode("latin-1"))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(LayergenError) as raised:
        read_text(latin1)
    assert str(raised.value) == "layers/café.py: is not UTF-8 text (invalid continuation byte at byte 8)"
    monkeypatch.chdir(tmp_path / "layers")
    with pytest.raises(LayergenError) as raised:
        read_text(latin1)
    assert str(raised.value).startswith("café.py: is not UTF-8 text")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    with pytest.raises(LayergenError) as raised:
        read_text(latin1)
    assert raised.value.problems[0].file == display_path(latin1, elsewhere) == latin1.as_posix()
