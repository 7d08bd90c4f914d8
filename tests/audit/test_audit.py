"""`layergen audit --static` and `layergen adopt`, without running Keras: each hand-written
mistake is found at its line, the corrected layers and layergen's own have no finding, adopt
writes the spec and the record that lets `new` take the file over, and `new`/`status` advise a
command that works. The runs of the contract on classes are in test_audit_run.py (slow)."""

import json
import shutil
import subprocess
import sys

import pytest
import yaml
from conftest import REPO, cli

from layergen.audit.source import read_module
from layergen.audit.translate import translate

HAND_WRITTEN = REPO / "examples" / "hand_written"
BROKEN = HAND_WRITTEN / "broken"
CORRECTED = HAND_WRITTEN / "corrected"

# Each broken layer's mistakes: (check, the line of the class that makes it).
EXPECTED = {
    "constant_weight_layer.py": {("backend-import", 2), ("constant-as-tensor", 12), ("not-registered", 6)},
    "bare_constant_layer.py": {("constant-as-tensor", 13)},
    "trainable_weight_layer.py": {("reserved-attribute", 10), ("untracked-variable", 10)},
    "fixed_bias_linear.py": {("untracked-variable", 13), ("config-missing-argument", 21)},
    "custom_layer.py": {("untracked-variable", 13), ("untracked-variable", 14)},
    "scalable_layer.py": {("weight-outside-build", 16), ("config-missing-argument", 10)},
}


def findings(result) -> set[tuple[str, int]]:
    found = set()
    for item in json.loads(result.stdout)["findings"]:
        found.add((item["check"], item["line"]))
    return found


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_hand_written_mistake_is_found_at_its_line(name):
    result = cli("audit", "--static", "--json", BROKEN / name)
    assert result.exit_code == 1
    assert EXPECTED[name] <= findings(result)


def test_a_finding_is_one_line_naming_file_line_check_and_fix():
    result = cli("audit", "--static", f"{BROKEN / 'fixed_bias_linear.py'}:FixedBiasLinear")
    lines = result.stdout.splitlines()
    assert f"{BROKEN / 'fixed_bias_linear.py'}:13: untracked-variable: tf.Variable(...) in __init__" in result.stdout
    config = next(line for line in lines if "config-missing-argument" in line)
    assert config.endswith("add 'bias_value': self.bias_value to it")
    assert all(": " in line and "; " in line for line in lines)


def test_corrected_layers_and_generated_layers_have_no_finding():
    result = cli("audit", "--static", CORRECTED, REPO / "examples" / "layers")
    assert result.exit_code == 0, result.stdout
    assert result.stdout.strip() == "no findings"
    quiet = cli("audit", "--static", "--quiet", CORRECTED)
    assert (quiet.exit_code, quiet.stdout) == (0, ""), "--quiet leaves out the all-clear line"


@pytest.mark.parametrize(
    ("source", "check"),
    [
        ("import keras.src.layers as L\n", "private-keras-import"),
        ("import jax.numpy as jnp\n", "backend-import"),
    ],
)
def test_imports_of_private_keras_or_a_backend_are_found(tmp_path, source, check):
    module = tmp_path / "layer.py"
    module.write_text(source + (CORRECTED / "scalable_layer.py").read_text())
    assert (check, 1) in findings(cli("audit", "--static", "--json", module))


def test_get_config_that_misses_an_argument_and_init_that_drops_kwargs(tmp_path):
    module = tmp_path / "layer.py"
    text = (CORRECTED / "fixed_bias_linear.py").read_text()
    text = text.replace('"bias_value": self.bias_value', "").replace("**kwargs):", "name=None):")
    module.write_text(text.replace("super().__init__(**kwargs)", "super().__init__(name=name)"))
    found = {check for check, _ in findings(cli("audit", "--static", "--json", module))}
    assert {"config-missing-argument", "init-drops-kwargs"} <= found


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("missing.py", "missing.py: no such file or folder"),
        ("examples/hand_written/corrected/custom_layer.py:Nope", "defines no Layer subclass Nope"),
        ("layergen/errors.py", "layergen/errors.py: defines no keras.layers.Layer subclass"),
    ],
)
def test_a_target_that_cannot_be_audited_exits_2_with_a_located_reason(monkeypatch, target, message):
    monkeypatch.chdir(REPO)
    result = cli("audit", "--static", target)
    assert result.exit_code == 2
    assert message in result.stderr


def test_a_file_that_does_not_parse_is_located(tmp_path):
    module = tmp_path / "layer.py"
    module.write_text("class A(keras.layers.Layer):\n    def call(self, x)\n")
    result = cli("audit", "--static", module)
    assert result.exit_code == 2
    assert f"{module}:2: does not parse" in result.stderr


@pytest.mark.parametrize(
    ("option", "message"),
    [
        (["--arg", "units"], "--arg: 'units' is not NAME=VALUE"),
        (["--input-shape", "4,x"], "--input-shape: '4,x' is not sizes separated by commas"),
        (["--input-shape", "0,3"], "needs positive sizes"),
    ],
)
def test_bad_options_are_one_line_errors(option, message):
    result = cli("audit", *option, CORRECTED / "custom_layer.py")
    assert result.exit_code == 2
    assert message in result.stderr


def test_the_translation_of_a_corrected_layer():
    module = read_module(CORRECTED / "fixed_bias_linear.py", "fixed_bias_linear.py")
    translation = translate(module.classes[0], module.text, "A linear map.")
    assert translation.untranslated == []
    assert translation.spec == {
        "layer": "FixedBiasLinear",
        "summary": "A linear map.",
        "package": "hand_written",
        "arguments": {"units": {"type": "int", "min": 1}, "bias_value": {"type": "float", "default": 0.5}},
        "inputs": {"inputs": {"shape": ["batch", "...", "input_dim"]}},
        "weights": {
            "kernel": {"shape": ["input_dim", "units"], "initializer": "glorot_uniform"},
            "bias": {"shape": ["units"], "role": "frozen", "initializer": {"name": "constant", "value": "$bias_value"}},
        },
        "call": "return ops.matmul(inputs, self.kernel) + self.bias\n",
        "output_shape": ["batch", "...", "units"],
    }


def test_a_constant_cast_in_call_becomes_a_spec_constant():
    module = read_module(CORRECTED / "constant_weight_layer.py", "constant_weight_layer.py")
    spec = translate(module.classes[0], module.text, "Scales.").spec
    assert spec["constants"] == {"scale": {"value": [0.5, 1.0, 2.0]}}
    assert spec["call"] == "return inputs * scale\n"
    assert spec["inputs"]["inputs"]["shape"] == ["batch", "...", 3]


def test_code_the_spec_cannot_say_is_listed_with_its_line(tmp_path):
    source = (CORRECTED / "custom_layer.py").read_text()
    module_path = tmp_path / "custom_layer.py"
    module_path.write_text(source.replace("    def call(", "    def helper(self):\n        return 1\n\n    def call("))
    module = read_module(module_path, "custom_layer.py")
    translation = translate(module.classes[0], module.text, "A map.")
    assert [(u.line, u.what) for u in translation.untranslated] == [(18, "method helper")]


def adopt_project(project, name):
    (project / "layers").mkdir()
    shutil.copy(CORRECTED / name, project / "layers" / name)
    with open(project / "pyproject.toml", "a") as settings:
        settings.write('layers = "layers"\ntests = "tests"\n')
    return project / "layers" / name


def test_keras_style_signatures_and_call_arguments_translate(tmp_path):
    """`activity_regularizer` is the generated layer's own (passed to keras.layers.Layer), and
    a non-tensor `call` parameter with a literal default is a `call_arguments` entry."""
    source = (CORRECTED / "fixed_bias_linear.py").read_text()
    source = source.replace("bias_value=0.5,", "bias_value=0.5, activity_regularizer=None,", 1)
    source = source.replace(
        "super().__init__(**kwargs)", "super().__init__(activity_regularizer=activity_regularizer, **kwargs)"
    )
    source = source.replace("def call(self, inputs):", "def call(self, inputs, scale=1.0, *, reverse=False):")
    assert "activity_regularizer=None" in source and "reverse=False" in source
    (tmp_path / "fixed_bias_linear.py").write_text(source)
    module = read_module(tmp_path / "fixed_bias_linear.py", "fixed_bias_linear.py")
    translation = translate(module.classes[0], module.text, "A linear map.")
    assert "activity_regularizer" not in translation.spec["arguments"]
    assert translation.spec["call_arguments"] == {
        "scale": {"type": "float", "default": 1.0},
        "reverse": {"type": "bool", "default": False},
    }
    assert not [u for u in translation.untranslated if "call's parameter" in u.what]


def test_adopt_writes_the_spec_the_copy_the_parity_test_and_new_takes_the_file_over(project):
    layer = adopt_project(project, "fixed_bias_linear.py")
    original = layer.read_text()
    result = cli("adopt", "layers/fixed_bias_linear.py:FixedBiasLinear")
    assert result.exit_code == 0, result.stderr
    spec = yaml.safe_load((project / "specs" / "fixed_bias_linear.yaml").read_text())
    assert spec["layer"] == "FixedBiasLinear"
    assert (project / ".layergen" / "adopted" / "fixed_bias_linear.py").read_text() == original
    parity = (project / "tests" / "test_fixed_bias_linear_parity.py").read_text()
    assert "from layers.fixed_bias_linear import FixedBiasLinear as Adopted" in parity
    assert 'INIT_KWARGS = {"units": 4}' in parity
    # The project's own formatter check passes the parity test, as it passes the generated files.
    check = subprocess.run(
        [sys.executable, "-m", "black", "--check", "tests"], cwd=project, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    result = cli("new")
    assert result.exit_code == 0, result.stderr
    assert "updated layers/fixed_bias_linear.py" in result.stdout
    assert "# Generated by layergen from specs/fixed_bias_linear.yaml." in layer.read_text()
    assert cli("status").stdout.startswith("current")


def test_adopt_leaves_what_it_cannot_translate_to_the_merge(project):
    layer = adopt_project(project, "custom_layer.py")
    text = layer.read_text().replace("    def call(", "    def helper(self):\n        return 1\n\n    def call(")
    layer.write_text(text)
    result = cli("adopt", "layers/custom_layer.py")
    assert "layers/custom_layer.py:18: not translated: method helper; left to the merge as a hand edit" in result.stderr
    result = cli("new")
    assert result.exit_code == 1
    assert layer.read_text() == text  # the conflict leaves the file as it was: nothing is lost
    assert "conflict" in result.stderr


def test_adopt_never_overwrites(project):
    adopt_project(project, "scalable_layer.py")
    assert cli("adopt", "layers/scalable_layer.py").exit_code == 0
    again = cli("adopt", "layers/scalable_layer.py")
    assert again.exit_code == 2
    assert "specs/scalable_layer.yaml: has a record already" in again.stderr
    shutil.rmtree(project / ".layergen" / "records")
    without_record = cli("adopt", "layers/scalable_layer.py")
    assert without_record.exit_code == 2
    assert ".layergen/adopted/scalable_layer.py: exists from an earlier adoption" in without_record.stderr


def test_new_and_status_advise_adopt_for_a_hand_written_layer_in_the_way_and_it_works(project):
    adopt_project(project, "scalable_layer.py")
    shutil.copy(REPO / "specs" / "examples" / "scalable_layer.yaml", project / "specs" / "scalable_layer.yaml")
    advice = "run `layergen adopt layers/scalable_layer.py:ScalableLayer --spec specs/scalable_layer.yaml`"
    result = cli("new")
    assert result.exit_code == 1
    assert advice in result.stderr
    status = cli("status").stdout
    assert advice in status
    assert "missing; `layergen new` writes it once the file in the way is adopted or moved away" in status
    assert "run `layergen new specs/scalable_layer.yaml`" not in status
    assert cli(*advice.split("`")[1].split()[1:]).exit_code == 0
    assert cli("new").exit_code == 0
    assert cli("status").stdout.startswith("current")


def test_a_file_in_the_way_that_is_no_layer_is_not_advised_to_adopt(project):
    adopt_project(project, "scalable_layer.py")
    (project / "layers" / "scalable_layer.py").write_text("x = 1\n")
    shutil.copy(REPO / "specs" / "examples" / "scalable_layer.yaml", project / "specs" / "scalable_layer.yaml")
    status = cli("status").stdout
    assert "layergen adopt" not in status
    assert "move it away and run again" in status


def test_the_worked_example_in_docs_audit_md_is_what_audit_prints(monkeypatch):
    monkeypatch.chdir(REPO)
    target = "examples/hand_written/broken/fixed_bias_linear.py"
    documented = [
        line for line in (REPO / "docs" / "audit.md").read_text().splitlines() if line.startswith(f"{target}:")
    ]
    result = cli("audit", "--static", target)
    assert documented == result.stdout.splitlines()


CORRECT_VARIANTS = {
    "a weight made in a helper that build calls": (
        "    def build(self, input_shape):\n",
        "    def build(self, input_shape):\n        self._make_weights(input_shape)\n\n"
        "    def _make_weights(self, input_shape):\n",
    ),
    "a base-layer argument named in __init__": ("**kwargs):", "name=None, **kwargs):"),
    "a config merged from another dict": (
        'config.update({"units": self.units, "bias_value": self.bias_value})',
        'config.update({**config, **{"units": self.units, "bias_value": self.bias_value}})',
    ),
}


@pytest.mark.parametrize("variant", sorted(CORRECT_VARIANTS))
def test_correct_variants_have_no_static_finding(tmp_path, variant):
    old, new = CORRECT_VARIANTS[variant]
    text = (CORRECTED / "fixed_bias_linear.py").read_text()
    assert old in text
    module = tmp_path / "layer.py"
    module.write_text(text.replace(old, new, 1))
    result = cli("audit", "--static", module)
    assert result.exit_code == 0, result.stdout


def test_a_weight_made_in_init_from_the_input_size_is_found(tmp_path):
    text = (CORRECTED / "custom_layer.py").read_text()
    text = text.replace("units=8, **kwargs", "input_dim, units=8, **kwargs").replace(
        "        self.units = units\n",
        "        self.units = units\n        self.input_dim = input_dim\n"
        '        self.w = self.add_weight(name="w", shape=(input_dim, units))\n',
    )
    module = tmp_path / "layer.py"
    module.write_text(text)
    assert ("weight-before-input-shape", 14) in findings(cli("audit", "--static", "--json", module))


def test_a_keras_style_dense_is_adopted_with_its_gated_bias_activation_and_regularizer_argument(project):
    (project / "layers").mkdir()
    shutil.copy(REPO / "tests" / "hand_written" / "my_dense.py", project / "layers" / "my_dense.py")
    with open(project / "pyproject.toml", "a") as settings:
        settings.write('layers = "layers"\ntests = "tests"\n')
    result = cli("adopt", "layers/my_dense.py:MyDense")
    assert result.exit_code == 0, result.stderr
    assert "not translated" not in result.stderr
    spec = yaml.safe_load((project / "specs" / "my_dense.yaml").read_text())
    assert spec["arguments"] == {
        "units": {"type": "int", "min": 1},
        "activation": {"type": "activation", "default": None},
        "use_bias": {"type": "bool", "default": True},
    }
    assert spec["weights"]["bias"] == {"shape": ["units"], "initializer": "zeros", "when": "use_bias"}
    assert spec["output_shape"] == ["batch", "...", "units"]
    assert cli("new").exit_code == 0
    assert "kernel_regularizer=None" in (project / "layers" / "my_dense.py").read_text()


def test_a_class_registered_after_its_definition_is_registered(tmp_path):
    module = tmp_path / "layer.py"
    body = "    def call(self, inputs):\n        return inputs\n"
    module.write_text(
        f"import keras\n\n\nclass A(keras.layers.Layer):\n{body}\n\n"
        'keras.saving.register_keras_serializable(package="x")(A)\n\n\n'
        f"class B(keras.layers.Layer):\n{body}\n\n"
        'keras.saving.get_custom_objects()["x>B"] = B\n\n\n'
        f"class C(keras.layers.Layer):\n{body}"
    )
    assert findings(cli("audit", "--static", "--json", module)) == {("not-registered", 20)}


def translated(path):
    module = read_module(path, path.name)
    return translate(module.classes[0], module.text, "A layer.")


def test_masking_and_an_output_read_from_input_axes_are_translated():
    translation = translated(REPO / "tests" / "hand_written" / "masked_mean.py")
    assert translation.untranslated == []
    spec = translation.spec
    assert spec["inputs"] == {"inputs": {"shape": ["batch", "dim_1", "dim_2"]}}
    assert spec["masking"] == {"uses_mask": True, "output_mask": "none"}
    assert spec["output_shape"] == ["batch", "dim_2"]


def test_a_sublayer_made_in_init_becomes_a_spec_layer():
    translation = translated(REPO / "tests" / "hand_written" / "gated_projection.py")
    assert translation.untranslated == []
    spec = translation.spec
    assert spec["layers"] == {"projection": {"class": "Dense", "arguments": {"units": "$units", "activation": "tanh"}}}
    assert spec["inputs"]["inputs"]["shape"] == ["batch", "...", "input_dim"]
    assert spec["output_shape"] == ["batch", "...", "units"]


def test_status_does_not_advise_new_for_a_missing_file_while_the_other_conflicts(project):
    shutil.copy(REPO / "specs" / "examples" / "scalable_layer.yaml", project / "specs" / "scalable_layer.yaml")
    assert cli("new").exit_code == 0
    layer = project / "layers" / "scalable_layer.py"
    layer.write_text(layer.read_text().replace("return inputs * self.scale", "return inputs * self.scale  # mine"))
    spec = project / "specs" / "scalable_layer.yaml"
    spec.write_text(spec.read_text().replace("return inputs * self.scale", "return self.scale * inputs"))
    (project / "tests" / "test_scalable_layer.py").unlink()
    status = cli("status").stdout
    assert "conflicted" in status
    assert "missing; `layergen new` writes it once the conflict in the spec's other file is resolved" in status


def test_an_rnn_cell_becomes_a_spec_cell():
    translation = translated(REPO / "tests" / "hand_written" / "gated_sum_cell.py")
    assert translation.untranslated == []
    spec = translation.spec
    assert spec["cell"] == {"state_size": ["units", "units"]}  # output_size is the first state's: left out
    assert spec["inputs"] == {"inputs": {"shape": ["batch", "input_dim"]}}  # one step
    assert spec["weights"]["kernel"]["shape"] == ["input_dim", "2 * units"]
    assert spec["arguments"]["units"] == {"type": "int", "min": 1}
    assert "output_shape" not in spec and "call_arguments" not in spec
    assert list(spec).index("cell") == list(spec).index("call") - 1  # the spec's field order


def test_a_cell_s_states_under_another_name_and_its_own_output_size(tmp_path):
    source = (REPO / "tests" / "hand_written" / "gated_sum_cell.py").read_text()
    source = source.replace(
        "def call(self, inputs, states):\n        h, c = states", "def call(self, x, carry):\n        h, c = carry"
    )
    source = source.replace("inputs, self.kernel", "x, self.kernel")
    source = source.replace("self.output_size = units", "self.output_size = units // 2")
    (tmp_path / "cell.py").write_text(source)
    translation = translated(tmp_path / "cell.py")
    assert translation.untranslated == []
    assert translation.spec["cell"] == {"state_size": ["units", "units"], "output_size": "units // 2"}
    assert translation.spec["call"].startswith("carry = states\nh, c = carry\n")
    assert list(translation.spec["inputs"]) == ["x"]
