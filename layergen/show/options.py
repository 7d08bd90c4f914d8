"""`layergen show`'s own options, read and checked: `--arg NAME=VALUE` (a YAML value, checked
as the layer's `__init__` checks it) and `--input-shape [NAME=]SIZES` (batch first)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from layergen.errors import LayergenError, Problem
from layergen.render.model import LayerModel
from layergen.spec.sections import LayerSpec
from layergen.vocabulary import closest

InputShape = tuple[str, tuple[int | None, ...], str]  # an input's name, shape (batch first) and dtype


def given_arguments(spec: str, model: LayerModel, layer_spec: LayerSpec, given: Sequence[str]) -> dict[str, object]:
    """The `--arg` values, each checked as the layer's `__init__` checks it."""
    import yaml

    from layergen.analysis.argument_types import requirement, value_fits

    names = [a.name for a in model.args]
    values = {}
    for item in given:
        name, sep, text = item.partition("=")
        field = f"--arg {name}"
        if not sep:
            raise LayergenError(Problem(spec, "expected NAME=VALUE, e.g. --arg units=64", field=f"--arg {item}"))
        if name not in names:
            suggestion = closest(name, names)
            hint = f" (did you mean '{suggestion}'?)" if suggestion else f"; known: {', '.join(names) or 'none'}"
            raise LayergenError(Problem(spec, f"{model.class_name} has no argument {name!r}{hint}", field=field))
        try:
            value = yaml.safe_load(text)
            json.dumps(value)
        except (yaml.YAMLError, TypeError, ValueError):
            raise LayergenError(Problem(spec, f"cannot read {text!r} as a YAML value", field=field)) from None
        argument = layer_spec.arguments.get(name)
        if argument is not None and argument.type != "array" and not value_fits(argument, value):
            message = f"`{name}` must be {requirement(argument)}. Received: {name}={value!r}"
            raise LayergenError(Problem(spec, message, field=field))
        values[name] = value
    return values


def given_shapes(spec: str, inputs: Sequence[InputShape], given: Sequence[str]) -> list[InputShape]:
    """The inputs with the `--input-shape` sizes given: `2,16` for the only input, or
    `NAME=2,16`; sizes include the batch (`None` for an unknown one)."""
    shapes = {name: (shape, dtype) for name, shape, dtype in inputs}
    for item in given:
        name, sep, sizes = item.rpartition("=")
        if not sep:
            if len(inputs) != 1:
                names = ", ".join(shapes)
                message = f"the layer has several inputs ({names}): give NAME=SIZES"
                raise LayergenError(Problem(spec, message, field=f"--input-shape {item}"))
            name = inputs[0][0]
        if name not in shapes:
            suggestion = closest(name, list(shapes))
            hint = f" (did you mean '{suggestion}'?)" if suggestion else f"; inputs: {', '.join(shapes)}"
            raise LayergenError(Problem(spec, f"no input {name!r}{hint}", field=f"--input-shape {item}"))
        try:
            shape = tuple(None if s.strip() in ("None", "") else int(s) for s in sizes.strip("()[] ").split(","))
        except ValueError:
            message = f"expected sizes separated by commas, batch first, e.g. 2,16; found {sizes!r}"
            raise LayergenError(Problem(spec, message, field=f"--input-shape {item}")) from None
        if any(size is not None and size <= 0 for size in shape):
            raise LayergenError(Problem(spec, "sizes must be positive", field=f"--input-shape {item}"))
        shapes[name] = (shape, shapes[name][1])
    return [(name, shape, dtype) for name, (shape, dtype) in shapes.items()]
