# Hand-written, with the mistake layergen audit finds: a constant made once as a float32 tensor.
import keras
import numpy as np
from keras import ops


@keras.saving.register_keras_serializable(package="hand_written")
class BareConstantLayer(keras.layers.Layer):
    """Adds a fixed per-feature offset."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.offset = ops.convert_to_tensor(np.array([1.0, -1.0, 0.5]), dtype="float32")

    def call(self, inputs):
        return inputs + self.offset

    def compute_output_shape(self, input_shape):
        return input_shape
