"""`layergen status`: each spec's state, as `git status` gives it, and as JSON for tools."""

import json

from conftest import cli
from regen_support import LAYER, LINEAR, SPEC, edit, generate_linear

# spec file -> layer class; the specs sort in this order.
SPECS = {
    "a.yaml": "CurrentLayer",
    "b.yaml": "EditedLayer",
    "c.yaml": "StaleLayer",
    "d.yaml": "BreakingLayer",
    "e.yaml": "ConflictedLayer",
    "f.yaml": "DeletedLayer",
}


def make_every_state(project):
    for name, layer in SPECS.items():
        (project / "specs" / name).write_text(LINEAR.replace("layer: LinearLayer", f"layer: {layer}"))
    assert cli("new").exit_code == 0
    specs, layers = project / "specs", project / "layers"
    edit(layers / "edited_layer.py", "import keras\n", "import keras  # mine\n")
    edit(specs / "c.yaml", "call: |", "  gain:\n    shape: [units]\n\ncall: |")
    edit(specs / "d.yaml", "  bias:", "  offset:")
    edit(specs / "d.yaml", "self.bias", "self.offset")
    assert cli("new", specs / "d.yaml").exit_code == 0  # regenerated, but the break is not accepted
    edit(layers / "conflicted_layer.py", "+ self.bias\n", "- self.bias\n")
    edit(specs / "e.yaml", "+ self.bias", "* self.bias")
    (specs / "f.yaml").unlink()


def test_status_lists_each_spec_with_its_state(project):
    make_every_state(project)
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    result = cli("status")
    assert result.exit_code == 1, result.output  # specs/e.yaml is conflicted
    lines = result.stdout.splitlines()
    assert [line for line in lines if not line.startswith(" ")] == [
        "current      specs/a.yaml",
        "hand-edited  specs/b.yaml",
        "stale        specs/c.yaml",
        "breaking     specs/d.yaml",
        "conflicted   specs/e.yaml",
        "orphaned     specs/f.yaml",
    ]
    assert "    hand-edited: layers/edited_layer.py: has hand edits; current with its spec" in lines
    assert "    stale: layers/stale_layer.py: out of date with specs/c.yaml" in lines
    assert any(line.startswith("    breaking: weights.bias: weight 'bias' was removed") for line in lines)
    assert any(
        line.startswith("    conflicted: layers/conflicted_layer.py:90: out of date with specs/e.yaml, and the update")
        for line in lines
    )
    assert "    orphaned: layers/deleted_layer.py: left over: its spec specs/f.yaml was deleted" in lines
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before, "status writes nothing"


def test_status_json_is_for_tools(project):
    make_every_state(project)
    (project / "specs" / "g.yaml").write_text("layer: [\n")
    result = cli("status", "--json")
    assert result.exit_code == 1, result.output  # conflicted and invalid specs
    data = json.loads(result.stdout)
    assert {s["spec"]: s["state"] for s in data["specs"]} == {
        "specs/a.yaml": "current",
        "specs/b.yaml": "hand-edited",
        "specs/c.yaml": "stale",
        "specs/d.yaml": "breaking",
        "specs/e.yaml": "conflicted",
        "specs/f.yaml": "orphaned",
    }
    conflicted = next(s for s in data["specs"] if s["state"] == "conflicted")
    assert conflicted["files"] == [
        {
            "path": "layers/conflicted_layer.py",
            "state": "conflicted",
            "detail": "out of date with specs/e.yaml, and the update conflicts with your edits",
            "line": 90,
        }
    ]
    assert [s["files"] for s in data["specs"] if s["state"] == "current"] == [[]]
    ((error),) = data["errors"]
    assert error["file"] == "specs/g.yaml" and error["line"] == 2


def test_status_after_markers_and_a_resolution(project):
    (project / "specs" / "a.yaml").write_text(LINEAR)
    assert cli("new").exit_code == 0
    edit(project / "layers" / "linear_layer.py", "+ self.bias\n", "- self.bias\n")
    edit(project / "specs" / "a.yaml", "+ self.bias", "* self.bias")
    assert cli("new", "--conflicts", "inline").exit_code == 1
    result = cli("status")
    assert result.stdout.splitlines()[0] == "conflicted  specs/a.yaml"
    assert "holds conflict markers" in result.stdout


def test_status_exits_1_where_check_does_for_the_same_state(project):
    # Conflicted or invalid is a project that needs fixing, whatever the command
    # (layergen.exit_status); stale and breaking fail `check` only.
    generate_linear(project)
    edit(project / SPEC, "+ self.bias", "* self.bias")
    assert cli("check").exit_code == 1
    result = cli("status")
    assert result.stdout.split()[:2] == ["stale", SPEC]
    assert result.exit_code == 0, "stale: `new` has work to do, nothing to fix"

    edit(project / LAYER, "+ self.bias\n", "- self.bias\n")
    for args in (["--conflicts", "report"], ["--conflicts", "inline"]):  # a conflict, then its markers
        assert cli("new", *args).exit_code == 1
        assert cli("check").exit_code == 1
        for options in ([], ["--json"], ["--quiet"]):
            result = cli("status", *options)
            assert "conflicted" in result.stdout
            assert result.exit_code == 1, (options, result.output)

    (project / SPEC).write_text("layer: [\n")
    assert cli("check").exit_code == 1
    result = cli("status")
    assert result.stdout.startswith(f"invalid  {SPEC}:2:"), result.output
    assert result.exit_code == 1, result.output
