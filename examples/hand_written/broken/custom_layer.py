# Hand-written, with the mistake layergen audit finds: trainable tf.Variables instead of weights.
import tensorflow as tf


class CustomLayer(tf.keras.layers.Layer):
    """A linear map whose kernel and bias are tf.Variables."""

    def __init__(self, units=8, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = tf.Variable(tf.random.normal([input_shape[-1], self.units]), trainable=True)
        self.b = tf.Variable(tf.zeros([self.units]), trainable=True)

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b

    def get_config(self):
        return {**super().get_config(), "units": self.units}
