# Hand-written, corrected: the scale is a constructor argument kept in the config as plain
# numbers, and becomes a tensor of the layer's compute dtype in call.
import keras
from keras import ops


@keras.saving.register_keras_serializable(package="hand_written")
class ConstantWeightLayer(keras.layers.Layer):
    """Multiplies its input by a fixed per-feature scale."""

    def __init__(self, scale=(0.5, 1.0, 2.0), **kwargs):
        super().__init__(**kwargs)
        self.scale = [float(value) for value in scale]

    def call(self, inputs):
        return inputs * ops.convert_to_tensor(self.scale, dtype=self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}
