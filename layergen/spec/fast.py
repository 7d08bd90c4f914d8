"""Step 2 without pydantic: the spec as plain objects, and a table-driven reader of valid specs.

pydantic (`layergen.spec.models`) stays the reference for what a spec may hold, for the wording of
every problem and for the JSON Schema, but loading it and building its models costs ~70 ms,
more than the rest of reading a spec. So `parse_layer_spec` first tries `read_fast`: it
checks the composed YAML data against a table of the same fields, with pydantic's strict
rules, and builds the light classes below. Whenever it is not sure the data is valid it
gives up, and pydantic validates: it words the problems, or accepts, and its result is
turned into the same light objects (tests/spec/test_spec_fast.py holds the two to agreement).

The light classes have the models' field names, defaults and `model_fields_set`, so the
analysis reads one kind of object whichever way a spec was read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, NamedTuple, get_args

from layergen.spec.source import MAX_INT_DIGITS, SpecSource

ArgumentType = Literal[
    "int",
    "float",
    "bool",
    "str",
    "list[int]",
    "list[float]",
    "list[str]",
    "list[bool]",
    "activation",
    "array",
    "shape",
    "data_format",
    "axes",
    "mapping",
]
Role = Literal["trainable", "frozen", "state"]


def integral(value):
    """`2.0` where an integer goes is 2: JSON Schema, and so an editor, takes it for an integer."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 10**MAX_INT_DIGITS:
        return int(value)
    return value


# -- the checks: each returns the value as pydantic's strict mode gives it, or gives up -----


class _NotSure(Exception):
    """The data may be invalid: pydantic decides."""


Check = Callable[[Any], Any]


def _exactly(*kinds: type) -> Check:
    # `type(...) is`, not isinstance: strict mode takes no bool for an int, and the reader
    # gives plain types; anything else is left to pydantic.
    def check(value):
        if type(value) not in kinds:
            raise _NotSure
        return value

    return check


_str = _exactly(str)
_bool = _exactly(bool)
_number = _exactly(int, float)  # int | float: strict mode takes either as it is


def _any(value):
    return value


def _integer(value):
    """pydantic's `Integer`: an int, or an integral float made one."""
    value = integral(value)
    if type(value) is not int:
        raise _NotSure
    return value


def _positive_integer(value):
    value = _integer(value)
    if value < 1:
        raise _NotSure
    return value


def _one_of(names: tuple[str, ...]) -> Check:
    def check(value):
        if type(value) is not str or value not in names:
            raise _NotSure
        return value

    return check


def _optional(check: Check) -> Check:
    return lambda value: None if value is None else check(value)


def _list(item: Check, *, min_length: int = 0) -> Check:
    def check(value):
        if type(value) is not list or len(value) < min_length:
            raise _NotSure
        return [item(element) for element in value]

    return check


def _mapping(item: Check) -> Check:
    def check(value):
        if type(value) is not dict:
            raise _NotSure
        return {_str(key): item(element) for key, element in value.items()}

    return check


def _either(*checks: Check) -> Check:
    """A union whose members take disjoint kinds of data, so the first that fits is the one
    pydantic's smart mode picks too."""

    def check(value):
        for member in checks:
            try:
                return member(value)
            except _NotSure:
                pass
        raise _NotSure

    return check


def _model(cls: type[_Light]) -> Check:
    return lambda value: _build(cls, value)


_shape_item = _either(_integer, _str)
_shape = _list(_shape_item)
_keras_object = _optional(_either(_str, _mapping(_any)))

# -- the light classes ------------------------------------------------------------------------

_REQUIRED: Any = object()


class Field(NamedTuple):
    check: Check
    default: Any = _REQUIRED  # a value, or _REQUIRED
    factory: Callable[[], Any] | None = None  # makes the default (a fresh dict, a model)
    alias: str | None = None  # its key in the spec, where that is not its name

    @property
    def required(self) -> bool:
        return self.default is _REQUIRED and self.factory is None


class _Light:
    """A spec model's values, set as given: no checks (`read_fast` checks data first)."""

    FIELDS: dict[str, Field] = {}
    BY_KEY: dict[str, tuple[str, Field]] = {}
    model_fields_set: set[str]

    def __init__(self, **values: Any) -> None:
        for name, field in self.FIELDS.items():
            if name in values:
                setattr(self, name, values[name])
            elif field.factory is not None:
                setattr(self, name, field.factory())
            elif field.required:
                raise TypeError(f"{type(self).__name__} needs {name}")
            else:
                setattr(self, name, field.default)
        unknown = set(values) - set(self.FIELDS)
        if unknown:
            raise TypeError(f"{type(self).__name__} has no fields {sorted(unknown)}")
        self.model_fields_set = set(values)

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and vars(self) == vars(other)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.FIELDS)
        return f"{type(self).__name__}({fields})"


def _fields(cls: type[_Light], **fields: Field) -> None:
    cls.FIELDS = fields
    cls.BY_KEY = {field.alias or name: (name, field) for name, field in fields.items()}


class ArgumentSpec(_Light):
    type: ArgumentType
    default: Any
    min: int | float | None
    max: int | float | None
    choices: list[str] | None
    doc: str
    message: str | None

    @property
    def required(self) -> bool:
        return "default" not in self.model_fields_set


class InputSpec(_Light):
    shape: list[int | str]
    dtype: str
    min: int | str
    max: int | str | None
    doc: str


class WeightSpec(_Light):
    shape: list[int | str]
    role: Role
    initializer: str | dict[str, Any] | None
    regularizer: str | dict[str, Any] | None
    constraint: str | dict[str, Any] | None
    dtype: str | None
    initial_value: str | None
    renamed_from: str | list[str] | None
    layout: list[str | None] | None
    shared_axes: str | None
    axes: str | None
    autocast: bool
    when: str | None
    doc: str

    @property
    def earlier_names(self) -> tuple[str, ...]:
        if self.renamed_from is None:
            return ()
        return (self.renamed_from,) if isinstance(self.renamed_from, str) else tuple(self.renamed_from)


class ConstantSpec(_Light):
    value: int | float | bool | list[Any]
    shape: list[int | str] | None
    dtype: str
    doc: str


class SubLayerSpec(_Light):
    class_: str
    arguments: dict[str, Any]
    build: list[int | str] | dict[str, list[int | str]] | None
    repeat: int | str | None
    when: str | None


class MaskingSpec(_Light):
    uses_mask: bool
    output_mask: str
    supports_masking: bool | str


class CallArgumentSpec(_Light):
    type: str
    default: bool | int | float | str
    doc: str


class CellSpec(_Light):
    state_size: int | str | list[int | str]
    output_size: int | str | None


class OutputSpec(_Light):
    shape: list[int | str]
    dtype: str
    doc: str


class OutputCase(_Light):
    when: bool | str | None
    shape: list[int | str]


class TestSpec(_Light):
    __test__ = False  # not a pytest class

    arguments: dict[str, Any]
    dimensions: dict[str, int]
    batch_size: int
    skip: dict[str, str]


class LayerSpec(_Light):
    layer: str
    summary: str
    description: str
    package: str | None
    arguments: dict[str, ArgumentSpec]
    inputs: dict[str, InputSpec]
    weights: dict[str, WeightSpec]
    constants: dict[str, ConstantSpec]
    layers: dict[str, SubLayerSpec]
    masking: MaskingSpec | None
    random: bool
    call_arguments: dict[str, CallArgumentSpec]
    cell: CellSpec | None
    call: str
    output_shape: list[int | str] | None
    output_shapes: list[OutputCase] | None
    output_dtype: str | None
    outputs: dict[str, OutputSpec]
    test: TestSpec


def default_inputs() -> dict[str, InputSpec]:
    return {"inputs": InputSpec(shape=["batch", "...", "input_dim"])}


# The table: the fields of layergen/spec/models.py's models, their defaults and pydantic's checks.
_number_or_none = _optional(_number)
_fields(
    ArgumentSpec,
    type=Field(_one_of(get_args(ArgumentType))),
    default=Field(_any, None),
    min=Field(_number_or_none, None),
    max=Field(_number_or_none, None),
    choices=Field(_optional(_list(_str, min_length=1)), None),
    doc=Field(_str, ""),
    message=Field(_optional(_str), None),
)
_fields(
    InputSpec,
    shape=Field(_shape),
    dtype=Field(_str, "float"),
    min=Field(_shape_item, 0),
    max=Field(_optional(_shape_item), None),
    doc=Field(_str, ""),
)
_fields(
    WeightSpec,
    shape=Field(_shape),
    role=Field(_one_of(get_args(Role)), "trainable"),
    initializer=Field(_keras_object, None),
    regularizer=Field(_keras_object, None),
    constraint=Field(_keras_object, None),
    dtype=Field(_optional(_str), None),
    initial_value=Field(_optional(_str), None),
    renamed_from=Field(_optional(_either(_str, _list(_str))), None),
    layout=Field(_optional(_list(_optional(_str))), None),
    shared_axes=Field(_optional(_str), None),
    axes=Field(_optional(_str), None),
    autocast=Field(_bool, True),
    when=Field(_optional(_str), None),
    doc=Field(_str, ""),
)
_fields(
    ConstantSpec,
    value=Field(_either(_exactly(int, float, bool), _list(_any))),
    shape=Field(_optional(_shape), None),
    dtype=Field(_str, "float"),
    doc=Field(_str, ""),
)
_fields(
    SubLayerSpec,
    # pydantic also takes the key `class_` (populate_by_name): left to it.
    class_=Field(_str, alias="class"),
    arguments=Field(_mapping(_any), factory=dict),
    build=Field(_optional(_either(_shape, _mapping(_shape))), None),
    repeat=Field(_optional(_shape_item), None),
    when=Field(_optional(_str), None),
)
_fields(
    MaskingSpec,
    uses_mask=Field(_bool, False),
    output_mask=Field(_str),
    supports_masking=Field(_exactly(bool, str), True),
)
_fields(
    CallArgumentSpec,
    type=Field(_one_of(("bool", "int", "float", "str"))),
    default=Field(_exactly(bool, int, float, str)),
    doc=Field(_str, ""),
)
_fields(
    CellSpec,
    state_size=Field(_either(_shape_item, _list(_shape_item))),
    output_size=Field(_optional(_shape_item), None),
)
_fields(OutputSpec, shape=Field(_shape), dtype=Field(_str, "float"), doc=Field(_str, ""))
_fields(OutputCase, when=Field(_optional(_exactly(bool, str)), None), shape=Field(_shape))
_fields(
    TestSpec,
    arguments=Field(_mapping(_any), factory=dict),
    dimensions=Field(_mapping(_integer), factory=dict),
    batch_size=Field(_positive_integer, 2),
    skip=Field(_mapping(_str), factory=dict),
)
_fields(
    LayerSpec,
    layer=Field(_str),
    summary=Field(_str),
    description=Field(_str, ""),
    package=Field(_optional(_str), None),
    arguments=Field(_mapping(_model(ArgumentSpec)), factory=dict),
    inputs=Field(_mapping(_model(InputSpec)), factory=default_inputs),
    weights=Field(_mapping(_model(WeightSpec)), factory=dict),
    constants=Field(_mapping(_model(ConstantSpec)), factory=dict),
    layers=Field(_mapping(_model(SubLayerSpec)), factory=dict),
    masking=Field(_optional(_model(MaskingSpec)), None),
    random=Field(_bool, False),
    call_arguments=Field(_mapping(_model(CallArgumentSpec)), factory=dict),
    cell=Field(_optional(_model(CellSpec)), None),
    call=Field(_str),
    output_shape=Field(_optional(_shape), None),
    output_shapes=Field(_optional(_list(_model(OutputCase), min_length=2)), None),
    output_dtype=Field(_optional(_str), None),
    outputs=Field(_mapping(_model(OutputSpec)), factory=dict),
    test=Field(_model(TestSpec), factory=TestSpec),
)

# -- reading ----------------------------------------------------------------------------------


def _build(cls: type[_Light], data: Any) -> Any:
    if type(data) is not dict:
        raise _NotSure
    values: dict[str, Any] = {}
    for key, value in data.items():
        known = cls.BY_KEY.get(key) if type(key) is str else None
        if known is None:
            raise _NotSure  # extra="forbid"
        values[known[0]] = known[1].check(value)
    for name, field in cls.FIELDS.items():
        if field.required and name not in values:
            raise _NotSure  # missing
    return cls(**values)


def read_fast(data: Any) -> LayerSpec | None:
    """The spec the data holds, when it is surely valid; None when pydantic must decide."""
    try:
        return _build(LayerSpec, data)
    except _NotSure:
        return None


def from_validated(dump: dict) -> LayerSpec:
    """The light spec of data pydantic accepted (`model_dump(by_alias=True, exclude_unset=True)`)."""
    spec = read_fast(dump)
    if spec is None:
        raise AssertionError("layergen.spec.fast refuses a spec that pydantic accepts")
    return spec


def parse_layer_spec(source: SpecSource) -> LayerSpec:
    """Validate the document's structure; every problem is reported, each with its line."""
    spec = read_fast(source.data)
    if spec is not None:
        return spec
    from layergen.spec import models

    return models.parse_layer_spec(source)
