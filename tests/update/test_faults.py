"""Faults around regeneration: concurrent runs, runs killed at any point, temporary files,
symlinked outputs, and a spec that fails in a way nobody planned for."""

import copy
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time

import pytest
from conftest import EXAMPLE_SPECS, cli
from regen_support import (
    LAYER,
    LINEAR,
    RECORD,
    TEST,
    add_weight_to_spec,
    edit,
    generate_linear,
)

from layergen import commands, writing
from layergen import pipeline as generate
from layergen.pipeline import generate_layer
from layergen.project.locations import resolved_project
from layergen.project.lock import OsLock
from layergen.project.settings import find_project
from layergen.update.apply import RUN_MARKER
from layergen.update.records import RecordStore


@pytest.fixture
def linear(project):
    return generate_linear(project)


def spec_variant(text, n):
    """The spec with its one-line summary changed: the layer's docstring changes."""
    return re.sub(r"^summary: (.*)$", lambda m: f"summary: Variant {n}. {m[1]}", text, count=1, flags=re.MULTILINE)


def copy_examples(project, count):
    for spec in EXAMPLE_SPECS[:count]:
        shutil.copy(spec, project / "specs" / spec.name)
    return sorted((project / "specs").glob("*.yaml"))


def assert_generated_and_recorded(project, specs, edited=()):
    """Every spec's files are what it generates now (`edited` ones aside), and recorded."""
    layout = resolved_project(find_project(project))
    for spec in specs:
        for file in generate_layer(spec, layout).files:
            if file.path.name not in edited:
                assert file.path.read_text() == file.content, f"{file.path} is not what {spec.name} generates"
        record = project / ".layergen" / "records" / "specs" / spec.name
        assert sorted(p.suffix for p in record.iterdir()) == [".generated", ".generated", ".json"], spec.name


def run_new(spec, errors):
    """`layergen new SPEC` as the CLI runs it, in a thread; its failures go to `errors`."""
    try:
        errors.extend(commands.new([spec]).problems)
    except Exception as exc:  # noqa: BLE001 - any failure fails the test
        errors.append(exc)


def test_concurrent_runs_on_different_specs_lose_no_record(project):
    specs = copy_examples(project, 4)
    originals = {spec: spec.read_text() for spec in specs}
    for round_ in range(12):
        for spec in specs:
            spec.write_text(spec_variant(originals[spec], round_))
        errors: list = []
        threads = [threading.Thread(target=run_new, args=(spec, errors)) for spec in specs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors
        for spec in specs:  # each run's record holds what it wrote
            layer = project / "layers" / (spec.stem + ".py")
            base = project / ".layergen" / "records" / "specs" / spec.name / (layer.name + ".generated")
            assert base.read_text() == layer.read_text(), f"round {round_}: the record of {spec.name} was lost"
    assert cli("check").exit_code == 0
    assert_generated_and_recorded(project, specs)


def test_concurrent_processes_serialize_and_lose_no_record(project):
    specs = copy_examples(project, 3)
    originals = {spec: spec.read_text() for spec in specs}
    for round_ in range(3):
        for spec in specs:
            spec.write_text(spec_variant(originals[spec], round_))
        runs = [
            subprocess.Popen([sys.executable, "-m", "layergen", "new", spec], cwd=project, stderr=subprocess.PIPE)
            for spec in specs
        ]
        assert [run.wait(timeout=120) for run in runs] == [0] * len(runs), [r.stderr.read() for r in runs]
        assert cli("check").exit_code == 0
    assert_generated_and_recorded(project, specs)


def test_a_second_run_waits_for_the_lock_then_gives_up_with_a_message(linear, monkeypatch):
    lock = OsLock(linear / ".layergen" / "lock")
    monkeypatch.setenv("LAYERGEN_LOCK_TIMEOUT", "0.3")
    assert lock.acquire(timeout=0)
    result = cli("new")
    lock.release()
    assert result.exit_code == 2  # the command could not run
    assert result.stderr.splitlines() == [
        "waiting for another layergen run in this project to finish (up to 0.3 s)",
        ".layergen/lock: another layergen run held this project for 0.3 s; try again once it has finished "
        "(LAYERGEN_LOCK_TIMEOUT sets how long to wait)",
    ]

    monkeypatch.setenv("LAYERGEN_LOCK_TIMEOUT", "30")
    assert lock.acquire(timeout=0)
    threading.Timer(0.5, lock.release).start()
    result = cli("new")
    assert result.exit_code == 0, result.output
    assert "waiting for another layergen run" in result.stderr


# `layergen new` on a slow disk: each file replacement takes 25 ms, so kills land in the
# middle of writing files and records more often than in generating them.
SLOW_DISK_NEW = """
import os, sys, time
replace = os.replace
os.replace = lambda source, target: (time.sleep(0.025), replace(source, target))[1]
from layergen.cli.app import app
sys.argv = ["layergen", "new"]
app()
"""


def test_killed_runs_converge_with_nothing_left_behind(project):
    """`layergen new` killed (SIGKILL) at random points, a few dozen times, over spec edits."""
    specs = copy_examples(project, 4)
    originals = {spec: spec.read_text() for spec in specs}
    assert cli("new").exit_code == 0
    edited = project / "layers" / f"{specs[0].stem}.py"
    edit(edited, "import keras\n", "import keras  # mine\n")
    rng = random.Random(20240611)
    command = [sys.executable, "-c", SLOW_DISK_NEW]
    quiet = {"cwd": project, "stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    for spec in specs:
        spec.write_text(spec_variant(originals[spec], 1))
    start = time.monotonic()
    subprocess.run(command, check=True, **quiet)
    whole_run = time.monotonic() - start
    start = time.monotonic()
    kills = interrupted_writes = 0

    def more() -> bool:  # 15 s, or up to 30 s on a busy machine, until enough kills hit writes
        spent = time.monotonic() - start
        return kills < 40 and (spent < 15 or (spent < 30 and (kills < 10 or interrupted_writes < 3)))

    while more():
        for spec in specs:
            spec.write_text(spec_variant(originals[spec], rng.randrange(3)))
        run = subprocess.Popen(command, **quiet)
        time.sleep(rng.uniform(0.2, 1.0) * whole_run)
        if run.poll() is None:
            run.send_signal(signal.SIGKILL)
            kills += 1
        run.wait()
        interrupted_writes += bool(list(project.rglob("*.tmp")) or list(project.rglob("*.next")))
    assert kills >= 10 and interrupted_writes >= 2, f"{kills} runs killed, {interrupted_writes} while writing"

    result = cli("new")
    assert result.exit_code == 0, result.output
    assert cli("check").exit_code == 0
    assert not list(project.rglob("*.tmp")), "temporary files were left behind"
    assert not list(project.rglob("*.conflict"))
    assert not list(project.rglob("*.next")), "a pending write was left in a record"
    assert_generated_and_recorded(project, specs, edited={edited.name})
    assert "import keras  # mine" in edited.read_text()


def test_temporary_files_of_a_killed_run_are_removed_by_the_next(linear):
    leftovers = [
        linear / "layers" / ".linear_layer.py.abcd1234.tmp",
        linear / RECORD / ".record.json.x1y2z3w4.tmp",
        linear / ".layergen" / ".manifest.json.aaaaaaaa.tmp",
    ]
    mine = linear / "layers" / ".notes.txt.abcdefgh.tmp"
    for path in leftovers + [mine]:
        path.write_text("half")
    (linear / RUN_MARKER).write_text("a run was killed while it wrote")
    result = cli("new")
    assert result.exit_code == 0
    assert "removed 3 temporary files of an interrupted run" in result.stdout
    assert not any(path.exists() for path in leftovers)
    assert mine.exists(), "a file layergen does not write is not its to remove"
    assert not (linear / RUN_MARKER).exists(), "the run finished: nothing is left to clear"


def test_only_a_stopped_run_makes_the_next_look_for_temporary_files(linear, monkeypatch):
    """A run that finished leaves no mark, so the next does not search every output folder."""
    import layergen.update.apply

    searched = []
    search = layergen.update.apply.remove_temporaries_of
    monkeypatch.setattr(layergen.update.apply, "remove_temporaries_of", lambda *a: searched.append(1) or search(*a))
    assert cli("new").exit_code == 0
    assert not searched and not (linear / RUN_MARKER).exists()
    (linear / RUN_MARKER).write_text("a run was killed while it wrote")
    assert cli("new").exit_code == 0
    assert searched == [1] and not (linear / RUN_MARKER).exists()


def test_a_symlinked_output_is_written_through_to_its_target(linear):
    target = linear / "shared" / "linear_layer.py"
    target.parent.mkdir()
    (linear / LAYER).replace(target)
    (linear / LAYER).symlink_to(os.path.relpath(target, (linear / LAYER).parent))
    edit(target, "import keras\n", "import keras  # mine\n")
    add_weight_to_spec(linear)
    result = cli("new")
    assert result.exit_code == 0, result.output
    assert (linear / LAYER).is_symlink()
    code = target.read_text()
    assert "import keras  # mine" in code and 'name="gain"' in code
    assert cli("check", "--accept-breaking").exit_code == 0

    target.unlink()  # the link now points nowhere
    result = cli("new")
    assert result.exit_code == 1
    assert f"{LAYER}: is a symbolic link to {target}, which is not a file; restore its target or remove the link" in (
        result.stderr
    )


def test_an_unexpected_failure_in_one_spec_leaves_the_others_generated(project, monkeypatch):
    (project / "specs" / "linear.yaml").write_text(LINEAR)
    (project / "specs" / "other.yaml").write_text(LINEAR.replace("layer: LinearLayer", "layer: OtherLayer"))
    real_render = generate.render_code

    def render(model, which, templates):
        if model.class_name == "OtherLayer":
            raise RuntimeError("boom")
        return real_render(model, which, templates)

    monkeypatch.setattr(generate, "render_code", render)
    result = cli("new")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "specs/other.yaml: layergen failed on this spec (RuntimeError: boom); this is a bug in layergen, please report it"
    )
    assert result.stdout.splitlines() == [f"wrote {LAYER}", f"wrote {TEST}", "1 of 2 specs failed; the others are done"]


def test_a_write_that_fails_for_one_spec_leaves_the_others_written(project, monkeypatch):
    (project / "specs" / "linear.yaml").write_text(LINEAR)
    (project / "specs" / "other.yaml").write_text(LINEAR.replace("layer: LinearLayer", "layer: OtherLayer"))
    real_replace = os.replace
    monkeypatch.setattr(writing.os, "replace", full_disk_for("other_layer.py"))
    result = cli("new")
    assert result.exit_code == 1
    assert "layers/other_layer.py: cannot write: No space left on device" in result.stderr
    assert (project / LAYER).is_file() and (project / TEST).is_file()
    assert "1 of 2 specs failed; the others are done" in result.stdout
    monkeypatch.setattr(writing.os, "replace", real_replace)
    assert cli("new").exit_code == 0
    assert cli("check").exit_code == 0


def full_disk_for(name):
    """An `os.replace` that fails for the file `name` as a full disk would."""
    real_replace = os.replace

    def replace(source, target):
        if os.path.basename(target) == name:
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    return replace


def test_applying_a_plan_returns_the_specs_that_failed_and_leaves_the_plan_as_it_was(project, monkeypatch):
    from layergen.run import run
    from layergen.update.apply import apply_updates

    (project / "specs" / "linear.yaml").write_text(LINEAR)
    (project / "specs" / "other.yaml").write_text(LINEAR.replace("layer: LinearLayer", "layer: OtherLayer"))
    plan = run(resolved_project(find_project()), [project / "specs"], writes=False).plan
    before = copy.deepcopy(plan)
    store = RecordStore(project)
    monkeypatch.setattr(writing.os, "replace", full_disk_for("other_layer.py"))
    failed = apply_updates(plan, store, store.load())
    assert list(failed) == ["specs/other.yaml"]
    assert "layers/other_layer.py: cannot write: No space left on device" in str(failed["specs/other.yaml"])
    assert plan == before, "the plan is a value: what failed is returned, not noted in it"
    assert (project / LAYER).is_file() and not (project / "layers" / "other_layer.py").exists()


def test_a_spec_whose_write_failed_is_counted_as_not_done_among_many(project, monkeypatch):
    for index in range(10):
        name = f"Layer{index}"
        (project / "specs" / f"layer{index}.yaml").write_text(LINEAR.replace("layer: LinearLayer", f"layer: {name}"))
    monkeypatch.setattr(writing.os, "replace", full_disk_for("layer3.py"))
    result = cli("new")
    assert result.exit_code == 1
    assert "layers/layer3.py: cannot write: No space left on device" in result.stderr
    assert "18 written, 1 spec not done" in result.stdout.splitlines()
    assert "1 of 10 specs failed; the others are done" in result.stdout
    assert "layer3.py" not in result.stdout, "the failed spec's files are not listed as written"


def test_a_run_stopped_between_writing_files_and_recording_them_leaves_no_wrong_base(linear, monkeypatch):
    """The record notes a write before it starts; the next run sees whether it happened."""
    spec = linear / "specs" / "linear.yaml"
    before = spec.read_text()
    spec.write_text(spec_variant(before, 1))
    real_save = RecordStore.save

    def stop_before_recording_the_new_files(self, key, record):
        if all(output.write is None for output in record.outputs.values()):
            raise KeyboardInterrupt  # as a kill would, after the files were written
        return real_save(self, key, record)

    monkeypatch.setattr(RecordStore, "save", stop_before_recording_the_new_files)
    assert cli("new").exit_code != 0
    monkeypatch.setattr(RecordStore, "save", real_save)
    assert "Variant 1." in (linear / LAYER).read_text(), "the files were written"

    spec.write_text(before)  # the person takes the spec change back
    result = cli("new")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"updated {LAYER}", f"unchanged {TEST}"]
    assert cli("check").exit_code == 0
    assert_generated_and_recorded(linear, [spec])
