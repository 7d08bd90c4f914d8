# Hand-written, with the mistake layergen audit finds: the scale is assigned to `self.weights`.
import tensorflow as tf


class TrainableWeightLayer(tf.keras.layers.Layer):
    """Multiplies its input by a fixed per-feature scale."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.weights = [tf.Variable([0.5, 1.0, 2.0], trainable=False)]

    def call(self, inputs):
        return inputs * self.weights[0]
