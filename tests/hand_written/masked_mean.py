import keras
from keras import ops


@keras.saving.register_keras_serializable(package="mine")
class MaskedMean(keras.layers.Layer):
    """The mean over the steps the mask keeps."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        if mask is None:
            return ops.mean(inputs, axis=1)
        kept = ops.expand_dims(ops.cast(mask, inputs.dtype), axis=-1)
        return ops.sum(inputs * kept, axis=1) / ops.sum(kept, axis=1)

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[2])
