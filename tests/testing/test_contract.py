"""layergen.testing itself: import cost, which tests a class collects, skipping and overriding one,
and the fresh process that loads `.keras` files (its early start, crash, hang, restart and shutdown).

layergen.testing is imported inside the tests: imported while pytest collects, it would start
the loader process for this session, which runs no contract test itself."""

import os
import subprocess
import sys
import textwrap
import time
from types import SimpleNamespace

import pytest
from conftest import REPO, cli, run_pytest

from layergen.contract_tests import CONTRACT_TESTS

STATE_TEST = "test_state_weights_update_in_training_and_not_in_inference"


def test_importing_the_library_imports_neither_keras_nor_numpy():
    script = "import sys, layergen.testing\nprint([m for m in ('keras', 'numpy') if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_a_test_that_does_not_apply_is_not_collected_until_a_subclass_needs_it():
    from layergen.testing import LayerContract

    class Stateless(LayerContract):
        pass

    class Stateful(Stateless):
        state = ["count"]

    class OwnStateTest(Stateless):
        def test_state_weights_update_in_training_and_not_in_inference(self):
            pass

    assert not callable(getattr(Stateless, STATE_TEST))  # pytest collects only callables
    assert getattr(Stateful, STATE_TEST) is getattr(LayerContract, STATE_TEST)
    assert getattr(OwnStateTest, STATE_TEST) is OwnStateTest.__dict__[STATE_TEST]


def test_skip_must_name_a_test_and_say_why():
    from layergen.testing import LayerContract

    with pytest.raises(TypeError, match="TestTypo.skip names 'test_save_weight_round_trip', which is not one"):

        class TestTypo(LayerContract):
            skip = {"test_save_weight_round_trip": "a typo"}

    with pytest.raises(TypeError, match=r"TestNoReason.skip\['test_save_weights_round_trip'\] must say why"):

        class TestNoReason(LayerContract):
            skip = {"test_save_weights_round_trip": " "}


PERSON_EDITS = """
    # The bias takes no part in the output on purpose (the edit to the layer above).
    skip = {"test_gradients_reach_every_trainable_weight": "the bias is unused on purpose"}

    def test_training_updates_trainable_weights_only(self):
        self.trainable = ["kernel"]  # only the kernel can learn
        super().test_training_updates_trainable_weights_only()

    def test_units_are_kept(self):
        assert self.make_layer().units == 4

    def test_records_the_loader_process(self):
        # Runs after the inherited tests, so after the .keras file test used the loader.
        assert fresh_process._current.process.pid == LOADER_STARTED_WHILE_COLLECTING
        with open(os.environ["LOADER_PID_FILE"], "w") as file:
            file.write(str(fresh_process._current.process.pid))
"""


def test_a_person_can_add_override_and_skip_contract_tests(project, monkeypatch):
    assert cli("new", REPO / "specs/examples/linear_layer.yaml").exit_code == 0
    layer = project / "layers/linear_layer.py"
    code = layer.read_text()
    assert code.count("+ self.bias\n") == 1
    layer.write_text(code.replace("+ self.bias\n", "\n"))
    test = project / "tests/test_linear_layer.py"
    imports = (
        "import os\n\nfrom layergen.testing import fresh_process\n\n"
        "LOADER_STARTED_WHILE_COLLECTING = fresh_process._current.process.pid\n"
    )
    test.write_text(imports + test.read_text() + textwrap.dedent(PERSON_EDITS).replace("\n", "\n    "))
    pid_file = project / "loader.pid"
    monkeypatch.setenv("LOADER_PID_FILE", str(pid_file))
    result = run_pytest(project, "tests", "-vv", "-rs")
    # Without the skip and the override, the gradient and training tests fail on this layer.
    assert result.returncode == 0, result.stdout[-6000:]
    assert "SKIPPED" in result.stdout and "the bias is unused on purpose" in result.stdout
    assert "::TestLinearLayer::test_units_are_kept PASSED" in result.stdout
    assert "::TestLinearLayer::test_training_updates_trainable_weights_only PASSED" in result.stdout
    assert STATE_TEST not in result.stdout  # the layer has no state weights
    loader = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):  # pytest stopped the loader at the session's end
        os.kill(loader, 0)


def test_the_contract_runs_under_xdist(project):
    assert cli("new", REPO / "specs/examples/linear_layer.yaml").exit_code == 0
    result = run_pytest(project, "tests", "-n", "2")
    assert result.returncode == 0, result.stdout[-6000:]
    assert "11 passed" in result.stdout


@pytest.fixture
def module(tmp_path, monkeypatch):
    """Write a module the loader can import (it gets this process's sys.path with each request)."""
    from layergen.testing import fresh_process

    monkeypatch.syspath_prepend(str(tmp_path))

    def write(name, source):
        (tmp_path / f"{name}.py").write_text(source)
        return name

    yield write
    fresh_process.stop()


def load(module_name, tmp_path, timeout=300):
    from layergen.testing import fresh_process

    paths = {name: tmp_path / f"{name}.file" for name in ("model", "inputs", "outputs")}
    fresh_process.load_and_predict("tensorflow", module_name, timeout=timeout, **paths)


def test_the_loader_reports_a_crash_and_a_hang_with_its_stderr_and_restarts(module, tmp_path, monkeypatch):
    from layergen.testing import fresh_process

    crash = module("crashes_on_import", "import os, sys\nsys.stderr.write('about to crash\\n')\nos._exit(3)\n")
    with pytest.raises(fresh_process.LoaderError, match=r"(?s)died \(exit status 3\).*about to crash"):
        load(crash, tmp_path)
    # A new process answers the next request: here, that the model file does not exist.
    fine = module("imports_fine", "")
    with pytest.raises(fresh_process.LoaderError, match="model.file"):
        load(fine, tmp_path)
    process = fresh_process._current.process
    hang = module("hangs_on_import", "import sys, time\nsys.stderr.write('sleeping\\n')\ntime.sleep(600)\n")
    start = time.monotonic()
    with pytest.raises(fresh_process.LoaderError, match=r"(?s)did not answer within 5 s.*sleeping"):
        load(hang, tmp_path, timeout=5)
    assert time.monotonic() - start < 60
    assert process.poll() is not None, "the hung process was not killed"
    with pytest.raises(fresh_process.LoaderError, match="model.file"):
        load(fine, tmp_path)
    # One started before the backend was known (while pytest collects) that picked another is replaced.
    fresh_process.stop()
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    fresh_process.start(None)
    with pytest.raises(fresh_process.LoaderError, match="model.file"):
        load(fine, tmp_path)
    assert fresh_process._current.backend == "tensorflow"


def test_a_session_that_runs_no_keras_file_test_stops_the_loader_started_while_collecting(monkeypatch):
    from layergen.testing import contract, fresh_process

    stopped = []
    monkeypatch.setattr(fresh_process, "stop", lambda: stopped.append(True))
    monkeypatch.setattr(fresh_process, "start", lambda backend: pytest.fail("started the loader"))
    not_a_contract_test = SimpleNamespace(cls=None, originalname="test_keras_file_loads_in_a_fresh_process")
    config = SimpleNamespace(add_cleanup=lambda cleanup: None)
    session = SimpleNamespace(stash=pytest.Stash(), items=[not_a_contract_test], config=config)
    contract._prepare_session(session)
    assert stopped


def test_docs_describe_every_contract_test():
    from layergen.testing.contract import contract_test_names

    docs = (REPO / "docs" / "contract.md").read_text()
    tests = contract_test_names()
    assert len(tests) == 35
    assert [name for name in tests if f"`{name}" not in docs] == []


def test_the_list_of_contract_tests_that_generating_reads_is_current():
    from layergen.testing.contract import contract_test_names

    assert list(CONTRACT_TESTS) == contract_test_names(), "update layergen/contract_tests.py"


def test_contract_test_names_is_the_order_pytest_collects_the_tests_in(tmp_path):
    from layergen.testing.contract import contract_test_names

    # A class every contract test applies to, so that pytest collects all of them.
    (tmp_path / "test_everything.py").write_text(
        "from layergen.testing import LayerContract\n\n\n"
        "class TestEverything(LayerContract):\n"
        "    trainable = ['kernel']\n    state = ['count']\n    regularized = ['kernel']\n"
        "    sublayers = ['inner']\n    uses_mask = True\n    output_mask = 'keep'\n"
        "    array_weights = {'table': 'initial_table'}\n    invalid_arguments = [('units', 0, 'no')]\n"
        "    given_constants = ['mean']\n"
        "    layouts = {'kernel': (None, 'model')}\n    random = True\n    state_size = output_size = 4\n    call_losses = 1\n    call_kwargs = {'reverse': True}\n    weight_shapes = {'kernel': (3, 4)}\n    call_output_shape = (2, 3)\n"
        "    initializer_parts = {'bias': {'argument': 'bias_initializer', 'axis': 0, 'own': [], 'when': {}, 'otherwise': None}}\n"
        "    non_trainable = ['count']\n    adapt = {'count': ('count', (1,))}\n"
    )
    result = run_pytest(tmp_path, "--collect-only", "test_everything.py", timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    collected = [line.split("::")[-1].split("[")[0] for line in result.stdout.splitlines() if "::" in line]
    assert collected == contract_test_names()
