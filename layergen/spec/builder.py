"""A composed YAML node tree in; plain data (dicts, lists, scalars) and where each value is, out.

Every value's line and column is recorded by its path (`("weights", "kernel", "shape", 1)`), and
each mapping key's too, so that later steps can report problems by path. A value that breaks a
rule (a tag, a merge key, a key that is not a name, a duplicate, a scalar `core_schema` refuses)
is recorded and building goes on, so that every such problem of a file is reported at once;
only the limits on size stop it.
"""

from __future__ import annotations

from typing import Any

import yaml

from layergen.spec.core_schema import SCALARS, TAG, value_problem
from layergen.spec.limits import MAX_DEPTH, MAX_NODES, MAX_TEXT_CHARS, TOO_DEEP, TOO_MANY_NODES, Path_, ReadError

Location = tuple[int | None, int | None]  # line and column, 1-based

# What `Builder` puts in place of a value it refused (and recorded): the spec is not used.
REFUSED = object()

_COLLECTION_TAGS = {yaml.MappingNode: TAG + "map", yaml.SequenceNode: TAG + "seq"}


def mark_location(mark: Any) -> Location:
    """The line and column of a PyYAML mark (0-based), or none."""
    return (mark.line + 1, mark.column + 1) if mark else (None, None)


def without_refused(value: object) -> object:
    """The data without the values `Builder` refused: dropped from mappings, None in lists
    (so that the items after one keep their index)."""
    if isinstance(value, dict):
        return {k: without_refused(v) for k, v in value.items() if v is not REFUSED}
    if isinstance(value, list):
        return [None if v is REFUSED else without_refused(v) for v in value]
    return None if value is REFUSED else value


def _describe_key(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    return f"the {'integer' if isinstance(value, int) else 'number'} {value!r}"


class Builder:
    """Turns a composed YAML node tree into plain data, recording locations as it goes."""

    def __init__(self) -> None:
        self.locations: dict[Path_, Location] = {}
        self.key_locations: dict[Path_, Location] = {}
        self.nodes_seen = 0  # counts each use of an alias again: this is the data's real size
        self.errors: list[ReadError] = []

    def refuse(self, mark: Any, message: str, path: Path_) -> object:
        self.errors.append(ReadError(mark, message, path))
        return REFUSED

    def build(self, node: Any, path: Path_, depth: int) -> object:
        self.nodes_seen += 1
        if self.nodes_seen > MAX_NODES:
            raise ReadError(node.start_mark, TOO_MANY_NODES)
        if depth > MAX_DEPTH:
            raise ReadError(node.start_mark, TOO_DEEP)
        self.locations[path] = mark_location(node.start_mark)
        expected_tag = _COLLECTION_TAGS.get(type(node))
        if expected_tag is not None and node.tag != expected_tag:
            return self.refuse(node.start_mark, f"YAML tag {node.tag!r} is not allowed in a spec", path)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _mapping(self, node: Any, path: Path_, depth: int) -> dict[str, object]:
        result: dict[str, object] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.refuse(key_node.start_mark, "mapping keys must be plain names", path)
                continue
            if key_node.value == "<<" and not key_node.style:  # plain: None, or "" from libyaml
                self.refuse(key_node.start_mark, "YAML merge keys (<<) are not supported in specs", path)
                continue
            key = self._scalar(key_node, path)
            if key is REFUSED:
                continue
            if not isinstance(key, str):
                # Keys are names; a number or boolean key is a mistake, not a second kind of name.
                message = f"mapping keys must be names, found {_describe_key(key)}; quote it if it is a name"
                self.refuse(key_node.start_mark, message, path)
                continue
            if key in result:
                self.refuse(key_node.start_mark, f"duplicate key {key!r}", path + (key,))
                continue
            self.key_locations[path + (key,)] = mark_location(key_node.start_mark)
            result[key] = self.build(value_node, path + (key,), depth + 1)
        return result

    def _scalar(self, node: Any, path: Path_) -> object:
        read = SCALARS.get(node.tag)
        if read is None:
            return self.refuse(node.start_mark, f"YAML tag {node.tag!r} is not allowed in a spec", path)
        if len(node.value) > MAX_TEXT_CHARS:
            return self.refuse(node.start_mark, f"text is over {MAX_TEXT_CHARS:,} characters", path)
        try:
            value = read(node.value)
        except ValueError as exc:
            return self.refuse(node.start_mark, str(exc), path)
        problem = value_problem(value)
        if problem:
            return self.refuse(node.start_mark, problem, path)
        return value
