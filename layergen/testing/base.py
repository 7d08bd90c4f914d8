"""What every part of the contract builds on: the layer's data (class attributes), the helpers
the tests share, and the rules that decide which of the contract's tests a class collects.
"""

from __future__ import annotations

import copy
import json
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

import pytest

from layergen.testing.values import (
    Array,
    Input,
    Output,
    as_list,
    flat_shapes,
    keras,
    layers_in,
    model_inputs,
    np,
    random_array,
    to_numpy,
)

# Whether a contract test applies to a test class (truthy: it does).
Condition = Callable[[type["ContractBase"]], object]
_Test = TypeVar("_Test", bound=Callable[..., None])
_Item = TypeVar("_Item")


def applies_if(condition: Condition, reason: str) -> Callable[[_Test], _Test]:
    """Collect the test only for layers where `condition(test_class)` holds."""

    def mark(test: _Test) -> _Test:
        # `test.applies_if = ...`, written so because mypy knows no attributes of a function.
        vars(test)["applies_if"] = (condition, reason)
        return test

    return mark


class NotApplicable:
    """Stands in for a contract test that does not apply to the layer: pytest collects no test here."""

    def __init__(self, reason: str):
        self.reason = reason

    def __repr__(self) -> str:
        return f"<not applicable: {self.reason}>"


def collect_only_what_applies(
    test_class: type[ContractBase], contract_tests: Mapping[str, Callable[..., None]]
) -> None:
    """Turn off each of the contract's tests (name -> function) that does not apply to
    `test_class`, and turn back on one that a base class turned off and this class needs."""
    for name, test in contract_tests.items():
        applies: tuple[Condition, str] | None = getattr(test, "applies_if", None)
        if applies is None:
            continue
        current = getattr(test_class, name)
        if current is not test and not isinstance(current, NotApplicable):
            continue  # the class has its own version, collected like any test
        condition, reason = applies
        if not condition(test_class):
            setattr(test_class, name, NotApplicable(reason))
        elif current is not test:  # a base class turned it off; this class needs it
            setattr(test_class, name, test)


def check_skip(test_class: type[ContractBase]) -> None:
    """Each test that `test_class.skip` names is one of its tests, and says why it is skipped."""
    tests = {name for name in dir(test_class) if name.startswith("test")}
    for name, reason in test_class.skip.items():
        if name not in tests:
            raise TypeError(f"{test_class.__name__}.skip names {name!r}, which is not one of its tests")
        if not isinstance(reason, str) or not reason.strip():
            raise TypeError(f"{test_class.__name__}.skip[{name!r}] must say why the test is skipped")


@dataclass(frozen=True)
class TrainingRun:
    """A layer after three steps of its traced training step: every weight's value before and
    after (keyed as `ContractBase.all_weight_values` keys them), and the warnings Keras gave."""

    layer: keras.layers.Layer
    before: dict[str, Array]
    after: dict[str, Array]
    warnings: list[str]


# Test class -> its training run: the tests that check one only read it.
_TRAINING_RUNS: dict[type[ContractBase], TrainingRun] = {}


class ContractBase:
    """The layer's data, set by a test class, and the helpers the contract's tests share."""

    layer_class: ClassVar[type[keras.layers.Layer] | None] = None
    init_kwargs: ClassVar[dict[str, Any]] = {}  # what the test passes to the constructor
    inputs: ClassVar[list[Input]] = []
    output_shape: ClassVar[tuple[int, ...]] = ()  # for the batch of `inputs`
    trainable: ClassVar[list[str]] = []  # names of the layer's own trainable weights, in order
    non_trainable: ClassVar[list[str]] = []  # names of its own non-trainable weights, in order
    sublayers: ClassVar[list[str]] = []  # attributes holding sub-layers (a layer, a list of them, or None)
    uses_mask: ClassVar[bool] = False  # `call` reads the input's Keras mask
    output_mask: ClassVar[str | None] = None  # "keep", "none" or "computed"; None: the layer declares no masking
    output_dtype: ClassVar[str | None] = None  # the output's dtype; None: the compute dtype
    outputs: ClassVar[list[Output]] = []  # several outputs, in order (instead of output_shape)
    state: ClassVar[list[str]] = []  # non-trainable weights that `call` updates in training
    regularized: ClassVar[list[str]] = []  # trainable weights with a regularizer
    # Weights that follow the dtype policy (float32 under mixed_float16); None: all of them.
    policy_weights: ClassVar[list[str] | None] = None
    array_arguments: ClassVar[list[str]] = []  # constructor arguments kept out of get_config
    array_weights: ClassVar[dict[str, str]] = {}  # weight -> the array argument it starts from
    given_constants: ClassVar[list[str]] = []  # constants the user gives at construction (no default)
    # What get_config must hold; None: init_kwargs other than array arguments, through JSON.
    config_values: ClassVar[dict[str, Any] | None] = None
    invalid_arguments: ClassVar[list[tuple[str, Any, str]]] = []  # (argument, value, exact message)
    random: ClassVar[bool] = False  # the layer draws random numbers in training (a `seed` argument)
    call_kwargs: ClassVar[dict[str, Any]] = {}  # non-tensor call arguments: a value other than the default
    call_inputs: ClassVar[list[Input]] = []  # the inputs call takes with `call_kwargs`; []: `inputs`
    call_output_shape: ClassVar[tuple[int, ...] | None] = None  # with `call_kwargs`; None: `output_shape`
    # Weight -> the shape it has with this class's arguments and inputs (weights with `shapes`).
    weight_shapes: ClassVar[dict[str, tuple[int, ...]]] = {}
    # weight -> its initial value made in parts: {"argument": its initializer argument, "axis": ...,
    # "own": [(start, stop), ...] the argument makes, "when": {...} / "otherwise": {...} the
    # bool arguments that turn the parts on / off (None: the parts are always used)}
    initializer_parts: ClassVar[dict[str, dict[str, Any]]] = {}
    # weight -> (statistic, the input axes it keeps) for the weights `adapt(data)` sets.
    adapt: ClassVar[dict[str, tuple[str, tuple[int, ...]]]] = {}
    call_losses: ClassVar[int] = 0  # losses `call` adds with add_loss (activity regularizers included), per call
    skip: ClassVar[dict[str, str]] = {}  # test name -> why it is skipped for this layer
    fresh_process_timeout: ClassVar[float] = 300.0  # seconds the fresh process may take to answer
    # Weight -> its layout for ModelParallel: one mesh axis name (or None) per axis of its shape.
    layouts: ClassVar[dict[str, tuple[str | None, ...]]] = {}
    # An RNN cell (its states are the inputs after the first): its state_size (a list for several
    # states, as LSTMCell's) and output_size; None: not a cell.
    state_size: ClassVar[int | list[int] | None] = None
    output_size: ClassVar[int | None] = None

    def _the_layer_class(self) -> type[keras.layers.Layer]:
        """`layer_class`, which every test class must set."""
        if self.layer_class is None:
            raise TypeError(f"{type(self).__name__} must set layer_class")
        return self.layer_class

    def make_layer(self, **overrides: Any) -> keras.layers.Layer:
        return self._the_layer_class()(**{**copy.deepcopy(self.init_kwargs), **overrides})

    def make_inputs(self, seed: int = 0, batch: int | None = None, items: list[Input] | None = None) -> list[Array]:
        """The test's inputs (or `items`); with `batch`, that many rows instead of the declared batch."""
        rng = np.random.default_rng(seed)
        arrays: list[Array] = []
        for item in self.inputs if items is None else items:
            shape = item.shape if batch is None else (batch, *item.shape[1:])
            if item.values is not None:
                arrays.append(rng.integers(item.values.start, item.values.stop, size=shape).astype(item.dtype))
            else:
                arrays.append(rng.normal(size=shape).astype(item.dtype))
        return arrays

    def call_args(self, inputs: Sequence[_Item]) -> list[_Item | list[_Item]]:
        """The test's inputs (or their shapes) as the layer's positional arguments: an RNN cell
        with several states (`state_size` a list) takes them as one list after the step's input."""
        if isinstance(self.state_size, list):
            return [inputs[0], list(inputs[1:])]
        return list(inputs)

    def make_model(self, layer: keras.layers.Layer) -> keras.Model:
        inputs = [keras.Input(shape=item.shape[1:], dtype=item.dtype, name=item.name) for item in self.inputs]
        return keras.Model(model_inputs(inputs), layer(*self.call_args(inputs)))

    def make_model_with_new_weight_values(self) -> tuple[keras.layers.Layer, keras.Model]:
        """A model of a new layer whose weights hold values a fresh layer cannot have."""
        layer = self.make_layer()
        model = self.make_model(layer)
        for index, weight in enumerate(layer.weights):
            values = random_array(weight.shape, seed=20 + index)
            weight.assign(values.astype(keras.backend.standardize_dtype(weight.dtype)))
        return layer, model

    def sublayers_of(self, layer: keras.layers.Layer) -> list[tuple[str, keras.layers.Layer]]:
        """(attribute[index], sub-layer) for each sub-layer the layer holds now."""
        found: list[tuple[str, keras.layers.Layer]] = []
        for attribute in self.sublayers:
            value = getattr(layer, attribute)
            held = layers_in(value)
            indexed = isinstance(value, (list, tuple))
            found += [(f"{attribute}[{i}]" if indexed else attribute, sub) for i, sub in enumerate(held)]
        return found

    def own_weights(self, layer: keras.layers.Layer) -> list[keras.Variable]:
        """The weights the layer made itself (not its sub-layers'), in layer.weights's order."""
        theirs = {id(w) for _, sub in self.sublayers_of(layer) for w in sub.weights}
        return [w for w in layer.weights if id(w) not in theirs]

    def own_weight_values(self, layer: keras.layers.Layer) -> dict[str, Array]:
        return {w.name: to_numpy(w) for w in self.own_weights(layer)}

    def all_weight_values(self, layer: keras.layers.Layer) -> dict[str, Array]:
        """Every weight's value: own ones by name, a sub-layer's by its attribute and position."""
        values = self.own_weight_values(layer)
        for key, sub in self.sublayers_of(layer):
            values.update({f"{key}/{i}:{w.name}": to_numpy(w) for i, w in enumerate(sub.weights)})
        return values

    def expected_outputs(self) -> list[Output]:
        return list(self.outputs) or [Output("output", tuple(self.output_shape), self.output_dtype)]

    def output_shapes(self, shapes: Any) -> list[tuple[int | None, ...]]:
        """What compute_output_shape returned, as one shape per output."""
        return flat_shapes(shapes) if self.outputs else [tuple(shapes)]

    def make_training_model(self, layer: keras.layers.Layer) -> tuple[keras.Model, Array | Sequence[Array]]:
        """A model of the layer's floating-point outputs (integer ones have no gradient),
        and random targets for them; skips the test when there is none."""
        floats = [i for i, output in enumerate(self.expected_outputs()) if output.is_float]
        if not floats:
            pytest.skip("the layer has no floating-point output to train on")
        inputs = [keras.Input(shape=item.shape[1:], dtype=item.dtype, name=item.name) for item in self.inputs]
        outputs = as_list(layer(*self.call_args(inputs)))
        model = keras.Model(model_inputs(inputs), model_inputs([outputs[i] for i in floats]))
        targets = [random_array(self.expected_outputs()[i].shape, seed=2 + i) for i in floats]
        return model, model_inputs(targets)

    def training_run(self) -> TrainingRun:
        """Three SGD steps of the layer's traced training step (`train_on_batch`, mean squared
        error): run once per test class, its tracing shared by the tests that check the run."""
        run = _TRAINING_RUNS.get(type(self))
        if run is None:
            run = _TRAINING_RUNS[type(self)] = self._train()
        return run

    def _train(self) -> TrainingRun:
        keras.utils.set_random_seed(0)
        layer = self.make_layer()
        model, targets = self.make_training_model(layer)
        before = self.all_weight_values(layer)
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
        inputs = model_inputs(self.make_inputs())
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for _ in range(3):  # fit's steps without its data pipeline: one traced train step, run 3 times
                model.train_on_batch(inputs, targets)
        return TrainingRun(layer, before, self.all_weight_values(layer), [str(w.message) for w in caught])

    def frozen(self) -> list[str]:
        return [name for name in self.non_trainable if name not in self.state]

    def expected_config_values(self) -> dict[str, Any]:
        if self.config_values is not None:
            return self.config_values
        given = {k: v for k, v in self.init_kwargs.items() if k not in self.array_arguments}
        through_json: dict[str, Any] = json.loads(json.dumps(given))
        return through_json
