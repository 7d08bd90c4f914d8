"""Black by pieces is black: a module assembled from pieces formatted alone, or from pieces of
other modules' black output, is byte-identical to black on the whole text; where that is not
sure, the whole text is formatted; a damaged piece is formatted again."""

import pytest
from conftest import EXAMPLE_SPECS, REPO, TEST_SPECS
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from spec_strategies import BASE_MODEL, build, to_yaml, valid_spec

from layergen.formatting import formatter as formatting
from layergen.formatting import pieces as format_pieces
from layergen.pipeline import generate_layer
from layergen.project.settings import find_project
from layergen.records import replace
from layergen.render.renderer import render_code

MODE = "test-mode"
SOME = settings(max_examples=60, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
black = formatting.black_format


class MemoryCache(dict):
    def put(self, key, text):
        self[key] = text


def rendered_examples():
    project = find_project(REPO)
    return [
        file.content
        for spec in EXAMPLE_SPECS + TEST_SPECS
        for file in generate_layer(spec, project, formatted=False).files
    ]


EXAMPLES = rendered_examples()


def assert_pieces_are_black(text, *, splits=True):
    """Pieces formatted alone, and pieces cut out of black's output, assemble to black's output;
    a text that is not split (`splits` False, or None: either) is formatted whole."""
    expected = black(text)
    pieces = format_pieces.split(text)
    if pieces is None or splits is False:
        assert pieces is None and splits is not True, text
        assert format_pieces.format_by_pieces(text, MemoryCache(), black, MODE) == expected
        return False
    alone = [format_pieces.format_piece(piece, black) for piece in pieces]
    assert format_pieces.assemble(pieces, alone) == expected
    cache = MemoryCache()
    keys = [format_pieces.piece_key(piece, MODE) for piece in pieces]
    format_pieces.remember(pieces, keys, expected, cache)
    assert [cache[key] for key in keys] == alone, "black's output splits into the pieces formatted alone"
    assert format_pieces.format_by_pieces(text, cache, fail_black, MODE) == expected
    return True


def fail_black(text):
    raise AssertionError(f"formatted although every piece is known:\n{text}")


@pytest.mark.parametrize("index", range(len(EXAMPLES)))
def test_every_example_module_assembled_from_pieces_is_black(index):
    assert_pieces_are_black(EXAMPLES[index])


@SOME
@given(valid_spec())
def test_generated_modules_assembled_from_pieces_are_black(spec):
    model = build(to_yaml(spec))
    for artefact in ("layer", "test"):
        assert_pieces_are_black(render_code(model, artefact))


CALL_LINES = [
    "# a comment\n",
    "\n",
    "\n\n\n",
    "x = ops.add(inputs, inputs)  # trailing comment\n",
    "very_long_name = ops.concatenate([inputs, inputs, inputs, inputs, inputs, inputs, inputs], axis=-1)\n",
    "text = rb'raw\\bytes' + b'x'\n",
    "label = f'{inputs!r:>10}' + R'raw' + u'unicode'\n",
    's = """multi\n  line"""\n',
    "def helper(value):\n    # nested\n    return value*2\n",
    "@staticmethod\ndef decorated(a,b):\n\n    return a+b\n",
    "class Inner:\n    '''doc'''\n    def m(self): ...\n",
    "values = {'a':1,'b':[1,2,],}\n",
    "y = (inputs\n     + 1)\n",
    "if inputs is not None:\n    pass\n    # trailing, deeper\n",
    "# a comment before the end\n\n",
]


@SOME
@given(st.lists(st.sampled_from(CALL_LINES), max_size=8), st.text("ab .\n", max_size=40))
def test_call_bodies_and_summaries_of_any_shape_assemble_to_black(lines, summary):
    assert_pieces_are_black(layer_with(lines, summary), splits=None)


def layer_with(lines, summary="S"):
    body = "".join(lines) + "return inputs"
    model = replace(BASE_MODEL, call_body=body, call_source=body, docstring=f"{summary or 'S'}\n\nMore.")
    return render_code(model, "layer")


@pytest.mark.parametrize("line", CALL_LINES[:-2])
def test_call_bodies_of_each_kind_are_split_into_pieces(line):
    """Not vacuous: the call bodies above are assembled from pieces, not formatted whole."""
    assert assert_pieces_are_black(layer_with([line, line], "A summary that black reflows?   No."), splits=True)


HEADER = "import keras\n\n\nclass A(keras.layers.Layer):\n"


@pytest.mark.parametrize(
    "text",
    [
        HEADER + '    """Doc."""\n\n    # a comment between members\n    def f(self):\n        return 1\n',
        HEADER + '    """Doc."""\n\n    def f(self):\n        return 1\n        # a comment after the body\n\n'
        "    def g(self):\n        return 2\n",
        HEADER + '    """Doc."""\n\n    def f(self):\n        return 1  # fmt: skip\n',
        HEADER + "    # fmt: off\n    x = [1,\n      2]\n    # fmt: on\n    y = 1\n",
        HEADER + '\n    """Doc."""\n\n    x = 1\n',
        HEADER + '    """Doc."""\n    x = 1\n',
        HEADER + '    x = 1\n\n    """Not a docstring."""\n',
        HEADER + "    x = 1\n\n    class Inner: ...\n\n    y = 2\n",
        HEADER + "    def f(self): ...\n    def g(self): ...\n",
        HEADER + "    x = 1\n\n\n    y = 2\n",
        HEADER + "    x = 1\n\nz = A()\n",
        HEADER + "    x = 1; y = 2\n",
        "class A: x = 1\n",
        HEADER + "    x = 1\r\n",
        HEADER + "    def f(self):\n        return 1  #\ttab\n",
        "x = 1\n",
    ],
)
def test_modules_that_pieces_might_not_reproduce_are_formatted_whole(text):
    assert_pieces_are_black(text, splits=False)


MEMBERS = [
    '    """Doc   string."""\n',
    "    x = 1\n",
    "    y: list[int] = [1,2,]\n",
    "    def f(self): ...\n",
    "    def g(self):\n        return {'a':1}\n",
    "    @property\n    def h(self):\n        # why\n        return 1\n",
    "    async def i(self):\n        pass\n        # deeper\n",
    "    # a comment\n",
    "    class Inner: ...\n",
    "    'a string'\n",
    "    z = very_long_function_name(argument_number_one, argument_number_two, argument_three)\n",
]


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.lists(st.tuples(st.sampled_from(MEMBERS), st.sampled_from(["", "\n", "\n\n"])), min_size=1, max_size=6))
def test_class_bodies_of_any_shape_are_black_by_pieces_or_formatted_whole(members):
    """The rules themselves, on bodies the templates never make: split means exact."""
    text = HEADER + "".join(gap + member for member, gap in members).lstrip("\n")
    assume(any(not member.startswith("    #") for member, _ in members))  # a class needs a statement
    assert_pieces_are_black(text, splits=None)


@pytest.mark.parametrize(
    "members",
    [
        "    x = 1\n    y: int = 2\n\n    def f(self):\n        return self.x\n",
        "    x = 1\n\n    @classmethod\n\n    # between\n    @other( a,b )\n    def f(cls):  # why\n"
        "        # inside\n\n\n        def inner():\n            return 1\n        return inner\n\n"
        "    async def g(self, *, a = 'x'):\n        await a\n",
        "    '''Doc with \"quotes\" \\\\ and  spaces.   '''\n\n    def f(self): ...\n\n    def g(self): ...\n",
    ],
)
def test_members_of_these_shapes_stay_pieces(members):
    assert_pieces_are_black(HEADER + members)
    assert_pieces_are_black("@decorated\nclass A(\n    Base,  # why\n):\n" + members)


def test_an_edited_docstring_costs_black_on_the_docstring_alone():
    layer = next(text for text in EXAMPLES if "(keras.layers.Layer):" in text)
    cache = MemoryCache()
    format_pieces.format_by_pieces(layer, cache, black, MODE)
    edited = layer.replace('"""', '"""Edited,   now.\n    ', 1)
    formatted = []

    def recording(text):
        formatted.append(text)
        return black(text)

    assert format_pieces.format_by_pieces(edited, cache, recording, MODE) == black(edited)
    assert len(formatted) == 1 and formatted[0].startswith('class _:\n    """Edited,   now.')
    assert formatted[0].count("\n    def ") == 0, "only the docstring was formatted"


def test_a_damaged_piece_is_formatted_again_not_trusted(tmp_path, monkeypatch):
    monkeypatch.setenv("LAYERGEN_CACHE_DIR", str(tmp_path))
    version = formatting.formatter_version("black")
    layer = next(text for text in EXAMPLES if "(keras.layers.Layer):" in text)
    formatting.black_by_pieces(layer, version)
    entries = sorted((tmp_path / "format" / "pieces").iterdir())
    assert len(entries) == len(format_pieces.split(layer))
    for entry in entries:  # damaged: digest and text disagree
        entry.write_bytes(entry.read_bytes().replace(b"self", b"selv"))
    edited = layer.replace('"""', '"""Edited. ', 1)
    assert formatting.black_by_pieces(edited, version) == black(edited)
    assert all(b"selv" not in entry.read_bytes() for entry in entries), "rewritten"
    for entry in entries:  # a digest that matches a text that is no piece: not trusted either
        body = b"\n\n"
        entry.write_bytes(formatting.hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
    assert formatting.black_by_pieces(edited.replace("Edited", "Again"), version) == black(
        edited.replace("Edited", "Again")
    )


def test_pieces_are_keyed_on_the_mode():
    text = EXAMPLES[0]
    cache = MemoryCache()
    format_pieces.format_by_pieces(text, cache, black, MODE)
    assert format_pieces.format_by_pieces(text + "\n", cache, fail_black, MODE) == black(text)
    with pytest.raises(AssertionError, match="formatted although"):
        format_pieces.format_by_pieces(text, cache, fail_black, "another black")
