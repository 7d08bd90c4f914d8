"""The one error type layergen raises for anything a user can fix.

The CLI catches `LayergenError` and prints each problem as one line; everything else
is a bug in layergen and keeps its traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a spec, located as precisely as we can."""

    file: str
    message: str
    field: str = ""  # dotted path, e.g. "weights.kernel.shape[1]"
    line: int | None = None  # 1-based
    column: int | None = None  # 1-based

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class LayergenError(Exception):
    """A user-facing failure made of one or more located problems."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = [problems] if isinstance(problems, Problem) else list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    @classmethod
    def plain(cls, file: str | Path, message: str) -> "LayergenError":
        return cls(Problem(str(file), message))
