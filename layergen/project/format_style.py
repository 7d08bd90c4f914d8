"""How generated code is laid out: the project's own formatter settings.

A project whose CI runs `black --check .` or `ruff format --check` must not fail on files
layergen wrote, so generated files are formatted with the settings those tools read:

- formatter "black": `[tool.black]` `line-length` and `target-version` (a list);
- formatter "ruff": `[tool.ruff]` `line-length` and `target-version` (one version).

Without them, black's and ruff's own default line length (88) and Python 3.11. The
style is part of every format cache key and of each spec's fingerprint, so a changed
line length reformats every generated file once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from layergen.errors import Problem
from layergen.records import frozen_record

DEFAULT_LINE_LENGTH = 88
DEFAULT_TARGETS = ("py311",)
_TARGET = re.compile(r"py3(?:[3-9]|1[0-4])")  # the versions black 26 knows
MAX_LINE_LENGTH = 320  # ruff's own limit


@frozen_record
class FormatStyle:
    line_length: int = DEFAULT_LINE_LENGTH
    target_versions: tuple[str, ...] = DEFAULT_TARGETS  # black's names: "py39", "py311", ...

    def key(self) -> str:
        """What the style adds to a cache key or a fingerprint."""
        return f"{self.line_length}\0{','.join(self.target_versions)}"

    def oldest_target(self) -> str:
        """The version ruff's `--target-version` takes: the oldest one the project supports."""
        return min(self.target_versions, key=lambda name: int(name[3:]))


def read_style(tool: dict[str, Any], formatter: str, problem: Callable[[str, str, str], Problem]) -> FormatStyle:
    """The style of `[tool.<formatter>]` in pyproject.toml's `tool` table; `problem(table,
    key, message)` locates what is wrong."""
    table = tool.get(formatter, {})
    if not isinstance(table, dict):
        return FormatStyle()
    problems = []
    line_length = table.get("line-length", DEFAULT_LINE_LENGTH)
    if type(line_length) is not int or not 1 <= line_length <= MAX_LINE_LENGTH:
        problems.append(
            problem(f"tool.{formatter}", "line-length", f"expected a whole number 1 to 320; found {line_length!r}")
        )
    targets = table.get("target-version", list(DEFAULT_TARGETS))
    if formatter == "ruff" and isinstance(targets, str):
        targets = [targets]
    expected = "a version such as 'py311'" if formatter == "ruff" else "a list of versions such as ['py311']"
    if (
        not isinstance(targets, list)
        or not targets
        or not all(isinstance(t, str) and _TARGET.fullmatch(t) for t in targets)
    ):
        problems.append(problem(f"tool.{formatter}", "target-version", f"expected {expected}; found {targets!r}"))
    if problems:
        from layergen.errors import LayergenError

        raise LayergenError(problems)
    return FormatStyle(line_length, tuple(sorted(set(targets), key=lambda name: int(name[3:]))))
