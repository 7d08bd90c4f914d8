"""A finding of `layergen audit`: one mistake of a hand-written layer, located."""

from __future__ import annotations

from typing import Any

from layergen.errors import one_line
from layergen.records import as_dict, frozen_record

# A JSON object between `layergen audit` and its probe process: a request, an event, a raw finding.
JsonObject = dict[str, Any]


@frozen_record
class Finding:
    file: str
    line: int
    check: str  # kebab-case, e.g. "untracked-variable"
    message: str  # "what is wrong; how to fix it"
    layer: str = ""  # the class it is about

    def __str__(self) -> str:
        return f"{one_line(self.file)}:{self.line}: {self.check}: {one_line(self.message)}"

    def as_json(self) -> dict[str, object]:
        fields: dict[str, object] = as_dict(self)
        return fields


class CouldNotRun(Exception):
    """The audit could not run on a target: a located, one-line reason (exit status 2)."""

    def __init__(self, file: str, line: int | None, reason: str):
        self.file, self.line, self.reason = file, line, reason
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{one_line(where)}: {one_line(reason)}")


def unique(findings: list[Finding]) -> list[Finding]:
    """One finding per line and check, ordered by file and line."""
    seen: dict[tuple[str, int, str], Finding] = {}
    for finding in findings:
        seen.setdefault((finding.file, finding.line, finding.check), finding)
    return sorted(seen.values(), key=lambda f: (f.file, f.line, f.check))
