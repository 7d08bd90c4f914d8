"""One fresh Python process per test session that loads `.keras` files for the contract.

Proving that a saved model loads without `custom_objects` needs a process that never saw the
layer class except through importing its module. Starting a new interpreter (and Keras) for
every layer costs seconds each; this keeps one such process (`_loader.py`) for the whole
session and sends it one request per layer, so a load costs milliseconds. The process uses the
test's Keras backend; it is started early (while pytest collects, so that its Keras import
overlaps the session's), restarted after it dies, killed when it does not answer in time, and
killed when the pytest session ends (or the interpreter exits).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

_SCRIPT = Path(__file__).with_name("_loader.py")
# `-c` rather than running the script by path: that would put this folder first on sys.path.
_BOOT = "import runpy, sys; runpy.run_path(sys.argv[1], run_name='__main__')"
_STDERR_TAIL = 6000


class LoaderError(Exception):
    """The fresh process failed, died or did not answer; the message says how, with its stderr."""


class _Loader:
    """A running `_loader.py` process: its pipes, a thread reading its answers, its stderr file."""

    def __init__(self, backend: str | None, script: Path = _SCRIPT, env: dict[str, str] | None = None):
        # None: the backend Keras picks from the environment, as in this process; known when ready.
        self.backend = backend
        forced = {} if backend is None else {"KERAS_BACKEND": backend}
        self.stderr = tempfile.TemporaryFile(mode="w+b")  # noqa: SIM115 - it lives as long as the process
        self.process: subprocess.Popen[str] = subprocess.Popen(
            [sys.executable, "-c", _BOOT, str(script)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            env={**os.environ, **(env or {}), **forced},
            text=True,
        )
        self.answers: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read_answers, daemon=True).start()
        self.ready = False

    def _read_answers(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.answers.put(line)
        self.answers.put(None)  # end of file: the process has died

    def answer(self, timeout: float) -> dict[str, Any]:
        try:
            line = self.answers.get(timeout=timeout)
        except queue.Empty:
            tail = self.stderr_tail()
            self.stop()
            raise LoaderError(f"the fresh process did not answer within {timeout:g} s\n{tail}") from None
        if line is None:
            code = self.process.wait()
            raise LoaderError(f"the fresh process died (exit status {code})\n{self.stderr_tail()}")
        message: dict[str, Any] = json.loads(line)
        return message

    def wait_ready(self, timeout: float) -> str | None:
        """Wait for the process to have imported Keras; the backend it runs."""
        if not self.ready:
            ready = self.answer(timeout).get("ready")
            if self.backend is not None and ready != self.backend:
                raise LoaderError(f"the fresh process runs Keras backend {ready!r}, not {self.backend!r}")
            self.backend, self.ready = ready, True
        return self.backend

    def request(self, message: dict[str, Any], timeout: float) -> dict[str, Any]:
        self.wait_ready(timeout)
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

    def stop(self) -> None:
        """Kill the process: it holds nothing to save, and Keras's own shutdown takes a second."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for stream in (self.process.stdin, self.stderr):
            # Closing flushes what was written to the dead process's pipe: that may fail.
            with contextlib.suppress(OSError):
                if stream is not None:
                    stream.close()


_current: _Loader | None = None
_lock = threading.Lock()


def start(backend: str | None) -> _Loader:
    """The session's loader for `backend`, started now (without waiting for it) if not running.

    None: the backend Keras picks from the environment, for a start before this process
    has imported Keras; a loader started so is kept for any backend until it is ready.
    """
    global _current
    with _lock:
        dead = _current is not None and _current.process.poll() is not None
        other = _current is not None and None not in (backend, _current.backend) and _current.backend != backend
        if _current is not None and (dead or other):
            _current.stop()
            _current = None
        if _current is None:
            _current = _Loader(backend)
        return _current


def stop() -> None:
    """Stop the loader, if one runs; the next request starts a new one."""
    global _current
    with _lock:
        loader, _current = _current, None
    if loader is not None:
        loader.stop()


atexit.register(stop)  # pytest stops it at the session's end; this covers other ways out


def start_early() -> None:
    """Start the loader before a test needs it, in the backend this process has or will have."""
    keras = sys.modules.get("keras")
    start(keras.backend.backend() if keras is not None else None)


def load_and_predict(backend: str, module: str, model: Path, inputs: Path, outputs: Path, timeout: float) -> None:
    """In the fresh process: import `module`, load `model`, predict on the `inputs` .npz into the `outputs` .npz
    (one array per output).

    Raises LoaderError with the fresh process's traceback, or with its stderr when it died or
    hung (a hung process is killed).
    """
    request = {
        "path": [str(p) for p in sys.path],
        "module": module,
        "model": str(model),
        "inputs": str(inputs),
        "outputs": str(outputs),
    }
    try:
        loader = start(backend)
        if loader.wait_ready(timeout) != backend:  # started early, it picked another backend
            stop()
            loader = start(backend)
        answer = loader.request(request, timeout)
    except LoaderError:
        stop()
        raise
    if not answer["ok"]:
        raise LoaderError(answer["error"])
