"""The render model: everything the templates need, computed before any template runs.

`layergen.analysis` builds a `LayerModel` from a validated spec; the templates lay it out
(writing code through `layergen.render.pycode`), and the update step reads what it needs
of it too (the weights' checkpoint records). The model holds data only: names, flags,
numbers, text (docstrings, messages a test expects) and code values (`render/values.py`),
which `pycode.code` writes. The one exception is by definition: the spec's `call` and
`compute_mask` bodies are Python, held as the spec wrote them (checked, dedented).
"""

from __future__ import annotations

from typing import ClassVar, TypeAlias

from layergen.records import field, frozen_record, record
from layergen.render.values import Call, Code, IfElse, Literal, Message

# A Keras object, as the call that builds it from its class and keyword arguments:
# `Call("keras.initializers.RandomNormal", keywords=(("stddev", Name("self.scale")),))`.
KerasObject: TypeAlias = Call


@frozen_record
class Check:
    """An argument check in `__init__`: raise `error` when `condition` holds."""

    condition: Code  # true when the value is invalid
    message: Message  # what the error says, the value received in it
    error: str = "ValueError"  # TypeError for a value of the wrong kind, as Keras raises it


@record
class ConstructorArg:
    """One `__init__` parameter, its check, its attribute and its config entry."""

    name: str
    default: Literal | None  # the parameter's default (`Literal(None)` for None); None: required
    doc: str  # docstring text after "name: "
    checks: list[Check] = field(default_factory=list)
    fallback: KerasObject | None = None  # `if name is None: name = <the object>` (built from other args)
    store: Code | None = None  # assigned to `self.<name>` (unless `keras_kind` says it)
    config: Code | None = None  # saved in get_config; None keeps it out (unless `keras_kind`)
    to_base: bool = False  # passed on to `super().__init__`, which stores it (activity_regularizer)
    # "initializer", "regularizer", "constraint": a Keras object, stored with `keras.<kind>s.get`
    # and saved with `keras.<kind>s.serialize`.
    keras_kind: str | None = None

    @property
    def required(self) -> bool:
        return self.default is None

    @property
    def in_config(self) -> bool:
        """Whether get_config saves it."""
        return self.config is not None or self.keras_kind is not None


@frozen_record
class CaseShape:
    """`shapes:`: build sets `variable` to the shape of the first case whose condition holds."""

    kind: ClassVar[str] = "cases"  # which set-up the template writes
    variable: str  # "bias_shape"
    cases: tuple[tuple[Code | None, Code], ...]  # (condition, shape); the last one has no condition

    @property
    def choice(self) -> IfElse | None:
        """`a if c else b` for two cases, which ruff's SIM108 asks for over an if / else."""
        if len(self.cases) != 2 or self.cases[0][0] is None or self.cases[1][0] is not None:
            return None
        return IfElse(self.cases[0][0], self.cases[0][1], self.cases[1][1])


@frozen_record
class AxesShape:
    """A weight with `axes`: the input's sizes on the axes `argument` names, sorted by
    position, as keras.layers.LayerNormalization's gamma; build sets `<weight>_shape`."""

    kind: ClassVar[str] = "axes"
    weight: str
    argument: str  # an axes or int argument
    shape_param: str  # build's parameter holding the input's shape


@frozen_record
class SharedAxesShape:
    """A weight with `...` and `shared_axes`: build sets `variable` to the shape as a list,
    then sets it to 1 along each shared input axis, as keras.layers.PReLU."""

    kind: ClassVar[str] = "shared_axes"
    variable: str  # "alpha_shape"
    value: Code  # the list of the weight's sizes
    argument: str  # the list[int] argument naming the shared axes
    position: Code  # the item of the list that input axis `axis` is


@frozen_record
class InitializerPartsModel:
    """`initializer_parts:`: build defines `function`, which makes the weight's value as the
    parts concatenated along `axis`, and passes it to add_weight (where `condition` holds;
    else the weight's own initializer), as keras.layers.LSTMCell's `unit_forget_bias`."""

    function: str  # "bias_initializer": the function build defines
    own: Code  # `self.bias_initializer`: the weight's initializer, used whole where `condition` fails
    axis: int  # counted from the start
    parts: tuple[tuple[Code, Code], ...]  # (what makes the part, its shape), in order
    condition: Code | None = None  # over `self.<argument>`: the parts are used only then; None: always


@frozen_record
class WeightModel:
    name: str
    role: str  # "trainable", "frozen" or "state"
    shape: Code  # the shape tuple, or the variable `shape_setup` sets
    initializer: str  # the constructor argument holding it: "kernel_initializer"
    regularizer: str | None  # the argument, for a trainable weight: "kernel_regularizer"
    constraint: str | None  # the argument, for a trainable weight: "kernel_constraint"
    dtype: str | None  # "int32" as the spec writes it; None for the layer's variable dtype
    # What checkpoint compatibility compares (`layergen.update.compat`), in the spec's own terms:
    checkpoint_shape: tuple[str, ...]  # ("input_dim", "units"): each item with the spec's names
    earlier_names: tuple[str, ...]  # names old checkpoints may have saved it under (`renamed_from`)
    gate: Code | None = None  # `when` over `self.<argument>` (and the input's shape): the weight exists only then
    shape_setup: CaseShape | AxesShape | SharedAxesShape | None = None  # what build runs first to find the shape
    reads_input: bool = False  # its shape or gate reads the input's shape: build needs it
    autocast: bool = True  # False: read in the variable's own dtype under mixed precision
    adapted: bool = False  # set by `adapt` to a statistic of a data set, not by `call`
    initial_value: str | None = None  # the array argument whose values it starts from, when given
    # Built in build when the initializer argument is None: its values read the input's size.
    initializer_in_build: KerasObject | None = None
    initializer_parts: InitializerPartsModel | None = None  # its value made in parts along an axis

    @property
    def trainable(self) -> bool:
        return self.role == "trainable"

    @property
    def checkpoint_dtype(self) -> str | None:
        """What checkpoint compatibility compares: the dtype as the spec writes it."""
        return self.dtype

    @property
    def initializer_sources(self) -> list[str]:
        """The arguments `add_weight` takes its initializer from, the first not None."""
        return [self.initializer] if self.initial_value is None else [self.initial_value, self.initializer]


@frozen_record
class SubLayerModel:
    """A sub-layer: created in `__init__` (or in `build`), built in `build`."""

    name: str  # the attribute, and the sub-layer's name
    class_code: str  # the class's qualified name: "keras.layers.Dense", "ResidualBlock", "pkg.module.Class"
    arguments: list[tuple[str, Code]]  # (parameter, its value) for the constructor
    repeat: Code | None  # how many (an int); None for a single layer
    when: str | None  # the bool argument that gates it; None if it always exists
    # The arguments of its build call: (build parameter, shape), the parameter None for the
    # one positional shape.
    build_args: list[tuple[str | None, Code]]
    in_build: bool = False  # created in build: its arguments read input dimensions


@frozen_record(order=True)
class Import:
    """An import the layer module needs: `import module`, or `from module import name`."""

    module: str
    name: str | None = None


@frozen_record
class MaskingModel:
    """Mask support: `supports_masking`, `call`'s `mask` parameter, `compute_mask`."""

    uses_mask: bool  # `call` takes `mask=None`
    output_mask: str  # "keep", "none" or "computed" (the spec's compute_mask body)
    input_name: str  # compute_mask's first parameter
    compute_mask_body: str  # the body the method gets (dedented): `source`, or render's placeholder
    source: str = ""  # the body as the spec writes it (dedented); render checks the method holds exactly it
    names: frozenset[str] = frozenset()  # every plain name the body reads or writes
    supports: Code = Literal(True)  # `supports_masking`: a condition over `self.<argument>` (and the input's shape)
    supports_in_build: bool = False  # it reads the input's rank or dimensions: set in build, which knows them


@frozen_record
class CellModel:
    """An RNN cell (`cell:`): what keras.layers.RNN reads on it."""

    state_size: Code  # `self.units`, or `[self.units, self.units]` for several states
    output_size: Code
    several: bool = False  # `state_size` is a list: call gets and returns a list of states


@frozen_record
class LayoutModel:
    """`get_layout_map`: the weights' layouts for `keras.distribution.ModelParallel`."""

    default_layer_name: str  # the name Keras gives the class's first layer, e.g. "sharded_dense"
    entries: list[tuple[str, tuple[str | None, ...]]]  # (weight, the mesh axis of each of its axes, or None)
    axis_names: list[str]  # the mesh axes the layouts name, in order of first use


@frozen_record
class InputSpecModel:
    """`keras.InputSpec(ndim=...)` for a single input (`min_ndim` where its shape has `...`),
    with `axes={-1: size}` where its last axis's size is known."""

    ndim: int
    minimum: bool  # `min_ndim`
    last_axis: Code | None


@frozen_record
class DocSection:
    title: str
    entries: list[str]  # each entry is a block of text, already wrapped and indented


@frozen_record
class TestInput:
    name: str
    shape: tuple[int, ...]  # concrete, batch first
    dtype: str  # "float32", "int32", ...
    is_int: bool
    low: int = 0
    high: int = 0  # exclusive


@frozen_record
class InvalidArgument:
    name: str
    value: Literal  # the invalid value
    message: str  # the exact error message expected
    error: str = "ValueError"  # or "TypeError"


@frozen_record
class TestSetting:
    """A subclass of the generated test: the contract again with one gate flipped."""

    class_suffix: str  # "WithoutBias"
    gate: str
    value: bool | None  # the gate's value in this subclass (None: an optional constant left out)
    weight_lists: list[tuple[str, list[str]]]  # (class attribute, weight names) that differ here
    weight_shapes: list[tuple[str, tuple[int, ...]]] | None = None  # `shapes` weights' shapes, where they differ
    also: tuple[tuple[str, None], ...] = ()  # more arguments set in this subclass (optional constants left out)
    invalid_arguments: list[InvalidArgument] | None = None  # where they differ from the base class's


@frozen_record
class TestInitializerParts:
    """A weight made in parts (`initializer_parts`), as the contract checks it: with its
    initializer argument a constant, the `own` ranges along `axis` hold it."""

    weight: str
    argument: str  # its initializer argument: "bias_initializer"
    axis: int
    own: tuple[tuple[int, int], ...]  # (start, stop) along the axis of each part the argument makes
    when: dict[str, bool]  # bool arguments under which the weight exists and the parts are used
    otherwise: dict[str, bool] | None  # ... and under which the argument makes the whole value; None: no `when`


@frozen_record
class TestOutput:
    name: str
    shape: tuple[int, ...]  # concrete, batch first
    dtype: str | None  # None: the compute dtype


@record
class TestModel:
    """Concrete sizes and expectations for the generated pytest module."""

    init_kwargs: list[tuple[str, Code]]  # (argument, the value the test passes)
    inputs: list[TestInput]
    output_shape: tuple[int, ...]
    trainable: list[str]
    non_trainable: list[str]  # in creation order, as Keras lists them
    policy_weights: list[str]  # weights that follow the layer's dtype policy (no explicit dtype)
    state: list[str]
    regularized: list[str]
    array_weights: list[tuple[str, str]]  # (weight, array argument)
    array_arguments: list[str]
    invalid_arguments: list[InvalidArgument]
    uses_training: bool
    settings: list[TestSetting] = field(default_factory=list)  # one per gate, flipped alone
    outputs: list[TestOutput] = field(default_factory=list)  # several outputs (then output_shape is unused)
    output_dtype: str | None = None  # a single output's dtype when it is not the compute dtype
    random: bool = False  # the layer draws random numbers in training
    skip: list[tuple[str, str]] = field(default_factory=list)  # (contract test, reason)
    cell_sizes: tuple[int | list[int], int] | None = None  # an RNN cell's (state_size, output_size) in the test
    call_losses: int = 0  # `self.add_loss` calls in the call body: losses each call adds
    call_kwargs: list[tuple[str, Code]] = field(default_factory=list)  # (call argument, the value the test passes)
    given_constants: list[str] = field(default_factory=list)  # constants the user gives (no `value`)
    weight_shapes: list[tuple[str, tuple[int, ...]]] = field(default_factory=list)  # weights with `shapes`
    call_inputs: list[TestInput] = field(default_factory=list)  # with `call_kwargs`, where they differ
    call_output_shape: tuple[int, ...] | None = None  # with `call_kwargs`, where a call argument chooses it
    initializer_parts: list[TestInitializerParts] = field(default_factory=list)  # weights made in parts
    adapt: list[tuple[str, str, tuple[int, ...]]] = field(default_factory=list)  # (weight, statistic, kept axes)


@frozen_record
class AdaptGroup:
    """The statistics `adapt` gathers over every axis but the ones `keep` names."""

    variable: str  # the local that gathers them: "axis_moments"
    keep: Code  # the kept axes, as the arguments give them (negative counts from the end)


@frozen_record
class AdaptStatistic:
    """A state weight `adapt` sets to a statistic of its group."""

    weight: str
    statistic: str  # "mean", "variance", "min", "max" or "count"
    group: str  # its `AdaptGroup.variable`
    gated: bool  # the weight has `when`: it may be None


@frozen_record
class AdaptModel:
    """`adapt(data, batch_size=None, steps=None)`: weights set to statistics of a data set."""

    groups: tuple[AdaptGroup, ...]
    statistics: tuple[AdaptStatistic, ...]
    words: tuple[str, ...]  # what each statistic is, for the docstring: "the mean"


@record
class LayerModel:
    class_name: str
    module_name: str  # snake_case file stem, e.g. "linear_layer"
    layer_import: str  # the module the test imports the layer from: "examples.layers.linear_layer"
    spec_path: str  # posix path of the spec, relative to the project
    package: str
    needs_numpy: bool
    uses_ops: bool  # whether `call` needs `from keras import ops`
    docstring: str  # the whole class docstring body, as text (the template escapes it)
    args: list[ConstructorArg]
    weights: list[WeightModel]
    shape_params: list[str]  # ["input_shape"], or ["x_shape", "y_shape"]: one per input
    build_checks: list[Check]  # raised in build, e.g. two inputs disagreeing on a shared dimension
    build_bindings: list[tuple[str, Code]]  # (dimension, its value) in build
    input_spec: InputSpecModel | None
    # call's parameters after `self`: (name, default), the default None for an input.
    call_params: list[tuple[str, Code | None]]
    call_prelude: list[tuple[str, Code]]  # (local, value) set before the spec's body: constants as tensors
    call_body: str  # the spec's body, dedented (the template indents it for the method)
    output_bindings: list[tuple[str, Code]]  # (dimension, its value) in compute_output_shape
    output_shape: Code  # what compute_output_shape returns
    test: TestModel
    call_source: str = ""  # the spec's body as written (dedented); render checks `call` holds exactly it
    sublayers: list[SubLayerModel] = field(default_factory=list)
    imports: list[Import] = field(default_factory=list)  # what the sub-layers' classes need
    masking: MaskingModel | None = None
    layouts: LayoutModel | None = None
    input_names: list[str] = field(default_factory=list)  # call's inputs, in order
    # Each output's dtype for compute_output_spec; [] when all have the compute dtype.
    output_spec_dtypes: list[Code] = field(default_factory=list)
    random: bool = False  # `self.seed_generator = keras.random.SeedGenerator(seed)` in __init__
    line_length: int = 88  # the project's: long messages are split to fit (`pycode.fit_strings`)
    # `output_shapes`: (condition, shape) returned first when the condition holds; the last
    # case (no condition) is `output_shape`.
    output_cases: list[tuple[Code, Code]] = field(default_factory=list)
    cell: CellModel | None = None  # an RNN cell: state_size, output_size, get_initial_state
    # Call arguments that choose the output's shape, with their defaults (`reverse=False`
    # after the shapes of compute_output_shape and the inputs of compute_output_spec), and
    # their names.
    shape_call_params: list[tuple[str, Code]] = field(default_factory=list)
    shape_call_names: list[str] = field(default_factory=list)
    adapt: AdaptModel | None = None  # an `adapt` method (the spec's `adapt`)

    @property
    def built_at_init(self) -> bool:
        """No weights, sub-layers or shape checks: no `build`; built at the end of `__init__`,
        as Keras's own stateless layers (Dropout, pooling) are, with `input_spec` set there."""
        in_build = bool(self.masking and self.masking.supports_in_build)  # it reads the input's shape
        return not (self.weights or self.sublayers or self.build_checks or in_build)

    @property
    def build_shape_optional(self) -> bool:
        """`build(self, input_shape=None)` when nothing built depends on the input, so that
        `layer.build()` works as it does for keras.layers.Embedding."""
        # Weights sized by arguments alone: `build()` works without a shape.
        sized_by_input = any(w.reads_input for w in self.weights)
        sized_by_input = sized_by_input or bool(self.masking and self.masking.supports_in_build)
        needs_shape = self.build_bindings or self.build_checks or self.sublayers or sized_by_input
        return len(self.input_names) == 1 and not needs_shape

    @property
    def renamed_from(self) -> dict[str, tuple[str, ...]]:
        """Weight -> the earlier names old checkpoints use, for the weights that have some."""
        return {w.name: w.earlier_names for w in self.weights if w.earlier_names}
