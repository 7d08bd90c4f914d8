"""The contract's tests of `adapt`: state weights set to statistics of a data set, as
keras.layers.Normalization's mean and variance (the spec's `adapt`)."""

from __future__ import annotations

import importlib.util
from typing import Any

import pytest

from layergen.testing.base import ContractBase, applies_if
from layergen.testing.values import Array, keras, np

# The rows of the data `adapt` reads, and uneven batches of them: a statistic of the last
# batch alone, or an average of the batches' statistics, differs from the whole data's.
_ROWS = 11
_BATCHES = ((0, 3), (3, 4), (4, 11))


def _adapted(cls: type[ContractBase]) -> dict[str, tuple[str, tuple[int, ...]]]:
    """The weights `adapt` sets that exist in this class's setting."""
    present = set(cls.non_trainable)
    return {name: kept for name, kept in cls.adapt.items() if name in present}


class AdaptTests(ContractBase):
    """Collected only for layers whose spec has `adapt` (the `adapt` attribute), in the
    settings where the weights it sets exist."""

    def adapt_data(self, seed: int = 3) -> Array:
        """Rows of the test's (single) input, more of them than the test's batch."""
        return self.make_inputs(seed=seed, batch=_ROWS)[0].astype("float32")

    def adapted_values(self, layer: keras.layers.Layer) -> dict[str, Array]:
        values = self.own_weight_values(layer)
        return {name: values[name] for name in _adapted(type(self))}

    @applies_if(lambda cls: bool(_adapted(cls)), "no weight is set by `adapt` with these arguments")
    def test_adapt_sets_the_statistics_of_the_data(self) -> None:
        # From a NumPy array and from a tensor, on an unbuilt layer: the layer is built from
        # the data's shape, and each weight is NumPy's statistic over the axes it does not keep.
        data = self.adapt_data()
        for given in (data, keras.ops.convert_to_tensor(data)):
            layer = self.make_layer()
            layer.adapt(given)
            assert layer.built
            values = self.adapted_values(layer)
            for name, (statistic, kept) in self.adapt.items():
                if name in values:
                    expected = _numpy_statistic(data, statistic, kept)
                    np.testing.assert_allclose(values[name], expected, rtol=1e-5, atol=1e-6, err_msg=name)
            layer(*self.call_args(self.make_inputs()))  # and the layer runs

    @applies_if(lambda cls: bool(_adapted(cls)), "no weight is set by `adapt` with these arguments")
    def test_adapt_combines_batches_exactly(self) -> None:
        # Uneven batches, in every form `adapt` takes, give the statistics of the whole data.
        data = self.adapt_data()
        whole = self.make_layer()
        whole.adapt(data)
        expected = self.adapted_values(whole)
        batches = [data[start:stop] for start, stop in _BATCHES]
        forms: dict[str, Any] = {
            "a list of batches": batches,
            "a generator of (x, y) tuples": ((x, np.zeros(len(x))) for x in batches),
            "a keras.utils.PyDataset of (x, y, sample_weight)": _py_dataset(batches),
            "an array read in batches of 2": (data, 2),
        }
        if importlib.util.find_spec("tensorflow") is not None:
            import tensorflow as tf

            forms["a batched tf.data.Dataset"] = tf.data.Dataset.from_tensor_slices(data).batch(4)
        for form, given in forms.items():
            layer = self.make_layer()
            if isinstance(given, tuple):
                layer.adapt(given[0], batch_size=given[1])
            else:
                layer.adapt(given)
            for name, value in self.adapted_values(layer).items():
                np.testing.assert_allclose(value, expected[name], rtol=1e-5, atol=1e-6, err_msg=f"{name}, {form}")
        # `steps`: the first batches only.
        layer = self.make_layer()
        layer.adapt(iter(batches), steps=1)
        first = self.make_layer()
        first.adapt(batches[0])
        for name, value in self.adapted_values(layer).items():
            np.testing.assert_allclose(value, self.adapted_values(first)[name], rtol=1e-5, atol=1e-6, err_msg=name)

    @applies_if(lambda cls: any(kept for _, kept in _adapted(cls).values()), "no weight `adapt` sets keeps an axis")
    def test_adapt_refuses_data_of_an_incompatible_shape(self) -> None:
        # A built layer, and data one larger on an axis a statistic keeps: a ValueError, as
        # keras.layers.Normalization raises it, and the weights are left as they were.
        layer = self.make_layer()
        layer(*self.call_args(self.make_inputs()))
        before = self.adapted_values(layer)
        kept = next(kept for _, kept in _adapted(type(self)).values() if kept)
        data = self.adapt_data()
        shape = list(data.shape)
        shape[kept[-1]] += 1
        with pytest.raises(ValueError, match="incompatible shape"):
            layer.adapt(np.resize(data, shape))
        for name, value in self.adapted_values(layer).items():
            np.testing.assert_array_equal(value, before[name], err_msg=name)
        with pytest.raises(ValueError, match="empty iterable"):
            self.make_layer().adapt([])


def _numpy_statistic(data: Array, statistic: str, kept: tuple[int, ...]) -> Array:
    axes = tuple(axis for axis in range(data.ndim) if axis not in kept)
    values = data.astype("float64")
    if statistic == "count":
        return np.full([data.shape[axis] for axis in kept], int(np.prod([data.shape[axis] for axis in axes])))
    reduce: Any = {"mean": np.mean, "variance": np.var, "min": np.min, "max": np.max}[statistic]
    result: Array = reduce(values, axis=axes)
    return result


def _py_dataset(batches: list[Array]) -> Any:
    """A `keras.utils.PyDataset` of `(x, y, sample_weight)` batches (made on first use:
    importing the contract imports no Keras)."""

    class Batches(keras.utils.PyDataset):  # type: ignore[misc]
        def __len__(self) -> int:
            return len(batches)

        def __getitem__(self, index: int) -> tuple[Array, Array, Array]:
            x = batches[index]
            return x, np.zeros(len(x)), np.ones(len(x))

    return Batches()
