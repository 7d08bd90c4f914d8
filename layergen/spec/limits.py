"""What hostile input the spec reader refuses, and the error it raises while reading.

The limits are checked as the text is read (`layergen.spec.source`): its size in bytes before
parsing, the number and nesting of values while the document is composed and built
(`layergen.spec.loaders`, `layergen.spec.builder`), the length of text and the digits of
integers as each value is made (`layergen.spec.core_schema`). The JSON Schema states the last two
(`layergen.spec.schema`), and the fast spec reader keeps integers within them (`layergen.spec.fields`).
"""

from __future__ import annotations

from typing import Any

MAX_SPEC_BYTES = 100_000  # a layer spec is a page of YAML (the examples are about 1 kB)
MAX_NODES = 10_000  # values, counting each use of an alias: bounds an alias bomb's work
MAX_DEPTH = 32  # levels of nesting; a spec needs about 5
MAX_TEXT_CHARS = 20_000  # one string: a call body or description of a few hundred lines
MAX_INT_DIGITS = 20  # enough for any 64-bit integer

TOO_MANY_NODES = f"spec is too large: over {MAX_NODES:,} values; check for runaway aliases"
TOO_DEEP = f"spec is nested too deeply: over {MAX_DEPTH} levels (a spec needs about 5)"

Path_ = tuple[str | int, ...]  # a path of mapping keys and sequence indices into the spec's data


class ReadError(Exception):
    """A limit or rule broken while reading, at a YAML mark (PyYAML's, untyped)."""

    def __init__(self, mark: Any, message: str, path: Path_ = ()) -> None:
        super().__init__(message)
        self.mark, self.message, self.path = mark, message, path
