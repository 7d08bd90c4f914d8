"""Step 1 of the pipeline: read a spec file into plain data plus a map of where each value is.

YAML is read as YAML 1.2 (core schema), as editors read it: `true`/`false` are booleans,
`null`/`~`/empty is null, integers are decimal, `0o17` or `0x1f`, floats include `.inf` and
`.nan`, and every other plain scalar is a string (`yes`, `on`, `1_000`, `1:30`, `2024-01-01`).
Only the core tags are allowed, so `!!python/object` and the like are refused.

Hostile input is refused while it is read: the byte size before parsing, the number and
nesting of values while the document is composed (so an alias bomb or a thousand `[` cost
nothing), and the length of text and the digits of integers as each value is built.

Values are turned into dicts, lists and scalars here, recording the line and column of every
value by its path (`("weights", "kernel", "shape", 1)`). Later steps report problems by
path and this map turns them into `file:line:column`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import yaml

from layergen.errors import LayergenError, Problem

MAX_SPEC_BYTES = 100_000  # a layer spec is a page of YAML (the examples are about 1 kB)
MAX_NODES = 10_000  # values, counting each use of an alias: bounds an alias bomb's work
MAX_DEPTH = 32  # levels of nesting; a spec needs about 5
MAX_TEXT_CHARS = 20_000  # one string: a call body or description of a few hundred lines
MAX_INT_DIGITS = 20  # enough for any 64-bit integer

Path_ = tuple  # a path of mapping keys and sequence indices

_TAG = "tag:yaml.org,2002:"
# Line breaks to YAML 1.1 (and so to PyYAML's line count) that YAML 1.2, Python and
# most editors do not count: a file holding one would be located wrongly.
_FOREIGN_LINE_BREAKS = {"\x85": "NEXT LINE", "\u2028": "LINE SEPARATOR", "\u2029": "PARAGRAPH SEPARATOR"}


@dataclass
class SpecSource:
    """A spec file's data and the location of each value in it."""

    file: str  # as the user should see it, e.g. "specs/linear.yaml"
    data: object
    text: str
    locations: dict[Path_, tuple[int | None, int | None]] = field(default_factory=dict)
    key_locations: dict[Path_, tuple[int | None, int | None]] = field(default_factory=dict)

    def locate(self, path: Path_, *, key: bool = False) -> tuple[int | None, int | None]:
        """Line and column (1-based) of the value at `path`, or of its nearest parent."""
        path = tuple(path)
        table = self.key_locations if key else self.locations
        while path:
            if path in table:
                return table[path]
            if path in self.locations:
                return self.locations[path]
            path = path[:-1]
        return self.locations.get((), (None, None))

    def problem(self, path: Path_, message: str, *, key: bool = False, field: Path_ | None = None) -> Problem:
        """A problem at the value (or `key`) at `path`, named by `field` (default: `path`)."""
        line, column = self.locate(path, key=key)
        return Problem(self.file, message, format_path(path if field is None else field), line, column)


def format_path(path: Path_) -> str:
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + str(part)
    return text


def read_spec(path: Path, display_name: str | None = None) -> SpecSource:
    name = display_name or str(path)
    try:
        with path.open("rb") as handle:
            # Never read more than the limit: a huge file costs no more memory than a big spec.
            raw = handle.read(MAX_SPEC_BYTES + 1)
    except OSError as exc:
        raise LayergenError.plain(name, f"cannot read spec: {exc.strerror or exc}") from None
    if len(raw) > MAX_SPEC_BYTES:
        line, column = _byte_position(raw, MAX_SPEC_BYTES)
        message = f"spec is over {MAX_SPEC_BYTES:,} bytes; a layer spec is a page of YAML"
        raise LayergenError(Problem(name, message, "", line, column))
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _byte_position(raw, exc.start)
        message = f"spec is not UTF-8 text: byte 0x{raw[exc.start]:02X} ({exc.reason}); save it as UTF-8"
        raise LayergenError(Problem(name, message, "", line, column)) from None
    return parse_spec_text(text, name)


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    """Line and column (in characters) of byte `offset`; the bytes before it may be cut short."""
    line_start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
    return raw.count(b"\n", 0, offset) + 1, column


def _position(text: str, index: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def parse_spec_text(text: str, file: str) -> SpecSource:
    # CR LF and lone CR are line breaks to YAML, Python and editors alike: one form is enough.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    _refuse_foreign_line_breaks(text, file)
    if _CSpecLoader is not None and not _DIVERGENT.search(text):
        try:
            source = _read(text, file, _CSpecLoader)
            if isinstance(source.data, dict):  # a spec is a mapping: the rest is reported below
                return source
        except Exception:  # the pure reader is the reference: it reports every problem
            pass
    try:
        return _read(text, file, _SpecLoader)
    except _ReadErrors as exc:
        problems = [Problem(file, e.message, format_path(e.path), *_mark(e.mark)) for e in exc.errors]
        error = LayergenError(sorted(problems, key=lambda p: (p.line or 0, p.column or 0)))
        error.partial = exc.partial  # type: ignore[attr-defined]
        raise error from None
    except _ReadError as exc:
        raise LayergenError(Problem(file, exc.message, format_path(exc.path), *_mark(exc.mark))) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or str(exc)
        if exc.context:
            message = f"{exc.context}, {message}"
        raise LayergenError(Problem(file, f"invalid YAML: {message}", "", *_mark(mark))) from None
    except yaml.reader.ReaderError as exc:
        character = exc.character if isinstance(exc.character, str) else chr(exc.character)
        message = f"invalid YAML: the character U+{ord(character):04X} is not allowed in YAML text"
        raise LayergenError(Problem(file, message, "", *_position(text, exc.position))) from None
    except yaml.YAMLError as exc:
        raise LayergenError(Problem(file, f"invalid YAML: {' '.join(str(exc).split())}", "", 1, 1)) from None


def _read(text: str, file: str, loader_class) -> SpecSource:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise LayergenError(Problem(file, "spec is empty", "", 1, 1))
        source = SpecSource(file=file, data=None, text=text)
        builder = _Builder(source)
        try:
            source.data = builder.build(node, (), 0)
        except _ReadError as limit:  # a limit stops reading: with what was found before it
            raise _ReadErrors([*builder.errors, limit]) from None
        if builder.errors:
            source.data = _without_refused(source.data)
            raise _ReadErrors(builder.errors, source)
        return source
    finally:
        loader.dispose()


def _without_refused(value):
    """The data without the values `_Builder` refused: dropped from mappings, None in lists
    (so that the items after one keep their index)."""
    if isinstance(value, dict):
        return {k: _without_refused(v) for k, v in value.items() if v is not _REFUSED}
    if isinstance(value, list):
        return [None if v is _REFUSED else _without_refused(v) for v in value]
    return None if value is _REFUSED else value


def _mark(mark) -> tuple[int | None, int | None]:
    return (mark.line + 1, mark.column + 1) if mark else (None, None)


def _refuse_foreign_line_breaks(text: str, file: str) -> None:
    found = [index for index in (text.find(char) for char in _FOREIGN_LINE_BREAKS) if index >= 0]
    if found:
        index = min(found)
        char = text[index]
        message = (
            f"the character U+{ord(char):04X} ({_FOREIGN_LINE_BREAKS[char]}) is a line break to YAML 1.1 "
            f"but not to YAML 1.2 or Python; write it as \\u{ord(char):04x} inside a double-quoted string"
        )
        raise LayergenError(Problem(file, message, "", *_position(text, index)))


class _ReadError(Exception):
    """A limit or rule broken while reading, at a YAML mark."""

    def __init__(self, mark, message: str, path: Path_ = ()):
        super().__init__(message)
        self.mark, self.message, self.path = mark, message, path


class _ReadErrors(_ReadError):
    """The rules broken while building a spec's values, each reported (`_Builder`)."""

    def __init__(self, errors: list[_ReadError], partial: SpecSource | None = None):
        super().__init__(errors[0].mark, errors[0].message, errors[0].path)
        self.errors = errors
        # What was read, without the refused values: its structure can still be checked
        # (`layergen.spec.models.with_structure_problems`). None when a limit stopped reading.
        self.partial = partial


# What `_Builder` puts in place of a value it refused (and recorded): the spec is not used.
_REFUSED = object()


class _LimitedComposer(yaml.composer.Composer, yaml.resolver.BaseResolver):
    """PyYAML's composer, under the limits, resolving plain scalars as YAML 1.2 (`_CORE_SCHEMA`)."""

    yaml_implicit_resolvers: ClassVar[dict] = {}  # not YAML 1.1's: filled with the 1.2 core schema below

    def __init__(self):
        yaml.composer.Composer.__init__(self)
        yaml.resolver.BaseResolver.__init__(self)
        self.nodes_composed = 0
        self.depth = -1

    def compose_node(self, parent, index):
        # The limits apply here, as each node is composed, so a hostile document is refused
        # after a few thousand events instead of after composing all of it.
        event = self.peek_event()
        self.nodes_composed += 1
        if self.nodes_composed > MAX_NODES:
            raise _ReadError(event.start_mark, _TOO_MANY_NODES)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise _ReadError(event.start_mark, _TOO_DEEP)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


class _SpecLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, _LimitedComposer):
    """The reference reader: PyYAML's pure-Python scanner and parser, whose errors are reported."""

    def __init__(self, text: str):
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _LimitedComposer.__init__(self)


def _c_loader() -> type | None:
    """The same composer over libyaml's scanner and parser (C, ~10x faster), when installed.

    It only speeds up specs that read without a problem: on any error the text is read
    again by `_SpecLoader`, so every message and location is the reference reader's."""
    try:
        from yaml._yaml import CParser
    except ImportError:
        return None

    class _CSpecLoader(_LimitedComposer, CParser):
        def __init__(self, text: str):
            CParser.__init__(self, text)
            _LimitedComposer.__init__(self)

        def compose_node(self, parent, index):
            # libyaml marks an empty value in a flow collection (`{a: , b: 1}`) elsewhere.
            event = self.peek_event()
            empty = isinstance(event, yaml.ScalarEvent) and not event.value and not event.style
            if empty and parent is not None and parent.flow_style:
                raise _ReadError(event.start_mark, "an empty value in a flow collection")
            return super().compose_node(parent, index)

    return _CSpecLoader


_TOO_MANY_NODES = f"spec is too large: over {MAX_NODES:,} values; check for runaway aliases"
_TOO_DEEP = f"spec is nested too deeply: over {MAX_DEPTH} levels (a spec needs about 5)"

# The YAML 1.2 core schema (https://yaml.org/spec/1.2.2/#1032-tag-resolution). Order
# matters within a first character: integers before floats.
_CORE_SCHEMA = [
    ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("int", r"[-+]?[0-9]+", "-+0123456789"),
    ("int", r"0o[0-7]+", "0"),
    ("int", r"0x[0-9a-fA-F]+", "0"),
    ("float", r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?", "-+.0123456789"),
    ("float", r"[-+]?(?:\.inf|\.Inf|\.INF)", "-+."),
    ("float", r"\.nan|\.NaN|\.NAN", "."),
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
]
for _kind, _pattern, _first in _CORE_SCHEMA:
    _LimitedComposer.add_implicit_resolver(_TAG + _kind, re.compile(f"^(?:{_pattern})\\Z"), list(_first))
_CSpecLoader = _c_loader()
# Where libyaml and PyYAML read the same text differently (found by differential fuzzing,
# tests/spec/test_yaml_source.py): tabs and byte order marks inside the text, `?` complex keys
# (libyaml puts an empty value elsewhere), `!` non-specific tags, and a comment right after
# a block scalar's `|`/`>` header. Such text is read by the reference reader only.
_DIVERGENT = re.compile(r"[\t\ufeff?]|!(?:\s|\Z)|[|>][-+0-9]*#")


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
    if re.fullmatch(_CORE_SCHEMA[4][1], text):
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


_SCALARS: dict[str, Callable[[str], object]] = {
    _TAG + "str": str,
    _TAG + "int": _integer,
    _TAG + "float": _float,
    _TAG + "bool": _bool,
}
_SCALARS[_TAG + "null"] = _null
_COLLECTION_TAGS = {yaml.MappingNode: _TAG + "map", yaml.SequenceNode: _TAG + "seq"}


# Unicode's categories Cc (control) and Cs (surrogate), less the tab and line breaks text may hold.
_CONTROL_OR_SURROGATE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def _scalar_problem(value) -> str | None:
    """Values no spec needs and generated code must not meet: inf, nan, control characters."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"numbers must be finite, found {value}"
    if isinstance(value, str):
        if len(value) > MAX_TEXT_CHARS:
            return f"text is over {MAX_TEXT_CHARS:,} characters"
        found = _CONTROL_OR_SURROGATE.search(value)
        if found:
            return f"text must not hold the control character or lone surrogate U+{ord(found[0]):04X}"
    return None


def _describe_key(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    return f"the {'integer' if isinstance(value, int) else 'number'} {value!r}"


class _Builder:
    """Turns a composed YAML node tree into plain data, recording locations as it goes.

    A value that breaks a rule is recorded in `errors` and building goes on, so that every
    such problem of a file is reported at once; only the limits on size stop it."""

    def __init__(self, source: SpecSource):
        self.source = source
        self.nodes_seen = 0  # counts each use of an alias again: this is the data's real size
        self.errors: list[_ReadError] = []

    def refuse(self, mark, message: str, path: Path_):
        self.errors.append(_ReadError(mark, message, path))
        return _REFUSED

    def build(self, node, path: Path_, depth: int):
        self.nodes_seen += 1
        if self.nodes_seen > MAX_NODES:
            raise _ReadError(node.start_mark, _TOO_MANY_NODES)
        if depth > MAX_DEPTH:
            raise _ReadError(node.start_mark, _TOO_DEEP)
        self.source.locations[path] = _mark(node.start_mark)
        expected_tag = _COLLECTION_TAGS.get(type(node))
        if expected_tag is not None and node.tag != expected_tag:
            return self.refuse(node.start_mark, f"YAML tag {node.tag!r} is not allowed in a spec", path)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node, path: Path_, depth: int) -> dict:
        result = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.refuse(key_node.start_mark, "mapping keys must be plain names", path)
                continue
            if key_node.value == "<<" and not key_node.style:  # plain: None, or "" from libyaml
                self.refuse(key_node.start_mark, "YAML merge keys (<<) are not supported in specs", path)
                continue
            key = self._scalar(key_node, path)
            if key is _REFUSED:
                continue
            if not isinstance(key, str):
                # Keys are names; a number or boolean key is a mistake, not a second kind of name.
                message = f"mapping keys must be names, found {_describe_key(key)}; quote it if it is a name"
                self.refuse(key_node.start_mark, message, path)
                continue
            if key in result:
                self.refuse(key_node.start_mark, f"duplicate key {key!r}", path + (key,))
                continue
            self.source.key_locations[path + (key,)] = _mark(key_node.start_mark)
            result[key] = self.build(value_node, path + (key,), depth + 1)
        return result

    def _scalar(self, node, path: Path_):
        read = _SCALARS.get(node.tag)
        if read is None:
            return self.refuse(node.start_mark, f"YAML tag {node.tag!r} is not allowed in a spec", path)
        if len(node.value) > MAX_TEXT_CHARS:
            return self.refuse(node.start_mark, f"text is over {MAX_TEXT_CHARS:,} characters", path)
        try:
            value = read(node.value)
        except ValueError as exc:
            return self.refuse(node.start_mark, str(exc), path)
        problem = _scalar_problem(value)
        if problem:
            return self.refuse(node.start_mark, problem, path)
        return value


def read_quickly(text: str, file: str) -> SpecSource:
    """Spec text under the same limits, read by libyaml whenever it is installed, and refused
    with a short message where the reference reader would be read again for an exact one.

    For reading many specs cheaply (the project's classes, `layergen.project.classes`):
    the pure-Python reader takes about a second for a spec near the size limit, and a
    folder of hostile specs must not cost that each. Where libyaml and PyYAML differ
    (`_DIVERGENT`: tabs, `?` keys, `!` tags), libyaml's reading is taken."""
    if _CSpecLoader is None:
        return parse_spec_text(text, file)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    _refuse_foreign_line_breaks(text, file)
    try:
        return _read(text, file, _CSpecLoader)
    except _ReadError as exc:
        raise LayergenError(Problem(file, exc.message, format_path(exc.path), *_mark(exc.mark))) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        message = getattr(exc, "problem", None) or "not YAML"
        raise LayergenError(Problem(file, f"invalid YAML: {message}", "", *_mark(mark))) from None
