"""The weights of a hand-written layer's `build`, read with `ast`, as the spec's `weights`
(shape, role, initializer, regularizer, constraint, dtype, and the `when` of a gated weight).
What has no spec field is listed as `Untranslated`."""

from __future__ import annotations

import ast
import re

from layergen.audit.source import LayerClass, dotted, keyword, self_attribute
from layergen.audit.translate_shapes import input_dim_of, weight_shape
from layergen.audit.translation import (
    Defaults,
    NotLiteral,
    Spec,
    Translation,
    Untranslated,
    end_line,
    is_docstring,
    literal,
)


def weights_of(layer: LayerClass, result: Translation, defaults: Defaults) -> Spec:
    """The weights that `build` makes with `add_weight`, as the spec's `weights`; any other
    statement of `build` is listed as untranslated."""
    build = layer.methods.get("build")
    weights: Spec = {}
    if build is None:
        return weights
    parameter = build.args.args[1].arg if len(build.args.args) > 1 else "input_shape"
    local_dims: dict[str, str] = {}
    for statement in build.body:
        if is_docstring(statement) or _is_super_build(statement):
            continue
        if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Subscript):
            dim = input_dim_of(statement.value, parameter, result)
            if dim and isinstance(statement.targets[0], ast.Name):
                local_dims[statement.targets[0].id] = dim
                continue
        gate, inner = _gated(statement)
        made = [_made_weight(s) for s in inner]
        if made and all(m is not None for m in made):
            for target, value in made:  # type: ignore[misc]
                weight = _weight(value, parameter, local_dims, defaults, result, target)
                if weight is not None:
                    weights[target] = {**weight, "when": gate} if gate else weight
            continue
        target = self_attribute(statement.targets[0]) if isinstance(statement, ast.Assign) else None
        if target == "built" or (target == "input_spec"):
            continue
        result.untranslated.append(Untranslated(statement.lineno, "a statement of build", end_line(statement)))
    result.spec["_weights"] = weights
    return weights


def _gated(statement: ast.stmt) -> tuple[str | None, list[ast.stmt]]:
    """`if self.use_bias: <body>` (its else only setting the weights to None) -> ("use_bias", body)."""
    if not isinstance(statement, ast.If):
        return None, [statement]
    gate = self_attribute(statement.test) or (statement.test.id if isinstance(statement.test, ast.Name) else None)
    nones = all(
        isinstance(s, ast.Assign) and isinstance(s.value, ast.Constant) and s.value.value is None
        for s in statement.orelse
    )
    if gate is None or not nones:
        return None, []
    return gate, statement.body


def _made_weight(statement: ast.stmt) -> tuple[str, ast.Call] | None:
    if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
        return None
    target = self_attribute(statement.targets[0])
    value = statement.value
    if target and isinstance(value, ast.Call) and dotted(value.func).endswith("add_weight"):
        return target, value
    return None


def _is_super_build(statement: ast.stmt) -> bool:
    return isinstance(statement, ast.Expr) and dotted(statement.value).endswith("build")


def _weight(
    call: ast.Call, parameter: str, local_dims: dict[str, str], defaults: Defaults, result: Translation, attribute: str
) -> Spec | None:
    name = keyword(call, "name")
    if isinstance(name, ast.Constant) and name.value != attribute:
        result.untranslated.append(
            Untranslated(call.lineno, f"weight name {name.value!r} differs from `self.{attribute}`")
        )
    shape_node = keyword(call, "shape") or (call.args[0] if call.args else None)
    shape = weight_shape(shape_node, parameter, local_dims, result)
    if shape is None:
        result.untranslated.append(Untranslated(call.lineno, f"the shape of weight `{attribute}`"))
        return None
    weight: Spec = {"shape": shape}
    trainable = keyword(call, "trainable")
    if isinstance(trainable, ast.Constant) and trainable.value is False:
        weight["role"] = "frozen"
    initializer = _initializer(keyword(call, "initializer"), defaults, attribute, result, call.lineno)
    if initializer is not None:
        weight["initializer"] = initializer
    for extra in ("regularizer", "constraint", "dtype"):
        node = keyword(call, extra)
        if node is None or (isinstance(node, ast.Constant) and node.value is None):
            continue
        argument = self_attribute(node)
        if extra != "dtype" and argument == f"{attribute}_{extra}" and argument in defaults:
            try:
                value = literal(defaults[argument])
            except NotLiteral:
                value = _MISSING
            if value is None:
                continue  # the generated `<weight>_<extra>` argument defaults to None too
            if isinstance(value, str):
                weight[extra] = value
                continue
        if extra == "dtype" and isinstance(node, ast.Constant) and isinstance(node.value, str):
            weight["dtype"] = node.value
            continue
        result.untranslated.append(Untranslated(call.lineno, f"the {extra} of weight `{attribute}`"))
    return weight


def _initializer(node: ast.expr | None, defaults: Defaults, attribute: str, result: Translation, line: int) -> object:
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    argument = self_attribute(node)
    if argument == f"{attribute}_initializer" and argument in defaults:
        try:
            return literal(defaults[argument])
        except NotLiteral:
            pass
    if isinstance(node, ast.Call):
        class_name = dotted(node.func).split(".")[-1]
        mapping: Spec = {"name": _snake(class_name)}
        for index, arg in enumerate(node.args[:1]):
            del index
            mapping["value"] = _initializer_value(arg)
        for item in node.keywords:
            mapping[item.arg or "?"] = _initializer_value(item.value)
        if all(v is not _MISSING for v in mapping.values()):
            return mapping
    result.untranslated.append(Untranslated(line, f"the initializer of weight `{attribute}`"))
    return None


_MISSING = object()


def _initializer_value(node: ast.expr) -> object:
    argument = self_attribute(node)
    if argument:
        return f"${argument}"
    try:
        return literal(node)
    except NotLiteral:
        return _MISSING


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()
