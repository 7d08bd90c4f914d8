"""The JSON Schema of a spec, for editors: the pydantic models' schema plus what the reader refuses.

`json_schema()` is written to `.layergen/spec.schema.json` by `layergen init`/`new` and printed by
`layergen schema`; with `vocabulary`, Keras's names (initializers, dtypes, ...) are enums.
"""

from __future__ import annotations

import sys
from typing import Any

from layergen.spec.core_schema import CONTROL_OR_SURROGATE
from layergen.spec.limits import MAX_INT_DIGITS, MAX_TEXT_CHARS
from layergen.spec.models import LayerSpec
from layergen.vocabulary import load

Schema = dict[str, Any]


def json_schema(*, vocabulary: bool = True) -> Schema:
    """The JSON Schema of a spec: exactly what the reader and the models accept, at the
    level of structure, plus (with `vocabulary`) Keras's names as enums.

    The reader refuses more than pydantic's schema says: control characters, lone surrogates
    and overlong text in strings, non-finite numbers, integers over the digit limit, keys that
    are not strings. `_as_read` adds those rules to every string, number and mapping, and
    gives fields of any type (`default`, test values, initializer arguments) the schema of
    any value the reader accepts.
    """
    schema = LayerSpec.model_json_schema()
    schema.pop("title", None)
    definitions = schema.pop("$defs")
    schema = _as_read(schema)
    definitions = {name: _as_read(definition) for name, definition in definitions.items()}
    definitions.update(_VALUE_DEFINITIONS)
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "layergen layer spec", **schema}
    schema["$defs"] = definitions
    if vocabulary:
        _add_vocabulary(definitions, schema["properties"])
    return schema


_ANY_VALUE: Schema = {"$ref": "#/$defs/Value"}
# No control characters but tab and line breaks, no lone surrogates: the reader's rule, its
# character ranges written as JSON Schema's patterns write them (\u0000-\u0008...).
_REFUSED_CHARACTERS = "".join(c if c == "-" else f"\\u{ord(c):04x}" for c in CONTROL_OR_SURROGATE.pattern[1:-1])
_TEXT: Schema = {"type": "string", "maxLength": MAX_TEXT_CHARS, "pattern": f"^[^{_REFUSED_CHARACTERS}]*$"}
_INTEGER_BOUND = 10**MAX_INT_DIGITS - 1
_INTEGER: Schema = {"$ref": "#/$defs/Integer"}
_VALUE_DEFINITIONS: dict[str, Schema] = {
    "Value": {
        "description": "Any value a spec can hold.",
        "anyOf": [
            {"type": "null"},
            {"type": "boolean"},
            {"$ref": "#/$defs/FiniteNumber"},
            _TEXT,
            {"type": "array", "items": _ANY_VALUE},
            {"type": "object", "propertyNames": _TEXT, "additionalProperties": _ANY_VALUE},
        ],
    },
    "Integer": {
        "description": f"An integer of at most {MAX_INT_DIGITS} digits.",
        "type": "integer",
        "minimum": -_INTEGER_BOUND,
        "maximum": _INTEGER_BOUND,
    },
    "FiniteNumber": {
        "description": "An integer, or a float that is neither infinite nor NaN.",
        "anyOf": [
            _INTEGER,
            {
                "$comment": "NaN passes every comparison, so only NaN meets all of the allOf.",
                "type": "number",
                "minimum": -sys.float_info.max,
                "maximum": sys.float_info.max,
                "not": {
                    "anyOf": [
                        {"type": "integer"},
                        {"allOf": [{"minimum": 0}, {"maximum": 0}, {"not": {"const": 0}}]},
                    ]
                },
            },
        ],
    },
}
_TYPED = ("type", "anyOf", "oneOf", "allOf", "$ref", "enum", "const")


def _as_read(node: Any) -> Any:
    """A copy of a pydantic schema node with the reader's rules on every value in it."""
    if isinstance(node, list):
        return [_as_read(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _read_keyword(key, value) for key, value in node.items()}
    if not any(key in node for key in _TYPED):
        return {**node, **_ANY_VALUE}  # a field of any type
    kind = node.get("type")
    if kind == "string":
        node = {**_TEXT, **node}
    elif kind in ("integer", "number"):
        reference = _INTEGER if kind == "integer" else {"$ref": "#/$defs/FiniteNumber"}
        return {**{k: v for k, v in node.items() if k != "type"}, **reference}
    elif kind == "object":
        node["propertyNames"] = _TEXT
        if node.get("additionalProperties", True) is True and "properties" not in node:
            node["additionalProperties"] = _ANY_VALUE
    elif kind == "array" and node.get("items", {}) == {}:
        node["items"] = _ANY_VALUE
    return node


def _read_keyword(keyword: str, value: Any) -> Any:
    if keyword in ("default", "examples"):
        return value  # values, not schemas
    if keyword == "properties":
        return {name: _as_read(field) for name, field in value.items()}  # a map of schemas
    return _as_read(value)


def _add_vocabulary(definitions: Schema, properties: Schema) -> None:
    """Keras's names where a spec names a Keras object, activation or dtype."""
    vocab = load()
    weight = definitions["WeightSpec"]["properties"]
    part = definitions["InitializerPart"]["properties"]  # a part of `initializer_parts`
    for kind, holder in (
        ("initializer", weight),
        ("regularizer", weight),
        ("constraint", weight),
        ("initializer", part),
    ):
        names = sorted(vocab.objects[kind])
        holder[kind]["anyOf"] = [
            {**_TEXT, "enum": names},
            {
                "type": "object",
                "properties": {"name": {**_TEXT, "enum": names}},
                "required": ["name"],
                "propertyNames": _TEXT,
                "additionalProperties": _ANY_VALUE,
            },
            {"type": "null"},
        ]
    definitions["ArgumentSpec"]["properties"]["default"]["examples"] = sorted(vocab.activations)[:5]
    dtypes = sorted(vocab.dtypes)
    weight["dtype"]["anyOf"] = [{**_TEXT, "enum": dtypes}, {"type": "null"}]
    numeric = [d for d in dtypes if d.startswith(("float", "bfloat", "int", "uint"))]
    definitions["InputSpec"]["properties"]["dtype"]["enum"] = ["float", "int", *numeric]
    definitions["ConstantSpec"]["properties"]["dtype"]["enum"] = ["float", *dtypes]
    output_dtypes = ["float", "input", *(d for d in dtypes if d != "string")]
    definitions["OutputSpec"]["properties"]["dtype"]["enum"] = output_dtypes
    properties["output_dtype"]["anyOf"] = [{**_TEXT, "enum": output_dtypes}, {"type": "null"}]
