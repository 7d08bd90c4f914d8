"""The fast spec reader (layergen.spec.fast) agrees with pydantic (layergen.spec.models): whatever it
accepts, pydantic accepts, as the same values with the same fields set; its table has the
models' fields; and a valid spec is generated without loading pydantic at all."""

import copy
import math
import shutil
import subprocess
import sys

import pydantic
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spec_strategies import finite, names, valid_spec

from layergen.spec import models as spec
from layergen.spec import sections
from layergen.spec.fast import from_validated, read_fast
from layergen.spec.fields import Section
from layergen.spec.parse import parse_layer_spec
from layergen.spec.source import parse_spec_text

MODELS = {cls.__name__: cls for cls in vars(spec).values() if isinstance(cls, type) and cls.__module__ == spec.__name__}
MODELS.pop("_Model")
LIGHT = {
    cls.__name__: cls
    for cls in vars(sections).values()
    if isinstance(cls, type) and issubclass(cls, Section) and cls is not Section
}
MANY = settings(max_examples=600, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


def assert_same(light, model, where="spec"):
    """The light object holds what the pydantic model holds: field by field, of the same
    types (2 is not 2.0), with the same fields set."""
    if isinstance(model, pydantic.BaseModel):
        assert type(light).__name__ == type(model).__name__, where
        assert light.model_fields_set == model.model_fields_set, where
        assert list(light.FIELDS) == list(type(model).model_fields), where
        for name in light.FIELDS:
            assert_same(getattr(light, name), getattr(model, name), f"{where}.{name}")
    elif isinstance(model, dict):
        assert type(light) is dict and list(light) == list(model), where
        for key in model:
            assert_same(light[key], model[key], f"{where}.{key}")
    elif isinstance(model, list):
        assert type(light) is list and len(light) == len(model), where
        for index, (a, b) in enumerate(zip(light, model, strict=True)):
            assert_same(a, b, f"{where}[{index}]")
    else:
        assert type(light) is type(model), (where, light, model)
        assert light == model or (isinstance(model, float) and math.isnan(model) and math.isnan(light)), where


def test_the_table_has_the_models_fields_aliases_defaults_and_required_ones():
    assert set(LIGHT) == set(MODELS) and len(MODELS) == 15
    for name, model in MODELS.items():
        table = LIGHT[name].FIELDS
        assert list(table) == list(model.model_fields), name
        for field_name, field in model.model_fields.items():
            entry = table[field_name]
            assert entry.alias == field.alias, (name, field_name)
            assert entry.required == field.is_required(), (name, field_name)
            if not field.is_required():
                default = entry.factory() if entry.factory else entry.default
                assert_same(default, field.get_default(call_default_factory=True), f"{name}.{field_name}")


def test_the_light_properties_are_the_models():
    for fields in ({"type": "int"}, {"type": "int", "default": None}, {"type": "int", "default": 3}):
        assert sections.ArgumentSpec(**fields).required == spec.ArgumentSpec(**fields).required
    for renamed in (None, "old", ["a", "b"]):
        light, model = (
            sections.WeightSpec(shape=[], renamed_from=renamed),
            spec.WeightSpec(shape=[], renamed_from=renamed),
        )
        assert light.earlier_names == model.earlier_names


# -- the rule: whatever the fast reader accepts, pydantic accepts as the same ---------------

shape_items = st.one_of(names, st.integers(-3, 100), st.sampled_from(["batch", "...", 2.0, -4.0]))
shapes = st.lists(shape_items, max_size=4)
keras_objects = st.one_of(
    st.sampled_from(["zeros", "ones"]), st.fixed_dictionaries({"name": st.just("constant"), "value": finite})
)


@st.composite
def rich_spec(draw):
    """A valid spec (structurally) that also sets the fields valid_spec leaves out."""
    data = draw(valid_spec())
    optional = {
        "package": st.one_of(st.none(), names),
        "random": st.booleans(),
        "masking": st.one_of(
            st.none(),
            st.fixed_dictionaries(
                {"output_mask": st.sampled_from(["keep", "none"])}, optional={"uses_mask": st.booleans()}
            ),
        ),
        "output_dtype": st.one_of(st.none(), st.sampled_from(["float", "input", "int32"])),
        "outputs": st.dictionaries(
            names, st.fixed_dictionaries({"shape": shapes}, optional={"dtype": names, "doc": names}), max_size=2
        ),
        "layers": st.dictionaries(
            names,
            st.fixed_dictionaries(
                {"class": st.sampled_from(["Dense", "pkg.mod.Layer"])},
                optional={
                    "arguments": st.dictionaries(names, st.one_of(st.integers(), finite, names, st.none()), max_size=2),
                    "build": st.one_of(st.none(), shapes, st.dictionaries(names, shapes, max_size=2)),
                    "repeat": st.one_of(st.none(), shape_items),
                    "when": st.one_of(st.none(), names),
                },
            ),
            max_size=2,
        ),
        "test": st.fixed_dictionaries(
            {},
            optional={
                "arguments": st.dictionaries(
                    names, st.one_of(st.integers(), finite, st.lists(st.integers())), max_size=2
                ),
                "dimensions": st.dictionaries(
                    names, st.one_of(st.integers(1, 9), st.sampled_from([2.0, 8.0])), max_size=2
                ),
                "batch_size": st.one_of(st.integers(1, 4), st.just(3.0)),
                "skip": st.dictionaries(names, names, max_size=2),
            },
        ),
    }
    for field, strategy in optional.items():
        if draw(st.booleans()):
            data[field] = draw(strategy)
    for weight in data["weights"].values():
        weight.update(draw(st.fixed_dictionaries({}, optional=WEIGHT_EXTRAS)))
    for argument in data["arguments"].values():
        argument.update(draw(st.fixed_dictionaries({}, optional=ARGUMENT_EXTRAS)))
    for one_input in data["inputs"].values():
        one_input.update(draw(st.fixed_dictionaries({}, optional=INPUT_EXTRAS)))
    for constant in data["constants"].values():
        constant.update(
            draw(st.fixed_dictionaries({}, optional={"shape": st.one_of(st.none(), shapes), "dtype": names}))
        )
    return data


WEIGHT_EXTRAS = {
    "constraint": st.one_of(st.none(), keras_objects),
    "dtype": st.one_of(st.none(), names),
    "initial_value": st.one_of(st.none(), names),
    "renamed_from": st.one_of(st.none(), names, st.lists(names, max_size=2)),
    "layout": st.one_of(st.none(), st.lists(st.one_of(st.none(), names), max_size=2)),
    "shared_axes": st.one_of(st.none(), names),
    "role": st.sampled_from(["trainable", "frozen", "state"]),
}
ARGUMENT_EXTRAS = {
    "min": st.one_of(st.none(), st.integers(), finite),
    "max": st.one_of(st.none(), st.integers(), finite),
    "choices": st.one_of(st.none(), st.lists(names, min_size=1, max_size=2)),
    "type": st.sampled_from(["activation", "array", "list[bool]", "list[float]"]),
}
INPUT_EXTRAS = {
    "dtype": st.sampled_from(["float", "int", "int64"]),
    "min": shape_items,
    "max": st.one_of(st.none(), shape_items),
}
# What a mutation puts somewhere: each kind of value the reader can give, and edge cases.
ODD_VALUE_LIST = [None, True, False, 0, 1, -1, 2.0, 2.5, -0.0, 1e300, math.inf, math.nan, 10**19, 10**30, 2.0**70] + [
    "",
    "x",
    "batch",
    "trainable",
    "int",
    "class",
    [],
    [1],
    [None],
    ["a"],
    [2.0],
    {},
    {"a": 1},
    {"name": "ones"},
]
ODD_KEY_LIST = ["class_", "class", "extra", "default", "shape", "name", "inputs", 1, None, True]
ODD_VALUES, ODD_KEYS = st.sampled_from(ODD_VALUE_LIST), st.sampled_from(ODD_KEY_LIST)


def _nodes(node, path=()):
    yield path
    children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in children:
        yield from _nodes(child, (*path, key))


def _mutate(data, draw):
    """The data with one value replaced, one entry removed, or one key added."""
    path = draw(st.sampled_from(list(_nodes(data))))
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    target = parent[path[-1]] if path else data
    action = draw(st.sampled_from(["replace", "remove", "add"]))
    if action == "add" and isinstance(target, dict):
        target[draw(ODD_KEYS)] = draw(ODD_VALUES)
    elif action == "remove" and path:
        del parent[path[-1]]
    elif path:
        parent[path[-1]] = draw(ODD_VALUES)
    else:
        data = draw(ODD_VALUES)
    return data


@st.composite
def mutated_spec(draw):
    data = copy.deepcopy(draw(rich_spec()))
    for _ in range(draw(st.integers(0, 3))):
        data = _mutate(data, draw)
    return data


def _pydantic(data):
    try:
        return spec.LayerSpec.model_validate(data)
    except pydantic.ValidationError:
        return None


@MANY
@given(mutated_spec())
def test_what_the_fast_reader_accepts_pydantic_accepts_as_the_same_spec(data):
    fast, model = read_fast(data), _pydantic(data)
    if fast is not None:
        assert model is not None, "the fast reader accepted what pydantic refuses"
        assert_same(fast, model)
    if model is not None:
        # pydantic's result, made light: what the analysis gets when the fast reader gave up.
        assert_same(from_validated(model.model_dump(by_alias=True, exclude_unset=True)), model)


@settings(MANY, max_examples=200)
@given(rich_spec())
def test_the_fast_reader_accepts_valid_specs(data):
    assert _pydantic(data) is not None
    assert read_fast(data) is not None


def test_every_example_is_read_fast_as_pydantic_reads_it():
    examples = sorted((REPO / "specs" / "examples").glob("*.yaml"))
    assert len(examples) > 20
    for path in examples:
        data = parse_spec_text(path.read_text(), path.name).data
        fast = read_fast(data)
        assert fast is not None, path.name
        assert_same(fast, spec.LayerSpec.model_validate(data), path.name)


def test_what_the_fast_reader_leaves_to_pydantic_still_reads():
    text = "layer: A\nsummary: s\ncall: return inputs\noutput_shape: [batch]\nlayers:\n  d:\n    class_: Dense\n"
    source = parse_spec_text(text, "a.yaml")
    assert read_fast(source.data) is None  # the key `class_` (populate_by_name): pydantic's to judge
    light = parse_layer_spec(source)
    assert light.layers["d"].class_ == "Dense" and light.layers["d"].model_fields_set == {"class_"}


PROBE = """
import sys
from layergen.cli.main import main
try:
    main(["new"])
except SystemExit as exc:
    print("exit", exc.code)
print("pydantic loaded:", "pydantic" in sys.modules)
"""


def _new_in_fresh_process(project, spec_names):
    for name in spec_names:
        shutil.copy(REPO / "specs" / "examples" / name, project / "specs" / name)
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=project, capture_output=True, text=True)
    return result.stdout + result.stderr


def test_a_valid_spec_is_generated_without_pydantic(project):
    output = _new_in_fresh_process(project, ["dense_layer.yaml", "residual_block.yaml", "masked_mean_pooling.yaml"])
    assert "exit 0" in output and "pydantic loaded: False" in output, output
    assert (project / "layers" / "residual_block.py").exists()


def test_an_invalid_spec_is_worded_by_pydantic_in_a_fresh_process(project):
    (project / "specs" / "bad.yaml").write_text("layer: A\nsummary: s\ncall: return inputs\nrandom: 1\n")
    output = _new_in_fresh_process(project, [])
    assert "specs/bad.yaml:4:9: random: expected true or false; found 1" in output, output
    assert "exit 1" in output and "pydantic loaded: True" in output, output


# Every field of every model set, so that each can be broken in turn.
FULL = {
    "layer": "Full",
    "summary": "s",
    "description": "d",
    "package": "p",
    "arguments": {
        "units": {"type": "int", "default": 2, "min": 1, "max": 9.5, "doc": "u"},
        "mode": {"type": "str", "default": "a", "choices": ["a", "b"]},
    },
    "inputs": {"x": {"shape": ["batch", "...", "d", 2], "dtype": "int", "min": 0, "max": "units", "doc": "x"}},
    "weights": {
        "w": {
            "shape": ["d", "units"],
            "role": "trainable",
            "initializer": {"name": "constant", "value": 1.0},
            "regularizer": "l2",
            "constraint": "non_neg",
            "dtype": "float32",
            "initial_value": "units",
            "renamed_from": ["old"],
            "layout": [None, "model"],
            "shared_axes": "axes",
            "when": "flag",
            "doc": "w",
        }
    },
    "constants": {"c": {"value": [1.0, 2], "shape": ["units"], "dtype": "float", "doc": "c"}},
    "layers": {
        "dense": {"class": "Dense", "arguments": {"units": "$units"}, "build": {"x": ["batch", 4]}, "repeat": 2},
        "other": {"class": "Dense", "build": ["batch", "d"], "repeat": "units", "when": "flag"},
    },
    "masking": {"uses_mask": True, "output_mask": "keep"},
    "random": False,
    "cell": {"state_size": ["units", 2], "output_size": "units"},
    "call": "return x",
    "output_shape": ["batch", "units"],
    "output_dtype": "float",
    "outputs": {"y": {"shape": ["batch"], "dtype": "input", "doc": "y"}},
    "test": {"arguments": {"units": 3}, "dimensions": {"d": 4}, "batch_size": 2, "skip": {"saving": "why"}},
}


def _at(data, path):
    for key in path:
        data = data[key]
    return data


def _changed(path, change):
    """FULL with `change(parent, key)` done at `path`."""
    data = copy.deepcopy(FULL)
    change(_at(data, path[:-1]), path[-1])
    return data


def test_each_field_broken_or_removed_in_turn_the_fast_reader_agrees_with_pydantic():
    assert read_fast(FULL) is not None
    variants = []
    for path in _nodes(FULL):
        if path:
            variants.append(_changed(path, lambda parent, key: parent.pop(key)))
            variants += [
                _changed(path, lambda parent, key, v=value: parent.__setitem__(key, v)) for value in ODD_VALUE_LIST
            ]
        if isinstance(_at(FULL, path), dict):
            variants += [_changed((*path, odd), lambda parent, key: parent.__setitem__(key, 1)) for odd in ODD_KEY_LIST]
    accepted = 0
    for data in variants:
        fast, model = read_fast(data), _pydantic(data)
        if fast is not None:
            assert model is not None, data
            assert_same(fast, model)
            accepted += 1
    assert accepted > 100  # the variants that stay valid are read fast too
