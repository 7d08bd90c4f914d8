"""`adapt`: state weights set to statistics of a data set, as keras.layers.Normalization
learns its mean and variance with `layer.adapt(data)`.

The spec names each weight and its statistic, from a fixed vocabulary (`STATISTICS`); the
statistic is taken over every axis of the data but those the weight keeps: the `axes`
argument's axes (`shape: [...]` with `axes`), the input's dimensions its shape names
(`[features]`), or none (`[]`: one number). The generated `adapt(data, batch_size=None,
steps=None)` reads the data batch by batch, builds the layer from the data's shape when it
is not built, combines the batches exactly and assigns the weights.
"""

from __future__ import annotations

from collections.abc import Mapping

from layergen.analysis.context import ELLIPSIS, Context
from layergen.analysis.value_tests import instance_of
from layergen.render.model import AdaptGroup, AdaptModel, AdaptStatistic
from layergen.render.values import Code, Collection, IfElse, Literal, self_attribute
from layergen.spec.sections import WeightSpec
from layergen.spec.source import Path_

STATISTICS = ("mean", "variance", "min", "max", "count")
_WORDS = {
    "mean": "the mean",
    "variance": "the variance",
    "min": "the minimum",
    "max": "the maximum",
    "count": "the number of values",
}

# How a weight keeps the input's axes: ("axes", argument), or ("dims", the dimensions'
# indices in the input's shape, negative from the end).
Kept = tuple[str, str | tuple[int, ...]]


def read_adapt(context: Context) -> AdaptModel | None:
    """The `adapt` method, or None for a spec without `adapt` (or with problems in it)."""
    spec = context.spec
    if not spec.adapt:
        return None
    if len(context.inputs) != 1:
        context.problem(("adapt",), "`adapt` reads the data of a layer with a single input", key=True)
        return None
    groups: dict[Kept, AdaptGroup] = {}
    statistics = []
    for name, statistic in spec.adapt.items():
        path = ("adapt", name)
        weight = _state_weight(context, name, path)
        if statistic not in STATISTICS:
            context.unknown(path, "statistic", statistic, STATISTICS)
            continue
        kept = kept_axes(context, weight, path) if weight is not None else None
        if weight is None or kept is None:
            continue
        if kept not in groups:
            groups[kept] = AdaptGroup(_variable(context, kept), _keep_code(context, kept))
        statistics.append(AdaptStatistic(name, statistic, groups[kept].variable, weight.when is not None))
    if len(statistics) != len(spec.adapt):
        return None
    words = tuple(_WORDS[s.statistic] for s in statistics)
    return AdaptModel(tuple(groups.values()), tuple(statistics), words)


def _state_weight(context: Context, name: str, path: Path_) -> WeightSpec | None:
    """The weight `name`, a state weight; None (with the problem) otherwise."""
    weight = context.spec.weights.get(name)
    if weight is None:
        states = [n for n, w in context.spec.weights.items() if w.role == "state"]
        context.unknown(path, "state weight", name, states, key=True)
        return None
    if weight.role != "state":
        context.problem(
            path,
            f"`adapt` sets state weights (`role: state`), which training leaves alone; {name!r} is {weight.role}",
            key=True,
        )
        return None
    return weight


def kept_axes(context: Context, weight: WeightSpec, path: Path_) -> Kept | None:
    """The input axes the weight keeps (its statistic is over the others); None, with the
    problem, for a shape of another form."""
    if weight.axes is not None and weight.shape == [ELLIPSIS]:
        return ("axes", weight.axes)  # the `axes` field's own checks are the weights'
    dims = context.dims
    items = weight.shape if weight.shape is not None and weight.axes is None else None
    if items is not None and all(isinstance(item, str) and item in dims for item in items):
        indices = tuple(dims[str(item)].index for item in items)
        if list(indices) == sorted(indices, key=lambda index: (index < 0, index)) and len(set(indices)) == len(indices):
            return ("dims", indices)
    context.problem(
        path,
        "a weight `adapt` sets keeps input axes by `axes` (`shape: [...]`), by the input's dimension names "
        "in their order (e.g. `shape: [features]`), or none (`shape: []`)",
    )
    return None


def _variable(context: Context, kept: Kept) -> str:
    """The local that gathers a group's statistics: `axis_moments`, `features_moments`, `moments`."""
    kind, value = kept
    if isinstance(value, str):
        return f"{value}_moments"
    names = {dim.index: name for name, dim in context.dims.items()}
    return "_".join([names[index] for index in value] + ["moments"])


def _keep_code(context: Context, kept: Kept) -> Code:
    """The kept axes in `adapt`: `self.axis if isinstance(self.axis, list) else [self.axis]`."""
    kind, value = kept
    if kind == "axes" and isinstance(value, str):
        axes = self_attribute(value)
        as_list = Collection((axes,), "list")
        if context.spec.arguments[value].type == "int":
            return as_list
        return IfElse(instance_of(axes, "list"), axes, as_list)
    return Collection(tuple(Literal(index) for index in value), "list")


def adapt_test_axes(context: Context, read: Mapping[str, object]) -> list[tuple[str, str, tuple[int, ...]]]:
    """(weight, statistic, the axes it keeps at the test input's rank) for the generated
    test; `read`: what the conditions read in the test (the arguments as stored, the rank)."""
    if not context.spec.adapt or len(context.inputs) != 1:
        return []
    rank = read.get(f"{context.inputs[0].name}.rank")
    cases = []
    for name, statistic in context.spec.adapt.items():
        weight = context.spec.weights[name]
        kept = kept_axes(context, weight, ("adapt", name))
        if kept is None or not isinstance(rank, int):
            continue
        kind, value = kept
        axes = read.get(value) if kind == "axes" and isinstance(value, str) else value
        listed = list(axes) if isinstance(axes, list | tuple) else [axes]
        cases.append((name, statistic, tuple(sorted(int(str(axis)) % rank for axis in listed))))
    return cases
