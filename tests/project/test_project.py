"""`[tool.layergen]` settings: validated, located at their key's line, and never a way to
make layergen write outside the project."""

import pytest
from conftest import cli
from error_catalog import VALID

from layergen.errors import LayergenError
from layergen.project.settings import find_project

HEAD = '[project]\nname = "demo"\n\n[tool.layergen]\nspecs = "specs"\n'  # the settings start on line 5


def problems(tmp_path, settings: str, head: str = HEAD) -> list[str]:
    (tmp_path / "pyproject.toml").write_text(head + settings)
    with pytest.raises(LayergenError) as caught:
        find_project(tmp_path)
    return [str(p).replace(str(tmp_path), "ROOT") for p in caught.value.problems]


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (
            'layer = "out"\n',
            "pyproject.toml:6:1: tool.layergen.layer: unknown setting 'layer' (did you mean 'layers'?)",
        ),
        (
            'colour = "red"\n',
            "pyproject.toml:6:1: tool.layergen.colour: unknown setting 'colour'; known: specs, layers, tests,"
            " package, layers_module, templates, allow_outside_root, formatter",
        ),
        ("tests = 3\n", "pyproject.toml:6:1: tool.layergen.tests: expected a string; found 3"),
        ('allow_outside_root = "yes"\n', "pyproject.toml:6:1: tool.layergen.allow_outside_root: expected true or"),
        ('  package = "a b"\n', "pyproject.toml:6:3: tool.layergen.package: package must be letters, digits"),
        ('package = "pkg\\n"\n', "pyproject.toml:6:1: tool.layergen.package: package must be letters"),
        ('package = "1pkg"\n', "pyproject.toml:6:1: tool.layergen.package: package must be letters"),
        (
            'layers_module = "os import system\\nsystem(1)"\n',
            "pyproject.toml:6:1: tool.layergen.layers_module: 'os import system\\nsystem(1)' is not an importable",
        ),
        (
            'layers = "src/my-pkg/layers"\n',
            "pyproject.toml:6:1: tool.layergen.layers: 'my-pkg.layers' is not an importable module path (made from"
            " this folder); set layers_module",
        ),
        ('templates = "nowhere"\n', "pyproject.toml:6:1: tool.layergen.templates: no such folder 'nowhere'"),
        ('layers = ""\n', "pyproject.toml:6:1: tool.layergen.layers: layers must name a folder; found ''"),
        ('tests = "a\\u0000b"\n', "pyproject.toml:6:1: tool.layergen.tests: tests must name a folder"),
    ],
)
def test_a_bad_setting_is_one_located_line_on_its_key(tmp_path, settings, expected):
    (found,) = problems(tmp_path, settings)
    assert found.startswith(expected), found
    assert "\n" not in found


@pytest.mark.parametrize("folder", ["../elsewhere", "/tmp/elsewhere", "src/../../elsewhere", "a/../../../x"])
@pytest.mark.parametrize("key", ["layers", "tests"])
def test_output_folders_outside_the_project_are_refused(tmp_path, key, folder):
    (found,) = problems(tmp_path, f'{key} = "{folder}"\n')
    assert found.startswith(f"pyproject.toml:6:1: tool.layergen.{key}: '{folder}' is outside the project folder")
    assert "allow_outside_root = true" in found


def test_a_symbolic_link_out_of_the_project_is_outside_it(tmp_path):
    outside = tmp_path.parent / f"{tmp_path.name}-outside"
    outside.mkdir()
    (tmp_path / "out").symlink_to(outside, target_is_directory=True)
    (found,) = problems(tmp_path, 'layers = "out/layers"\n')
    assert "'out/layers' is outside the project folder (it leads to ROOT-outside/layers)" in found


def test_allow_outside_root_lets_output_go_elsewhere(tmp_path):
    (tmp_path / "pyproject.toml").write_text(HEAD + 'layers = "../elsewhere"\nallow_outside_root = true\n')
    project = find_project(tmp_path)
    assert project.layers == tmp_path / "../elsewhere"


def test_folders_inside_the_project_are_fine(tmp_path):
    (tmp_path / "pyproject.toml").write_text(HEAD + 'layers = "src/demo/../demo/nn"\ntests = "./tests/nn"\n')
    project = find_project(tmp_path)
    assert project.layers_module == "demo.nn"
    assert project.tests == tmp_path / "tests/nn"


def test_every_bad_setting_is_reported_together(tmp_path):
    found = problems(tmp_path, 'layers = "../x"\ntests = "/abs"\npackage = "a b"\n')
    assert [p.split(": ")[1] for p in found] == [
        "tool.layergen.layers",
        "tool.layergen.tests",
        "tool.layergen.package",
    ]
    assert [p.split(":")[1] for p in found] == ["6", "7", "8"]


def test_a_toml_syntax_error_is_located(tmp_path):
    (found,) = problems(tmp_path, "layers = \n")
    assert found.startswith("pyproject.toml:6:10: cannot read pyproject.toml: ")


def test_a_project_name_that_is_no_package_name_gives_a_valid_default(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "3d-layers"\n')
    assert find_project(tmp_path).package == "_3d_layers"


def test_layergen_new_writes_nothing_outside_the_project(tmp_path):
    project = tmp_path / "project"
    (project / "specs").mkdir(parents=True)
    (project / "specs" / "demo.yaml").write_text(VALID)
    (project / "pyproject.toml").write_text(HEAD + 'layers = "../stolen"\n')
    import os

    os.chdir(project)
    result = cli("new")
    assert result.exit_code == 2  # settings with problems: the command cannot run
    assert result.stderr.startswith("pyproject.toml:6:1: tool.layergen.layers: '../stolen' is outside")
    assert "Traceback" not in result.output
    assert not (tmp_path / "stolen").exists()
