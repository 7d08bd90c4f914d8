"""The spec's `call` body: parsed once into a `CallBody`, checked, and the lines `call` runs
before it (constants as tensors)."""

from __future__ import annotations

import ast

from layergen.analysis.cell_states import check_state_use
from layergen.analysis.code_body import CodeField, check_safety, parse_code
from layergen.analysis.context import Context
from layergen.analysis.declared_shapes import constant_call_shape
from layergen.analysis.given_constants import is_optional
from layergen.analysis.self_attributes import check_self_attributes
from layergen.analysis.value_tests import is_none
from layergen.records import frozen_record
from layergen.render import values

# A body that could not be read: the spec has a problem, so it is never rendered.
_UNREADABLE = "return inputs"


@frozen_record
class CallBody:
    text: str  # dedented, as it goes into the generated `call`
    names: frozenset[str]  # every plain name the body reads or writes
    tree: ast.Module | None = None  # `def call():` around the body; None if it does not parse

    @property
    def uses_training(self) -> bool:
        return "training" in self.names


def read_call_body(context: Context) -> CallBody:
    """Parse the body and check it: it returns, does only what a layer's call may do (see
    `layergen.analysis.call_safety`), and reads `training` where a state weight needs it."""
    code = CodeField(("call",), context.spec.call, "the call body")
    if not code.text.strip():
        context.problem(code.path, "`call` needs a body that returns the output")
        return CallBody(_UNREADABLE, frozenset())
    tree = parse_code(context, code)
    if tree is None:
        return CallBody(_UNREADABLE, frozenset())
    try:
        body = CallBody(code.text, frozenset(n.id for n in ast.walk(tree) if isinstance(n, ast.Name)), tree)
        _check(context, code, body, tree)  # its tree walks recurse as deep as the body nests
    except RecursionError:
        context.problem(code.path, "the call body is too deeply nested to compile")
        return CallBody(_UNREADABLE, frozenset())
    return body


# What the generated module gives `call` besides the spec's inputs and constants.
_MODULE_NAMES = frozenset({"ops", "keras", "np", "self", "training"})


def _check(context: Context, code: CodeField, body: CallBody, tree: ast.Module) -> None:
    path = code.path
    spec = context.spec
    if not any(isinstance(node, ast.Return) and node.value is not None for node in ast.walk(tree)):
        context.problem(path, "`call` must return its output (add a `return` statement)")
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "self"
            and node.attr in spec.constants
        ):
            context.problem(
                path,
                f"use `{node.attr}` instead of `self.{node.attr}` in call: `{node.attr}` is the constant "
                f"as a tensor of the layer's dtype, `self.{node.attr}` is its plain config value",
            )
    available, hints = [*spec.inputs, *spec.constants], _name_hints(context)
    if spec.cell is not None:
        available.append("states")  # a cell's second parameter (layergen.analysis.cells)
    available += list(spec.call_arguments)  # keyword parameters (layergen.analysis.call_arguments)
    if spec.masking is None or spec.masking.uses_mask:
        available.append("mask")  # a parameter of call; without `masking`, masking.py says what to add
    else:
        hints["mask"] = "`call` gets `mask` only with `masking: {uses_mask: true, ...}`"
    check_safety(context, code, tree, available, hints, _MODULE_NAMES, "call")
    check_self_attributes(context, code, tree, "call")
    if spec.cell is not None:
        check_state_use(context, code, tree)
    # A statistic `adapt` sets is not updated by `call`.
    state = [name for name, w in spec.weights.items() if w.role == "state" and name not in spec.adapt]
    if state and not body.uses_training:
        context.problem(
            path,
            f"state weight {state[0]!r} is updated in training: `call` should read `training` (e.g. `if training:`)",
        )


def _name_hints(context: Context) -> dict[str, str]:
    """What to write in `call` for the spec's names that are not plain names there."""
    hints = {name: f"argument `{name}` is `self.{name}` in call" for name in context.spec.arguments}
    hints.update({name: f"weight `{name}` is `self.{name}` in call" for name in context.spec.weights})
    hints.update({name: f"sub-layer `{name}` is `self.{name}` in call" for name in context.spec.layers})
    hints.update(
        {
            name: f"dimension `{name}` has no value in call; read it from the input's shape (`ops.shape(x)[-1]`)"
            for name in context.dims
        }
    )
    return hints


def constant_tensors(context: Context, body: CallBody) -> list[tuple[str, values.Code]]:
    """(constant, its value as a tensor of the layer's dtype) for each constant the body uses."""
    tensors: list[tuple[str, values.Code]] = []
    for name, constant in context.spec.constants.items():
        if name in body.names:
            dtype = values.Name("self.compute_dtype") if constant.dtype == "float" else values.Literal(constant.dtype)
            tensor = values.Call("ops.convert_to_tensor", (values.self_attribute(name),), (("dtype", dtype),))
            shape = constant_call_shape(context, name)
            local: values.Code = tensor if shape is None else values.Call("ops.broadcast_to", (tensor, shape))
            if is_optional(constant):  # None when the user leaves it out
                local = values.IfElse(is_none(values.self_attribute(name)), values.Literal(None), local)
            tensors.append((name, local))
    return tensors
