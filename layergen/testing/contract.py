"""`LayerContract`: the tests every generated layer must pass, written once for all of them.

A test class sets the layer's data as class attributes and inherits the tests. Tests that do
not apply to the layer (no state weights, no regularizer, ...) are not collected. To skip one
that applies, name it in `skip` with the reason; to change one, override the method.
docs/contract.md says what each test proves.
"""

from __future__ import annotations

import copy
import importlib
import inspect
import json
import re
from dataclasses import dataclass
from typing import Any, ClassVar

import pytest

from layergen.testing import distribution, fresh_process


class _Deferred:
    """A module imported on first use, so that importing layergen.testing stays free of Keras."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attribute: str):
        return getattr(importlib.import_module(self._name), attribute)


keras = _Deferred("keras")
np = _Deferred("numpy")

KERAS_FILE_TEST = "test_keras_file_loads_in_a_fresh_process_without_custom_objects"
DISTRIBUTION_TESTS = (
    "test_trains_and_predicts_under_data_parallel",
    "test_weights_are_sharded_as_declared_under_model_parallel",
)
_SESSION_PREPARED = pytest.StashKey[bool]()
_NO_DISTRIBUTION = {
    "tensorflow": "keras.distribution on TensorFlow is an unfinished prototype in Keras 3 (distribute_value is a TODO)",
    "torch": "keras.distribution has no PyTorch backend in Keras 3",
}
_RUN_ON_JAX = "; the JAX backend runs this test (KERAS_BACKEND=jax)"


@dataclass(frozen=True)
class Input:
    """One input of the layer in the test: its concrete shape (batch first) and dtype.

    Float inputs are standard normal; integer inputs take values in `values` (a range).
    """

    name: str
    shape: tuple[int, ...]
    dtype: str = "float32"
    values: range | None = None


def random_array(shape, seed=1):
    """Standard normal float32 values, the same for the same shape and seed."""
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def to_numpy(tensor):
    return keras.ops.convert_to_numpy(tensor)


def model_inputs(arrays):
    """What a Keras model takes: the array itself for one input, else the list."""
    return arrays[0] if len(arrays) == 1 else arrays


def weight_values(layer):
    return {w.name: to_numpy(w) for w in layer.weights}


def layers_in(value) -> list:
    """The layers an attribute holds: a layer, a list of layers, or None (a gated sub-layer)."""
    if value is None:
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _applies_if(condition, reason: str):
    """Collect the test only for layers where `condition(test_class)` holds."""

    def mark(test):
        test.applies_if = (condition, reason)
        return test

    return mark


class _NotApplicable:
    """Stands in for a contract test that does not apply to the layer: pytest collects no test here."""

    def __init__(self, reason: str):
        self.reason = reason

    def __repr__(self):
        return f"<not applicable: {self.reason}>"


class LayerContract:
    """Base class of a layer's tests: set the data below, inherit the contract's tests.

    Not collected itself (its name does not start with `Test`); a subclass `TestX` is.
    """

    layer_class: ClassVar[type | None] = None
    init_kwargs: ClassVar[dict[str, Any]] = {}  # what the test passes to the constructor
    inputs: ClassVar[list[Input]] = []
    output_shape: ClassVar[tuple[int, ...]] = ()  # for the batch of `inputs`
    trainable: ClassVar[list[str]] = []  # names of the layer's own trainable weights, in order
    non_trainable: ClassVar[list[str]] = []  # names of its own non-trainable weights, in order
    sublayers: ClassVar[list[str]] = []  # attributes holding sub-layers (a layer, a list of them, or None)
    uses_mask: ClassVar[bool] = False  # `call` reads the input's Keras mask
    output_mask: ClassVar[str | None] = None  # "keep", "none" or "computed"; None: the layer declares no masking
    state: ClassVar[list[str]] = []  # non-trainable weights that `call` updates in training
    regularized: ClassVar[list[str]] = []  # trainable weights with a regularizer
    # Weights that follow the dtype policy (float32 under mixed_float16); None: all of them.
    policy_weights: ClassVar[list[str] | None] = None
    array_arguments: ClassVar[list[str]] = []  # constructor arguments kept out of get_config
    array_weights: ClassVar[dict[str, str]] = {}  # weight -> the array argument it starts from
    # What get_config must hold; None: init_kwargs other than array arguments, through JSON.
    config_values: ClassVar[dict[str, Any] | None] = None
    invalid_arguments: ClassVar[list[tuple[str, Any, str]]] = []  # (argument, value, exact message)
    skip: ClassVar[dict[str, str]] = {}  # test name -> why it is skipped for this layer
    fresh_process_timeout: ClassVar[float] = 300.0  # seconds the fresh process may take to answer
    # Weight -> its layout for ModelParallel: one mesh axis name (or None) per axis of its shape.
    layouts: ClassVar[dict[str, tuple[str | None, ...]]] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name, test in vars(LayerContract).items():
            if not hasattr(test, "applies_if"):
                continue
            current = getattr(cls, name)
            if current is not test and not isinstance(current, _NotApplicable):
                continue  # the class has its own version, collected like any test
            condition, reason = test.applies_if
            if not condition(cls):
                setattr(cls, name, _NotApplicable(reason))
            elif current is not test:  # a base class turned it off; this class needs it
                setattr(cls, name, test)
        tests = {name for name in dir(cls) if name.startswith("test")}
        for name, reason in cls.skip.items():
            if name not in tests:
                raise TypeError(f"{cls.__name__}.skip names {name!r}, which is not one of its tests")
            if not isinstance(reason, str) or not reason.strip():
                raise TypeError(f"{cls.__name__}.skip[{name!r}] must say why the test is skipped")

    @pytest.fixture(autouse=True)
    def _contract_setup(self, request):
        reason = self.skip.get(request.node.originalname)
        if reason:
            pytest.skip(reason)
        _prepare_session(request.session)

    def pytest_generate_tests(self, metafunc):
        if "invalid_argument" in metafunc.fixturenames:
            cases = list(self.invalid_arguments)
            metafunc.parametrize("invalid_argument", cases, ids=[str(case[0]) for case in cases])

    # -- helpers a test can use ---------------------------------------------------------

    def make_layer(self, **overrides):
        if self.layer_class is None:
            raise TypeError(f"{type(self).__name__} must set layer_class")
        return self.layer_class(**{**copy.deepcopy(self.init_kwargs), **overrides})

    def make_inputs(self, seed=0):
        rng = np.random.default_rng(seed)
        arrays = []
        for item in self.inputs:
            if item.values is not None:
                arrays.append(rng.integers(item.values.start, item.values.stop, size=item.shape).astype(item.dtype))
            else:
                arrays.append(rng.normal(size=item.shape).astype(item.dtype))
        return arrays

    def make_model(self, layer):
        inputs = [keras.Input(shape=item.shape[1:], dtype=item.dtype, name=item.name) for item in self.inputs]
        return keras.Model(model_inputs(inputs), layer(*inputs))

    def make_model_with_new_weight_values(self):
        """A model of a new layer whose weights hold values a fresh layer cannot have."""
        layer = self.make_layer()
        model = self.make_model(layer)
        for index, weight in enumerate(layer.weights):
            values = random_array(weight.shape, seed=20 + index)
            weight.assign(values.astype(keras.backend.standardize_dtype(weight.dtype)))
        return layer, model

    def sublayers_of(self, layer) -> list[tuple[str, Any]]:
        """(attribute[index], sub-layer) for each sub-layer the layer holds now."""
        found = []
        for attribute in self.sublayers:
            value = getattr(layer, attribute)
            held = layers_in(value)
            indexed = isinstance(value, (list, tuple))
            found += [(f"{attribute}[{i}]" if indexed else attribute, sub) for i, sub in enumerate(held)]
        return found

    def own_weights(self, layer) -> list:
        """The weights the layer made itself (not its sub-layers'), in layer.weights's order."""
        theirs = {id(w) for _, sub in self.sublayers_of(layer) for w in sub.weights}
        return [w for w in layer.weights if id(w) not in theirs]

    def own_weight_values(self, layer) -> dict:
        return {w.name: to_numpy(w) for w in self.own_weights(layer)}

    def all_weight_values(self, layer) -> dict:
        """Every weight's value: own ones by name, a sub-layer's by its attribute and position."""
        values = self.own_weight_values(layer)
        for key, sub in self.sublayers_of(layer):
            values.update({f"{key}/{i}:{w.name}": to_numpy(w) for i, w in enumerate(sub.weights)})
        return values

    def make_masked_input(self):
        """A float input whose trailing steps (more in each later row) are zero, and the mask
        that an upstream `Masking(mask_value=0.0)` gives it."""
        (x,) = self.make_inputs()
        steps = x.shape[1]
        for row in range(x.shape[0]):
            x[row, steps - min(row + 1, steps - 1) :] = 0.0
        return x, np.any(x != 0.0, axis=-1)

    def masked_symbolic_call(self, layer):
        """The layer called on a `keras.Input` behind `Masking`: (inputs, outputs)."""
        item = self.inputs[0]
        inputs = keras.Input(shape=item.shape[1:], dtype=item.dtype)
        return inputs, layer(keras.layers.Masking(mask_value=0.0)(inputs))

    def _require_a_float_sequence_input(self):
        item = self.inputs[0]
        if len(self.inputs) != 1 or item.values is not None or len(item.shape) < 3:
            pytest.skip("the mask tests give one float input of rank 3 or more a mask through Masking")

    def frozen(self):
        return [name for name in self.non_trainable if name not in self.state]

    def expected_config_values(self):
        if self.config_values is not None:
            return self.config_values
        given = {k: v for k, v in self.init_kwargs.items() if k not in self.array_arguments}
        return json.loads(json.dumps(given))

    # -- the contract -------------------------------------------------------------------

    def test_output_shape_matches_spec_and_compute_output_shape(self):
        layer = self.make_layer()
        inputs = self.make_inputs()
        outputs = layer(*inputs)
        assert tuple(outputs.shape) == tuple(self.output_shape)
        assert tuple(layer.compute_output_shape(*[x.shape for x in inputs])) == tuple(self.output_shape)

    def test_symbolic_output_shape_and_a_traced_call_at_another_batch_size(self):
        layer = self.make_layer()
        inputs = [keras.Input(shape=item.shape[1:], dtype=item.dtype) for item in self.inputs]
        outputs = layer(*inputs)
        expected = (None, *self.output_shape[1:])
        assert tuple(outputs.shape) == expected
        assert tuple(layer.compute_output_shape(*[tuple(x.shape) for x in inputs])) == expected
        # predict traces `call` with an unknown batch size, then runs it on one more row.
        model = keras.Model(model_inputs(inputs), outputs)
        rows = [np.concatenate([x, x[:1]]) for x in self.make_inputs()]
        predicted = model.predict(model_inputs(rows), verbose=0)
        assert predicted.shape == (self.output_shape[0] + 1, *self.output_shape[1:])

    def test_weights_have_the_declared_roles(self):
        layer = self.make_layer()
        layer(*self.make_inputs())
        own = {id(w) for w in self.own_weights(layer)}
        assert [w.name for w in layer.trainable_weights if id(w) in own] == list(self.trainable)
        assert [w.name for w in layer.non_trainable_weights if id(w) in own] == list(self.non_trainable)
        assert len(own) == len(self.trainable) + len(self.non_trainable)

    def test_training_updates_trainable_weights_only(self):
        keras.utils.set_random_seed(0)
        layer = self.make_layer()
        model = self.make_model(layer)
        targets = random_array(self.output_shape, seed=2)
        before = self.own_weight_values(layer)
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
        inputs = model_inputs(self.make_inputs())
        for _ in range(3):  # fit's steps without its data pipeline: one traced train step, run 3 times
            model.train_on_batch(inputs, targets)
        after = self.own_weight_values(layer)
        for name in self.trainable:
            assert not np.array_equal(before[name], after[name]), f"trainable weight {name!r} did not learn"
        for name in self.frozen():
            np.testing.assert_array_equal(after[name], before[name], err_msg=f"frozen weight {name!r} changed")
        for name in self.state:
            assert not np.array_equal(before[name], after[name]), f"state weight {name!r} did not update in training"

    @_applies_if(lambda cls: bool(cls.state), "the layer has no state weights")
    def test_state_weights_update_in_training_and_not_in_inference(self):
        layer = self.make_layer()
        inputs = self.make_inputs()
        layer(*inputs, training=False)
        before = self.own_weight_values(layer)
        layer(*inputs, training=False)
        after_inference = self.own_weight_values(layer)
        layer(*inputs, training=True)
        after_training = self.own_weight_values(layer)
        for name in self.state:
            np.testing.assert_array_equal(after_inference[name], before[name], err_msg=f"{name!r} changed in inference")
            assert not np.array_equal(after_training[name], before[name]), f"{name!r} did not change in training"

    @_applies_if(lambda cls: bool(cls.trainable), "the layer has no trainable weights")
    def test_gradients_reach_every_trainable_weight(self):
        # One plain SGD step with learning rate 1 moves each weight by exactly its gradient.
        # Regularizers and constraints are detached, so only the outputs' gradient counts.
        # Eager: this is about gradients; the traced training step is the test above's.
        layer = self.make_layer()
        model = self.make_model(layer)
        for weight in layer.trainable_weights:
            weight.regularizer = None
            weight.constraint = None
        before = self.own_weight_values(layer)
        model.compile(
            optimizer=keras.optimizers.SGD(learning_rate=1.0),
            loss=lambda probe, outputs: keras.ops.sum(outputs * probe),
            run_eagerly=True,
        )
        model.train_on_batch(model_inputs(self.make_inputs()), random_array(self.output_shape, seed=3))
        after = self.own_weight_values(layer)
        for name in self.trainable:
            assert np.any(after[name] != before[name]), f"no gradient reaches {name!r}"

    @_applies_if(lambda cls: bool(cls.regularized), "no weight has a regularizer")
    def test_regularizers_add_their_losses(self):
        layer = self.make_layer()
        layer(*self.make_inputs())
        for index, weight in enumerate(layer.trainable_weights):
            weight.assign(random_array(weight.shape, seed=10 + index))
        regularized = [w for w in layer.trainable_weights if w.regularizer is not None]
        assert [w.name for w in regularized] == list(self.regularized)
        losses = [float(to_numpy(loss)) for loss in layer.losses]
        expected = [float(to_numpy(w.regularizer(w.value))) for w in regularized]
        assert len(losses) == len(self.regularized)
        np.testing.assert_allclose(sorted(losses), sorted(expected), rtol=1e-6)

    def test_config_is_json_and_rebuilds_an_identical_layer(self):
        layer = self.make_layer()
        inputs = self.make_inputs()
        expected = to_numpy(layer(*inputs))
        config = layer.get_config()
        parameters = set(inspect.signature(self.layer_class.__init__).parameters) - {"self", "kwargs"}
        arrays = set(self.array_arguments)
        assert parameters - arrays <= set(config), f"get_config misses {sorted(parameters - arrays - set(config))}"
        assert not arrays & set(config), "arrays must not go into the config"
        for name, value in self.expected_config_values().items():
            assert config[name] == value, f"get_config holds {name}={config[name]!r}, not the {value!r} given"
        clone = self.layer_class.from_config(json.loads(json.dumps(config)))
        clone(*inputs)
        clone.set_weights(layer.get_weights())
        np.testing.assert_array_equal(to_numpy(clone(*inputs)), expected)
        assert clone.get_config() == config

    def test_save_weights_round_trip(self, tmp_path):
        layer, model = self.make_model_with_new_weight_values()
        inputs = model_inputs(self.make_inputs())
        expected = to_numpy(model(inputs))
        model.save_weights(tmp_path / "model.weights.h5")
        fresh_layer = self.make_layer()
        fresh_model = self.make_model(fresh_layer)
        fresh_model.load_weights(tmp_path / "model.weights.h5")
        loaded = self.all_weight_values(fresh_layer)
        for name, values in self.all_weight_values(layer).items():
            np.testing.assert_array_equal(loaded[name], values, err_msg=name)
        np.testing.assert_array_equal(to_numpy(fresh_model(inputs)), expected)

    def test_runs_compiled_with_xla(self):
        if keras.backend.backend() == "torch":
            pytest.skip("XLA is for the TensorFlow and JAX backends")
        model = self.make_model(self.make_layer())
        inputs = model_inputs(self.make_inputs())
        expected = to_numpy(model(inputs))
        model.compile(jit_compile=True)
        assert model.jit_compile, "the layer made Keras give up XLA"
        np.testing.assert_allclose(model.predict_on_batch(inputs), expected, rtol=1e-5, atol=1e-6)

    def test_runs_under_mixed_float16(self):
        layer = self.make_layer(dtype="mixed_float16")
        inputs = self.make_inputs()
        takes_training = "training" in inspect.signature(layer.call).parameters
        outputs = layer(*inputs, **({"training": True} if takes_training else {}))
        assert keras.backend.standardize_dtype(outputs.dtype) == "float16"
        assert tuple(outputs.shape) == tuple(self.output_shape)
        assert np.all(np.isfinite(to_numpy(outputs)))
        policy_weights = [w.name for w in layer.weights] if self.policy_weights is None else self.policy_weights
        for weight in layer.weights:
            if weight.name in policy_weights:
                dtype = keras.backend.standardize_dtype(weight.dtype)
                assert dtype == "float32", f"{weight.name!r} is {dtype}, not float32"
        for key, sub in self.sublayers_of(layer):
            assert sub.dtype_policy.name == "mixed_float16", f"sub-layer {key} has policy {sub.dtype_policy.name}"
        specs = [keras.KerasTensor(x.shape, dtype=x.dtype) for x in inputs]
        spec_dtype = layer.compute_output_spec(*specs).dtype
        assert keras.backend.standardize_dtype(spec_dtype) == keras.backend.standardize_dtype(outputs.dtype)

    @_applies_if(lambda cls: bool(cls.sublayers), "the layer has no sub-layers")
    def test_build_builds_the_sublayers_and_their_weights_are_the_layers(self):
        # Built by build alone (no call): a checkpoint loads right after build_from_config.
        layer = self.make_layer()
        layer.build(*[tuple(x.shape) for x in self.make_inputs()])
        weights = {id(w) for w in layer.weights}
        held = self.sublayers_of(layer)
        assert held, "the layer holds none of its sub-layers"
        for key, sub in held:
            assert sub.built, f"build did not build sub-layer {key}"
            assert sub.dtype_policy.name == layer.dtype_policy.name, f"sub-layer {key} has another dtype policy"
            missing = [w.path for w in sub.weights if id(w) not in weights]
            assert not missing, f"weights of sub-layer {key} are not the layer's weights: {missing}"
        assert len(layer.weights) == len(self.own_weights(layer)) + sum(len(s.weights) for _, s in held)

    @_applies_if(lambda cls: bool(cls.sublayers), "the layer has no sub-layers")
    def test_sublayers_train(self):
        keras.utils.set_random_seed(0)
        layer = self.make_layer()
        model = self.make_model(layer)
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
        before = self.all_weight_values(layer)
        model.train_on_batch(model_inputs(self.make_inputs()), random_array(self.output_shape, seed=2))
        after = self.all_weight_values(layer)
        for key, sub in self.sublayers_of(layer):
            if not sub.trainable_weights:
                continue
            names = [k for k in before if k.startswith(f"{key}/")]
            changed = [k for k in names if not np.array_equal(before[k], after[k])]
            assert changed, f"no weight of sub-layer {key} learned"

    @_applies_if(lambda cls: cls.uses_mask, "call does not read the mask")
    def test_the_input_mask_reaches_call(self):
        self._require_a_float_sequence_input()
        layer = self.make_layer()
        x, mask = self.make_masked_input()
        inputs, outputs = self.masked_symbolic_call(layer)
        through_a_model = to_numpy(keras.Model(inputs, outputs)(x))
        given = to_numpy(layer(x, mask=mask))
        np.testing.assert_allclose(through_a_model, given, rtol=1e-5, atol=1e-5)
        unmasked = to_numpy(layer(x))
        assert not np.allclose(unmasked, given), "the output does not depend on the mask"

    @_applies_if(lambda cls: cls.output_mask is not None, "the layer declares no masking")
    def test_the_output_mask_is_the_declared_one(self):
        self._require_a_float_sequence_input()
        layer = self.make_layer()
        x, mask = self.make_masked_input()
        layer(x)
        assert layer.supports_masking
        computed = layer.compute_mask(x, keras.ops.convert_to_tensor(mask))
        _, outputs = self.masked_symbolic_call(layer)
        symbolic = getattr(outputs, "_keras_mask", None)
        if self.output_mask == "keep":
            np.testing.assert_array_equal(to_numpy(computed), mask)
            assert symbolic is not None and tuple(symbolic.shape) == (None, *mask.shape[1:])
        elif self.output_mask == "none":
            assert computed is None, "compute_mask gives a mask; the spec says the output has none"
            assert symbolic is None, "the symbolic output carries a mask; the spec says it has none"
        else:
            assert computed is not None and symbolic is not None, "the spec's compute_mask gave no mask"
            assert tuple(symbolic.shape)[1:] == tuple(to_numpy(computed).shape)[1:]

    @_applies_if(lambda cls: bool(cls.array_weights), "no weight starts from an array argument")
    def test_frozen_weights_start_from_the_given_arrays(self):
        layer = self.make_layer()
        layer(*self.make_inputs())
        values = self.own_weight_values(layer)
        for weight, array in self.array_weights.items():
            np.testing.assert_array_equal(values[weight], self.init_kwargs[array], err_msg=weight)

    @_applies_if(lambda cls: bool(cls.invalid_arguments), "no argument has a value to refuse")
    def test_invalid_arguments_are_refused(self, invalid_argument):
        name, value, message = invalid_argument
        with pytest.raises(ValueError, match=re.escape(message)):
            self.make_layer(**{name: value})

    # -- distribution: keras.distribution in a fresh JAX process with virtual devices ----

    def _distributed_check(self, mode, tmp_path):
        backend = keras.backend.backend()
        if backend != "jax":
            pytest.skip(_NO_DISTRIBUTION.get(backend, f"{backend} has no keras.distribution") + _RUN_ON_JAX)
        arrays = self.make_inputs()
        batch = self.output_shape[0]
        if batch % 2:  # two devices split the batch evenly
            arrays, batch = [np.concatenate([x, x]) for x in arrays], 2 * batch
        case = {
            "layer_class": self.layer_class,
            "init_kwargs": copy.deepcopy(self.init_kwargs),
            "inputs": [(item.name, item.shape[1:], item.dtype) for item in self.inputs],
            "arrays": arrays,
            "targets": random_array((batch, *self.output_shape[1:]), seed=2),
            "layouts": dict(self.layouts),
        }
        try:
            distribution.check(mode, case, tmp_path, timeout=self.fresh_process_timeout)
        except distribution.LoaderError as error:
            message = f"under keras.distribution (JAX, {distribution.DEVICES} virtual CPU devices):\n{error}"
            raise pytest.fail.Exception(message, pytrace=False) from None

    def test_trains_and_predicts_under_data_parallel(self, tmp_path):
        self._distributed_check("data_parallel", tmp_path)

    @_applies_if(lambda cls: bool(cls.layouts), "no weight declares a layout")
    def test_weights_are_sharded_as_declared_under_model_parallel(self, tmp_path):
        self._distributed_check("model_parallel", tmp_path)

    # Last in the class: the fresh process has then had the most time to start.
    def test_keras_file_loads_in_a_fresh_process_without_custom_objects(self, tmp_path):
        _, model = self.make_model_with_new_weight_values()
        inputs = self.make_inputs()
        expected = to_numpy(model(model_inputs(inputs)))
        model.save(tmp_path / "model.keras")
        np.savez(tmp_path / "inputs.npz", *inputs)
        try:
            fresh_process.load_and_predict(
                keras.backend.backend(),
                self.layer_class.__module__,
                model=tmp_path / "model.keras",
                inputs=tmp_path / "inputs.npz",
                outputs=tmp_path / "outputs.npy",
                timeout=self.fresh_process_timeout,
            )
        except fresh_process.LoaderError as error:
            message = f"the .keras file does not load in a fresh process without custom_objects:\n{error}"
            # The fresh process's traceback is the one that helps; this process's is noise.
            raise pytest.fail.Exception(message, pytrace=False) from None
        np.testing.assert_array_equal(np.load(tmp_path / "outputs.npy"), expected)


def _prepare_session(session):
    """Once per session: stop the loader at its end, and start it now if a .keras test will run."""
    if session.stash.get(_SESSION_PREPARED, False):
        return
    session.stash[_SESSION_PREPARED] = True
    session.config.add_cleanup(fresh_process.stop)
    if any(_runs_keras_file_test(item) for item in session.items):
        # Started now, the loader imports Keras while the first tests run.
        fresh_process.start(keras.backend.backend())
    session.config.add_cleanup(distribution.stop)
    if keras.backend.backend() == "jax" and any(_runs(item, DISTRIBUTION_TESTS) for item in session.items):
        distribution.start()


def _runs_keras_file_test(item) -> bool:
    return _runs(item, (KERAS_FILE_TEST,))


def _runs(item, tests) -> bool:
    """Whether `item` is one of the contract's `tests`, not skipped by its class."""
    test_class = getattr(item, "cls", None)
    name = getattr(item, "originalname", None)
    if name not in tests or test_class is None:
        return False
    return issubclass(test_class, LayerContract) and name not in test_class.skip
