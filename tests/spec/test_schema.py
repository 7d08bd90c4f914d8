"""`layergen schema` describes what the loader accepts; every spec in the repository fits it."""

import json
import math
import re

import jsonschema
import pytest
import yaml
from conftest import EXAMPLE_SPECS, REPO, TEST_SPECS, cli
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from layergen.errors import LayergenError
from layergen.spec.limits import MAX_TEXT_CHARS
from layergen.spec.models import parse_layer_spec
from layergen.spec.schema import json_schema
from layergen.spec.source import _SpecLoader, parse_spec_text


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


# -- the schema and the reader agree --------------------------------------------------------


class EditorDumper(yaml.SafeDumper):
    """Writes YAML that YAML 1.1 and 1.2 readers both read back as the same data: a string
    that either would read as something else is quoted."""


for _first, _resolvers in _SpecLoader.yaml_implicit_resolvers.items():
    for _tag, _regexp in _resolvers:
        EditorDumper.add_implicit_resolver(_tag, _regexp, [_first])


def editor_yaml(document) -> str:
    return yaml.dump(document, Dumper=EditorDumper, sort_keys=False, allow_unicode=False, width=10_000)


# JSON Schema's data model has one kind of number: an editor counts 2.0 as an integer, and
# so does the spec reader where an integer goes. The standard checker holds them together.
YamlValidator = Draft202012Validator
STRUCTURE = YamlValidator(json_schema(vocabulary=False))


def reader_accepts(document) -> bool:
    try:
        parse_layer_spec(parse_spec_text(editor_yaml(document), "doc.yaml"))
    except LayergenError:
        return False
    return True


odd_text = st.one_of(
    st.text(max_size=8),
    st.sampled_from(
        ["yes", "on", "017", "0o17", "0x1f", "1_0", "1:30", "2024-01-31", "1e3", ".5", "<<", "~", "null", "true"]
    ),
    st.sampled_from(["a\x00b", "a\x1bb", "a\x7fb", "a\x85b", "\u2028", "tab\tok", "line\nok", "cr\rok", "\ud800"]),
    st.just("x" * (MAX_TEXT_CHARS + 1)),
)
odd_numbers = st.one_of(
    st.integers(-(10**21), 10**21),
    st.sampled_from([10**20 - 1, 10**20, -(10**20) + 1, 0, 1, -1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([2.0, -0.0, 1e20, math.inf, math.nan]),
)
scalars = st.one_of(st.none(), st.booleans(), odd_numbers, odd_text)
keys = st.one_of(odd_text, st.integers(-2, 2), st.booleans(), st.none(), st.just(1.5))
values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3), max_leaves=6
)


text = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=8)
numbers = st.one_of(st.integers(-5, 5), st.floats(-10, 10))
plain_values = st.recursive(
    st.one_of(st.none(), st.booleans(), numbers, text),
    lambda inner: st.lists(inner, max_size=2) | st.dictionaries(text, inner, max_size=2),
    max_leaves=4,
)
shape_items = st.lists(st.one_of(st.integers(0, 5), st.sampled_from(["batch", "...", "d", "n * 2"])), max_size=3)
keras_objects = st.one_of(
    st.none(), text, st.fixed_dictionaries({"name": text}, optional={"stddev": numbers, "seed": st.none()})
)
# Each field of the spec format with values of the right structure (the meaning may be wrong).
FIELDS = {
    "argument": {
        "type": st.sampled_from(["int", "float", "bool", "str", "list[int]", "list[float]", "list[str]", "array"]),
        "default": plain_values,
        "min": st.one_of(st.none(), numbers),
        "max": st.one_of(st.none(), numbers),
        "choices": st.one_of(st.none(), st.lists(text, min_size=1, max_size=2)),
        "doc": text,
    },
    "input": {
        "shape": shape_items,
        "dtype": text,
        "min": st.one_of(st.integers(0, 3), text),
        "max": st.one_of(st.none(), st.integers(0, 3), text),
        "doc": text,
    },
    "weight": {
        "shape": shape_items,
        "role": st.sampled_from(["trainable", "frozen", "state"]),
        "initializer": keras_objects,
        "regularizer": keras_objects,
        "constraint": keras_objects,
        "dtype": st.one_of(st.none(), text),
        "initial_value": st.one_of(st.none(), text),
        "renamed_from": st.one_of(st.none(), text, st.lists(text, max_size=2)),
        "doc": text,
    },
    "constant": {"value": st.one_of(numbers, st.booleans(), st.lists(numbers, max_size=2)), "dtype": text, "doc": text},
    "test": {
        "arguments": st.dictionaries(text, plain_values, max_size=2),
        "dimensions": st.dictionaries(text, st.integers(0, 9), max_size=2),
        "batch_size": st.integers(1, 4),
    },
}
REQUIRED = {"argument": ["type"], "input": ["shape"], "weight": ["shape"], "constant": ["value"], "test": []}


def entry(kind: str):
    fields = FIELDS[kind]
    required = {name: fields[name] for name in REQUIRED[kind]}
    return st.fixed_dictionaries(required, optional={k: v for k, v in fields.items() if k not in required})


def named(kind: str):
    return st.dictionaries(st.one_of(st.sampled_from(["units", "x", "kernel"]), text), entry(kind), max_size=2)


valid_documents = st.fixed_dictionaries(
    {"layer": text, "summary": text, "call": text, "output_shape": shape_items},
    optional={
        "description": text,
        "package": st.one_of(st.none(), text),
        "arguments": named("argument"),
        "inputs": named("input"),
        "weights": named("weight"),
        "constants": named("constant"),
        "test": entry("test"),
    },
)


def _places(value, path=()):
    """Every place in a document a mutation can change: (path, container)."""
    if isinstance(value, dict):
        yield path, value
        for key, item in value.items():
            yield from _places(item, path + (key,))
    elif isinstance(value, list):
        yield path, value
        for index, item in enumerate(value):
            yield from _places(item, path + (index,))


def odd_like(value):
    """A value of the same kind that the reader refuses, or one at the edge of what it takes."""
    if isinstance(value, str):
        return st.sampled_from(["a\x00b", "a\x1bb", "\x85", "\ud800", "x" * (MAX_TEXT_CHARS + 1), "x" * MAX_TEXT_CHARS])
    if isinstance(value, bool) or value is None:
        return st.sampled_from([math.nan, {1: "x"}, {None: 1}])
    if isinstance(value, int):
        return st.sampled_from([10**20, 10**20 - 1, -(10**20), float(value), math.inf])
    if isinstance(value, float):
        return st.sampled_from([math.nan, math.inf, -math.inf, 1.7976931348623157e308])
    return st.sampled_from([{1: value}, {True: value}, [math.nan], {"a\x1b": 1}])


@st.composite
def documents(draw):
    """Structurally valid spec documents with up to two odd changes anywhere: a value of any
    type put in, a key added (any type) or a field dropped."""
    document = draw(valid_documents)
    for _ in range(draw(st.integers(0, 2))):
        _, container = draw(st.sampled_from(list(_places(document))))
        if isinstance(container, list):
            if container:
                container[draw(st.integers(0, len(container) - 1))] = draw(values)
            continue
        action = draw(st.sampled_from(["replace", "add", "drop", "odd"]))
        if action == "odd":
            key = draw(keys)
            container[key] = draw(odd_like(container.get(key, draw(plain_values))))
        elif action == "add" or not container:
            container[draw(keys)] = draw(values)
        elif action == "drop":
            container.pop(draw(st.sampled_from(sorted(container, key=repr))))
        else:
            container[draw(st.sampled_from(sorted(container, key=repr)))] = draw(values)
    return document


VALID_DOCUMENT = {"layer": "A", "summary": "s", "call": "return inputs", "output_shape": ["batch"]}


@settings(max_examples=1500, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(documents())
@example({**VALID_DOCUMENT, "test": {"batch_size": 2.0}})
@example({**VALID_DOCUMENT, "test": {"dimensions": {1: 2}}})
@example({**VALID_DOCUMENT, "summary": "a\x1bb"})
@example({**VALID_DOCUMENT, "arguments": {"n": {"type": "int", "default": math.nan}}})
@example({**VALID_DOCUMENT, "arguments": {"n": {"type": "int", "default": {True: 1}}}})
@example({**VALID_DOCUMENT, "output_shape": ["batch", 10**20]})
def test_the_schema_accepts_exactly_what_the_reader_accepts(document):
    assert reader_accepts(document) == STRUCTURE.is_valid(document), editor_yaml(document)


def test_the_agreement_is_not_vacuous():
    """Both sides accept a valid spec and refuse each kind of odd value the brief names."""
    assert reader_accepts(VALID_DOCUMENT) and STRUCTURE.is_valid(VALID_DOCUMENT)
    integral = {**VALID_DOCUMENT, "test": {"batch_size": 2.0}}
    assert reader_accepts(integral) and STRUCTURE.is_valid(integral), "2.0 is an integer to both"
    for odd in [2.5, "a\x1bb", math.inf, math.nan, {1: "x"}, {True: "x"}, 10**20, "x" * (MAX_TEXT_CHARS + 1)]:
        document = {**VALID_DOCUMENT, "test": {"batch_size": odd}, "summary": odd if isinstance(odd, str) else "s"}
        assert not reader_accepts(document) and not STRUCTURE.is_valid(document), odd


def test_the_vocabulary_only_narrows_names():
    """`layergen schema` is the structure schema plus enums of Keras names."""
    full, structure = json_schema(), json_schema(vocabulary=False)
    spec = yaml.safe_load((REPO / "specs/examples/linear_layer.yaml").read_text())
    assert YamlValidator(full).is_valid(spec) and YamlValidator(structure).is_valid(spec)
    spec["weights"]["kernel"]["initializer"] = "glorot_unifrom"
    assert not YamlValidator(full).is_valid(spec) and YamlValidator(structure).is_valid(spec)


def test_the_schema_knows_the_fields_of_kerass_own_options(validator, project):
    """output_shapes, weight `axes` / `autocast` / conditions in `when`, argument `message`
    and the new types, `masking.supports_masking`: accepted as the loader accepts them, and
    refused where the loader refuses them."""
    spec = yaml.safe_load((REPO / "specs/examples/layer_normalization_layer.yaml").read_text())
    assert not list(validator.iter_errors(spec))
    for path, bad in [
        (("weights", "gamma", "autocast"), "no"),
        (("weights", "gamma", "axes"), 3),
        (("arguments", "axis", "message"), 1),
        (("arguments", "axis", "type"), "axis"),
        (("masking", "supports_masking"), 1),
    ]:
        broken = json.loads(json.dumps(spec))
        target = broken
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = bad
        assert list(validator.iter_errors(broken)), path
        (project / "bad.yaml").write_text(yaml.safe_dump(broken))
        result = cli("validate", "bad.yaml")
        assert result.exit_code == 1 and ".".join(path) in result.stderr, (path, result.stderr)
    pooling = yaml.safe_load((REPO / "specs/examples/global_average_pooling.yaml").read_text())
    assert not list(validator.iter_errors(pooling))
    pooling["output_shapes"] = pooling["output_shapes"][:1]
    assert list(validator.iter_errors(pooling)), "one case is not a choice"


def test_the_schema_knows_cells_and_call_arguments(validator):
    cell = yaml.safe_load((REPO / "specs/examples/gru_cell.yaml").read_text())
    assert not list(validator.iter_errors(cell))
    cell["cell"]["state_sise"] = 4
    cell["call_arguments"] = {"reverse": {"type": "list", "default": False}, "scale": {"type": "float"}}
    messages = sorted(error.message for error in validator.iter_errors(cell))
    assert any("'state_sise': 4} is not valid" in m for m in messages), messages  # cell is optional: anyOf
    assert any("'list' is not one of" in m for m in messages), messages
    assert any("'default' is a required property" in m for m in messages), messages


def test_the_schema_knows_weight_shape_cases_and_call_inputs(validator):
    embedding = yaml.safe_load((REPO / "specs/examples/reversible_embedding.yaml").read_text())
    assert not list(validator.iter_errors(embedding))
    embedding["call_arguments"]["reverse"]["inputs"]["inputs"]["shap"] = [1]
    embedding["weights"]["embeddings"]["shapes"] = [{"when": "reverse", "shape": [1]}]  # one case is no choice
    messages = sorted(error.message for error in validator.iter_errors(embedding))
    assert any("'shap'" in m for m in messages), messages
    assert any(m.startswith("[{'when': 'reverse', 'shape': [1]}] is not valid") for m in messages), messages
