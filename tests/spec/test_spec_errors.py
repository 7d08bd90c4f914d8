"""Bad specs: each problem is one line `file:line:column: field: message`, exit code 1,
and nothing is written for the spec."""

import importlib.util

import pytest
from conftest import REPO, cli
from error_catalog import CASES, PROJECT_CASES, PYPROJECT_HEAD, SETTINGS_CASES, VALID, spec_bytes, spec_with


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_bad_spec_gets_one_located_line_and_writes_nothing(project, text, expected):
    (project / "demo.yaml").write_bytes(spec_bytes(text))
    result = cli("new", "demo.yaml")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(expected), lines[0]
    assert "Traceback" not in result.output
    assert not (project / "layers").exists() and not (project / "tests").exists()


@pytest.mark.parametrize(("files", "expected"), PROJECT_CASES)
def test_a_mistake_between_specs_gets_one_located_line_and_writes_nothing(project, files, expected):
    for name, text in files.items():
        (project / name).write_text(text)
    for command in ("validate", "new"):
        result = cli(command, "demo.yaml")
        assert result.exit_code == 1
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith(expected), lines[0]
        assert "Traceback" not in result.output and "jinja" not in result.output
    assert not (project / "layers").exists() and not (project / "tests").exists()


@pytest.mark.parametrize(("settings", "expected"), SETTINGS_CASES)
def test_bad_setting_gets_one_located_line_and_writes_nothing(project, settings, expected):
    (project / "pyproject.toml").write_text(PYPROJECT_HEAD + settings)
    (project / "demo.yaml").write_text(VALID)
    result = cli("new", "demo.yaml")
    assert result.exit_code == 2  # settings that stop the command
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(expected), lines[0]
    assert "Traceback" not in result.output
    assert not (project / "layers").exists() and not (project.parent / "elsewhere").exists()


def test_valid_base_spec_generates(project):
    (project / "demo.yaml").write_text(VALID)
    result = cli("new", "demo.yaml")
    assert result.exit_code == 0, result.output
    assert (project / "layers" / "demo.py").is_file()
    assert (project / "tests" / "test_demo.py").is_file()


def test_every_problem_of_a_spec_is_reported(project):
    text = spec_with("initializer: glorot_uniform", "initializer: glorot_unifrom").replace(
        "[input_dim, units]", "[input_dim, unit]"
    )
    (project / "demo.yaml").write_text(text)
    result = cli("validate", "demo.yaml")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert [line.split(": ")[1] for line in lines] == ["weights.kernel.shape[1]", "weights.kernel.initializer"]


def test_other_specs_are_still_generated(project):
    (project / "good.yaml").write_text(VALID)
    (project / "bad.yaml").write_text(
        spec_with("layer: Demo", "layer: Bad").replace("units]\n    initializer", "unit]\n    initializer")
    )
    result = cli("new", "good.yaml", "bad.yaml")
    assert result.exit_code == 1
    assert (project / "layers" / "demo.py").is_file()
    assert not (project / "layers" / "bad.py").exists()
    assert result.stderr.startswith("bad.yaml:12:")


def test_error_docs_are_current():
    spec = importlib.util.spec_from_file_location("update_error_docs", REPO / "scripts" / "update_error_docs.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    assert (
        REPO / "docs" / "errors.md"
    ).read_text() == script.render(), "run `.venv/bin/python scripts/update_error_docs.py`"


def test_missing_spec_file(project):
    result = cli("new", "nope.yaml")
    assert result.exit_code == 2  # the command cannot run
    assert result.stderr.strip() == "nope.yaml: no such spec file or folder"


def test_a_mistake_is_reported_wherever_it_matters(project):
    (project / "demo.yaml").write_text(spec_with("    min: 1\n", "    min: 1\n    default: null\n"))
    result = cli("validate", "demo.yaml")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "demo.yaml:13:24: weights.kernel.shape[1]: argument 'units' is not an integer that is never None, so it cannot size a dimension",
        "demo.yaml:18:28: output_shape[2]: argument 'units' is not an integer that is never None, so it cannot size a dimension",
    ]


def test_deep_nesting_is_one_line(project):
    (project / "deep.yaml").write_text("layer: " + "[" * 3000 + "]" * 3000 + "\n")
    result = cli("validate", "deep.yaml")
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("deep.yaml:"), result.stderr
    assert "Traceback" not in result.output


def test_a_spec_file_name_cannot_inject_code(project):
    name = 'x\nimport os; os.system("echo PWNED")\n#.yaml'
    (project / name).write_text(VALID)
    assert cli("new", name).exit_code == 0
    code = (project / "layers" / "demo.py").read_text()
    assert "\nimport os" not in code
    assert code.splitlines()[0] == '# Generated by layergen from x\\nimport os; os.system("echo PWNED")\\n#.yaml.'


def test_a_layers_module_that_is_not_an_import_path_is_refused(project):
    (project / "demo.yaml").write_text(VALID)
    result = cli("new", "demo.yaml", "--layers-dir", "my-layers")
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("my-layers: 'my-layers' is not an importable module path")
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + 'layers_module = "os import system\\nsystem(1)\\nfrom os"\n')
    result = cli("new", "demo.yaml")
    assert result.exit_code == 2  # the project's settings: the command cannot run
    assert "is not an importable module path" in result.stderr
    assert not (project / "tests").exists()


def test_multi_line_strings_in_call_keep_their_text(project):
    (project / "demo.yaml").write_text(spec_with("  outputs = ops", '  note = """first\n  second"""\n  outputs = ops'))
    assert cli("new", "demo.yaml").exit_code == 0
    assert '        note = """first\nsecond"""\n' in (project / "layers" / "demo.py").read_text()


def test_the_names_a_generated_test_imports_are_reserved_for_classes():
    """A layer class named like one of them would replace it in its own test module."""
    import ast

    from layergen.spec.names import TEST_MODULE_NAMES

    imported = set()
    for test_module in sorted((REPO / "examples" / "tests").glob("test_*.py")):
        for node in ast.parse(test_module.read_text()).body:
            if isinstance(node, ast.ImportFrom) and node.module == "layergen.testing":
                imported.update(alias.asname or alias.name for alias in node.names)
    assert {"Input", "LayerContract"} <= imported <= TEST_MODULE_NAMES


def test_a_shape_expression_with_a_huge_value_is_a_located_error(project):
    # 20 factors of 20 digits: far over any test budget, and 400 digits long.
    huge = " * ".join(["units"] * 20)
    text = spec_with("shape: [input_dim, units]", f'shape: [input_dim, "{huge}"]')
    (project / "demo.yaml").write_text(text + "test: {arguments: {units: 99999999999999999999}}\n")
    result = cli("validate", "demo.yaml")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "demo.yaml:12:24: weights.kernel.shape[1]: is a 400-digit number with the test sizes" in result.stderr


def test_the_longest_class_name_allowed_gives_files_that_can_be_written(project):
    longest = "A" + "a" * 222  # module name of 223 characters
    (project / "demo.yaml").write_text(spec_with("layer: Demo", f"layer: {longest}"))
    result = cli("new", "demo.yaml")
    assert result.exit_code == 0, result.output
    assert (project / "tests" / f"test_{longest.lower()}.py").is_file()
    (project / "demo.yaml").write_text(spec_with("layer: Demo", f"layer: {longest}a"))
    result = cli("new", "demo.yaml")
    assert result.exit_code == 1
    assert result.stderr.startswith("demo.yaml:1:8: layer: class name is too long: its module name has 224 characters")
