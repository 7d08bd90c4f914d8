"""Step 1 of the pipeline: read a spec file into plain data plus a map of where each value is.

A file (or its text) in; a `SpecSource` out: the data as dicts, lists and scalars, and the line
and column of every value by its path (`("weights", "kernel", "shape", 1)`), which later steps
use to turn a problem at a path into `file:line:column`. Or a `LayergenError` with every
problem the reader found.

YAML is read as YAML 1.2 (core schema, `layergen.spec.core_schema`), as editors read it. Only the
core tags are allowed, so `!!python/object` and the like are refused. Hostile input is refused
while it is read (`layergen.spec.limits`): the byte size here, before parsing; the number and
nesting of values while the document is composed (`layergen.spec.loaders`) and built
(`layergen.spec.builder`); the length of text and the digits of integers as each value is made.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from layergen.errors import LayergenError, Problem
from layergen.records import field, record
from layergen.spec.builder import Builder, Location, mark_location, without_refused
from layergen.spec.limits import MAX_SPEC_BYTES, Path_, ReadError

# The loaders are module attributes here so that tests can replace them (as without libyaml).
from layergen.spec.loaders import C_SPEC_LOADER as _CSpecLoader
from layergen.spec.loaders import DIVERGENT as _DIVERGENT
from layergen.spec.loaders import SpecLoader as _SpecLoader
from layergen.spec.python_lines import FOREIGN_LINE_BREAKS

# What other packages use: the reading, the result, and the paths and limit they name.
__all__ = ["MAX_SPEC_BYTES", "Path_", "SpecSource", "format_path", "parse_spec_text", "read_quickly", "read_spec"]

# Line breaks to YAML 1.1 (and so to PyYAML's line count) that YAML 1.2, Python and
# most editors do not count: a file holding one would be located wrongly. A subset of the
# characters Python does not count as line breaks (python_lines), those YAML 1.1 does (its
# line breaks are \n, \r and these three): the others, \v, \f and \x1c to \x1e, only
# `str.splitlines` counts, and the reader refuses them as special characters anyway.
_YAML_11_LINE_BREAKS = "\n\r\x85\u2028\u2029"
_FOREIGN_LINE_BREAKS = {char: name for char, name in FOREIGN_LINE_BREAKS.items() if char in _YAML_11_LINE_BREAKS}


@record
class SpecSource:
    """A spec file's data and the location of each value in it."""

    file: str  # as the user should see it, e.g. "specs/linear.yaml"
    data: Any  # what the YAML holds: the structure is checked next (`layergen.spec.parse`)
    text: str
    locations: dict[Path_, Location] = field(default_factory=dict)
    key_locations: dict[Path_, Location] = field(default_factory=dict)

    def locate(self, path: Path_, *, key: bool = False) -> Location:
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


class _ReadErrors(ReadError):
    """The rules broken while building a spec's values, each reported (`Builder`)."""

    def __init__(self, errors: list[ReadError], partial: SpecSource | None = None) -> None:
        super().__init__(errors[0].mark, errors[0].message, errors[0].path)
        self.errors = errors
        # What was read, without the refused values: its structure can still be checked
        # (`layergen.spec.models.with_structure_problems`). None when a limit stopped reading.
        self.partial = partial


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
    except ReadError as exc:
        raise _reading_error(exc, file) from None
    except yaml.YAMLError as exc:
        raise _yaml_error(exc, text, file) from None


def _reading_error(exc: ReadError, file: str) -> LayergenError:
    """The error for rules or a limit broken while reading: with every rule broken, sorted, and
    (`partial`) what could be read, so that its structure can be checked too."""
    if not isinstance(exc, _ReadErrors):
        return LayergenError(Problem(file, exc.message, format_path(exc.path), *mark_location(exc.mark)))
    problems = [Problem(file, e.message, format_path(e.path), *mark_location(e.mark)) for e in exc.errors]
    error = LayergenError(sorted(problems, key=lambda p: (p.line or 0, p.column or 0)))
    error.partial = exc.partial  # type: ignore[attr-defined]  # read by with_structure_problems
    return error


def _yaml_error(exc: yaml.YAMLError, text: str, file: str) -> LayergenError:
    """The reference reader's YAML error, located and worded for the user."""
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or str(exc)
        if exc.context:
            message = f"{exc.context}, {message}"
        return LayergenError(Problem(file, f"invalid YAML: {message}", "", *mark_location(mark)))
    if isinstance(exc, yaml.reader.ReaderError):
        character = exc.character if isinstance(exc.character, str) else chr(exc.character)
        message = f"invalid YAML: the character U+{ord(character):04X} is not allowed in YAML text"
        return LayergenError(Problem(file, message, "", *_position(text, exc.position)))
    return LayergenError(Problem(file, f"invalid YAML: {' '.join(str(exc).split())}", "", 1, 1))


def _read(text: str, file: str, loader_class: Any) -> SpecSource:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise LayergenError(Problem(file, "spec is empty", "", 1, 1))
        builder = Builder()
        try:
            data = builder.build(node, (), 0)
        except ReadError as limit:  # a limit stops reading: with what was found before it
            raise _ReadErrors([*builder.errors, limit]) from None
        source = SpecSource(file, data, text, builder.locations, builder.key_locations)
        if builder.errors:
            source.data = without_refused(source.data)
            raise _ReadErrors(builder.errors, source)
        return source
    finally:
        loader.dispose()


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
    except ReadError as exc:
        raise LayergenError(Problem(file, exc.message, format_path(exc.path), *mark_location(exc.mark))) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        message = getattr(exc, "problem", None) or "not YAML"
        raise LayergenError(Problem(file, f"invalid YAML: {message}", "", *mark_location(mark))) from None
