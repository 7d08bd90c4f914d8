import ast
import random

import pytest

from layergen.analysis import expressions
from layergen.analysis.expressions import ExpressionError, parse
from layergen.render.pycode import code as write
from layergen.render.values import Call, Item, Literal, Name


@pytest.mark.parametrize(
    ("text", "code", "value"),
    [
        ("units", "self.units", 4),
        ("heads * head_dim", "self.heads * self.head_dim", 6),
        ("(units + heads) * 2", "(self.units + self.heads) * 2", 12),
        ("units - (heads - head_dim)", "self.units - (self.heads - self.head_dim)", 5),
        ("units // 2 + 1", "self.units // 2 + 1", 3),
        (7, "7", 7),
    ],
)
def test_expressions_render_and_evaluate(text, code, value):
    expression = parse(text)
    assert write(expression.to_code({n: Name(f"self.{n}") for n in expression.names})) == code
    assert expression.evaluate({"units": 4, "heads": 2, "head_dim": 3}) == value


@pytest.mark.parametrize(
    "text",
    [
        '__import__("os").system("true")',
        "units.real",
        "units ** 2",
        "1.5",
        "shape[-1]",
        "shape[i]",
        "shape[0:1]",
        "shape[0][1]",
        "f(x)[0]",
        "shape[True]",
        "lambda: 1",
        "f(x)",
        "a if b else c",
        "",
        -1,
        True,
        "-3",
        "-units",
    ],
)
def test_anything_outside_the_grammar_is_refused(text):
    with pytest.raises(ExpressionError):
        parse(text)


def test_names_are_listed_once_in_order():
    assert parse("b * a + b").names == ["b", "a"]


def test_an_item_of_a_tuple_argument_renders_and_evaluates():
    # `padding[0] + padding[1]`, as ZeroPadding1D's output shape reads its int_tuple `padding`.
    expression = parse("steps + padding[0] + padding[1]")
    assert expression.items == {"padding": [0, 1]} and expression.bare_names == ["steps"]
    assert write(expression.to_code({"steps": Name("steps")})) == "steps + self.padding[0] + self.padding[1]"
    assert expression.evaluate({"steps": 5, "padding": (1, 2)}) == 8


# -- conditions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("mask_zero", "self.mask_zero"),
        ("center and not rms_scaling", "self.center and (not self.rms_scaling)"),
        ("data_format == 'channels_last'", "self.data_format == 'channels_last'"),
        ("axis in (-1, 1) or rank > 2", "self.axis in (-1, 1) or self.rank > 2"),
        ("units * 2 if keepdims else -units", "self.units * 2 if self.keepdims else -self.units"),
        (True, "True"),
    ],
)
def test_a_condition_compiles_to_the_same_expression_over_self(text, code):
    condition = expressions.parse_condition(text)
    compiled = expressions.condition_code(condition, {name: Name(f"self.{name}") for name in condition.names})
    assert write(compiled) == code


@pytest.mark.parametrize(
    "text",
    ["print(units)", "units.__class__", "units[0]", "lambda: 1", "[units]", "f'{units}'", "_private", "x := 1", "b'x'"],
)
def test_a_condition_outside_the_grammar_is_refused(text):
    with pytest.raises(expressions.ExpressionError):
        expressions.parse_condition(text)


@pytest.mark.parametrize(
    ("text", "values", "expected"),
    [
        ("center and not rms_scaling", {"center": True, "rms_scaling": False}, True),
        ("center and not rms_scaling", {"center": True, "rms_scaling": True}, False),
        ("data_format == 'channels_last' and keepdims", {"data_format": "channels_last", "keepdims": False}, False),
        ("axis in (-1, 2) or units > 3", {"axis": 0, "units": 4}, True),
        ("0 < units <= 4", {"units": 5}, False),
        ("units * 2 if keepdims else -units", {"units": 3, "keepdims": False}, -3),
        ("seed is None", {"seed": None}, True),
    ],
)
def test_a_condition_evaluates_as_its_generated_code_does(text, values, expected):
    condition = expressions.parse_condition(text)
    assert expressions.evaluate_condition(condition, values) == expected
    code = write(expressions.condition_code(condition, {name: Name(f"self.{name}") for name in condition.names}))
    assert eval(code, {}, {"self": type("Layer", (), values)}) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("keepdims and ('ab' * 100000 * 100000 * 100000) == 'x'", "is on numbers and arguments, not 'ab'"),
        ("keepdims + 'a'", "is on numbers and arguments, not 'a'"),
        ("-'a' * 3 == 'x'", "not 'a'"),
        ("units * None", "not None"),
        ("units // 0 > 1", "divides by zero"),
    ],
)
def test_conditions_do_arithmetic_on_numbers_alone(text, message):
    """A string repeated by arithmetic would fill the memory of layergen's check and of the
    generated layer alike; a literal zero divisor fails wherever it runs."""
    with pytest.raises(ExpressionError, match=message.replace("(", r"\(")):
        expressions.parse_condition(text)


@pytest.mark.parametrize("text", ["units < 1e999", "-1e400 < units", "units < 1e999 - 1e999"])
def test_a_condition_with_a_number_too_large_for_a_float_is_refused(text):
    """`1e999` reads as inf, which the generated code could only write as a name; numbers
    must be finite, as in a spec's values."""
    with pytest.raises(ExpressionError, match="numbers must be finite, found inf"):
        expressions.parse_condition(text)


def test_a_condition_that_fails_for_some_values_says_so_instead_of_crashing():
    condition = expressions.parse_condition("units // zero > 1")
    assert expressions.evaluate_condition(condition, {"units": 4, "zero": 2}) is True
    with pytest.raises(ExpressionError, match="division or modulo by zero"):
        expressions.evaluate_condition(condition, {"units": 4, "zero": 0})
    assert expressions.arithmetic_names(expressions.parse_condition("a and -b * 2 > c")) == ["b"]


@pytest.mark.parametrize(
    ("text", "canonical"),
    [("units", "units"), ("2*units", "2 * units"), ("(a * b) * (c - (d - 1))", "a * b * (c - (d - 1))"), (7, "7")],
)
def test_the_canonical_spelling_is_spaced_one_way(text, canonical):
    assert parse(text).canonical == canonical


def _random_condition(rnd: random.Random, depth: int) -> str:
    if depth == 0 or rnd.random() < 0.2:
        return rnd.choice(["a", "b", "c", "1", "'x'", "None", "True", "x.rank", "0.5"])
    a, b, c = (_random_condition(rnd, depth - 1) for _ in range(3))
    return rnd.choice(
        [
            f"({a} and {b} and {c})",
            f"({a} or {b})",
            f"(not {a})",
            f"(-{a})",
            f"({a} {rnd.choice(['<', '==', 'is not', 'in'])} {b})",
            f"({a} < {b} <= {c})",
            f"({a} {rnd.choice(['+', '-', '*', '//'])} {b})",
            f"({a} if {b} else {c})",
            f"({a}, {b})",
        ]
    )


def test_a_condition_is_written_as_ast_unparse_writes_it():
    """The generated code has always had `ast.unparse`'s parentheses (`a and (not b)`): the
    code value keeps them, names replaced by atoms (attributes, items, calls)."""
    replaced = {"a": "self.a", "b": "input_shape[-1]", "c": "self.c", "x.rank": "len(input_shape)"}
    values = {
        "a": Name("self.a"),
        "b": Item(Name("input_shape"), Literal(-1)),
        "c": Name("self.c"),
        "x.rank": Call("len", (Name("input_shape"),)),
    }

    class _Replace(ast.NodeTransformer):
        def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
            return ast.parse(replaced["x.rank"], mode="eval").body

        def visit_Name(self, node: ast.Name) -> ast.expr:
            return ast.parse(replaced[node.id], mode="eval").body

    rnd = random.Random(17)
    for _ in range(3000):
        try:
            condition = expressions.parse_condition(_random_condition(rnd, 3))
        except ExpressionError:
            continue
        expected = ast.unparse(_Replace().visit(ast.parse(condition.text, mode="eval").body))
        assert write(expressions.condition_code(condition, values)) == expected, condition.text
