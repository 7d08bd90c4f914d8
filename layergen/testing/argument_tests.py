"""The contract's tests of constructor arguments: weights that start from array arguments,
constants given at construction, and values the constructor must refuse."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from layergen.testing.base import ContractBase, applies_if
from layergen.testing.values import assert_same_outputs, keras, model_inputs, np, numpy_outputs


class ArgumentTests(ContractBase):
    """Collected only for layers with array weights (`array_weights`), constants given at
    construction (`given_constants`) or refused values (`invalid_arguments`)."""

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if "invalid_argument" in metafunc.fixturenames:
            cases = list(self.invalid_arguments)
            metafunc.parametrize("invalid_argument", cases, ids=[str(case[0]) for case in cases])

    @applies_if(lambda cls: bool(cls.array_weights), "no weight starts from an array argument")
    def test_frozen_weights_start_from_the_given_arrays(self) -> None:
        layer = self.make_layer()
        layer(*self.call_args(self.make_inputs()))
        values = self.own_weight_values(layer)
        for weight, array in self.array_weights.items():
            np.testing.assert_array_equal(values[weight], self.init_kwargs[array], err_msg=weight)

    @applies_if(lambda cls: bool(cls.given_constants), "no constant is given at construction")
    def test_given_constants_are_plain_numbers_in_the_config_and_a_saved_model(self, tmp_path: Path) -> None:
        # Given as NumPy arrays, as users pass a mean or a table: the config holds plain
        # numbers (JSON), equal to them, and a `.keras` file keeps them.
        arrays = {name: _as_array(self.init_kwargs[name]) for name in self.given_constants}
        layer = self.make_layer(**arrays)
        model = self.make_model(layer)
        inputs = model_inputs(self.make_inputs())
        expected = numpy_outputs(model(inputs))
        config = json.loads(json.dumps(layer.get_config()))
        for name, array in arrays.items():
            np.testing.assert_allclose(np.asarray(config[name], dtype=array.dtype), array, err_msg=name)
        model.save(tmp_path / "model.keras")
        loaded = keras.saving.load_model(tmp_path / "model.keras")
        assert_same_outputs(loaded(inputs), expected)

    @applies_if(lambda cls: bool(cls.invalid_arguments), "no argument has a value to refuse")
    def test_invalid_arguments_are_refused(self, invalid_argument: tuple[Any, ...]) -> None:
        # (name, value, message), or with a fourth item "TypeError" for a value of the wrong
        # kind, which Keras's own layers refuse with a TypeError (LayerNormalization's `axis`).
        name, value, message, *error = invalid_argument
        expected = TypeError if error == ["TypeError"] else ValueError
        with pytest.raises(expected, match=re.escape(message)):
            self.make_layer(**{name: value})


def _as_array(value: Any) -> Any:
    """The value as a NumPy array: float32 for floats (as data sets give statistics), and
    integers as they are."""
    array = np.asarray(value)
    return array.astype("float32") if np.issubdtype(array.dtype, np.floating) else array
