"""Step 1 of the pipeline: read a spec file into plain data plus a map of where each value is.

YAML is composed with PyYAML's safe loader, so tags such as `!!python/object` are refused,
and turned into dicts, lists and scalars here, recording the line and column of every
value by its path (`("weights", "kernel", "shape", 1)`). Later steps report problems by
path and this map turns them into `file:line:column`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import math
import re
import unicodedata

import yaml

from layergen.errors import LayergenError, Problem

MAX_SPEC_BYTES = 1_000_000  # a layer spec is a page of YAML; anything far larger is a mistake
MAX_NODES = 50_000  # bounds the work an alias-heavy ("billion laughs") document can cause
MAX_DEPTH = 32

Path_ = tuple  # a path of mapping keys and sequence indices


class _SpecLoader(yaml.SafeLoader):
    """The safe loader, reading `1e-3` as a float as YAML 1.2 does (1.1 reads a string)."""


_FAST_LOADERS = [yaml.CSafeLoader] if getattr(yaml, "__with_libyaml__", False) else []


class _FastSpecLoader(*_FAST_LOADERS or [_SpecLoader]):  # type: ignore[misc]
    """The same loader on libyaml, for specs that parse: ~10x faster. A spec it rejects is
    parsed again by `_SpecLoader`, so every YAML error reads the same either way."""


for _loader in (_SpecLoader, _FastSpecLoader):
    _loader.add_implicit_resolver(  # type: ignore[attr-defined]
        "tag:yaml.org,2002:float",
        re.compile(r"^[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"),
        list("-+0123456789"),
    )


@dataclass
class SpecSource:
    """A spec file's data and the location of each value in it."""

    file: str  # as the user should see it, e.g. "specs/linear.yaml"
    data: object
    text: str
    locations: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    key_locations: dict[Path_, tuple[int, int]] = field(default_factory=dict)

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
        raise LayergenError.plain(name, f"spec is over {MAX_SPEC_BYTES:,} bytes; a layer spec is a page of YAML")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LayergenError.plain(name, f"spec is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    return parse_spec_text(text, name)


def parse_spec_text(text: str, file: str) -> SpecSource:
    try:
        node = _compose(text)
        if node is not None:
            source = SpecSource(file=file, data=None, text=text)
            source.data = _Builder(source).build(node, (), 0)
            return source
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or str(exc)
        if exc.context:
            message = f"{exc.context}, {message}"
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        raise LayergenError(Problem(file, f"invalid YAML: {message}", "", line, column)) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        character = exc.character if isinstance(exc.character, str) else chr(exc.character)
        message = f"invalid YAML: the character U+{ord(character):04X} is not allowed in YAML text"
        raise LayergenError(Problem(file, message, "", line, column)) from None
    except yaml.YAMLError as exc:
        raise LayergenError.plain(file, f"invalid YAML: {' '.join(str(exc).split())}") from None
    except RecursionError:
        raise LayergenError.plain(
            file, f"spec is nested too deeply (a spec needs at most {MAX_DEPTH} levels)"
        ) from None
    raise LayergenError(Problem(file, "spec is empty", "", 1, 1))


def _compose(text: str):
    try:
        return yaml.compose(text, Loader=_FastSpecLoader)
    except yaml.YAMLError:
        return yaml.compose(text, Loader=_SpecLoader)  # the error as the pure-Python parser words it


def _scalar_problem(value) -> str | None:
    """Values no spec needs and generated code must not meet: inf, nan, control characters."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"numbers must be finite, found {value}"
    if isinstance(value, str):
        for char in value:
            if char in "\n\t\r":
                continue
            if unicodedata.category(char) in ("Cc", "Cs"):
                return f"text must not hold the control character or lone surrogate U+{ord(char):04X}"
    if isinstance(value, (bytes, bytearray)) or type(value).__module__ == "datetime":
        return f"expected a number, string, list or mapping, found {type(value).__name__}"
    return None


_COLLECTION_TAGS = {yaml.MappingNode: "tag:yaml.org,2002:map", yaml.SequenceNode: "tag:yaml.org,2002:seq"}


class _Builder:
    """Turns a composed YAML node tree into plain data, recording locations as it goes."""

    def __init__(self, source: SpecSource):
        self.source = source
        self.nodes_seen = 0
        self.constructor = _SpecLoader("")  # only for its scalar resolution rules

    def build(self, node, path: Path_, depth: int):
        self.nodes_seen += 1
        if self.nodes_seen > MAX_NODES or depth > MAX_DEPTH:
            line, column = node.start_mark.line + 1, node.start_mark.column + 1
            limit = "nodes" if self.nodes_seen > MAX_NODES else "levels of nesting"
            raise LayergenError(
                Problem(
                    self.source.file,
                    f"spec is too large or too deep (over {MAX_NODES if limit == 'nodes' else MAX_DEPTH} {limit}); check for runaway aliases",
                    "",
                    line,
                    column,
                )
            )
        self.source.locations[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        expected_tag = _COLLECTION_TAGS.get(type(node))
        if expected_tag is not None and node.tag != expected_tag:
            # Scalars meet this check in construct_object; collections must meet it here.
            raise self._error(node, path, f"YAML tag {node.tag!r} is not allowed in a spec")
        if isinstance(node, yaml.MappingNode):
            result = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, yaml.ScalarNode):
                    raise self._error(key_node, path, "mapping keys must be plain names")
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise self._error(key_node, path, "YAML merge keys (<<) are not supported in specs")
                key = self.constructor.construct_object(key_node)
                if not isinstance(key, (str, int, float, bool)) or key is None:
                    raise self._error(key_node, path, "mapping keys must be plain names")
                key = str(key) if isinstance(key, str) else key
                if key in result:
                    raise self._error(key_node, path + (key,), f"duplicate key {key!r}")
                self.source.key_locations[path + (key,)] = (
                    key_node.start_mark.line + 1,
                    key_node.start_mark.column + 1,
                )
                result[key] = self.build(value_node, path + (key,), depth + 1)
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        value = self.constructor.construct_object(node)
        problem = _scalar_problem(value)
        if problem:
            raise self._error(node, path, problem)
        return value

    def _error(self, node, path, message) -> LayergenError:
        return LayergenError(
            Problem(self.source.file, message, format_path(path), node.start_mark.line + 1, node.start_mark.column + 1)
        )
