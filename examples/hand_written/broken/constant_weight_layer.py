# Hand-written, with the mistake layergen audit finds: a constant kept as a bare tensor.
import tensorflow as tf
from tensorflow.keras import backend as K


class ConstantWeightLayer(tf.keras.layers.Layer):
    """Multiplies its input by a fixed per-feature scale."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # A float32 tensor: not a weight, not in the config, float32 under mixed precision.
        self.scale = K.constant([0.5, 1.0, 2.0])

    def call(self, inputs):
        return inputs * self.scale
