from hypothesis import given
from hypothesis import strategies as st

from layergen.merge import has_conflict_markers, merge3

BASE = "import keras\n\nclass A:\n    def build(self):\n        pass\n\n    def call(self, x):\n        return x\n"


def test_edits_in_different_places_are_both_kept():
    ours = BASE.replace("import keras\n", "import keras\nimport math  # mine\n")
    theirs = BASE.replace("        return x\n", "        return x * 2\n")
    result = merge3(BASE, ours, theirs)
    assert result.clean
    assert result.text == ours.replace("        return x\n", "        return x * 2\n")


def test_the_same_edit_on_both_sides_is_taken_once():
    edited = BASE.replace("pass", "self.w = 1")
    result = merge3(BASE, edited, edited)
    assert result.clean and result.text == edited


def test_different_edits_of_the_same_lines_conflict():
    ours = BASE.replace("return x", "return x + 1")
    theirs = BASE.replace("return x", "return x * 2")
    result = merge3(BASE, ours, theirs)
    assert not result.clean
    (conflict,) = result.conflicts
    assert conflict.ours == ["        return x + 1\n"]
    assert conflict.theirs == ["        return x * 2\n"]
    assert conflict.base == ["        return x\n"]
    assert conflict.line == 8
    assert has_conflict_markers(result.text)


def test_a_new_method_and_a_new_weight_merge():
    ours = BASE + "\n    def helper(self):\n        return 42\n"
    theirs = BASE.replace("        pass\n", "        self.kernel = 1\n        self.bias = 2\n")
    result = merge3(BASE, ours, theirs)
    assert result.clean
    assert "def helper" in result.text and "self.bias = 2" in result.text


lines = st.lists(st.sampled_from(["a\n", "b\n", "c\n", "d\n", "e\n"]), max_size=12).map("".join)


@given(lines, lines)
def test_one_sided_changes_take_that_side(base, other):
    assert merge3(base, base, other).text == other
    assert merge3(base, other, base).text == other
    assert merge3(base, other, other).text == other


@given(lines, lines, lines)
def test_clean_merges_contain_no_markers(base, ours, theirs):
    result = merge3(base, ours, theirs)
    assert result.clean == (not has_conflict_markers(result.text))
