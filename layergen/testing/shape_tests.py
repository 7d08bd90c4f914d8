"""The contract's test of shapes that follow a condition: the weights with `shapes` have the
shape their arguments and input choose (`weight_shapes`), as GRUCell's bias is (2, 3 * units)
with `reset_after` and (3 * units,) without."""

from __future__ import annotations

from typing import Any

from layergen.testing.base import ContractBase, applies_if


class ShapeTests(ContractBase):
    """Collected only for layers that declare `weight_shapes`."""

    @applies_if(lambda cls: bool(cls.weight_shapes), "no weight's shape follows a condition")
    def test_weights_have_the_shapes_their_conditions_choose(self) -> None:
        layer = self.make_layer()
        layer(*self.make_inputs())  # built as a call builds it, from the inputs' shapes
        present = set(self.trainable) | set(self.non_trainable)
        for name, shape in self.weight_shapes.items():
            if name not in present:  # switched off here (`when`): the roles test checks that it is None
                continue
            weight: Any = getattr(layer, name)
            assert tuple(weight.shape) == tuple(shape), f"{name}: {tuple(weight.shape)}, expected {tuple(shape)}"
