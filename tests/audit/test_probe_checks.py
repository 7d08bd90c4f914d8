"""How a failed contract test reads as a finding (`audit.probe_checks.describe_failure`)."""

import pytest

from layergen.audit.probe_checks import CHECKED_TESTS, describe_failure

EXPECTED = {
    "test_output_shape_matches_spec_and_compute_output_shape": ("output-shape", {"at": "compute_output_shape"}),
    "test_symbolic_output_shape_and_a_traced_call_at_another_batch_size": ("symbolic-call", {"at": "call"}),
    "test_training_updates_trainable_weights_only": ("frozen-weight-changes", {"weight": "kernel"}),
    "test_state_weights_update_in_training_and_not_in_inference": ("state-weight", {"weight": "kernel"}),
    "test_gradients_reach_every_trainable_weight": ("no-gradient", {"weight": "kernel"}),
    "test_regularizers_add_their_losses": ("regularizer", {"weight": "kernel"}),
    "test_config_is_json_and_rebuilds_an_identical_layer": ("config", {"at": "get_config"}),
    "test_save_weights_round_trip": ("save-weights", {"at": "build"}),
    "test_runs_compiled_with_xla": ("xla", {"at": "call"}),
    "test_runs_under_mixed_float16": ("mixed-precision", {"at": "call"}),
    "test_build_builds_the_sublayers_and_their_weights_are_the_layers": ("sublayer", {"at": "build"}),
    "test_sublayers_train": ("sublayer", {"at": "build"}),
    "test_keras_file_loads_in_a_fresh_process_without_custom_objects": ("keras-file", {"at": "class"}),
    "test_cell_inside_keras_rnn_is_a_loop_over_its_steps": ("rnn-cell", {"at": "call"}),
    "test_cell_inside_keras_rnn_starts_from_the_initial_states_given": ("rnn-cell", {"at": "call"}),
    "test_cell_inside_keras_rnn_trains_saves_and_loads": ("rnn-cell", {"at": "call"}),
}


@pytest.mark.parametrize("test", CHECKED_TESTS)
def test_each_checked_test_has_its_finding(test):
    check, message, where = describe_failure(test, "AssertionError: weight 'kernel' differs\nmore", None)
    assert (check, where) == EXPECTED[test]
    assert "(AssertionError: weight 'kernel' differs)" in message


def test_a_weight_that_does_not_learn_and_a_config_that_misses_arguments():
    check, _, where = describe_failure(
        "test_training_updates_trainable_weights_only", "weight bias did not learn", None
    )
    assert (check, where) == ("weight-does-not-train", {"weight": "bias"})
    check, message, _ = describe_failure(
        "test_config_is_json_and_rebuilds_an_identical_layer", "get_config misses ['units']", None
    )
    assert check == "config-missing-argument" and "get_config leaves out units" in message


def test_a_long_failure_is_cut_to_one_short_line():
    _, message, _ = describe_failure("test_runs_compiled_with_xla", "x" * 1000, None)
    assert "x" * 237 + "..." in message and "x" * 238 not in message


def test_an_error_keras_wrapped_reads_as_its_cause():
    text = (
        "ValueError: Exception encountered when calling RNN.call().\n\n\x1b[1mToo few leaves for PyTreeSpec; "
        "expected: 2, got: 1.\x1b[0m\n\nArguments received by RNN.call():\n  • sequences=..."
    )
    check, message, _ = describe_failure("test_cell_inside_keras_rnn_is_a_loop_over_its_steps", text, None)
    assert check == "rnn-cell"
    assert "(ValueError: Too few leaves for PyTreeSpec; expected: 2, got: 1. (in RNN.call()));" in message
