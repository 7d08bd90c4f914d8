"""`layergen show`: the weights table equals what Keras reports, and the diagram follows `call`."""

import json
import subprocess
import sys
import textwrap

import pytest
from conftest import EXAMPLE_SPECS, REPO, cli, python_path

from layergen.errors import LayergenError
from layergen.project.settings import find_project
from layergen.show.command import (
    Weight,
    WeightTable,
    _keras_tables,
    _planned_table,
    format_table,
    make_request,
    weight_tables,
)
from layergen.show.weights import NeedsKeras, planned_weights

LINEAR = REPO / "specs" / "examples" / "linear_layer.yaml"
TRANSFORMER = REPO / "specs" / "examples" / "transformer_encoder_block.yaml"
STACK = REPO / "specs" / "examples" / "residual_stack.yaml"
MEAN_AND_VARIANCE = REPO / "specs" / "examples" / "mean_and_variance.yaml"

# Builds each committed example layer with its generated test's arguments and inputs, as a
# user's model would hold it, and prints what Keras reports: count_params(), the totals of
# model.summary(), and each weight. Then the same for the layers given with other arguments.
KERAS_SIDE = textwrap.dedent("""
    import importlib.util, io, json, re, sys
    import keras

    def report(layer, model):
        lines = []
        model.summary(print_fn=lambda text, **_: lines.append(text))
        text = re.sub(r"\\x1b\\[[0-9;]*m", "", "\\n".join(lines))
        totals = {
            key: int(re.search(label + r": *([0-9,]+)", text)[1].replace(",", ""))
            for key, label in (("parameters", "Total params"), ("trainable", "Trainable params"),
                               ("non_trainable", "Non-trainable params"))
        }
        prefix = layer.name + "/"
        weights = [[w.path.removeprefix(prefix), list(w.shape), w.trainable] for w in layer.weights]
        return {"count_params": model.count_params(), "summary": totals, "weights": weights}

    answers = {}
    for name in json.loads(sys.argv[1]):
        spec = importlib.util.spec_from_file_location(f"example_{name}", f"examples/tests/test_{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        (test_class,) = [c for n, c in vars(module).items() if n.startswith("Test") and c.__module__ == module.__name__
                         and getattr(c, "layer_class", None) is not None and c.__bases__[0].__name__ == "LayerContract"]
        test = test_class()
        layer = test.make_layer()
        answers[name] = report(layer, test.make_model(layer))
    from examples.layers.linear_layer import LinearLayer
    layer = LinearLayer(units=7)
    answers["linear_layer units=7"] = report(layer, keras.Model(inputs := keras.Input(batch_shape=(2, 5)), layer(inputs)))
    print(json.dumps(answers))
    """)


def keras_reports(names: list[str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", KERAS_SIDE, json.dumps(names)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
        env={**__import__("os").environ, "KERAS_BACKEND": "jax", "PYTHONPATH": python_path(REPO)},
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_show_reports_exactly_what_keras_counts_for_every_example(monkeypatch):
    monkeypatch.chdir(REPO)
    monkeypatch.setenv("KERAS_BACKEND", "jax")
    project = find_project()
    names = [path.stem for path in EXAMPLE_SPECS]
    requests = [make_request(path, project) for path in EXAMPLE_SPECS]
    requests.append(make_request(LINEAR, project, ["units=7"], ["2,5"]))
    tables = weight_tables(requests, REPO)
    # Where the specs say it all, show computes the weights without Keras; only a Keras
    # sub-layer needs the fresh process. Both ways must give what Keras reports.
    built_by = {key: table.built_by for key, table in zip(names, tables, strict=False)}
    # Keras sub-layers, weights shaped by an `axes` argument, and an RNN cell's state inputs.
    assert [key for key, how in built_by.items() if how == "keras"] == [
        "batch_normalization_layer",
        "gru_cell",
        "layer_normalization_layer",
        "lstm_cell",
        "normalization_layer",
        "transformer_encoder",
        "transformer_encoder_block",
    ]
    built = _keras_tables(requests, REPO)
    expected = keras_reports(names)
    assert len(tables) == len(built) == len(names) + 1
    for key, table, keras_built in zip([*names, "linear_layer units=7"], tables, built, strict=True):
        for shown in (table, keras_built):
            assert isinstance(shown, WeightTable), shown
            keras_side = expected[key]
            totals = shown.as_json()["totals"]
            assert totals == keras_side["summary"], key
            assert totals["parameters"] == keras_side["count_params"], key
            assert [[w.path, list(w.shape), w.trainable] for w in shown.weights] == keras_side["weights"], key
        assert [w.dtype for w in table.weights] == [w.dtype for w in keras_built.weights], key
    # Composites include their sub-layers' weights, and a gate or a role shows in the table.
    by_name = dict(zip(names, tables, strict=False))
    assert any(w.path.startswith("attention/query/") for w in by_name["transformer_encoder_block"].weights)
    assert {w.role for w in by_name["running_mean_layer"].weights} >= {"state"}
    assert tables[-1].as_json()["weights"][0] == {
        "path": "kernel",
        "shape": [5, 7],
        "dtype": "float32",
        "role": "trainable",
        "trainable": True,
        "parameters": 35,
    }


def test_show_itself_imports_no_backend_and_words_a_refused_argument(tmp_path):
    script = textwrap.dedent(f"""
        import os, sys
        os.chdir({str(REPO)!r})
        from pathlib import Path
        from layergen.show.command import show
        table = show(Path({str(LINEAR)!r}))
        refused = show(Path({str(LINEAR)!r}), arguments=["kernel_initializer=nonsense"])
        loaded = sorted(m for m in ("keras", "tensorflow", "jax", "torch") if m in sys.modules)
        print(loaded, table.exit_code, refused.exit_code, str(refused.problems[0]))
        print("\\n".join(line.text for line in table.lines))
        """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    first, *table = done.stdout.splitlines()
    assert first == (
        "[] 0 1 specs/examples/linear_layer.yaml: Keras cannot build the layer: "
        "ValueError: Could not interpret initializer identifier: nonsense"
    )
    assert "Total params: 16" in table and table[0] == "LinearLayer (specs/examples/linear_layer.yaml)"


def test_the_table_lines_up_and_totals_what_it_lists():
    weights = [
        Weight("kernel", (3, 4), "float32", "trainable", True),
        Weight("moving_mean", (4,), "float32", "state", False),
    ]
    table = WeightTable("Demo", "specs/demo.yaml", {"units": 4}, [("inputs", (2, 3), "float32")], weights)
    assert format_table(table) == [
        "Demo (specs/demo.yaml)",
        "arguments: units=4",
        "inputs: inputs (2, 3)",
        "",
        "path         shape   dtype    role       trainable  parameters",
        "kernel       (3, 4)  float32  trainable  yes                12",
        "moving_mean  (4,)    float32  state      no                  4",
        "",
        "Total params: 16",
        "Trainable params: 12",
        "Non-trainable params: 4",
    ]
    assert table.as_json()["totals"] == {"parameters": 16, "trainable": 12, "non_trainable": 4}


@pytest.mark.parametrize(
    ("arguments", "shapes", "message"),
    [
        (["unit=3"], [], "--arg unit: LinearLayer has no argument 'unit' (did you mean 'units'?)"),
        (["units"], [], "--arg units: expected NAME=VALUE, e.g. --arg units=64"),
        (["units=[1"], [], "--arg units: cannot read '[1' as a YAML value"),
        (["units=0"], [], "--arg units: `units` must be a positive integer. Received: units=0"),
        ([], ["2,x"], "--input-shape 2,x: expected sizes separated by commas, batch first, e.g. 2,16; found '2,x'"),
        ([], ["input=2,3"], "--input-shape input=2,3: no input 'input' (did you mean 'inputs'?)"),
        ([], ["2,0"], "--input-shape 2,0: sizes must be positive"),
    ],
)
def test_bad_arguments_are_one_located_line(monkeypatch, arguments, shapes, message):
    monkeypatch.chdir(REPO)
    with pytest.raises(LayergenError) as caught:
        make_request(LINEAR, find_project(), arguments, shapes)
    assert str(caught.value) == f"specs/examples/linear_layer.yaml: {message}"


def test_a_layer_of_several_inputs_needs_the_input_named(monkeypatch):
    monkeypatch.chdir(REPO)
    spec = REPO / "tests" / "specs" / "gated_sum.yaml"
    with pytest.raises(LayergenError, match=r"several inputs \(.*\): give NAME=SIZES"):
        make_request(spec, find_project(), [], ["2,3"])


def test_the_cli_says_a_missing_spec_in_one_line(monkeypatch):
    monkeypatch.chdir(REPO)
    result = cli("show", "specs/examples/nothing.yaml")
    assert result.exit_code == 1
    assert result.stderr.strip() == "specs/examples/nothing.yaml: no such spec file"


def mermaid_of(path) -> list[str]:
    result = cli("show", path, "--mermaid")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "```mermaid" and lines[1] == "flowchart TD" and lines[-1] == "```"
    return lines[2:-1]


def edges(lines: list[str]) -> list[str]:
    return [line.strip() for line in lines if "-->" in line]


def test_the_diagram_follows_call_through_the_sub_layers(monkeypatch):
    monkeypatch.chdir(REPO)
    lines = mermaid_of(TRANSFORMER)
    assert '        layer_attention["attention<br/>MultiHeadAttention"]' in lines
    assert edges(lines) == [
        "input_inputs --> layer_attention",
        "input_mask -->|attention_mask| layer_attention",
        "layer_attention --> layer_attention_dropout",
        "input_inputs --> layer_attention_norm",
        "layer_attention_dropout --> layer_attention_norm",
        "layer_attention_norm --> layer_hidden",
        "layer_hidden --> layer_projection",
        "layer_projection --> layer_output_dropout",
        "layer_attention_norm --> layer_output_norm",
        "layer_output_dropout --> layer_output_norm",
        "layer_output_norm --> output_output",
    ]


def test_the_diagram_shows_a_repeated_sub_layer_feeding_itself(monkeypatch):
    monkeypatch.chdir(REPO)
    lines = mermaid_of(STACK)
    assert '        layer_blocks["blocks<br/>ResidualBlock × num_blocks"]' in lines
    assert edges(lines) == [
        "input_inputs --> layer_blocks",
        "layer_blocks --> layer_blocks",
        "layer_blocks --> output_output",
    ]


def test_a_layer_without_sub_layers_is_one_box_with_a_node_per_output(monkeypatch):
    monkeypatch.chdir(REPO)
    lines = mermaid_of(MEAN_AND_VARIANCE)
    assert [line.strip() for line in lines] == [
        'input_inputs(["inputs"])',
        'layer["MeanAndVariance"]',
        'output_mean(["mean"])',
        'output_variance(["variance"])',
        "input_inputs --> layer",
        "layer --> output_mean",
        "layer --> output_variance",
    ]


def test_what_only_keras_knows_is_left_to_keras(monkeypatch):
    """A Keras sub-layer, or a spec field show does not know (a newer feature), is built by
    Keras instead of computed: never a guess."""
    monkeypatch.chdir(REPO)
    project = find_project()
    transformer = make_request(TRANSFORMER, project)
    with pytest.raises(NeedsKeras, match="sub-layer 'attention' is a MultiHeadAttention"):
        planned_weights(transformer.layer_spec, transformer.arguments, [(2, 3, 4)], {}.get)
    linear = make_request(LINEAR, project)
    shapes = [shape for _, shape, _ in linear.inputs]
    assert [w.path for w in planned_weights(linear.layer_spec, linear.arguments, shapes, {}.get)] == ["kernel", "bias"]
    linear.layer_spec.weights["kernel"].model_fields_set.add("future_field")
    with pytest.raises(NeedsKeras, match=r"weight 'kernel' sets \['future_field'\]"):
        planned_weights(linear.layer_spec, linear.arguments, shapes, {}.get)


def test_a_spec_with_problems_is_reported_as_new_reports_it(project):
    (project / "specs" / "bad.yaml").write_text(LINEAR.read_text().replace("type: int", "type: integer", 1))
    result = cli("show", "specs/bad.yaml")
    assert result.exit_code == 1
    assert result.stderr.startswith("specs/bad.yaml:") and "arguments.units.type" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_json_and_mermaid_together_is_a_usage_error(monkeypatch):
    monkeypatch.chdir(REPO)
    result = cli("show", LINEAR, "--json", "--mermaid")
    assert result.exit_code == 2
    assert "give one of --json and --mermaid" in result.stderr


def test_a_weight_gated_by_a_condition_follows_its_arguments(project):
    """`when:` may be a condition over arguments: show decides it as the layer would."""
    spec = (REPO / "specs" / "examples" / "linear_layer.yaml").read_text()
    spec = spec.replace(
        "\ninputs:",
        "\n  center: {type: bool, default: true, doc: Add the bias.}\n"
        "  plain: {type: bool, default: false, doc: No bias at all.}\ninputs:",
    ).replace("    initializer: zeros\n", "    initializer: zeros\n    when: center and not plain\n")
    spec = spec.replace("+ self.bias", "+ (self.bias if self.bias is not None else 0.0)")
    (project / "specs" / "gated.yaml").write_text(spec)
    paths = {}
    for given in ([], ["plain=true"]):
        table = _planned_table(make_request(project / "specs" / "gated.yaml", find_project(), given))
        paths[tuple(given)] = [w.path for w in table.weights]
    assert paths == {(): ["kernel", "bias"], ("plain=true",): ["kernel"]}
