import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from layergen.cli.app import app
from layergen.spec.names import snake_case

REPO = Path(__file__).resolve().parents[1]
EXAMPLE_SPECS = sorted((REPO / "specs" / "examples").glob("*.yaml"))
TEST_SPECS = sorted((REPO / "tests" / "specs").glob("*.yaml"))

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@pytest.fixture
def project(tmp_path, monkeypatch):
    """An empty project folder with a pyproject.toml, as the current directory."""
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "demo"\n\n[tool.layergen]\nspecs = "specs"\n')
    (tmp_path / "specs").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def cli(*args):
    """Run the CLI in-process; returns the click Result (exit_code, stdout, stderr)."""
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)


def generated_class(project: Path, spec_name: str, text: str, class_name: str) -> type:
    """`layergen new` in `project` on the spec `text` (as specs/<spec_name>.yaml), then the
    generated class, from its module imported under a name of its own."""
    (project / "specs" / f"{spec_name}.yaml").write_text(text)
    result = cli("new")
    assert result.exit_code == 0, result.output
    path = project / "layers" / f"{snake_case(class_name)}.py"
    spec = importlib.util.spec_from_file_location(f"generated_{path.stem}_{len(sys.modules)}", path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, class_name)


# The suite's own PYTHONPATH, made absolute while the current folder is still the one it was
# started in (a test may change it, and a fresh process may run elsewhere).
SUITE_PYTHONPATH = [os.path.abspath(entry) for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep) if entry]


def python_path(*folders) -> str:
    """PYTHONPATH for a fresh process: `folders` first, then the suite's own, so that the
    process imports the layergen this suite imports (a worktree's, say, where the environment
    has another checkout installed)."""
    return os.pathsep.join(dict.fromkeys([*map(str, folders), *SUITE_PYTHONPATH]))


def run_pytest(folder: Path, *args, timeout=900):
    """Run pytest on a generated project in a fresh process (as a user would)."""
    env = {**os.environ, "PYTHONPATH": python_path(folder)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(folder), *map(str, args)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# What the fast loop (`sh scripts/dev.sh test -m "not slow"`) leaves out: tests that run
# generated tests or Keras in subprocesses, build wheels or virtual environments, fuzz at
# length, or kill processes on purpose. The README's test command still runs everything.
SLOW = (
    "examples/tests/",
    "tests/testing/test_generated_layers.py",
    "tests/audit/test_parity",
    "tests/testing/test_distribution.py",
    "tests/end_to_end/test_newcomer.py",
    "tests/testing/test_backends.py::test_examples_pass_on_jax",
    "tests/testing/test_backends.py::test_examples_pass_on_torch",
    "tests/testing/test_backends.py::test_keras_own_tests_pass_on_jax_and_torch",
    "tests/testing/test_contract.py::test_the_contract_runs_under_xdist",
    "tests/testing/test_contract.py::test_a_person_can_add_override_and_skip_contract_tests",
    "tests/testing/test_contract.py::test_the_loader_reports_a_crash_and_a_hang",
    "tests/end_to_end/test_properties.py::test_broken_specs_get_located_errors_and_no_traceback",
    "tests/end_to_end/test_properties.py::test_accepted_specs_give_code_that_compiles_is_black_clean_and_imports",
    "tests/end_to_end/test_properties.py::test_hostile_sub_layers_do_nothing_beyond_their_fields",
    "tests/update/test_faults.py::test_kill",
    "tests/spec/test_vocabulary.py::test_the_script_reads_another_environments_layer_attributes",
    "tests/commands/test_init.py::test_generated_tests_import_their_layer_with_only_pytest_settings",
    "tests/end_to_end/test_code_quality.py",
    "tests/testing/test_layer_behaviour.py",
    "tests/show/test_show.py::test_show_reports_exactly_what_keras_counts_for_every_example",
    "tests/show/test_show.py::test_show_itself_imports_no_backend_and_words_a_refused_argument",
    "tests/audit/test_audit_run.py",
    "tests/audit/test_audit_cells.py",
)


def pytest_collection_modifyitems(items):
    for item in items:
        if item.nodeid.startswith(SLOW):
            item.add_marker(pytest.mark.slow)
