"""Step 2 with pydantic: the sections of `layergen.spec.sections` as pydantic models, and their
verdict on a spec's data: the spec (as the sections, like the fast reader's), or every problem.

pydantic is the reference for a spec that `layergen.spec.fast` is not sure of: its errors are
worded for the user (`layergen.spec.problems`), and the JSON Schema is made from these models
(`layergen.spec.schema`). The models are built from the sections' declarations: the same
fields, types, defaults, descriptions and properties, in strict mode with no extra keys.
"""

from __future__ import annotations

import os
import types
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError
from pydantic import Field as ModelField

from layergen.errors import LayergenError
from layergen.spec import sections
from layergen.spec.fast import from_validated
from layergen.spec.fields import Field, Integral, Section, integral, sections_within
from layergen.spec.problems import structure_problems, within
from layergen.spec.sections import ArgumentType, Role
from layergen.spec.source import SpecSource

# The models go by their sections' names (below); the types some tests name come along.
__all__ = [
    "ArgumentSpec",
    "ArgumentType",
    "CallArgumentSpec",
    "CellSpec",
    "ConstantSpec",
    "InitializerPart",
    "InitializerParts",
    "InputSpec",
    "LayerSpec",
    "MaskingSpec",
    "OutputCase",
    "OutputSpec",
    "Role",
    "SubLayerSpec",
    "TestSpec",
    "WeightShapeCase",
    "WeightSpec",
    "parse_layer_spec",
    "with_structure_problems",
]


# pydantic looks for plugins (scanning every installed package's entry points, ~10 ms) when
# a model class is built: layergen's models use none, so they are built without. The
# setting is put back after them, so other models in the process still get their plugins.
_PLUGINS_SETTING = os.environ.get("PYDANTIC_DISABLE_PLUGINS")
os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


_MODELS: dict[type[Section], type[BaseModel]] = {}


def _model_type(kind: Any) -> Any:
    """A section field's type as pydantic's: sections as their models, `Integer` validated."""
    if isinstance(kind, type) and issubclass(kind, Section):
        return _MODELS[kind]
    origin, arguments = get_origin(kind), get_args(kind)
    if origin is Annotated and arguments[1:] == (Integral,):
        return Annotated[arguments[0], BeforeValidator(integral)]
    if origin in (list, dict):
        return types.GenericAlias(origin, tuple(_model_type(argument) for argument in arguments))
    if origin in (Union, types.UnionType):
        members = tuple(_model_type(argument) for argument in arguments)
        return Union[members]  # noqa: UP007  # made of a tuple: no `|` to write
    return kind  # str, bool, int, float, Any, a Literal


def _as_model(value: Any) -> Any:
    """A section default (as `default_inputs` makes) as pydantic's default: sections as models."""
    if isinstance(value, Section):
        given = {value.FIELDS[name].key: _as_model(getattr(value, name)) for name in value.model_fields_set}
        return _MODELS[type(value)](**given)
    if isinstance(value, dict):
        return {key: _as_model(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_model(item) for item in value]
    return value


def _model_field(declared: Field) -> Any:
    options: dict[str, Any] = {"description": declared.description}
    if declared.factory is not None:
        factory = declared.factory
        options["default_factory"] = dict if factory is dict else lambda: _as_model(factory())
    elif not declared.required:
        options["default"] = declared.default
    for option in ("alias", "min_length", "ge"):
        if getattr(declared, option) is not None:
            options[option] = getattr(declared, option)
    return ModelField(**options)


def _model(section: type[Section]) -> type[BaseModel]:
    namespace: dict[str, Any] = {"__module__": __name__, "__qualname__": section.__name__, "__doc__": section.__doc__}
    namespace["__annotations__"] = {name: _model_type(declared.type) for name, declared in section.FIELDS.items()}
    namespace.update({name: _model_field(declared) for name, declared in section.FIELDS.items()})
    namespace.update({name: value for name, value in vars(section).items() if isinstance(value, property)})
    if any(declared.alias for declared in section.FIELDS.values()):
        # A field with its own key in the spec (`class`) is taken by its name (`class_`) too.
        namespace["model_config"] = ConfigDict(extra="forbid", strict=True, populate_by_name=True)
    return type(section.__name__, (_Model,), namespace)


for _section in sections_within(sections.LayerSpec):
    _MODELS[_section] = _model(_section)
if _PLUGINS_SETTING is None:
    del os.environ["PYDANTIC_DISABLE_PLUGINS"]
else:
    os.environ["PYDANTIC_DISABLE_PLUGINS"] = _PLUGINS_SETTING

ArgumentSpec = _MODELS[sections.ArgumentSpec]
InputSpec = _MODELS[sections.InputSpec]
WeightShapeCase = _MODELS[sections.WeightShapeCase]
InitializerPart = _MODELS[sections.InitializerPart]
InitializerParts = _MODELS[sections.InitializerParts]
WeightSpec = _MODELS[sections.WeightSpec]
ConstantSpec = _MODELS[sections.ConstantSpec]
SubLayerSpec = _MODELS[sections.SubLayerSpec]
MaskingSpec = _MODELS[sections.MaskingSpec]
CallArgumentSpec = _MODELS[sections.CallArgumentSpec]
CellSpec = _MODELS[sections.CellSpec]
OutputSpec = _MODELS[sections.OutputSpec]
OutputCase = _MODELS[sections.OutputCase]
TestSpec = _MODELS[sections.TestSpec]
LayerSpec = _MODELS[sections.LayerSpec]


def parse_layer_spec(source: SpecSource) -> sections.LayerSpec:
    """Validate the document's structure; every problem is reported, each with its line.

    The spec comes back as the sections, as from the fast reader (`layergen.spec.parse`
    tries that first, and comes here when it is not sure).
    """
    if not isinstance(source.data, dict):
        raise LayergenError(source.problem((), "a spec must be a mapping of fields (layer:, summary:, ...)"))
    try:
        model = LayerSpec.model_validate(source.data)
    except ValidationError as exc:
        raise LayergenError(structure_problems(source, exc, LayerSpec)) from None
    return from_validated(model.model_dump(by_alias=True, exclude_unset=True))


def with_structure_problems(error: LayergenError) -> LayergenError:
    """A reading error with the structure problems of what could be read: a spec whose
    fields are all wrong hears about all of them at once. Structure problems at or under a
    value the reader refused are left out (they are the same mistake)."""
    partial = getattr(error, "partial", None)
    if partial is None or not isinstance(partial.data, dict):
        return error
    try:
        LayerSpec.model_validate(partial.data)
        return error
    except ValidationError as exc:
        found = structure_problems(partial, exc, LayerSpec)
    refused = [problem.field for problem in error.problems]
    kept = [p for p in found if not any(within(p.field, field) for field in refused)]
    return LayergenError(sorted([*error.problems, *kept], key=lambda p: (p.line or 0, p.column or 0)))
