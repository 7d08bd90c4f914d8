"""How Python counts lines, against the slow ways it stands for."""

import tokenize

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layergen.spec import python_lines as lines_module
from layergen.spec.python_lines import FOREIGN_LINE_BREAKS, foreign_line_break, indent_code, python_lines

SETTINGS = settings(max_examples=1500, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


@SETTINGS
@given(st.text(max_size=30))
def test_foreign_line_breaks_are_found_as_by_the_full_scan(text):
    found = next(
        (
            (number, column, char)
            for number, line in enumerate(python_lines(text), start=1)
            for column, char in enumerate(line, start=1)
            if char in FOREIGN_LINE_BREAKS
        ),
        None,
    )
    assert foreign_line_break(text) == found


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
    if lines_module._may_hold_multiline_strings(code):
        return
    try:
        inside = lines_module._lines_inside_strings(python_lines(code))
    except (tokenize.TokenError, SyntaxError):
        return
    assert inside == set()


def test_a_multiline_string_keeps_its_text():
    code = 'x = """a\nb"""\ny = \'c\\\nd\'\nreturn x'
    assert indent_code(code, "  ") == '  x = """a\nb"""\n  y = \'c\\\nd\'\n  return x'
