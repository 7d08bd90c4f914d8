"""What the source of a hand-written layer module shows, read with `ast` (nothing is imported):
its `keras.layers.Layer` subclasses, and for each one the lines that findings point at."""

from __future__ import annotations

import ast
from pathlib import Path

from layergen.audit.findings import CouldNotRun
from layergen.records import field, record

# Base classes that make a class a Keras layer, by their last dotted part.
_LAYER_BASES = {"Layer"}
_LAYER_MODULES = ("keras.layers.", "layers.", "tf.keras.layers.", "tensorflow.keras.layers.", "keras.src.layers.")


def dotted(node: ast.AST) -> str:
    """`keras.layers.Layer` for that attribute chain; "" for anything else."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = dotted(node.value)
        return f"{inner}.{node.attr}" if inner else ""
    if isinstance(node, ast.Call):
        return dotted(node.func)
    return ""


@record
class LayerClass:
    """One Layer subclass of the module, and where its parts are."""

    name: str
    node: ast.ClassDef
    methods: dict[str, ast.FunctionDef] = field(default_factory=dict)
    # Attribute -> the line of its first `self.<attribute> = ...`.
    assigned: dict[str, int] = field(default_factory=dict)
    # Weight attribute or name -> the line of its `add_weight` call.
    weight_lines: dict[str, int] = field(default_factory=dict)

    @property
    def line(self) -> int:
        return self.node.lineno

    def method_line(self, name: str) -> int:
        method = self.methods.get(name)
        return method.lineno if method is not None else self.line

    def init_parameters(self) -> list[ast.arg]:
        init = self.methods.get("__init__")
        if init is None:
            return []
        args = init.args
        return [a for a in args.posonlyargs + args.args + args.kwonlyargs if a.arg != "self"]


@record
class LayerModule:
    path: Path
    shown: str  # the path as findings show it
    text: str
    tree: ast.Module
    classes: list[LayerClass]


def read_module(path: Path, shown: str) -> LayerModule:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CouldNotRun(shown, None, f"cannot be read ({exc.__class__.__name__}: {exc})") from None
    try:
        tree = ast.parse(text, filename=shown)
    except SyntaxError as exc:
        raise CouldNotRun(shown, exc.lineno, f"does not parse ({exc.msg}); fix it first") from None
    return LayerModule(path, shown, text, tree, _layer_classes(tree))


def _layer_classes(tree: ast.Module) -> list[LayerClass]:
    found: list[LayerClass] = []
    names: set[str] = set()
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        bases = [dotted(base) for base in node.bases]
        if any(_is_layer_base(base, names) for base in bases):
            names.add(node.name)
            found.append(_describe(node))
    return found


def _is_layer_base(base: str, layer_names: set[str]) -> bool:
    if base in layer_names or base.split(".")[-1] in _LAYER_BASES:
        return True
    return base.startswith(_LAYER_MODULES)


def _describe(node: ast.ClassDef) -> LayerClass:
    layer = LayerClass(node.name, node)
    for member in node.body:
        if isinstance(member, ast.FunctionDef):
            layer.methods[member.name] = member
    for item in ast.walk(node):
        if isinstance(item, ast.Assign | ast.AnnAssign):
            targets = item.targets if isinstance(item, ast.Assign) else [item.target]
            for target in targets:
                attribute = self_attribute(target)
                if attribute is not None:
                    layer.assigned.setdefault(attribute, item.lineno)
                    if isinstance(item.value, ast.Call) and dotted(item.value.func).endswith("add_weight"):
                        layer.weight_lines.setdefault(attribute, item.value.lineno)
        if isinstance(item, ast.Call) and dotted(item.func).endswith("add_weight"):
            name = keyword_constant(item, "name")
            if isinstance(name, str):
                layer.weight_lines.setdefault(name, item.lineno)
    return layer


def self_attribute(node: ast.AST) -> str | None:
    """`name` for `self.name`, else None."""
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return node.attr
    return None


def keyword_constant(call: ast.Call, name: str) -> object:
    for keyword in call.keywords:
        if keyword.arg == name and isinstance(keyword.value, ast.Constant):
            return keyword.value.value
    return None


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def enclosing_methods(layer: LayerClass) -> list[tuple[str, ast.AST]]:
    """(method name, node) for every node inside each method of the class."""
    pairs = []
    for name, method in layer.methods.items():
        pairs += [(name, node) for node in ast.walk(method)]
    return pairs
