"""The nested lists in a spec's values: their shape, and tuples or lists at every depth."""

import pytest

from layergen.spec.nested_lists import as_list, as_tuple, nested_shape


@pytest.mark.parametrize(
    ("value", "shape"),
    [
        (1.5, []),
        (3, []),
        ([1, 2, 3], [3]),
        ([[1, 2], [3, 4], [5, 6]], [3, 2]),
        ([[1, 2], [3]], None),  # ragged
        ([[1, 2], 3], None),
        ([], None),
        (True, None),  # a bool is no number here
        ([1, None], None),
        ("a", None),
    ],
)
def test_nested_shape(value, shape):
    assert nested_shape(value) == shape


def test_tuples_and_lists_at_every_depth():
    value = [1, (2, [3, "a"]), {"k": [4]}]
    assert as_tuple(value) == (1, (2, (3, "a")), {"k": [4]})
    assert as_list(as_tuple(value)) == [1, [2, [3, "a"]], {"k": [4]}]
