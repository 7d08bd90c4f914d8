"""The contract's tests of shapes that follow a condition: the weights with `shapes` have the
shape their arguments and input choose (`weight_shapes`), as GRUCell's bias is (2, 3 * units)
with `reset_after` and (3 * units,) without; and the output has the shape a call argument
chooses (`call_output_shape`), eagerly, from `compute_output_shape` and symbolically."""

from __future__ import annotations

from typing import Any

from layergen.testing.base import ContractBase, applies_if
from layergen.testing.values import Input, keras


class ShapeTests(ContractBase):
    """Collected only for layers that declare `weight_shapes`."""

    @applies_if(lambda cls: bool(cls.weight_shapes), "no weight's shape follows a condition")
    def test_weights_have_the_shapes_their_conditions_choose(self) -> None:
        layer = self.make_layer()
        layer(*self.call_args(self.make_inputs()))  # built as a call builds it, from the inputs' shapes
        present = set(self.trainable) | set(self.non_trainable)
        for name, shape in self.weight_shapes.items():
            if name not in present:  # switched off here (`when`): the roles test checks that it is None
                continue
            weight: Any = getattr(layer, name)
            assert tuple(weight.shape) == tuple(shape), f"{name}: {tuple(weight.shape)}, expected {tuple(shape)}"

    @applies_if(lambda cls: cls.call_output_shape is not None, "no call argument chooses the output's shape")
    def test_the_output_shape_follows_the_call_arguments(self) -> None:
        layer = self.make_layer()
        cases: list[tuple[dict[str, Any], list[Input], tuple[int, ...]]] = [({}, self.inputs, tuple(self.output_shape))]
        cases.append((self.call_kwargs, self.call_inputs or self.inputs, tuple(self.call_output_shape or ())))
        for kwargs, items, expected in cases:
            eager = layer(*self.make_inputs(items=items), **kwargs)
            assert tuple(eager.shape) == expected, f"call{kwargs}: {tuple(eager.shape)}, expected {expected}"
            shapes = [item.shape for item in items]
            computed = tuple(layer.compute_output_shape(*shapes, **kwargs))
            assert computed == expected, f"compute_output_shape with {kwargs}: {computed}, expected {expected}"
            symbolic = [keras.Input(shape=item.shape[1:], dtype=item.dtype, name=item.name) for item in items]
            traced = tuple(layer(*symbolic, **kwargs).shape)
            assert traced == (None, *expected[1:]), f"a symbolic call with {kwargs}: {traced}"
