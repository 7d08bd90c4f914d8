"""Step 3 of the pipeline: check what a spec means and compute the render model.

Reads the `LayerSpec` (structure already validated) and decides every detail of the
generated code, one concern per module:

    names        the class name and every name the spec introduces
    shapes       inputs, dimensions, shape expressions, input_spec, compute_output_shape
    arguments    constructor arguments from `arguments` and `constants`
                 (argument_types: what each argument type accepts, as one table;
                 given_constants: constants without `value`, which the user gives, or
                 `value: null`, which the user may leave out)
    weights      weights and their initializer / regularizer / constraint arguments
                 (which arguments: layergen.spec.weight_arguments; keras_objects: a
                 `{name: ..., ...}` mapping as the Keras object it builds;
                 initializer_parts: a first value made in parts along an axis)
    gates        optional weights (`when`): the bool argument each exists under
    adapt        `adapt:`: state weights set to statistics of a data set (`adapt(data)`)
    outputs      one output or several, each with its shape and dtype
    randomness   `random: true`: the seed argument and the layer's SeedGenerator
    call_arguments  non-tensor keyword parameters of call (`reverse=False`)
    cells        `cell:`: an RNN cell's sizes, its `states`, get_initial_state
                 (cell_states: one state or several, and call's use of them)
    losses       the losses `call` adds (`self.add_loss`), which the test expects
    call_body    the `call` body, parsed once
    docstring    the class docstring
    masking      masks: call's `mask`, compute_mask
    layouts      weight layouts for keras.distribution's ModelParallel (`get_layout_map`)
    sublayers    sub-layers (`layers:`): their creation in __init__ and build in build
    test_plan    the concrete values of the generated test (test_arguments: argument
                 values; number_values: those of number types; test_sizes: shapes;
                 test_budget: how big the test's tensors may be; test_values: the
                 values of the arguments weights add)

Each step records problems in the shared `Context` and carries on, so that all of a
spec's problems are reported together, each with its file, line and field.
"""

from __future__ import annotations

from layergen.analysis.adapt import read_adapt
from layergen.analysis.arguments import argument_args, constant_args
from layergen.analysis.call_arguments import CallArgument, read_call_arguments
from layergen.analysis.call_body import CallBody, constant_tensors, read_call_body
from layergen.analysis.call_shapes import call_case_shapes, call_inputs, shape_call_arguments, shape_parameters
from layergen.analysis.cell_states import STATES
from layergen.analysis.cells import CELL_STATES, cell_outputs, read_cell
from layergen.analysis.context import Context, Input
from layergen.analysis.docstring import class_docstring
from layergen.analysis.gates import read_gates
from layergen.analysis.given_constants import given_constant_build_checks, in_signature_order
from layergen.analysis.input_sized_values import dimensions_used_by_initializers
from layergen.analysis.layouts import layout_model
from layergen.analysis.losses import call_loss_count
from layergen.analysis.masking import masking_model
from layergen.analysis.names import check_header, check_names
from layergen.analysis.outputs import (
    Output,
    read_outputs,
    shape_bindings,
    shape_code,
    spec_dtypes,
)
from layergen.analysis.randomness import seed_args
from layergen.analysis.shapes import (
    dimension_bindings,
    dimensions_used_by_weights,
    input_spec_model,
    read_inputs,
    shared_dimension_checks,
)
from layergen.analysis.sublayers import dimensions_used_by_sublayers, sublayer_models
from layergen.analysis.test_plan import plan_test
from layergen.analysis.test_values import check_test_names
from layergen.analysis.weights import renamed_from_problems, weight_models
from layergen.project.classes import BrokenSpec, ProjectClass
from layergen.records import field, frozen_record
from layergen.render import values
from layergen.render.model import (
    AdaptModel,
    CellModel,
    ConstructorArg,
    Import,
    LayerModel,
    LayoutModel,
    MaskingModel,
    SubLayerModel,
    TestModel,
    WeightModel,
)
from layergen.render.values import names as names_in
from layergen.spec.names import snake_case
from layergen.spec.sections import LayerSpec
from layergen.spec.source import SpecSource
from layergen.vocabulary import load

__all__ = ["analyze", "snake_case"]


@frozen_record
class _Parts:
    """What the analysis steps found, before the test plan and the render model."""

    args: list[ConstructorArg]
    weights: list[WeightModel]
    gates: dict[str, str]
    layouts: LayoutModel | None
    sublayers: list[SubLayerModel]
    imports: list[Import]
    body: CallBody
    masking: MaskingModel | None
    outputs: list[Output]
    cell: CellModel | None = None
    call_arguments: list[CallArgument] = field(default_factory=list)
    shape_calls: list[str] = field(default_factory=list)  # call arguments that choose the output's shape
    call_inputs: list[Input] = field(default_factory=list)  # the inputs call takes with one, where they differ
    adapt: AdaptModel | None = None  # `adapt(data)`: state weights set to statistics of a data set


def analyze(
    spec: LayerSpec,
    source: SpecSource,
    *,
    module_name: str,
    spec_path: str,
    default_package: str,
    project_classes: dict[str, ProjectClass] | None = None,
    broken_specs: tuple[BrokenSpec, ...] = (),
    allowed_imports: tuple[str, ...] = (),
    layers_module: str = "layers",
    line_length: int = 88,
) -> LayerModel:
    """The render model of a spec; a `LayergenError` with every problem the spec has.

    `project_classes` are the project's own layers a sub-layer can name (class name ->
    `layergen.project.classes.ProjectClass`), `broken_specs` the project's specs that define
    none usable (named when a class is not found), `allowed_imports` the packages a dotted
    sub-layer class may come from, `layers_module` the package the layer module is generated
    into (the test imports it from there), `line_length` the project's.
    """
    classes = dict(project_classes or {})
    context = Context(
        spec, source, load(), project_classes=classes, broken_specs=broken_specs, allowed_imports=allowed_imports
    )
    parts = _read(context)
    # The test's sizes are computed from the shapes: only once those are sound. Its names
    # need none, so a spec with problems has those reported too.
    if context.problems:
        check_test_names(context)
    context.raise_problems()
    test = plan_test(
        context, parts.outputs, parts.weights, parts.body.uses_training, parts.gates, call_inputs=parts.call_inputs
    )
    test.call_losses = call_loss_count(parts.body)
    context.raise_problems()
    return _layer_model(
        context,
        parts,
        test,
        module_name=module_name,
        layer_import=f"{layers_module}.{module_name}",
        spec_path=spec_path,
        package=spec.package or default_package,
        line_length=line_length,
    )


def _read(context: Context) -> _Parts:
    """Every analysis step, in order; each records the problems it finds in `context`."""
    check_header(context)
    check_names(context)
    read_inputs(context)
    arguments = argument_args(context)
    constants = constant_args(context)
    gates = read_gates(context)
    weight_args, weights = weight_models(context, gates)
    renamed_from_problems(context)
    layouts = layout_model(context)
    sublayers, imports = sublayer_models(context)
    body = read_call_body(context)
    masking = masking_model(context, body)
    seed = seed_args(context, body)
    cell = read_cell(context)
    outputs = cell_outputs(context) if cell is not None else read_outputs(context)
    args = in_signature_order(arguments, constants) + weight_args + seed
    call_arguments = read_call_arguments(context)
    shape_calls = shape_call_arguments(context, outputs)
    inputs = call_inputs(context)
    return _Parts(
        args,
        weights,
        gates,
        layouts,
        sublayers,
        imports,
        body,
        masking,
        outputs,
        cell,
        call_arguments,
        shape_calls,
        inputs,
        read_adapt(context),
    )


def _layer_model(
    context: Context,
    parts: _Parts,
    test: TestModel,
    *,
    module_name: str,
    layer_import: str,
    spec_path: str,
    package: str,
    line_length: int,
) -> LayerModel:
    """The render model from what the analysis steps found."""
    args, body, masking, outputs = parts.args, parts.body, parts.masking, parts.outputs
    used_dims = dimensions_used_by_weights(context)
    used_dims += [name for name in dimensions_used_by_sublayers(context) if name not in used_dims]
    used_dims += [name for name in dimensions_used_by_initializers(context) if name not in used_dims]
    call_prelude = ([CELL_STATES] if parts.cell is not None else []) + constant_tensors(context, body)
    names = body.names | (masking.names if masking else frozenset())  # what the module must import
    uses_mask = bool(masking and masking.uses_mask)
    return LayerModel(
        class_name=context.spec.layer,
        module_name=module_name,
        layer_import=layer_import,
        line_length=line_length,
        spec_path=spec_path,
        package=package,
        needs_numpy="np" in names
        or parts.adapt is not None
        or any(n.startswith("np.") for a in args for c in a.checks for n in names_in(c.condition)),
        docstring=class_docstring(context, args, body.uses_training, outputs, uses_mask=uses_mask),
        args=args,
        weights=parts.weights,
        shape_params=[i.shape_param for i in context.inputs],
        build_checks=shared_dimension_checks(context) + given_constant_build_checks(context),
        build_bindings=dimension_bindings(context, used_dims),
        # Inputs of another shape with a call argument (`call_arguments.<name>.inputs`): no InputSpec.
        input_spec=None if parts.call_inputs else input_spec_model(context, used_dims),
        call_params=_call_params(context, parts, uses_training=body.uses_training, uses_mask=uses_mask),
        uses_ops=bool(call_prelude) or "ops" in names,
        call_prelude=call_prelude,
        call_body=body.text,
        call_source=body.text,
        output_bindings=shape_bindings(context, outputs),
        output_shape=shape_code(context, outputs),
        output_cases=call_case_shapes(context, outputs[0], parts.call_inputs) if len(outputs) == 1 else [],
        test=test,
        sublayers=parts.sublayers,
        imports=parts.imports,
        masking=masking,
        layouts=parts.layouts,
        input_names=[i.name for i in context.inputs],
        output_spec_dtypes=spec_dtypes(context, outputs),
        random=context.spec.random,
        cell=parts.cell,
        shape_call_params=shape_parameters(context, parts.shape_calls),
        shape_call_names=parts.shape_calls,
        adapt=parts.adapt,
    )


def _call_params(
    context: Context, parts: _Parts, *, uses_training: bool, uses_mask: bool
) -> list[tuple[str, values.Code | None]]:
    """call's parameters: the inputs (and a cell's states), then keywords with their defaults."""
    params: list[tuple[str, values.Code | None]] = [(i.name, None) for i in context.inputs]
    params += [(STATES, None)] if parts.cell else []
    params += [(argument.name, values.Literal(argument.default)) for argument in parts.call_arguments]
    params += [("training", values.Literal(None))] if uses_training else []
    params += [("mask", values.Literal(None))] if uses_mask else []
    return params
