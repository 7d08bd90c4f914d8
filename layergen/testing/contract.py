"""`LayerContract`: the tests every generated layer must pass, written once for all of them.

A test class sets the layer's data as class attributes and inherits the tests. Tests that do
not apply to the layer (no state weights, no regularizer, ...) are not collected. To skip one
that applies, name it in `skip` with the reason; to change one, override the method.
docs/contract.md says what each test proves.

The contract is assembled from one part per concern: `base` (the layer's data, shared helpers,
which tests apply), `core_tests`, `sublayer_tests`, `mask_tests`, `argument_tests`,
`distribution_tests`, `random_tests`, `cell_tests`, `loss_tests`, `call_argument_tests`, `shape_tests`,
`initializer_part_tests` and `adapt_tests`.
This module adds the `.keras` fresh-process test and the session hooks that start and stop
the helper processes.
"""

from __future__ import annotations

import sys
from collections.abc import Collection
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from layergen.testing import distribution, fresh_process
from layergen.testing.adapt_tests import AdaptTests
from layergen.testing.argument_tests import ArgumentTests
from layergen.testing.base import check_skip, collect_only_what_applies
from layergen.testing.call_argument_tests import CallArgumentTests
from layergen.testing.cell_tests import CellTests
from layergen.testing.core_tests import CoreTests
from layergen.testing.distribution_tests import DISTRIBUTION_TESTS, DistributionTests
from layergen.testing.initializer_part_tests import InitializerPartTests
from layergen.testing.loss_tests import LossTests
from layergen.testing.mask_tests import MaskTests
from layergen.testing.random_tests import RandomTests
from layergen.testing.shape_tests import ShapeTests
from layergen.testing.sublayer_tests import SublayerTests
from layergen.testing.values import (
    Input,
    Output,
    assert_same_outputs,
    keras,
    model_inputs,
    np,
    numpy_outputs,
    random_array,
)

__all__ = ["Input", "LayerContract", "Output", "contract_test_names", "random_array"]

_SESSION_PREPARED = pytest.StashKey[bool]()


# pytest collects a class's tests base class first, so the parts' order here (last first) is the
# tests' order: core, sub-layers, masks, arguments, distribution, randomness, cells, losses,
# call arguments, shapes that follow a condition, weights made in parts, `adapt`, then the .keras file.
class LayerContract(
    AdaptTests,
    InitializerPartTests,
    ShapeTests,
    CallArgumentTests,
    LossTests,
    CellTests,
    RandomTests,
    DistributionTests,
    ArgumentTests,
    MaskTests,
    SublayerTests,
    CoreTests,
):
    """Base class of a layer's tests: set the data (see `ContractBase`), inherit the contract's tests.

    Not collected itself (its name does not start with `Test`); a subclass `TestX` is.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        collect_only_what_applies(cls, {name: getattr(LayerContract, name) for name in contract_test_names()})
        check_skip(cls)

    @pytest.fixture(autouse=True)
    def _contract_setup(self, request: pytest.FixtureRequest) -> None:
        reason = self.skip.get(request.node.originalname)
        if reason:
            pytest.skip(reason)
        _prepare_session(request.session)

    # The last test collected (a class's own tests follow its parts'): the fresh process
    # has then had the most time to start.
    def test_keras_file_loads_in_a_fresh_process_without_custom_objects(self, tmp_path: Path) -> None:
        _, model = self.make_model_with_new_weight_values()
        inputs = self.make_inputs()
        expected = numpy_outputs(model(model_inputs(inputs)))
        model.save(tmp_path / "model.keras")
        np.savez(tmp_path / "inputs.npz", *inputs)
        try:
            fresh_process.load_and_predict(
                keras.backend.backend(),
                self.layer_class.__module__,
                model=tmp_path / "model.keras",
                inputs=tmp_path / "inputs.npz",
                outputs=tmp_path / "outputs.npz",
                timeout=self.fresh_process_timeout,
            )
        except fresh_process.LoaderError as error:
            message = f"the .keras file does not load in a fresh process without custom_objects:\n{error}"
            # The fresh process's traceback is the one that helps; this process's is noise.
            raise pytest.fail.Exception(message, pytrace=False) from None
        with np.load(tmp_path / "outputs.npz") as saved:
            assert_same_outputs([saved[f"arr_{i}"] for i in range(len(saved.files))], expected)


KERAS_FILE_TEST = LayerContract.test_keras_file_loads_in_a_fresh_process_without_custom_objects.__name__


def contract_test_names() -> list[str]:
    """The contract's tests, in the order pytest collects them (a base class's tests first)."""
    return [name for part in reversed(LayerContract.__mro__) for name in vars(part) if name.startswith("test")]


def _prepare_session(session: pytest.Session) -> None:
    """Once per session: stop the loader at its end, and now unless a .keras test will run."""
    if session.stash.get(_SESSION_PREPARED, False):
        return
    session.stash[_SESSION_PREPARED] = True
    session.config.add_cleanup(fresh_process.stop)
    if any(_runs_keras_file_test(item) for item in session.items):
        fresh_process.start(keras.backend.backend())  # already running unless it died
    else:
        fresh_process.stop()
    session.config.add_cleanup(distribution.stop)
    if any(_runs(item, DISTRIBUTION_TESTS) for item in session.items) and keras.backend.backend() == "jax":
        distribution.start()


def _runs_keras_file_test(item: pytest.Item) -> bool:
    return _runs(item, (KERAS_FILE_TEST,))


def _runs(item: pytest.Item, tests: Collection[str]) -> bool:
    """Whether `item` is one of the contract's `tests`, not skipped by its class."""
    test_class = getattr(item, "cls", None)
    name = getattr(item, "originalname", None)
    if name not in tests or test_class is None:
        return False
    return issubclass(test_class, LayerContract) and name not in test_class.skip


def _start_the_loader_if_pytest_is_collecting() -> None:
    """Imported by a test module that pytest collects (a generated one's first line), start the
    loader: it imports Keras on another core while this process imports the layers' modules
    (and Keras) and runs the first tests. The first test stops it if no `.keras` test was selected."""
    frame: FrameType | None = sys._getframe()
    while frame is not None:
        code = frame.f_code
        if code.co_name == "importtestmodule" and "_pytest" in code.co_filename:
            fresh_process.start_early()
            return
        frame = frame.f_back


_start_the_loader_if_pytest_is_collecting()
