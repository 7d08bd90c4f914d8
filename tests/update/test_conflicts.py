"""Conflicts that resolve, and a `check` that never calls a stale or broken file current.

Each test drives the CLI on a real generated project: a hand edit and a spec edit of the
same line (`conflicting_edits`), then what a person does about it.
"""

import json
import re
import shutil

import pytest
from conftest import cli
from regen_support import (
    CALL,
    LAYER,
    LINEAR,
    RECORD,
    SPEC,
    TEST,
    add_weight_to_spec,
    conflicting_edits,
    edit,
    generate_linear,
)

BOTH = "        return (ops.matmul(inputs, self.kernel) - self.bias) * self.bias  # both kept\n"


@pytest.fixture
def linear(project):
    return generate_linear(project)


def resolve_markers(text, keep):
    """What a person does in an editor: replace each conflict block with `keep`."""
    return re.sub(r"<<<<<<< .*?\n.*?>>>>>>> [^\n]*\n", lambda _: keep, text, flags=re.DOTALL)


def record(project):
    return json.loads((project / RECORD / "record.json").read_text())


def test_inline_markers_fail_check_until_resolved_then_the_resolution_is_recorded(linear):
    conflicting_edits(linear)
    layer = linear / LAYER

    result = cli("new", "--conflicts", "inline")
    assert result.exit_code == 1
    marked = layer.read_text()
    line = marked.splitlines().index("<<<<<<< on disk (your edits)") + 1
    assert f"{LAYER}:{line}: 1 conflict between your edits and {SPEC}" in result.stderr
    assert record(linear)["outputs"]["layer"]["conflict"]["mode"] == "inline"

    # While the markers are there, nothing calls the file current.
    result = cli("check")
    assert result.exit_code == 1
    assert f"{LAYER}:{line}: holds conflict markers; resolve them, then run `layergen new`" in result.stdout
    result = cli("new")
    assert result.exit_code == 1
    assert f"{LAYER}:{line}: holds conflict markers" in result.stderr
    assert "unchanged (your edits kept)" not in result.stdout
    assert layer.read_text() == marked

    layer.write_text(resolve_markers(marked, BOTH))
    result = cli("new")
    assert result.exit_code == 0, result.output
    assert f"resolved (your resolution recorded) {LAYER}" in result.stdout
    assert cli("check", "--accept-breaking").exit_code == 0
    assert "conflict" not in record(linear)["outputs"]["layer"]
    assert (linear / RECORD / "linear_layer.py.generated").read_text().count("* self.bias") == 1

    # The base moved on: a later spec change merges into the resolution without conflict.
    add_weight_to_spec(linear, "scale")
    result = cli("new")
    assert result.exit_code == 0, result.output
    code = layer.read_text()
    assert BOTH in code and 'name="scale"' in code and 'name="gain"' in code
    assert cli("check", "--accept-breaking").exit_code == 0


def test_a_conflict_resolved_by_hand_in_report_mode_is_accepted_once(linear):
    conflicting_edits(linear)
    layer = linear / LAYER
    before = layer.read_text()

    for _ in range(2):  # the conflict stays open, and is reported again
        result = cli("new")
        assert result.exit_code == 1
        assert layer.read_text() == before
        assert "left as it was (edit the conflicting lines to hold both changes" in result.stderr
        assert f"not updated {TEST}: first resolve what is reported for {SPEC}" in result.stdout
    assert record(linear)["outputs"]["layer"]["conflict"]["mode"] == "report"

    # An edit elsewhere is no resolution: the conflicting lines are untouched.
    edit(layer, "import keras\n", "import keras  # mine\n")
    assert cli("new").exit_code == 1
    assert cli("check").exit_code == 1

    edit(layer, "        return ops.matmul(inputs, self.kernel) - self.bias\n", BOTH)
    result = cli("new")
    assert result.exit_code == 0, result.output
    # The spec's other change (the new weight) lands too: it did not conflict.
    assert f"resolved (your resolution, with the spec's other changes) {LAYER}" in result.stdout
    code = layer.read_text()
    assert BOTH in code and "import keras  # mine" in code and 'name="gain"' in code
    compile(code, LAYER, "exec")
    assert cli("check", "--accept-breaking").exit_code == 0
    assert cli("new").stdout.splitlines() == [f"unchanged (your edits kept) {LAYER}", f"unchanged {TEST}"]


def test_the_side_file_moved_into_place_is_the_resolution_even_keeping_your_lines(linear):
    conflicting_edits(linear)
    layer = linear / LAYER
    side = linear / (LAYER + ".conflict")

    result = cli("new", "--conflicts", "side")
    assert result.exit_code == 1
    assert "the merge with conflict markers is in linear_layer.py.conflict" in result.stderr
    # The person keeps their own line, and the spec's other change with it, and moves it in place.
    side.write_text(resolve_markers(side.read_text(), "        return ops.matmul(inputs, self.kernel) - self.bias\n"))
    side.replace(layer)
    resolved = layer.read_text()
    assert 'name="gain"' in resolved

    result = cli("new")
    assert result.exit_code == 0, result.output
    assert layer.read_text() == resolved
    assert cli("check", "--accept-breaking").exit_code == 0
    assert not side.exists()


def test_a_side_file_left_behind_is_removed_once_the_file_is_resolved_by_hand(linear):
    conflicting_edits(linear)
    side = linear / (LAYER + ".conflict")
    assert cli("new", "--conflicts", "side").exit_code == 1
    edit(linear / LAYER, "        return ops.matmul(inputs, self.kernel) - self.bias\n", BOTH)
    result = cli("new")
    assert result.exit_code == 0, result.output
    assert f"removed {LAYER}.conflict" in result.stdout
    assert not side.exists()
    assert cli("check", "--accept-breaking").exit_code == 0


def test_putting_the_old_file_back_is_no_resolution(linear):
    conflicting_edits(linear)
    layer = linear / LAYER
    before = layer.read_text()
    assert cli("new", "--conflicts", "inline").exit_code == 1
    layer.write_text(before)  # as `git checkout` would: the spec's change is in no line of it
    assert cli("check").exit_code == 1
    result = cli("new")
    assert result.exit_code == 1
    assert "1 conflict between your edits" in result.stderr


@pytest.mark.parametrize("mode", ["report", "side", "inline"])
def test_lost_records_never_make_a_stale_file_current(linear, mode):
    edit(linear / LAYER, "import keras\n", "import keras  # mine\n")
    add_weight_to_spec(linear)  # both files are now out of date
    shutil.rmtree(linear / ".layergen")
    before = {p: (linear / p).read_bytes() for p in (LAYER, TEST)}

    for _ in range(2):
        result = cli("new", "--conflicts", mode)
        assert result.exit_code == 1
        assert f"{LAYER}: exists, but layergen has no record of writing it" in result.stderr
        assert {p: (linear / p).read_bytes() for p in (LAYER, TEST)} == before
        assert not list(linear.rglob("*.conflict"))
        result = cli("check")
        assert result.exit_code == 1
        assert f"{LAYER}: not written by layergen, but in the way of a generated file" in result.stdout
        assert f"{TEST}: not written by layergen" in result.stdout
    assert not (linear / RECORD).exists()


@pytest.mark.parametrize("mode", ["report", "side", "inline"])
def test_your_own_file_in_the_way_is_never_adopted(project, mode):
    (project / "specs" / "linear.yaml").write_text(LINEAR)
    (project / "layers").mkdir()
    (project / LAYER).write_text("# my own module\n")
    for _ in range(2):
        result = cli("new", "--conflicts", mode)
        assert result.exit_code == 1
        assert (project / LAYER).read_text() == "# my own module\n"
        assert cli("check").exit_code == 1
    assert not (project / TEST).exists(), "nothing is written for a spec with a file in the way"


def test_a_file_that_no_longer_parses_fails_check_and_new(linear):
    edit(linear / LAYER, "    def call(self, inputs):\n", "    def call(self, inputs)\n")
    line = (linear / LAYER).read_text().splitlines().index("    def call(self, inputs)") + 1
    result = cli("check")
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{LAYER}:{line}: does not parse (")
    result = cli("new")
    assert result.exit_code == 1
    assert f"{LAYER}:{line}: does not parse (" in result.stderr


def test_version_control_conflict_markers_fail_check(linear):
    edit(linear / LAYER, CALL, f"<<<<<<< HEAD\n{CALL}=======\n{CALL.replace('+', '-')}>>>>>>> feature\n")
    result = cli("check")
    assert result.exit_code == 1
    assert "holds conflict markers" in result.stdout


def test_a_crlf_working_copy_is_current_merges_and_stays_crlf(linear):
    for name in (LAYER, TEST):
        path = linear / name
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert cli("check", "--accept-breaking").exit_code == 0, "line endings alone are no change"
    assert cli("new").stdout.splitlines() == [f"unchanged {LAYER}", f"unchanged {TEST}"]

    layer = linear / LAYER
    layer.write_bytes(layer.read_bytes().replace(b"import keras\r\n", b"import keras  # mine\r\n"))
    add_weight_to_spec(linear)
    result = cli("new")
    assert result.exit_code == 0, result.output
    assert f"merged (your edits kept) {LAYER}" in result.stdout
    data = layer.read_bytes()
    assert b"import keras  # mine\r\n" in data and b'name="gain",\r\n' in data
    assert data.count(b"\n") == data.count(b"\r\n"), "every line ends in CRLF"
    assert (linear / TEST).read_bytes().count(b"\n") == (linear / TEST).read_bytes().count(b"\r\n")
    assert cli("check", "--accept-breaking").exit_code == 0
