"""Bad specs and the one-line error each gets: the source of tests/spec/test_spec_errors.py and
of docs/errors.md (`python scripts/update_error_docs.py` rewrites it from this list)."""

import pytest

VALID = """\
layer: Demo
summary: A demo layer.
arguments:
  units:
    type: int
    min: 1
inputs:
  inputs:
    shape: [batch, ..., input_dim]
weights:
  kernel:
    shape: [input_dim, units]
    initializer: glorot_uniform
call: |
  outputs = ops.matmul(inputs, self.kernel)
  return outputs
output_shape: [batch, ..., units]
"""


def spec_with(old: str, new: str) -> str:
    assert old in VALID, old
    return VALID.replace(old, new, 1)


def cell_spec() -> str:
    """VALID as an RNN cell: one step in, `cell:` on line 18 instead of output_shape."""
    return (
        VALID.replace("shape: [batch, ..., input_dim]", "shape: [batch, input_dim]")
        .replace("  return outputs\n", "  return outputs + states[0], [outputs]\n")
        .replace("output_shape: [batch, ..., units]\n", "cell: {state_size: units}\n")
    )


def with_kernel_named(name: str) -> str:
    """VALID with its weight `kernel` renamed, in `weights` and in `call`."""
    return spec_with("  kernel:\n", f"  {name}:\n").replace("self.kernel", f"self.{name}")


def with_sublayer() -> str:
    """VALID with a Dense sub-layer, `hidden`, on line 15."""
    return spec_with("call: |", "layers:\n  hidden: {class: Dense, arguments: {units: $units}}\ncall: |")


def with_state_weight(adapt: str, shape: str = "[input_dim]") -> str:
    """VALID with a state weight `running` (line 14) and an `adapt` section (line 15)."""
    return spec_with("call: |", f"  running: {{shape: {shape}, role: state}}\n{adapt}\ncall: |")


CASES = [
    pytest.param(
        spec_with("  units:\n    type: int", "  units:\n    type: int\n    type: float"),
        "demo.yaml:6:5: arguments.units.type: duplicate key 'type'",
        id="yaml-duplicate-key",
    ),
    pytest.param(
        spec_with("summary: A demo layer.", "summary: [oops"),
        "demo.yaml:3:10: invalid YAML: while parsing a flow sequence",
        id="yaml-syntax",
    ),
    pytest.param(
        spec_with("    min: 1", "    min: 1\n    minimum: 2"),
        "demo.yaml:7:5: arguments.units.minimum: unknown field 'minimum'",
        id="unknown-field",
    ),
    pytest.param(
        spec_with("    initializer: glorot_uniform", "    initializer: glorot_uniform\n    trainabel: true"),
        "demo.yaml:14:5: weights.kernel.trainabel: unknown field 'trainabel'",
        id="unknown-field-in-weight",
    ),
    pytest.param(
        spec_with("summary: A demo layer.\n", ""),
        "demo.yaml:1:1: summary: missing required field 'summary'",
        id="missing-field",
    ),
    pytest.param(
        spec_with("initializer: glorot_uniform", "initializer: glorot_unifrom"),
        "demo.yaml:13:18: weights.kernel.initializer: unknown initializer 'glorot_unifrom' (did you mean 'glorot_uniform'?)",
        id="unknown-initializer",
    ),
    pytest.param(
        spec_with("shape: [input_dim, units]", "shape: [input_dim, unit]"),
        "demo.yaml:12:24: weights.kernel.shape[1]: unknown dimension 'unit' (did you mean 'units'?)",
        id="unknown-dimension",
    ),
    pytest.param(
        with_kernel_named("weights"),
        "demo.yaml:11:3: weights.weights: weight name 'weights' would shadow keras.layers.Layer.weights",
        id="weight-named-weights",
    ),
    pytest.param(
        with_kernel_named("name"),
        "demo.yaml:11:3: weights.name: weight name 'name' would shadow keras.layers.Layer.name",
        id="weight-named-name",
    ),
    pytest.param(
        spec_with("    min: 1\n", "    min: 1\n  lambda:\n    type: float\n    default: 0.1\n"),
        "demo.yaml:7:3: arguments.lambda: argument name 'lambda' is a Python keyword",
        id="python-keyword",
    ),
    pytest.param(
        spec_with("  return outputs", "  return outputs +"),
        "demo.yaml:16:19: call: the call body does not parse: invalid syntax",
        id="call-does-not-parse",
    ),
    pytest.param(
        spec_with("  return outputs", "  outputs"),
        "demo.yaml:14:7: call: `call` must return its output",
        id="call-without-return",
    ),
    pytest.param(
        spec_with("    type: int\n", "    type: integer\n"),
        "demo.yaml:5:11: arguments.units.type: expected one of",
        id="bad-argument-type",
    ),
    pytest.param(
        with_kernel_named("units"),
        "demo.yaml:11:3: weights.units: weight name 'units' is already used by arguments.units",
        id="duplicate-name",
    ),
    pytest.param(
        spec_with(
            "    initializer: glorot_uniform", "    initializer: glorot_uniform\n    role: frozen\n    regularizer: l2"
        ),
        "demo.yaml:15:18: weights.kernel.regularizer: a regularizer only acts on trainable weights",
        id="regularizer-on-frozen-weight",
    ),
    pytest.param(
        spec_with("    initializer: glorot_uniform", "    initializer: {name: random_normal, stdev: 0.1}"),
        "demo.yaml:13:40: weights.kernel.initializer.stdev: unknown argument of RandomNormal 'stdev' (did you mean 'stddev'?)",
        id="unknown-initializer-argument",
    ),
    pytest.param(
        spec_with("    initializer: glorot_uniform", "    initializer: {name: constant, value: $unit}"),
        "demo.yaml:13:42: weights.kernel.initializer.value: unknown argument 'unit' (did you mean 'units'?)",
        id="unknown-reference",
    ),
    pytest.param(
        spec_with("output_shape: [batch, ..., units]", "output_shape: [..., units]"),
        "demo.yaml:17:16: output_shape[0]: a shape starts with `batch`",
        id="shape-without-batch",
    ),
    pytest.param(
        spec_with("arguments:\n", "arguments:\n  scale:\n    type: float\n    default: 1.0\n"),
        "demo.yaml:7:3: arguments.units: required argument 'units' must come before 'scale'",
        id="required-after-optional",
    ),
    pytest.param(
        spec_with("shape: [input_dim, units]", 'shape: [input_dim, "-3"]'),
        "demo.yaml:12:24: weights.kernel.shape[1]: '-3' is not allowed here",
        id="negative-dimension",
    ),
    pytest.param(
        spec_with("shape: [input_dim, units]", "shape: [input_dim, units - 5]"),
        "demo.yaml:12:24: weights.kernel.shape[1]: is -1 with the test sizes {'units': 4, 'input_dim': 3}; set `test.arguments`",
        id="test-size-not-positive",
    ),
    pytest.param(
        spec_with("    shape: [batch, ..., input_dim]", "    shape: [batch, ..., input_dim]\n    max: 10"),
        "demo.yaml:9:5: inputs.inputs: `min` and `max` bound the values of integer inputs",
        id="bounds-on-a-float-input",
    ),
    pytest.param(
        spec_with("    shape: [batch, ..., input_dim]", "    shape: [batch, ..., input_dim]\n    dtype: string"),
        "demo.yaml:10:12: inputs.inputs.dtype: unknown input dtype 'string'",
        id="string-input",
    ),
    pytest.param(
        spec_with("    min: 1\n", "    min: 1\n  clip:\n    type: float\n    default: .inf\n"),
        "demo.yaml:9:14: arguments.clip.default: numbers must be finite, found inf",
        id="infinite-number",
    ),
    pytest.param(
        spec_with("summary: A demo layer.", 'summary: "A demo\\0 layer."'),
        "demo.yaml:2:10: summary: text must not hold the control character or lone surrogate U+0000",
        id="control-character",
    ),
    pytest.param(
        spec_with("summary: A demo layer.", 'summary: "A demo \\ud800 layer."'),
        "demo.yaml:2:10: summary: text must not hold the control character or lone surrogate U+D800",
        id="lone-surrogate",
    ),
    pytest.param(
        spec_with("    min: 1\n", "    min: 1\n  int:\n    type: int\n    default: 1\n"),
        "demo.yaml:7:3: arguments.int: argument name 'int' would hide the Python builtin int()",
        id="builtin-name",
    ),
    pytest.param(
        with_kernel_named("activity"),
        "demo.yaml:11:3: weights.activity: weight 'activity' needs the argument 'activity_regularizer', which would shadow keras.layers.Layer.activity_regularizer",
        id="derived-name-shadows-keras",
    ),
    pytest.param(
        with_kernel_named("\uff57eights"),
        "demo.yaml:11:3: weights.\uff57eights: weight name '\uff57eights' must be ASCII letters",
        id="unicode-name",
    ),
    pytest.param(
        spec_with("    min: 1\n", "    min: 1\n  bias_value:\n    type: float\n    default: null\n").replace(
            "initializer: glorot_uniform", "initializer: {name: constant, value: $bias_value}"
        ),
        "demo.yaml:16:42: weights.kernel.initializer.value: argument 'bias_value' can be None",
        id="reference-to-nullable",
    ),
    pytest.param(
        spec_with("    initializer: glorot_uniform", "    initializer: zeros\n    dtype: int32"),
        "demo.yaml:14:12: weights.kernel.dtype: a trainable weight must have a float dtype",
        id="trainable-int-weight",
    ),
    pytest.param(
        spec_with("    min: 1\n", "    min: 1\n  mode:\n    type: str\n    choices: []\n    default: a\n"),
        "demo.yaml:9:14: arguments.mode.choices: expected at least 1 item; found none",
        id="empty-choices",
    ),
    pytest.param(
        spec_with("shape: [input_dim, units]", "shape: [input_dim, units // (units - 4)]"),
        "demo.yaml:12:24: weights.kernel.shape[1]: divides by zero with the test sizes",
        id="division-by-zero",
    ),
    pytest.param(
        spec_with("  return outputs", "  return outputs" + " + 0" * 4000),
        "demo.yaml:14:7: call: the call body is too deeply nested to compile",
        id="call-too-deep",
    ),
    pytest.param(
        spec_with("    min: 1\n", "    min: 1\n  activation:\n    type: activation\n    default: rleu\n"),
        "demo.yaml:9:14: arguments.activation.default: unknown activation 'rleu' (did you mean 'relu'?)",
        id="unknown-activation",
    ),
    pytest.param(
        spec_with("  return outputs", "  import os\n  return outputs"),
        "demo.yaml:16:3: call: `call` must not import",
        id="call-imports",
    ),
    pytest.param(
        spec_with("  return outputs", "  return outputs.__class__"),
        "demo.yaml:16:10: call: `.__class__` reaches Python's internals",
        id="call-dunder",
    ),
    pytest.param(
        spec_with("  return outputs", "  return eval('outputs')"),
        "demo.yaml:16:10: call: `eval` runs text as code; a layer's call is plain tensor code",
        id="call-eval",
    ),
    pytest.param(
        spec_with("  return outputs", "  key = 'kernel'\n  return getattr(self, key)"),
        "demo.yaml:17:10: call: `getattr` with a computed attribute name can reach anything",
        id="call-getattr",
    ),
    pytest.param(
        spec_with("  return outputs", "  yield outputs\n  return outputs"),
        "demo.yaml:16:3: call: `yield` turns call into a generator",
        id="call-yield",
    ),
    pytest.param(
        spec_with("  return outputs", "  global outputs\n  return outputs"),
        "demo.yaml:16:3: call: `global outputs` lets call change names outside the method",
        id="call-global",
    ),
    pytest.param(
        spec_with("  return outputs", "  return outputz"),
        "demo.yaml:16:10: call: unknown name `outputz` (did you mean 'outputs'?)",
        id="call-unknown-name",
    ),
    pytest.param(
        spec_with("  return outputs", "  return outputs * units"),
        "demo.yaml:16:20: call: argument `units` is `self.units` in call",
        id="call-argument-name",
    ),
    pytest.param(
        spec_with("  return outputs", "  return keras.src.ops.relu(outputs)"),
        "demo.yaml:16:10: call: `keras.src` is Keras's private code",
        id="call-keras-src",
    ),
    pytest.param(
        spec_with(
            "call: |\n  outputs = ops.matmul(inputs, self.kernel)\n  return outputs",
            'call: "outputs = ops.matmul(inputs, self.kernel)  # \\L\\nreturn outputs"',
        ),
        "demo.yaml:14:52: call: the call body holds U+2028 (LINE SEPARATOR), which Python does not count",
        id="call-line-separator",
    ),
    pytest.param(
        spec_with("    min: 1\n", '    min: 1\n  "scale\\n":\n    type: float\n    default: 1.0\n'),
        "demo.yaml:7:3: arguments.scale\\n: argument name 'scale\\n' must be ASCII letters",
        id="name-with-line-break",
    ),
    pytest.param(
        spec_with("layer: Demo", "layer: D" + "e" * 240),
        "demo.yaml:1:8: layer: class name is too long",
        id="class-name-too-long",
    ),
    pytest.param(
        spec_with("layer: Demo", "layer: If"),
        "demo.yaml:1:8: layer: class name 'If' makes the module name 'if', a Python keyword",
        id="class-name-of-a-keyword-module",
    ),
    pytest.param(
        spec_with("layer: Demo", "layer: Input"),
        "demo.yaml:1:8: layer: class name 'Input' is a name the generated test imports",
        id="class-name-of-the-test",
    ),
    pytest.param(
        VALID + "test: {batch_size: 100000, dimensions: {input_dim: 1000}}\n",
        "demo.yaml:9:12: inputs.inputs.shape: the test's input 'inputs' of shape (100000, 15, 1000) would take",
        id="test-tensor-too-large",
    ),
    pytest.param(
        spec_with("shape: [input_dim, units]", 'shape: [input_dim, "units * units"]')
        + "test: {arguments: {units: 100000}}\n",
        "demo.yaml:12:24: weights.kernel.shape[1]: is 10000000000 with the test sizes",
        id="test-size-too-large",
    ),
    pytest.param(
        spec_with(
            "    shape: [batch, ..., input_dim]", "    shape: [batch, ..., input_dim]\n    dtype: int8\n    max: 1000"
        ),
        "demo.yaml:9:5: inputs.inputs: integer values in range(0, 1000) do not fit int8 (-128..127)",
        id="int-input-out-of-dtype",
    ),
    pytest.param(
        spec_with("    min: 1\n", "    min: 1\n  scale:\n    type: float\n    default: 1.7e308\n"),
        "demo.yaml:8:5: arguments.scale: the generated test's value for 'scale' is not a finite number",
        id="test-value-not-finite",
    ),
    pytest.param(
        spec_with("    min: 1\n", "    min: 1\n  activation:\n    type: activation\n    default: relu\n")
        + "test: {arguments: {activation: rleu}}\n",
        "demo.yaml:21:32: test.arguments.activation: unknown activation 'rleu' (did you mean 'relu'?)",
        id="test-activation-unknown",
    ),
    pytest.param(
        spec_with("    min: 1\n", "    min: 1\n  1:\n    type: int\n"),
        "demo.yaml:7:3: arguments: mapping keys must be names, found the integer 1; quote it if it is a name",
        id="key-not-a-name",
    ),
    pytest.param(
        spec_with("summary: A demo layer.", 'summary: A demo layer.\n"doc\\n": x'),
        "demo.yaml:3:1: doc\\n: unknown field 'doc\\n'",
        id="key-with-line-break",
    ),
    pytest.param(
        spec_with("summary: A demo layer.", "summary: A demo layer.\u2028"),
        "demo.yaml:2:23: the character U+2028 (LINE SEPARATOR) is a line break to YAML 1.1 but not to YAML 1.2",
        id="yaml-1-1-line-break",
    ),
    pytest.param(
        spec_with("summary: A demo layer.", "summary: !!binary QSBkZW1v"),
        "demo.yaml:2:10: summary: YAML tag 'tag:yaml.org,2002:binary' is not allowed in a spec",
        id="yaml-tag",
    ),
    pytest.param(
        spec_with("    min: 1", "    min: 123456789012345678901"),
        "demo.yaml:6:10: arguments.units.min: integers have at most 20 digits",
        id="integer-too-long",
    ),
    pytest.param(
        VALID + "description: " + "x" * 20_001 + "\n",
        "demo.yaml:18:14: description: text is over 20,000 characters",
        id="text-too-long",
    ),
    pytest.param(
        VALID + "test: {arguments: {units: " + "[" * 40 + "]" * 40 + "}}\n",
        "demo.yaml:18:57: spec is nested too deeply: over 32 levels",
        id="nested-too-deeply",
    ),
    pytest.param(
        VALID
        + "x0: &x0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
        + "".join(f"x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * 10)}]\n" for i in range(1, 5)),
        "demo.yaml:18:34: spec is too large: over 10,000 values; check for runaway aliases",
        id="alias-bomb",
    ),
    pytest.param(
        VALID + "# " + "x" * 100_000 + "\n",
        "demo.yaml:18:99684: spec is over 100,000 bytes; a layer spec is a page of YAML",
        id="spec-too-large",
    ),
    pytest.param(
        VALID.replace("A demo layer.", "Caf\udce9 layer."),
        "demo.yaml:2:13: spec is not UTF-8 text: byte 0xE9 (invalid continuation byte); save it as UTF-8",
        id="not-utf8",
    ),
    # Sub-layers (`layers:`)
    pytest.param(
        with_sublayer().replace("class: Dense", "class: Dence"),
        "demo.yaml:15:19: layers.hidden.class: unknown layer class 'Dence' (did you mean 'Dense'?)",
        id="unknown-layer-class",
    ),
    pytest.param(
        with_sublayer().replace("{units: $units}", "{unit: $units}"),
        "demo.yaml:15:38: layers.hidden.arguments.unit: unknown argument of Dense 'unit' (did you mean 'units'?)",
        id="unknown-sublayer-argument",
    ),
    pytest.param(
        with_sublayer().replace("{units: $units}", "{units: $units, dtype: float16}"),
        "demo.yaml:15:60: layers.hidden.arguments.dtype: `dtype` is set by the generated code: "
        "a sub-layer follows the outer layer's dtype policy",
        id="sublayer-dtype-argument",
    ),
    pytest.param(
        with_sublayer().replace("{units: $units}", "{units: $unit}"),
        "demo.yaml:15:45: layers.hidden.arguments.units: unknown argument or constant 'unit' (did you mean 'units'?)",
        id="unknown-sublayer-reference",
    ),
    pytest.param(
        with_sublayer().replace("$units}}", "$units}, build: {input_shap: [batch, ..., input_dim]}}"),
        "demo.yaml:15:62: layers.hidden.build.input_shap: unknown build parameter of Dense 'input_shap' "
        "(did you mean 'input_shape'?)",
        id="unknown-build-parameter",
    ),
    pytest.param(
        with_sublayer().replace("$units}}", "$units}, when: units}"),
        "demo.yaml:15:60: layers.hidden.when: `when` names a bool argument; 'units' is int",
        id="sublayer-when-not-bool",
    ),
    pytest.param(
        with_sublayer().replace("$units}}", "$units}, repeat: blocks}"),
        "demo.yaml:15:62: layers.hidden.repeat: unknown integer argument 'blocks'; known: units",
        id="unknown-repeat-argument",
    ),
    pytest.param(
        with_sublayer().replace("class: Dense", "class: keras.src.layers.Dense"),
        "demo.yaml:15:19: layers.hidden.class: use the public Keras API (keras.layers.X), not keras.src",
        id="sublayer-from-keras-src",
    ),
    pytest.param(
        with_sublayer().replace("{units: $units}", "{units: $units, class: 1}"),
        "demo.yaml:15:53: layers.hidden.arguments.class: argument name 'class' is a Python keyword",
        id="sublayer-argument-keyword",
    ),
    pytest.param(
        with_sublayer().replace("{units: $units}", "{units: $units, \"x=open('f','w'),y\": 1}"),
        "demo.yaml:15:53: layers.hidden.arguments.x=open('f','w'),y: argument name \"x=open('f','w'),y\" must be "
        "ASCII letters, digits and '_', not starting with a digit",
        id="sublayer-argument-not-a-name",
    ),
    pytest.param(
        with_sublayer().replace("$units}}", "$units}, build: {__shape: [batch, ..., input_dim]}}"),
        "demo.yaml:15:62: layers.hidden.build.__shape: build parameter name '__shape' starts with '__', "
        "which Python keeps for its own names",
        id="sublayer-build-parameter-not-a-name",
    ),
    pytest.param(
        with_sublayer().replace("class: Dense, arguments: {units: $units}", "class: my_pkg.__main__.Block"),
        "demo.yaml:15:19: layers.hidden.class: a class path is dotted names, like my_pkg.layers.MyLayer; "
        "'__main__' starts with '__', which Python keeps for its own names",
        id="sublayer-class-path-dunder",
    ),
    pytest.param(
        with_sublayer().replace("class: Dense, arguments: {units: $units}", "class: webbrowser.Block"),
        "demo.yaml:15:19: layers.hidden.class: generated code would import 'webbrowser', which runs its code; "
        'to allow it, add "webbrowser" to imports in [tool.layergen] of pyproject.toml (imports = ["webbrowser"])',
        id="sublayer-import-not-allowed",
    ),
    # Masking (`masking:`)
    pytest.param(
        spec_with("  return outputs", "  return outputs if mask is None else outputs"),
        "demo.yaml:14:7: call: `call` reads `mask`: add `masking: {uses_mask: true, output_mask: ...}` to receive it",
        id="mask-without-masking",
    ),
    pytest.param(
        spec_with("call: |", "masking: {uses_mask: true, output_mask: keep}\ncall: |"),
        "demo.yaml:14:22: masking.uses_mask: `uses_mask` is true but `call` never reads `mask`",
        id="uses-mask-unread",
    ),
    pytest.param(
        spec_with("call: |", "masking:\n  output_mask: |\n    mask\ncall: |"),
        "demo.yaml:15:16: masking.output_mask: a compute_mask body must return the output's mask (or None)",
        id="compute-mask-without-return",
    ),
    pytest.param(
        spec_with("call: |", "masking:\n  output_mask: |\n    return mask.__class__\ncall: |"),
        "demo.yaml:16:12: masking.output_mask: `.__class__` reaches Python's internals",
        id="compute-mask-dunder",
    ),
    # Weight layouts (`layout:`)
    pytest.param(
        spec_with("    initializer: glorot_uniform", "    initializer: glorot_uniform\n    layout: [model]"),
        "demo.yaml:14:13: weights.kernel.layout: expected one mesh axis name or null per axis of the shape (2); found 1",
        id="layout-rank",
    ),
    pytest.param(
        spec_with("    initializer: glorot_uniform", "    initializer: glorot_uniform\n    layout: [null, model-1]"),
        "demo.yaml:14:20: weights.kernel.layout[1]: a mesh axis name must be an identifier, such as model; "
        "found 'model-1'",
        id="layout-axis-name",
    ),
    pytest.param(
        spec_with("    initializer: glorot_uniform", "    initializer: glorot_uniform\n    layout: [model, model]"),
        "demo.yaml:14:21: weights.kernel.layout[1]: mesh axis 'model' shards two axes of the weight; "
        "a layout uses it once",
        id="layout-axis-twice",
    ),
    pytest.param(
        spec_with("    initializer: glorot_uniform", "    initializer: glorot_uniform\n    layout: [null, null]"),
        "demo.yaml:14:13: weights.kernel.layout: the layout names no mesh axis, so it shards nothing: leave it out",
        id="layout-shards-nothing",
    ),
    # -- issue 8a: optional weights, test values and skips, outputs, randomness, shapes --
    pytest.param(
        spec_with("    min: 1\n", "    min: 1\n  use_bias:\n    type: bool\n    default: true\n").replace(
            "    initializer: glorot_uniform", "    initializer: glorot_uniform\n    when: use_bais"
        ),
        "demo.yaml:17:11: weights.kernel.when: unknown bool argument 'use_bais' (did you mean 'use_bias'?)",
        id="when-unknown-argument",
    ),
    pytest.param(
        spec_with("    initializer: glorot_uniform", "    initializer: glorot_uniform\n    when: units"),
        "demo.yaml:14:11: weights.kernel.when: `when` names a bool argument; 'units' is int",
        id="when-not-bool",
    ),
    pytest.param(
        VALID + "test:\n  arguments:\n    kernel_initializer: onse\n",
        "demo.yaml:20:25: test.arguments.kernel_initializer: unknown initializer 'onse' (did you mean 'one'?)",
        id="test-value-unknown-initializer",
    ),
    pytest.param(
        VALID + "test:\n  arguments:\n    kernel_initialiser: ones\n",
        "demo.yaml:20:25: test.arguments.kernel_initialiser: unknown argument 'kernel_initialiser' (did you mean 'kernel_initializer'?)",
        id="test-value-unknown-argument",
    ),
    pytest.param(
        VALID + "test:\n  skip:\n    test_gradients_reach_every_weight: B starts at zero\n",
        "demo.yaml:20:5: test.skip.test_gradients_reach_every_weight: unknown contract test 'test_gradients_reach_every_weight' (did you mean 'test_gradients_reach_every_trainable_weight'?)",
        id="test-skip-unknown-test",
    ),
    pytest.param(
        VALID + "test:\n  skip:\n    test_runs_compiled_with_xla: ' '\n",
        "demo.yaml:20:34: test.skip.test_runs_compiled_with_xla: say why the test is skipped: the reason is shown when it is",
        id="test-skip-without-reason",
    ),
    pytest.param(
        VALID + "outputs:\n  a: {shape: [batch, units]}\n  b: {shape: [batch, units]}\n",
        "demo.yaml:18:1: outputs: give `outputs` (several) or `output_shape` (one), not both",
        id="outputs-and-output-shape",
    ),
    pytest.param(
        VALID + "output_dtype: int23\n",
        "demo.yaml:18:15: output_dtype: unknown output dtype 'int23' (did you mean 'int32'?)",
        id="unknown-output-dtype",
    ),
    pytest.param(
        spec_with("output_shape: [batch, ..., units]\n", ""),
        "demo.yaml:1:1: output_shape: missing required field 'output_shape' (or `outputs`, for several)",
        id="no-output",
    ),
    pytest.param(
        spec_with("output_shape: [batch, ..., units]\n", "outputs:\n  only: {shape: [batch, units]}\n"),
        "demo.yaml:17:1: outputs: `outputs` lists several outputs; for one, use `output_shape`",
        id="outputs-with-one-output",
    ),
    pytest.param(
        VALID.replace("call: |", "random: true\ncall: |").replace("  return outputs", "  return outputs * training"),
        "demo.yaml:14:1: random: a random layer draws with `seed=self.seed_generator` in call",
        id="random-without-seed-generator",
    ),
    pytest.param(
        spec_with("  return outputs", "  return outputs + keras.random.normal((), seed=self.seed_generator)"),
        "demo.yaml:14:7: call: `self.seed_generator` exists only in a random layer: add `random: true`",
        id="seed-generator-without-random",
    ),
    pytest.param(
        VALID.replace("call: |", "random: true\ncall: |").replace(
            "  return outputs", "  return outputs + keras.random.normal((), seed=self.seed_generator)"
        ),
        "demo.yaml:14:1: random: a random layer draws in training only: `call` should read `training` (e.g. `if training:`)",
        id="random-without-training",
    ),
    pytest.param(
        spec_with("shape: [input_dim, units]", "shape: [..., units, ...]"),
        "demo.yaml:12:12: weights.kernel.shape: `...` in a weight shape needs a single input with `...`, and appears once",
        id="weight-ellipsis-twice",
    ),
    pytest.param(
        spec_with("shape: [input_dim, units]", "shape: [...]\n    shared_axes: units"),
        "demo.yaml:13:18: weights.kernel.shared_axes: `shared_axes` names a list[int] argument; 'units' is int",
        id="shared-axes-not-a-list-argument",
    ),
    pytest.param(
        spec_with("call: |", "constants:\n  scale:\n    value: 1.0\n    shape: [channels]\ncall: |"),
        "demo.yaml:17:13: constants.scale.shape[0]: unknown dimension 'channels'; known: units",
        id="constant-shape-unknown-argument",
    ),
    pytest.param(
        spec_with("call: |", "constants:\n  mean:\n    doc: The mean.\ncall: |"),
        "demo.yaml:16:5: constants.mean: constant 'mean' has no `value`, so the user gives it: declare its `shape` "
        "(e.g. `shape: [channels]`, or `shape: []` for a single number)",
        id="given-constant-without-shape",
    ),
    pytest.param(
        spec_with("call: |", "constants:\n  mean:\n    value: null\ncall: |"),
        "demo.yaml:16:5: constants.mean: constant 'mean' has `value: null`, so the user gives it: declare its "
        "`shape` (e.g. `shape: [channels]`, or `shape: []` for a single number)",
        id="optional-constant-without-shape",
    ),
    pytest.param(
        spec_with("call: |", "constants:\n  mean: {value: null, shape: [input_dim]}\ncall: |").replace(
            "initializer: glorot_uniform", "initializer: glorot_uniform\n    when: mean"
        ),
        "demo.yaml:14:11: weights.kernel.when: constant 'mean' is read in `when` as `mean is None` or "
        "`mean is not None` (whether the user left it out)",
        id="optional-constant-when-not-compared-with-none",
    ),
    pytest.param(
        spec_with(
            "call: |",
            "constants:\n  mean: {shape: [input_dim], value: null, together_with: [varianse]}\n"
            "  variance: {shape: [input_dim], value: null}\ncall: |",
        ),
        "demo.yaml:15:58: constants.mean.together_with: unknown constant the user may leave out 'varianse' "
        "(did you mean 'variance'?)",
        id="together-with-unknown-constant",
    ),
    pytest.param(
        spec_with(
            "call: |",
            "constants:\n  mean: {shape: [], value: 0.0, together_with: [variance]}\n"
            "  variance: {shape: [input_dim], value: null}\ncall: |",
        ),
        "demo.yaml:15:48: constants.mean.together_with: `together_with` is for constants the user may leave out "
        "(`value: null`)",
        id="together-with-on-a-constant-with-a-value",
    ),
    pytest.param(
        with_state_weight("adapt: {running: average}"),
        "demo.yaml:15:18: adapt.running: unknown statistic 'average'; known: count, max, mean, min, variance",
        id="adapt-unknown-statistic",
    ),
    pytest.param(
        spec_with("call: |", "adapt: {kernel: mean}\ncall: |"),
        "demo.yaml:14:9: adapt.kernel: `adapt` sets state weights (`role: state`), which training leaves alone; "
        "'kernel' is trainable",
        id="adapt-weight-not-state",
    ),
    pytest.param(
        with_state_weight("adapt: {running: mean, runing: max}"),
        "demo.yaml:15:24: adapt.runing: unknown state weight 'runing' (did you mean 'running'?)",
        id="adapt-unknown-weight",
    ),
    pytest.param(
        spec_with("call: |", "adapt: {kernel: mean}\ncall: |").replace(
            "weights:\n", "  other:\n    shape: [batch, ..., input_dim]\nweights:\n"
        ),
        "demo.yaml:16:1: adapt: `adapt` reads the data of a layer with a single input",
        id="adapt-several-inputs",
    ),
    pytest.param(
        with_state_weight("adapt: {running: max}", shape="[units]"),
        "demo.yaml:15:18: adapt.running: a weight `adapt` sets keeps input axes by `axes` (`shape: [...]`), by the "
        "input's dimension names in their order (e.g. `shape: [features]`), or none (`shape: []`)",
        id="adapt-weight-shape",
    ),
    # -- issue 18: sub-layers sized by the input, RNN cells --
    pytest.param(
        with_sublayer().replace("units: $units}", "units: $input_dim * unit}"),
        "demo.yaml:15:45: layers.hidden.arguments.units: unknown dimension or int argument 'unit' (did you mean 'units'?)",
        id="sublayer-argument-unknown-dimension",
    ),
    pytest.param(
        with_sublayer().replace("units: $units}", "units: $units, activation: {name: relu}}"),
        "demo.yaml:15:65: layers.hidden.arguments.activation: a mapping is an initializer, regularizer or constraint, for an argument whose name ends in _initializer, _regularizer or _constraint",
        id="sublayer-argument-mapping-not-an-object",
    ),
    pytest.param(
        spec_with(
            "    initializer: glorot_uniform", "    initializer: {name: constant, value: $1 / input_dimm ** 0.5}"
        ),
        "demo.yaml:13:42: weights.kernel.initializer.value: unknown number argument or dimension 'input_dimm' (did you mean 'input_dim'?)",
        id="initializer-value-unknown-dimension",
    ),
    pytest.param(
        spec_with("call: |", "call_arguments:\n  reverse: {type: bool, default: 0}\ncall: |"),
        "demo.yaml:15:34: call_arguments.reverse.default: default 0 is not a bool",
        id="call-argument-default-of-another-type",
    ),
    pytest.param(
        spec_with(
            "call: |",
            "call_arguments:\n  scale: {type: int, default: 1, inputs: {inputs: {shape: [batch, 2]}}}\ncall: |",
        ),
        "demo.yaml:15:42: call_arguments.scale.inputs: `inputs` is for a bool call argument: "
        "the inputs call takes when it is not its default",
        id="call-inputs-of-a-non-bool-argument",
    ),
    pytest.param(
        spec_with("call: |", "call_arguments:\n  reverse: {type: bool, default: false}\ncall: |").replace(
            "    initializer: glorot_uniform", "    initializer: glorot_uniform\n    when: reverse"
        ),
        "demo.yaml:14:11: weights.kernel.when: call argument 'reverse' can change the output's shape only "
        "(`output_shapes`)",
        id="call-argument-in-a-weight-condition",
    ),
    pytest.param(
        cell_spec().replace("cell: {state_size: units}", "cell: {state_size: units}\noutput_shape: [batch, units]"),
        "demo.yaml:18:1: output_shape: a cell has no `output_shape`: a cell's output is `[batch, output_size]`, and its state `[batch, state_size]`",
        id="cell-with-output-shape",
    ),
    pytest.param(
        cell_spec().replace("shape: [batch, input_dim]", "shape: [batch, ..., input_dim]"),
        "demo.yaml:9:12: inputs.inputs.shape: a cell's input is one step, `[batch, features]`: keras.layers.RNN builds it with that shape",
        id="cell-input-not-one-step",
    ),
    pytest.param(
        cell_spec().replace("state_size: units", "state_size: unit"),
        "demo.yaml:17:20: cell.state_size: unknown int argument 'unit' (did you mean 'units'?)",
        id="cell-state-size-unknown",
    ),
    pytest.param(
        cell_spec().replace("outputs + states[0]", "outputs + states[1]"),
        "demo.yaml:16:20: call: `states[1]` reads a state the cell does not have: the cell has 1 state (`cell.state_size`)",
        id="cell-reads-a-state-it-lacks",
    ),
    pytest.param(
        cell_spec()
        .replace("state_size: units", "state_size: [units, units]")
        .replace("  outputs = ops.matmul", "  h, c, x = states\n  outputs = ops.matmul")
        .replace("[outputs]", "[outputs, c]"),
        "demo.yaml:15:3: call: `states` is unpacked into 3 names: the cell has 2 states (`cell.state_size`)",
        id="cell-unpacks-other-states",
    ),
    pytest.param(
        cell_spec().replace("state_size: units", "state_size: [units, units]"),
        "demo.yaml:16:31: call: call returns 1 new state: the cell has 2 states (`cell.state_size`)",
        id="cell-returns-other-states",
    ),
    pytest.param(
        cell_spec().replace("state_size: units", "state_size: []"),
        "demo.yaml:17:20: cell.state_size: a cell has at least one state: give one size each, e.g. [units, units]",
        id="cell-without-states",
    ),
    pytest.param(
        cell_spec()
        .replace("cell: {state_size: units}", "cell: {state_size: units}\nrandom: true")
        .replace(
            "  return outputs + ", "  return outputs * training + keras.random.normal((), seed=self.seed_generator) + "
        ),
        "demo.yaml:18:1: random: a random cell is not supported: keras.layers.RNN calls the cell inside its loop, where a seed generator cannot advance (Keras's cells draw dropout masks before the loop)",
        id="random-cell",
    ),
    # -- issue 16: the generated test's budget, layouts at the test sizes, self.<name> --
    pytest.param(
        spec_with("call: |", "constants:\n  scale:\n    value: 1.0\n    shape: [units, units]\ncall: |")
        + "test: {arguments: {units: 200}}\n",
        "demo.yaml:17:12: constants.scale.shape: the test's value of constant 'scale' would be 40000 numbers of"
        " shape (200, 200) written into the test, over the 10,000 a test may hold",
        id="test-constant-too-many-numbers",
    ),
    pytest.param(
        spec_with("call: |", "constants:\n  scale:\n    value: 1.0\n    shape: [units, units]\ncall: |")
        + "test: {arguments: {units: 8000, scale: 2.0}}\n",
        "demo.yaml:17:12: constants.scale.shape: the test's constant 'scale' of shape (8000, 8000) would take 244 MiB",
        id="test-constant-too-large",
    ),
    pytest.param(
        with_sublayer().replace("$units}}", "$units}, repeat: units * units}") + "test: {arguments: {units: 3000}}\n",
        "demo.yaml:15:62: layers.hidden.repeat: is 9000000 in the test, over the 100 sub-layers a test may make",
        id="test-repeat-too-large",
    ),
    pytest.param(
        spec_with(
            "call: |",
            "layers:\n  first: {class: Dense, arguments: {units: $units}, repeat: units}\n"
            "  second: {class: Dense, arguments: {units: $units}, repeat: units}\ncall: |",
        )
        + "test: {arguments: {units: 60}}\n",
        "demo.yaml:14:1: layers: the test's layer would hold 120 sub-layers, over the 100 a test may make",
        id="test-too-many-sublayers",
    ),
    pytest.param(
        with_sublayer().replace("$units}}", "100000000}}"),
        "demo.yaml:15:37: layers.hidden.arguments: the test's sub-layer 'hidden' (weights sized by its integer"
        " arguments and input) of shape (100000000, 3) would take 1,144 MiB",
        id="test-sublayer-too-large",
    ),
    pytest.param(
        spec_with(
            "call: |",
            "  second: {shape: [input_dim, units]}\n  third: {shape: [input_dim, units]}\n"
            "  fourth: {shape: [input_dim, units]}\n  fifth: {shape: [input_dim, units]}\ncall: |",
        )
        + "test: {arguments: {units: 4000}, dimensions: {input_dim: 4000}}\n",
        "demo.yaml:12:12: weights.kernel.shape: the test's tensors together would take 306 MiB, over the 256 MiB",
        id="test-tensors-together-too-large",
    ),
    pytest.param(
        spec_with("    initializer: glorot_uniform", "    initializer: glorot_uniform\n    layout: [null, model]")
        + "test: {arguments: {units: 5}}\n",
        "demo.yaml:14:20: weights.kernel.layout[1]: mesh axis 'model' splits axis 1 of the weight, of size 5 in"
        " the test (units with the test sizes {'units': 5, 'input_dim': 3}), into 2 shards",
        id="layout-odd-test-size",
    ),
    pytest.param(
        spec_with(
            "    initializer: glorot_uniform", "    initializer: glorot_uniform\n    layout: [data, model]"
        ).replace("call: |", "  bias: {shape: [units], layout: [seq]}\ncall: |")
        + "test: {arguments: {units: 4}, dimensions: {input_dim: 4}}\n",
        "demo.yaml:15:35: weights.bias.layout[0]: the layouts name 3 mesh axes (data, model, seq); the contract's"
        " ModelParallel test shards over at most 2",
        id="layout-too-many-mesh-axes",
    ),
    pytest.param(
        spec_with("self.kernel", "self.kernal"),
        "demo.yaml:15:32: call: the layer has no attribute `self.kernal` (did you mean 'self.kernel'?)",
        id="call-unknown-self-attribute",
    ),
    pytest.param(
        spec_with("call: |", "masking:\n  output_mask: |\n    return self.maks(mask)\ncall: |").replace(
            "outputs = ops", "mask = mask\n  outputs = ops"
        ),
        "demo.yaml:16:12: masking.output_mask: the layer has no attribute `self.maks`",
        id="compute-mask-unknown-self-attribute",
    ),
    pytest.param(
        spec_with(
            "    min: 1\n", "    min: 1\n  noise:\n    type: shape\n    default: null\n    message: Bad noise.\n"
        ),
        "demo.yaml:10:14: arguments.noise.message: `message` words the check of a wrong value; "
        "'noise' (shape) has no single check to word",
        id="message-on-a-shape-argument",
    ),
    pytest.param(
        spec_with(
            "    min: 1\n", "    min: 1\n  axis:\n    type: axes\n    default: -1\n    type_message: Bad axis.\n"
        ),
        "demo.yaml:10:19: arguments.axis.type_message: `type_message` words the TypeError of a value of the "
        "wrong type; 'axis' (axes) has no type check apart from its other checks (use `message`)",
        id="type-message-on-an-axes-argument",
    ),
    pytest.param(
        spec_with("    min: 1\n", "    min: 1\n    type_message: ' '\n"),
        "demo.yaml:7:19: arguments.units.type_message: `type_message` is empty",
        id="type-message-empty",
    ),
    pytest.param(
        spec_with("    min: 1\n", "    min: 1\n    length: 2\n"),
        "demo.yaml:7:13: arguments.units.length: `length` is for int_tuple arguments; 'units' is int",
        id="length-on-an-int",
    ),
    pytest.param(
        spec_with("    min: 1\n", "    min: 1\n  pad:\n    type: int_tuple\n    default: 1\n"),
        "demo.yaml:8:5: arguments.pad: an int_tuple argument needs `length` >= 1",
        id="int-tuple-without-length",
    ),
    pytest.param(
        spec_with("output_shape: [batch, ..., units]", "output_shape: [batch, ..., 'units[0]']"),
        "demo.yaml:17:28: output_shape[2]: only an int_tuple argument that is never None is read by item; "
        "'units' is not one",
        id="item-of-an-int",
    ),
    pytest.param(
        spec_with("output_shape: [batch, ..., units]", "output_shape: [batch, ..., units + pad]").replace(
            "    min: 1\n", "    min: 1\n  pad:\n    type: int_tuple\n    length: 2\n    min: 0\n    default: 1\n", 1
        ),
        "demo.yaml:22:28: output_shape[2]: argument 'pad' is a tuple of 2 integers: read one, `pad[0]`",
        id="int-tuple-read-whole",
    ),
    pytest.param(
        spec_with("output_shape: [batch, ..., units]", "output_shape: [batch, ..., 'units + pad[2]']").replace(
            "    min: 1\n", "    min: 1\n  pad:\n    type: int_tuple\n    length: 2\n    min: 0\n    default: 1\n", 1
        ),
        "demo.yaml:22:28: output_shape[2]: pad[2] is past the end of 'pad', a tuple of 2 integers",
        id="int-tuple-item-past-the-end",
    ),
    pytest.param(
        spec_with("    min: 1\n", "    min: 1\n  heads:\n    type: int\n    default: 2\n    none_means: units\n"),
        "demo.yaml:10:17: arguments.heads.none_means: `none_means` says what None takes; 'heads' needs `default: null`",
        id="none-means-without-a-none-default",
    ),
    pytest.param(
        spec_with("    min: 1\n", "    min: 1\n  heads:\n    type: int\n    default: null\n    none_means: unit\n"),
        "demo.yaml:10:17: arguments.heads.none_means: unknown earlier argument 'unit' (did you mean 'units'?)",
        id="none-means-unknown-argument",
    ),
    pytest.param(
        spec_with("    min: 1\n", "    min: 1\n  rate:\n    type: float\n    default: null\n    none_means: units\n"),
        "demo.yaml:10:17: arguments.rate.none_means: 'units' is int, not float as 'rate' is: None cannot take its value",
        id="none-means-another-type",
    ),
    pytest.param(
        spec_with(
            "    min: 1\n",
            "    min: 1\n  heads:\n    type: int\n    default: null\n"
            "  groups:\n    type: int\n    default: null\n    none_means: heads\n",
        ),
        "demo.yaml:13:17: arguments.groups.none_means: 'heads' can be None itself: None must take a value",
        id="none-means-an-argument-that-can-be-none",
    ),
    pytest.param(
        spec_with("call: |", "masking:\n  output_mask: keep\n  supports_masking: unitz\ncall: |"),
        "demo.yaml:16:21: masking.supports_masking: unknown argument or dimension 'unitz' (did you mean 'units'?)",
        id="condition-unknown-argument",
    ),
    pytest.param(
        spec_with("call: |", "masking:\n  output_mask: keep\n  supports_masking: print(units)\ncall: |"),
        "demo.yaml:16:21: masking.supports_masking: call is not allowed in 'print(units)'; use argument and "
        "dimension names, <input>.rank, numbers, strings, and, or, not, comparisons, + - * // and `a if c else b`",
        id="condition-outside-the-grammar",
    ),
    pytest.param(
        spec_with(
            "output_shape: [batch, ..., units]",
            "output_shapes:\n  - shape: [batch, ..., units]\n  - shape: [batch, ..., 1]",
        ),
        "demo.yaml:18:5: output_shapes[0]: every case but the last needs `when` (the last applies otherwise)",
        id="output-case-without-when",
    ),
    pytest.param(
        spec_with(
            "output_shape: [batch, ..., units]",
            "output_shapes:\n  - {when: units > 1, shape: [batch, ..., units]}\n  - {when: units > 2, shape: [batch, ..., 1]}",
        ),
        "demo.yaml:19:12: output_shapes[1].when: the last case applies otherwise: it has no `when`",
        id="last-output-case-with-when",
    ),
    pytest.param(
        spec_with("shape: [input_dim, units]", "shape: [...]\n    axes: unitz"),
        "demo.yaml:13:11: weights.kernel.axes: unknown axes or int argument 'unitz' (did you mean 'units'?)",
        id="weight-axes-unknown-argument",
    ),
    pytest.param(
        spec_with("    initializer: glorot_uniform", "    initializer: glorot_uniform\n    when: units and not flag"),
        "demo.yaml:14:11: weights.kernel.when: unknown argument or dimension 'flag'; known: input_dim, inputs.rank, units",
        id="when-condition-unknown-argument",
    ),
    pytest.param(
        spec_with(
            "    shape: [input_dim, units]\n",
            "    shape: [input_dim, units]\n    shapes: [{when: units > 1, shape: [units]}, {shape: [1]}]\n",
        ),
        "demo.yaml:13:5: weights.kernel.shapes: give `shape` or `shapes`, not both",
        id="weight-shape-and-shapes",
    ),
    pytest.param(
        spec_with("    shape: [input_dim, units]\n", ""),
        "demo.yaml:12:5: weights.kernel: missing required field 'shape' (or `shapes`, for a shape that follows a condition)",
        id="weight-without-shape",
    ),
    pytest.param(
        spec_with(
            "    shape: [input_dim, units]\n", "    shapes: [{when: input.rank == 3, shape: [units]}, {shape: [1]}]\n"
        ),
        "demo.yaml:12:21: weights.kernel.shapes[0].when: unknown input 'input' (did you mean 'inputs'?)",
        id="condition-unknown-input",
    ),
    pytest.param(
        spec_with(
            "    shape: [input_dim, units]\n", "    shapes: [{when: inputs > 3, shape: [units]}, {shape: [1]}]\n"
        ),
        "demo.yaml:12:21: weights.kernel.shapes[0].when: input 'inputs' is read as `inputs.rank` (its rank) "
        "or by its dimensions' names",
        id="condition-reads-an-input-whole",
    ),
    pytest.param(
        spec_with("    min: 1\n", "    min: 1\n  clipping:\n    type: mapping\n    default: {rmax: 3.0}\n"),
        "demo.yaml:9:14: arguments.clipping.default: a mapping argument's default is null "
        "(a dict default is shared by every layer)",
        id="mapping-default-not-null",
    ),
    pytest.param(
        spec_with(
            "    initializer: glorot_uniform\n",
            "    initializer: glorot_uniform\n    initializer_parts:\n      axis: 2\n"
            "      parts: [{size: units}, {size: units}]\n",
        ),
        "demo.yaml:15:13: weights.kernel.initializer_parts.axis: axis 2 is out of range for a weight of rank 2 (-2 to 1)",
        id="initializer-parts-axis-out-of-range",
    ),
    pytest.param(
        spec_with(
            "    initializer: glorot_uniform\n",
            "    initializer: glorot_uniform\n    initializer_parts:\n      axis: -1\n"
            "      parts: [{size: units}, {size: units}]\n",
        ),
        "demo.yaml:16:14: weights.kernel.initializer_parts.parts: the parts' sizes add up to units + units = 8, "
        "not the weight's size on axis -1, units = 4 (with {'units': 4})",
        id="initializer-parts-do-not-add-up",
    ),
    pytest.param(
        spec_with(
            "    initializer: glorot_uniform\n",
            "    initializer: glorot_uniform\n    initializer_parts:\n"
            "      parts: [{size: input_dim - 1}, {size: 1, initializer: onez}]\n",
        ),
        "demo.yaml:15:61: weights.kernel.initializer_parts.parts[1].initializer: unknown initializer 'onez' "
        "(did you mean 'one'?)",
        id="initializer-parts-unknown-initializer",
    ),
    pytest.param(
        spec_with(
            "    initializer: glorot_uniform\n",
            "    initializer: glorot_uniform\n    initializer_parts:\n      when: units\n"
            "      parts: [{size: input_dim - 1}, {size: 1, initializer: ones}]\n",
        ),
        "demo.yaml:15:13: weights.kernel.initializer_parts.when: `when` names a bool argument; 'units' is int",
        id="initializer-parts-when-not-bool",
    ),
]


def spec_bytes(text: str) -> bytes:
    """The file a case's text stands for: UTF-8, with surrogate escapes as raw bytes."""
    return text.encode("utf-8", errors="surrogateescape")


# Mistakes in `[tool.layergen]`: each case is the table's settings after `specs = "specs"`
# (line 5 of pyproject.toml), run with a valid demo.yaml.
PYPROJECT_HEAD = '[project]\nname = "demo"\n\n[tool.layergen]\nspecs = "specs"\n'
SETTINGS_CASES = [
    pytest.param(
        'layer = "out"\n',
        "pyproject.toml:6:1: tool.layergen.layer: unknown setting 'layer' (did you mean 'layers'?)",
        id="unknown-setting",
    ),
    pytest.param(
        "tests = 3\n", "pyproject.toml:6:1: tool.layergen.tests: expected a string; found 3", id="setting-type"
    ),
    pytest.param(
        'layers = "../elsewhere"\n',
        "pyproject.toml:6:1: tool.layergen.layers: '../elsewhere' is outside the project folder",
        id="output-outside-project",
    ),
    pytest.param(
        'package = "my package"\n',
        "pyproject.toml:6:1: tool.layergen.package: package must be letters, digits, '_', '.' or '-'",
        id="setting-package",
    ),
    pytest.param(
        'layers_module = "my-pkg.layers"\n',
        "pyproject.toml:6:1: tool.layergen.layers_module: 'my-pkg.layers' is not an importable module path",
        id="setting-layers-module",
    ),
    pytest.param(
        'layers = "src/my-pkg/layers"\n',
        "pyproject.toml:6:1: tool.layergen.layers: 'my-pkg.layers' is not an importable module path (made from",
        id="layers-without-import-path",
    ),
    pytest.param(
        'templates = "my_templates"\n',
        "pyproject.toml:6:1: tool.layergen.templates: no such folder 'my_templates'",
        id="setting-templates",
    ),
    pytest.param(
        'imports = "keras_hub"\n',
        'pyproject.toml:6:1: tool.layergen.imports: expected a list of package names, e.g. ["keras_hub"]; '
        "found 'keras_hub'",
        id="setting-imports-type",
    ),
    pytest.param(
        'imports = ["my_pkg.__main__"]\n',
        "pyproject.toml:6:1: tool.layergen.imports: 'my_pkg.__main__' is not a package name such as keras_hub or "
        "my_pkg.layers: '__main__' starts with '__', which Python keeps for its own names",
        id="setting-imports-not-a-package",
    ),
    pytest.param(
        '\n[tool.black]\nline-length = "long"\n',
        "pyproject.toml:8:1: tool.black.line-length: expected a whole number 1 to 320; found 'long'",
        id="formatter-line-length",
    ),
    pytest.param(
        '\n[tool.black]\ntarget-version = "py311"\n',
        "pyproject.toml:8:1: tool.black.target-version: expected a list of versions such as ['py311']; found 'py311'",
        id="formatter-target-version",
    ),
]

# Mistakes that lie between specs: each case is the files of a folder (demo.yaml among them),
# run as `layergen validate demo.yaml`. demo.yaml holds `Other`, a class of the project.
HOLDS_OTHER = with_sublayer().replace("class: Dense, arguments: {units: $units}", "class: Other")
OTHER = spec_with("layer: Demo", "layer: Other")
PROJECT_CASES = [
    pytest.param(
        {
            "demo.yaml": HOLDS_OTHER,
            "other.yaml": HOLDS_OTHER.replace("layer: Demo", "layer: Other").replace("class: Other", "class: Demo"),
        },
        "demo.yaml:15:19: layers.hidden.class: project classes hold each other, so constructing one never ends: "
        "Demo -> Other -> Demo",
        id="sublayer-cycle",
    ),
    pytest.param(
        {"demo.yaml": HOLDS_OTHER, "other.yaml": OTHER.replace("  units:\n", "  \"x=open('f','w'),y\":\n")},
        "demo.yaml:15:19: layers.hidden.class: layer class 'Other' is defined by other.yaml, which cannot be used: "
        "arguments.x=open('f','w'),y: argument name \"x=open('f','w'),y\" must be ASCII letters",
        id="sublayer-class-with-bad-names",
    ),
    pytest.param(
        {"demo.yaml": HOLDS_OTHER, "other.yaml": OTHER.replace("layer: Other", 'layer: "Other\\nimport os"')},
        "demo.yaml:15:19: layers.hidden.class: unknown layer class 'Other'; other.yaml may define it but cannot be "
        "used: layer: class name must be CamelCase letters and digits, like LinearLayer; found 'Other\\nimport os'",
        id="sublayer-class-in-a-broken-spec",
    ),
    pytest.param(
        {"demo.yaml": HOLDS_OTHER, "other.yaml": OTHER + "#" * 100_000 + "\n"},
        "demo.yaml:15:19: layers.hidden.class: unknown layer class 'Other'; other.yaml may define it but cannot be "
        "used: spec is over 100,000 bytes; a layer spec is a page of YAML",
        id="sublayer-class-in-a-huge-spec",
    ),
]

# What each case shows, for docs/errors.md.
TITLES = {
    "test-constant-too-many-numbers": "A shaped constant whose test value is too many numbers to write",
    "test-constant-too-large": "A shaped constant over the test's memory budget",
    "test-repeat-too-large": "A repeat count too large for a test",
    "test-too-many-sublayers": "Sub-layers too many for a test",
    "test-sublayer-too-large": "A sub-layer whose weights are over the test's memory budget",
    "test-tensors-together-too-large": "The test's tensors together over the memory budget",
    "layout-too-many-mesh-axes": "Layouts naming more mesh axes than the contract's test has",
    "layout-odd-test-size": "A split axis whose test size does not divide across the mesh",
    "call-unknown-self-attribute": "`self.<name>` in call that the layer does not have",
    "compute-mask-unknown-self-attribute": "`self.<name>` in compute_mask that the layer does not have",
    "yaml-duplicate-key": "A key given twice",
    "yaml-syntax": "YAML that does not parse",
    "unknown-field": "A field the spec format does not have",
    "unknown-field-in-weight": "A field from Keras habits, with what the spec says instead",
    "missing-field": "A required field left out",
    "unknown-initializer": "An initializer Keras does not know",
    "unknown-dimension": "A shape naming an unknown dimension",
    "weight-named-weights": "A name that would shadow a keras.layers.Layer attribute",
    "weight-named-name": "Another Layer attribute: name",
    "python-keyword": "A Python keyword as a name",
    "call-does-not-parse": "A call body that is not Python (line and column in the spec)",
    "call-without-return": "A call body without return",
    "bad-argument-type": "An argument type that does not exist",
    "duplicate-name": "One name for two things",
    "regularizer-on-frozen-weight": "A regularizer on a weight that does not train",
    "unknown-initializer-argument": "An initializer argument Keras's class does not take",
    "unknown-reference": "A $reference to an argument that does not exist",
    "shape-without-batch": "A shape that does not start with batch",
    "required-after-optional": "A required argument after an optional one",
    "negative-dimension": "Anything outside the shape grammar",
    "test-size-not-positive": "A shape that is empty with the test sizes",
    "bounds-on-a-float-input": "min/max on a float input",
    "string-input": "An input dtype that is not numeric",
    "infinite-number": "inf or nan",
    "control-character": "A control character in text",
    "lone-surrogate": "A lone surrogate in text",
    "builtin-name": "A name that hides a Python builtin",
    "derived-name-shadows-keras": "A weight whose argument would shadow a Layer attribute",
    "unicode-name": "A name that is not plain ASCII",
    "reference-to-nullable": "A $reference to an argument that can be None",
    "trainable-int-weight": "A trainable weight that is not float",
    "empty-choices": "choices: []",
    "division-by-zero": "A shape that divides by zero",
    "call-too-deep": "A call body too deep to compile",
    "unknown-activation": "An activation Keras does not know",
    "call-imports": "An import in call",
    "call-dunder": "call reaching Python's internals",
    "call-eval": "call running text as code (eval, exec, compile, __import__, ...)",
    "call-getattr": "getattr, setattr or delattr with a computed name",
    "call-yield": "yield in call",
    "call-global": "global or nonlocal in call",
    "call-unknown-name": "A name call does not have",
    "call-argument-name": "An argument used by its plain name in call",
    "call-keras-src": "keras.src in call",
    "call-line-separator": "A character Python does not count as a line break, in call",
    "name-with-line-break": "A name with a trailing line break",
    "class-name-too-long": "A class name too long for a file name",
    "class-name-of-a-keyword-module": "A class name whose module name is a Python keyword",
    "class-name-of-the-test": "A class name the generated test imports",
    "test-tensor-too-large": "A test tensor over the memory budget",
    "test-size-too-large": "A test size that is huge",
    "int-input-out-of-dtype": "Integer input values that do not fit the input's dtype",
    "test-value-not-finite": "A generated test value that is not finite",
    "test-activation-unknown": "A test value that is not an activation",
    "compute-mask-dunder": "A compute_mask body doing what call may not do",
    "key-not-a-name": "A key YAML reads as a number, boolean or null",
    "key-with-line-break": "A key holding a line break (shown escaped)",
    "yaml-1-1-line-break": "U+0085, U+2028 or U+2029 in the file",
    "yaml-tag": "A YAML tag other than the core ones",
    "integer-too-long": "An integer of more than 20 digits",
    "text-too-long": "A string of more than 20,000 characters",
    "nested-too-deeply": "Nesting deeper than 32 levels",
    "alias-bomb": "Aliases that expand to too many values",
    "spec-too-large": "A file over 100,000 bytes",
    "not-utf8": "A file that is not UTF-8",
    "unknown-setting": "pyproject.toml: a setting that does not exist",
    "setting-type": "pyproject.toml: a setting of the wrong type",
    "output-outside-project": "pyproject.toml: output folders outside the project",
    "setting-package": "pyproject.toml: a package that is not a package name",
    "setting-layers-module": "pyproject.toml: layers_module that is not an import path",
    "layers-without-import-path": "pyproject.toml: a layers folder that gives no import path",
    "setting-templates": "pyproject.toml: a templates folder that does not exist",
    "unknown-layer-class": "A sub-layer class that is not in keras.layers nor the project",
    "unknown-sublayer-argument": "A constructor argument the sub-layer's class does not take",
    "sublayer-dtype-argument": "A sub-layer argument the generated code sets (dtype, name)",
    "unknown-sublayer-reference": "A sub-layer argument's $reference to nothing",
    "unknown-build-parameter": "A build shape for a parameter the class's build does not have",
    "sublayer-when-not-bool": "A sub-layer gated by an argument that is not bool",
    "unknown-repeat-argument": "A repeat count that is not an integer argument",
    "sublayer-from-keras-src": "A sub-layer from keras.src",
    "sublayer-argument-keyword": "A Python keyword as a sub-layer argument name",
    "sublayer-argument-not-a-name": "A sub-layer argument name that is not a name (code, say)",
    "sublayer-build-parameter-not-a-name": "A build parameter name that is not a plain name",
    "sublayer-class-path-dunder": "A class path with a dunder or a keyword in it",
    "sublayer-import-not-allowed": "A class path into a package [tool.layergen] imports does not allow",
    "setting-imports-type": "pyproject.toml: imports that is not a list of strings",
    "setting-imports-not-a-package": "pyproject.toml: an imports entry that is not a package name",
    "sublayer-cycle": "Project classes holding each other (with other.yaml beside demo.yaml)",
    "sublayer-class-with-bad-names": "A project class whose spec has names that are not names (other.yaml)",
    "sublayer-class-in-a-broken-spec": "A class that may be in a spec that defines none (other.yaml's layer: holds a line break)",
    "sublayer-class-in-a-huge-spec": "A class that may be in a spec too big to read (other.yaml)",
    "mask-without-masking": "A call body that reads mask without masking:",
    "uses-mask-unread": "uses_mask: true, and call never reads mask",
    "compute-mask-without-return": "An output_mask body without return",
    "layout-rank": "A weight layout whose length is not the weight's rank",
    "layout-axis-name": "A mesh axis name that is not an identifier",
    "layout-axis-twice": "One mesh axis for two axes of a weight",
    "layout-shards-nothing": "A weight layout that names no mesh axis",
    "when-unknown-argument": "A weight's `when` naming no argument",
    "when-not-bool": "A weight's `when` naming an argument that is not bool",
    "message-on-a-shape-argument": "`message` on an argument that has no single check to word",
    "type-message-on-an-axes-argument": "`type_message` on an argument whose type has no separate type check",
    "type-message-empty": "An empty `type_message`",
    "length-on-an-int": "`length` on an argument that is not an int_tuple",
    "int-tuple-without-length": "An int_tuple argument without `length`",
    "item-of-an-int": "A shape item reading an item (`units[0]`) of what is not an int_tuple argument",
    "int-tuple-read-whole": "An int_tuple argument read whole in a shape, where an item is a size",
    "int-tuple-item-past-the-end": "An item of an int_tuple argument past its length",
    "none-means-without-a-none-default": "`none_means` on an argument whose default is not null",
    "none-means-unknown-argument": "`none_means` naming no earlier argument",
    "none-means-another-type": "`none_means` naming an argument of another type",
    "none-means-an-argument-that-can-be-none": "`none_means` naming an argument that can be None itself",
    "condition-unknown-argument": "A condition naming no argument",
    "condition-outside-the-grammar": "A condition outside the expression grammar (a call, an attribute, ...)",
    "output-case-without-when": "An output shape case other than the last without `when`",
    "last-output-case-with-when": "A last output shape case with `when` (it applies otherwise)",
    "weight-axes-unknown-argument": "A weight's `axes` naming no axes or int argument",
    "when-condition-unknown-argument": "A `when` condition naming no argument",
    "weight-shape-and-shapes": "A weight with both shape and shapes",
    "weight-without-shape": "A weight with neither shape nor shapes",
    "condition-unknown-input": "A condition reading the rank of an input the layer does not have",
    "condition-reads-an-input-whole": "A condition reading an input itself, not its rank or dimensions",
    "mapping-default-not-null": "A mapping argument whose default is not null",
    "test-value-unknown-initializer": "A test value of a generated argument that Keras does not know",
    "test-value-unknown-argument": "A test value for an argument the layer does not have",
    "test-skip-unknown-test": "A skip naming no contract test",
    "test-skip-without-reason": "A skip without its reason",
    "outputs-and-output-shape": "Both output_shape and outputs",
    "unknown-output-dtype": "An output dtype Keras does not know",
    "no-output": "Neither output_shape nor outputs",
    "outputs-with-one-output": "outputs with a single output",
    "random-without-seed-generator": "A random layer that does not draw from its seed generator",
    "seed-generator-without-random": "self.seed_generator in a layer that is not random",
    "random-without-training": "A random layer whose call ignores training",
    "weight-ellipsis-twice": "`...` twice in a weight shape",
    "shared-axes-not-a-list-argument": "shared_axes naming an argument that is not list[int]",
    "constant-shape-unknown-argument": "A constant's shape naming no int argument",
    "given-constant-without-shape": "A constant the user gives (no `value`) without a `shape`",
    "together-with-unknown-constant": "`together_with` naming no constant the user may leave out",
    "together-with-on-a-constant-with-a-value": "`together_with` on a constant with a `value`",
    "adapt-unknown-statistic": "`adapt` naming a statistic it does not know",
    "adapt-weight-not-state": "`adapt` naming a weight that is not `role: state`",
    "adapt-unknown-weight": "`adapt` naming no weight of the spec",
    "adapt-several-inputs": "`adapt` in a layer with several inputs",
    "adapt-weight-shape": "`adapt` naming a weight whose shape keeps no input axes it can tell",
    "optional-constant-without-shape": "A constant the user may leave out (`value: null`) without a `shape`",
    "optional-constant-when-not-compared-with-none": "A weight's `when` reads an optional constant other than "
    "as `<constant> is None`",
    "formatter-line-length": "pyproject.toml: the formatter's line length is not a number",
    "formatter-target-version": "pyproject.toml: black's target versions not given as a list",
    "sublayer-argument-unknown-dimension": "A sub-layer argument reading an unknown dimension or argument",
    "sublayer-argument-mapping-not-an-object": "A mapping for a sub-layer argument that takes no Keras object",
    "initializer-value-unknown-dimension": "An initializer value reading an unknown dimension",
    "call-argument-default-of-another-type": "A call argument whose default is not of its type",
    "call-inputs-of-a-non-bool-argument": "A call argument's `inputs` on an argument that is not bool",
    "call-argument-in-a-weight-condition": "A call argument read by a weight's `when`",
    "cell-with-output-shape": "An RNN cell with output_shape",
    "cell-input-not-one-step": "An RNN cell whose input is not one step",
    "cell-state-size-unknown": "An RNN cell's state_size naming no int argument",
    "random-cell": "A random RNN cell",
    "cell-reads-a-state-it-lacks": "An RNN cell's call reading a state the cell does not declare",
    "cell-unpacks-other-states": "An RNN cell's call unpacking `states` into another number of names",
    "cell-returns-other-states": "An RNN cell's call returning another number of new states",
    "cell-without-states": "An RNN cell whose state_size is an empty list",
    "initializer-parts-axis-out-of-range": "A weight's initializer_parts on an axis it does not have",
    "initializer-parts-do-not-add-up": "initializer_parts whose sizes do not add up to the weight's size on the axis",
    "initializer-parts-unknown-initializer": "A part of initializer_parts with an initializer Keras does not know",
    "initializer-parts-when-not-bool": "initializer_parts whose `when` reads an argument that is not bool",
}
