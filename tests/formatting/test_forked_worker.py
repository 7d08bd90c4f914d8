"""The forked worker that loads black beside a small `layergen new` (`layergen.formatting.worker`)."""

import subprocess
import sys
import time

import pytest

from layergen.formatting import worker as forked_worker
from layergen.formatting.formatter import black_format

pytestmark = pytest.mark.skipif(not forked_worker.available(), reason="the forked worker is for Linux")


def _noop() -> None:
    pass


def _fail(text: str) -> str:
    raise ValueError(f"cannot take {text!r}")


def test_jobs_come_back_in_order_and_failures_where_they_are_asked_for():
    worker = forked_worker.ForkedWorker(_noop)
    first = worker.submit(black_format, "x = {'a':1}\n")
    failing = worker.submit(_fail, "y")
    second = worker.submit(black_format, "def f( a ):\n  return a\n")
    assert first.result() == 'x = {"a": 1}\n'
    assert second.result() == "def f(a):\n    return a\n"
    with pytest.raises(ValueError, match="cannot take 'y'"):
        failing.result()
    worker.shutdown()


def test_a_worker_asked_for_nothing_is_stopped_at_once():
    worker = forked_worker.ForkedWorker(lambda: time.sleep(30))  # still "loading black"
    start = time.monotonic()
    worker.shutdown()
    assert time.monotonic() - start < 5


def test_a_killed_parent_leaves_no_worker_behind(tmp_path):
    """The child reads end-of-file on its job pipe when the parent dies, and leaves."""
    script = (
        "import os, sys\n"
        "from layergen.formatting import worker as forked_worker\n"
        "worker = forked_worker.ForkedWorker(lambda: None)\n"
        "print(worker._pid, flush=True)\n"
        "os._exit(0)\n"  # as a killed layergen: no shutdown
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    child = int(done.stdout)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _alive(child):
        time.sleep(0.05)
    assert not _alive(child), "the worker outlived its parent"


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False
