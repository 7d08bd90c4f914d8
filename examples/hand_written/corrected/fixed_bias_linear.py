# Hand-written, corrected: kernel and frozen bias are made with add_weight in build, and
# get_config holds every constructor argument.
import keras
from keras import ops


@keras.saving.register_keras_serializable(package="hand_written")
class FixedBiasLinear(keras.layers.Layer):
    """A trainable kernel with a bias that stays at `bias_value`."""

    def __init__(self, units, bias_value=0.5, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.bias_value = bias_value

    def build(self, input_shape):
        self.kernel = self.add_weight(
            name="kernel", shape=(input_shape[-1], self.units), initializer="glorot_uniform", trainable=True
        )
        self.bias = self.add_weight(
            name="bias",
            shape=(self.units,),
            initializer=keras.initializers.Constant(self.bias_value),
            trainable=False,
        )

    def call(self, inputs):
        return ops.matmul(inputs, self.kernel) + self.bias

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units, "bias_value": self.bias_value})
        return config
