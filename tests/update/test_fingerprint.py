"""The fast path is exact: a spec whose fingerprint matches is current, and any change to
what its files depend on (the spec, a template, a setting, layergen's version or code, a
project class, an output file) takes the full path, so nothing stale is called current."""

import json
import subprocess
import sys

import pytest
from conftest import REPO, cli
from regen_support import CALL, LAYER, LINEAR, RECORD, SPEC, TEST, edit, generate_linear

import layergen.pipeline
import layergen.run
from layergen.update import fingerprint


@pytest.fixture
def linear(project):
    return generate_linear(project)


@pytest.fixture
def generations(monkeypatch):
    """The specs generated (the full path) during a test."""
    seen = []
    real = layergen.pipeline.generate_layer

    def counting(spec, project, **options):
        seen.append(spec.name)
        return real(spec, project, **options)

    monkeypatch.setattr(layergen.pipeline, "generate_layer", counting)
    return seen


STATE = ".layergen/state/fingerprints.json"


def state(project):
    return json.loads((project / STATE).read_text())["specs"]


def fingerprint_of(project, key=SPEC):
    """The fingerprint the git-ignored state file keeps for a spec (None: none)."""
    entry = state(project).get(key)
    return entry[0] if entry else None


def set_fingerprint(project, value, key=SPEC):
    data = json.loads((project / STATE).read_text())
    data["specs"][key][0] = value
    (project / STATE).write_text(json.dumps(data))


def test_new_records_a_fingerprint_and_check_then_generates_nothing(linear, generations):
    assert fingerprint_of(linear).startswith("sha256:")
    assert "fingerprint" not in (linear / RECORD / "record.json").read_text()
    result = cli("check")
    assert (result.exit_code, result.stdout) == (0, "all generated files are current (1 specs)\n")
    result = cli("new")
    assert result.stdout.splitlines() == [f"unchanged {LAYER}", f"unchanged {TEST}"]
    assert generations == []


def test_check_on_a_current_project_loads_no_generator(linear):
    code = (
        "import sys\nfrom layergen.cli.main import main\ntry:\n    main(['check'])\nexcept SystemExit as e:\n"
        "    heavy = [m for m in ('pydantic', 'jinja2', 'black', 'typer', 'layergen.pipeline') if m in sys.modules]\n"
        "    print(e.code, heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=linear, capture_output=True, text=True, check=True)
    assert done.stdout.splitlines()[-1] == "0 []"


def add_setting(project, line):
    with open(project / "pyproject.toml", "a") as settings:
        settings.write(line)


def _template_override(project):
    (project / "templates").mkdir()
    for name in ("layer.py.jinja", "test_layer.py.jinja"):
        (project / "templates" / name).write_text((REPO / "layergen" / "render" / "templates" / name).read_text())
    with open(project / "pyproject.toml", "a") as settings:
        settings.write('templates = "templates"\n')


CHANGES = {
    "spec": lambda p: edit(p / SPEC, "summary: ", "summary: Changed. "),
    "spec comment only": lambda p: (p / SPEC).write_text(LINEAR + "# a comment\n"),
    "package setting": lambda p: add_setting(p, 'package = "other"\n'),
    "formatter setting": lambda p: add_setting(p, 'formatter = "ruff"\n'),
    "layers setting": lambda p: add_setting(p, 'layers = "elsewhere"\n'),
    "imports setting": lambda p: add_setting(p, 'imports = ["my_pkg"]\n'),
    "template override": _template_override,
    "layer file edited": lambda p: edit(p / LAYER, CALL, "        # mine\n" + CALL),
    "test file deleted": lambda p: (p / TEST).unlink(),
    "conflict markers": lambda p: edit(p / LAYER, CALL, "<<<<<<< mine\n=======\n>>>>>>> theirs\n" + CALL),
    "line endings": lambda p: (p / LAYER).write_bytes((p / LAYER).read_bytes().replace(b"\n", b"\r\n")),
}


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_any_change_takes_the_full_path(linear, generations, change):
    CHANGES[change](linear)
    full = cli("check")
    assert generations == ["linear.yaml"], "the change must be seen"
    # The full path's verdict stands: compare with a run that has no fingerprint at all.
    (linear / STATE).unlink()
    reference = cli("check")
    assert (full.exit_code, full.stdout, full.stderr) == (reference.exit_code, reference.stdout, reference.stderr)


def test_a_stale_file_is_never_current(linear):
    edit(linear / SPEC, "summary: ", "summary: Changed. ")
    result = cli("check")
    assert result.exit_code == 1
    assert LAYER in result.stdout


def test_a_new_layergen_version_or_code_takes_the_full_path(linear, generations, monkeypatch):
    monkeypatch.setattr(fingerprint, "__version__", "99.0")
    assert cli("check").exit_code == 0
    assert generations == ["linear.yaml"]
    monkeypatch.setattr(fingerprint, "__version__", layergen.__version__)
    monkeypatch.setattr(fingerprint, "_code_digest", lambda: b"other code")
    before = fingerprint_of(linear)
    result = cli("new")
    assert fingerprint_of(linear) != before, result.output


@pytest.mark.parametrize("value", ["sha256:" + "0" * 64, "sha256+classes:" + "f" * 64, "garbage"])
def test_a_wrong_fingerprint_is_not_trusted_and_is_rebuilt(linear, generations, value):
    good = fingerprint_of(linear)
    set_fingerprint(linear, value)
    edit(linear / LAYER, CALL, "        # mine\n" + CALL)
    assert cli("check").exit_code == 0  # hand edits, kept: current, found by the full path
    assert generations == ["linear.yaml"]
    cli("new")
    assert fingerprint_of(linear) not in (value, good)
    generations.clear()
    result = cli("status")
    assert "hand-edited" in result.stdout and generations == []


def test_hand_edited_files_stay_on_the_fast_path_once_recorded(linear, generations):
    edit(linear / LAYER, CALL, "        # mine\n" + CALL)
    cli("new")
    generations.clear()
    result = cli("status")
    assert generations == []
    assert "hand-edited" in result.stdout


def test_a_pending_breaking_change_is_never_fingerprinted(linear, generations):
    edit(linear / SPEC, "shape: [input_dim, units]", "shape: [units, input_dim]")
    assert cli("new").exit_code == 0
    assert fingerprint_of(linear) is None
    generations.clear()
    assert cli("check").exit_code == 1
    assert generations == ["linear.yaml"]


SUB = """\
layer: Wrapper
summary: Holds an inner layer.
inputs:
  inputs:
    shape: [batch, features]
layers:
  inner:
    class: Inner
    arguments: {units: 3}
call: |
  return self.inner(inputs)
output_shape: [batch, 3]
"""
INNER = LINEAR.replace("layer: LinearLayer", "layer: Inner")


def test_a_change_to_a_project_sub_layer_class_is_seen(project, generations):
    (project / "specs" / "inner.yaml").write_text(INNER)
    (project / "specs" / "wrapper.yaml").write_text(SUB)
    result = cli("new")
    assert result.exit_code == 0, result.output
    assert fingerprint_of(project, "specs/wrapper.yaml").startswith("sha256+classes:")
    generations.clear()
    assert cli("check").exit_code == 0 and generations == []
    # The inner layer loses the argument the wrapper passes: the wrapper's spec is now wrong.
    edit(project / "specs" / "inner.yaml", "  units:", "  width:")
    result = cli("check")
    assert "wrapper.yaml" in generations
    assert result.exit_code == 1 and "units" in result.stderr


def test_quiet_prints_only_problems(linear):
    assert cli("new", "--quiet").stdout == ""
    assert cli("check", "-q").stdout == ""
    edit(linear / SPEC, "summary: ", "summary: Changed. ")
    result = cli("check", "--quiet")
    assert result.exit_code == 1 and LAYER in result.stdout


def test_a_new_formatter_version_takes_the_full_path(linear, generations, monkeypatch):
    real = layergen.run.formatter_version
    monkeypatch.setattr(layergen.run, "formatter_version", lambda name: real(name) + ".post1")
    assert cli("check").exit_code == 0
    assert generations == ["linear.yaml"]
