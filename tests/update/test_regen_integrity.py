"""Regeneration leaves nothing behind it should not: `new --diff` writes nothing at all,
and any run settles what a killed run left in the records (issue 19)."""

import pytest
from conftest import cli
from regen_support import LAYER, RECORD, generate_linear


@pytest.fixture
def linear(project):
    return generate_linear(project)


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    """A project just set up by `layergen init`: a starter spec, nothing generated."""
    monkeypatch.chdir(tmp_path)
    assert cli("init").exit_code == 0
    return tmp_path


def test_new_diff_on_a_fresh_project_writes_nothing_not_even_the_lock(fresh):
    project = fresh
    before = snapshot(project)
    result = cli("new", "--diff")
    assert result.exit_code == 0, result.output
    assert "would write layers/scaled_dense.py" in result.stdout.splitlines()
    assert snapshot(project) == before
    assert not (project / ".layergen" / "lock").exists()


def test_check_and_status_on_a_fresh_project_write_nothing(fresh):
    project = fresh
    before = snapshot(project)
    assert cli("check").exit_code == 1
    assert cli("status").exit_code == 0
    assert snapshot(project) == before


@pytest.mark.parametrize("leftover", ["linear_layer.py.next", "test_linear_layer.py.next-pending", "x.py.pending"])
def test_a_stored_text_no_record_names_is_removed_by_a_run_with_nothing_to_generate(linear, leftover):
    # A run killed after saving the final record.json, before removing the pending texts.
    (linear / RECORD / leftover).write_text((linear / LAYER).read_text())
    result = cli("new")
    assert result.exit_code == 0, result.output
    assert "removed 1 temporary file of an interrupted run" in result.stdout
    assert sorted(p.name for p in (linear / RECORD).iterdir()) == [
        "linear_layer.py.generated",
        "record.json",
        "test_linear_layer.py.generated",
    ]
    again = cli("new")
    assert "interrupted" not in again.stdout


def test_the_stored_texts_of_a_half_removed_record_are_removed(linear):
    # A run killed while removing a renamed spec's record: its texts, no record.json.
    orphan = linear / ".layergen" / "records" / "specs" / "gone.yaml"
    orphan.mkdir(parents=True)
    (orphan / "test_gone.py.generated").write_text("x = 1\n")
    result = cli("new")
    assert result.exit_code == 0, result.output
    assert "removed 1 temporary file of an interrupted run" in result.stdout
    assert not orphan.exists() or not any(orphan.iterdir())


def test_check_does_not_remove_what_a_killed_run_left(linear):
    leftover = linear / RECORD / "linear_layer.py.next"
    leftover.write_text("x")
    assert cli("check").exit_code == 0
    assert leftover.exists()


def _killed_while_writing_the_test(linear, monkeypatch):
    """A run stopped after writing the layer and before the test: its record notes the writes."""
    import os
    from pathlib import Path

    from regen_support import add_weight_to_spec

    from layergen import writing

    add_weight_to_spec(linear)
    real_replace = os.replace

    def crash_on_the_test_module(source, target):
        if Path(target).name == "test_linear_layer.py":
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(writing.os, "replace", crash_on_the_test_module)
    assert cli("new").exit_code == 1
    monkeypatch.setattr(writing.os, "replace", real_replace)
    assert (linear / RECORD / "linear_layer.py.next").is_file()


@pytest.mark.parametrize("how", ["spec now broken", "another spec named"])
def test_a_run_that_does_not_plan_the_spec_still_settles_its_pending_writes(linear, monkeypatch, how):
    import json

    from regen_support import LINEAR

    _killed_while_writing_the_test(linear, monkeypatch)
    layer = (linear / LAYER).read_text()
    if how == "spec now broken":
        (linear / "specs" / "linear.yaml").write_text("layer: [\n")
        result = cli("new")
        assert result.exit_code != 0
    else:
        (linear / "specs" / "other.yaml").write_text(LINEAR.replace("layer: LinearLayer", "layer: OtherLayer"))
        result = cli("new", "specs/other.yaml")
        assert result.exit_code == 0, result.output
    record = json.loads((linear / RECORD / "record.json").read_text())
    assert all("write" not in output for output in record["outputs"].values())
    assert sorted(p.name for p in (linear / RECORD).iterdir()) == [
        "linear_layer.py.generated",
        "record.json",
        "test_linear_layer.py.generated",
    ]
    assert (linear / RECORD / "linear_layer.py.generated").read_text() == layer, "the written layer is the base"


def test_a_reader_still_takes_turns_where_the_lock_file_exists(linear, monkeypatch):
    from layergen.project.lock import LOCK_PATH, OsLock

    holder = OsLock(linear / LOCK_PATH)
    assert holder.acquire(timeout=0)
    monkeypatch.setenv("LAYERGEN_LOCK_TIMEOUT", "0.2")
    try:
        result = cli("check")
    finally:
        holder.release()
    assert result.exit_code == 2
    assert "another layergen run held this project" in result.stderr
