"""The contract's tests of constructor arguments: weights that start from array arguments,
and values the constructor must refuse."""

from __future__ import annotations

import re
from typing import Any

import pytest

from layergen.testing.base import ContractBase, applies_if
from layergen.testing.values import np


class ArgumentTests(ContractBase):
    """Collected only for layers with array weights (`array_weights`) or refused values (`invalid_arguments`)."""

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

    @applies_if(lambda cls: bool(cls.invalid_arguments), "no argument has a value to refuse")
    def test_invalid_arguments_are_refused(self, invalid_argument: tuple[Any, ...]) -> None:
        # (name, value, message), or with a fourth item "TypeError" for a value of the wrong
        # kind, which Keras's own layers refuse with a TypeError (LayerNormalization's `axis`).
        name, value, message, *error = invalid_argument
        expected = TypeError if error == ["TypeError"] else ValueError
        with pytest.raises(expected, match=re.escape(message)):
            self.make_layer(**{name: value})
