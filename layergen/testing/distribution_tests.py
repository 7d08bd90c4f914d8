"""The contract's tests under keras.distribution, run in a fresh JAX process with virtual devices
(see distribution.py): data parallel for every layer, model parallel for one that declares layouts."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from layergen.testing import distribution
from layergen.testing.base import ContractBase, applies_if
from layergen.testing.values import keras, np, random_array

_NO_DISTRIBUTION = {
    "tensorflow": "keras.distribution on TensorFlow is an unfinished prototype in Keras 3 (distribute_value is a TODO)",
    "torch": "keras.distribution has no PyTorch backend in Keras 3",
}
_RUN_ON_JAX = "; the JAX backend runs this test (KERAS_BACKEND=jax)"


class DistributionTests(ContractBase):
    """Skipped on backends without keras.distribution; the session starts the JAX process when one runs."""

    def _distributed_check(self, mode: str, tmp_path: Path) -> None:
        backend = keras.backend.backend()
        if backend != "jax":
            pytest.skip(_NO_DISTRIBUTION.get(backend, f"{backend} has no keras.distribution") + _RUN_ON_JAX)
        outputs = self.expected_outputs()
        if not all(output.is_float for output in outputs):
            kinds = ", ".join(f"{output.name} ({output.dtype})" for output in outputs if not output.is_float)
            pytest.skip(f"the distribution check trains every output, and an integer one has no gradient: {kinds}")
        arrays = self.make_inputs()
        batch = outputs[0].shape[0]
        if batch % 2:  # two devices split the batch evenly
            arrays, batch = [np.concatenate([x, x]) for x in arrays], 2 * batch
        case = {
            "layer_class": self.layer_class,
            "init_kwargs": copy.deepcopy(self.init_kwargs),
            "inputs": [(item.name, item.shape[1:], item.dtype) for item in self.inputs],
            "arrays": arrays,
            "targets": [random_array((batch, *output.shape[1:]), seed=2 + i) for i, output in enumerate(outputs)],
            "layouts": dict(self.layouts),
            "grouped_states": isinstance(self.state_size, list),
        }
        try:
            distribution.check(mode, case, tmp_path, timeout=self.fresh_process_timeout)
        except distribution.LoaderError as error:
            message = f"under keras.distribution (JAX, {distribution.DEVICES} virtual CPU devices):\n{error}"
            raise pytest.fail.Exception(message, pytrace=False) from None

    def test_trains_and_predicts_under_data_parallel(self, tmp_path: Path) -> None:
        self._distributed_check("data_parallel", tmp_path)

    @applies_if(lambda cls: bool(cls.layouts), "no weight declares a layout")
    def test_weights_are_sharded_as_declared_under_model_parallel(self, tmp_path: Path) -> None:
        self._distributed_check("model_parallel", tmp_path)


# The session hooks start the distribution process when one of these will run.
DISTRIBUTION_TESTS = (
    DistributionTests.test_trains_and_predicts_under_data_parallel.__name__,
    DistributionTests.test_weights_are_sharded_as_declared_under_model_parallel.__name__,
)
