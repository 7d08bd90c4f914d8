"""The module a layer class goes in (`layergen.spec.names.snake_case`): named as Keras names
its own modules and its layers' default names."""

import pytest

from layergen.spec.names import snake_case

keras_naming = pytest.importorskip("keras.src.utils.naming")  # the test may read Keras's source; generated code never


@pytest.mark.parametrize(
    ("class_name", "module"),
    [
        ("LinearLayer", "linear_layer"),
        ("LSTMCell", "lstm_cell"),
        ("UpSampling1D", "up_sampling1d"),
        ("MaxPooling1DLayer", "max_pooling1d_layer"),
        ("Conv2DTranspose", "conv2d_transpose"),
        ("PReLUAllAxes", "p_re_lu_all_axes"),
        ("Layer2Norm", "layer2_norm"),
        ("ABCLayer", "abc_layer"),
    ],
)
def test_module_names_follow_keras(class_name, module):
    assert snake_case(class_name) == module == keras_naming.to_snake_case(class_name)
