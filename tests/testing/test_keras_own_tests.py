"""Keras's own test file for a built-in, run against the generated example that stands for it.

Each `KerasTests` row names a Keras test file (as shipped in the installed keras wheel), the
built-in it tests, the generated class put in its place, the tests in scope and, for every
other test of the file, a one-line reason it is left out. The Keras test module is loaded
fresh, its `layers` name is replaced by a view of `keras.src.layers` in which the built-in is
the generated class, and each in-scope test runs unchanged (no Keras assertion is edited).
A test added to the file by a Keras upgrade fails `test_every_keras_test_is_accounted_for`
until it is put in scope or given a reason.
"""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys
import types
import unittest
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pytest

keras = pytest.importorskip("keras")

QUANTIZATION = "quantization: machinery outside a spec"
LORA = "LoRA: machinery outside a spec"
SPARSE = "sparse/ragged inputs: machinery outside a spec"
RENORM = "batch renormalization (renorm, renorm_clipping, renorm_momentum): not part of this example"
UNTIED = "tie_weights: the example's weights are always tied (a separate reverse matrix is left out)"
BROADCAST_MEAN = (
    "reads `layer.mean`, Keras's internal tensor broadcast to the input's rank, where the generated layer "
    "keeps the constant as given (None when adapted)"
)
OTHER_BUILTIN = "another built-in of the file (2D/3D pooling), not the one this example stands for"


@dataclass(frozen=True)
class KerasTests:
    """One built-in's Keras test file and the generated class that replaces the built-in."""

    keras_file: str  # relative to keras/src/layers
    test_case: str  # the TestCase class in that file
    builtin: str  # the name the file uses: `layers.<builtin>`, or `<module>.<Class>` (`relu.ReLU`)
    generated: str  # "module:Class" of the generated example
    in_scope: tuple[str, ...]
    left_out: dict[str, str] = field(default_factory=dict)  # test name prefix -> reason


EXAMPLES = [
    KerasTests(
        "core/dense_test.py",
        "DenseTest",
        "Dense",
        "examples.layers.dense_layer:DenseLayer",
        in_scope=(
            "test_dense_basics",
            "test_dense_invalid_units_raises",
            "test_dense_correctness",
            "test_dense_errors",
            "test_dense_no_activation",
            "test_dense_without_activation_set",
            "test_dense_with_activation",
            "test_dense_constraints",
        ),
        left_out={
            "test_dense_sparse": SPARSE,
            "test_dense_quantize_config": QUANTIZATION,
            "test_enable_lora": LORA,
            "test_lora_": LORA,
            "test_quantize": QUANTIZATION,
            "test_gptq_": QUANTIZATION,
            "test_awq_": QUANTIZATION,
            "test_int4_": QUANTIZATION,
            "test_int8_": QUANTIZATION,
            "test_dense_int": QUANTIZATION,
            "test_legacy_load_own_variables": "quantized weights saved by an older Keras: quantization",
        },
    ),
    KerasTests(
        "regularization/dropout_test.py",
        "DropoutTest",
        "Dropout",
        "examples.layers.dropout_layer:DropoutLayer",
        in_scope=(
            "test_dropout_basics",
            "test_dropout_rescaling",
            "test_dropout_partial_noise_shape_dynamic",
            "test_dropout_partial_noise_shape_static",
            "test_dropout_negative_rate",
            "test_dropout_rate_greater_than_one",
            "test_validate_noise_shape_none",
            "test_validate_noise_shape_integer_tuple",
            "test_validate_noise_shape_none_values",
            "test_validate_noise_shape_cast_to_a_tuple",
            "test_validate_noise_shape_non_iterable",
            "test_validate_noise_shape_invalid_type",
            "test_validate_noise_shape_negative_value",
            "test_validate_noise_shape_zero_value",
        ),
    ),
    KerasTests(
        "core/embedding_test.py",
        "EmbeddingTest",
        "Embedding",
        "examples.layers.token_embedding:TokenEmbedding",
        in_scope=(
            "test_embedding_basics",
            "test_correctness",
            "test_masking",
            "test_compute_mask_no_masking",
            "test_embedding_constraints",
            "test_invalid_input_dim",
            "test_invalid_output_dim",
        ),
        left_out={
            "test_sparse": SPARSE,
            "test_ragged": SPARSE,
            "test_correctness_sparse": SPARSE,
            "test_weights_constructor_arg": "`weights=` is a keras.layers.Layer attribute, a name no spec may give "
            "an argument (initial values are an `array` argument's)",
            "test_embedding_quantize_config": QUANTIZATION,
            "test_enable_lora": LORA,
            "test_lora_": LORA,
            "test_quantize": QUANTIZATION,
            "test_int4_": QUANTIZATION,
            "test_embedding_int8_": QUANTIZATION,
            "test_legacy_load_own_variables": "quantized weights saved by an older Keras: quantization",
        },
    ),
    KerasTests(
        "normalization/layer_normalization_test.py",
        "LayerNormalizationTest",
        "LayerNormalization",
        "examples.layers.layer_normalization_layer:LayerNormalizationLayer",
        in_scope=(
            "test_ln_basics",
            "test_invalid_axis",
            "test_correctness",
            "test_output",
            "test_output_with_rms_scaling",
            "test_large_value_within_autocast_scope",
            "test_unsorted_axis",
        ),
    ),
    KerasTests(
        "normalization/batch_normalization_test.py",
        "BatchNormalizationTest",
        "BatchNormalization",
        "examples.layers.batch_normalization_layer:BatchNormalizationLayer",
        in_scope=(
            "test_bn_basics",
            "test_correctness",
            "test_input_fully_masked",
            "test_bachnorm_ignore_masked_values",
            "test_trainable_behavior",
            "test_large_value_within_autocast_scope",
            "test_masked_broadcast_normalization",
        ),
        left_out={
            "test_renorm": RENORM,
            "test_serialization": "a config round trip with renorm's arguments: " + RENORM,
        },
    ),
    *(
        KerasTests(
            "pooling/global_average_pooling_test.py",
            test_case,
            "GlobalAveragePooling1D",
            "examples.layers.global_average_pooling:GlobalAveragePooling",
            in_scope=("test_global_average_pooling1d",),
            left_out={"test_global_average_pooling2d": OTHER_BUILTIN, "test_global_average_pooling3d": OTHER_BUILTIN},
        )
        for test_case in ("GlobalAveragePoolingBasicTest", "GlobalAveragePoolingCorrectnessTest")
    ),
    KerasTests(
        "core/reversible_embedding_test.py",
        "ReversibleEmbeddingTest",
        "ReversibleEmbedding",
        "examples.layers.reversible_embedding:ReversibleEmbedding",
        in_scope=("test_correctness",),
        left_out={
            "test_reversible_embedding_basics": UNTIED,
            "test_saving": UNTIED,
            "test_reverse_dtype": "reverse_dtype: left out of this example (the reverse projection's own dtype)",
            "test_masking": "mask_zero: left out of this example (EmbeddingLayer shows masking that follows it)",
            "test_reversible_embedding_quantize": QUANTIZATION,
            "test_reversible_embedding_int8": QUANTIZATION,
            "test_quantize": QUANTIZATION,
            "test_int4_": QUANTIZATION,
        },
    ),
    KerasTests(
        "preprocessing/normalization_test.py",
        "NormalizationTest",
        "Normalization",
        "examples.layers.normalization_layer:NormalizationLayer",
        in_scope=(
            "test_normalization_basics",
            "test_normalization_adapt",
            "test_normalization_adapt_with_incompatible_shape",
            "test_normalization_with_scalar_mean_var",
            "test_normalization_with_mean_only_raises_error",
            "test_normalization_with_variance_only_raises_error",
            "test_adapt_list_of_batches",
            "test_adapt_generator",
            "test_adapt_iterable_same_result_as_ndarray",
            "test_adapt_iterable_with_tuples",
            "test_adapt_empty_iterable_raises",
            "test_adapt_empty_generator_raises",
            "test_adapt_iterable_incompatible_shape_raises",
            "test_adapt_iterable_batch_without_shape_raises",
            "test_adapt_iterable_single_batch",
            "test_adapt_iterable_high_dim_axis_tuple",
            "test_adapt_iterator_of_batches",
            "test_call_on_meta_device_after_built",
        ),
        left_out={
            "test_normalization_axis_too_": "an `axis` out of the input's range: `axes` weights take it modulo the "
            "rank (as LayerNormalizationLayer does), where Normalization raises in build",
            "test_normalization_unknown_axis_shape": "Keras's own message for a kept axis of unknown size (the "
            "generated layer gets Keras's add_weight error for it)",
            "test_adapt_iterable_axis_none": "`axis=None`: an `axes` argument is an int or a list, never None",
            "test_broadcast_": BROADCAST_MEAN,
            "test_scalar_broadcast": BROADCAST_MEAN,
            "test_adapt_tf_dataset_with_labels": BROADCAST_MEAN,
            "test_tf_data_compatibility": "the layer called inside a tf.data graph on any backend: Keras's "
            "DataLayer machinery, outside a spec",
            "test_adapt_pydataset_compat": "builds `keras.layers.Normalization` by its public name, not the file's "
            "`layers`: it tests the built-in (the contract's adapt tests read a PyDataset)",
            "test_adapt_grain_dataset": "grain is not installed (pytest.importorskip, which this unittest runner "
            "reports as an error)",
        },
    ),
    KerasTests(
        "activations/relu_test.py",
        "ReLUTest",
        "relu.ReLU",
        "examples.layers.relu_layer:ReluLayer",
        in_scope=(
            "test_relu",
            "test_normal_relu_correctness",
            "test_leaky_relu_correctness",
            "test_threshold_relu_correctness",
            "test_invalid_usage",
            "test_get_config",
            "test_get_config_default_params",
            "test_from_config",
            "test_compute_output_shape",
            "test_default_relu_no_args",
            "test_relu_none_max_value_is_unlimited",
            "test_relu_all_zeros_input",
            "test_relu_multidimensional_input",
            "test_negative_slope_none_raises",
            "test_threshold_none_raises",
        ),
    ),
    KerasTests(
        "activations/softmax_test.py",
        "SoftmaxTest",
        "softmax.Softmax",
        "examples.layers.softmax_layer:SoftmaxLayer",
        in_scope=(
            "test_softmax",
            "test_softmax_correctness",
            "test_softmax_correctness_with_mask",
            "test_softmax_correctness_with_axis",
            "test_softmax_masked_values_are_zero_including_fully_masked",
            "test_softmax_mask_broadcastable",
            "test_softmax_mask_broadcastable_fewer_dims",
            "test_softmax_mask_shape_mismatch",
            "test_softmax_mask_too_many_dims",
        ),
    ),
    KerasTests(
        "regularization/activity_regularization_test.py",
        "ActivityRegularizationTest",
        "ActivityRegularization",
        "examples.layers.activity_regularization_layer:ActivityRegularizationLayer",
        in_scope=("test_correctness", "test_activity_regularization_basics"),
    ),
    KerasTests(
        "reshaping/up_sampling1d_test.py",
        "UpSamplingTest",
        "UpSampling1D",
        "examples.layers.up_sampling1d_layer:UpSampling1DLayer",
        in_scope=(
            "test_upsampling_1d",
            "test_upsampling_1d_correctness",
            "test_upsampling_1d_correctness_with_ones",
            "test_upsampling_1d_with_dynamic_batch_size",
            "test_upsampling_1d_with_dynamic_shape",
            "test_upsampling_1d_with_invalid_size",
        ),
    ),
    KerasTests(
        "reshaping/zero_padding1d_test.py",
        "ZeroPadding1DTest",
        "ZeroPadding1D",
        "examples.layers.zero_padding1d_layer:ZeroPadding1DLayer",
        in_scope=(
            "test_zero_padding_1d",
            "test_zero_padding_1d_with_same_padding",
            "test_zero_padding_1d_with_dynamic_spatial_dim",
            "test_zero_padding_1d_errors_if_padding_argument_invalid",
            "test_zero_padding_1d_get_config",
        ),
    ),
    *(
        KerasTests(
            "pooling/max_pooling_test.py",
            test_case,
            "MaxPooling1D",
            "examples.layers.max_pooling1d_layer:MaxPooling1DLayer",
            in_scope=("test_max_pooling1d",),
            left_out={"test_max_pooling2d": OTHER_BUILTIN, "test_max_pooling3d": OTHER_BUILTIN},
        )
        for test_case in ("MaxPoolingBasicTest", "MaxPoolingCorrectnessTest")
    ),
]


def _keras_layers_dir() -> Path:
    return Path(inspect.getfile(keras)).parent / "src" / "layers"


def _test_case(row: KerasTests) -> type:
    return _load_test_case(row.keras_file, row.test_case, row.builtin, row.generated)


@cache
def _load_test_case(keras_file: str, test_case: str, builtin: str, generated: str) -> type:
    """A Keras TestCase, loaded as a fresh module that sees the generated class."""
    path = _keras_layers_dir() / keras_file
    module_name = f"_keras_own_{builtin.lower().replace('.', '_')}_{test_case.lower()}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec is not None and spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    # The file reaches the built-in as `layers.<Class>` or, where it imports the built-in's
    # own module (`from keras.src.layers.activations import relu`), as `relu.<Class>`.
    holder_name, _, class_attribute = builtin.rpartition(".")
    holder_name = holder_name or "layers"
    holder = getattr(module, holder_name)
    # A view of that module in which the built-in is the generated class; the real module
    # is left alone, so nothing else in the session sees the substitution.
    view = types.ModuleType(f"{holder.__name__}_with_{class_attribute}")
    view.__dict__.update(vars(holder))
    module_path, class_name = generated.split(":")
    setattr(view, class_attribute, getattr(importlib.import_module(module_path), class_name))
    setattr(module, holder_name, view)
    return getattr(module, test_case)


def _test_names(row: KerasTests) -> list[str]:
    """Every test method of the row's TestCase (parameterized ones under their own names)."""
    return sorted(unittest.TestLoader().getTestCaseNames(_test_case(row)))


def _reason_left_out(row: KerasTests, name: str) -> str | None:
    for prefix, reason in row.left_out.items():
        if name.startswith(prefix):
            return reason
    return None


def _is_case_of(name: str, test: str) -> bool:
    """Whether a method is the test or one of absl's parameterized cases of it
    (`<test>_<case name>`, or `<test><index>` for unnamed parameters)."""
    rest = name[len(test) :] if name.startswith(test) else None
    return rest is not None and (rest == "" or rest.startswith("_") or rest.isdigit())


def _owner(row: KerasTests, name: str) -> str | None:
    """The in-scope test a method runs under: the longest one it is a case of, so that
    `test_relu_all_zeros_input` runs once, as itself, and not again as a case of `test_relu`."""
    owners = [test for test in row.in_scope if _is_case_of(name, test)]
    return max(owners, key=len) if owners else None


def _in_scope(row: KerasTests, name: str) -> bool:
    """Whether a test method is in scope: named in `in_scope`, or one of its parameterized
    cases that no `left_out` prefix claims (`test_correctness_sparse`)."""
    if name in row.in_scope:
        return True
    return _reason_left_out(row, name) is None and any(_is_case_of(name, test) for test in row.in_scope)


CASES = [pytest.param(row, test, id=f"{row.builtin}-{test}") for row in EXAMPLES for test in row.in_scope]


@pytest.mark.parametrize("row", EXAMPLES, ids=[row.test_case for row in EXAMPLES])
def test_every_keras_test_is_accounted_for(row):
    names = _test_names(row)
    unaccounted = [n for n in names if not _in_scope(row, n) and _reason_left_out(row, n) is None]
    assert not unaccounted, f"Keras tests neither in scope nor left out with a reason: {unaccounted}"
    both = [n for n in names if _in_scope(row, n) and _reason_left_out(row, n) is not None]
    assert not both, f"Keras tests both in scope and left out: {both}"
    missing = [t for t in row.in_scope if not any(_in_scope(row, n) and _owner(row, n) == t for n in names)]
    assert not missing, f"in-scope tests the Keras file does not have: {missing}"


@pytest.mark.parametrize(("row", "test"), CASES)
def test_keras_own_test_passes_on_the_generated_class(row, test):
    test_case = _test_case(row)
    names = [n for n in _test_names(row) if _in_scope(row, n) and _owner(row, n) == test]
    assert names, f"{row.keras_file} has no test {test}"
    marked = [_skip_mark(getattr(test_case, name)) for name in names]
    if all(marked):  # pytest's skipif marks, which unittest does not read
        pytest.skip("; ".join(str(reason) for reason in marked))
    suite = unittest.TestSuite(test_case(name) for name in names)
    result = unittest.TestResult()
    suite.run(result)
    problems = [f"{case.id()}:\n{trace}" for case, trace in result.failures + result.errors]
    assert not problems, "\n".join(problems)
    skipped = [f"{case.id()}: {why}" for case, why in result.skipped]
    if skipped and len(skipped) == len(names):
        pytest.skip("; ".join(skipped))


def _skip_mark(method: object) -> str | None:
    """The reason of a `pytest.mark.skipif` on a Keras test whose condition holds (Keras
    marks a PyTorch-only test so), else None."""
    for mark in getattr(method, "pytestmark", []):
        if mark.name == "skipif" and mark.args and mark.args[0]:
            return str(mark.kwargs.get("reason", "skipped by its own skipif mark"))
    return None
