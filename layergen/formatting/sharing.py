"""Two processes sharing a list of jobs: this one and a child forked for the purpose.

`layergen new` on a spec or two waits for black in its one forked worker (`worker`) while
the main process sits idle: the second core can format too. The worker forks a helper once
black is loaded (a fork costs a millisecond, and black comes with it) and both take jobs
from one queue until it is empty, so neither waits while the other has a long one.

The queue is a pipe holding the jobs' numbers, largest first, written before the fork; each
process reads one number at a time (a read of a few bytes from a pipe is atomic) and reads
end-of-file when none is left. The helper sends its results back pickled. A helper that
dies, or answers nonsense, only costs time: what it did not answer is done here.
"""

from __future__ import annotations

import os
import pickle
import struct
import sys
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

_Result = TypeVar("_Result")
_NUMBER = struct.Struct("<I")
_MOST_JOBS = 4096  # their numbers fill 16 KiB of the queue: a pipe holds them before anyone reads


class Outcome(Generic[_Result]):
    """A job's result, or the exception it raised (raised again where the result is taken)."""

    __slots__ = ("value", "error")

    def __init__(self, value: _Result | None = None, error: Exception | None = None):
        self.value = value
        self.error = error

    def get(self) -> _Result:
        if self.error is not None:
            raise self.error
        return self.value  # type: ignore[return-value]


def available() -> bool:
    """Linux only, as the forked worker (`worker.available`): fork is the start method there."""
    return sys.platform == "linux"


def share(sizes: Sequence[int], job: Callable[[int], _Result]) -> list[Outcome[_Result]]:
    """`job(i)` for each i in range(len(sizes)), shared with a forked helper when there are
    two jobs or more; `sizes` order the queue (largest first)."""
    if not 2 <= len(sizes) <= _MOST_JOBS or not available():
        return [_run(job, index) for index in range(len(sizes))]
    order = sorted(range(len(sizes)), key=lambda index: -sizes[index])
    queue_read, queue_write = os.pipe()
    os.write(queue_write, b"".join(_NUMBER.pack(index) for index in order))  # a few bytes: fits the pipe
    os.close(queue_write)
    answers_read, answers_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the helper
        try:
            os.close(answers_read)
            _help(job, queue_read, answers_write)
        finally:
            os._exit(0)  # never the caller's cleanup, buffers or exception handlers
    os.close(answers_write)
    outcomes = _take(job, queue_read)
    os.close(queue_read)
    outcomes.update(_answers(answers_read, len(sizes)))  # type: ignore[arg-type]
    os.waitpid(pid, 0)
    return [outcomes[index] if index in outcomes else _run(job, index) for index in range(len(sizes))]


def _take(job: Callable[[int], _Result], queue: int) -> dict[int, Outcome[_Result]]:
    """The jobs this process takes from the queue, run until it is empty."""
    outcomes: dict[int, Outcome[_Result]] = {}
    while number := os.read(queue, _NUMBER.size):
        (index,) = _NUMBER.unpack(number)
        outcomes[index] = _run(job, index)
    return outcomes


def _help(job: Callable[[int], _Result], queue: int, answers: int) -> None:
    outcomes = _take(job, queue)
    with os.fdopen(answers, "wb") as out:
        pickle.dump({index: (o.value, _picklable(o.error)) for index, o in outcomes.items()}, out)


def _answers(answers: int, count: int) -> dict[int, Outcome[object]]:
    """The helper's results; nothing where it died or answered what was not asked."""
    with os.fdopen(answers, "rb") as read:
        try:
            received = pickle.load(read)
        except Exception:  # the helper died before answering: its jobs are run here
            return {}
    if not isinstance(received, dict):
        return {}
    return {
        index: Outcome(value, error)
        for index, (value, error) in received.items()
        if isinstance(index, int) and 0 <= index < count and (error is None or isinstance(error, Exception))
    }


def _run(job: Callable[[int], _Result], index: int) -> Outcome[_Result]:
    try:
        return Outcome(job(index))
    except Exception as exc:
        return Outcome(error=exc)


def _picklable(error: Exception | None) -> Exception | None:
    if error is None:
        return None
    try:
        pickle.dumps(error)
    except Exception:
        return RuntimeError(f"{type(error).__name__}: {error}")
    return error
