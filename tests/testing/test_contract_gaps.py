"""Contract tests that a right layer must pass and a wrong one must fail, for what the issue 18
review found: random layers with weights and per-sample randomness, and losses added in call.

Each case is a hand-written layer with its contract class, run by pytest in a fresh process."""

import textwrap

from conftest import cli, run_pytest

RANDOM_TESTS = "random_in_training or seed_reproduces"

# Stochastic depth: each sample's branch is kept or dropped with probability 1/2, and a
# weight starts from an unseeded initializer.
DROP_SAMPLE = """
import keras
from keras import ops

from layergen.testing import Input, LayerContract


@keras.saving.register_keras_serializable(package="demo")
class DropSample(keras.layers.Layer):
    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def build(self, input_shape):
        self.scale = self.add_weight(name="scale", shape=(input_shape[-1],), initializer="random_normal")

    def call(self, inputs, training=None):
        outputs = inputs * self.scale
        if training:
            keep = keras.random.uniform((ops.shape(inputs)[0], 1), seed=self.seed_generator) < 0.5
            outputs = ops.where(keep, outputs, ops.zeros_like(outputs))
        return outputs

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


class TestDropSample(LayerContract):
    layer_class = DropSample
    init_kwargs = {"seed": 1}
    inputs = [Input("inputs", shape=(2, 3))]
    output_shape = (2, 3)
    trainable = ["scale"]
    random = True
"""


def test_random_tests_need_no_seeded_initializers_and_hold_for_per_sample_randomness(tmp_path):
    (tmp_path / "test_drop_sample.py").write_text(textwrap.dedent(DROP_SAMPLE))
    # Several seeds of the layer in the test: per sample over the declared batch of 2, one
    # seed in four would give two equal training calls.
    for seed in range(4):
        text = DROP_SAMPLE.replace('init_kwargs = {"seed": 1}', f'init_kwargs = {{"seed": {seed}}}')
        (tmp_path / f"test_drop_sample_{seed}.py").write_text(text.replace("DropSample", f"DropSample{seed}"))
    result = run_pytest(tmp_path, "-k", RANDOM_TESTS, "-p", "no:randomly", timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "10 passed" in result.stdout, result.stdout[-500:]


# A loss added in call beside a regularized weight (as an activity regularizer adds one).
PENALIZED = """
import keras
from keras import ops

from layergen.testing import Input, LayerContract


@keras.saving.register_keras_serializable(package="demo")
class Penalized(keras.layers.Layer):
    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], 4), regularizer="l2")

    def call(self, inputs):
        outputs = ops.matmul(inputs, self.kernel)
        self.add_loss(0.01 * ops.mean(ops.square(outputs)))
        return outputs


class TestPenalized(LayerContract):
    layer_class = Penalized
    inputs = [Input("inputs", shape=(2, 3))]
    output_shape = (2, 4)
    trainable = ["kernel"]
    regularized = ["kernel"]
    call_losses = 1
"""
LOSS_TESTS = "losses or regularizers"


def test_losses_added_in_call_are_read_and_a_missing_one_fails(tmp_path):
    (tmp_path / "test_penalized.py").write_text(PENALIZED)
    result = run_pytest(tmp_path, "-k", LOSS_TESTS, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "2 passed" in result.stdout, result.stdout[-500:]
    # The same layer without its loss: the declared loss is missing.
    (tmp_path / "test_penalized.py").write_text(
        PENALIZED.replace("        self.add_loss(", "        0 and self.add_loss(")
    )
    result = run_pytest(tmp_path, "-k", LOSS_TESTS, timeout=600)
    assert result.returncode == 1, result.stdout[-3000:]
    assert "1 losses after a call, not 2" in result.stdout, result.stdout[-3000:]


PENALIZED_SPEC = """\
layer: PenalizedLinear
summary: A linear map that adds a penalty on its outputs' size in call.
arguments:
  units: {type: int, min: 1}
inputs:
  inputs:
    shape: [batch, input_dim]
weights:
  kernel:
    shape: [input_dim, units]
    regularizer: l2
call: |
  outputs = ops.matmul(inputs, self.kernel)
  self.add_loss(0.01 * ops.mean(ops.square(outputs)))
  return outputs
output_shape: [batch, units]
"""


def test_a_spec_whose_call_adds_a_loss_gets_a_test_that_expects_it(project):
    (project / "specs" / "penalized_linear.yaml").write_text(PENALIZED_SPEC)
    result = cli("new", "specs/penalized_linear.yaml")
    assert result.exit_code == 0, result.output
    assert "    call_losses = 1\n" in (project / "tests" / "test_penalized_linear.py").read_text()
    result = run_pytest(project, "tests", "-k", LOSS_TESTS, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "2 passed" in result.stdout, result.stdout[-500:]
