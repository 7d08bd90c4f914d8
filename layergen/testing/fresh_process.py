"""One fresh Python process per test session that loads `.keras` files for the contract.

Proving that a saved model loads without `custom_objects` needs a process that never saw the
layer class except through importing its module. Starting a new interpreter (and Keras) for
every layer costs seconds each; this keeps one such process (`_loader.py`) for the whole
session and sends it one request per layer, so a load costs milliseconds. The process uses the
test's Keras backend; it is started on first need, restarted after it dies, killed when it
does not answer in time, and stopped when the pytest session ends (or the interpreter exits).
"""

from __future__ import annotations

import atexit
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

_SCRIPT = Path(__file__).with_name("_loader.py")
# `-c` rather than running the script by path: that would put this folder first on sys.path.
_BOOT = "import runpy, sys; runpy.run_path(sys.argv[1], run_name='__main__')"
_STDERR_TAIL = 6000


class LoaderError(Exception):
    """The fresh process failed, died or did not answer; the message says how, with its stderr."""


class _Loader:
    """A running `_loader.py` process: its pipes, a thread reading its answers, its stderr file."""

    def __init__(self, backend: str, script: Path = _SCRIPT, env: dict[str, str] | None = None):
        self.backend = backend
        self.stderr = tempfile.TemporaryFile(mode="w+b")  # noqa: SIM115 - it lives as long as the process
        self.process: subprocess.Popen[str] = subprocess.Popen(
            [sys.executable, "-c", _BOOT, str(script)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            env={**os.environ, **(env or {}), "KERAS_BACKEND": backend},
            text=True,
        )
        self.answers: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read_answers, daemon=True).start()
        self.ready = False

    def _read_answers(self):
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.answers.put(line)
        self.answers.put(None)  # end of file: the process has died

    def answer(self, timeout: float) -> dict:
        try:
            line = self.answers.get(timeout=timeout)
        except queue.Empty:
            tail = self.stderr_tail()
            self.stop(kill=True)
            raise LoaderError(f"the fresh process did not answer within {timeout:g} s\n{tail}") from None
        if line is None:
            code = self.process.wait()
            raise LoaderError(f"the fresh process died (exit status {code})\n{self.stderr_tail()}")
        return json.loads(line)

    def request(self, message: dict, timeout: float) -> dict:
        if not self.ready:
            ready = self.answer(timeout)
            if ready.get("ready") != self.backend:
                raise LoaderError(f"the fresh process runs Keras backend {ready.get('ready')!r}, not {self.backend!r}")
            self.ready = True
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps(message) + "\n")
            self.process.stdin.flush()
        except OSError:
            pass  # it died; reading its answer reports how
        return self.answer(timeout)

    def stderr_tail(self) -> str:
        self.stderr.flush()
        self.stderr.seek(0, os.SEEK_END)
        size = self.stderr.tell()
        self.stderr.seek(max(0, size - _STDERR_TAIL))
        return "stderr (last lines):\n" + self.stderr.read().decode(errors="replace")

    def stop(self, kill: bool = False):
        if self.process.poll() is None:
            if not kill and self.process.stdin is not None:
                try:
                    self.process.stdin.close()  # end of input: it leaves its loop and exits
                    self.process.wait(timeout=10)
                except (OSError, subprocess.TimeoutExpired):
                    pass
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait()
        self.stderr.close()


_current: _Loader | None = None
_lock = threading.Lock()


def start(backend: str) -> _Loader:
    """The session's loader for `backend`, started now (without waiting for it) if not running."""
    global _current
    with _lock:
        if _current is not None and (_current.process.poll() is not None or _current.backend != backend):
            _current.stop(kill=True)
            _current = None
        if _current is None:
            _current = _Loader(backend)
        return _current


def stop():
    """Stop the loader, if one runs; the next request starts a new one."""
    global _current
    with _lock:
        loader, _current = _current, None
    if loader is not None:
        loader.stop()


atexit.register(stop)  # pytest stops it at the session's end; this covers other ways out


def load_and_predict(backend: str, module: str, model: Path, inputs: Path, outputs: Path, timeout: float):
    """In the fresh process: import `module`, load `model`, predict on the `inputs` .npz into `outputs`.

    Raises LoaderError with the fresh process's traceback, or with its stderr when it died or
    hung (a hung process is killed).
    """
    loader = start(backend)
    request = {
        "path": [str(p) for p in sys.path],
        "module": module,
        "model": str(model),
        "inputs": str(inputs),
        "outputs": str(outputs),
    }
    try:
        answer = loader.request(request, timeout)
    except LoaderError:
        stop()
        raise
    if not answer["ok"]:
        raise LoaderError(answer["error"])
