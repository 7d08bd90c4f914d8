"""The project lock: one run at a time, never left held by a run that died."""

import signal
import subprocess
import sys
import time

import pytest

from layergen.errors import LayergenError
from layergen.project.lock import LOCK_PATH, OsLock, project_lock

HOLD = """
import sys, time
from pathlib import Path
from layergen.project.lock import OsLock
lock = OsLock(Path(sys.argv[1]))
assert lock.acquire(timeout=0)
print("held", flush=True)
time.sleep(60)
"""


@pytest.fixture
def holder(tmp_path):
    """Another process holding the project's lock; the test may kill it."""
    (tmp_path / ".layergen").mkdir()
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path / LOCK_PATH)], stdout=subprocess.PIPE)
    assert process.stdout is not None and process.stdout.readline() == b"held\n"
    yield process
    process.kill()
    process.wait()


def test_a_lock_held_by_another_process_makes_a_run_wait_then_give_up(tmp_path, holder, monkeypatch):
    monkeypatch.setenv("LAYERGEN_LOCK_TIMEOUT", "0.2")
    notices = []
    start = time.monotonic()
    with (
        pytest.raises(LayergenError, match="another layergen run held this project for 0.2 s"),
        project_lock(tmp_path, writes=True, on_wait=notices.append),
    ):
        pass
    assert time.monotonic() - start >= 0.2
    assert notices == ["waiting for another layergen run in this project to finish (up to 0.2 s)"]
    assert OsLock(tmp_path / LOCK_PATH).acquire(timeout=0) is False  # still the other's


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_killed_run_leaves_the_lock_free(tmp_path, holder, monkeypatch):
    monkeypatch.setenv("LAYERGEN_LOCK_TIMEOUT", "30")
    notices = []
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    with project_lock(tmp_path, writes=True, on_wait=notices.append):
        assert OsLock(tmp_path / LOCK_PATH).acquire(timeout=0) is False  # ours now
    assert notices == []
    lock = OsLock(tmp_path / LOCK_PATH)
    assert lock.acquire(timeout=0)  # let go when the run ended
    lock.release()


def test_the_lock_serializes_runs_of_one_process(tmp_path):
    second = OsLock(tmp_path / LOCK_PATH)
    with project_lock(tmp_path, writes=True):
        assert second.acquire(timeout=0.1) is False
    assert second.acquire(timeout=0)
    second.release()


def test_a_read_only_run_goes_on_without_a_project_folder(tmp_path):
    with project_lock(tmp_path, writes=False):
        pass
    assert not (tmp_path / ".layergen").exists()
