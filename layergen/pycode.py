"""Python source fragments: literals, tuples, messages and indentation for generated code.

Everything a spec says that ends up in code passes through `literal` (repr) or
`escape_docstring`, so spec text can only ever become a string literal.
"""

from __future__ import annotations

import io
import json
import tokenize
import unicodedata


def message(requirement: str, received: str) -> str:
    """An error message as Keras writes them: the rule, then an f-string with the value.

    The two literals sit on separate lines so that black keeps them short.
    """
    return f"{requirement!r}\nf{received!r}"


def tuple_code(items: list[str]) -> str:
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


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


def python_lines(code: str) -> list[str]:
    """The lines of `code` as Python's tokenizer sees them, each with its `\n`; `\r\n` and
    `\r` become `\n` (Python reads them so, in strings too)."""
    text = code.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


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


def doc_literal(value) -> str:
    """A value as Keras's docstrings show it: strings in double quotes."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return literal(value)


def literal(value) -> str:
    """Python source for a plain value; strings are repr-escaped, so they stay strings."""
    if isinstance(value, list):
        value = as_tuple(value)
    return repr(value)


def as_tuple(value):
    return tuple(as_tuple(v) for v in value) if isinstance(value, (list, tuple)) else value


def json_literal(value) -> str:
    """Python source of a value as it reads back from JSON (lists, not tuples)."""
    return repr(as_list(value))


def as_list(value):
    return [as_list(v) for v in value] if isinstance(value, (list, tuple)) else value


def nested_shape(value) -> list[int] | None:
    """The shape of a number or rectangular nested list of numbers, else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return []
    if not isinstance(value, list) or not value:
        return None
    inner = [nested_shape(v) for v in value]
    first = inner[0]
    if first is None or any(s != first for s in inner):
        return None
    return [len(value), *first]


def escape_docstring(text: str) -> str:
    """Make spec text safe inside a triple-quoted docstring."""
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
