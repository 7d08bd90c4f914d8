"""What a command did, as data: the lines to show, the problems it met, its exit code.

Commands build a `CommandResult` and print nothing; `layergen.cli.report` shows it. So a
command can be called and tested without a terminal, and one place decides each
message's stream and colour.
"""

from __future__ import annotations

from enum import Enum

from layergen.errors import LayergenError
from layergen.exit_status import DONE, NEEDS_FIXING
from layergen.records import field, frozen_record, record


class Level(Enum):
    """How a line is shown (see `layergen.cli.report`)."""

    INFO = "info"  # standard output: what was done or found
    WARNING = "warning"  # standard error, yellow: needs attention, does not fail the command
    DETAIL = "detail"  # standard error, plain: the details of a failure (a conflict's two sides)
    ERROR = "error"  # standard error, red: a problem


@frozen_record
class Line:
    text: str
    level: Level = Level.INFO


@record
class CommandResult:
    """Lines in the order they happened, then the problems; `status` overrides the exit code."""

    lines: list[Line] = field(default_factory=list)
    problems: list[LayergenError] = field(default_factory=list)
    status: int | None = None  # None: 1 when there are problems, else 0

    @property
    def exit_code(self) -> int:
        if self.status is not None:
            return self.status
        return NEEDS_FIXING if self.problems else DONE

    def info(self, text: str) -> None:
        self.lines.append(Line(text, Level.INFO))

    def warn(self, text: str) -> None:
        self.lines.append(Line(text, Level.WARNING))

    def detail(self, text: str) -> None:
        self.lines.append(Line(text, Level.DETAIL))

    def fail(self, *errors: LayergenError) -> None:
        self.problems.extend(errors)
