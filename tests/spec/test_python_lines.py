"""How Python counts lines, against the slow ways it stands for."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from layergen.spec.python_lines import FOREIGN_LINE_BREAKS, foreign_line_break, python_lines

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
