"""Which files are a project's specs: every `*.yaml` / `*.yml` file under a folder, found
by walking it (symbolic links to files followed, to folders not), each once."""

import os
import sys
from pathlib import Path

import pytest

from layergen.project.locations import real_path, resolved_project
from layergen.project.settings import find_project
from layergen.project.spec_files import spec_files


def reference(folder: Path) -> list[Path]:
    """What `spec_files` gave when it was written with `Path.rglob` (before the fast path)."""
    files = sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    unique: dict[Path, Path] = {}
    for file in files:
        unique.setdefault(file.resolve(), real_path(file))
    return list(unique.values())


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links")
def test_a_folder_gives_what_rglob_gave(project, tmp_path_factory):
    specs = project / "specs"
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "outside.yaml").write_text("layer: Outside\n")
    (elsewhere / "deep").mkdir()
    (elsewhere / "deep" / "deeper.yaml").write_text("layer: Deeper\n")
    for name in ["b.yaml", "a.yml", "a-b.yaml", ".hidden.yaml", ".yaml", "c.YAML", "d.yaml.txt", "e.json"]:
        (specs / name).write_text("layer: X\n")
    (specs / "a").mkdir()
    (specs / "a" / "b.yaml").write_text("layer: AB\n")
    (specs / "a" / "z").mkdir()
    (specs / "a" / "z" / "c.yaml").write_text("layer: AZC\n")
    (specs / "folder.yaml").mkdir()  # a folder with a spec's name is no spec
    (specs / "folder.yaml" / "inside.yaml").write_text("layer: Inside\n")
    os.symlink(elsewhere / "outside.yaml", specs / "linked.yaml")  # a link to a file: a spec
    os.symlink(specs / "b.yaml", specs / "again.yaml")  # the same spec twice: once
    os.symlink(elsewhere / "deep", specs / "linked_folder")  # a link to a folder: not followed
    os.symlink(project / "missing.yaml", specs / "dangling.yaml")  # a link to nothing: no spec
    found = spec_files([], resolved_project(find_project()))
    assert found == reference(specs)
    names = [p.relative_to(specs).as_posix() for p in found]
    # Sorted as paths are (`a/b` before `a-b`); b.yaml is found first as again.yaml, its link.
    assert names == [".hidden.yaml", "a/b.yaml", "a/z/c.yaml", "a-b.yaml", "a.yml", "again.yaml",
                     "folder.yaml/inside.yaml", "linked.yaml"]  # fmt: skip
    assert found[names.index("linked.yaml")] == specs.resolve() / "linked.yaml", "known by its own name"


@pytest.mark.skipif(sys.platform == "win32", reason="symbolic links")
def test_a_folder_reached_through_a_link_gives_resolved_paths(project, tmp_path_factory):
    real = tmp_path_factory.mktemp("real")
    (real / "one.yaml").write_text("layer: One\n")
    os.symlink(real, project / "link")
    found = spec_files([Path("link")], resolved_project(find_project()))
    assert found == [real.resolve() / "one.yaml"] == reference(Path("link"))
