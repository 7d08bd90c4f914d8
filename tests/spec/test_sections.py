"""The spec's structure is declared once (layergen.spec.sections), and the fast reader, the
pydantic models and the JSON Schema all follow that declaration."""

import re

import pytest

from layergen.spec import models, sections
from layergen.spec.core_schema import CONTROL_OR_SURROGATE
from layergen.spec.fields import Section, field, sections_within
from layergen.spec.schema import json_schema

SECTIONS = [cls for cls in vars(sections).values() if isinstance(cls, type) and issubclass(cls, Section)]
SECTIONS.remove(Section)


def test_every_section_is_reached_from_the_layer_spec_each_after_those_it_holds():
    order = list(sections_within(sections.LayerSpec))
    assert set(order) == set(SECTIONS) and len(order) == len(SECTIONS) == 15
    assert order[-1] is sections.LayerSpec
    assert order.index(sections.OutputCase) < order.index(sections.LayerSpec)
    assert (
        order.index(sections.InitializerPart)
        < order.index(sections.InitializerParts)
        < order.index(sections.WeightSpec)
    )


def test_a_field_declared_without_field_is_refused():
    with pytest.raises(TypeError, match="declared without field"):

        class Broken(Section):
            size: int = 3

    class Fine(Section):
        size: int = field(3, description="d")

    assert Fine().size == 3 and Fine().model_fields_set == set()
    assert Fine(size=4).model_fields_set == {"size"}
    assert "size" not in vars(Fine)  # the declaration is not left as a value


@pytest.mark.parametrize("section", SECTIONS, ids=lambda cls: cls.__name__)
def test_each_model_is_its_section_with_pydantic_checks(section):
    model = getattr(models, section.__name__)
    assert model.__doc__ == section.__doc__
    assert list(model.model_fields) == list(section.FIELDS)
    for name, declared in section.FIELDS.items():
        assert model.model_fields[name].description == declared.description, name
    properties = [name for name, value in vars(section).items() if isinstance(value, property)]
    assert all(isinstance(getattr(model, name), property) for name in properties)


def test_the_schema_gives_each_section_its_docstring_and_each_field_its_description():
    schema = json_schema(vocabulary=False)
    for section in SECTIONS:
        definition = schema if section is sections.LayerSpec else schema["$defs"][section.__name__]
        assert definition["description"] == section.__doc__
        for name, declared in section.FIELDS.items():
            described = definition["properties"][declared.key]
            if "$ref" in described and "description" not in described:  # pydantic gives the section's
                described = schema["$defs"][described["$ref"].rsplit("/", 1)[1]]
            assert described["description"] == declared.description, (section.__name__, name)


def test_the_schemas_text_pattern_refuses_the_characters_the_reader_refuses():
    pattern = re.compile(json_schema(vocabulary=False)["$defs"]["Value"]["anyOf"][3]["pattern"])
    for code in range(0x110000):
        character = chr(code)
        assert (pattern.match(character) is None) == bool(CONTROL_OR_SURROGATE.fullmatch(character)), hex(code)
