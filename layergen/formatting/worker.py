"""One forked process that loads black while layergen generates a few specs.

A process pool (`concurrent.futures`) costs ~20 ms to start: importing multiprocessing and
its queues, threads and locks. For the one or two specs of a typical `layergen new`, that
is time on the critical path, spent before black can even begin loading. `os.fork` costs a
millisecond: the child loads black (and warms it up) on the second core while the parent
loads the generator; the parent then sends every job at once and reads the answers.

The protocol is two pipes and pickles. The child reads all the jobs before it answers any,
so neither side can block on a full pipe while the other waits for it. A killed parent
closes its end of the job pipe, so the child reads end-of-file and leaves. Linux only (as
the pool, fork is the start method here); elsewhere layergen uses the pool.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
from collections.abc import Callable
from typing import Any


def available() -> bool:
    return sys.platform == "linux"


class ForkedWorker:
    """`submit` jobs, then take their results; the jobs run in a child forked at creation."""

    def __init__(self, prepare: Callable[[], None]):
        jobs_read, self._jobs = os.pipe()
        self._answers, answers_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child
            try:
                os.close(self._jobs)
                os.close(self._answers)
                _serve(prepare, jobs_read, answers_write)
            finally:
                os._exit(0)  # never the parent's atexit handlers or stdio buffers
        os.close(jobs_read)
        os.close(answers_write)
        self._pid: int | None = pid
        self._submitted: list[tuple[Callable[..., Any], tuple[Any, ...]]] = []
        self._results: list[tuple[bool, Any]] | None = None

    def submit(self, function: Callable[..., Any], *args: Any) -> _Result:
        if self._results is not None:
            raise RuntimeError("the worker has been asked for its results already")
        self._submitted.append((function, args))
        return _Result(self, len(self._submitted) - 1)

    def result(self, index: int) -> Any:
        if self._results is None:
            self._results = self._exchange()
        ok, value = self._results[index]
        if not ok:
            raise value
        return value

    def shutdown(self, cancel_futures: bool = True) -> None:
        """Stop the child (at once if it was not asked for anything) and reap it."""
        if self._pid is None:
            return
        if self._results is None:
            os.close(self._jobs)
            os.close(self._answers)
            os.kill(self._pid, signal.SIGKILL)
        os.waitpid(self._pid, 0)
        self._pid = None

    def _exchange(self) -> list[tuple[bool, Any]]:
        with os.fdopen(self._jobs, "wb") as jobs:
            pickle.dump(self._submitted, jobs)
        with os.fdopen(self._answers, "rb") as answers:
            try:
                results = pickle.load(answers)
            except EOFError:
                results = None
        if not isinstance(results, list) or len(results) != len(self._submitted):
            error = RuntimeError("layergen's formatting process ended without an answer")
            results = [(False, error)] * len(self._submitted)
        return results


class _Result:
    """A future of one job (as much of `concurrent.futures.Future` as layergen uses)."""

    def __init__(self, worker: ForkedWorker, index: int):
        self.worker = worker
        self.index = index

    def result(self) -> Any:
        return self.worker.result(self.index)


def _serve(prepare: Callable[[], None], jobs_read: int, answers_write: int) -> None:
    prepare()
    with os.fdopen(jobs_read, "rb") as jobs:
        try:
            submitted = pickle.load(jobs)
        except (EOFError, pickle.UnpicklingError):
            return  # the parent wanted nothing, or is gone
    answers = [_run(function, args) for function, args in submitted]
    with os.fdopen(answers_write, "wb") as out:
        pickle.dump(answers, out)


def _run(function: Callable[..., Any], args: tuple[Any, ...]) -> tuple[bool, Any]:
    try:
        return True, function(*args)
    except Exception as exc:  # handed to the parent, which raises it where it asks
        try:
            pickle.dumps(exc)
        except Exception:
            exc = RuntimeError(f"{type(exc).__name__}: {exc}")
        return False, exc
