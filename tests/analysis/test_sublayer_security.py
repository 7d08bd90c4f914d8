"""Sub-layers without a back door: spec text reaches generated code outside `call` only as a
checked name or a literal. Argument and build-parameter names pass the names rule, a class
path is imported only from a package `[tool.layergen] imports` allows, the project's classes
come from specs read within the reader's limits and checked, and classes holding each other
are refused. Every refusal is one located line, and nothing is written."""

import json
import subprocess
import sys
import tracemalloc

import pytest
from conftest import cli
from error_catalog import VALID, spec_with

from layergen.project import classes as pc
from layergen.project import imports as import_policy

# A spec whose sub-layer `hidden` (line 15) is CLASS with ARGUMENTS (a flow mapping).
SUB = spec_with("call: |", "layers:\n  hidden:\n    class: CLASS\n    arguments: ARGUMENTS\ncall: |")
HOSTILE_NAMES = [
    "x=open('canary','w'),y",
    "x=__import__('os').system('true'),y",
    "class",
    "None",
    "lambda",
    "__class__",
    "__init__",
    "__x",
    "a b",
    "1x",
    "x)",
    "x#",
    "x\ny",
    "",
    "x.y",
    "**x",
    "\uff58",  # a full-width x: Python reads it as `x`
    "caf\u00e9",
]


def sub_spec(class_name: str, arguments: dict | None = None, build: dict | None = None) -> str:
    text = SUB.replace("CLASS", json.dumps(class_name)).replace("ARGUMENTS", json.dumps(arguments or {}))
    if build is not None:
        text = text.replace("call: |", f"    build: {json.dumps(build)}\ncall: |")
    return text


@pytest.fixture
def allowing(project):
    """The project allows generated code to import from `my_pkg`."""
    with open(project / "pyproject.toml", "a") as settings:
        settings.write('imports = ["my_pkg"]\n')
    return project


def refused(project, text: str, start: str, files: dict | None = None) -> str:
    """`validate` and `new` refuse the spec with one line starting with `start`; nothing is written."""
    (project / "demo.yaml").write_text(text)
    for name, content in (files or {}).items():
        (project / name).write_text(content)
    for command in ("validate", "new"):
        result = cli(command, "demo.yaml")
        lines = result.stderr.strip().splitlines()
        assert result.exit_code == 1 and len(lines) == 1, result.output
        assert lines[0].startswith(start), lines[0]
        assert "Traceback" not in result.output and "jinja" not in result.output, result.output
    assert not (project / "layers").exists() and not (project / "tests").exists()
    return lines[0]


# -- names --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", HOSTILE_NAMES)
@pytest.mark.parametrize("class_name", ["my_pkg.layers.Thing", "Dense"])
def test_a_sub_layer_argument_name_must_be_a_name(allowing, class_name, name):
    arguments = {"units": 3, name: 1} if class_name == "Dense" else {name: 1}
    line = refused(allowing, sub_spec(class_name, arguments), "demo.yaml:17:")
    assert "layers.hidden.arguments." in line and "argument name" in line


@pytest.mark.parametrize("name", HOSTILE_NAMES)
@pytest.mark.parametrize("class_name", ["my_pkg.layers.Thing", "Dense"])
def test_a_build_parameter_name_must_be_a_name(allowing, class_name, name):
    text = sub_spec(class_name, {"units": 3}, build={name: ["batch", "...", "input_dim"]})
    line = refused(allowing, text, "demo.yaml:18:")
    assert "layers.hidden.build." in line and "build parameter name" in line


def test_names_are_checked_even_when_the_class_is_refused(project):
    text = sub_spec("webbrowser.Thing", {"class": 1}, build={"x=1": [1]})
    (project / "demo.yaml").write_text(text)
    result = cli("validate", "demo.yaml")
    assert [line.split(": ")[1] for line in result.stderr.strip().splitlines()] == [
        "layers.hidden.class",
        "layers.hidden.arguments.class",
        "layers.hidden.build.x=1",
    ]


def test_names_that_pass_are_keyword_arguments_and_values_are_literals(allowing):
    arguments = {"match": "x'), __import__('os').system('true'), ('", "_private": [1, None, "a\nb"]}
    (allowing / "demo.yaml").write_text(sub_spec("my_pkg.layers.Thing", arguments, build={"query_shape": ["batch", 2]}))
    result = cli("new", "demo.yaml")
    assert result.exit_code == 0, result.output
    code = (allowing / "layers" / "demo.py").read_text()
    assert "import my_pkg.layers\n" in code
    assert "self.hidden = my_pkg.layers.Thing(\n" in code
    assert "match=\"x'), __import__('os').system('true'), ('\"," in code
    assert '_private=[1, None, "a\\nb"],' in code
    assert "self.hidden.build(query_shape=(input_shape[0], 2))" in code


# -- class paths and the imports setting -----------------------------------------------------


@pytest.mark.parametrize(
    ("class_name", "message"),
    [
        ("my_pkg.__main__.Thing", "a class path is dotted names, like my_pkg.layers.MyLayer; '__main__' starts"),
        ("my_pkg.layers.__class__", "a class path is dotted names, like my_pkg.layers.MyLayer; '__class__' starts"),
        ("my_pkg.import.Thing", "a class path is dotted names, like my_pkg.layers.MyLayer; 'import' is a Python"),
        ("my_pkg..Thing", "a class path is dotted names, like my_pkg.layers.MyLayer; an empty name must be"),
        (".Thing", "a class path is dotted names, like my_pkg.layers.MyLayer; an empty name must be"),
        ("my_pkg.Thing.", "a class path is dotted names, like my_pkg.layers.MyLayer; an empty name must be"),
        ("my_pkg.Thing\nimport os", "a class path is dotted names, like my_pkg.layers.MyLayer; 'Thing\\nimport os'"),
        ("my_pkg.Thing()", "a class path is dotted names, like my_pkg.layers.MyLayer; 'Thing()' must be"),
        ("\uff4dy_pkg.Thing", "a class path is dotted names, like my_pkg.layers.MyLayer; '\uff4dy_pkg' must be"),
        ("keras.src.layers.Dense", "use the public Keras API (keras.layers.X), not keras.src"),
        ("webbrowser.open", "generated code would import 'webbrowser', which runs its code; to allow it, add"),
        ("os.system", "generated code would import 'os', which runs its code; to allow it, add \"os\" to imports"),
        ("builtins.eval", "generated code would import 'builtins'"),
        ("my_pkgx.Thing", "generated code would import 'my_pkgx'"),
        ("keras.utils.get_file", "generated code would import 'keras.utils'"),
        ("keras.layers.Dence", "unknown keras.layers class 'Dence' (did you mean 'Dense'?)"),
        ("keras.layers.Other", "unknown keras.layers class 'Other'"),
    ],
)
def test_a_class_path_is_dotted_names_from_an_allowed_package(allowing, class_name, message):
    refused(allowing, sub_spec(class_name, {}), f"demo.yaml:16:12: layers.hidden.class: {message}")


def test_a_package_hidden_by_an_argument_is_refused(allowing):
    text = sub_spec("my_pkg.Thing", {}).replace("  units:", "  my_pkg:\n    type: int\n  units:")
    refused(allowing, text, "demo.yaml:18:12: layers.hidden.class: the argument or constant 'my_pkg' hides")


def test_by_default_only_keras_layers_and_project_classes_are_allowed(project):
    (project / "demo.yaml").write_text(sub_spec("keras.layers.Dense", {"units": 3}))
    assert cli("validate", "demo.yaml").exit_code == 0
    refused(project, sub_spec("keras_hub.layers.Thing", {}), "demo.yaml:16:12: layers.hidden.class: generated code")


def test_the_imports_setting_allows_a_package_and_its_modules_only(project):
    with open(project / "pyproject.toml", "a") as settings:
        settings.write('imports = ["keras_hub", "my_pkg.layers"]\n')
    for class_name in ("keras_hub.Thing", "keras_hub.layers.deep.Thing", "my_pkg.layers.Thing"):
        (project / "demo.yaml").write_text(sub_spec(class_name, {}))
        assert cli("validate", "demo.yaml").exit_code == 0, class_name
    for class_name in ("my_pkg.Thing", "my_pkg.layersx.Thing", "keras_hubx.Thing"):
        (project / "demo.yaml").write_text(sub_spec(class_name, {}))
        assert "generated code would import" in cli("validate", "demo.yaml").stderr, class_name


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ('"keras_hub"', "expected a list of package names"),
        ("[1]", "expected a list of package names"),
        ('["keras.src"]', "'keras.src' is Keras's private code"),
        ('["keras.src.layers"]', "'keras.src.layers' is Keras's private code"),
        ('["pkg.__main__"]', "'pkg.__main__' is not a package name"),
        ('["pkg.class"]', "'pkg.class' is not a package name"),
        ('["os; import sys"]', "'os; import sys' is not a package name"),
        ('[""]', "'' is not a package name"),
    ],
)
def test_an_imports_entry_must_be_a_package_name(project, entry, message):
    with open(project / "pyproject.toml", "a") as settings:
        settings.write(f"imports = {entry}\n")
    (project / "demo.yaml").write_text(VALID)
    result = cli("validate", "demo.yaml")
    assert result.exit_code == 2  # the project's settings: the command cannot run
    assert result.stderr.strip().startswith(f"pyproject.toml:6:1: tool.layergen.imports: {message}"), result.stderr


def test_keras_src_is_never_allowed():
    assert not import_policy.allows(("keras",), "keras.src.layers")
    assert import_policy.allows(("keras",), "keras.utils")


# -- the project's classes -------------------------------------------------------------------

HOLDS_OTHER = sub_spec("Other", {})
OTHER = spec_with("layer: Demo", "layer: Other")


def holding(name: str, held: str) -> str:
    return sub_spec(held, {}).replace("layer: Demo", f"layer: {name}")


@pytest.mark.parametrize("name", [*HOSTILE_NAMES, "kwargs", "weights"])
@pytest.mark.parametrize("section", ["arguments", "constants", "weights"])
def test_a_project_class_whose_spec_has_bad_names_is_refused_by_name(project, section, name):
    entry = {"arguments": {"type": "int", "default": 1}, "constants": {"value": 1.0}, "weights": {"shape": []}}
    other = {"layer": "Other", "summary": "s", section: {name: entry[section]}, "call": "return inputs\n"}
    refused(
        project,
        HOLDS_OTHER,
        "demo.yaml:16:12: layers.hidden.class: layer class 'Other' is defined by other.yaml, which cannot be used:",
        {"other.yaml": json.dumps(other)},  # JSON is YAML
    )


@pytest.mark.parametrize(
    ("layer", "reason"),
    [
        ('"Other\\nimport os"', "layer: class name must be CamelCase"),
        ('"Other()"', "layer: class name must be CamelCase"),
        ("123", "layer: must be a class name"),
        ("[Other]", "layer: must be a class name"),
        ("Other: [", "invalid YAML"),
    ],
)
def test_a_spec_that_defines_no_usable_class_is_named(project, layer, reason):
    other = OTHER.replace("layer: Other", f"layer: {layer}")
    line = refused(
        project,
        HOLDS_OTHER,
        "demo.yaml:16:12: layers.hidden.class: unknown layer class 'Other';",
        {"other.yaml": other},
    )
    assert f"other.yaml may define it but cannot be used: {reason}" in line


def test_a_huge_sibling_is_named_and_never_read_whole(project):
    with open(project / "huge.yaml", "w") as huge:
        huge.write("layer: Other\nsummary: s\n" + "#" * 1000 + "\n")
        huge.write(("a: b\n" * 1_000_000) * 4)  # 20 MB
    tracemalloc.start()
    try:
        line = refused(project, HOLDS_OTHER, "demo.yaml:16:12: layers.hidden.class: unknown layer class 'Other';")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "huge.yaml may define it but cannot be used: spec is over 100,000 bytes" in line
    assert peak < 20_000_000, f"{peak:,} bytes allocated: the huge spec was read"
    # A spec that finds its class elsewhere is not slowed or failed by it.
    (project / "other.yaml").write_text(OTHER)
    assert cli("validate", "demo.yaml").exit_code == 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
def test_a_refusal_for_a_huge_sibling_is_bounded_in_a_fresh_process(project):
    (project / "demo.yaml").write_text(HOLDS_OTHER)
    with open(project / "huge.yaml", "w") as huge:
        huge.write("layer: Other\n" + "x" * 50_000_000 + "\n")
    # VmHWM: the peak of this process's own memory (ru_maxrss would count the parent's
    # memory at the fork, before the exec).
    script = (
        "import sys\nfrom layergen.cli.main import main\nsys.argv = ['layergen', 'validate', 'demo.yaml']\n"
        "try:\n    main()\nfinally:\n    print(open('/proc/self/status').read().split('VmHWM:')[1].split()[0])\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=project, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1 and "huge.yaml may define it but cannot be used" in done.stderr, done.stderr
    peak = int(done.stdout.split()[-1]) * 1024  # kB
    assert peak < 200_000_000, f"{peak:,} bytes"


def test_a_spec_with_only_keras_sub_layers_reads_no_other_spec(project, monkeypatch):
    read = []
    monkeypatch.setattr(pc, "read_definitions", lambda files: read.append(files) or [])
    (project / "demo.yaml").write_text(sub_spec("Dense", {"units": 3}))
    assert cli("validate", "demo.yaml").exit_code == 0
    assert read == []


@pytest.mark.parametrize(
    ("specs", "cycle"),
    [
        ({"Demo": "Other", "Other": "Demo"}, "Demo -> Other -> Demo"),
        ({"Demo": "Other", "Other": "Third", "Third": "Demo"}, "Demo -> Other -> Third -> Demo"),
        ({"Demo": "Other", "Other": "Third", "Third": "Other"}, "Other -> Third -> Other"),
        ({"Demo": "Other", "Other": "Other"}, "Other -> Other"),
    ],
)
def test_project_classes_holding_each_other_are_refused_with_the_cycle(project, specs, cycle):
    files = {f"{name.lower()}.yaml": holding(name, held) for name, held in specs.items() if name != "Demo"}
    refused(
        project,
        holding("Demo", specs["Demo"]),
        f"demo.yaml:16:12: layers.hidden.class: project classes hold each other, so constructing one never ends: {cycle}",
        files,
    )


def test_a_diamond_of_project_classes_is_no_cycle(project):
    files = {
        "a.yaml": holding("Alpha", "Leaf"),
        "b.yaml": holding("Beta", "Leaf"),
        "leaf.yaml": holding("Leaf", "Dense"),
    }
    files["leaf.yaml"] = files["leaf.yaml"].replace("arguments: {}", "arguments: {units: 3}")
    for name, text in files.items():
        (project / name).write_text(text)
    top = holding("Demo", "Alpha").replace("call: |", "  other:\n    class: Beta\ncall: |")
    (project / "demo.yaml").write_text(top)
    result = cli("validate", "demo.yaml", "a.yaml", "b.yaml", "leaf.yaml")
    assert result.exit_code == 0, result.output


def test_a_cycle_made_by_editing_another_spec_is_seen_by_check(project):
    (project / "specs" / "demo.yaml").write_text(holding("Demo", "Other"))
    (project / "specs" / "other.yaml").write_text(
        holding("Other", "Dense").replace("arguments: {}", "arguments: {units: 3}")
    )
    assert cli("new").exit_code == 0
    assert cli("check").exit_code == 0
    (project / "specs" / "other.yaml").write_text(holding("Other", "Demo"))
    result = cli("check")
    assert result.exit_code != 0
    assert "Demo -> Other -> Demo" in result.stderr, result.output


def test_a_project_class_takes_the_build_parameters_of_its_inputs(project):
    two_inputs = (
        OTHER.replace(
            "inputs:\n  inputs:\n    shape: [batch, ..., input_dim]",
            "inputs:\n  x:\n    shape: [batch, input_dim]\n  y:\n    shape: [batch, input_dim]",
        )
        .replace("ops.matmul(inputs,", "ops.matmul(x + y,")
        .replace("[batch, ..., units]", "[batch, units]")
    )
    (project / "other.yaml").write_text(two_inputs)
    shape = ["batch", "input_dim"]
    (project / "demo.yaml").write_text(sub_spec("Other", {"units": 2}, build={"x_shape": shape, "y_shape": shape}))
    result = cli("validate", "demo.yaml", "other.yaml")
    assert result.exit_code == 0, result.output
    text = sub_spec("Other", {"units": 2}, build={"input_shape": shape})
    refused(project, text, "demo.yaml:18:13: layers.hidden.build.input_shape: unknown build parameter of Other")


def test_keras_layers_dot_a_project_class_is_no_project_class(project):
    refused(
        project,
        sub_spec("keras.layers.Other", {}),
        "demo.yaml:16:12: layers.hidden.class: unknown keras.layers class 'Other'",
        {"other.yaml": OTHER},
    )


def test_classes_come_from_the_specs_folder_and_the_specs_beside_this_one(project):
    (project / "specs" / "nested").mkdir()
    (project / "specs" / "nested" / "other.yaml").write_text(OTHER)
    (project / "demo.yaml").write_text(HOLDS_OTHER)
    assert cli("validate", "demo.yaml").exit_code == 0
    (project / "specs" / "nested" / "other.yaml").unlink()
    # Folders below the spec's own are not read: run at a project's root, that would be
    # every YAML file of the project, a virtual environment's too.
    (project / "venv" / "lib").mkdir(parents=True)
    (project / "venv" / "lib" / "other.yaml").write_text(OTHER)
    (project / "venv" / "lib" / "huge.yaml").write_text("x" * 200_000)
    line = refused(project, HOLDS_OTHER, "demo.yaml:16:12: layers.hidden.class: unknown layer class 'Other'")
    assert "huge.yaml" not in line


@pytest.mark.parametrize("package", ["np", "ops", "warnings", "re", "Demo"])
def test_an_allowed_package_must_not_rebind_a_name_of_the_module(project, package):
    with open(project / "pyproject.toml", "a") as settings:
        settings.write(f'imports = ["{package}"]\n')
    message = f"demo.yaml:16:12: layers.hidden.class: `import {package}.layers` would rebind '{package}'"
    refused(project, sub_spec(f"{package}.layers.Thing", {}), message)


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_sub_layer_attribute_name_must_be_a_name(project, name):
    text = sub_spec("Dense", {"units": 3}).replace("  hidden:\n", f"  {json.dumps(name)}:\n")
    line = refused(project, text, "demo.yaml:15:3: layers.")
    assert "sub-layer name" in line
