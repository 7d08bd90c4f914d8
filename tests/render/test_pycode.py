"""pycode's writers of calls and of the first attribute given."""

from layergen.render import pycode, values


def test_first_given_reads_the_attributes_in_order_then_builds_the_object():
    scale = values.Operation("/", values.self_attribute("scale"), values.Name("input_dim"))
    obj = values.Call("keras.initializers.Constant", keywords=(("value", scale),))
    assert pycode.first_given(["kernel_initializer"]) == "self.kernel_initializer"
    assert pycode.first_given(["table", "kernel_initializer"]) == (
        "self.table if self.table is not None else self.kernel_initializer"
    )
    assert pycode.first_given(["kernel_initializer"], obj) == (
        "self.kernel_initializer if self.kernel_initializer is not None"
        " else keras.initializers.Constant(value=self.scale / input_dim)"
    )


def test_call_code_builds_keras_objects_in_place():
    obj = values.Call("keras.initializers.Zeros")
    units = ("units", values.Literal(4))
    assert pycode.call_code("keras.layers.Dense", [units, ("kernel_initializer", obj)]) == (
        "keras.layers.Dense(units=4, kernel_initializer=keras.initializers.Zeros())"
    )


def test_call_code_passes_arguments_without_a_keyword_by_position():
    shape = values.tuple_of(values.Name("input_shape"))
    assert pycode.call_code("self.block.build", [(None, shape)]) == "self.block.build((input_shape,))"
    assert pycode.call_code("layer.build", []) == "layer.build()"
