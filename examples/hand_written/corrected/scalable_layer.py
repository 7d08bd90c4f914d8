# Hand-written, corrected: the scale is made in build, and get_config holds `initial_scale`.
import keras


@keras.saving.register_keras_serializable(package="hand_written")
class ScalableLayer(keras.layers.Layer):
    """Multiplies its input by one trainable scalar."""

    def __init__(self, initial_scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.initial_scale = initial_scale

    def build(self, input_shape):
        self.scale = self.add_weight(
            name="scale", shape=(), initializer=keras.initializers.Constant(self.initial_scale)
        )

    def call(self, inputs):
        return inputs * self.scale

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "initial_scale": self.initial_scale}
