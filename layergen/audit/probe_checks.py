"""Which of the layer contract's tests `audit` runs on a hand-written class, and how a failure
of each reads as a finding: its check name, the mistake in a Keras user's words, the fix, and
the part of the class it points at (`at`: a method; `weight`: an `add_weight` call).

Imports nothing: the probe uses it in the fresh process, and tests use it directly.
"""

from __future__ import annotations

import re

# The contract tests that say something about a hand-written layer, in the order they run.
# Left out: the ones that need declarations a class does not make (masks, invalid arguments,
# randomness, layouts) and the distribution tests (a second process of their own).
CHECKED_TESTS = (
    "test_output_shape_matches_spec_and_compute_output_shape",
    "test_symbolic_output_shape_and_a_traced_call_at_another_batch_size",
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
    "test_keras_file_loads_in_a_fresh_process_without_custom_objects",
    # An RNN cell's (a layer with `state_size`): the cell inside keras.layers.RNN.
    "test_cell_inside_keras_rnn_is_a_loop_over_its_steps",
    "test_cell_inside_keras_rnn_starts_from_the_initial_states_given",
    "test_cell_inside_keras_rnn_trains_saves_and_loads",
)

_MAX = 240


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX else text[: _MAX - 3] + "..."


# (a pattern the test's name matches, check name, "what is wrong ({first}); how to fix it", where:
# the part of the class it points at, or None for the weight the failure names), tried in order.
_FAILURES: tuple[tuple[str, str, str, dict[str, str] | None], ...] = (
    (
        "test_output_shape",
        "output-shape",
        "compute_output_shape does not agree with what call returns ({first}); make it return call's shape",
        {"at": "compute_output_shape"},
    ),
    (
        "test_symbolic",
        "symbolic-call",
        "call fails or changes shape on symbolic inputs or at another batch size ({first}); do not size "
        "anything from the batch or with Python arithmetic on `x.shape[0]` (None when traced)",
        {"at": "call"},
    ),
    (
        "test_state_weights",
        "state-weight",
        "a non-trainable weight changes in inference too ({first}); update it only `if training:`",
        None,
    ),
    (
        "test_gradients",
        "no-gradient",
        "no gradient of the output reaches a trainable weight ({first}); use it in call through Keras ops, not "
        "NumPy or stop_gradient",
        None,
    ),
    ("test_regularizers", "regularizer", "a weight's regularizer adds no loss ({first}); pass it to add_weight", None),
    (
        "test_save_weights_round_trip$",
        "save-weights",
        "save_weights/load_weights does not restore every weight ({first}); make every weight with "
        "self.add_weight in build",
        {"at": "build"},
    ),
    (
        "test_runs_compiled_with_xla$",
        "xla",
        "the layer does not run compiled with XLA ({first}); use Keras ops in call",
        {"at": "call"},
    ),
    (
        "test_runs_under_mixed_float16$",
        "mixed-precision",
        "wrong under dtype='mixed_float16' ({first}); make tensors in call with dtype=self.compute_dtype, not "
        "a fixed float32",
        {"at": "call"},
    ),
    (
        "test_cell_inside_keras_rnn",
        "rnn-cell",
        "the cell does not work inside keras.layers.RNN ({first}); give it `state_size` (an int, or a list with "
        "one size per state), take `call(inputs, states)` with `states` a list, return `(output, [new states])` "
        "with one state per size, and build it from one step's shape",
        {"at": "call"},
    ),
    (
        "test_build_builds|test_sublayers_train$",
        "sublayer",
        "a sub-layer is not built by build, not tracked or not trained ({first}); create it in __init__ with "
        "dtype=self.dtype_policy and build it in build",
        {"at": "build"},
    ),
)


# Keras wraps an error raised in a layer's call in a line of its own, the cause on a later line.
_KERAS_WRAPPER = re.compile(r"^(\w+: )?Exception encountered when calling ([\w.]+\(\))\.$")
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _first_line(text: str) -> str:
    """The failure's first line; for an error Keras wrapped, its cause, and where."""
    lines = [_ANSI.sub("", line).strip() for line in text.splitlines()]
    first = lines[0] if lines else ""
    wrapped = _KERAS_WRAPPER.match(first)
    cause = next((line for line in lines[1:] if line), None)
    if wrapped is None or cause is None:
        return first
    return f"{wrapped.group(1) or ''}{cause} (in {wrapped.group(2)})"


def describe_failure(test: str, text: str, contract: object) -> tuple[str, str, dict[str, str]]:
    """(check name, "what is wrong; how to fix it", where) for `test` failing with `text`."""
    first = _short(_first_line(text))
    weight = re.search(r"weight '?\"?([\w/]+)", text)
    named = {"weight": weight.group(1)} if weight else {}
    if test == "test_training_updates_trainable_weights_only":
        if "did not learn" in text or "no gradient" in text:
            return (
                "weight-does-not-train",
                f"training does not change a trainable weight ({first}); use the weight in call through Keras ops, "
                "or make it `trainable=False` if it is fixed",
                named,
            )
        return ("frozen-weight-changes", f"training changes a weight it must not change ({first})", named)
    if test.startswith("test_config"):
        return _config_failure(text, first)
    for pattern, check, message, where in _FAILURES:
        if re.match(pattern, test):
            return check, message.format(first=first), named if where is None else where
    return (
        "keras-file",
        f"a model saved with model.save does not load in a fresh process without custom_objects ({first}); "
        "register the class with @keras.saving.register_keras_serializable and give from_config what it needs",
        {"at": "class"},
    )


def _config_failure(text: str, first: str) -> tuple[str, str, dict[str, str]]:
    where = {"at": "get_config"}
    missing = re.search(r"get_config misses \[([^\]]*)\]", text)
    if missing:
        names = missing.group(1).replace("'", "")
        return (
            "config-missing-argument",
            f"get_config leaves out {names}: a layer rebuilt from its config gets the default instead; add them",
            where,
        )
    if "not JSON serializable" in text or "is not JSON" in text:
        return (
            "config-not-json",
            f"get_config holds a value that is not JSON ({first}); save plain Python numbers and lists "
            "(`.tolist()`), not NumPy arrays or tensors",
            where,
        )
    return (
        "config",
        f"the layer does not rebuild identically from its config ({first}); get_config must hold every "
        "argument as given, and __init__ must accept what get_config returns",
        where,
    )
