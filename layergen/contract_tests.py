"""The names of the layer contract's tests (`layergen.testing.LayerContract`), so that
generating can check a spec's `test.skip` without importing pytest or Keras.

tests/testing/test_contract.py fails when this list and the contract's tests disagree.
"""

CONTRACT_TESTS = (
    "test_output_shape_matches_spec_and_compute_output_shape",
    "test_symbolic_output_shape_and_a_traced_call_at_another_batch_size",
    "test_weights_have_the_declared_roles",
    "test_training_updates_trainable_weights_only",
    "test_state_weights_update_in_training_and_not_in_inference",
    "test_gradients_reach_every_trainable_weight",
    "test_regularizers_add_their_losses",
    "test_config_is_json_and_rebuilds_an_identical_layer",
    "test_save_weights_round_trip",
    "test_runs_compiled_with_xla",
    "test_runs_under_mixed_float16",
    "test_build_builds_the_sublayers_and_their_weights_are_the_layers",
    "test_sublayers_train",
    "test_the_input_mask_reaches_call",
    "test_the_output_mask_is_the_declared_one",
    "test_frozen_weights_start_from_the_given_arrays",
    "test_given_constants_are_plain_numbers_in_the_config_and_a_saved_model",
    "test_invalid_arguments_are_refused",
    "test_trains_and_predicts_under_data_parallel",
    "test_weights_are_sharded_as_declared_under_model_parallel",
    "test_random_in_training_and_deterministic_in_inference",
    "test_a_seed_reproduces_a_fresh_layers_random_sequence",
    "test_random_training_runs_traced_and_advances_the_seed",
    "test_cell_inside_keras_rnn_is_a_loop_over_its_steps",
    "test_cell_inside_keras_rnn_starts_from_the_initial_states_given",
    "test_cell_inside_keras_rnn_trains_saves_and_loads",
    "test_losses_added_in_call_are_counted_once_and_reach_the_training_loss",
    "test_call_arguments_change_the_output_and_a_saved_model_keeps_them",
    "test_weights_have_the_shapes_their_conditions_choose",
    "test_the_output_shape_follows_the_call_arguments",
    "test_weights_made_in_parts_take_each_part_from_its_initializer",
    "test_adapt_sets_the_statistics_of_the_data",
    "test_adapt_combines_batches_exactly",
    "test_adapt_refuses_data_of_an_incompatible_shape",
    "test_keras_file_loads_in_a_fresh_process_without_custom_objects",
)
