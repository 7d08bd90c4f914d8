"""One fresh JAX process per test session for the contract's `keras.distribution` tests.

`keras.distribution` needs several devices, and a CPU-only JAX shows several only when
`XLA_FLAGS=--xla_force_host_platform_device_count=N` is set before JAX is imported: too late
in a test session that has imported it already, and never on the TensorFlow backend (whose
distribution_lib in Keras 3.15 is an unfinished prototype). So the tests send their layer to
a second fresh process (`_distributed.py`), started with those flags and `KERAS_BACKEND=jax`
on first need, reused for every layer of the session, and stopped when the session ends.
"""

from __future__ import annotations

import atexit
import pickle
import sys
import threading
from pathlib import Path
from typing import Any

from layergen.testing.fresh_process import LoaderError, _Loader

__all__ = ["DEVICES", "LoaderError", "check", "start", "stop"]

DEVICES = 4  # virtual CPU devices: DataParallel uses 2, ModelParallel up to 2 x 2
_SCRIPT = Path(__file__).with_name("_distributed.py")
_ENV = {
    "XLA_FLAGS": f"--xla_force_host_platform_device_count={DEVICES}",
    "JAX_PLATFORMS": "cpu",  # the virtual devices are CPU ones; a GPU would take their place
}

_current: _Loader | None = None
_lock = threading.Lock()


def start() -> _Loader:
    """The session's distribution process, started now (without waiting for it) if not running."""
    global _current
    with _lock:
        if _current is not None and _current.process.poll() is not None:
            _current.stop()
            _current = None
        if _current is None:
            _current = _Loader("jax", script=_SCRIPT, env=_ENV)
        return _current


def stop() -> None:
    """Stop the distribution process, if one runs; the next request starts a new one."""
    global _current
    with _lock:
        worker, _current = _current, None
    if worker is not None:
        worker.stop()


atexit.register(stop)


def check(mode: str, case: dict[str, Any], folder: Path, timeout: float) -> None:
    """Run the `mode` check ("data_parallel" or "model_parallel") of `case` in the JAX process.

    `case` holds the layer class, its constructor arguments, input arrays, the `keras.Input`
    specs and, for model parallelism, the declared layouts; it travels as a pickle (the class
    by reference: the process imports its module). Raises LoaderError with the process's
    traceback (a failed check is an AssertionError there), or its stderr when it died or hung.
    """
    request_file = folder / f"{mode}.pickle"
    with open(request_file, "wb") as file:
        pickle.dump(case, file)
    worker = start()
    request = {"path": [str(p) for p in sys.path], "mode": mode, "case": str(request_file)}
    try:
        answer = worker.request(request, timeout)
    except LoaderError:
        stop()
        raise
    if not answer["ok"]:
        raise LoaderError(answer["error"])
