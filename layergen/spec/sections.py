"""The spec's structure, written once: each section, its fields, their types, defaults and
descriptions (`layergen.spec.fields` says how a section is declared).

These classes are what the analysis reads: `layergen.spec.fast` checks a valid spec's data
against them and fills them; `layergen.spec.models` builds pydantic models of them, to word
the problems of a spec that is not valid and to give the JSON Schema (whose descriptions
are the ones below, and whose definitions' descriptions are the classes' docstrings).
`layergen.analyze` then checks what the fields mean (names, shapes, Keras vocabulary).

The annotations are evaluated when the classes are made (no `from __future__ import
annotations` here): the readers take the fields' types from them.
"""

from typing import Any, Literal

from layergen.spec.fields import Integer, KerasObject, Section, ShapeItem, field

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
    "int_tuple",
]
Role = Literal["trainable", "frozen", "state"]


class ArgumentSpec(Section):
    """A constructor argument of the layer."""

    type: ArgumentType = field(description="What values the argument takes.")
    default: Any = field(None, description="Default value; without one the argument is required.")
    min: int | float | None = field(None, description="Smallest valid value (numbers, list elements).")
    max: int | float | None = field(None, description="Largest valid value (numbers, list elements).")
    choices: list[str] | None = field(None, min_length=1, description="The valid values of a str argument.")
    doc: str = field("", description="Its entry in the class docstring's Args.")
    message: str | None = field(
        None,
        description="The error message's rule for a wrong value, in place of the generated one "
        "(e.g. Keras's own wording); `Received: <name>=<value>` follows it.",
    )
    length: Integer | None = field(
        None,
        description="int_tuple only: how many integers the tuple holds (an int given alone is repeated).",
    )
    none_means: str | None = field(
        None,
        description="With `default: null`: None takes the value of this earlier argument, as a pooling layer's "
        "`strides` takes its `pool_size`; the layer keeps that value, never None.",
    )
    type_message: str | None = field(
        None,
        description="A value of the wrong type raises a TypeError with these words (Keras's own wording), "
        "and a value out of bounds the ValueError of `message`; without it, one ValueError says both.",
    )

    @property
    def required(self) -> bool:
        return "default" not in self.model_fields_set


class InputSpec(Section):
    """One input tensor of `call`."""

    shape: list[ShapeItem] = field(description="Symbolic shape, e.g. [batch, ..., input_dim].")
    dtype: str = field("float", description='"float" (the compute dtype), "int" (int32), or a Keras dtype.')
    min: ShapeItem = field(0, description="Integer inputs: the smallest valid value.")
    max: ShapeItem | None = field(None, description="Integer inputs: values stay below this, e.g. vocab_size.")
    doc: str = field("", description="Its entry in the class docstring's Call arguments.")


class WeightShapeCase(Section):
    """One of the shapes a weight takes, chosen by a condition."""

    when: bool | str | None = field(
        None,
        description="A condition over arguments and the input's rank and dimensions (e.g. reset_after); "
        "the last case has none: it applies otherwise.",
    )
    shape: list[ShapeItem] = field(description="Shape from arguments and input dimensions, e.g. [2, 3 * units].")


class InitializerPart(Section):
    """One part of a weight's initial value along `initializer_parts.axis`."""

    size: ShapeItem = field(description="Its length along the axis, from arguments and input dimensions, e.g. units.")
    initializer: KerasObject | None = field(
        None,
        description="A Keras initializer name, or {name: ..., arg: value}; default: the weight's own "
        "initializer argument (what the user passes).",
    )


class InitializerParts(Section):
    """A weight's initial value made in parts along an axis (keras.layers.LSTMCell's bias, unit_forget_bias)."""

    when: str | None = field(
        None,
        description="A bool argument, or a condition over bool arguments (unit_forget_bias): the parts are used "
        "when it holds, else the weight's initializer makes the whole value; default: always.",
    )
    axis: Integer = field(0, description="The axis the parts are laid along (negative counts from the end).")
    parts: list[InitializerPart] = field(
        min_length=2, description="The parts in order; their sizes add up to the weight's size on the axis."
    )


class WeightSpec(Section):
    """A weight created in `build` with `add_weight`."""

    shape: list[ShapeItem] | None = field(
        None, description="Shape from arguments and input dimensions, e.g. [input_dim, units]."
    )
    shapes: list[WeightShapeCase] | None = field(
        None,
        min_length=2,
        description="Instead of shape: the weight's shape in each case, the first whose `when` holds "
        "(e.g. reset_after: [2, 3 * units], then [3 * units]); the last has no `when`.",
    )
    role: Role = field("trainable", description="trainable, frozen (never changes) or state (updated by call).")
    initializer: KerasObject | None = field(None, description="A Keras initializer name, or {name: ..., arg: value}.")
    initializer_parts: InitializerParts | None = field(
        None,
        description="The initial value made in parts along an axis (e.g. ones for an LSTM's forget gate), "
        "under a condition; the initializer argument stays what get_config saves.",
    )
    regularizer: KerasObject | None = field(None, description="A Keras regularizer (trainable weights).")
    constraint: KerasObject | None = field(None, description="A Keras constraint (trainable weights).")
    dtype: str | None = field(None, description="Default: the layer's variable dtype.")
    initial_value: str | None = field(None, description="An `array` argument holding a frozen weight's values.")
    renamed_from: str | list[str] | None = field(None, description="Earlier names, so old checkpoints still load.")
    layout: list[str | None] | None = field(
        None,
        description="For keras.distribution.ModelParallel: one mesh axis name (or null) per axis of its shape, "
        "e.g. [null, model]; the layer's get_layout_map shards it so.",
    )
    shared_axes: str | None = field(
        None,
        description="With `...` in the shape: a list[int] argument naming input axes where the weight has size 1.",
    )
    axes: str | None = field(
        None,
        description="With shape [...]: an `axes` argument; the weight has the input's sizes on those axes "
        "(as keras.layers.LayerNormalization's gamma).",
    )
    autocast: bool = field(
        True,
        description="false: the weight is read in its own dtype (float32) under mixed precision, "
        "as Keras's normalization statistics are.",
    )
    when: str | None = field(
        None,
        description="A bool argument, or a condition over bool arguments (center and not rms_scaling): "
        "the weight exists only when it holds (else it is None).",
    )
    doc: str = field("", description="Added to the docstring entry of its initializer argument.")

    @property
    def earlier_names(self) -> tuple[str, ...]:
        if self.renamed_from is None:
            return ()
        return (self.renamed_from,) if isinstance(self.renamed_from, str) else tuple(self.renamed_from)


class ConstantSpec(Section):
    """A fixed value that is not a weight: a constructor argument kept in the config."""

    value: int | float | bool | list[Any] | None = field(
        None,
        description="The default: a number or nested list of numbers. Absent: the user gives it at construction "
        "(a required argument), and `shape` is required; null: the user may leave it out (default None).",
    )
    shape: list[ShapeItem] | None = field(
        None, description="A shape from int arguments, e.g. [channels]; a number is broadcast to it."
    )
    dtype: str = field("float", description='"float" (the compute dtype) or a Keras dtype.')
    together_with: list[str] = field(
        factory=list,
        description="With value: null: other such constants given with this one, all or none "
        "(keras.layers.Normalization's mean and variance); else a ValueError.",
    )
    doc: str = field("", description="Its entry in the class docstring's Args.")


class SubLayerSpec(Section):
    """A layer this layer holds and calls: created in `__init__`, built in `build`."""

    class_: str = field(
        alias="class",
        description="A keras.layers class (Dense), a layer of this project (its spec's `layer:`), "
        "or a dotted path pkg.module.Class.",
    )
    arguments: dict[str, Any] = field(
        factory=dict,
        description="Its constructor arguments: literals, or `$name` (an argument or constant of this layer) "
        "or `$expression` (integer arguments with + - * //).",
    )
    build: list[ShapeItem] | dict[str, list[ShapeItem]] | None = field(
        None,
        description="The shape its build() gets (e.g. [batch, ..., units]), or a mapping of build parameters "
        "to shapes; default: this layer's (first) input shape.",
    )
    repeat: ShapeItem | None = field(
        None, description="An integer argument (or expression): a list of that many such layers."
    )
    when: str | None = field(None, description="A bool argument: the layer exists only when it is true (else None).")


class MaskingSpec(Section):
    """How the layer treats Keras masks (from Embedding(mask_zero=True), Masking, ...)."""

    uses_mask: bool = field(
        False, description="call receives the input's Keras mask as `mask` (None when there is none)."
    )
    output_mask: str = field(
        description="keep (the input's mask passes through), none (the output has no mask), "
        "or the body of compute_mask(self, <input>, mask=None) returning the output's mask."
    )
    supports_masking: bool | str = field(
        True,
        description="Whether the layer supports masks: true, or a condition over arguments (e.g. mask_zero), "
        "as keras.layers.Embedding sets `supports_masking = mask_zero`.",
    )


class CallArgumentSpec(Section):
    """A non-tensor parameter of `call`, passed by keyword (`layer(x, reverse=True)`)."""

    type: Literal["bool", "int", "float", "str"] = field(description="What values it takes.")
    default: bool | int | float | str = field(description="Its default in call's signature.")
    doc: str = field("", description="Its entry in the class docstring's Call arguments.")
    inputs: dict[str, InputSpec] | None = field(
        None,
        description="A bool call argument: the inputs call takes when it is not its default, where they differ "
        "(reverse=True of a reversible embedding takes hidden vectors, not token ids).",
    )


class CellSpec(Section):
    """What makes the layer an RNN cell that `keras.layers.RNN` runs one step at a time."""

    state_size: ShapeItem | list[ShapeItem] = field(
        description="The size of the cell's state: an int argument or an integer expression of them, e.g. units; "
        "a list of them for a cell with several states, e.g. [units, units] for an LSTM's h and c."
    )
    output_size: ShapeItem | None = field(
        None, description="The size of the output of each step; default: state_size (the first state's for a list)."
    )


class OutputSpec(Section):
    """One of several outputs of `call`."""

    shape: list[ShapeItem] = field(description="Symbolic shape, e.g. [batch, ..., 1].")
    dtype: str = field(
        "float", description='"float" (the compute dtype), "input" (the first input\'s dtype) or a Keras dtype.'
    )
    doc: str = field("", description="Its entry in the class docstring's Output shape.")


class OutputCase(Section):
    """One of the output shapes a layer gives, chosen by its arguments."""

    when: bool | str | None = field(
        None,
        description="A condition over arguments (e.g. \"data_format == 'channels_last' and keepdims\"); "
        "the last case has none: it applies otherwise.",
    )
    shape: list[ShapeItem] = field(description="Symbolic shape, e.g. [batch, 1, features].")


class TestSpec(Section):
    """Concrete sizes for the generated test."""

    __test__ = False  # not a pytest class

    arguments: dict[str, Any] = field(
        factory=dict,
        description="Values for the test of any constructor argument, those weights add (kernel_initializer) included.",
    )
    dimensions: dict[str, Integer] = field(factory=dict, description="Sizes of named input dimensions.")
    batch_size: Integer = field(2, ge=1, description="Batch size of the test inputs.")
    skip: dict[str, str] = field(
        factory=dict, description="Contract tests to skip for this layer, each with the reason."
    )


def default_inputs() -> dict[str, InputSpec]:
    return {"inputs": InputSpec(shape=["batch", "...", "input_dim"])}


class LayerSpec(Section):
    """A layergen spec: one Keras layer, its arguments, weights, constants and computation."""

    layer: str = field(description="The class name, e.g. LinearLayer.")
    summary: str = field(description="One line: the first line of the class docstring.")
    description: str = field("", description="More paragraphs for the class docstring.")
    package: str | None = field(None, description="register_keras_serializable package.")
    arguments: dict[str, ArgumentSpec] = field(factory=dict, description="Constructor arguments, in order.")
    inputs: dict[str, InputSpec] = field(factory=default_inputs, description="Inputs of call, in order.")
    weights: dict[str, WeightSpec] = field(factory=dict, description="Weights made in build, in order.")
    constants: dict[str, ConstantSpec] = field(factory=dict, description="Fixed values kept in the config.")
    adapt: dict[str, str] = field(
        factory=dict,
        description="State weights that `adapt(data)` sets to a statistic of a data set, each weight -> "
        "mean, variance, min, max or count (over the axes it does not keep), as keras.layers.Normalization.",
    )
    layers: dict[str, SubLayerSpec] = field(
        factory=dict, description="Sub-layers, created in __init__ in this order; call uses self.<name>."
    )
    masking: MaskingSpec | None = field(
        None, description="Mask support: whether call reads the mask, and the output's mask."
    )
    random: bool = field(
        False,
        description="Whether call draws random numbers: adds a `seed` argument and `self.seed_generator`.",
    )
    call_arguments: dict[str, CallArgumentSpec] = field(
        factory=dict,
        description="Non-tensor parameters of call, passed by keyword, e.g. reverse: {type: bool, default: false}.",
    )
    cell: CellSpec | None = field(
        None,
        description="An RNN cell for keras.layers.RNN: call(inputs, states) returns (output, new_states).",
    )
    call: str = field(description="The body of call: inputs by name, weights as self.<name>, constants by name.")
    output_shape: list[ShapeItem] | None = field(
        None, description="Symbolic output shape, e.g. [batch, ..., units]. Required unless `outputs` is given."
    )
    output_shapes: list[OutputCase] | None = field(
        None,
        min_length=2,
        description="Instead of output_shape: the output's shape in each case of the arguments, "
        "the first whose `when` holds; the last has no `when`.",
    )
    output_dtype: str | None = field(
        None,
        description='The output\'s dtype: "float" (the compute dtype, the default), "input" (the first input\'s) or a Keras dtype.',
    )
    outputs: dict[str, OutputSpec] = field(
        factory=dict, description="Several named outputs, in the order call returns them (not output_shape)."
    )
    test: TestSpec = field(factory=TestSpec, description="Concrete sizes for the generated test.")
