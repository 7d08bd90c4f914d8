"""Committed records change only when a spec's meaning does (issue 19): fingerprints are
machine state in the git-ignored `.layergen/state/`, so a rerun, a layergen upgrade, a
recreated or hand-edited file, or a CRLF checkout rewrites no committed file, and two
branches that change different specs merge without a conflict."""

import json
import shutil
import subprocess

import pytest
from conftest import cli
from regen_support import CALL, LAYER, LINEAR, RECORD, SPEC, TEST, edit, generate_linear

from layergen.update import fingerprint


@pytest.fixture
def linear(project):
    return generate_linear(project)


def committed(project):
    """Every file a person commits: all but layergen's git-ignored state."""
    ignored = (".layergen/lock", ".layergen/writing", ".layergen/state/")
    return {
        p.relative_to(project).as_posix(): p.read_bytes()
        for p in sorted(project.rglob("*"))
        if p.is_file() and not p.relative_to(project).as_posix().startswith(ignored) and "__pycache__" not in p.parts
    }


def test_a_rerun_rewrites_nothing(linear):
    before = committed(linear)
    assert cli("new").exit_code == 0
    assert committed(linear) == before


def test_a_layergen_upgrade_that_generates_the_same_rewrites_nothing(linear, monkeypatch):
    before = committed(linear)
    monkeypatch.setattr(fingerprint, "__version__", "99.0")
    monkeypatch.setattr(fingerprint, "_code_digest", lambda: b"the code of another version")
    result = cli("new")
    assert result.exit_code == 0, result.output
    assert committed(linear) == before


def test_a_recreated_file_rewrites_no_record(linear):
    before = committed(linear)
    (linear / TEST).unlink()
    assert cli("new").stdout.splitlines() == [f"unchanged {LAYER}", f"wrote {TEST}"]
    assert committed(linear) == before


def test_a_hand_edit_kept_rewrites_no_record(linear):
    records = {k: v for k, v in committed(linear).items() if k.startswith(".layergen/")}
    edit(linear / LAYER, CALL, "        # mine\n" + CALL)
    assert cli("new").exit_code == 0
    assert {k: v for k, v in committed(linear).items() if k.startswith(".layergen/")} == records


def test_a_crlf_checkout_rewrites_nothing(linear):
    for path in committed(linear):
        if not path.endswith(".toml"):
            data = (linear / path).read_bytes()
            (linear / path).write_bytes(data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    before = committed(linear)
    result = cli("new")
    assert result.exit_code == 0, result.output
    assert committed(linear) == before
    assert cli("check").exit_code == 0


def test_a_format_2_record_is_rewritten_keeping_its_base_texts(linear):
    edit(linear / LAYER, CALL, "        # mine\n" + CALL)
    record = json.loads((linear / RECORD / "record.json").read_text())
    old = record | {"format": 2, "fingerprint": "sha256:" + "0" * 64}
    (linear / RECORD / "record.json").write_text(json.dumps(old, indent=2))
    bases = {
        name: (linear / RECORD / name).read_bytes()
        for name in ("linear_layer.py.generated", "test_linear_layer.py.generated")
    }
    assert cli("check").exit_code == 0  # read as it is
    result = cli("new")
    assert result.exit_code == 0, result.output
    assert f"unchanged (your edits kept) {LAYER}" in result.stdout
    now = json.loads((linear / RECORD / "record.json").read_text())
    assert now["format"] == 3 and "fingerprint" not in now
    assert now["weights"] == record["weights"] and now["outputs"] == record["outputs"]
    assert {name: (linear / RECORD / name).read_bytes() for name in bases} == bases
    assert "# mine" in (linear / LAYER).read_text()


def _git(project, *args):
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_git_sees_no_machine_state(linear):
    assert _git(linear, "init", "-q").returncode == 0
    shown = _git(linear, "status", "--porcelain", "--untracked-files=all", ".layergen").stdout.split()
    assert not [path for path in shown if "/state/" in path or path.endswith(("lock", "writing"))], shown
    assert ".layergen/records/specs/linear.yaml/record.json" in shown


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_two_branches_that_change_different_specs_merge_without_a_conflict(linear):
    (linear / "specs" / "other.yaml").write_text(LINEAR.replace("layer: LinearLayer", "layer: OtherLayer"))
    assert cli("new").exit_code == 0
    assert _git(linear, "init", "-q", "-b", "main").returncode == 0
    _git(linear, "add", "-A")
    assert _git(linear, "commit", "-qm", "base").returncode == 0
    _git(linear, "checkout", "-qb", "one")
    edit(linear / SPEC, "summary: ", "summary: One. ")
    assert cli("new").exit_code == 0
    _git(linear, "commit", "-qam", "one")
    _git(linear, "checkout", "-q", "main")
    assert cli("check").exit_code == 0  # back on main: files and records came back together
    assert cli("new").exit_code == 0
    assert _git(linear, "status", "--porcelain").stdout == "", "a run after a checkout leaves the tree clean"
    _git(linear, "checkout", "-qb", "two")
    edit(linear / "specs" / "other.yaml", "summary: ", "summary: Two. ")
    assert cli("new").exit_code == 0
    _git(linear, "commit", "-qam", "two")
    merged = _git(linear, "merge", "-q", "--no-edit", "one")
    assert merged.returncode == 0, merged.stdout + merged.stderr
    assert cli("check").exit_code == 0
