"""The contract's tests of a layer that holds sub-layers: built by `build`, tracked, trained."""

from __future__ import annotations

from layergen.testing.base import ContractBase, applies_if
from layergen.testing.values import np


class SublayerTests(ContractBase):
    """Collected only for layers that list `sublayers`."""

    @applies_if(lambda cls: bool(cls.sublayers), "the layer has no sub-layers")
    def test_build_builds_the_sublayers_and_their_weights_are_the_layers(self) -> None:
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

    @applies_if(lambda cls: bool(cls.sublayers), "the layer has no sub-layers")
    def test_sublayers_train(self) -> None:
        run = self.training_run()  # the one test_training_updates_trainable_weights_only checks
        before, after = run.before, run.after
        for key, sub in self.sublayers_of(run.layer):
            if not sub.trainable_weights:
                continue
            names = [k for k in before if k.startswith(f"{key}/")]
            changed = [k for k in names if not np.array_equal(before[k], after[k])]
            assert changed, f"no weight of sub-layer {key} learned"
