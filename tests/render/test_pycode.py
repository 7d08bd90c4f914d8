"""pycode's shortcuts against the slow ways they stand for."""

import tokenize

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layergen.render import pycode, values
from layergen.spec.python_lines import python_lines

SETTINGS = settings(max_examples=1500, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
CODE_PIECES = [
    "x = 1",
    "if a:",
    "    y = (",
    "1,",
    ")",
    "",
    "   ",
    's = "a"',
    "t = 'b'",
    'f"{x}"',
    "# c",
    "return x",
    "[",
    "]",
]
code_text = st.lists(st.sampled_from(CODE_PIECES) | st.text(max_size=8), max_size=8).map("\n".join)


@SETTINGS
@given(code_text)
def test_code_without_triple_quotes_or_backslashes_has_no_line_inside_a_string(code):
    if pycode._may_hold_multiline_strings(code):
        return
    try:
        inside = pycode._lines_inside_strings(python_lines(code))
    except (tokenize.TokenError, SyntaxError):
        return
    assert inside == set()


def test_a_multiline_string_keeps_its_text():
    code = 'x = """a\nb"""\ny = \'c\\\nd\'\nreturn x'
    assert pycode.indent_code(code, "  ") == '  x = """a\nb"""\n  y = \'c\\\nd\'\n  return x'


def test_first_given_reads_the_attributes_in_order_then_builds_the_object():
    scale = values.Operation("/", values.attribute("scale"), values.Name("input_dim"))
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
