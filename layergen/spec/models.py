"""Step 2 of the pipeline: the spec document's structure, as typed pydantic models.

These models say which fields a spec has and of what type; `layergen.analyze` then checks
what the fields mean (names, shapes, Keras vocabulary) and builds the render model. They are
the reference: `layergen.spec.fast` reads a valid spec without loading pydantic, and comes
here when it is not sure, for the problems' wording; the JSON Schema is made from them.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from layergen.errors import LayergenError
from layergen.spec import fast as spec_fast
from layergen.spec.fast import ArgumentType, Role, integral
from layergen.spec.source import MAX_INT_DIGITS, MAX_TEXT_CHARS, SpecSource
from layergen.vocabulary import closest, load

# pydantic looks for plugins (scanning every installed package's entry points, ~10 ms) when
# a model class is built: layergen's models use none, so they are built without. The
# setting is put back after them, so other models in the process still get their plugins.
_PLUGINS_SETTING = os.environ.get("PYDANTIC_DISABLE_PLUGINS")
os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"

Integer = Annotated[int, BeforeValidator(integral)]
ShapeItem = Integer | str
# An initializer, regularizer or constraint: a Keras name, or a mapping with `name` and the
# class's arguments, whose values may name a constructor argument as `$argument`.
KerasObject = str | dict[str, Any]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class ArgumentSpec(_Model):
    """A constructor argument of the layer."""

    type: ArgumentType = Field(description="What values the argument takes.")
    default: Any = Field(default=None, description="Default value; without one the argument is required.")
    min: int | float | None = Field(default=None, description="Smallest valid value (numbers, list elements).")
    max: int | float | None = Field(default=None, description="Largest valid value (numbers, list elements).")
    choices: list[str] | None = Field(default=None, min_length=1, description="The valid values of a str argument.")
    doc: str = Field(default="", description="Its entry in the class docstring's Args.")
    message: str | None = Field(
        default=None,
        description="The error message's rule for a wrong value, in place of the generated one "
        "(e.g. Keras's own wording); `Received: <name>=<value>` follows it.",
    )

    @property
    def required(self) -> bool:
        return "default" not in self.model_fields_set


class InputSpec(_Model):
    """One input tensor of `call`."""

    shape: list[ShapeItem] = Field(description="Symbolic shape, e.g. [batch, ..., input_dim].")
    dtype: str = Field(default="float", description='"float" (the compute dtype), "int" (int32), or a Keras dtype.')
    min: ShapeItem = Field(default=0, description="Integer inputs: the smallest valid value.")
    max: ShapeItem | None = Field(default=None, description="Integer inputs: values stay below this, e.g. vocab_size.")
    doc: str = Field(default="", description="Its entry in the class docstring's Call arguments.")


class WeightSpec(_Model):
    """A weight created in `build` with `add_weight`."""

    shape: list[ShapeItem] = Field(description="Shape from arguments and input dimensions, e.g. [input_dim, units].")
    role: Role = Field(default="trainable", description="trainable, frozen (never changes) or state (updated by call).")
    initializer: KerasObject | None = Field(
        default=None, description="A Keras initializer name, or {name: ..., arg: value}."
    )
    regularizer: KerasObject | None = Field(default=None, description="A Keras regularizer (trainable weights).")
    constraint: KerasObject | None = Field(default=None, description="A Keras constraint (trainable weights).")
    dtype: str | None = Field(default=None, description="Default: the layer's variable dtype.")
    initial_value: str | None = Field(default=None, description="An `array` argument holding a frozen weight's values.")
    renamed_from: str | list[str] | None = Field(
        default=None, description="Earlier names, so old checkpoints still load."
    )
    layout: list[str | None] | None = Field(
        default=None,
        description="For keras.distribution.ModelParallel: one mesh axis name (or null) per axis of its shape, "
        "e.g. [null, model]; the layer's get_layout_map shards it so.",
    )
    shared_axes: str | None = Field(
        default=None,
        description="With `...` in the shape: a list[int] argument naming input axes where the weight has size 1.",
    )
    axes: str | None = Field(
        default=None,
        description="With shape [...]: an `axes` argument; the weight has the input's sizes on those axes "
        "(as keras.layers.LayerNormalization's gamma).",
    )
    autocast: bool = Field(
        default=True,
        description="false: the weight is read in its own dtype (float32) under mixed precision, "
        "as Keras's normalization statistics are.",
    )
    when: str | None = Field(
        default=None,
        description="A bool argument, or a condition over bool arguments (center and not rms_scaling): "
        "the weight exists only when it holds (else it is None).",
    )
    doc: str = Field(default="", description="Added to the docstring entry of its initializer argument.")

    @property
    def earlier_names(self) -> tuple[str, ...]:
        if self.renamed_from is None:
            return ()
        return (self.renamed_from,) if isinstance(self.renamed_from, str) else tuple(self.renamed_from)


class ConstantSpec(_Model):
    """A fixed value that is not a weight: a constructor argument kept in the config."""

    value: int | float | bool | list[Any] = Field(description="The default: a number or nested list of numbers.")
    shape: list[ShapeItem] | None = Field(
        default=None, description="A shape from int arguments, e.g. [channels]; a number is broadcast to it."
    )
    dtype: str = Field(default="float", description='"float" (the compute dtype) or a Keras dtype.')
    doc: str = Field(default="", description="Its entry in the class docstring's Args.")


class SubLayerSpec(_Model):
    """A layer this layer holds and calls: created in `__init__`, built in `build`."""

    model_config = ConfigDict(extra="forbid", strict=True, populate_by_name=True)

    class_: str = Field(
        alias="class",
        description="A keras.layers class (Dense), a layer of this project (its spec's `layer:`), "
        "or a dotted path pkg.module.Class.",
    )
    arguments: dict[str, Any] = Field(
        default_factory=dict,
        description="Its constructor arguments: literals, or `$name` (an argument or constant of this layer) "
        "or `$expression` (integer arguments with + - * //).",
    )
    build: list[ShapeItem] | dict[str, list[ShapeItem]] | None = Field(
        default=None,
        description="The shape its build() gets (e.g. [batch, ..., units]), or a mapping of build parameters "
        "to shapes; default: this layer's (first) input shape.",
    )
    repeat: ShapeItem | None = Field(
        default=None, description="An integer argument (or expression): a list of that many such layers."
    )
    when: str | None = Field(
        default=None, description="A bool argument: the layer exists only when it is true (else None)."
    )


class MaskingSpec(_Model):
    """How the layer treats Keras masks (from Embedding(mask_zero=True), Masking, ...)."""

    uses_mask: bool = Field(
        default=False, description="call receives the input's Keras mask as `mask` (None when there is none)."
    )
    output_mask: str = Field(
        description="keep (the input's mask passes through), none (the output has no mask), "
        "or the body of compute_mask(self, <input>, mask=None) returning the output's mask."
    )
    supports_masking: bool | str = Field(
        default=True,
        description="Whether the layer supports masks: true, or a condition over arguments (e.g. mask_zero), "
        "as keras.layers.Embedding sets `supports_masking = mask_zero`.",
    )


class CallArgumentSpec(_Model):
    """A non-tensor parameter of `call`, passed by keyword (`layer(x, reverse=True)`)."""

    type: Literal["bool", "int", "float", "str"] = Field(description="What values it takes.")
    default: bool | int | float | str = Field(description="Its default in call's signature.")
    doc: str = Field(default="", description="Its entry in the class docstring's Call arguments.")


class CellSpec(_Model):
    """What makes the layer an RNN cell that `keras.layers.RNN` runs one step at a time."""

    state_size: ShapeItem | list[ShapeItem] = Field(
        description="The size of the cell's state: an int argument or an integer expression of them, e.g. units; "
        "a list of them for a cell with several states, e.g. [units, units] for an LSTM's h and c."
    )
    output_size: ShapeItem | None = Field(
        default=None, description="The size of the output of each step; default: state_size."
    )


class OutputSpec(_Model):
    """One of several outputs of `call`."""

    shape: list[ShapeItem] = Field(description="Symbolic shape, e.g. [batch, ..., 1].")
    dtype: str = Field(
        default="float", description='"float" (the compute dtype), "input" (the first input\'s dtype) or a Keras dtype.'
    )
    doc: str = Field(default="", description="Its entry in the class docstring's Output shape.")


class OutputCase(_Model):
    """One of the output shapes a layer gives, chosen by its arguments."""

    when: bool | str | None = Field(
        default=None,
        description="A condition over arguments (e.g. \"data_format == 'channels_last' and keepdims\"); "
        "the last case has none: it applies otherwise.",
    )
    shape: list[ShapeItem] = Field(description="Symbolic shape, e.g. [batch, 1, features].")


class TestSpec(_Model):
    """Concrete sizes for the generated test."""

    arguments: dict[str, Any] = Field(
        default_factory=dict,
        description="Values for the test of any constructor argument, those weights add (kernel_initializer) included.",
    )
    dimensions: dict[str, Integer] = Field(default_factory=dict, description="Sizes of named input dimensions.")
    batch_size: Integer = Field(default=2, ge=1, description="Batch size of the test inputs.")
    skip: dict[str, str] = Field(
        default_factory=dict, description="Contract tests to skip for this layer, each with the reason."
    )


def _default_inputs() -> dict[str, InputSpec]:
    return {"inputs": InputSpec(shape=["batch", "...", "input_dim"])}


class LayerSpec(_Model):
    """A layergen spec: one Keras layer, its arguments, weights, constants and computation."""

    layer: str = Field(description="The class name, e.g. LinearLayer.")
    summary: str = Field(description="One line: the first line of the class docstring.")
    description: str = Field(default="", description="More paragraphs for the class docstring.")
    package: str | None = Field(default=None, description="register_keras_serializable package.")
    arguments: dict[str, ArgumentSpec] = Field(default_factory=dict, description="Constructor arguments, in order.")
    inputs: dict[str, InputSpec] = Field(default_factory=_default_inputs, description="Inputs of call, in order.")
    weights: dict[str, WeightSpec] = Field(default_factory=dict, description="Weights made in build, in order.")
    constants: dict[str, ConstantSpec] = Field(default_factory=dict, description="Fixed values kept in the config.")
    layers: dict[str, SubLayerSpec] = Field(
        default_factory=dict, description="Sub-layers, created in __init__ in this order; call uses self.<name>."
    )
    masking: MaskingSpec | None = Field(
        default=None, description="Mask support: whether call reads the mask, and the output's mask."
    )
    random: bool = Field(
        default=False,
        description="Whether call draws random numbers: adds a `seed` argument and `self.seed_generator`.",
    )
    call_arguments: dict[str, CallArgumentSpec] = Field(
        default_factory=dict,
        description="Non-tensor parameters of call, passed by keyword, e.g. reverse: {type: bool, default: false}.",
    )
    cell: CellSpec | None = Field(
        default=None,
        description="An RNN cell for keras.layers.RNN: call(inputs, states) returns (output, new_states).",
    )
    call: str = Field(description="The body of call: inputs by name, weights as self.<name>, constants by name.")
    output_shape: list[ShapeItem] | None = Field(
        default=None, description="Symbolic output shape, e.g. [batch, ..., units]. Required unless `outputs` is given."
    )
    output_shapes: list[OutputCase] | None = Field(
        default=None,
        min_length=2,
        description="Instead of output_shape: the output's shape in each case of the arguments, "
        "the first whose `when` holds; the last has no `when`.",
    )
    output_dtype: str | None = Field(
        default=None,
        description='The output\'s dtype: "float" (the compute dtype, the default), "input" (the first input\'s) or a Keras dtype.',
    )
    outputs: dict[str, OutputSpec] = Field(
        default_factory=dict, description="Several named outputs, in the order call returns them (not output_shape)."
    )
    test: TestSpec = Field(default_factory=TestSpec, description="Concrete sizes for the generated test.")


if _PLUGINS_SETTING is None:
    del os.environ["PYDANTIC_DISABLE_PLUGINS"]
else:
    os.environ["PYDANTIC_DISABLE_PLUGINS"] = _PLUGINS_SETTING


def json_schema(*, vocabulary: bool = True) -> dict:
    """The JSON Schema of a spec: exactly what the reader and the models above accept, at the
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


_ANY_VALUE = {"$ref": "#/$defs/Value"}
_TEXT = {
    "type": "string",
    "maxLength": MAX_TEXT_CHARS,
    # No control characters but tab and line breaks, no lone surrogates: as the reader.
    "pattern": "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\ud800-\\udfff]*$",
}
_INTEGER_BOUND = 10**MAX_INT_DIGITS - 1
_INTEGER = {"$ref": "#/$defs/Integer"}
_VALUE_DEFINITIONS = {
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


def _as_read(node):
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


def _read_keyword(keyword: str, value):
    if keyword in ("default", "examples"):
        return value  # values, not schemas
    if keyword == "properties":
        return {name: _as_read(field) for name, field in value.items()}  # a map of schemas
    return _as_read(value)


def _add_vocabulary(definitions: dict, properties: dict) -> None:
    """Keras's names where a spec names a Keras object, activation or dtype."""
    vocab = load()
    weight = definitions["WeightSpec"]["properties"]
    for kind in ("initializer", "regularizer", "constraint"):
        names = sorted(vocab.objects[kind])
        weight[kind]["anyOf"] = [
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


def parse_layer_spec(source: SpecSource) -> spec_fast.LayerSpec:
    """Validate the document's structure; every problem is reported, each with its line.

    The spec comes back as `layergen.spec.fast`'s light objects, as from its fast reader
    (`spec_fast.parse_layer_spec` tries that first, and comes here when it is not sure).
    """
    if not isinstance(source.data, dict):
        raise LayergenError(source.problem((), "a spec must be a mapping of fields (layer:, summary:, ...)"))
    try:
        model = LayerSpec.model_validate(source.data)
    except ValidationError as exc:
        raise LayergenError(_problems(source, exc)) from None
    return spec_fast.from_validated(model.model_dump(by_alias=True, exclude_unset=True))


def with_structure_problems(error: LayergenError) -> LayergenError:
    """A reading error with the structure problems of what could be read: a spec whose
    fields are all wrong hears about all of them at once. Structure problems at or under a
    value the reader refused are left out (they are the same mistake)."""
    partial = getattr(error, "partial", None)
    if partial is None or not isinstance(partial.data, dict):
        return error
    try:
        LayerSpec.model_validate(partial.data)
        return error
    except ValidationError as exc:
        found = _problems(partial, exc)
    refused = [problem.field for problem in error.problems]
    kept = [p for p in found if not any(_within(p.field, field) for field in refused)]
    return LayergenError(sorted([*error.problems, *kept], key=lambda p: (p.line or 0, p.column or 0)))


def _within(field: str, parent: str) -> bool:
    return not parent or field == parent or field.startswith((parent + ".", parent + "["))


# Fields people reach for from Keras habits, and what the spec says instead.
_FIELD_HINTS = {
    "trainable": "a weight's `role` says it: trainable, frozen or state",
    "non_trainable": "a weight's `role` says it: trainable, frozen or state",
    "frozen": "a weight's `role` says it: trainable, frozen or state",
    "init": "did you mean 'initializer'?",
    "value": "a weight's starting value is its `initializer` (e.g. {name: constant, value: 1.0}), or `initial_value`",
}

_TYPE_NAMES = {
    "int_type": "an integer",
    "float_type": "a number",
    "string_type": "a string",
    "bool_type": "true or false",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
}


def _problems(source: SpecSource, exc: ValidationError):
    by_location: dict[tuple, list[Any]] = {}
    for error in exc.errors():
        loc = _data_path(source.data, error["loc"], missing=error["type"] in ("missing", "extra_forbidden"))
        by_location.setdefault(loc, []).append(error)
    problems = []
    for loc, errors in by_location.items():
        kind = errors[0]["type"]
        if kind == "extra_forbidden":
            parent_model = _model_at(loc[:-1])
            fields = [f.alias or n for n, f in parent_model.model_fields.items()] if parent_model else []
            suggestion = closest(str(loc[-1]), fields) if parent_model else None
            hint = f" (did you mean '{suggestion}'?)" if suggestion else ""
            alias = closest(str(loc[-1]), _FIELD_HINTS) if parent_model is WeightSpec else None
            if alias and not suggestion:
                hint = f" ({_FIELD_HINTS[alias]})"
            allowed = ", ".join(fields)
            message = f"unknown field '{loc[-1]}'{hint}" + (
                f"; expected one of: {allowed}" if not hint and allowed else ""
            )
            problems.append(source.problem(loc, message, key=True))
        elif kind == "missing":
            problems.append(source.problem(loc[:-1], f"missing required field '{loc[-1]}'", field=loc))
        elif kind == "too_short":
            problems.append(source.problem(loc, f"expected at least {errors[0]['ctx']['min_length']} item; found none"))
        elif kind == "literal_error":
            expected = errors[0]["ctx"]["expected"]
            found = errors[0]["input"]
            suggestion = closest(str(found), [e.strip("'") for e in expected.replace(" or ", ", ").split(", ")])
            hint = f" (did you mean '{suggestion}'?)" if suggestion else ""
            problems.append(source.problem(loc, f"expected one of {expected}; found {found!r}{hint}"))
        else:
            expected = sorted({_TYPE_NAMES.get(e["type"]) or e["msg"].removeprefix("Input should be ") for e in errors})
            found = errors[0]["input"]
            problems.append(source.problem(loc, f"expected {' or '.join(expected)}; found {_describe(found)}"))
    return sorted(problems, key=lambda p: (p.line or 0, p.column or 0))


def _data_path(data, loc, *, missing: bool) -> tuple:
    """The path into the spec's data that a pydantic error location names.

    pydantic also puts the tried union member into locations (`"str"`, `"dict[str,any]"`);
    those parts match nothing in the data and are dropped. A missing or unknown field is
    the last part, kept even though the data may not hold it.
    """
    path, current = [], data
    for index, part in enumerate(loc):
        last = index == len(loc) - 1
        if (
            isinstance(current, dict)
            and part in current
            or isinstance(current, list)
            and isinstance(part, int)
            and 0 <= part < len(current)
        ):
            path.append(part)
            current = current[part]
        elif last and missing:
            path.append(part)
    return tuple(path)


def _model_at(loc: tuple):
    """The pydantic model class that validates the mapping at `loc`, if any."""
    model: type[BaseModel] = LayerSpec
    index = 0
    while index < len(loc):
        field = model.model_fields.get(loc[index]) if isinstance(loc[index], str) else None
        if field is None:
            return None
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            model, index = annotation, index + 1
            continue
        args = getattr(annotation, "__args__", ())
        if args and isinstance(args[-1], type) and issubclass(args[-1], BaseModel):
            model, index = args[-1], index + 2  # dict[str, Model]: skip the entry's name
            continue
        return None
    return model


def _describe(value) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)
