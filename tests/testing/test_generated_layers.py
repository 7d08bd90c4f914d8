"""The generated tests prove real behaviour: they pass on generated layers (for specs beyond
the examples too) and fail when a layer has one of the classic hand-written mistakes."""

import re

import pytest
from conftest import REPO, TEST_SPECS, cli, run_pytest


@pytest.fixture
def generated(project):
    """Generate specs into the temporary project; returns a function of spec paths."""

    def generate(*specs):
        result = cli("new", *specs)
        assert result.exit_code == 0, result.output
        return project

    return generate


@pytest.mark.parametrize("spec", TEST_SPECS, ids=lambda p: p.stem)
def test_generated_test_passes_for_extra_specs(generated, spec):
    folder = generated(spec)
    result = run_pytest(folder, "tests")
    assert result.returncode == 0, result.stdout[-6000:]
    assert re.search(r"\d+ passed", result.stdout)


# (spec, text in the generated layer, replacement, the test that must fail)
MUTATIONS = [
    pytest.param(
        "linear_layer",
        '@keras.saving.register_keras_serializable(package="demo")\n',
        "",
        "test_keras_file_loads_in_a_fresh_process_without_custom_objects",
        id="not-registered",
    ),
    pytest.param(
        "fixed_bias_linear",
        '                "bias_value": self.bias_value,\n',
        "",
        "test_config_is_json_and_rebuilds_an_identical_layer",
        id="get-config-forgets-an-argument",
    ),
    pytest.param(
        "running_mean_layer",
        '                "momentum": self.momentum,\n',
        '                "momentum": 0.9,\n',
        "test_config_is_json_and_rebuilds_an_identical_layer",
        id="get-config-hard-codes-a-default",
    ),
    pytest.param(
        "fixed_bias_linear",
        "            initializer=self.bias_initializer,\n            trainable=False,",
        "            initializer=self.bias_initializer,\n            trainable=True,",
        "test_training_updates_trainable_weights_only",
        id="frozen-weight-trains",
    ),
    pytest.param(
        "constant_weight_layer",
        "scale = ops.convert_to_tensor(self.scale, dtype=self.compute_dtype)",
        'scale = ops.convert_to_tensor(self.scale, dtype="float32")',
        "test_runs_under_mixed_float16",
        id="constant-ignores-dtype-policy",
    ),
    pytest.param(
        "running_mean_layer",
        "        if training:\n",
        "        if True:\n",
        "test_state_weights_update_in_training_and_not_in_inference",
        id="state-updates-in-inference",
    ),
    pytest.param(
        "linear_layer",
        "return ops.matmul(inputs, self.kernel) + self.bias",
        "return ops.matmul(inputs, self.kernel)",
        "test_gradients_reach_every_trainable_weight",
        id="weight-disconnected-from-output",
    ),
    pytest.param(
        "weight_offset_layer",
        '        self.offset = self.add_weight(\n            name="offset",',
        '        self.offset_backup = keras.ops.ones((input_dim,))\n        self.offset = self.add_weight(\n            name="offset",',
        None,
        id="harmless-edit-still-passes",
    ),
    pytest.param(
        "fixed_normalization",
        "        self.mean = np.asarray(mean).tolist()\n",
        "        self.mean = mean\n",
        "test_given_constants_are_plain_numbers_in_the_config_and_a_saved_model",
        id="given-constant-kept-as-an-array",
    ),
    pytest.param(
        "normalization_layer",
        "        if self.count:\n",
        "        if False:  # the last batch only\n",
        "TestNormalizationLayerWithoutMeanVariance::test_adapt_combines_batches_exactly",
        id="adapt-keeps-the-last-batch-only",
    ),
    pytest.param(
        "normalization_layer",
        "        if self.shape != tuple(weight.shape):\n",
        "        if False:  # data of any shape\n",
        "TestNormalizationLayerWithoutMeanVariance::test_adapt_refuses_data_of_an_incompatible_shape",
        id="adapt-takes-data-of-another-shape",
    ),
    pytest.param(
        "embedding_layer",
        "            initializer=(\n                self.pretrained_embeddings\n                if self.pretrained_embeddings is not None\n                else self.embeddings_initializer\n            ),",
        "            initializer=self.embeddings_initializer,",
        "test_frozen_weights_start_from_the_given_arrays",
        id="pretrained-values-ignored",
    ),
    pytest.param(
        "transformer_encoder_block",
        'units=self.ff_dim, activation="relu", dtype=self.dtype_policy, name="hidden"',
        'units=self.ff_dim, activation="relu", name="hidden"',
        "test_runs_under_mixed_float16",
        id="sublayer-ignores-dtype-policy",
    ),
    pytest.param(
        "transformer_encoder_block",
        "        self.hidden.build(input_shape)\n",
        "",
        "test_build_builds_the_sublayers_and_their_weights_are_the_layers",
        id="sublayer-built-only-on-call",
    ),
    pytest.param(
        "masked_mean_pooling",
        "        if mask is None:\n",
        "        if True:\n",
        "test_the_input_mask_reaches_call",
        id="mask-ignored",
    ),
    pytest.param(
        "masked_mean_pooling",
        "        return None\n",
        "        return mask\n",
        "test_the_output_mask_is_the_declared_one",
        id="mask-passed-on-after-pooling",
    ),
    # -- issue 8a --
    pytest.param(
        "dense_layer",
        "        if self.use_bias:\n",
        "        if True:\n",
        "TestDenseLayerWithoutBias::test_weights_have_the_declared_roles",
        id="optional-weight-made-always",
    ),
    pytest.param(
        "dense_layer",
        'for name in ["kernel", "bias"]',
        'for name in ["kernel"]',
        "test_save_weights_round_trip",
        id="own-weight-not-saved",
    ),
    pytest.param(
        "bucketize",
        'return keras.KerasTensor(shape, dtype="int32")',
        "return keras.KerasTensor(shape, dtype=self.compute_dtype)",
        "test_symbolic_output_shape_and_a_traced_call_at_another_batch_size",
        id="integer-output-spec-says-float",
    ),
    pytest.param(
        "gaussian_noise_layer",
        "seed=self.seed_generator",
        "seed=1",
        "test_random_in_training_and_deterministic_in_inference",
        id="integer-seed-repeats-the-noise",
    ),
    # -- issue 18 --
    pytest.param(
        "gru_cell",
        "        return h, [h]\n",
        "        return h, h\n",
        "TestGRUCell::test_cell_inside_keras_rnn_is_a_loop_over_its_steps",
        id="cell-returns-its-state-bare",
    ),
    pytest.param(
        "gru_cell",
        "return [ops.zeros((batch_size, self.state_size)",
        "return [ops.ones((batch_size, self.state_size)",
        "TestGRUCell::test_cell_inside_keras_rnn_is_a_loop_over_its_steps",
        id="cell-starts-from-another-state",
    ),
    pytest.param(
        "lstm_cell",
        "ops.zeros((batch_size, size)",
        "ops.ones((batch_size, size)",
        "TestLSTMCell::test_cell_inside_keras_rnn_is_a_loop_over_its_steps",
        id="cell-starts-from-other-states",
    ),
    pytest.param(
        "lstm_cell",
        "        return h, [h, c]\n",
        "        return h, [h, c, c]\n",
        "TestLSTMCell::test_cell_inside_keras_rnn_starts_from_the_initial_states_given",
        id="cell-returns-another-number-of-states",
    ),
    pytest.param(
        "lstm_cell",
        "            if self.unit_forget_bias:\n",
        "            if True:\n",
        "TestLSTMCell::test_weights_made_in_parts_take_each_part_from_its_initializer",
        id="parts-whatever-their-condition-says",
    ),
    pytest.param(
        "lstm_cell",
        "self.bias_initializer((self.units,), dtype=dtype),\n                            keras.initializers.Ones()",
        "keras.initializers.Ones()((self.units,), dtype=dtype),\n                            self.bias_initializer",
        "TestLSTMCell::test_weights_made_in_parts_take_each_part_from_its_initializer",
        id="parts-in-the-wrong-order",
    ),
    pytest.param(
        "lstm_cell",
        "            self.bias = self.add_weight(\n",
        "            self.bias_initializer = bias_initializer\n            self.bias = self.add_weight(\n",
        "TestLSTMCell::test_weights_made_in_parts_take_each_part_from_its_initializer",
        id="parts-replace-the-initializer-the-config-saves",
    ),
    pytest.param(
        "transformer_encoder",
        "        self.output_dense.build((input_shape[0], sequence, self.intermediate_dim))\n",
        "",
        "test_build_builds_the_sublayers_and_their_weights_are_the_layers",
        id="sublayer-made-in-build-not-built",
    ),
    pytest.param(
        "noisy_dense",
        "keras.random.SeedGenerator(seed)",
        "keras.random.SeedGenerator()",
        "test_a_seed_reproduces_a_fresh_layers_random_sequence",
        id="seed-never-reaches-the-generator-of-a-layer-with-weights",
    ),
]


@pytest.mark.parametrize(("spec", "old", "new", "failing_test"), MUTATIONS)
def test_generated_test_catches_the_mistake(generated, spec, old, new, failing_test):
    folder = generated(REPO / "specs" / "examples" / f"{spec}.yaml")
    layer = folder / "layers" / f"{spec}.py"
    code = layer.read_text()
    assert code.count(old) == 1, f"the mutation no longer applies to {spec}.py"
    layer.write_text(code.replace(old, new))
    result = run_pytest(folder, "tests", "-rf")
    if failing_test is None:
        assert result.returncode == 0, result.stdout[-6000:]
    else:
        assert result.returncode == 1, result.stdout[-6000:]
        test_class = "Test" + "".join(word.capitalize() for word in spec.split("_"))
        if "::" not in failing_test:  # else it names the class too: a subclass for a gate setting
            failing_test = f"{test_class}::{failing_test}"
        assert f"FAILED tests/test_{spec}.py::{failing_test}" in result.stdout, result.stdout[-6000:]
