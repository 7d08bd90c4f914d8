"""Shared by the regeneration tests: a project with the LinearLayer spec generated once,
and the edits the tests make to specs and generated files."""

from conftest import REPO, cli

LINEAR = (REPO / "specs" / "examples" / "linear_layer.yaml").read_text()
SPEC = "specs/linear.yaml"
LAYER = "layers/linear_layer.py"
TEST = "tests/test_linear_layer.py"
RECORD = ".layergen/records/specs/linear.yaml"  # the spec's record folder
CALL = "        return ops.matmul(inputs, self.kernel) + self.bias\n"


def generate_linear(project):
    """The project with the LinearLayer spec generated once (tests' `linear` fixture)."""
    (project / "specs" / "linear.yaml").write_text(LINEAR)
    result = cli("new")
    assert result.exit_code == 0, result.output
    return project


def edit(path, old, new, count=1):
    text = path.read_text()
    assert text.count(old) == count, f"{old!r} appears {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new))


def add_weight_to_spec(project, name="gain"):
    edit(
        project / "specs" / "linear.yaml",
        "call: |",
        f"  {name}:\n    shape: [units]\n    initializer: ones\n\ncall: |",
    )


def conflicting_edits(project):
    """A hand edit of `call` and a spec edit of the same line; the spec also adds a weight,
    a change elsewhere in the file that merges cleanly."""
    edit(project / LAYER, "+ self.bias\n", "- self.bias\n")
    edit(project / SPEC, "+ self.bias", "* self.bias")
    add_weight_to_spec(project)
