# Hand-written, with the mistakes layergen audit finds: a tf.Variable made in __init__, and a
# get_config that forgets `bias_value`.
import tensorflow as tf


class FixedBiasLinear(tf.keras.layers.Layer):
    """A trainable kernel with a bias that stays at `bias_value`."""

    def __init__(self, units, bias_value=0.5, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.bias_value = bias_value
        self.bias = tf.Variable(tf.fill([units], bias_value), trainable=False)

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], self.units))

    def call(self, inputs):
        return tf.matmul(inputs, self.kernel) + self.bias

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config
