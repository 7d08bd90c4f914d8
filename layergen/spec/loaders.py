"""The YAML loaders a spec is read with: text in, a composed node tree out, under the limits.

PyYAML's composer counts values and nesting as each node is composed (so an alias bomb or a
thousand `[` are refused after a few thousand events, not after composing all of it), and
resolves plain scalars by the YAML 1.2 core schema (`layergen.spec.core_schema`), not YAML 1.1's.
`SpecLoader` is the reference (the pure-Python scanner and parser, whose errors are
reported); `C_SPEC_LOADER` is the same composer over libyaml (~10x faster), None without it.
`DIVERGENT` finds text the two read differently: such text is read by the reference only.

PyYAML has no type stubs: its classes are `Any` to mypy, hence the ignores below.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import yaml

from layergen.spec.core_schema import RESOLUTION, TAG
from layergen.spec.limits import MAX_DEPTH, MAX_NODES, TOO_DEEP, TOO_MANY_NODES, ReadError


class _LimitedComposer(yaml.composer.Composer, yaml.resolver.BaseResolver):  # type: ignore[misc]  # untyped PyYAML
    """PyYAML's composer, under the limits, resolving plain scalars as YAML 1.2 (`RESOLUTION`)."""

    yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {}  # not YAML 1.1's: filled with the 1.2 core schema below

    def __init__(self) -> None:
        yaml.composer.Composer.__init__(self)
        yaml.resolver.BaseResolver.__init__(self)
        self.nodes_composed = 0
        self.depth = -1

    def compose_node(self, parent: Any, index: Any) -> Any:
        # The limits apply here, as each node is composed, so a hostile document is refused
        # after a few thousand events instead of after composing all of it.
        event = self.peek_event()
        self.nodes_composed += 1
        if self.nodes_composed > MAX_NODES:
            raise ReadError(event.start_mark, TOO_MANY_NODES)
        self.depth += 1
        try:
            if self.depth > MAX_DEPTH:
                raise ReadError(event.start_mark, TOO_DEEP)
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


for _kind, _pattern, _first in RESOLUTION:
    _LimitedComposer.add_implicit_resolver(TAG + _kind, re.compile(f"^(?:{_pattern})\\Z"), list(_first))


class SpecLoader(
    yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, _LimitedComposer  # type: ignore[misc]  # untyped
):
    """The reference reader: PyYAML's pure-Python scanner and parser, whose errors are reported."""

    def __init__(self, text: str) -> None:
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _LimitedComposer.__init__(self)


def _c_loader() -> type | None:
    """The same composer over libyaml's scanner and parser (C, ~10x faster), when installed.

    It only speeds up specs that read without a problem: on any error the text is read
    again by `SpecLoader`, so every message and location is the reference reader's."""
    try:
        from yaml._yaml import CParser
    except ImportError:
        return None

    class CSpecLoader(_LimitedComposer, CParser):  # type: ignore[misc]  # untyped PyYAML
        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            _LimitedComposer.__init__(self)

        def compose_node(self, parent: Any, index: Any) -> Any:
            # libyaml marks an empty value in a flow collection (`{a: , b: 1}`) elsewhere.
            event = self.peek_event()
            empty = isinstance(event, yaml.ScalarEvent) and not event.value and not event.style
            if empty and parent is not None and parent.flow_style:
                raise ReadError(event.start_mark, "an empty value in a flow collection")
            return super().compose_node(parent, index)

    return CSpecLoader


C_SPEC_LOADER = _c_loader()
# Where libyaml and PyYAML read the same text differently (found by differential fuzzing,
# tests/spec/test_yaml_source.py): tabs and byte order marks inside the text, `?` complex keys
# (libyaml puts an empty value elsewhere), `!` non-specific tags, and a comment right after
# a block scalar's `|`/`>` header. Such text is read by the reference reader only.
DIVERGENT = re.compile(r"[\t\ufeff?]|!(?:\s|\Z)|[|>][-+0-9]*#")
