"""The one error type layergen raises for anything a user can fix.

The CLI catches `LayergenError` and prints each problem as one line; everything else
is a bug in layergen and keeps its traceback, except where one spec's bug must not stop the
others (`internal_error`).
"""

from __future__ import annotations

import os
from pathlib import Path

from layergen.records import frozen_record

_NAMED_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def one_line(text: str) -> str:
    """`text` with every character that is not printable written as an escape (`\\n`, `\\x1b`,
    `\\u2028`), so that a spec's text can neither break a problem over lines nor forge one."""
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else _escape(c) for c in text)


def _escape(char: str) -> str:
    code = ord(char)
    if char in _NAMED_ESCAPES:
        return _NAMED_ESCAPES[char]
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


@frozen_record
class Problem:
    """One thing wrong with a spec, located as precisely as we can."""

    file: str
    message: str
    field: str = ""  # dotted path, e.g. "weights.kernel.shape[1]"
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based

    def __str__(self) -> str:
        where = one_line(self.file)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f" {one_line(self.field)}:" if self.field else ""
        return f"{where}:{field} {one_line(self.message)}"


class LayergenError(Exception):
    """A user-facing failure made of one or more located problems."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def plain(cls, file: str | Path, message: str) -> LayergenError:
        return cls(Problem(str(file), message))


def internal_error(where: str, exc: Exception) -> LayergenError:
    """A bug in layergen met while handling one spec, as that spec's one problem, so the
    other specs go on; with `LAYERGEN_DEBUG` set, `exc` is raised again, traceback and all.

    Called in the `except Exception` block that caught `exc`.
    """
    if os.environ.get("LAYERGEN_DEBUG"):
        raise exc
    return LayergenError.plain(
        where,
        f"layergen failed on this spec ({type(exc).__name__}: {exc}); this is a bug in layergen, please report it",
    )
