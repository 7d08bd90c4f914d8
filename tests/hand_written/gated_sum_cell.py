"""An RNN cell with two states, written for layergen's tests of `audit` and `adopt`."""

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="cells")
class GatedSumCell(keras.layers.Layer):
    """One step: a gate decides how much of the running sum `c` to keep; `h` is its tanh."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = [units, units]
        self.output_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(name="kernel", shape=(input_shape[-1], 2 * self.units))
        self.recurrent_kernel = self.add_weight(name="recurrent_kernel", shape=(self.units, 2 * self.units))
        self.bias = self.add_weight(name="bias", shape=(2 * self.units,), initializer="zeros")

    def call(self, inputs, states):
        h, c = states
        mixed = ops.matmul(inputs, self.kernel) + ops.matmul(h, self.recurrent_kernel) + self.bias
        gate, candidate = ops.split(mixed, 2, axis=-1)
        c = ops.sigmoid(gate) * c + ops.tanh(candidate)
        h = ops.tanh(c)
        return h, [h, c]

    def get_config(self):
        return {**super().get_config(), "units": self.units}
