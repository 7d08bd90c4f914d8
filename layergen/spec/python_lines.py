"""How Python counts the lines of source text, and the characters it does not count as line
breaks where `str.splitlines` does (code split by `splitlines` would lose its meaning); and
source indented by those lines, as a method holds a spec's body."""

from __future__ import annotations

import io
import tokenize
import unicodedata

# Characters `str.splitlines` counts as line breaks that Python's tokenizer does not (it
# counts only \n, \r\n and \r). Splitting code with `splitlines` would move text out of a
# string or comment onto a line of its own.
FOREIGN_LINE_BREAKS = {
    "\x0b": "LINE TABULATION",
    "\x0c": "FORM FEED",
    "\x1c": "FILE SEPARATOR",
    "\x1d": "GROUP SEPARATOR",
    "\x1e": "RECORD SEPARATOR",
    "\x85": "NEXT LINE",
    "\u2028": "LINE SEPARATOR",
    "\u2029": "PARAGRAPH SEPARATOR",
}


def python_lines(code: str) -> list[str]:
    """The lines of `code` as Python's tokenizer sees them, each with its `\n`; `\r\n` and
    `\r` become `\n` (Python reads them so, in strings too)."""
    text = code.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def foreign_line_break(code: str) -> tuple[int, int, str] | None:
    """(line, column, character) of the first character in `code` that `str.splitlines` would
    take for a line break and Python would not; lines counted as Python counts them."""
    for number, line in enumerate(python_lines(code), start=1):
        for column, char in enumerate(line, start=1):
            if char in FOREIGN_LINE_BREAKS:
                return number, column, char
    return None


def describe_char(char: str) -> str:
    """`U+2028 (LINE SEPARATOR)`: how a message names a character."""
    name = FOREIGN_LINE_BREAKS.get(char) or unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def indent_code(code: str, prefix: str) -> str:
    """Indent each line of `code`, except the inside of multi-line strings (their text).

    Lines are counted one way for both steps, Python's: the tokenizer finds the lines inside
    strings, and the same numbering says which lines get the prefix.
    """
    lines = python_lines(code)
    inside_strings: set[int] = set()
    if _may_hold_multiline_strings(code):
        inside_strings = _lines_inside_strings(lines)
    return "".join(
        line if number in inside_strings or not line.strip() else prefix + line
        for number, line in enumerate(lines, start=1)
    )


def _may_hold_multiline_strings(code: str) -> bool:
    """A string runs over lines only when triple-quoted or continued by a backslash: code
    with neither (most bodies) needs no tokenizer (~10x faster)."""
    return '"""' in code or "'''" in code or "\\" in code


def _lines_inside_strings(lines: list[str]) -> set[int]:
    """The numbers of the lines that lie inside a multi-line string, after its first."""
    inside_strings: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO("".join(lines) + "\n").readline):
        if token.type in (
            tokenize.STRING,
            getattr(tokenize, "FSTRING_MIDDLE", -1),
            getattr(tokenize, "FSTRING_END", -1),
        ):
            inside_strings.update(range(token.start[0] + 1, token.end[0] + 1))
    return inside_strings
