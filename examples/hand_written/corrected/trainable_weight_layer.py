# Hand-written, corrected: the scale is a frozen weight made with add_weight in build.
import keras


@keras.saving.register_keras_serializable(package="hand_written")
class TrainableWeightLayer(keras.layers.Layer):
    """Multiplies its input by a fixed per-feature scale held as a frozen weight."""

    def build(self, input_shape):
        self.scale = self.add_weight(
            name="scale",
            shape=(3,),
            initializer=keras.initializers.Constant([0.5, 1.0, 2.0]),
            trainable=False,
        )

    def call(self, inputs):
        return inputs * self.scale

    def compute_output_shape(self, input_shape):
        return input_shape
