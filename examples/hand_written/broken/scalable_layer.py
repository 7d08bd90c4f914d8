# Hand-written, with the mistakes layergen audit finds: the weight is made on first call, and
# there is no get_config for `initial_scale`.
import keras


@keras.saving.register_keras_serializable(package="hand_written")
class ScalableLayer(keras.layers.Layer):
    """Multiplies its input by one trainable scalar."""

    def __init__(self, initial_scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.initial_scale = initial_scale

    def call(self, inputs):
        if not hasattr(self, "scale"):
            self.scale = self.add_weight(
                name="scale", shape=(), initializer=keras.initializers.Constant(self.initial_scale)
            )
        return inputs * self.scale
