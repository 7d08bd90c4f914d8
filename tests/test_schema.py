"""`layergen schema` describes what the loader accepts; every spec in the repository fits it."""

import json
import re

import jsonschema
import pytest
import yaml

from conftest import EXAMPLE_SPECS, REPO, TEST_SPECS, cli


@pytest.fixture(scope="module")
def validator():
    result = cli("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def documented_specs():
    """Every complete spec shown in docs/spec.md (fragments say so on their first line)."""
    blocks = re.findall(r"```yaml\n(.*?)```", (REPO / "docs" / "spec.md").read_text(), re.S)
    return [block for block in blocks if not block.startswith("# Fragment")]


ALL_SPECS = [p.read_text() for p in EXAMPLE_SPECS + TEST_SPECS] + documented_specs()
IDS = [p.stem for p in EXAMPLE_SPECS + TEST_SPECS] + [f"docs-{i}" for i in range(len(documented_specs()))]


@pytest.mark.parametrize("text", ALL_SPECS, ids=IDS)
def test_every_spec_in_the_repository_fits_the_schema(validator, text):
    errors = sorted(validator.iter_errors(yaml.safe_load(text)), key=str)
    assert not errors, errors[0].message


@pytest.mark.parametrize("text", documented_specs(), ids=lambda t: t.split("\n", 1)[0])
def test_every_documented_spec_is_valid(project, text):
    (project / "doc.yaml").write_text(text)
    result = cli("validate", "doc.yaml")
    assert result.exit_code == 0, result.output


def test_the_schema_refuses_what_the_loader_refuses(validator):
    spec = yaml.safe_load((REPO / "specs/examples/linear_layer.yaml").read_text())
    spec["weights"]["kernel"]["trainabel"] = True
    spec["weights"]["bias"]["initializer"] = "glorot_unifrom"
    messages = sorted(error.message for error in validator.iter_errors(spec))
    assert any("'trainabel' was unexpected" in m for m in messages)
    assert any("glorot_unifrom" in m for m in messages)


def test_init_points_editors_at_the_schema(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli("init").exit_code == 0
    starter = (tmp_path / "specs" / "scaled_dense.yaml").read_text()
    assert starter.startswith("# yaml-language-server: $schema=../.layergen/spec.schema.json\n")
    schema = json.loads((tmp_path / ".layergen" / "spec.schema.json").read_text())
    assert schema == json.loads(cli("schema").stdout)
    jsonschema.validate(yaml.safe_load(starter), schema)


def test_the_repository_schema_file_is_current(validator):
    on_disk = json.loads((REPO / ".layergen" / "spec.schema.json").read_text())
    assert on_disk == validator.schema, "run `layergen new` (it refreshes .layergen/spec.schema.json)"
    for spec in EXAMPLE_SPECS:
        assert spec.read_text().startswith("# yaml-language-server: $schema=../../.layergen/spec.schema.json\n")
