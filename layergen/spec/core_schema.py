"""The YAML 1.2 core schema: which tag a plain scalar resolves to, and the value each tag makes.

A plain scalar's text in, a Python value out (or `ValueError` with the reason). `true`/`false`
are booleans, `null`/`~`/empty is null, integers are decimal, `0o17` or `0x1f`, floats include
`.inf` and `.nan`, and every other plain scalar is a string (`yes`, `on`, `1_000`, `1:30`,
`2024-01-01`), as editors read them. `value_problem` names what no spec needs and generated
code must not meet: non-finite numbers, overlong text, control characters.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

from layergen.spec.limits import MAX_INT_DIGITS, MAX_TEXT_CHARS

TAG = "tag:yaml.org,2002:"

# https://yaml.org/spec/1.2.2/#1032-tag-resolution: (kind, pattern, the first characters it
# can start with). Order matters within a first character: integers before floats.
RESOLUTION = [
    ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("int", r"[-+]?[0-9]+", "-+0123456789"),
    ("int", r"0o[0-7]+", "0"),
    ("int", r"0x[0-9a-fA-F]+", "0"),
    ("float", r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?", "-+.0123456789"),
    ("float", r"[-+]?(?:\.inf|\.Inf|\.INF)", "-+."),
    ("float", r"\.nan|\.NaN|\.NAN", "."),
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
]
_DECIMAL_FLOAT = RESOLUTION[4][1]


def _integer(text: str) -> int:
    """An integer in one of the core schema's forms, with at most MAX_INT_DIGITS digits."""
    if re.fullmatch(r"[-+]?[0-9]+", text):
        if len(text.lstrip("+-").lstrip("0")) > MAX_INT_DIGITS:
            raise ValueError(f"integers have at most {MAX_INT_DIGITS} digits")
        return int(text)  # decimal even with leading zeros, as in YAML 1.2: 017 is 17
    match = re.fullmatch(r"0o([0-7]+)|0x([0-9a-fA-F]+)", text)
    if not match:
        raise ValueError(f"cannot read {text!r} as an integer")
    value = int(match[1], 8) if match[1] else int(match[2], 16)
    if value >= 10**MAX_INT_DIGITS:
        raise ValueError(f"integers have at most {MAX_INT_DIGITS} digits")
    return value


def _float(text: str) -> float:
    if re.fullmatch(_DECIMAL_FLOAT, text):
        return float(text)
    if re.fullmatch(r"[-+]?\.(?:inf|Inf|INF)", text):
        return -math.inf if text.startswith("-") else math.inf
    if re.fullmatch(r"\.(?:nan|NaN|NAN)", text):
        return math.nan
    raise ValueError(f"cannot read {text!r} as a number")


def _bool(text: str) -> bool:
    if text.lower() not in ("true", "false"):
        raise ValueError(f"cannot read {text!r} as true or false")
    return text.lower() == "true"


def _null(text: str) -> None:
    if text not in ("~", "null", "Null", "NULL", ""):
        raise ValueError(f"cannot read {text!r} as null")


# A scalar's value by its tag; a tag not here is refused.
SCALARS: dict[str, Callable[[str], object]] = {
    TAG + "str": str,
    TAG + "int": _integer,
    TAG + "float": _float,
    TAG + "bool": _bool,
    TAG + "null": _null,
}

# Unicode's categories Cc (control) and Cs (surrogate), less the tab and line breaks text may hold.
CONTROL_OR_SURROGATE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def value_problem(value: object) -> str | None:
    """Values no spec needs and generated code must not meet: inf, nan, control characters."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"numbers must be finite, found {value}"
    if isinstance(value, str):
        if len(value) > MAX_TEXT_CHARS:
            return f"text is over {MAX_TEXT_CHARS:,} characters"
        found = CONTROL_OR_SURROGATE.search(value)
        if found:
            return f"text must not hold the control character or lone surrogate U+{ord(found[0]):04X}"
    return None
