"""Step 3 of the pipeline: check what a spec means and compute the render model.

Reads the `LayerSpec` (structure already validated) and decides every detail of the
generated code: constructor arguments (the spec's own, its constants, and one
initializer / regularizer / constraint argument per weight, as Keras's built-in layers
do), their checks, how `build` reads input dimensions, weight shapes, `input_spec`,
`compute_output_shape`, the docstring, and the concrete sizes of the generated test.
Problems are collected and raised together, each with its file, line and field.
"""

from __future__ import annotations

import ast
import builtins
import itertools
import keyword
import re
import textwrap
from dataclasses import dataclass, field

from layergen import expressions
from layergen.arguments import (
    argument_check,
    describe_type,
    invalid_value,
    other_value,
    requirement,
    sample_value,
    value_fits,
)
from layergen.errors import LayergenError, Problem
from layergen.layer_model import (
    Check,
    ConstructorArg,
    DocSection,
    InvalidArgument,
    LayerModel,
    TestInput,
    TestModel,
    WeightModel,
)
from layergen.pycode import (
    as_tuple,
    doc_literal,
    escape_docstring,
    indent_code,
    json_literal,
    literal,
    message,
    names_in_body,
    nested_shape,
    tuple_code,
)
from layergen.spec import ArgumentSpec, InputSpec, LayerSpec
from layergen.vocabulary import Vocabulary, closest, load
from layergen.yaml_source import SpecSource

# Names the generated module itself uses; a spec name equal to one would shadow it.
_GENERATED_NAMES = frozenset(
    {"self", "kwargs", "config", "keras", "ops", "np", "warnings", "training", "mask", "input_shape", "store"}
)
# Generated code calls builtins (isinstance, ValueError, ...): a name must not hide one.
_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_"))
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_CLASS_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_PACKAGE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.\-]*$")
_BATCH = "batch"
_ELLIPSIS = "..."
_DOC_WIDTH = 72
# Concrete sizes for the generated test when the spec gives none: distinct from each
# other and from the batch (2), so that a transposed shape cannot pass by accident.
_TEST_ARGUMENT_SIZES = (4, 6, 8, 9, 10, 12)
_TEST_DIMENSION_SIZES = (3, 5, 7, 11, 13, 17)
_TEST_ELLIPSIS_SIZES = (15,)


def _sizes(first: tuple[int, ...], then: int):
    """The given sizes, then `then`, `then + 1`, ...: a run no other sequence uses."""
    yield from first
    yield from itertools.count(then)


def analyze(
    spec: LayerSpec, source: SpecSource, *, module_name: str, spec_path: str, default_package: str
) -> LayerModel:
    return _Analysis(spec, source, load(), module_name, spec_path, default_package).run()


def snake_case(class_name: str) -> str:
    """`LinearLayer` -> `linear_layer`, `LSTMCell` -> `lstm_cell`."""
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", class_name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


@dataclass
class _Dim:
    """A named input dimension, e.g. `input_dim` in `[batch, ..., input_dim]`."""

    name: str
    input_name: str
    index: int  # position in the input's shape, negative when counted from the end
    shape_param: str


@dataclass
class _Input:
    name: str
    spec: InputSpec
    shape_param: str
    items: list  # parsed shape items: _BATCH, _ELLIPSIS or an Expression
    ellipsis: bool
    is_int: bool
    dtype: str


@dataclass
class _Analysis:
    spec: LayerSpec
    source: SpecSource
    vocab: Vocabulary
    module_name: str
    spec_path: str
    default_package: str
    problems: list[Problem] = field(default_factory=list)
    dims: dict[str, _Dim] = field(default_factory=dict)
    inputs: list[_Input] = field(default_factory=list)
    shared_dims: list[tuple[_Dim, _Dim]] = field(default_factory=list)  # (later use, first use)

    # -- driver -------------------------------------------------------------------

    def run(self) -> LayerModel:
        spec = self.spec
        self._check_header()
        self._check_names()
        self._read_inputs()
        arguments = self._argument_args()
        constants = self._constant_args()
        weight_args, weights = self._weights()
        array_checks = self._array_shape_checks()
        renamed_from = self._renamed_from()
        body, uses_training = self._call_body()
        output_items = self._shape_items(spec.output_shape, ("output_shape",), allow_new_dims=False)
        if self.problems:
            raise LayergenError(sorted(self.problems, key=lambda p: (p.line or 0, p.column or 0)))

        for arg in arguments:
            arg.checks.extend(array_checks.get(arg.name, []))
        args = arguments + constants + weight_args
        used_dims = self._dims_used_by_weights()
        single = len(self.inputs) == 1
        call_params = ", ".join(i.name for i in self.inputs) + (", training=None" if uses_training else "")
        call_prelude = self._constant_tensors(body)
        model = LayerModel(
            class_name=spec.layer,
            module_name=self.module_name,
            spec_path=self.spec_path,
            package=spec.package or self.default_package,
            needs_numpy="np" in names_in_body(body) or any("np." in c.condition for a in args for c in a.checks),
            docstring=self._docstring(args, uses_training),
            args=args,
            weights=weights,
            renamed_from=renamed_from,
            shape_params=", ".join(i.shape_param for i in self.inputs),
            build_checks=self._shared_dim_checks(),
            build_bindings=[(d, self._dim_code(d)) for d in used_dims],
            input_spec=self._input_spec(used_dims) if single else None,
            call_params=call_params,
            uses_ops=bool(call_prelude) or "ops" in names_in_body(body),
            call_prelude=call_prelude,
            call_body=indent_code(body, " " * 8),
            output_bindings=self._output_bindings(output_items),
            output_shape=self._output_shape_code(output_items),
            test=self._test_model(output_items, weights, uses_training),
        )
        return model

    def _problem(self, path, message, *, key=False):
        self.problems.append(self.source.problem(path, message, key=key))

    # -- names ----------------------------------------------------------------------

    def _check_header(self):
        spec = self.spec
        if not _CLASS_NAME.match(spec.layer) or keyword.iskeyword(spec.layer) or spec.layer in _BUILTINS:
            self._problem(
                ("layer",), f"class name must be CamelCase letters and digits, like LinearLayer; found {spec.layer!r}"
            )
        package = spec.package
        if package is not None and not _PACKAGE.match(package):
            self._problem(("package",), f"package must be letters, digits, '_', '.' or '-'; found {package!r}")
        if not spec.summary.strip():
            self._problem(("summary",), "summary must not be empty")

    def _check_names(self):
        """Every name the spec introduces becomes an attribute, parameter or local."""
        owners: dict[str, tuple] = {}
        reserved = self.vocab.layer_attributes

        def claim(name: str, path: tuple, what: str):
            reason = _name_problem(name, reserved)
            if reason:
                self._problem(path, f"{what} name {name!r} {reason}", key=True)
            elif name in owners:
                self._problem(
                    path, f"{what} name {name!r} is already used by {'.'.join(map(str, owners[name]))}", key=True
                )
            else:
                owners[name] = path

        for name in self.spec.arguments:
            claim(name, ("arguments", name), "argument")
        for name in self.spec.constants:
            claim(name, ("constants", name), "constant")
        for name, weight in self.spec.weights.items():
            claim(name, ("weights", name), "weight")
            for suffix in ("initializer", "regularizer", "constraint"):
                if weight.role == "trainable" or suffix == "initializer":
                    derived = f"{name}_{suffix}"
                    if derived in owners:
                        self._problem(
                            ("weights", name),
                            f"weight {name!r} needs the argument {derived!r}, which {'.'.join(map(str, owners[derived]))} already uses",
                            key=True,
                        )
                    elif derived in reserved:
                        self._problem(
                            ("weights", name),
                            f"weight {name!r} needs the argument {derived!r}, which would shadow keras.layers.Layer.{derived}; choose another name",
                            key=True,
                        )
                    owners.setdefault(derived, ("weights", name))
        for name in self.spec.inputs:
            claim(name, ("inputs", name), "input")

    # -- inputs and dimensions ------------------------------------------------------

    def _read_inputs(self):
        single = len(self.spec.inputs) == 1
        if not self.spec.inputs:
            self._problem(("inputs",), "a layer needs at least one input")
        for name, spec in self.spec.inputs.items():
            path = ("inputs", name)
            shape_param = "input_shape" if single else f"{name}_shape"
            items = self._shape_items(
                spec.shape, path + ("shape",), allow_new_dims=True, input_name=name, shape_param=shape_param
            )
            kind, dtype = self._input_dtype(spec, path)
            if kind == "float" and ("max" in spec.model_fields_set or "min" in spec.model_fields_set):
                self._problem(path, "`min` and `max` bound the values of integer inputs; this input is float")
            if kind == "int":
                if spec.max is None:
                    self._problem(
                        path, "an integer input needs `max`, the bound its values stay below (e.g. max: vocab_size)"
                    )
                for bound in ("min", "max"):
                    value = getattr(spec, bound)
                    if value is not None:
                        self._expression(value, path + (bound,), allowed=self._argument_names())
            self.inputs.append(_Input(name, spec, shape_param, items, _ELLIPSIS in items, kind == "int", dtype))

    def _input_dtype(self, spec: InputSpec, path) -> tuple[str, str]:
        if spec.dtype == "float":
            return "float", "float32"
        if spec.dtype == "int":
            return "int", "int32"
        numeric = sorted(d for d in self.vocab.dtypes if d.startswith(("float", "bfloat", "int", "uint")))
        if spec.dtype not in numeric:
            self._unknown(path + ("dtype",), "input dtype", spec.dtype, numeric + ["float", "int"])
            return "float", "float32"
        return ("int" if "int" in spec.dtype else "float"), spec.dtype

    def _shape_items(self, shape, path, *, allow_new_dims, input_name="", shape_param=""):
        """Parse `[batch, ..., input_dim]`; binds new dimension names for inputs."""
        items = []
        if not shape or shape[0] != _BATCH:
            self._problem(path + (0,) if shape else path, "a shape starts with `batch`, e.g. [batch, ..., input_dim]")
            return items
        items.append(_BATCH)
        rest = shape[1:]
        if rest.count(_ELLIPSIS) > 1:
            self._problem(path, "a shape can hold `...` only once")
        ellipsis_at = rest.index(_ELLIPSIS) if _ELLIPSIS in rest else None
        for offset, item in enumerate(rest):
            index = offset + 1
            if item == _ELLIPSIS:
                items.append(_ELLIPSIS)
                continue
            if item == _BATCH:
                self._problem(path + (index,), "`batch` can only be the first dimension")
                continue
            if isinstance(item, str) and item in self.spec.arguments and item not in self._argument_names():
                self._problem(
                    path + (index,),
                    f"argument {item!r} is not an integer that is never None, so it cannot size a dimension",
                )
                continue
            if isinstance(item, str) and item.isidentifier() and item not in self._argument_names() and allow_new_dims:
                if item in self.dims:
                    if self.dims[item].input_name == input_name:
                        self._problem(path + (index,), f"dimension {item!r} appears twice in this shape")
                    else:
                        position = index if ellipsis_at is None or offset < ellipsis_at else index - len(shape)
                        self.shared_dims.append((_Dim(item, input_name, position, shape_param), self.dims[item]))
                else:
                    position = index if ellipsis_at is None or offset < ellipsis_at else index - len(shape)
                    self.dims[item] = _Dim(item, input_name, position, shape_param)
                    self._check_dim_name(item, path + (index,))
                items.append(expressions.parse(item))
                continue
            allowed = self._argument_names() | (set() if allow_new_dims else set(self.dims))
            expression = self._expression(item, path + (index,), allowed=allowed)
            items.append(expression if expression is not None else expressions.parse(0))
        return items

    def _shared_dim_checks(self) -> list[Check]:
        """Inputs that name the same dimension must agree on its size."""
        checks = []
        for later, first in self.shared_dims:
            a = f"{first.shape_param}[{first.index}]"
            b = f"{later.shape_param}[{later.index}]"
            checks.append(
                Check(
                    f"{a} is not None and {b} is not None and {a} != {b}",
                    message(
                        f"`{first.input_name}` and `{later.input_name}` must have the same `{first.name}` dimension. ",
                        f"Received: {first.shape_param}={{{first.shape_param}}}, {later.shape_param}={{{later.shape_param}}}",
                    ),
                )
            )
        return checks

    def _check_dim_name(self, name, path):
        shape_params = {f"{i}_shape" for i in self.spec.inputs}
        reason = _name_problem(name, frozenset()) or ("is a parameter of build" if name in shape_params else None)
        if reason:
            self._problem(path, f"dimension name {name!r} {reason}")
        elif name in self.spec.constants or name in self.spec.weights or name in self.spec.inputs:
            self._problem(path, f"dimension name {name!r} is already a constant, weight or input name")

    def _expression(self, item, path, *, allowed: set[str]):
        try:
            expression = expressions.parse(item)
        except expressions.ExpressionError as exc:
            self._problem(path, str(exc))
            return None
        for name in expression.names:
            if name in self.spec.arguments and name not in self._argument_names():
                self._problem(
                    path, f"argument {name!r} is not an integer that is never None, so it cannot size a dimension"
                )
                return None
            if name not in allowed:
                self._unknown(path, "dimension", name, allowed)
                return None
        return expression

    def _unknown(self, path, what, name, candidates, *, key=False):
        suggestion = closest(name, candidates)
        hint = f" (did you mean '{suggestion}'?)" if suggestion else ""
        known = "" if hint else f"; known: {', '.join(sorted(candidates)) or 'none'}"
        if len(known) > 160:
            known = known[:157] + "..."
        self._problem(path, f"unknown {what} {name!r}{hint}{known}", key=key)

    def _argument_names(self) -> set[str]:
        """Arguments that can size a dimension: integers that cannot be None."""
        return {
            name
            for name, arg in self.spec.arguments.items()
            if arg.type == "int" and (arg.required or arg.default is not None)
        }

    def _dim_code(self, name: str) -> str:
        dim = self.dims[name]
        return f"{dim.shape_param}[{dim.index}]"

    def _names_in(self, items) -> list[str]:
        names = []
        for item in items:
            if isinstance(item, expressions.Expression):
                names.extend(n for n in item.names if n not in names)
        return names

    # -- constructor arguments ------------------------------------------------------

    def _argument_args(self) -> list[ConstructorArg]:
        args = []
        optional_seen = None
        for name, arg in self.spec.arguments.items():
            path = ("arguments", name)
            self._check_argument_fields(name, arg, path)
            if arg.required and optional_seen:
                self._problem(
                    path,
                    f"required argument {name!r} must come before {optional_seen!r}, which has a default (arguments are in signature order)",
                    key=True,
                )
            if not arg.required:
                optional_seen = optional_seen or name
            checks = [] if arg.type in ("array", "activation") else [argument_check(name, arg)]
            store = (
                "keras.ops.convert_to_numpy(" + name + ")"
                if arg.type == "array"
                else (f"list({name})" if arg.type.startswith("list") else name)
            )
            config = None if arg.type == "array" else f"self.{name}"
            if arg.type == "activation":
                # As Dense does: any name or callable Keras knows; saved by name.
                store, config = f"keras.activations.get({name})", f"keras.activations.serialize(self.{name})"
            if arg.type == "array":
                store = f"None if {name} is None else {store}"
            elif arg.type.startswith("list") and not arg.required and arg.default is None:
                store = f"None if {name} is None else {store}"
            doc = arg.doc.strip() or describe_type(arg)
            if arg.type == "array":
                doc += " Not saved in the config: a reloaded layer gets these values from its saved weights."
            if not arg.required:
                doc += f" Defaults to `{doc_literal(arg.default)}`."
            args.append(
                ConstructorArg(
                    name=name,
                    signature=name if arg.required else f"{name}={literal(arg.default)}",
                    doc=doc,
                    checks=[c for c in checks if c],
                    store=store,
                    config=config,
                )
            )
        return args

    def _check_argument_fields(self, name, arg: ArgumentSpec, path):
        numeric = arg.type in ("int", "float", "list[int]", "list[float]")
        if (arg.min is not None or arg.max is not None) and not numeric:
            self._problem(path, f"`min` and `max` apply to numbers; {name!r} is {arg.type}")
        if arg.min is not None and arg.max is not None and arg.min > arg.max:
            self._problem(path + ("min",), f"min ({arg.min}) is greater than max ({arg.max})")
        if arg.choices is not None and arg.type != "str":
            self._problem(path + ("choices",), "`choices` apply to str arguments")
        if arg.type == "activation" and not arg.required and arg.default is not None:
            if arg.default not in self.vocab.activations:
                self._unknown(path + ("default",), "activation", arg.default, self.vocab.activations)
                return
        if arg.type == "array":
            if arg.required or arg.default is not None:
                self._problem(
                    path,
                    "an array argument must have `default: null`: a layer rebuilt from its config gets the values from its saved weights",
                )
            if not any(w.initial_value == name for w in self.spec.weights.values()):
                self._problem(path, f"array argument {name!r} is not the `initial_value` of any weight")
        elif not arg.required and arg.default is not None and not value_fits(arg, arg.default):
            self._problem(path + ("default",), f"default {arg.default!r} is not {requirement(arg)}")

    def _constant_args(self) -> list[ConstructorArg]:
        args = []
        for name, constant in self.spec.constants.items():
            path = ("constants", name)
            if constant.dtype != "float" and constant.dtype not in self.vocab.dtypes:
                self._unknown(path + ("dtype",), "dtype", constant.dtype, sorted(self.vocab.dtypes) + ["float"])
            shape = nested_shape(constant.value)
            if shape is None:
                self._problem(path + ("value",), "a constant is a number or a rectangular nested list of numbers")
                continue
            default = literal(as_tuple(constant.value))
            doc = (constant.doc.strip() or "Constant value.") + f" Defaults to `{default}`."
            shape_text = repr(tuple(shape))
            args.append(
                ConstructorArg(
                    name=name,
                    signature=f"{name}={default}",
                    doc=doc,
                    checks=[
                        Check(
                            f"np.shape({name}) != {shape_text} or not np.issubdtype(np.asarray({name}).dtype, np.number)",
                            message(
                                f"`{name}` must be numbers of shape {shape_text}. ", f"Received: {name}={{{name}!r}}"
                            ),
                        )
                    ],
                    # Stored as plain Python numbers, so the config stays JSON.
                    store=f"np.asarray({name}).tolist()",
                    config=f"self.{name}",
                )
            )
        return args

    def _array_shape_checks(self) -> dict[str, list[Check]]:
        """An array argument must have its weight's shape, when arguments alone fix it."""
        checks: dict[str, list[Check]] = {}
        for weight_name, weight in self.spec.weights.items():
            array = weight.initial_value
            if array is None or array not in self.spec.arguments:
                continue
            try:
                items = [expressions.parse(item) for item in weight.shape]
            except expressions.ExpressionError:
                continue
            if any(n not in self.spec.arguments for item in items for n in item.names):
                continue  # depends on input dimensions: add_weight checks it in build
            expected = tuple_code([item.to_code({n: n for n in item.names}) for item in items])
            names = tuple_code([item.text for item in items])
            checks.setdefault(array, []).append(
                Check(
                    f"{array} is not None and np.shape({array}) != {expected}",
                    message(
                        f"`{array}` must have shape {names}. ",
                        f"Expected {{{expected}}}, received: shape={{np.shape({array})}}",
                    ),
                )
            )
        return checks

    # -- weights ----------------------------------------------------------------------

    def _renamed_from(self) -> dict[str, tuple[str, ...]]:
        """Earlier names of weights, under which old checkpoints saved them."""
        renamed, seen = {}, {}
        for name, weight in self.spec.weights.items():
            path = ("weights", name, "renamed_from")
            for earlier in weight.earlier_names:
                if not earlier.isidentifier():
                    self._problem(path, f"{earlier!r} is not a weight name")
                elif earlier in self.spec.weights:
                    self._problem(
                        path,
                        f"{earlier!r} is the name of a weight of this spec; a checkpoint's {earlier!r} loads into that weight",
                    )
                elif earlier in seen:
                    self._problem(path, f"{earlier!r} is already an earlier name of weight {seen[earlier]!r}")
                else:
                    seen[earlier] = name
            if weight.earlier_names:
                renamed[name] = weight.earlier_names
        return renamed

    def _weights(self) -> tuple[list[ConstructorArg], list[WeightModel]]:
        args, weights = [], []
        shape_names = self._argument_names() | set(self.dims)
        for name, weight in self.spec.weights.items():
            path = ("weights", name)
            shape = []
            for index, item in enumerate(weight.shape):
                expression = self._expression(item, path + ("shape", index), allowed=shape_names)
                if expression is not None:
                    shape.append(expression)
            code_names = {n: (f"self.{n}" if n in self.spec.arguments else n) for n in shape_names}
            shape_code = tuple_code([e.to_code(code_names) for e in shape])
            dtype = None
            if weight.dtype is not None:
                if weight.dtype not in self.vocab.dtypes:
                    self._unknown(path + ("dtype",), "dtype", weight.dtype, self.vocab.dtypes)
                dtype = repr(weight.dtype)
            is_float = weight.dtype is None or "float" in weight.dtype
            if weight.role == "trainable" and not is_float:
                self._problem(
                    path + ("dtype",),
                    f"a trainable weight must have a float dtype; {weight.dtype} has no gradient (make it frozen or state)",
                )
            default_initializer = "glorot_uniform" if weight.role == "trainable" and is_float else "zeros"
            initializer_arg = self._keras_object_arg(
                name, "initializer", weight.initializer or default_initializer, path
            )
            if weight.doc.strip():
                # The weight's own doc goes where users read about it: its initializer argument.
                initializer_arg.doc = initializer_arg.doc.replace(
                    f"`{name}` weight.", f"`{name}` weight ({weight.doc.strip().rstrip('.')}).", 1
                )
            args.append(initializer_arg)
            regularizer = constraint = None
            if weight.role == "trainable":
                reg_arg = self._keras_object_arg(name, "regularizer", weight.regularizer, path)
                con_arg = self._keras_object_arg(name, "constraint", weight.constraint, path)
                args += [reg_arg, con_arg]
                regularizer, constraint = f"self.{reg_arg.name}", f"self.{con_arg.name}"
            else:
                for kind in ("regularizer", "constraint"):
                    if getattr(weight, kind) is not None:
                        self._problem(
                            path + (kind,), f"a {kind} only acts on trainable weights; this weight is {weight.role}"
                        )
            initializer = f"self.{initializer_arg.name}"
            if weight.initial_value is not None:
                array = weight.initial_value
                if self.spec.arguments.get(array) is None or self.spec.arguments[array].type != "array":
                    self._unknown(
                        path + ("initial_value",),
                        "array argument",
                        array,
                        [n for n, a in self.spec.arguments.items() if a.type == "array"],
                    )
                elif weight.role != "frozen":
                    self._problem(
                        path + ("initial_value",),
                        "`initial_value` is for frozen weights (pre-trained values that never change)",
                    )
                initializer = f"self.{array} if self.{array} is not None else self.{initializer_arg.name}"
            weights.append(WeightModel(name, weight.role, shape_code, initializer, regularizer, constraint, dtype))
        return args, weights

    def _keras_object_arg(self, weight: str, kind: str, value, path) -> ConstructorArg:
        """The `<weight>_<kind>` argument, e.g. `kernel_initializer`, resolved the Keras way."""
        name = f"{weight}_{kind}"
        module = f"keras.{kind}s"
        arg = ConstructorArg(
            name=name,
            signature=f"{name}=None",
            doc="",
            store=f"{module}.get({name})",
            config=f"{module}.serialize(self.{name})",
        )
        if value is None:
            arg.doc = f"{kind.capitalize()} for the `{weight}` weight. Defaults to `None`."
            return arg
        if isinstance(value, str):
            if self._resolve_keras_name(kind, value, path + (kind,)) is not None:
                arg.signature = f'{name}="{value}"'
                arg.doc = f'{kind.capitalize()} for the `{weight}` weight. Defaults to `"{value}"`.'
            return arg
        params = dict(value)
        object_name = params.pop("name", None)
        if not isinstance(object_name, str):
            article = "an" if kind[0] in "aeiou" else "a"
            self._problem(
                path + (kind,), f"{article} {kind} mapping needs `name`, e.g. {{name: random_normal, stddev: 0.05}}"
            )
            return arg
        cls = self._resolve_keras_name(kind, object_name, path + (kind, "name"))
        if cls is None:
            return arg
        parts, shown = [], []
        for param, param_value in params.items():
            if param not in cls.params:
                self._unknown(path + (kind, param), f"argument of {cls.name}", param, cls.params, key=True)
                continue
            code = self._param_code(param_value, path + (kind, param))
            parts.append(f"{param}={code}")
            is_reference = isinstance(param_value, str) and param_value.startswith("$")
            shown.append(f"{param}={param_value[1:] if is_reference else code}")
        arg.fallback = f"{cls.qualified_name}({', '.join(parts)})"
        arg.doc = f"{kind.capitalize()} for the `{weight}` weight. Defaults to `{cls.name}({', '.join(shown)})`."
        return arg

    def _resolve_keras_name(self, kind, alias, path):
        cls = self.vocab.lookup(kind, alias)
        if cls is None:
            self._unknown(path, kind, alias, self.vocab.objects[kind])
        return cls

    def _param_code(self, value, path) -> str:
        """A Keras object's argument: a literal, or `$name` for a constructor argument."""
        if isinstance(value, str) and value.startswith("$"):
            ref = value[1:]
            candidates = list(self.spec.arguments) + list(self.spec.constants)
            if ref not in candidates:
                self._unknown(path, "argument", ref, candidates)
                return "None"
            argument = self.spec.arguments.get(ref)
            if argument is not None and (
                argument.type == "array" or (not argument.required and argument.default is None)
            ):
                self._problem(path, f"argument {ref!r} can be None, so it cannot give this value")
                return "None"
            # The stored attribute, not the parameter: constants are plain lists there.
            return f"self.{ref}"
        if nested_shape(value) is None and not isinstance(value, (str, bool)) and value is not None:
            self._problem(path, "expected a number, string, list of numbers or `$argument`")
            return "None"
        return repr(value)  # lists stay lists, so the serialized config is plain JSON

    def _dims_used_by_weights(self) -> list[str]:
        used = []
        for weight in self.spec.weights.values():
            for item in weight.shape:
                for name in expressions.parse(item).names:
                    if name in self.dims and name not in used:
                        used.append(name)
        return used

    def _input_spec(self, used_dims: list[str]) -> str:
        (single,) = self.inputs
        explicit = len(single.items) - (1 if single.ellipsis else 0)
        parts = [f"min_ndim={explicit}" if single.ellipsis else f"ndim={explicit}"]
        last = single.items[-1]
        if isinstance(last, expressions.Expression):
            if last.is_name and last.text in used_dims:
                parts.append(f"axes={{-1: {last.text}}}")
            elif not last.is_name or last.text not in self.dims:
                parts.append(f"axes={{-1: {last.to_code({n: 'self.' + n for n in last.names})}}}")
        return f"keras.InputSpec({', '.join(parts)})"

    # -- call and output shape --------------------------------------------------------

    def _call_body(self) -> tuple[str, bool]:
        body = textwrap.dedent(self.spec.call).strip("\n")
        path = ("call",)
        if not body.strip():
            self._problem(path, "`call` needs a body that returns the output")
            return "return inputs", False
        try:
            tree = ast.parse(f"def call():\n{textwrap.indent(body, '    ')}\n")
        except (RecursionError, MemoryError):
            self._problem(path, "the call body is too deeply nested to compile")
            return "return inputs", False
        except SyntaxError as exc:
            line, column = self._body_position(body, exc.lineno or 2, exc.offset or 5)
            self.problems.append(
                Problem(self.source.file, f"the call body does not parse: {exc.msg}", "call", line, column)
            )
            return "return inputs", False
        function = tree.body[0]
        if not any(isinstance(node, ast.Return) and node.value is not None for node in ast.walk(function)):
            self._problem(path, "`call` must return its output (add a `return` statement)")
        for node in ast.walk(function):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "self"
                and node.attr in self.spec.constants
            ):
                self._problem(
                    path,
                    f"use `{node.attr}` instead of `self.{node.attr}` in call: `{node.attr}` is the constant as a tensor of the layer's dtype, `self.{node.attr}` is its plain config value",
                )
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                self._problem(path, "`call` must not import; the module imports keras, ops (and numpy as np) for it")
        uses_training = any(isinstance(n, ast.Name) and n.id == "training" for n in ast.walk(function))
        state = [name for name, w in self.spec.weights.items() if w.role == "state"]
        if state and not uses_training:
            self._problem(
                path,
                f"state weight {state[0]!r} is updated in training: `call` should read `training` (e.g. `if training:`)",
            )
        return body, uses_training

    def _is_folded(self, path) -> bool:
        line, column = self.source.locate(path)
        if line is None:
            return False
        return self.source.text.splitlines()[line - 1][(column or 1) - 1 :].startswith(">")

    def _body_position(self, body: str, lineno: int, offset: int) -> tuple[int | None, int | None]:
        """Map a position in the parsed `def call():` wrapper back to the spec file."""
        line, column = self.source.locate(("call",))
        if line is None:
            return None, None
        file_lines = self.source.text.splitlines()
        block = file_lines[line - 1][(column or 1) - 1 :][:1] in ("|", ">")
        if not block:
            return line, (column or 1) + offset - 5
        body_line = lineno - 1  # the wrapper adds the `def` line
        file_line = line + body_line + (len(self.spec.call) - len(self.spec.call.lstrip("\n")))
        text = file_lines[file_line - 1] if file_line <= len(file_lines) else ""
        dedented = body.splitlines()[body_line - 1] if body_line <= len(body.splitlines()) else ""
        return file_line, max(offset - 4 + len(text) - len(dedented), 1)

    def _constant_tensors(self, body: str) -> list[str]:
        used = names_in_body(body)
        lines = []
        for name, constant in self.spec.constants.items():
            if name in used:
                dtype = "self.compute_dtype" if constant.dtype == "float" else repr(constant.dtype)
                lines.append(f"{name} = ops.convert_to_tensor(self.{name}, dtype={dtype})")
        return lines

    def _is_identity(self, items) -> bool:
        return len(self.inputs) == 1 and _same_shape(items, self.inputs[0].items)

    def _output_bindings(self, items) -> list[tuple[str, str]]:
        if self._is_identity(items):
            return []
        return [(d, self._dim_code(d)) for d in self._names_in(items) if d in self.dims]

    def _output_shape_code(self, items) -> str:
        if self._is_identity(items):
            return self.inputs[0].shape_param
        first = self.inputs[0]
        parts = []
        for item in items:
            if item == _BATCH:
                parts.append(f"{first.shape_param}[0]")
            elif item == _ELLIPSIS:
                source = next((i for i in self.inputs if i.ellipsis), None)
                if source is None:
                    self._problem(("output_shape",), "`...` in the output shape needs an input shape with `...`")
                    raise LayergenError(self.problems)
                start = source.items.index(_ELLIPSIS)
                after = len(source.items) - start - 1
                parts.append(f"*{source.shape_param}[{start}:{-after if after else ''}]")
            else:
                code = item.to_code({n: (n if n in self.dims else f"self.{n}") for n in item.names})
                dims = [n for n in item.names if n in self.dims]
                if dims and not item.is_name:
                    guard = f"{dims[0]} is None" if len(dims) == 1 else f"None in ({', '.join(dims)})"
                    code = f"None if {guard} else {code}"
                parts.append(code)
        return tuple_code(parts)

    # -- docstring ----------------------------------------------------------------------

    def _docstring(self, args: list[ConstructorArg], uses_training: bool) -> str:
        spec = self.spec
        sections = [
            DocSection(
                "Args",
                [_entry(a.name, a.doc) for a in args]
                + [_entry("**kwargs", "Base layer keyword arguments, such as `name` and `dtype`.")],
            ),
            DocSection(
                "Call arguments",
                [
                    _entry(i.name, (i.spec.doc.strip() or f"{'Integer' if i.is_int else 'Float'} input tensor."))
                    for i in self.inputs
                ]
                + (
                    [_entry("training", "Python boolean, whether the layer runs in training mode.")]
                    if uses_training
                    else []
                ),
            ),
            DocSection(
                "Input shape", [_shape_doc(i.items, i.name if len(self.inputs) > 1 else None) for i in self.inputs]
            ),
            DocSection("Output shape", [_shape_doc(_raw_items(spec.output_shape), None)]),
        ]
        parts = [_wrap(spec.summary.strip())]
        if spec.description.strip():
            # In a folded (>) block YAML has already turned each blank line into one newline.
            separator = "\n" if self._is_folded(("description",)) else "\n\n"
            paragraphs = [p for p in spec.description.strip().split(separator) if p.strip()]
            parts.append("\n\n".join(_wrap(p) for p in paragraphs))
        for section in sections:
            parts.append(section.title + ":\n" + "\n".join(textwrap.indent(e, "    ") for e in section.entries))
        return escape_docstring("\n\n".join(parts))

    # -- the generated test's concrete sizes --------------------------------------------

    def _size(self, item, scope, path) -> int:
        """A shape item's size with the test values; problems are recorded, not raised."""
        expression = item if isinstance(item, expressions.Expression) else expressions.parse(item)
        try:
            size = expression.evaluate(scope)
        except ZeroDivisionError:
            self._problem(path, f"divides by zero with the test sizes {scope}")
            return 1
        if size <= 0:
            self._problem(path, f"is {size} with the test sizes {scope}; set `test.arguments` or `test.dimensions`")
            return 1
        return size

    def _test_model(self, output_items, weights: list[WeightModel], uses_training) -> TestModel:
        spec = self.spec
        given = dict(spec.test.arguments)
        values: dict[str, object] = {}
        sizes = _sizes(_TEST_ARGUMENT_SIZES, then=40)
        config_values = []
        init_kwargs = []
        for name, arg in spec.arguments.items():
            if arg.type == "array":
                continue
            if name in given:
                value = given.pop(name)
                if not value_fits(arg, value):
                    self._problem(("test", "arguments", name), f"test value {value!r} is not {requirement(arg)}")
            elif arg.required:
                value = sample_value(arg, sizes)
            else:
                # Not the default: a config that forgets the argument then shows.
                value = other_value(arg)
                if value is None:
                    values[name] = arg.default
                    continue
            values[name] = value
            init_kwargs.append((name, literal(value)))
            config_values.append((name, json_literal(value)))
        for name in given:
            if name not in spec.constants:
                self._unknown(
                    ("test", "arguments", name),
                    "argument",
                    name,
                    [n for n, a in spec.arguments.items() if a.type != "array"],
                )
        for name, constant in spec.constants.items():
            value = given.get(name, _scaled(constant.value))
            if nested_shape(value) != nested_shape(constant.value):
                self._problem(
                    ("test", "arguments", name), f"a test value of constant {name!r} must have its default's shape"
                )
                continue
            init_kwargs.append((name, literal(value)))
            config_values.append((name, json_literal(value)))
        dim_values = dict(spec.test.dimensions)
        for name in dim_values:
            if name not in self.dims:
                self._unknown(("test", "dimensions", name), "dimension", name, self.dims)
        dim_sizes = _sizes(_TEST_DIMENSION_SIZES, then=60)
        for name in self.dims:
            dim_values.setdefault(name, next(dim_sizes))
        scope = {**{k: v for k, v in values.items() if isinstance(v, int)}, **dim_values}
        batch = spec.test.batch_size
        inputs = []
        for item in self.inputs:
            path = ("inputs", item.name)
            shape = [batch]
            for index, token in enumerate(item.items[1:], start=1):
                shape.extend(
                    _TEST_ELLIPSIS_SIZES if token == _ELLIPSIS else [self._size(token, scope, path + ("shape", index))]
                )
            low = high = 0
            if item.is_int and item.spec.max is not None:
                low = expressions.parse(item.spec.min).evaluate(scope)
                high = expressions.parse(item.spec.max).evaluate(scope)
                if high <= low:
                    self._problem(
                        path,
                        f"integer values in range(min, max) = range({low}, {high}) is empty with the test sizes {scope}",
                    )
            inputs.append(TestInput(item.name, tuple(shape), item.dtype, item.is_int, low, high))
        ellipsis_input = next((i for i in inputs if self.inputs[inputs.index(i)].ellipsis), None)
        output = []
        for index, token in enumerate(output_items):
            if token == _BATCH:
                output.append(batch)
            elif token == _ELLIPSIS:
                output.extend(_TEST_ELLIPSIS_SIZES if ellipsis_input else [])
            else:
                output.append(self._size(token, scope, ("output_shape", index)))
        weight_shapes = {
            name: tuple(
                self._size(item, scope, ("weights", name, "shape", index)) for index, item in enumerate(weight.shape)
            )
            for name, weight in spec.weights.items()
        }
        array_weights = [(n, w.initial_value) for n, w in spec.weights.items() if w.initial_value]
        for weight_name, array in array_weights:
            init_kwargs.append((array, f"random_array({weight_shapes[weight_name]!r})"))
        if self.problems:
            raise LayergenError(sorted(self.problems, key=lambda p: (p.line or 0, p.column or 0)))
        return TestModel(
            init_kwargs=init_kwargs,
            inputs=inputs,
            output_shape=tuple(output),
            trainable=[w.name for w in weights if w.role == "trainable"],
            non_trainable=[w.name for w in weights if w.role != "trainable"],
            policy_weights=[w.name for w in weights if w.dtype is None],
            config_values=config_values,
            frozen=[w.name for w in weights if w.role == "frozen"],
            state=[w.name for w in weights if w.role == "state"],
            regularized=[n for n, w in spec.weights.items() if w.role == "trainable" and w.regularizer is not None],
            array_weights=array_weights,
            array_arguments=[n for n, a in spec.arguments.items() if a.type == "array"],
            invalid_arguments=self._invalid_arguments(values),
            uses_training=uses_training,
        )

    def _invalid_arguments(self, values) -> list[InvalidArgument]:
        cases = []
        for name, arg in self.spec.arguments.items():
            bad = invalid_value(arg)
            if bad is None:
                continue
            cases.append(
                InvalidArgument(name, literal(bad), f"`{name}` must be {requirement(arg)}. Received: {name}={bad!r}")
            )
        return cases


# -- helpers without state --------------------------------------------------------------


def _name_problem(name, reserved: frozenset[str]) -> str | None:
    """Why `name` cannot name something in the generated class, or None if it can."""
    if not isinstance(name, str) or not _NAME.match(name):
        return "must be ASCII letters, digits and '_', starting with a letter"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return "is a Python keyword"
    if name in reserved:
        return f"would shadow keras.layers.Layer.{name}; choose another name"
    if name in _GENERATED_NAMES:
        return "is used by the generated code; choose another name"
    if name in _BUILTINS:
        return f"would hide the Python builtin {name}(); choose another name"
    return None


def _scaled(value):
    """A constant's test value: its default, changed but of the same shape and kind."""
    if isinstance(value, list):
        return [_scaled(v) for v in value]
    if isinstance(value, bool):
        return value
    return value * 2 + 1


def _same_shape(a, b) -> bool:
    def key(item):
        return item if isinstance(item, str) else item.text

    return [key(i) for i in a] == [key(i) for i in b]


def _raw_items(shape) -> list:
    return [s if s in (_BATCH, _ELLIPSIS) else expressions.parse(s) for s in shape]


def _shape_doc(items, input_name: str | None) -> str:
    dims = ["batch_size" if i == _BATCH else ("..." if i == _ELLIPSIS else i.text) for i in items]
    rank = f"{len(dims)}D" if _ELLIPSIS not in dims else "N-D"
    text = f"{rank} tensor with shape: `({', '.join(dims)}{',' if len(dims) == 1 else ''})`."
    return f"{input_name}: {text}" if input_name else text


def _entry(name: str, text: str) -> str:
    wrapped = textwrap.wrap(f"{name}: {text}", width=_DOC_WIDTH - 4, subsequent_indent="    ", break_on_hyphens=False)
    return "\n".join(wrapped)


def _wrap(paragraph: str) -> str:
    return "\n".join(textwrap.wrap(" ".join(paragraph.split()), width=_DOC_WIDTH, break_on_hyphens=False))
