import keras
from keras import ops


@keras.saving.register_keras_serializable(package="mine")
class GatedProjection(keras.layers.Layer):
    """A projection gated by a learned per-unit scale."""

    def __init__(self, units=6, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.projection = keras.layers.Dense(units, activation="tanh", dtype=self.dtype_policy)

    def build(self, input_shape):
        self.projection.build(input_shape)
        self.gate = self.add_weight(name="gate", shape=(self.units,), initializer="ones")

    def call(self, inputs):
        return self.projection(inputs) * ops.sigmoid(self.gate)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {**super().get_config(), "units": self.units}
