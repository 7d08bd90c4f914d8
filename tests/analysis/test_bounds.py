"""Hostile specs aimed at the generated test's sizes, layouts, `self.<name>` in spec-written
bodies, and at reporting: each is refused located, bounded in time and memory, with nothing
written; built for the class (property tests over sizes and names), not for one example."""

import re
import time
import tracemalloc

import pytest
from conftest import cli
from error_catalog import VALID, spec_with
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layergen.analysis import analyze, snake_case
from layergen.analysis.layouts import MODEL_PARALLEL_TEST, TEST_MESH_AXIS_SIZE
from layergen.analysis.self_attributes import layer_attribute_names
from layergen.analysis.test_budget import (
    TEST_LITERAL_LIMIT,
    TEST_SUBLAYER_LIMIT,
    TEST_TENSOR_BUDGET,
    TEST_TOTAL_BUDGET,
)
from layergen.contract_tests import CONTRACT_TESTS
from layergen.errors import LayergenError
from layergen.spec.parse import parse_layer_spec
from layergen.spec.source import parse_spec_text
from layergen.vocabulary import load

LOCATED = re.compile(r"demo\.yaml:\d+:\d+: \S.*")
# Sizes from tiny to far past any budget: 20 digits is the most a spec's integer may have.
SIZES = st.one_of(st.integers(1, 64), st.integers(1, 10**6), st.integers(1, 10**20 - 1))
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def check(text: str) -> list[str]:
    """Steps 1-3 on spec text, in this process: [] if accepted, else each problem's line.
    Each run must stay under 1 s of CPU and 50 MB of allocations."""
    tracemalloc.start()
    started = time.process_time()
    try:
        source = parse_spec_text(text, "demo.yaml")
        spec = parse_layer_spec(source)
        analyze(spec, source, module_name=snake_case(spec.layer), spec_path="demo.yaml", default_package="demo")
        found = []
    except LayergenError as error:
        found = [str(problem) for problem in error.problems]
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert time.process_time() - started < 1.0
    assert peak < 50 * 2**20, f"analysis allocated {peak / 2**20:.0f} MB"
    for line in found:
        assert LOCATED.fullmatch(line) and "\n" not in line, line
    return found


def with_test(text: str, **values) -> str:
    """`text` with a `test:` section (a flow mapping) holding `values`."""
    entries = ", ".join(f"{key}: {value}" for key, value in values.items())
    return text + f"test: {{{entries}}}\n"


SHAPED_CONSTANT = spec_with("call: |", "constants:\n  scale:\n    value: 1.0\n    shape: [units, units]\ncall: |")


# -- the generated test's sizes --------------------------------------------------------------


@FAST
@given(units=SIZES, given_number=st.booleans())
def test_a_shaped_constant_is_bounded_before_it_is_made(units, given_number):
    """The case that ran 60 s and 4.5 GB: a constant of declared shape at large test sizes."""
    scale = ", scale: 2.0" if given_number else ""
    problems = check(with_test(SHAPED_CONSTANT, arguments=f"{{units: {units}{scale}}}"))
    numbers = units * units
    over_memory = numbers * 4 > TEST_TENSOR_BUDGET or units > TEST_TENSOR_BUDGET
    over_literal = not given_number and numbers > TEST_LITERAL_LIMIT
    kernel_over = units * 3 * 4 > TEST_TENSOR_BUDGET
    assert bool(problems) == (over_memory or over_literal or kernel_over)
    if over_literal and not over_memory:
        assert any("constants.scale.shape: the test's value of constant 'scale'" in p for p in problems)


@FAST
@given(rank=st.integers(1, 80), size=SIZES, where=st.sampled_from(["weight", "constant", "output"]))
def test_a_tensor_of_any_rank_and_size_is_refused_or_fits(rank, size, where):
    """Products of sizes pass any float: the budget is integer arithmetic, and each refusal
    is one located line."""
    shape = ", ".join(["units"] * rank)
    if where == "weight":
        text = spec_with("call: |", f"  big: {{shape: [{shape}]}}\ncall: |")
    elif where == "constant":
        text = spec_with("call: |", f"constants:\n  big: {{value: 1.0, shape: [{shape}]}}\ncall: |")
    else:
        text = spec_with("output_shape: [batch, ..., units]", f"output_shape: [batch, ..., {shape}]")
    problems = check(with_test(text, arguments=f"{{units: {size}}}"))
    numbers = size**rank * (2 * 15 if where == "output" else 1)  # an output has the batch and `...`
    kernel_over = size * 3 * 4 > TEST_TENSOR_BUDGET or 2 * 15 * size * 4 > TEST_TENSOR_BUDGET  # VALID's own
    over = numbers * 4 > TEST_TENSOR_BUDGET or (where == "constant" and numbers > TEST_LITERAL_LIMIT)
    assert bool(problems) == (over or kernel_over)


@FAST
@given(count=SIZES, expression=st.sampled_from(["blocks", "blocks * 2", "blocks + blocks", "blocks * blocks"]))
def test_repeat_is_bounded_by_the_sublayers_the_test_makes(count, expression):
    text = spec_with("    min: 1\n", "    min: 1\n  blocks:\n    type: int\n    min: 1\n")
    text = text.replace(
        "call: |", f"layers:\n  hidden: {{class: Dense, arguments: {{units: 4}}, repeat: {expression}}}\ncall: |"
    )
    made = {"blocks": count, "blocks * 2": 2 * count, "blocks + blocks": 2 * count, "blocks * blocks": count**2}[
        expression
    ]
    problems = check(with_test(text, arguments=f"{{blocks: {count}}}"))
    assert bool(problems) == (made > TEST_SUBLAYER_LIMIT)
    if problems:
        assert problems == [p for p in problems if "layers.hidden.repeat: is " in p]


@FAST
@given(units=SIZES)
def test_a_sublayer_sized_by_an_argument_is_in_the_budget(units):
    """A Dense of `units` on a 3-wide input holds a (3, units) kernel: the test makes it."""
    text = spec_with("call: |", "layers:\n  hidden: {class: Dense, arguments: {units: $hidden_units}}\ncall: |")
    text = text.replace("    min: 1\n", "    min: 1\n  hidden_units:\n    type: int\n    min: 1\n", 1)
    problems = check(with_test(text, arguments=f"{{hidden_units: {units}}}"))
    assert bool(problems) == (units * 3 * 4 > TEST_TENSOR_BUDGET)
    if problems:
        assert "layers.hidden.arguments: the test's sub-layer 'hidden'" in problems[0]


def test_a_seed_is_no_size():
    text = spec_with(
        "call: |", "layers:\n  drop: {class: Dropout, arguments: {rate: 0.5, seed: 12345678901234}}\ncall: |"
    )
    assert check(text) == []


@pytest.mark.parametrize("weights", [1, 4, 5, 12])
def test_the_tensors_together_are_bounded(weights):
    """Each weight just under the per-tensor budget: together they must fit the total."""
    extra = "".join(f"  extra{i}: {{shape: [input_dim, units]}}\n" for i in range(1, weights))
    text = spec_with("call: |", extra + "call: |") if extra else VALID
    problems = check(with_test(text, arguments="{units: 4000}", dimensions="{input_dim: 4000}"))
    total = weights * 4000 * 4000 * 4 + 2 * 2 * 15 * 4000 * 4
    assert bool(problems) == (total > TEST_TOTAL_BUDGET)
    if problems:
        (problem,) = problems
        assert "the test's tensors together would take" in problem


# -- layouts at the test sizes -------------------------------------------------------------


@FAST
@given(units=st.integers(1, 10_000), input_dim=st.integers(1, 1_000))
def test_a_split_axis_must_divide_across_the_contracts_mesh(units, input_dim):
    text = spec_with("    initializer: glorot_uniform", "    initializer: glorot_uniform\n    layout: [data, model]")
    problems = check(with_test(text, arguments=f"{{units: {units}}}", dimensions=f"{{input_dim: {input_dim}}}"))
    odd = {"layout[0]": input_dim % TEST_MESH_AXIS_SIZE, "layout[1]": units % TEST_MESH_AXIS_SIZE}
    assert [p.split(": ")[1] for p in problems] == [f"weights.kernel.{axis}" for axis, rest in odd.items() if rest]


def test_the_contracts_mesh_is_what_the_analysis_expects(monkeypatch):
    import keras  # here, not at import: a collected module that imports Keras makes every later fork big

    from layergen.testing import _distributed

    made = []
    monkeypatch.setattr(keras.distribution, "list_devices", lambda kind=None: list(range(16)))
    monkeypatch.setattr(keras.distribution, "DeviceMesh", lambda shape, names, devices: made.append((shape, names)))
    _distributed._device_mesh({"kernel": (None, "model"), "bias": ("data",)})
    ((shape, names),) = made
    sizes = dict(zip(names, shape, strict=True))
    assert sizes["model"] == sizes["data"] == TEST_MESH_AXIS_SIZE
    with pytest.raises(AssertionError):
        _distributed._device_mesh({"kernel": ("a", "b"), "bias": ("c",)})
    assert MODEL_PARALLEL_TEST in CONTRACT_TESTS


THREE_AXES = spec_with("    initializer: glorot_uniform", "    initializer: glorot_uniform\n    layout: [data, model]")
THREE_AXES = THREE_AXES.replace("call: |", "  bias: {shape: [units], layout: [seq]}\ncall: |")


def test_layouts_the_contracts_mesh_cannot_hold_are_refused_unless_that_test_is_skipped():
    (problem,) = check(with_test(THREE_AXES, arguments="{units: 4}", dimensions="{input_dim: 4}"))
    assert problem.startswith(
        "demo.yaml:15:35: weights.bias.layout[0]: the layouts name 3 mesh axes (data, model, seq)"
    )
    skip = f"{{{MODEL_PARALLEL_TEST}: three axes need a bigger mesh}}"
    assert check(with_test(THREE_AXES, arguments="{units: 5}", skip=skip)) == []


# -- self.<name> in call and compute_mask ---------------------------------------------------------

OWN_NAMES = ["kernel", "units", "kernel_initializer", "kernel_regularizer", "kernel_constraint"]


@pytest.mark.parametrize("name", OWN_NAMES + ["compute_dtype", "dtype_policy", "trainable", "built", "add_loss"])
def test_what_the_layer_has_is_accepted_in_call(name):
    assert check(spec_with("  return outputs", f"  print(self.{name})\n  return outputs")) == []


@FAST
@given(name=st.sampled_from(OWN_NAMES), edit=st.integers(0, 3))
def test_a_misspelt_attribute_fails_validate_with_a_did_you_mean(name, edit):
    typo = [name[:-1] + "z", name + "s", name[1:], name[:2] + name[3:]][edit]
    (problem,) = check(spec_with("  return outputs", f"  print(self.{typo})\n  return outputs"))
    assert problem.startswith(f"demo.yaml:16:9: call: the layer has no attribute `self.{typo}` (did you mean 'self.")


@pytest.mark.parametrize("target", ["self._tracker", "self.foo", "self.Kernel", "self.kernal.shape"])
def test_a_name_the_layer_does_not_have_is_refused_read_or_written(target):
    name = target.split(".")[1]
    lines = (
        f"  print({target})",
        f"  {target} = 1",
        f"  print(getattr(self, {name!r}))",
        f"  setattr(self, {name!r}, 1)",
    )
    for line in lines:
        (problem,) = check(spec_with("  return outputs", f"{line}\n  return outputs"))
        assert "the layer has no attribute `self." in problem


def test_a_dimension_is_no_attribute():
    (problem,) = check(spec_with("  return outputs", "  print(self.input_dim)\n  return outputs"))
    assert "no attribute `self.input_dim`: dimension `input_dim` is read from the input's shape" in problem


def test_compute_mask_is_checked_too():
    text = spec_with("call: |", "masking:\n  output_mask: |\n    return self.kernal\ncall: |")
    text = text.replace("  outputs = ops", "  mask = mask\n  outputs = ops")
    (problem,) = check(text)
    assert problem.startswith("demo.yaml:16:12: masking.output_mask: the layer has no attribute `self.kernal`")
    assert "(did you mean 'self.kernel'?)" in problem


def test_the_layer_attributes_cover_a_real_keras_layer():
    """The vocabulary snapshot holds every public attribute of a Layer on this backend, so
    `self.<what Keras gives>` is never refused."""
    import keras

    layer = keras.layers.Layer()
    public = {name for name in dir(layer) if not name.startswith("_")}
    assert public <= load().layer_attributes


def test_a_random_layer_has_its_seed_and_only_it_does():
    source = parse_spec_text(VALID + "random: true\n", "demo.yaml")
    spec = parse_layer_spec(source)
    from layergen.analysis.context import Context

    own, every = layer_attribute_names(Context(spec, source, load()))
    assert {"seed", "seed_generator"} <= every and "seed" in own
    own, every = layer_attribute_names(Context(parse_layer_spec(parse_spec_text(VALID, "demo.yaml")), source, load()))
    assert "seed" not in every


# -- every problem of a stage at once -----------------------------------------------------------

BROKEN_READING = """\
layer: Demo
layer: Other
summary: !!binary aGVsbG8=
arguments:
  1: {type: int}
  units:
    type: int
    type: float
    min: 123456789012345678901234
    doc: "bell \\a"
inputs: {inputs: {shape: [batch, .inf]}}
"""


def test_every_reading_problem_is_reported_at_once(project):
    (project / "demo.yaml").write_text(BROKEN_READING)
    result = cli("validate", "demo.yaml")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert [line.split(": ")[0:2] for line in lines] == [
        ["demo.yaml:1:1", "call"],  # the structure of what could be read, with it
        ["demo.yaml:2:1", "layer"],
        ["demo.yaml:3:10", "summary"],
        ["demo.yaml:5:3", "arguments"],
        ["demo.yaml:8:5", "arguments.units.type"],
        ["demo.yaml:9:10", "arguments.units.min"],
        ["demo.yaml:10:10", "arguments.units.doc"],
        ["demo.yaml:11:34", "inputs.inputs.shape[1]"],
    ]


def test_a_size_limit_stops_reading_with_what_was_found_before_it():
    bomb = "a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n" + "".join(
        f"{name}: &{name} [{', '.join([f'*{previous}'] * 10)}]\n" for previous, name in ["ab", "bc", "cd", "de"]
    )
    problems = check("layer: A\nlayer: B\n" + bomb)
    assert problems[0] == "demo.yaml:2:1: layer: duplicate key 'layer'"
    assert "spec is too large" in problems[-1] and len(problems) == 2


def test_every_structure_problem_is_reported_at_once():
    text = (
        "layer: 5\nsummary: [a]\narguments:\n  units: {type: integer, min: one}\n"
        "inputs: {inputs: {shape: 7}}\nweights:\n  kernel: {shape: [units], role: weird, trainabel: true}\n"
        "call: 12\noutput_shape: nope\nrandom: maybe\ntest: {batch_size: -1}\n"
    )
    fields = [problem.split(": ")[1] for problem in check(text)]
    assert fields == [
        "layer",
        "summary",
        "arguments.units.type",
        "arguments.units.min",
        "inputs.inputs.shape",
        "weights.kernel.role",
        "weights.kernel.trainabel",
        "call",
        "output_shape",
        "random",
        "test.batch_size",
    ]


# -- refusals write nothing -----------------------------------------------------------------------

HOSTILE = {
    "shaped constant": with_test(SHAPED_CONSTANT, arguments="{units: 8000}"),
    "repeat": with_test(
        spec_with("call: |", "layers:\n  hidden: {class: Dense, arguments: {units: 4}, repeat: units}\ncall: |"),
        arguments="{units: 100000000}",
    ),
    "layout": with_test(
        spec_with("    initializer: glorot_uniform", "    initializer: glorot_uniform\n    layout: [null, model]"),
        arguments="{units: 7}",
    ),
    "self typo": spec_with("self.kernel", "self.kernal"),
}


@pytest.mark.parametrize("name", HOSTILE)
@pytest.mark.parametrize("command", ["validate", "new"])
def test_a_hostile_spec_is_refused_and_nothing_is_written(project, name, command):
    (project / "demo.yaml").write_text(HOSTILE[name])
    result = cli(command, "demo.yaml")
    assert result.exit_code == 1
    assert all(LOCATED.fullmatch(line) for line in result.stderr.strip().splitlines()), result.stderr
    assert "Traceback" not in result.output
    written = {str(p.relative_to(project)) for p in project.rglob("*") if p.is_file()}
    # `new` takes the project's lock (.layergen/lock) before it reads specs: no output, no record.
    assert written - {".layergen/lock", ".layergen/.gitignore"} == {"demo.yaml", "pyproject.toml"}


def test_the_test_sections_names_are_reported_with_the_other_problems():
    """A spec with problems elsewhere also hears about its `test` section's names, which
    need no shapes; each once."""
    text = spec_with("self.kernel", "self.kernal") + (
        "test:\n  dimensions: {input_dims: 3}\n  arguments: {unit: 4}\n  skip: {test_x: why}\n"
    )
    fields = [problem.split(": ")[1] for problem in check(text)]
    assert fields == ["call", "test.dimensions.input_dims", "test.arguments.unit", "test.skip.test_x"]
    assert check(
        spec_with("initializer: glorot_uniform", "initializer: glorot_unifrom") + "test: {arguments: {unit: 4}}\n"
    )[1:] == ["demo.yaml:18:26: test.arguments.unit: unknown argument 'unit' (did you mean 'units'?)"]


ALL_WRONG = """\
layer: !!binary aGVsbG8=
summary: 5
summary: x
arguments:
  units: {type: integer, min: 123456789012345678901234, doc: 3}
inputs: {inputs: {shape: [batch, .inf, 7.5]}}
call: 12
output_shape: nope
"""


def test_reading_and_structure_problems_are_reported_together(project):
    """What the reader refuses, and the structure of the rest: each mistake once."""
    (project / "demo.yaml").write_text(ALL_WRONG)
    result = cli("validate", "demo.yaml")
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert all(LOCATED.fullmatch(line) for line in lines)
    assert [line.split(": ")[1] for line in lines] == [
        "layer",
        "summary",
        "arguments.units.type",
        "arguments.units.min",
        "arguments.units.doc",
        "inputs.inputs.shape[1]",
        "inputs.inputs.shape[2]",
        "call",
        "output_shape",
    ]
    assert "duplicate key 'summary'" in lines[1] and "numbers must be finite" in lines[5]


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("keepdims and ('ab' * 100000 * 100000 * 100000) == 'x'", "is on numbers and arguments, not 'ab'"),
        ("units - keepdims > 0", "arithmetic in a condition is on int and float arguments; 'keepdims' is bool"),
        ("keepdims and units // zero > 1", "integer division or modulo by zero (the test's arguments)"),
    ],
)
def test_a_condition_is_refused_at_its_line_before_it_does_any_work(project, when, message):
    (project / "specs" / "pool.yaml").write_text(
        "layer: Pool\nsummary: Pooling.\narguments:\n  units: {type: int, min: 1, doc: U.}\n"
        "  zero: {type: int, default: 0, doc: Z.}\n  keepdims: {type: bool, default: true, doc: K.}\n"
        "inputs: {inputs: {shape: [batch, steps, features]}}\n"
        'call: "return ops.mean(inputs, axis=1, keepdims=self.keepdims)\\n"\n'
        f'output_shapes:\n  - when: "{when}"\n    shape: [batch, 1, features]\n  - shape: [batch, features]\n'
        "test: {arguments: {units: 4}}\n"
    )
    result = cli("validate", "specs/pool.yaml")
    assert result.exit_code == 1
    assert result.stderr.startswith("specs/pool.yaml:10:11: output_shapes[0].when: ") and message in result.stderr
