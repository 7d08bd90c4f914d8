"""The weight tree of a layer: every weight a saved model of it holds, by the path Keras
saves it under, sub-layers and repeated blocks included.

Keras saves a sub-layer held in an attribute under the attribute's name, and the layers of
a list under the snake_case name of their class with a counter (`blocks/residual_block`,
`blocks/residual_block_1`, ...). A spec's own weights are at the top (`kernel`), a
sub-layer's below its path (`hidden/kernel`, `blocks/residual_block_2/kernel`). Where a
repeat count is an argument, the copies are one entry, `blocks/residual_block*/kernel`.

Shapes are in the spec's own terms (`("features", "ff_dim")`): what compatibility
compares is whether a spec edit changes them, not their sizes in any one model. The
weights of a sub-layer come from:

- a layer of this project: its own tree (from its spec, generated in this run, or from its
  record), with its arguments replaced by what the outer spec passes;
- a Keras layer layergen knows (`_KNOWN`): its weights as Keras creates them;
- any other class: nothing layergen can list, so the tree keeps the sub-layer's class,
  arguments and build shapes (`LayerRecord.config`); a change to them is a change to what
  its checkpoints hold.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

from layergen.project.locations import project_key
from layergen.records import field, frozen_record, record
from layergen.update.plan import GeneratedSpec
from layergen.update.record_types import LayerRecord, SpecRecord, WeightRecord

if TYPE_CHECKING:
    from layergen.project.settings import Project
    from layergen.spec.sections import LayerSpec, SubLayerSpec

MAX_LISTED_COPIES = 64  # a literal repeat count up to this lists each copy's path
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@record
class WeightTree:
    weights: dict[str, WeightRecord] = field(default_factory=dict)
    layers: dict[str, LayerRecord] = field(default_factory=dict)
    # Sub-layer path -> the spec (project key) whose layer class it is: its changes reach here.
    sources: dict[str, str] = field(default_factory=dict)


@frozen_record
class ClassTree:
    """A project class's tree, as a sub-layer of another layer sees it."""

    key: str  # the spec that defines it
    tree: WeightTree


# A project class's name -> its tree (None: not a class of this project).
Resolver = Callable[[str], ClassTree | None]


def keras_snake_case(name: str) -> str:
    """The name Keras saves a list's layer under (`keras.src.utils.naming.to_snake_case`)."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def weight_tree(spec: LayerSpec, own: dict[str, WeightRecord], resolve: Resolver) -> WeightTree:
    """The tree of a spec (`sections.LayerSpec`) whose own weights are `own`."""
    tree = WeightTree(dict(own))
    for name, sub in spec.layers.items():
        class_name = sub.class_.removeprefix("keras.layers.") if sub.class_.count(".") == 2 else sub.class_
        repeat = None if sub.repeat is None else str(sub.repeat)
        known = _KNOWN.get(class_name) if "." not in class_name else None
        project = resolve(class_name) if known is None and "." not in class_name else None
        config = None
        if known is None and project is None:
            config = json.dumps({"arguments": sub.arguments, "build": sub.build}, sort_keys=True, default=str)
        tree.layers[name] = LayerRecord(class_name, repeat, config)
        for prefix in _copies(name, class_name, sub.repeat):
            if known is not None:
                inputs = _input_dims(spec, sub)
                for path, shape in known(_Arguments(sub.arguments), inputs).items():
                    tree.weights[f"{prefix}/{path}"] = WeightRecord(shape)
            elif project is not None:
                _add_project_class(tree, prefix, name, project, sub.arguments)
    return tree


def _copies(name: str, class_name: str, repeat: int | str | None) -> list[str]:
    """The paths a sub-layer's copies are saved under."""
    if repeat is None:
        return [name]
    base = f"{name}/{keras_snake_case(class_name.rsplit('.', 1)[-1])}"
    count = repeat if isinstance(repeat, int) else int(repeat) if str(repeat).strip().isdigit() else None
    if count is None or count > MAX_LISTED_COPIES:
        return [base + "*"]
    return [base if index == 0 else f"{base}_{index}" for index in range(count)]


def _add_project_class(tree: WeightTree, prefix: str, name: str, project: ClassTree, arguments: dict[str, Any]) -> None:
    # Its arguments in its shapes, replaced by the values the outer spec passes.
    values = {param: _value_text(value) for param, value in arguments.items()}

    def outer(item: str) -> str:
        return _NAME.sub(lambda m: values.get(m.group(0), m.group(0)), item)

    for path, weight in project.tree.weights.items():
        tree.weights[f"{prefix}/{path}"] = WeightRecord(
            tuple(map(outer, weight.shape)), weight.dtype, weight.renamed_from
        )
    for path, layer in project.tree.layers.items():
        repeat = outer(layer.repeat) if layer.repeat is not None else None
        tree.layers[f"{prefix}/{path}"] = LayerRecord(layer.class_name, repeat, layer.config)
    tree.sources.setdefault(name, project.key)


def _value_text(value: object) -> str:
    """An argument's value as shapes show it: `$units` -> `units`, 16 -> `16`."""
    if isinstance(value, str) and value.startswith("$"):
        return value[1:].strip()
    return json.dumps(value) if not isinstance(value, (int, float)) or isinstance(value, bool) else str(value)


def _input_dims(spec: LayerSpec, sub: SubLayerSpec) -> dict[str, str]:
    """The last axis of each shape the sub-layer is built with ("" for its only input)."""
    if isinstance(sub.build, dict):
        return {param: _last(shape) for param, shape in sub.build.items()}
    if isinstance(sub.build, list):
        return {"": _last(sub.build)}
    first = next(iter(spec.inputs.values()), None)
    return {"": _last(first.shape) if first is not None else "?"}


def _last(shape: list[int | str]) -> str:
    return str(shape[-1]) if shape and str(shape[-1]) != "..." else "?"


Shapes = dict[str, tuple[str, ...]]


class _Arguments:
    """A Keras layer's arguments as the spec gives them, as shape items."""

    def __init__(self, values: dict[str, Any]):
        self.values = values

    def text(self, name: str, default: str) -> str:
        return _value_text(self.values[name]) if name in self.values else default

    def flag(self, name: str, default: bool) -> bool:
        value = self.values.get(name, default)
        return value if isinstance(value, bool) else True  # `$argument`: may be either; assume it is there


# A Keras layer's weights: (its arguments, its build inputs' last axes) -> path -> shape.
KnownWeights = Callable[[_Arguments, dict[str, str]], Shapes]


def _dense(args: _Arguments, inputs: dict[str, str]) -> dict[str, tuple[str, ...]]:
    units = args.text("units", "units")
    weights: Shapes = {"kernel": (inputs.get("", "?"), units)}
    if args.flag("use_bias", True):
        weights["bias"] = (units,)
    return weights


def _embedding(args: _Arguments, inputs: dict[str, str]) -> dict[str, tuple[str, ...]]:
    return {"embeddings": (args.text("input_dim", "input_dim"), args.text("output_dim", "output_dim"))}


def _normalization(moving: bool) -> KnownWeights:
    def weights(args: _Arguments, inputs: dict[str, str]) -> dict[str, tuple[str, ...]]:
        axis = (inputs.get("", "?"),) if args.text("axis", "-1") == "-1" else ("axis " + args.text("axis", "-1"),)
        found: Shapes = {}
        if args.flag("scale", True):
            found["gamma"] = axis
        if args.flag("center", True):
            found["beta"] = axis
        if moving:
            found["moving_mean"] = found["moving_variance"] = axis
        return found

    return weights


def _attention(args: _Arguments, inputs: dict[str, str]) -> dict[str, tuple[str, ...]]:
    heads, key_dim = args.text("num_heads", "num_heads"), args.text("key_dim", "key_dim")
    value_dim = args.text("value_dim", key_dim)
    query = inputs.get("query_shape", inputs.get("", "?"))
    value = inputs.get("value_shape", query)
    key = inputs.get("key_shape", value)
    found: Shapes = {
        "query_dense/kernel": (query, heads, key_dim),
        "key_dense/kernel": (key, heads, key_dim),
        "value_dense/kernel": (value, heads, value_dim),
        "output_dense/kernel": (heads, value_dim, args.text("output_shape", query)),
    }
    if args.flag("use_bias", True):
        found |= {
            "query_dense/bias": (heads, key_dim),
            "key_dense/bias": (heads, key_dim),
            "value_dense/bias": (heads, value_dim),
            "output_dense/bias": (args.text("output_shape", query),),
        }
    return found


def _none(args: _Arguments, inputs: dict[str, str]) -> dict[str, tuple[str, ...]]:
    return {}


_WEIGHTLESS = (  # noqa: SIM905 (a list of words reads best as words)
    "Activation ActivityRegularization Add AlphaDropout Average AveragePooling1D AveragePooling2D "
    "AveragePooling3D Concatenate Cropping1D Cropping2D Cropping3D Dot Dropout ELU Flatten GaussianDropout "
    "GaussianNoise GlobalAveragePooling1D GlobalAveragePooling2D GlobalAveragePooling3D GlobalMaxPooling1D "
    "GlobalMaxPooling2D GlobalMaxPooling3D Identity LeakyReLU Masking MaxPooling1D MaxPooling2D MaxPooling3D "
    "Maximum Minimum Multiply Permute ReLU RepeatVector Rescaling Reshape Softmax SpatialDropout1D "
    "SpatialDropout2D SpatialDropout3D Subtract UpSampling1D UpSampling2D UpSampling3D ZeroPadding1D "
    "ZeroPadding2D ZeroPadding3D"
).split()

# Keras layers whose weights layergen lists: class -> (arguments, build inputs) -> path -> shape.
_KNOWN: dict[str, KnownWeights] = {
    "Dense": _dense,
    "Embedding": _embedding,
    "LayerNormalization": _normalization(moving=False),
    "BatchNormalization": _normalization(moving=True),
    "MultiHeadAttention": _attention,
    **{name: _none for name in _WEIGHTLESS},
}


class ProjectTrees:
    """The weight trees of a run's specs; a project sub-layer class's tree comes from its
    spec's generation in this run, else from its record, else from `analyze_class(name)`
    (the class's spec analysed, or None)."""

    def __init__(
        self,
        project: Project,
        records: dict[str, SpecRecord],
        generated: list[GeneratedSpec],
        analyze_class: Callable[[str], GeneratedSpec | None],
    ):
        self.project = project
        self.generated = {g.class_name: g for g in generated}
        self.analyzed: dict[str, GeneratedSpec] = {}  # the classes `analyze_class` analysed
        self.records = {record.class_name: (key, record) for key, record in records.items()}
        self.analyze_class = analyze_class
        self.trees: dict[str, ClassTree | None] = {}
        self.active: set[str] = set()
        self.changed: set[str] = set()  # specs whose tree differs from their record's

    def of(self, generated: GeneratedSpec) -> WeightTree:
        from layergen import vocabulary

        keras_layers = vocabulary.load().layers
        self.active.add(generated.class_name)
        try:
            return weight_tree(generated.spec, generated.weights, lambda c: self._class(c, keras_layers))
        finally:
            self.active.discard(generated.class_name)

    def _class(self, name: str, keras_layers: Collection[str]) -> ClassTree | None:
        if name in keras_layers or name in self.active:
            return None
        if name not in self.trees:
            generated = self.generated.get(name)
            if generated is not None:
                key = project_key(self.project, generated.spec_path)
                tree = self.of(generated)
                recorded = self.records.get(name)
                if recorded is None or (recorded[1].weights, recorded[1].layers) != (tree.weights, tree.layers):
                    self.changed.add(key)
                self.trees[name] = ClassTree(key, tree)
            elif name in self.records:
                key, record = self.records[name]
                self.trees[name] = ClassTree(key, WeightTree(dict(record.weights), dict(record.layers)))
            else:
                # Neither generated in this run nor recorded (a run naming only the specs that use it).
                analyzed = self.analyze_class(name)
                tree_of = None
                if analyzed is not None:
                    self.analyzed[name] = analyzed
                    tree_of = ClassTree(project_key(self.project, analyzed.spec_path), self.of(analyzed))
                self.trees[name] = tree_of
        return self.trees[name]
