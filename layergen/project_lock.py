"""One layergen run at a time in a project.

Two `layergen new` runs on one project would each read the records, then write them:
the lock makes the second wait for the first (up to `LAYERGEN_LOCK_TIMEOUT` seconds,
60 by default). It is an OS lock on `.layergen/lock`, so a killed run never leaves it held.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from layergen.errors import LayergenError
from layergen.writing import read_text, write_atomically

LOCK_PATH = Path(".layergen") / "lock"
_IGNORE = "# The lock layergen holds while it runs: not for version control.\n/lock\n"
DEFAULT_TIMEOUT = 60.0


@contextmanager
def project_lock(root: Path, *, writes: bool, on_wait: Callable[[str], None] = lambda _: None) -> Iterator[None]:
    """Hold the project's lock. A run that `writes` nothing goes on without it where it
    cannot be taken (a read-only checkout, no `.layergen` folder yet)."""
    path = root / LOCK_PATH
    if not writes and not path.parent.is_dir():
        yield
        return
    timeout = _timeout()
    lock = FileLock(path, timeout=timeout)
    held = False
    try:
        if writes:
            path.parent.mkdir(parents=True, exist_ok=True)
            _ignore_lock(path.parent)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            on_wait(f"waiting for another layergen run in this project to finish (up to {timeout:g} s)")
            lock.acquire(timeout=timeout)
        held = True
    except Timeout:
        raise LayergenError.plain(
            LOCK_PATH.as_posix(),
            f"another layergen run held this project for {timeout:g} s; try again once it has finished "
            "(LAYERGEN_LOCK_TIMEOUT sets how long to wait)",
        ) from None
    except OSError as exc:
        if writes:
            raise LayergenError.plain(LOCK_PATH.as_posix(), f"cannot lock: {exc.strerror or exc}") from None
        # Nothing is written, so reading without the lock (a read-only checkout) is safe enough.
    try:
        yield
    finally:
        if held:
            lock.release()


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
