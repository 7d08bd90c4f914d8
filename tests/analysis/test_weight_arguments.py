"""The weight-arguments rule (`layergen.spec.weight_arguments`), and the analysis that asks
it: the constructor arguments it writes, the weights' model and the test values it takes agree."""

import pytest

from layergen.analysis import analyze
from layergen.analysis.context import Context
from layergen.analysis.test_values import generated_arguments
from layergen.spec.parse import parse_layer_spec
from layergen.spec.source import parse_spec_text
from layergen.spec.weight_arguments import argument_kinds, weight_arguments
from layergen.vocabulary import load

SPEC = """\
layer: ThreeRoles
summary: Trainable and frozen weights.
arguments:
  units: {type: int, min: 1}
inputs:
  inputs: {shape: [batch, input_dim]}
weights:
  kernel: {shape: [input_dim, units]}
  scale: {shape: [units], role: frozen}
  offset: {shape: [units], role: frozen, initializer: ones}
output_shape: [batch, units]
call: |
  return ops.matmul(inputs, self.kernel) * self.scale
"""

EXPECTED = [
    "kernel_initializer",
    "kernel_regularizer",
    "kernel_constraint",
    "scale_initializer",
    "offset_initializer",
]


@pytest.mark.parametrize("role", ["trainable", "frozen", "state"])
def test_only_a_trainable_weight_takes_a_regularizer_and_a_constraint(role):
    kinds = argument_kinds(role)
    assert kinds[0] == "initializer"
    assert (kinds == ("initializer", "regularizer", "constraint")) is (role == "trainable")
    assert weight_arguments("w", role) == [(f"w_{kind}", kind) for kind in kinds]


def test_the_constructor_and_the_test_values_follow_the_rule():
    source = parse_spec_text(SPEC, "three_roles.yaml")
    spec = parse_layer_spec(source)
    model = analyze(spec, source, module_name="three_roles", spec_path="three_roles.yaml", default_package="demo")
    made = [arg.name for arg in model.args if arg.keras_kind and arg.name != "activity_regularizer"]
    assert sorted(made) == sorted(EXPECTED)
    assert set(generated_arguments(Context(spec, source, load()))) == set(EXPECTED)
    kernel, scale, offset = model.weights
    assert (kernel.initializer, kernel.regularizer, kernel.constraint) == tuple(EXPECTED[:3])
    assert (scale.initializer, scale.regularizer, scale.constraint) == ("scale_initializer", None, None)
    assert offset.initializer == "offset_initializer"
    assert model.layer_import == "layers.three_roles"
