"""`layergen init`: settings and pytest's import path merged into pyproject.toml with a TOML
writer, keeping everything else in the file as it was."""

import os
import subprocess
import sys
import tomllib

import pytest
from conftest import cli, python_path

from layergen.commands.pyproject_edit import NUMPY_ARRAY_FILTER, import_root


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_an_empty_folder_gets_settings_pythonpath_and_next_steps(folder):
    result = cli("init")
    assert result.exit_code == 0, result.output
    assert (folder / "pyproject.toml").read_text() == (
        '[tool.layergen]\nspecs = "specs"\nlayers = "layers"\ntests = "tests"\n\n'
        '[tool.pytest.ini_options]\npythonpath = ["."]\n' + FILTER
    )
    assert result.stdout.splitlines() == [
        "wrote pyproject.toml ([tool.layergen]; [tool.pytest.ini_options] pythonpath += '.'; "
        "[tool.pytest.ini_options] filterwarnings += NumPy 2's __array__ warning)",
        "wrote .layergen/spec.schema.json (the spec format, for editors)",
        "wrote specs/scaled_dense.yaml",
        "next: layergen new   (writes layers/ and tests/)",
        "then: pytest         (runs the generated tests)",
        'formatter: black; for ruff (much faster), add formatter = "ruff" to [tool.layergen] and `pip install ruff`',
    ]
    assert (folder / "layers").is_dir() and (folder / "tests").is_dir()


FILTER = f"filterwarnings = [{NUMPY_ARRAY_FILTER!r}]\n".replace("'", '"')  # what `init` adds to pytest's settings


MINE = """\
# my project
[project]
name = "demo"   # keep this comment
dependencies = ["keras>=3"]

[tool.black]
line-length = 99

[build-system]
requires = ["hatchling"]
"""


def test_an_existing_pyproject_keeps_every_line(folder):
    (folder / "pyproject.toml").write_text(MINE)
    result = cli("init", "--layers", "src/demo/layers", "--package", "demo")
    assert result.exit_code == 0, result.output
    assert (folder / "pyproject.toml").read_text() == MINE.replace(
        "line-length = 99\n\n",
        "line-length = 99\n\n"
        '[tool.layergen]\nspecs = "specs"\nlayers = "src/demo/layers"\ntests = "tests"\npackage = "demo"\n\n'
        '[tool.pytest.ini_options]\npythonpath = ["src"]\n' + FILTER + "\n",
    )
    assert result.stdout.startswith("updated pyproject.toml ([tool.layergen]; [tool.pytest.ini_options] pythonpath")


def test_tool_tables_split_across_the_file(folder):
    text = '[tool.black]\nx = 1\n\n[project]\nname = "a"\n\n[tool.pytest.ini_options]\naddopts = "-q"\n'
    (folder / "pyproject.toml").write_text(text)
    assert cli("init").exit_code == 0
    written = (folder / "pyproject.toml").read_text()
    assert written.startswith('[tool.black]\nx = 1\n\n[tool.layergen]\nspecs = "specs"\n')
    assert written.endswith(
        '[project]\nname = "a"\n\n[tool.pytest.ini_options]\naddopts = "-q"\npythonpath = ["."]\n' + FILTER
    )


def test_a_backslash_in_a_folder_name_is_quoted_as_toml_requires(folder):
    assert cli("init", "--layers", "src\\pkg", "--tests", 'te"sts').exit_code == 0
    settings = tomllib.loads((folder / "pyproject.toml").read_text())["tool"]["layergen"]
    assert (settings["layers"], settings["tests"]) == ("src\\pkg", 'te"sts')


@pytest.mark.parametrize(
    ("pytest_settings", "merged"),
    [
        (
            '[tool.pytest.ini_options]\naddopts = "-q"\npythonpath = ["lib"]\n',
            {"addopts": "-q", "pythonpath": ["lib", "."]},
        ),
        ('[tool.pytest.ini_options]\npythonpath = ["./"]\n', {"pythonpath": ["./"]}),
        ("[tool.pytest.ini_options]\nminversion = '8'\n", {"minversion": "8", "pythonpath": ["."]}),
        (
            f'[tool.pytest.ini_options]\nfilterwarnings = ["error", "{NUMPY_ARRAY_FILTER}"]\n',
            {"pythonpath": ["."], "filterwarnings": ["error"]},  # the filter is there already: not twice
        ),
    ],
)
def test_existing_pytest_settings_are_merged(folder, pytest_settings, merged):
    (folder / "pyproject.toml").write_text(pytest_settings)
    assert cli("init").exit_code == 0
    merged = {**merged, "filterwarnings": [*merged.get("filterwarnings", []), NUMPY_ARRAY_FILTER]}
    assert tomllib.loads((folder / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"] == merged


def test_pytest_9_native_table_is_used_when_the_project_has_one(folder):
    (folder / "pyproject.toml").write_text("[tool.pytest]\nminversion = '9'\n")
    assert cli("init").exit_code == 0
    assert tomllib.loads((folder / "pyproject.toml").read_text())["tool"]["pytest"] == {
        "minversion": "9",
        "pythonpath": ["."],
        "filterwarnings": [NUMPY_ARRAY_FILTER],
    }


@pytest.mark.parametrize(
    ("name", "text"), [("pytest.ini", "[pytest]\n"), ("tox.ini", "[tox]\n\n[pytest]\naddopts = -q\n")]
)
def test_pytest_settings_in_another_file_are_left_alone_with_a_warning(folder, name, text):
    (folder / name).write_text(text)
    result = cli("init", "--layers", "src/pkg/layers")
    assert result.exit_code == 0, result.output
    assert "pytest" not in tomllib.loads((folder / "pyproject.toml").read_text())["tool"]
    assert result.stderr == (
        f"pytest reads its settings from {name}: add 'src' to its pythonpath there, "
        "or the generated tests cannot import the layers (and, for quiet test runs, "
        f"filterwarnings = {NUMPY_ARRAY_FILTER})\n"
    )
    assert (folder / name).read_text() == text


@pytest.mark.parametrize("text", ['[tool.pytest.ini_options]\npythonpath = "lib"\n', "[tool]\npytest = 3\n"])
def test_pytest_settings_it_cannot_extend_are_left_alone_with_a_warning(folder, text):
    (folder / "pyproject.toml").write_text(text)
    result = cli("init")
    assert result.exit_code == 0, result.output
    assert (folder / "pyproject.toml").read_text().startswith(text + "\n[tool.layergen]\n")
    assert "cannot add '.' to pytest's pythonpath" in result.stderr and "add it yourself" in result.stderr


def test_a_tox_ini_without_pytest_settings_does_not_matter(folder):
    (folder / "tox.ini").write_text("[tox]\nenvlist = py311\n")
    assert cli("init").exit_code == 0
    assert tomllib.loads((folder / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"] == {
        "pythonpath": ["."],
        "filterwarnings": [NUMPY_ARRAY_FILTER],
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[tool.layergen]\n", "pyproject.toml: [tool.layergen] is already there; this project is set up"),
        ("[project\n", "pyproject.toml: cannot read pyproject.toml: "),
        ("tool = 3\n", "pyproject.toml: [tool] must be a table"),
        ("tool = {black = {x = 1}}\n", "pyproject.toml: [tool] must be a table"),
    ],
)
def test_init_refuses_and_changes_nothing(folder, text, message):
    (folder / "pyproject.toml").write_text(text)
    result = cli("init")
    assert result.exit_code == 2
    assert result.stderr.startswith(message)
    assert (folder / "pyproject.toml").read_text() == text
    assert not (folder / "specs").exists()


def test_an_unreadable_pyproject_is_a_located_problem(folder):
    (folder / "pyproject.toml").write_bytes(b'name = "\xff"\n')
    result = cli("init")
    assert (result.exit_code, result.stderr) == (
        2,
        "pyproject.toml: cannot read pyproject.toml: 'utf-8' codec can't decode byte 0xff in position 8: "
        "invalid start byte\n",
    )
    (folder / "pyproject.toml").unlink()
    (folder / "pyproject.toml").mkdir()
    result = cli("init")
    assert (result.exit_code, result.stderr) == (2, "pyproject.toml: cannot read pyproject.toml: Is a directory\n")


@pytest.mark.parametrize(
    ("layers", "root"),
    [("layers", "."), ("src/pkg/layers", "src"), ("pkg/nn", "."), ("src", "."), ("../shared/layers", "../shared")],
)
def test_import_root_matches_how_the_tests_import_the_layers(layers, root):
    assert import_root(layers) == root


def test_generated_tests_import_their_layer_with_only_pytest_settings(folder):
    """pytest run without the current folder on sys.path (as the `pytest` command does)."""
    assert cli("init").exit_code == 0
    assert cli("new").exit_code == 0
    env = {**os.environ, "PYTHONPATH": python_path()}  # the suite's layergen, not the project's folder
    collect = "import sys, pytest; sys.exit(pytest.main(['--collect-only', '-q', '-p', 'no:cacheprovider']))"
    result = subprocess.run([sys.executable, "-P", "-c", collect], cwd=folder, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "tests/test_scaled_dense.py::TestScaledDense::test_" in result.stdout
