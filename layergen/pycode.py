"""Python source fragments: literals, tuples, messages and indentation for generated code.

Everything a spec says that ends up in code passes through `literal` (repr) or
`escape_docstring`, so spec text can only ever become a string literal.
"""

from __future__ import annotations

import ast
import io
import json
import textwrap
import tokenize


def message(requirement: str, received: str) -> str:
    """An error message as Keras writes them: the rule, then an f-string with the value.

    The two literals sit on separate lines so that black keeps them short.
    """
    return f"{requirement!r}\nf{received!r}"


def tuple_code(items: list[str]) -> str:
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def indent_code(code: str, prefix: str) -> str:
    """Indent each line of `code`, except the inside of multi-line strings (their text)."""
    inside_strings = set()
    for token in tokenize.generate_tokens(io.StringIO(code + "\n").readline):
        if token.type in (
            tokenize.STRING,
            getattr(tokenize, "FSTRING_MIDDLE", -1),
            getattr(tokenize, "FSTRING_END", -1),
        ):
            inside_strings.update(range(token.start[0] + 1, token.end[0] + 1))
    return "".join(
        line if number in inside_strings or not line.strip() else prefix + line
        for number, line in enumerate(code.splitlines(keepends=True), start=1)
    )


def names_in_body(body: str) -> set[str]:
    """Every plain name a `call` body reads or writes."""
    tree = ast.parse(f"def call():\n{textwrap.indent(body, '    ')}\n")
    return {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}


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
    if any(s is None for s in inner) or any(s != inner[0] for s in inner):
        return None
    return [len(value)] + inner[0]


def escape_docstring(text: str) -> str:
    """Make spec text safe inside a triple-quoted docstring."""
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
