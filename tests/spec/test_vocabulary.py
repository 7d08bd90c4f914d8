import importlib.util
import json
import sys

from conftest import REPO

from layergen.vocabulary import load


def _update_script():
    """scripts/update_keras_vocabulary.py, which reads the vocabulary off the installed Keras."""
    spec = importlib.util.spec_from_file_location(
        "update_keras_vocabulary", REPO / "scripts/update_keras_vocabulary.py"
    )
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script


def test_snapshot_matches_the_installed_keras():
    shipped = json.loads((REPO / "layergen" / "keras_vocabulary.json").read_text())
    live = _update_script().snapshot_installed_keras()
    update = "run `.venv/bin/python scripts/update_keras_vocabulary.py` after upgrading Keras"
    # The attribute names also hold other backends' (torch.nn.Module's `parameters`, ...).
    assert set(live.pop("layer_attributes")) <= set(shipped.pop("layer_attributes")), update
    assert shipped == live, update


def test_the_script_reads_another_environments_layer_attributes():
    script = _update_script()
    assert script.other_backend_attributes(sys.executable, "tensorflow") == set(script.layer_attributes())


def test_names_from_every_backend_are_reserved():
    names = load().layer_attributes
    assert {"parameters", "train", "eval", "state_dict", "forward"} <= names  # torch.nn.Module
    assert {"weights", "trainable_weights", "add_weight", "dtype_policy"} <= names


def test_vocabulary_has_what_specs_name():
    vocab = load()
    assert vocab.lookup("initializer", "glorot_uniform").name == "GlorotUniform"
    assert vocab.lookup("regularizer", "l2").params == ("l2",)
    assert vocab.lookup("constraint", "NonNeg").qualified_name == "keras.constraints.NonNeg"
    assert {"weights", "name", "build", "dtype", "trainable"} <= vocab.layer_attributes
    assert "float32" in vocab.dtypes and "relu" in vocab.activations
