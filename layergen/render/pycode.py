"""Python source fragments: literals, tuples, messages and indentation for generated code.

Everything a spec says that ends up in code passes through `literal` (repr) or
`escape_docstring`, so spec text can only ever become a string literal.
"""

from __future__ import annotations

import ast
import io
import keyword
import tokenize
from collections.abc import Callable, Sequence
from typing import Any

from layergen.render import values
from layergen.spec.nested_lists import as_list, as_tuple


def fit_strings(source: str, width: int, parenthesized: bool = False) -> str:
    """A string literal made of one or more parts (`"a " f"b{x}"`) as one f-string when it
    fits in `width` columns, else as parts of at most `width` columns, one per line, split
    after spaces outside `{...}`. So the formatter keeps one f-string on one line, or parts
    it cannot join (ruff's ISC001 finds parts on one line); `parenthesized` puts such parts
    in parentheses (ISC004, for an item of a collection). Anything else is left as it is."""
    body = _fstring_body(source)
    if body is None:
        return source
    whole = _string_part(body)
    if len(whole) <= width:
        return whole
    lines: list[str] = []
    for word in _words(body):
        if lines and len(_string_part(lines[-1] + word)) <= width:
            lines[-1] += word
        else:
            lines.append(word)
    parts = "\n".join(_string_part(line) for line in lines)
    return f"(\n{parts}\n)" if parenthesized and len(lines) > 1 else parts


def _fstring_body(source: str) -> str | None:
    """The f-string body (braces of plain text doubled) of adjacent string literals, or None."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return None
    body = []
    for token in tokens:
        if token.type == tokenize.STRING:
            prefix = token.string[: len(token.string) - len(token.string.lstrip("bBfFrRuU"))].lower()
            if prefix not in ("", "f", "u"):
                return None
            text = ast.literal_eval(token.string[len(prefix) :])
            body.append(text if "f" in prefix.lower() else text.replace("{", "{{").replace("}", "}}"))
        elif token.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.ENDMARKER):
            return None
    return "".join(body) if body else None


def _words(body: str) -> list[str]:
    """The body cut after each space outside a `{...}` field."""
    words, start, depth, index = [], 0, 0, 0
    while index < len(body):
        pair = body[index : index + 2]
        if depth == 0 and pair in ("{{", "}}"):
            index += 2
            continue
        char = body[index]
        depth += (char == "{") - (char == "}")
        if char == " " and depth == 0:
            words.append(body[start : index + 1])
            start = index + 1
        index += 1
    words.append(body[start:])
    return [word for word in words if word]


def _string_part(body: str) -> str:
    """One literal for a piece of f-string body: a plain string where it has no field."""
    plain = body.replace("{{", "").replace("}}", "")
    if "{" in plain:
        return "f" + _quoted(body)
    return _quoted(body.replace("{{", "{").replace("}}", "}"))


def _quoted(text: str) -> str:
    """repr, with double quotes where that needs no more escapes (as black writes it)."""
    literal = repr(text)
    if literal.startswith("'") and '"' not in text:
        literal = '"' + literal[1:-1].replace("\\'", "'") + '"'
    return literal


def call_code(callee: str, arguments: Sequence[tuple[str | None, values.Code]]) -> str:
    """`callee(a, b=...)`: each argument a code value, passed by keyword, or by position
    where its keyword is None."""
    return code(
        values.Call(
            callee,
            tuple(value for keyword, value in arguments if keyword is None),
            tuple((keyword, value) for keyword, value in arguments if keyword is not None),
        )
    )


def first_given(attributes: Sequence[str], last: values.Code | None = None) -> str:
    """`self.a if self.a is not None else self.b`: the first attribute that is not None,
    else `last` (the last attribute when there is no `last`)."""
    chosen = last if last is not None else values.self_attribute(attributes[-1])
    for name in reversed(attributes if last is not None else attributes[:-1]):
        given = values.self_attribute(name)
        chosen = values.IfElse(values.Operation("is not", given, values.Literal(None)), given, chosen)
    return code(chosen)


def tuple_code(items: list[str]) -> str:
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


def literal(value: object) -> str:
    """Python source for a plain value; strings are repr-escaped, so they stay strings."""
    if isinstance(value, list):
        value = as_tuple(value)
    return repr(value)


def json_literal(value: object) -> str:
    """Python source of a value as it reads back from JSON (lists, not tuples)."""
    return repr(as_list(value))


def escape_docstring(text: str) -> str:
    """Make spec text safe inside a triple-quoted docstring."""
    return text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')


# -- code values (`layergen.render.values`) written as Python source -----------------------
#
# Precedence as Python's grammar has it (and `ast.unparse` writes it): an operand binding
# more loosely than its place allows gets parentheses, and only then.

_PRIMARY = 20
_PRECEDENCE = {
    "or": 2,
    "and": 3,
    "not": 4,
    **dict.fromkeys(("==", "!=", "<", "<=", ">", ">=", "is", "is not", "in", "not in"), 5),
    "+": 10,
    "-": 10,
    "*": 11,
    "//": 11,
    "/": 11,
    "%": 11,
    "**": 13,  # above a unary minus: `-x ** 2` is `-(x ** 2)`
}
_UNARY_MINUS = 12
_IF_ELSE = 1


def code(value: values.Code) -> str:
    """Python source of a code value."""
    return _WRITERS[type(value)](value)


def _precedence(value: values.Code) -> int:
    if isinstance(value, values.Operation):
        return _PRECEDENCE[value.operator]
    if isinstance(value, values.Comparison):
        return _PRECEDENCE["=="]
    if isinstance(value, values.Unary):
        return _PRECEDENCE["not"] if value.operator == "not" else _UNARY_MINUS
    if isinstance(value, values.IfElse):
        return _IF_ELSE
    if isinstance(value, values.Literal) and _is_negative(value.value):
        return _UNARY_MINUS
    return _PRIMARY


def _is_negative(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0


def _operand(value: values.Code, weakest: int) -> str:
    """`value` as an operand that must bind at least as tightly as `weakest`."""
    written = code(value)
    return f"({written})" if _precedence(value) < weakest else written


def _operation(value: values.Operation) -> str:
    precedence = _PRECEDENCE[value.operator]
    if value.operator == "**":  # right-associative; its right operand may be a unary minus
        return f"{_operand(value.left, precedence + 1)} ** {_operand(value.right, _UNARY_MINUS)}"
    comparison = precedence == _PRECEDENCE["=="]
    # `a - (b - c)`, `a and (b or c)`: the right operand of an equal precedence keeps its
    # parentheses; comparisons do not chain through an operand.
    left = _operand(value.left, precedence + comparison)
    right = _operand(value.right, precedence + 1)
    return f"{left} {value.operator} {right}"


def _unary(value: values.Unary) -> str:
    if value.operator == "not":
        return f"not {_operand(value.operand, _PRECEDENCE['not'])}"
    return f"{value.operator}{_operand(value.operand, _UNARY_MINUS)}"


def _if_else(value: values.IfElse) -> str:
    then = _operand(value.then, _IF_ELSE + 1)
    condition = _operand(value.condition, _IF_ELSE + 1)
    return f"{then} if {condition} else {_operand(value.otherwise, _IF_ELSE)}"


def _call(value: values.Call) -> str:
    if len(value.arguments) == 1 and not value.keywords and isinstance(value.arguments[0], values.Generator):
        return f"{_function(value)}({_generator_body(value.arguments[0])})"  # `any(... for d in shape)`
    arguments = [code(argument) for argument in value.arguments]
    arguments += [f"{keyword}={code(argument)}" for keyword, argument in value.keywords]
    return f"{_function(value)}({', '.join(arguments)})"


def _item(value: values.Item) -> str:
    return f"{_operand(value.value, _PRIMARY)}[{code(value.index)}]"


def _slice(value: values.Slice) -> str:
    start = "" if value.start is None else code(value.start)
    stop = "" if value.stop is None else code(value.stop)
    return f"{start}:{stop}"


def _collection(value: values.Collection) -> str:
    items = [code(item) for item in value.items]
    if value.kind == "tuple":
        return tuple_code(items)
    opening, closing = ("[", "]") if value.kind == "list" else ("{", "}")
    return opening + ", ".join(items) + closing


def _message(value: values.Message) -> str:
    body = "".join(
        (
            part.replace("{", "{{").replace("}", "}}")
            if isinstance(part, str)
            else "{" + code(part.value) + (f"!{part.conversion}" if part.conversion else "") + "}"
        )
        for part in value.parts
    )
    return "f" + repr(body)


def _function(value: values.Call) -> str:
    """The called function: a name, or a method of a value (`np.asarray(x).tolist`)."""
    return value.function if isinstance(value.function, str) else code(value.function)


def _generator_body(value: values.Generator) -> str:
    """`item for name in iterable`, without the generator's parentheses."""
    return f"{_operand(value.item, _IF_ELSE)} for {value.name} in {_operand(value.iterable, _PRECEDENCE['or'])}"


def _comparison(value: values.Comparison) -> str:
    """`a < b <= c`: no operand is itself a comparison (that would chain)."""
    weakest = _PRECEDENCE["=="] + 1
    return " ".join(
        [_operand(value.first, weakest), *(f"{op} {_operand(operand, weakest)}" for op, operand in value.rest)]
    )


def _name(path: str) -> str:
    """A name as it is: the analysis chose it. Checked here too, where every name becomes
    code, so that no text other than a dotted identifier (`self.units`) can ever be written
    as one, whatever a later analysis passes."""
    if not all(part.isidentifier() and not keyword.iskeyword(part) for part in path.split(".")):
        raise ValueError(f"not a name: {path!r}")
    return path


_WRITERS: dict[type, Callable[[Any], str]] = {
    values.Name: lambda value: _name(value.path),
    values.Literal: lambda value: json_literal(value.value) if value.lists else literal(value.value),
    values.Call: _call,
    values.Item: _item,
    values.Slice: _slice,
    values.Collection: _collection,
    values.Unpacked: lambda value: f"*{_operand(value.value, _PRIMARY)}",
    values.Operation: _operation,
    values.Unary: _unary,
    values.IfElse: _if_else,
    values.Group: lambda value: f"({code(value.value)})",
    values.Message: _message,
    values.Generator: lambda value: f"({_generator_body(value)})",
    values.Attribute: lambda value: f"{_operand(value.value, _PRIMARY)}.{value.name}",
    values.Comparison: _comparison,
}
