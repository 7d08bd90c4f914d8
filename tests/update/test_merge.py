from hypothesis import given
from hypothesis import strategies as st

from layergen.update.merge import conflict_marker_line, has_conflict_markers, merge3
from layergen.update.reconcile import Status, reconcile
from layergen.update.records import OutputRecord

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


def test_taking_our_side_resolves_every_conflict_with_our_lines():
    ours = BASE.replace("return x", "return x + 1")
    theirs = BASE.replace("return x", "return x * 2").replace("import keras\n", "import keras\nimport math\n")
    result = merge3(BASE, ours, theirs, take_ours=True)
    assert len(result.conflicts) == 1
    assert result.text == ours.replace("import keras\n", "import keras\nimport math\n")


def test_conflict_markers_are_found_with_their_line():
    text = "a\n<<<<<<< HEAD\nb\n=======\nc\n>>>>>>> main\n"
    assert conflict_marker_line(text) == 2
    assert conflict_marker_line(text.replace("\n", "\r\n")) == 2
    assert conflict_marker_line("a\n=======\nb\n") is None, "a heading underline is no conflict"
    assert conflict_marker_line("<<<<<<< only an opening\n") is None
    assert conflict_marker_line("x = '<<<<<<< not at the start'\n>>>>>>> x\n") is None


# -- one file's update, as a property: the base only advances past a change the file has ----


def entry(base):
    return OutputRecord("layers/a.py", base)


@given(lines, lines, lines)
def test_a_recorded_base_only_advances_to_a_generation_the_file_holds(base, ours, theirs):
    outcome = reconcile(entry(base), ours, theirs, side_file_exists=False)
    if outcome.status == Status.CONFLICT:
        assert outcome.base == base and outcome.after == ours
        assert outcome.conflict.generated == theirs
    elif outcome.status != Status.MARKERS:
        assert outcome.base == theirs
        # The next run merges from the recorded base: it finds nothing to do.
        next_run = merge3(outcome.base, outcome.after, theirs)
        assert next_run.clean and next_run.text == outcome.after
        if all(_unique_lines(text) for text in (base, ours, theirs)):
            # The spec's change is in the file: merging it in again changes nothing. (With
            # repeated lines diff3 may align the old base another way, so only without them.)
            again = merge3(base, outcome.after, theirs)
            assert again.clean and again.text == outcome.after


def _unique_lines(text):
    lines = text.splitlines()
    return len(lines) == len(set(lines))


@given(lines, lines, lines)
def test_a_second_run_finds_nothing_to_do_or_the_same_open_conflict(base, ours, theirs):
    first = reconcile(entry(base), ours, theirs, side_file_exists=False)
    if first.status == Status.MARKERS:
        return
    recorded = OutputRecord("layers/a.py", first.base, first.conflict)
    second = reconcile(recorded, first.after, theirs, side_file_exists=False)
    if first.status == Status.CONFLICT:
        assert second.status == Status.CONFLICT, "a conflict nobody touched stays open"
        assert second.base == base
    else:
        assert second.status in (Status.UNCHANGED, Status.KEPT)
        assert second.after == first.after
