"""What the spec features of issue 8 generate, read from the generated files (no Keras):
optional weights, test values of generated arguments, skips."""

import textwrap

from conftest import cli

BASE = """\
layer: Demo
summary: A demo layer.
arguments:
  units: {type: int, min: 1}
  use_bias: {type: bool, default: true}
  use_scale: {type: bool, default: false}
weights:
  kernel: {shape: [input_dim, units], regularizer: l2}
  bias: {shape: [units], initializer: zeros, when: use_bias}
  scale: {shape: [units], initializer: ones, when: use_scale, role: frozen}
call: |
  outputs = ops.matmul(inputs, self.kernel)
  if self.bias is not None:
      outputs = outputs + self.bias
  if self.scale is not None:
      outputs = outputs * self.scale
  return outputs
output_shape: [batch, ..., units]
"""


def generate(project, text):
    (project / "demo.yaml").write_text(text)
    result = cli("new", "demo.yaml")
    assert result.exit_code == 0, result.output
    return (project / "layers" / "demo.py").read_text(), (project / "tests" / "test_demo.py").read_text()


def test_gated_weights_are_made_under_their_argument_and_none_otherwise(project):
    layer, _ = generate(project, BASE)
    assert "        if self.use_bias:\n            self.bias = self.add_weight(" in layer
    assert "        else:\n            self.bias = None\n" in layer
    assert "        if self.use_scale:\n            self.scale = self.add_weight(" in layer
    assert 'for name in ["kernel", "bias", "scale"]' in layer  # own weights only, None skipped


def test_each_gate_flipped_alone_gets_a_test_subclass(project):
    _, test = generate(project, BASE)
    assert '"use_bias": True, "use_scale": False' in test  # the default setting
    assert 'trainable = ["kernel", "bias"]\n    non_trainable = []\n' in test
    assert textwrap.dedent("""\
        class TestDemoWithoutBias(TestDemo):
            init_kwargs = {**TestDemo.init_kwargs, "use_bias": False}
            trainable = ["kernel"]
        """) in test
    assert textwrap.dedent("""\
        class TestDemoWithScale(TestDemo):
            init_kwargs = {**TestDemo.init_kwargs, "use_scale": True}
            non_trainable = ["scale"]
        """) in test


def test_test_values_of_generated_arguments_and_skips(project):
    text = BASE + textwrap.dedent("""\
        test:
          arguments:
            kernel_regularizer: null
            bias_regularizer: {name: l1, l1: 0.5}
            kernel_initializer: ones
          skip:
            test_runs_compiled_with_xla: "no XLA here"
        """)
    _, test = generate(project, text)
    assert '"kernel_regularizer": None' in test
    assert '"bias_regularizer": {"class_name": "L1", "config": {"l1": 0.5}}' in test
    assert '"kernel_initializer": "ones"' in test
    assert 'regularized = ["bias"]' in test  # null clears the kernel's l2; the bias has one now
    assert 'skip = {\n        "test_runs_compiled_with_xla": "no XLA here",\n    }' in test
