"""Per-spec records: readable, deterministic, one folder per spec, migrated from the old
manifest, located errors when broken, and the same from any working directory."""

import base64
import json
import os
import re
import shutil
import zlib

import pytest
from conftest import REPO, cli
from regen_support import (
    LAYER,
    LINEAR,
    RECORD,
    SPEC,
    TEST,
    add_weight_to_spec,
    edit,
    generate_linear,
)

EXPECTED_RECORD = """\
{
  "class": "LinearLayer",
  "format": 3,
  "outputs": {
    "layer": {
      "path": "layers/linear_layer.py"
    },
    "test": {
      "path": "tests/test_linear_layer.py"
    }
  },
  "weights": {
    "bias": {
      "dtype": null,
      "renamed_from": [],
      "shape": ["units"]
    },
    "kernel": {
      "dtype": null,
      "renamed_from": [],
      "shape": ["input_dim", "units"]
    }
  }
}
"""


@pytest.fixture
def linear(project):
    return generate_linear(project)


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_record_is_plain_text_a_person_can_read(linear):
    record = (linear / RECORD / "record.json").read_text()
    assert re.sub(r"sha256:[0-9a-f]{64}", "sha256:<64 hex digits>", record) == EXPECTED_RECORD
    assert (linear / RECORD / "linear_layer.py.generated").read_bytes() == (linear / LAYER).read_bytes()
    assert (linear / RECORD / "test_linear_layer.py.generated").read_bytes() == (linear / TEST).read_bytes()
    assert sorted(snapshot(linear / ".layergen")) == [
        ".gitignore",
        "lock",
        "records/specs/linear.yaml/linear_layer.py.generated",
        "records/specs/linear.yaml/record.json",
        "records/specs/linear.yaml/test_linear_layer.py.generated",
        "state/.gitignore",
        "state/fingerprints.json",
    ]
    ignored = (linear / ".layergen" / ".gitignore").read_text().splitlines()
    assert "/lock" in ignored and "/writing" in ignored
    assert (linear / ".layergen" / "state" / ".gitignore").read_text().splitlines()[-1] == "*"


def test_records_are_the_same_bytes_every_time(tmp_path, monkeypatch):
    trees = []
    for name in ("one", "two"):
        root = tmp_path / name
        (root / "specs").mkdir(parents=True)
        (root / "pyproject.toml").write_text('[project]\nname = "demo"\n')
        for spec in sorted((REPO / "specs" / "examples").glob("*.yaml"))[:4]:
            shutil.copy(spec, root / "specs" / spec.name)
        monkeypatch.chdir(root)
        assert cli("new").exit_code == 0
        trees.append(snapshot(root / ".layergen" / "records"))
    assert trees[0] == trees[1]
    assert len([p for p in trees[0] if p.endswith("record.json")]) == 4


def test_a_spec_change_touches_only_that_spec_s_record(linear):
    (linear / "specs" / "other.yaml").write_text(LINEAR.replace("layer: LinearLayer", "layer: OtherLayer"))
    assert cli("new").exit_code == 0
    before = snapshot(linear / ".layergen" / "records")
    add_weight_to_spec(linear)
    assert cli("new", "--accept-breaking").exit_code == 0
    after = snapshot(linear / ".layergen" / "records")
    changed = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
    assert changed == [
        "specs/linear.yaml/linear_layer.py.generated",
        "specs/linear.yaml/record.json",
        "specs/linear.yaml/test_linear_layer.py.generated",
    ]


def write_legacy_manifest(project):
    """The single `.layergen/manifest.json` (format 1) that earlier versions kept."""
    record = json.loads((project / RECORD / "record.json").read_text())
    files = {
        path: base64.b64encode(
            zlib.compress((project / RECORD / (path.rsplit("/", 1)[1] + ".generated")).read_bytes(), 9)
        ).decode()
        for path in (LAYER, TEST)
    }
    entry = {"class": record["class"], "weights": record["weights"], "files": files}
    shutil.rmtree(project / ".layergen")
    (project / ".layergen").mkdir()
    (project / ".layergen" / "manifest.json").write_text(json.dumps({"format": 1, "specs": {SPEC: entry}}, indent=1))


def test_an_old_manifest_is_read_then_migrated_with_a_message(linear):
    write_legacy_manifest(linear)
    edit(linear / LAYER, "import keras\n", "import keras  # mine\n")
    add_weight_to_spec(linear)
    result = cli("check")
    assert result.exit_code == 1
    assert f"{LAYER}: out of date with {SPEC} (your edits would be kept)" in result.stdout
    assert (linear / ".layergen" / "manifest.json").exists(), "check writes nothing"

    result = cli("new")
    assert result.exit_code == 0, result.output
    assert (
        "moved .layergen/manifest.json to one record per spec in .layergen/records/ (commit the change)"
        in result.stdout
    )
    assert f"merged (your edits kept) {LAYER}" in result.stdout
    assert not (linear / ".layergen" / "manifest.json").exists()
    assert (linear / RECORD / "record.json").is_file()
    assert cli("check", "--accept-breaking").exit_code == 0


def test_an_old_manifest_of_an_unchanged_project_migrates_to_the_same_records(linear):
    expected = snapshot(linear / ".layergen" / "records")
    write_legacy_manifest(linear)
    result = cli("new")
    assert result.exit_code == 0
    assert snapshot(linear / ".layergen" / "records") == expected


CORRUPTIONS = {
    "not-json": ("record.json", lambda text: text[:-3], "record.json:23:4: is not valid JSON: Expecting ',' delimiter"),
    "wrong-shape": (
        "record.json",
        lambda text: text.replace('"outputs": {', '"outputs": [{', 1).replace(
            '  },\n  "weights"', '  }],\n  "weights"'
        ),
        "record.json: outputs: must be an object; fix it or restore it from version control",
    ),
    "unknown-format": ("record.json", lambda text: text.replace('"format": 3', '"format": 1'), "format: is 1"),
    "no-stored-file": (
        "linear_layer.py.generated",
        None,
        "record.json: outputs.layer: its stored file linear_layer.py.generated is missing",
    ),
    "git-conflict": (
        "linear_layer.py.generated",
        lambda text: text.replace("import keras\n", "<<<<<<< HEAD\nimport keras\n=======\nimport os\n>>>>>>> main\n"),
        "linear_layer.py.generated:5: holds conflict markers from a version-control merge",
    ),
}


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_a_broken_record_is_a_located_error_with_exit_2(linear, corruption):
    name, change, message = CORRUPTIONS[corruption]
    path = linear / RECORD / name
    if change is None:
        path.unlink()
    else:
        path.write_text(change(path.read_text()))
    for command in ("new", "check", "status"):
        result = cli(command)
        assert result.exit_code == 2, (command, result.output)
        (line,) = result.stderr.strip().splitlines()
        assert line.startswith(f"{RECORD}/") and message in line, line


@pytest.mark.parametrize("content", ["[]", '{"format": 1, "specs": []}', '{"format": 1, "specs": {"a.yaml": 5}}'])
def test_an_old_manifest_of_the_wrong_shape_is_a_located_error(linear, content):
    (linear / ".layergen" / "manifest.json").write_text(content)
    result = cli("new")
    assert result.exit_code == 2
    assert result.stderr.startswith(".layergen/manifest.json: cannot read the manifest (")


def test_the_same_spec_is_the_same_record_from_a_subfolder(linear, monkeypatch):
    before = snapshot(linear / ".layergen" / "records")
    monkeypatch.chdir(linear / "layers")
    for args in (["new"], ["new", "../specs/linear.yaml"], ["new", "../specs/../specs/linear.yaml"]):
        result = cli(*args)
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines() == [f"unchanged {LAYER}", f"unchanged {TEST}"]
    assert cli("check").exit_code == 0
    assert snapshot(linear / ".layergen" / "records") == before


def test_the_same_spec_is_the_same_record_through_a_symlinked_root(linear, monkeypatch):
    before = snapshot(linear / ".layergen" / "records")
    alias = linear.parent / f"{linear.name}-alias"
    alias.symlink_to(linear, target_is_directory=True)
    monkeypatch.chdir(alias / "layers")
    for args in (["new", alias / SPEC], ["new", linear / SPEC], ["new"]):
        result = cli(*args)
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines() == [f"unchanged {LAYER}", f"unchanged {TEST}"]
    assert cli("check", alias / SPEC).exit_code == 0
    assert snapshot(linear / ".layergen" / "records") == before


def test_a_spec_outside_the_project_has_its_own_escaped_record(tmp_path, monkeypatch):
    root = tmp_path / "project"
    (root / "sub").mkdir(parents=True)
    (root / "pyproject.toml").write_text('[project]\nname = "demo"\n')
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "linear.yaml").write_text(LINEAR)
    monkeypatch.chdir(root)
    assert cli("new", "../shared/linear.yaml").exit_code == 0
    assert (root / ".layergen/records/%2E%2E/shared/linear.yaml/record.json").is_file()
    monkeypatch.chdir(root / "sub")
    result = cli("new", os.path.join("..", "..", "shared", "linear.yaml"))
    assert result.stdout.splitlines() == [f"unchanged {LAYER}", f"unchanged {TEST}"]
    assert len(list((root / ".layergen").rglob("record.json"))) == 1
