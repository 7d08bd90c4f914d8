"""The contract's test of weights whose initial value is made in parts along an axis
(`initializer_parts`), as keras.layers.LSTMCell's bias with `unit_forget_bias`: the parts the
weight's own initializer argument makes hold what that argument gives, in their places; the
others are made by something else; where the parts' condition fails the argument makes the
whole value; and the argument is what get_config saves, so a layer from the config makes the
same parts."""

from __future__ import annotations

from typing import Any

from layergen.testing.base import ContractBase, applies_if
from layergen.testing.values import keras, np, to_numpy

# The value the test's initializer gives: one no spec's named initializer is likely to give.
_MARK = 0.3125


class InitializerPartTests(ContractBase):
    """Collected only for layers that declare `initializer_parts`."""

    @applies_if(lambda cls: bool(cls.initializer_parts), "no weight's initial value is made in parts")
    def test_weights_made_in_parts_take_each_part_from_its_initializer(self) -> None:
        for name, parts in self.initializer_parts.items():
            argument, axis, own = parts["argument"], parts["axis"], [tuple(r) for r in parts["own"]]
            value, layer = self._built_value(name, {**parts["when"], argument: keras.initializers.Constant(_MARK)})
            along = np.moveaxis(value, axis, 0)
            taken = np.zeros(along.shape[0], dtype=bool)
            for start, stop in own:
                assert np.all(
                    along[start:stop] == _MARK
                ), f"{name}: entries {start}:{stop} along axis {axis} are not what `{argument}` gives"
                taken[start:stop] = True
            if not taken.all():
                assert not np.all(
                    along[~taken] == _MARK
                ), f"{name}: `{argument}` made the parts other initializers make too"
            saved = keras.initializers.deserialize(layer.get_config()[argument])
            assert (
                saved.get_config().get("value") == _MARK
            ), f"{name}: get_config saves {layer.get_config()[argument]!r} as `{argument}`, not what the user passed"
            again, _ = self._built_value(name, None, config=layer.get_config())
            for start, stop in own:
                np.testing.assert_array_equal(np.moveaxis(again, axis, 0)[start:stop], along[start:stop])
            if parts["otherwise"] is not None:
                whole, _ = self._built_value(name, {**parts["otherwise"], argument: keras.initializers.Constant(_MARK)})
                assert np.all(
                    whole == _MARK
                ), f"{name}: with {parts['otherwise']}, `{argument}` does not make the whole value"

    def _built_value(
        self, name: str, overrides: dict[str, Any] | None, config: dict[str, Any] | None = None
    ) -> tuple[Any, keras.layers.Layer]:
        """The weight's initial value in a layer built as a call builds it."""
        if config is not None:
            layer = self._the_layer_class().from_config(config)
        else:
            layer = self.make_layer(**overrides or {})
        layer(*self.call_args(self.make_inputs()))
        weight = getattr(layer, name)
        assert weight is not None, f"{name} does not exist with {overrides or config}"
        return to_numpy(weight), layer
