# Hand-written, corrected: the offset is plain numbers in the config, cast in call.
import keras
from keras import ops


@keras.saving.register_keras_serializable(package="hand_written")
class BareConstantLayer(keras.layers.Layer):
    """Adds a fixed per-feature offset."""

    def __init__(self, offset=(1.0, -1.0, 0.5), **kwargs):
        super().__init__(**kwargs)
        self.offset = [float(value) for value in offset]

    def call(self, inputs):
        return inputs + ops.convert_to_tensor(self.offset, dtype=self.compute_dtype)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "offset": self.offset}
