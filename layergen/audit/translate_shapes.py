"""Shapes for `adopt`: the input's last axis read in `build`, weight shapes, and the output
shape from `compute_output_shape` (or, without one, from a Dense-like `call`)."""

from __future__ import annotations

import ast

from layergen.audit.source import LayerClass, dotted, self_attribute
from layergen.audit.translation import NotLiteral, Spec, Translation, Untranslated, literal

ShapeItems = list[str | int]  # a shape in the spec: sizes, dimension names, `batch`, `...`


def input_dim_of(node: ast.expr, parameter: str, result: Translation) -> str | None:
    """ "input_dim" for `input_shape[-1]` (other axes: "dim_1", ...)."""
    if not (isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name) and node.value.id == parameter):
        return None
    try:
        index = literal(node.slice)
    except NotLiteral:
        return None
    if index != -1:
        return None
    result.input_dims["-1"] = "input_dim"
    return "input_dim"


def weight_shape(
    node: ast.expr | None, parameter: str, local_dims: dict[str, str], result: Translation
) -> ShapeItems | None:
    if node is None:
        return []
    items = node.elts if isinstance(node, (ast.Tuple, ast.List)) else None
    if items is None:
        return None
    shape: ShapeItems = []
    for item in items:
        if isinstance(item, ast.Constant) and isinstance(item.value, int):
            shape.append(item.value)
        elif attribute := self_attribute(item):
            shape.append(attribute)
        elif isinstance(item, ast.Name) and item.id in local_dims:
            shape.append(local_dims[item.id])
        elif input_dim_of(item, parameter, result):
            shape.append("input_dim")
        elif (size := size_of(item, set(local_dims), local_dims)) is not None:
            shape.append(size)  # `2 * self.units`
        else:
            return None
    return shape


_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv)


def size_of(node: ast.expr, parameters: set[str], renamed: dict[str, str] | None = None) -> str | int | None:
    """A size as the spec writes it: `4`, `units` (for `self.units` or the parameter `units`),
    or `+ - * //` over those (`2 * units`); None for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value
    if attribute := self_attribute(node):
        return attribute
    if isinstance(node, ast.Name) and node.id in parameters:
        return (renamed or {}).get(node.id, node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, _ARITHMETIC):
        left, right = size_of(node.left, parameters, renamed), size_of(node.right, parameters, renamed)
        if left is None or right is None:
            return None
        spelled = ast.BinOp(ast.Name(str(left)), node.op, ast.Name(str(right)))
        return ast.unparse(_parenthesized(spelled, node))
    return None


def _parenthesized(spelled: ast.BinOp, original: ast.BinOp) -> ast.expr:
    # The operands' own text, in parentheses where the original had a lower-precedence operation.
    for side in ("left", "right"):
        operand = getattr(original, side)
        if isinstance(operand, ast.BinOp):
            setattr(spelled, side, ast.Name(f"({getattr(spelled, side).id})"))
    return spelled


def output_shape_of(layer: LayerClass, shape: ShapeItems, result: Translation) -> ShapeItems:
    method = layer.methods.get("compute_output_shape")
    if method is None:
        projected = _projection(layer, result)
        if projected is not None:
            return _new_last_axis(projected, shape, result)
        result.untranslated.append(
            Untranslated(layer.line, "no compute_output_shape: the output shape is taken as the input's")
        )
        return shape
    returns = [s for s in method.body if isinstance(s, ast.Return)]
    parameter = method.args.args[1].arg if len(method.args.args) > 1 else "input_shape"
    if (
        len(method.body) == 1
        and returns
        and isinstance(returns[0].value, ast.Name)
        and returns[0].value.id == parameter
    ):
        return shape
    value = returns[0].value if len(method.body) == 1 and returns else None
    tail = _last_axis(value, parameter)
    if tail is not None:
        return _new_last_axis(tail, shape, result)
    indexed = _indexed_axes(value, parameter, shape)
    if indexed is not None:
        ranked, output = indexed
        for item in result.spec["inputs"].values():
            item["shape"] = ranked  # the input's rank is fixed by the axes it reads
        return output
    result.untranslated.append(
        Untranslated(method.lineno, "compute_output_shape: the output shape is taken as the input's")
    )
    return shape


def _new_last_axis(size: str | int, shape: ShapeItems, result: Translation) -> ShapeItems:
    """`[batch, ..., size]`; the input then needs a last axis of its own, which the output replaces."""
    if shape == ["batch", "..."]:
        for item in result.spec["inputs"].values():
            item["shape"] = ["batch", "...", "input_dim"]
    return ["batch", "...", size]


def _last_axis(value: ast.expr | None, parameter: str) -> str | int | None:
    """The new last axis of `(*input_shape[:-1], self.units)`, `input_shape[:-1] + (self.units,)`
    or `tuple(input_shape[:-1]) + (self.units,)`."""
    head: ast.expr | None = None
    tail: ast.expr | None = None
    if isinstance(value, ast.Tuple) and len(value.elts) == 2 and isinstance(value.elts[0], ast.Starred):
        head, tail = value.elts[0].value, value.elts[1]
    elif isinstance(value, ast.BinOp) and isinstance(value.op, ast.Add) and isinstance(value.right, ast.Tuple):
        head, tail = value.left, value.right.elts[0] if len(value.right.elts) == 1 else None
    if head is None or tail is None:
        return None
    if isinstance(head, ast.Call) and dotted(head.func) in ("tuple", "list") and len(head.args) == 1:
        head = head.args[0]
    if ast.unparse(head) != f"{parameter}[:-1]":
        return None
    if isinstance(tail, ast.Constant) and isinstance(tail.value, int):
        return tail.value
    return self_attribute(tail)


def _projection(layer: LayerClass, result: Translation) -> str | int | None:
    """Without compute_output_shape: the output's last axis of a layer whose call multiplies its
    input by a 2-D weight of shape [input_dim, X] (a Dense), as X."""
    call = layer.methods.get("call")
    weights = result.spec.get("_weights", {})
    last = _last_sublayer_units(call, result.spec.get("layers", {}))
    if last is not None:
        return last
    for node in ast.walk(call) if call is not None else ():
        if isinstance(node, ast.Call) and dotted(node.func).endswith(("matmul", "dot")) and len(node.args) == 2:
            kernel = weights.get(self_attribute(node.args[1]) or "")
            if kernel and len(kernel["shape"]) == 2 and kernel["shape"][0] == "input_dim":
                size: str | int = kernel["shape"][1]
                return size
    return None


def feature_size(weights: Spec, constants: Spec) -> int | None:
    """The length of the per-feature weights and constants (1-D, of a literal size), when they agree."""
    sizes = {w["shape"][0] for w in weights.values() if len(w["shape"]) == 1 and isinstance(w["shape"][0], int)}
    sizes |= {len(c["value"]) for c in constants.values() if isinstance(c["value"], list)}
    return sizes.pop() if len(sizes) == 1 else None


def _last_sublayer_units(call: ast.FunctionDef | None, sublayers: Spec) -> str | int | None:
    """The `units` of the Dense sub-layer whose output `call` returns (`return self.out(x)`)."""
    returns = [node for node in ast.walk(call) if isinstance(node, ast.Return)] if call is not None else []
    if len(returns) != 1 or not isinstance(returns[0].value, ast.Call):
        return None
    entry = sublayers.get(self_attribute(returns[0].value.func) or "")
    units = (entry or {}).get("arguments", {}).get("units") if (entry or {}).get("class") == "Dense" else None
    if isinstance(units, str) and units.startswith("$"):
        return units[1:]
    return units if isinstance(units, int) else None


def _indexed_axes(value: ast.expr | None, parameter: str, shape: ShapeItems) -> tuple[ShapeItems, ShapeItems] | None:
    """(input shape, output shape) for `(input_shape[0], input_shape[2], self.units)`: the input
    gets a rank (one more than the largest axis read) and a name per axis; None otherwise."""
    if not isinstance(value, (ast.Tuple, ast.List)) or not value.elts:
        return None
    items: list[tuple[str, str | int]] = []  # ("axis", index) or ("size", argument or number)
    for item in value.elts:
        if isinstance(item, ast.Subscript) and isinstance(item.value, ast.Name) and item.value.id == parameter:
            try:
                index = literal(item.slice)
            except NotLiteral:
                return None
            if not isinstance(index, int) or isinstance(index, bool) or index < 0:
                return None
            items.append(("axis", index))
        elif self_attribute(item):
            items.append(("size", self_attribute(item) or ""))
        elif isinstance(item, ast.Constant) and isinstance(item.value, int) and not isinstance(item.value, bool):
            items.append(("size", item.value))
        else:
            return None
    rank = max([int(i) + 1 for kind, i in items if kind == "axis"] + [2])
    names: ShapeItems = ["batch", *[f"dim_{axis}" for axis in range(1, rank)]]
    if shape[-1] != "...":
        names[-1] = shape[-1]  # the name (or size) build already gave the last axis
    return names, [names[int(i)] if kind == "axis" else i for kind, i in items]
