"""The contract's tests of a layer that holds sub-layers: built by `build`, tracked, trained."""

from __future__ import annotations

from layergen.testing.base import ContractBase, applies_if
from layergen.testing.values import keras, model_inputs, np


class SublayerTests(ContractBase):
    """Collected only for layers that list `sublayers`."""

    @applies_if(lambda cls: bool(cls.sublayers), "the layer has no sub-layers")
    def test_build_builds_the_sublayers_and_their_weights_are_the_layers(self):
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
    def test_sublayers_train(self):
        keras.utils.set_random_seed(0)
        layer = self.make_layer()
        model, targets = self.make_training_model(layer)
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
        before = self.all_weight_values(layer)
        model.train_on_batch(model_inputs(self.make_inputs()), targets)
        after = self.all_weight_values(layer)
        for key, sub in self.sublayers_of(layer):
            if not sub.trainable_weights:
                continue
            names = [k for k in before if k.startswith(f"{key}/")]
            changed = [k for k in names if not np.array_equal(before[k], after[k])]
            assert changed, f"no weight of sub-layer {key} learned"
