"""The contract's core tests, which apply to every layer: output shapes and dtypes, weight roles,
training and gradients, regularizers, the config, saved weights, XLA and mixed precision.
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Sequence
from pathlib import Path

from layergen.testing.base import ContractBase, applies_if
from layergen.testing.values import (
    Array,
    Tensor,
    as_list,
    assert_same_outputs,
    dtype_of,
    keras,
    model_inputs,
    np,
    numpy_outputs,
    random_array,
    same_config_value,
    to_numpy,
)


class CoreTests(ContractBase):
    """The tests every layer gets (some only when it has what they test: state, regularizers, ...)."""

    def test_output_shape_matches_spec_and_compute_output_shape(self) -> None:
        layer = self.make_layer()
        inputs = self.make_inputs()
        outputs = as_list(layer(*self.call_args(inputs)))
        expected = self.expected_outputs()
        assert len(outputs) == len(expected), f"call returns {len(outputs)} outputs, not {len(expected)}"
        for output, spec in zip(outputs, expected, strict=True):
            assert tuple(output.shape) == spec.shape, spec.name
            assert dtype_of(output) == (spec.dtype or layer.compute_dtype), spec.name
        shapes = self.output_shapes(layer.compute_output_shape(*self.call_args([x.shape for x in inputs])))
        assert shapes == [spec.shape for spec in expected]

    def test_symbolic_output_shape_and_a_traced_call_at_another_batch_size(self) -> None:
        layer = self.make_layer()
        inputs = [keras.Input(shape=item.shape[1:], dtype=item.dtype) for item in self.inputs]
        outputs = layer(*self.call_args(inputs))
        expected = self.expected_outputs()
        for output, spec in zip(as_list(outputs), expected, strict=True):
            assert tuple(output.shape) == (None, *spec.shape[1:]), spec.name
            assert dtype_of(output) == (spec.dtype or layer.compute_dtype), spec.name
        shapes = self.output_shapes(layer.compute_output_shape(*self.call_args([tuple(x.shape) for x in inputs])))
        assert shapes == [(None, *spec.shape[1:]) for spec in expected]
        # predict_on_batch traces `call` and runs it on one more row. TensorFlow traces the
        # first batch size as given and, at a second one, traces again with the batch size unknown.
        model = keras.Model(model_inputs(inputs), outputs)
        arrays = self.make_inputs()
        batches = [[np.concatenate([x, x[:1]]) for x in arrays]]
        if keras.backend.backend() == "tensorflow":
            batches.insert(0, arrays)
        for rows in batches:
            predicted = as_list(model.predict_on_batch(model_inputs(rows)))
            for output, spec in zip(predicted, expected, strict=True):
                assert output.shape == (len(rows[0]), *spec.shape[1:]), spec.name

    def test_weights_have_the_declared_roles(self) -> None:
        layer = self.make_layer()
        layer(*self.call_args(self.make_inputs()))
        own = {id(w) for w in self.own_weights(layer)}
        assert [w.name for w in layer.trainable_weights if id(w) in own] == list(self.trainable)
        assert [w.name for w in layer.non_trainable_weights if id(w) in own] == list(self.non_trainable)
        assert len(own) == len(self.trainable) + len(self.non_trainable)

    def test_training_updates_trainable_weights_only(self) -> None:
        run = self.training_run()
        # Keras warns with the names (TensorFlow) or paths (others) of the weights it skipped;
        # a bare name could be a sub-layer's weight, so with sub-layers only paths count.
        for text in run.warnings:
            if "Gradients do not exist" in text:
                patterns = {n: _skipped_weight(run.layer, n, self.sublayers) for n in self.trainable}
                unreached = [n for n, pattern in patterns.items() if re.search(pattern, text)]
                assert not unreached, f"no gradient reaches trainable weight {unreached[0]!r}: {text}"
        before, after = run.before, run.after
        for name in self.trainable:
            assert not np.array_equal(before[name], after[name]), f"trainable weight {name!r} did not learn"
        for name in self.frozen():
            np.testing.assert_array_equal(after[name], before[name], err_msg=f"frozen weight {name!r} changed")
        for name in self.state:
            assert not np.array_equal(before[name], after[name]), f"state weight {name!r} did not update in training"

    @applies_if(lambda cls: bool(cls.state), "the layer has no state weights")
    def test_state_weights_update_in_training_and_not_in_inference(self) -> None:
        layer = self.make_layer()
        inputs = self.make_inputs()
        layer(*self.call_args(inputs), training=False)
        before = self.own_weight_values(layer)
        layer(*self.call_args(inputs), training=False)
        after_inference = self.own_weight_values(layer)
        layer(*self.call_args(inputs), training=True)
        after_training = self.own_weight_values(layer)
        for name in self.state:
            np.testing.assert_array_equal(after_inference[name], before[name], err_msg=f"{name!r} changed in inference")
            assert not np.array_equal(after_training[name], before[name]), f"{name!r} did not change in training"

    @applies_if(lambda cls: bool(cls.trainable), "the layer has no trainable weights")
    def test_gradients_reach_every_trainable_weight(self) -> None:
        # One plain SGD step with learning rate 1 moves each weight by exactly its gradient.
        # Regularizers and constraints are detached, so only the outputs' gradient counts.
        # Eager: this is about gradients; the traced training step is the test above's.
        layer = self.make_layer()
        model, probes = self.make_training_model(layer)
        for weight in layer.trainable_weights:
            weight.regularizer = None
            weight.constraint = None
        before = self.own_weight_values(layer)
        model.compile(
            optimizer=keras.optimizers.SGD(learning_rate=1.0),
            loss=lambda probe, outputs: keras.ops.sum(outputs * probe),
            run_eagerly=True,
        )
        model.train_on_batch(model_inputs(self.make_inputs()), probes)
        after = self.own_weight_values(layer)
        for name in self.trainable:
            assert np.any(after[name] != before[name]), f"no gradient reaches {name!r}"

    @applies_if(lambda cls: bool(cls.regularized), "no weight has a regularizer")
    def test_regularizers_add_their_losses(self) -> None:
        layer = self.make_layer()
        layer(*self.call_args(self.make_inputs()))
        for index, weight in enumerate(layer.trainable_weights):
            weight.assign(random_array(weight.shape, seed=10 + index))
        regularized = [w for w in layer.trainable_weights if w.regularizer is not None]
        assert [w.name for w in regularized] == list(self.regularized)
        losses = [float(to_numpy(loss)) for loss in layer.losses]
        expected = [float(to_numpy(w.regularizer(w.value))) for w in regularized]
        assert len(losses) == len(self.regularized) + self.call_losses
        for value in expected:  # each penalty is one of the losses; the others are call's own
            found = [i for i, loss in enumerate(losses) if np.isclose(loss, value, rtol=1e-6)]
            assert found, f"no loss equals the regularizer's {value}: {losses}"
            losses.pop(found[0])

    def test_config_is_json_and_rebuilds_an_identical_layer(self) -> None:
        layer = self.make_layer()
        inputs = self.make_inputs()
        expected = numpy_outputs(layer(*self.call_args(inputs)))
        config = layer.get_config()
        layer_class = self._the_layer_class()
        parameters = set(inspect.signature(layer_class.__init__).parameters) - {"self", "kwargs"}
        arrays = set(self.array_arguments)
        assert parameters - arrays <= set(config), f"get_config misses {sorted(parameters - arrays - set(config))}"
        assert not arrays & set(config), "arrays must not go into the config"
        for name, value in self.expected_config_values().items():
            held = config[name]
            assert same_config_value(held, value), f"get_config holds {name}={held!r}, not the {value!r} given"
        clone = layer_class.from_config(json.loads(json.dumps(config)))
        clone(*self.call_args(inputs))
        clone.set_weights(layer.get_weights())
        assert_same_outputs(clone(*self.call_args(inputs)), expected)
        assert clone.get_config() == config

    def test_save_weights_round_trip(self, tmp_path: Path) -> None:
        layer, model = self.make_model_with_new_weight_values()
        inputs = model_inputs(self.make_inputs())
        expected = numpy_outputs(model(inputs))
        model.save_weights(tmp_path / "model.weights.h5")
        fresh_layer = self.make_layer()
        fresh_model = self.make_model(fresh_layer)
        fresh_model.load_weights(tmp_path / "model.weights.h5")
        loaded = self.all_weight_values(fresh_layer)
        for name, values in self.all_weight_values(layer).items():
            np.testing.assert_array_equal(loaded[name], values, err_msg=name)
        assert_same_outputs(fresh_model(inputs), expected)

    def test_runs_compiled_with_xla(self) -> None:
        # `jit_compile=True` is XLA on TensorFlow and JAX, `torch.compile` on PyTorch.
        model = self.make_model(self.make_layer())
        inputs = model_inputs(self.make_inputs())
        expected = numpy_outputs(model(inputs))
        model.compile(jit_compile=True)
        assert model.jit_compile, "the layer made Keras give up XLA"
        assert_same_outputs(model.predict_on_batch(inputs), expected, rtol=1e-5, atol=1e-6)

    def test_runs_under_mixed_float16(self) -> None:
        layer = self.make_layer(dtype="mixed_float16")
        inputs = self.make_inputs()
        takes_training = "training" in inspect.signature(layer.call).parameters
        outputs = as_list(layer(*self.call_args(inputs), **({"training": True} if takes_training else {})))
        expected = self.expected_outputs()
        for output, spec in zip(outputs, expected, strict=True):
            # Floating outputs follow the policy; an output of a declared dtype keeps it.
            assert dtype_of(output) == (spec.dtype or "float16"), spec.name
            assert tuple(output.shape) == spec.shape, spec.name
            if spec.is_float:
                assert np.all(np.isfinite(to_numpy(output))), f"{spec.name} is not finite under float16"
        policy_weights = [w.name for w in layer.weights] if self.policy_weights is None else self.policy_weights
        for weight in layer.weights:
            if weight.name in policy_weights:
                dtype = keras.backend.standardize_dtype(weight.dtype)
                assert dtype == "float32", f"{weight.name!r} is {dtype}, not float32"
        for key, sub in self.sublayers_of(layer):
            assert sub.dtype_policy.name == "mixed_float16", f"sub-layer {key} has policy {sub.dtype_policy.name}"
        self.check_output_spec_dtypes(layer, inputs, outputs)

    def check_output_spec_dtypes(self, layer: keras.layers.Layer, inputs: list[Array], outputs: list[Tensor]) -> None:
        """`compute_output_spec` on the inputs' specs gives the dtypes `call` gave (`outputs`)."""
        specs = [keras.KerasTensor(x.shape, dtype=x.dtype) for x in inputs]
        spec_dtypes = [dtype_of(spec) for spec in as_list(layer.compute_output_spec(*self.call_args(specs)))]
        assert spec_dtypes == [dtype_of(output) for output in outputs], "compute_output_spec disagrees with call"


def _skipped_weight(layer: keras.layers.Layer, name: str, sublayers: Sequence[str]) -> str:
    """A pattern for weight `name` of `layer` in Keras's "Gradients do not exist" warning."""
    path = rf"['/]{re.escape(layer.name)}/{re.escape(name)}'"
    return path if sublayers else rf"{path}|'{re.escape(name)}'"
