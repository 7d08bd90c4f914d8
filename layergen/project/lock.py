"""One layergen run at a time in a project.

Two `layergen new` runs on one project would each read the records, then write them:
the lock makes the second wait for the first (up to `LAYERGEN_LOCK_TIMEOUT` seconds,
60 by default). It is an OS lock on `.layergen/lock`, so a killed run never leaves it held.
"""

from __future__ import annotations

import errno
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from layergen.errors import LayergenError
from layergen.writing import read_text, write_atomically

LOCK_PATH = Path(".layergen") / "lock"
_IGNORE = "# What layergen keeps while it runs (its lock, the mark of a run writing): not for version control.\n/lock\n/writing\n"
DEFAULT_TIMEOUT = 60.0
_POLL = 0.05  # seconds between tries while another run holds the lock


@contextmanager
def project_lock(root: Path, *, writes: bool, on_wait: Callable[[str], None] = lambda _: None) -> Iterator[None]:
    """Hold the project's lock. A run that `writes` nothing creates nothing: it goes on
    without the lock where there is no lock file yet (no run has written the project, so
    none holds it) or where it cannot be taken (a read-only checkout)."""
    path = root / LOCK_PATH
    if not writes and not path.is_file():
        yield
        return
    timeout = _timeout()
    lock = None
    try:
        if writes:
            path.parent.mkdir(parents=True, exist_ok=True)
            _ignore_lock(path.parent)
        lock = OsLock(path, create=writes)
        if not lock.acquire(timeout=0):
            on_wait(f"waiting for another layergen run in this project to finish (up to {timeout:g} s)")
            if not lock.acquire(timeout=timeout):
                lock.release()
                raise LayergenError.plain(
                    LOCK_PATH.as_posix(),
                    f"another layergen run held this project for {timeout:g} s; try again once it has finished "
                    "(LAYERGEN_LOCK_TIMEOUT sets how long to wait)",
                )
    except OSError as exc:
        if lock is not None:
            lock.release()
            lock = None
        if writes:
            raise LayergenError.plain(LOCK_PATH.as_posix(), f"cannot lock: {exc.strerror or exc}") from None
        # Nothing is written, so reading without the lock (a read-only checkout) is safe enough.
    try:
        yield
    finally:
        if lock is not None:
            lock.release()


class OsLock:
    """An exclusive OS lock on a file (`flock` on POSIX, `msvcrt.locking` on Windows): the
    OS lets it go when the process ends, however it ends. Taken by other processes and by
    other `OsLock`s of this one alike."""

    def __init__(self, path: Path, *, create: bool = True):
        self.path = path
        self.create = create  # False: a reader, which takes the lock only of an existing file
        self._descriptor: int | None = None

    def acquire(self, timeout: float) -> bool:
        """Whether the lock was taken within `timeout` seconds."""
        if self._descriptor is None:
            # A reader opens the file as it is (Windows locks a region of a file open for writing).
            flags = os.O_RDWR | os.O_CREAT if self.create else (os.O_RDWR if os.name == "nt" else os.O_RDONLY)
            self._descriptor = os.open(self.path, flags, 0o644)
        deadline = time.monotonic() + timeout
        while not _try_lock(self._descriptor):
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(_POLL, left))
        return True

    def release(self) -> None:
        """Let the lock go (closing the file does, on every OS)."""
        if self._descriptor is not None:
            descriptor, self._descriptor = self._descriptor, None
            if os.name == "nt":
                _unlock_windows(descriptor)
            os.close(descriptor)


def _try_lock(descriptor: int) -> bool:
    try:
        if os.name == "nt":
            import msvcrt

            os.lseek(descriptor, 0, os.SEEK_SET)
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl

            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as exc:
        # Held by another: POSIX says EWOULDBLOCK, Windows EACCES or EDEADLOCK.
        if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES, errno.EDEADLK):
            return False
        raise
    return True


def _unlock_windows(descriptor: int) -> None:
    import msvcrt

    try:
        os.lseek(descriptor, 0, os.SEEK_SET)
        msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
    except OSError:
        pass  # closing the file lets it go too


def _timeout() -> float:
    text = os.environ.get("LAYERGEN_LOCK_TIMEOUT", "")
    try:
        return max(float(text), 0.0) if text else DEFAULT_TIMEOUT
    except ValueError:
        raise LayergenError.plain("LAYERGEN_LOCK_TIMEOUT", f"{text!r} is not a number of seconds") from None


def _ignore_lock(folder: Path) -> None:
    ignore = folder / ".gitignore"
    if read_text(ignore) is None:
        write_atomically(ignore, _IGNORE)
