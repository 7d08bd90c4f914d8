"""A spec field that becomes the body of a generated method (`call`, `compute_mask`): read it
the way Python will, parse it, check what it does, and say where in the spec a problem is.

The body is dedented and its line breaks are Python's (`\\r\\n` and `\\r` read as `\\n`);
characters `str.splitlines` takes for line breaks and Python does not are refused, so
every tool counts the body's lines alike. It is parsed inside `def <method>():`, indented
as the generated method indents it.
"""

from __future__ import annotations

import ast
import textwrap
import tokenize
from collections.abc import Iterable, Mapping

from layergen.analysis.call_safety import check_call_body
from layergen.analysis.context import Context
from layergen.errors import Problem
from layergen.records import frozen_record
from layergen.spec.python_lines import describe_char, foreign_line_break, indent_code
from layergen.spec.source import Path_, format_path


@frozen_record
class CodeField:
    """A field of the spec holding a method body."""

    path: Path_  # ("call",) or ("masking", "output_mask")
    raw: str  # the field's text as the spec holds it
    what: str  # how messages name it: "the call body"

    @property
    def text(self) -> str:
        """The body as it goes into the generated method: Python's line breaks, dedented."""
        return textwrap.dedent(self.raw.replace("\r\n", "\n").replace("\r", "\n")).strip("\n")


def parse_code(context: Context, code: CodeField) -> ast.Module | None:
    """`def f():` around the body; None (and a located problem) if Python cannot read it."""
    text = code.text
    foreign = foreign_line_break(text)
    if foreign:
        line, column, char = foreign
        message = (
            f"{code.what} holds {describe_char(char)}, which Python does not count as a line break;"
            f" write it as the escape \\u{ord(char):04x} inside a string"
        )
        report(context, code, line + 1, column + 4, message)
        return None
    try:
        try:
            indented = indent_code(text, "    ")
        except (tokenize.TokenError, SyntaxError):
            indented = textwrap.indent(text, "    ")  # it does not parse: ast says where, in its own words
        return ast.parse(f"def f():\n{indented}\n")
    except (RecursionError, MemoryError):
        context.problem(code.path, f"{code.what} is too deeply nested to compile")
    except SyntaxError as exc:
        report(context, code, exc.lineno or 2, exc.offset or 5, f"{code.what} does not parse: {exc.msg}")
    return None


def check_safety(
    context: Context,
    code: CodeField,
    tree: ast.Module,
    available: Iterable[str],
    hints: Mapping[str, str],
    module_names: Iterable[str],
    method: str,
) -> None:
    """Record what `layergen.analysis.call_safety` finds in the body, each at its place in the spec."""
    for finding in check_call_body(tree.body[0], available, hints, module_names, method):
        report(context, code, finding.line, finding.column, finding.message)


def report(context: Context, code: CodeField, lineno: int, offset: int, message: str) -> None:
    """A problem at a line and column (1-based) of the parsed `def f():` wrapper."""
    line, column = _spec_position(context, code, lineno, offset)
    context.problems.append(Problem(context.source.file, message, format_path(code.path), line, column))


def _spec_position(context: Context, code: CodeField, lineno: int, offset: int) -> tuple[int | None, int | None]:
    """Map a position in the parsed wrapper back to the spec file."""
    source = context.source
    line, column = source.locate(code.path)
    if line is None:
        return None, None
    file_lines = source.text.split("\n")
    block = file_lines[line - 1][(column or 1) - 1 :][:1] in ("|", ">")
    if not block:
        return line, max((column or 1) + offset - 5, 1)
    body_line = lineno - 1  # the wrapper adds the `def` line
    body_lines = code.text.split("\n")
    file_line = line + body_line + (len(code.raw) - len(code.raw.lstrip("\n")))
    text = file_lines[file_line - 1] if file_line <= len(file_lines) else ""
    dedented = body_lines[body_line - 1] if body_line <= len(body_lines) else ""
    return file_line, max(offset - 4 + len(text) - len(dedented), 1)
