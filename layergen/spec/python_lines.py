"""How Python counts the lines of source text, and the characters it does not count as line
breaks where `str.splitlines` does (code split by `splitlines` would lose its meaning)."""

from __future__ import annotations

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
