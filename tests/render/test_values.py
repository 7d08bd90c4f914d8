"""The code-value writer: parentheses exactly where Python's precedence needs them."""

from __future__ import annotations

import ast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from layergen.records import FrozenInstanceError
from layergen.render import values as v
from layergen.render.pycode import code

_ARITHMETIC = {"+": ast.Add(), "-": ast.Sub(), "*": ast.Mult(), "//": ast.FloorDiv()}
_BOOLEAN = {"and": ast.And(), "or": ast.Or()}
_COMPARISONS = {"<": ast.Lt(), "==": ast.Eq(), "is not": ast.IsNot(), "not in": ast.NotIn()}
_BINARY = [*_ARITHMETIC, *_BOOLEAN, *_COMPARISONS]

leaves = st.one_of(
    st.sampled_from(["a", "self.units", "input_shape"]).map(v.Name),
    st.one_of(st.integers(-3, 3), st.booleans(), st.none(), st.text("ab ", max_size=3)).map(v.Literal),
)
trees = st.recursive(
    leaves,
    lambda inner: st.one_of(
        st.builds(v.Operation, st.sampled_from(sorted(_BINARY)), inner, inner),
        st.builds(v.Unary, st.sampled_from(["not", "-"]), inner),
        st.builds(v.IfElse, inner, inner, inner),
        st.builds(v.Item, inner, leaves),
        st.builds(lambda items: v.Collection(tuple(items)), st.lists(inner, max_size=3)),
        st.builds(
            lambda args: v.Call("f", tuple(args), (("key", args[0]),) if args else ()), st.lists(inner, max_size=2)
        ),
    ),
    max_leaves=8,
)


def _expected(tree: v.Code) -> ast.expr:
    """The tree as Python's own syntax tree: an oracle written apart from the writer."""
    if isinstance(tree, v.Name):
        return ast.parse(tree.path, mode="eval").body
    if isinstance(tree, v.Literal):
        value = tree.value
        if isinstance(value, int) and not isinstance(value, bool) and value < 0:
            return ast.UnaryOp(ast.USub(), ast.Constant(-value))
        return ast.Constant(value)
    if isinstance(tree, v.Operation):
        left, right = _expected(tree.left), _expected(tree.right)
        if tree.operator in _BOOLEAN:
            op = _BOOLEAN[tree.operator]
            # `a and b and c` is one BoolOp in Python's tree.
            flat = left.values if isinstance(left, ast.BoolOp) and isinstance(left.op, type(op)) else [left]
            return ast.BoolOp(op, [*flat, right])
        if tree.operator in _COMPARISONS:
            return ast.Compare(left, [_COMPARISONS[tree.operator]], [right])
        return ast.BinOp(left, _ARITHMETIC[tree.operator], right)
    if isinstance(tree, v.Unary):
        return ast.UnaryOp(ast.Not() if tree.operator == "not" else ast.USub(), _expected(tree.operand))
    if isinstance(tree, v.IfElse):
        return ast.IfExp(_expected(tree.condition), _expected(tree.then), _expected(tree.otherwise))
    if isinstance(tree, v.Item):
        return ast.Subscript(_expected(tree.value), _expected(tree.index))
    if isinstance(tree, v.Collection):
        return ast.Tuple([_expected(item) for item in tree.items])
    assert isinstance(tree, v.Call)
    keywords = [ast.keyword(name, _expected(value)) for name, value in tree.keywords]
    return ast.Call(ast.Name("f"), [_expected(argument) for argument in tree.arguments], keywords)


@settings(max_examples=500, derandomize=True, deadline=None)
@given(trees)
def test_written_code_means_the_tree_with_the_parentheses_python_writes(tree: v.Code) -> None:
    """Read back with Python's parser, the written code is the tree (no parenthesis missing),
    and it is what `ast.unparse` writes for that tree (none too many)."""
    expected = ast.fix_missing_locations(ast.Expression(_expected(tree)))
    written = code(tree)
    assert ast.dump(ast.parse(written, mode="eval")) == ast.dump(ast.parse(ast.unparse(expected), mode="eval"))
    if not _BOOLEAN.keys() & _operators(tree):
        # `ast.unparse` puts `not` after `and` in parentheses (`a and (not b)`); elsewhere
        # its parentheses are the fewest that keep the meaning.
        assert written == ast.unparse(expected)


def _operators(tree: v.Code) -> set[str]:
    return {node.operator for node in _walk(tree) if isinstance(node, v.Operation)}


def _walk(tree: object) -> list[object]:
    if isinstance(tree, tuple):
        return [node for item in tree for node in _walk(item)]
    fields = v.record_fields(tree)
    return [tree, *(node for name in fields for node in _walk(getattr(tree, name)))] if fields else []


def test_boolean_operands_take_parentheses_only_where_the_meaning_needs_them() -> None:
    a, b, c = v.Name("a"), v.Name("b"), v.Name("c")
    assert code(v.Operation("and", a, v.Unary("not", b))) == "a and not b"
    assert code(v.Operation("and", a, v.Operation("or", b, c))) == "a and (b or c)"
    assert code(v.Operation("and", v.Operation("or", a, b), c)) == "(a or b) and c"
    assert code(v.Operation("or", v.Operation("or", a, b), c)) == "a or b or c"
    assert code(v.Operation("and", a, v.Group(v.Unary("not", b)))) == "a and (not b)"


def test_message_is_one_fstring_with_braces_of_text_doubled() -> None:
    message = v.Message(("`units` must be {positive}. Received: units=", v.Field(v.Name("units"), "r")))
    assert code(message) == "f'`units` must be {{positive}}. Received: units={units!r}'"


def test_one_item_tuple_keeps_its_comma() -> None:
    assert code(v.tuple_of(v.Name("self.units"))) == "(self.units,)"
    assert code(v.Item(v.Name("input_shape"), v.Slice(None, v.Literal(-1)))) == "input_shape[:-1]"


def test_a_generator_as_the_one_argument_of_a_call_has_no_parentheses_of_its_own() -> None:
    d, shape = v.Name("d"), v.Name("shape")
    given = v.Generator(
        v.Operation("and", v.Operation("is not", d, v.Literal(None)), v.Operation("<=", d, v.Literal(0))), "d", shape
    )
    assert code(v.Call("any", (given,))) == "any(d is not None and d <= 0 for d in shape)"
    assert code(v.Unary("not", v.Call("all", (given,)))) == "not all(d is not None and d <= 0 for d in shape)"
    assert code(v.Call("f", (given, v.Name("x")))) == "f((d is not None and d <= 0 for d in shape), x)"
    assert code(given) == "(d is not None and d <= 0 for d in shape)"
    assert code(v.Generator(d, "d", v.IfElse(v.Name("a"), shape, v.Name("b")))) == "(d for d in (shape if a else b))"


def test_an_attribute_of_a_value_and_a_method_call() -> None:
    array = v.Call("np.asarray", (v.Name("table"),))
    assert code(v.Attribute(array, "dtype")) == "np.asarray(table).dtype"
    assert code(v.Call(v.Attribute(array, "tolist"))) == "np.asarray(table).tolist()"
    assert code(v.Attribute(v.Operation("+", v.Name("a"), v.Name("b")), "shape")) == "(a + b).shape"


def test_names_are_every_name_a_value_reads_in_order() -> None:
    check = v.Operation(
        "or",
        v.Unary(
            "not",
            v.Call("np.issubdtype", (v.Attribute(v.Call("np.asarray", (v.Name("x"),)), "dtype"), v.Name("np.number"))),
        ),
        v.Message(("x is ", v.Field(v.Item(v.Name("shape"), v.Literal(-1)), "r"))),
    )
    assert list(v.names(check)) == ["np.issubdtype", "np.asarray", "x", "np.number", "shape"]
    assert list(v.names(v.Call("f", keywords=(("key", v.Name("k")),)))) == ["f", "k"]


def test_a_chained_comparison_is_written_as_one_and_parenthesized_as_one() -> None:
    a, b, c = v.Name("a"), v.Name("b"), v.Name("c")
    chain = v.Comparison(a, (("<", b), ("<=", v.Operation("+", c, a))))
    assert code(chain) == "a < b <= c + a"
    assert code(v.Comparison(v.Operation("<", a, b), (("==", c), ("is not", a)))) == "(a < b) == c is not a"
    assert code(v.Operation("and", chain, v.Unary("not", chain))) == "a < b <= c + a and not a < b <= c + a"
    assert code(v.Operation("==", chain, a)) == "(a < b <= c + a) == a"


def test_power_is_right_associative_and_binds_tighter_than_a_unary_minus() -> None:
    x, y = v.Name("x"), v.Name("y")
    assert code(v.Operation("**", x, v.Operation("**", y, x))) == "x ** y ** x"
    assert code(v.Operation("**", v.Operation("**", x, y), x)) == "(x ** y) ** x"
    assert code(v.Operation("**", v.Unary("-", x), y)) == "(-x) ** y"
    assert code(v.Operation("**", x, v.Unary("-", y))) == "x ** -y"
    assert code(v.Unary("-", v.Operation("**", x, y))) == "-x ** y"
    assert code(v.Unary("+", v.Operation("/", x, y))) == "+(x / y)"


def test_code_values_are_frozen_records_compared_by_type_and_fields() -> None:
    """Code values are frozen records (`layergen.records`)."""
    assert v.Literal(3) == v.Literal(3, lists=False) and hash(v.Literal(3)) == hash(v.Literal(3))
    assert v.Literal(3) != v.Literal(3, lists=True)
    assert v.Group(v.Name("a")) != v.Unpacked(v.Name("a"))  # same fields, another kind of value
    assert repr(v.Call("f", (v.Name("a"),))) == "Call(function='f', arguments=(Name(path='a'),), keywords=())"
    with pytest.raises(FrozenInstanceError):
        v.Name("a").path = "b"  # type: ignore[misc]
    with pytest.raises(TypeError, match="missing 1 required positional argument: 'value'"):
        v.Literal()  # type: ignore[call-arg]
    with pytest.raises(TypeError, match="multiple values for argument 'path'"):
        v.Name("a", path="b")  # type: ignore[call-arg]
    assert v.record_fields(v.Operation("+", v.Name("a"), v.Name("b"))) == ("operator", "left", "right")


@pytest.mark.parametrize("path", ["units)", "a.b c", "self.", "__import__('os').system", "self.class"])
def test_a_name_is_written_only_when_it_is_a_dotted_identifier(path: str) -> None:
    """Whatever reaches a `Name`, only an identifier path becomes code."""
    with pytest.raises(ValueError, match="not a name"):
        code(v.Name(path))
