"""Property-based tests: thousands of specs, valid and broken, through the real pipeline.

- every accepted spec renders to code that compiles, is black-clean, imports, and builds
  a layer whose config round-trips;
- every rejected spec gets located one-line errors and never a traceback;
- no text from a spec reaches the generated module outside a string literal or comment;
- a sub-layer whose names and values are hostile does nothing, imported and constructed in
  a fresh process, beyond passing its values under its names (canary file, environment
  variable and an audit hook).
"""

import ast
import io
import json
import math
import os
import subprocess
import sys
import tokenize

import black
from conftest import python_path
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from spec_strategies import (  # noqa: F401
    BASE_MODEL,
    BASE_SPEC,
    FAST,
    MARK,
    SLOW,
    VOCAB,
    assert_spec_text_only_in_strings,
    build,
    class_names,
    finite,
    generate,
    names,
    nasty_text,
    to_yaml,
    valid_spec,
)

from layergen.analysis import analyze
from layergen.errors import LayergenError, Problem
from layergen.pipeline import render
from layergen.project import classes as project_classes
from layergen.project import imports as import_policy
from layergen.records import replace
from layergen.render import renderer as render_module
from layergen.render.pycode import code as write_code
from layergen.spec.models import parse_layer_spec
from layergen.spec.names import class_name_problem
from layergen.spec.python_lines import FOREIGN_LINE_BREAKS
from layergen.spec.source import parse_spec_text

# -- properties -------------------------------------------------------------------------------


@SLOW
@given(valid_spec())
def test_accepted_specs_give_code_that_compiles_is_black_clean_and_imports(spec):
    text = to_yaml(spec)
    try:
        model, layer_code, test_code = generate(text)
    except LayergenError as exc:
        raise AssertionError(f"a valid spec was refused: {exc}\n{text}") from None
    for code in (layer_code, test_code):
        compile(code, "generated.py", "exec")
        assert black.format_str(code, mode=black.Mode()) == code
        assert_spec_text_only_in_strings(code)
    namespace = {"__name__": f"prop_{model.module_name}"}
    exec(compile(layer_code, "generated.py", "exec"), namespace)
    layer_class = namespace[model.class_name]
    assert layer_class.__doc__.startswith(spec["summary"].strip().split()[0])
    arguments = {name: eval(write_code(value), {}) for name, value in model.test.init_kwargs}  # literals only
    layer = layer_class(**arguments)
    config = json.loads(json.dumps(layer.get_config()))
    for name, argument in spec["arguments"].items():
        if name not in dict(model.test.init_kwargs):
            assert config[name] == argument["default"], name
    assert layer_class.from_config(config).get_config() == config


@FAST
@given(valid_spec(), st.data())
def test_broken_specs_get_located_errors_and_no_traceback(spec, data):
    mutation = data.draw(st.sampled_from(MUTATIONS))
    text = mutation(spec, data)
    try:
        build(text)
    except LayergenError as exc:
        for problem in exc.problems:
            assert problem.file == "prop.yaml"
            assert problem.line is not None and problem.line >= 1, str(problem)
            assert "\n" not in str(problem)
            assert str(problem).startswith(f"prop.yaml:{problem.line}")


@FAST
@given(st.text(max_size=200))
def test_any_text_is_a_spec_or_a_located_error(text):
    try:
        build(text)
    except LayergenError as exc:
        assert all("\n" not in str(p) and str(p).startswith("prop.yaml") for p in exc.problems)


# Each takes a valid spec (a dict) and returns YAML text with something wrong in it.


def _set(path, value):
    def mutate(spec, data):
        target = spec
        for key in path[:-1]:
            target = target.setdefault(key, {})
        target[path[-1]] = value
        return to_yaml(spec)

    return mutate


def _rename_first(section, new_name):
    def mutate(spec, data):
        items = list(spec[section].items())
        if items:
            spec[section] = {new_name: items[0][1], **dict(items[1:])}
        else:
            spec[section] = {new_name: {"type": "int", "default": 1}}
        return to_yaml(spec)

    return mutate


def _drop(field):
    def mutate(spec, data):
        spec.pop(field)
        return to_yaml(spec)

    return mutate


def _typo_in_weight(field, value):
    def mutate(spec, data):
        weights = spec["weights"] or {"extra": {"shape": []}}
        next(iter(weights.values()))[field] = value
        spec["weights"] = weights
        return to_yaml(spec)

    return mutate


def _non_integer_test_size(spec, data):
    spec["arguments"] = {"size": {"type": "int", "min": 1}, **spec["arguments"]}
    spec["weights"] = {**spec["weights"], "sized": {"shape": ["size"]}}
    spec["test"] = {"arguments": {"size": "three"}}
    return to_yaml(spec)


def _garble_text(spec, data):
    text = to_yaml(spec)
    position = data.draw(st.integers(0, len(text)))
    return (
        text[:position]
        + data.draw(st.sampled_from(["[", "]", ":", "{", "- ", "\t", "&a", "*b", "!!python/object "]))
        + text[position:]
    )


MUTATIONS = [
    _drop("layer"),
    _drop("summary"),
    _drop("call"),
    _drop("output_shape"),
    _set(("layer",), "not a class"),
    _set(("layer",), "ValueError"),
    _set(("summary",), ""),
    _set(("call",), "return (\n"),
    _set(("call",), "x = 1\n"),
    _set(("call",), "import os\nreturn os\n"),
    _set(("output_shape",), ["...", "unknown"]),
    _set(("output_shape",), ["batch", "nope"]),
    _set(("unknown_field",), 1),
    _set(("inputs",), {}),
    _set(("arguments", "int"), {"type": "int", "default": 1}),
    _set(("arguments", "weights"), {"type": "int", "default": 1}),
    _set(("arguments", "kwargs"), {"type": "int", "default": 1}),
    _set(("arguments", "bad"), {"type": "integer"}),
    _set(("arguments", "bad"), {"type": "float", "default": math.inf}),
    _set(("arguments", "bad"), {"type": "int", "default": "three"}),
    _set(("arguments", "bad"), {"type": "str", "choices": []}),
    _set(("arguments", "bad"), {"type": "activation", "default": 0}),
    _set(("arguments", "bad"), {"type": "activation", "default": [1]}),
    _set(("arguments", "bad"), {"type": "list[str]", "max": 5, "default": ["a"]}),
    _set(("inputs",), {"x": {"shape": ["batch", "lambda"]}}),
    _set(("inputs",), {"x": {"shape": ["batch", "None"]}}),
    _set(("constants", "bad"), {"value": "text"}),
    _set(("constants", "bad"), {"value": [[1.0], [1.0, 2.0]]}),
    _set(("weights", "bad"), {"shape": ["nowhere"]}),
    _set(("weights", "bad"), {"shape": ["1 +"]}),
    _set(("weights", "bad"), {"shape": [], "initializer": "glorot_unifrom"}),
    _set(("weights", "bad"), {"shape": [], "initializer": {"name": "constant", "valu": 1}}),
    _set(("weights", "bad"), {"shape": [], "role": "frozen", "regularizer": "l2"}),
    _set(("weights", "bad"), {"shape": [], "dtype": "int32"}),
    _set(("weights", "bad"), {"shape": [], "trainable": False}),
    _set(("weights", "bad"), {"shape": [], "when": "nowhere"}),
    _set(("weights", "bad"), {"shape": ["..."], "shared_axes": "nowhere"}),
    _set(("outputs",), {"only": {"shape": ["batch"]}}),
    _set(("output_dtype",), "int23"),
    _set(("random",), True),
    _set(("test", "skip"), {"test_nothing": "why"}),
    _set(("test", "arguments"), {"nowhere_initializer": "zeros"}),
    _rename_first("weights", "name"),
    _rename_first("weights", "lambda"),
    _rename_first("arguments", "trainable"),
    _rename_first("inputs", "self"),
    _typo_in_weight("initializer", "zeroes"),
    _typo_in_weight("role", "frozn"),
    _non_integer_test_size,
    _set(("layers",), {"sub": {"class": "Dense", "arguments": {"units": 1, "class": 1}}}),
    _set(("layers",), {"sub": {"class": "Dense", "arguments": {"units": 1, "x=open('f','w'),y": 1}}}),
    _set(("layers",), {"sub": {"class": "Dense", "build": {"__shape": ["batch"]}}}),
    _set(("layers",), {"sub": {"class": "my_pkg.__main__.Block"}}),
    _set(("layers",), {"sub": {"class": "webbrowser.Block"}}),
    _set(("layers",), {"sub": {"class": "Dense\nimport os"}}),
    _garble_text,
]


def test_hypothesis_is_not_vacuous():
    """The broken-spec strategies really break specs (a property that cannot fail is no test)."""
    spec = {
        "layer": "Demo",
        "summary": "s",
        "arguments": {"n": {"type": "int", "default": 1}},
        "inputs": {"x": {"shape": ["batch", "d"]}},
        "weights": {"w": {"shape": ["d"]}},
        "constants": {},
        "call": "return x * self.w\n",
        "output_shape": ["batch", "d"],
    }
    refused = 0
    for mutation in MUTATIONS[:-1]:
        try:
            build(mutation(json.loads(json.dumps(spec)), None))
        except LayergenError:
            refused += 1
    assert refused == len(MUTATIONS) - 1


# -- a call body stays inside call ------------------------------------------------------------


def any_char(excluded: str = ""):
    """Any character Python source can hold, the line breaks only `str.splitlines` sees often."""
    return st.one_of(
        st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00" + excluded),
        st.sampled_from(sorted(FOREIGN_LINE_BREAKS)),
    )


def raw_text(excluded: str = ""):
    return st.lists(any_char(excluded), max_size=12).map("".join)


body_lines = st.one_of(
    raw_text("\n\r").map(lambda t: f"# {t}"),  # a comment: anything but a line break
    raw_text('"\\').map(lambda t: f's = """{t}"""'),  # raw text in a multi-line string
    raw_text("'\\\n\r").map(lambda t: f"q = '{t}'"),  # raw text in a one-line string
    raw_text().map(lambda t: f"r = {t!r}"),
    st.just("if inputs is not None:\n    z = '''\nprint('escaped')\n'''"),
)


def rendered_call(body: str):
    """Render the base layer with `body` as its call; return the module's tree and its call."""
    model = replace(BASE_MODEL, call_body=body, call_source=body)
    tree = ast.parse(render(model, "layer"))
    (cls,) = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    (call,) = [node for node in cls.body if isinstance(node, ast.FunctionDef) and node.name == "call"]
    return tree, call


@SLOW
@given(st.lists(body_lines, max_size=5))
@example(["# \u2028", 's = """', "print('escaped')", '"""'])
@example(["# \x0c\x0b\x1c\x85", 's = """\u2029\n"""'])
def test_call_bodies_with_any_unicode_stay_inside_call(lines):
    body = "\n".join([*lines, "return inputs"])
    try:
        expected = ast.parse(body).body
    except SyntaxError:
        assume(False)
    tree, call = rendered_call(body)
    assert all(isinstance(node, (ast.Import, ast.ImportFrom, ast.ClassDef)) for node in tree.body)
    prelude = len(BASE_MODEL.call_prelude)
    assert ast.dump(ast.Module(call.body[prelude:], [])) == ast.dump(ast.Module(expected, []))


def splitlines_indent(code: str, prefix: str) -> str:
    """indent_code as it was: lines counted by the tokenizer, re-indented by `splitlines`."""
    inside = set()
    for token in tokenize.generate_tokens(io.StringIO(code + "\n").readline):
        if token.type == tokenize.STRING:
            inside.update(range(token.start[0] + 1, token.end[0] + 1))
    lines = code.splitlines(keepends=True)
    return "".join(line if n in inside or not line.strip() else prefix + line for n, line in enumerate(lines, 1))


# With one U+2028 in a comment, `splitlines` counts one line more than the tokenizer, so the
# old indent_code left string-opening lines at their own indentation: `if` at column 0 ends
# the class, and its body at column 4 takes in the rest of the template as module code.
ESCAPE = "return inputs\nx = 1  # \u2028\nif escaped.append(1) or '''\n''':\n    y = '''\n'''"


def test_render_refuses_a_body_that_leaves_call(monkeypatch):
    """The property is not vacuous: the old line handling let this body out of `call` into
    code that runs on import, and render's check refuses it."""
    model = replace(BASE_MODEL, call_body=ESCAPE, call_source=ESCAPE)
    with monkeypatch.context() as patch:
        patch.setattr(render_module, "indent_code", splitlines_indent)  # the old line handling
        render_module.method_body.cache_clear()
        template = render_module.environment(None).get_template("layer.py.jinja")
        escaped = []
        exec(compile(template.render(m=model), "escaped.py", "exec"), {"escaped": escaped})
        assert escaped == [1]  # the spec's code ran at import
        for call_source, reason in [
            (ESCAPE, "the generated `call` method is not exactly the spec's body"),
            ("", "the spec's code changed the module outside the methods it writes"),  # no body to compare with
        ]:
            try:
                render(replace(model, call_source=call_source), "layer")
            except LayergenError as exc:
                assert str(exc) == f"prop.yaml: call: {reason}; nothing was written (please report this)"
            else:
                raise AssertionError("render wrote a module whose code left call")
    render_module.method_body.cache_clear()
    assert ast.dump(rendered_call(ESCAPE)[1].body[-1]) == ast.dump(ast.parse(ESCAPE).body[-1])


def test_render_refuses_a_call_that_is_not_the_spec_body():
    model = replace(BASE_MODEL, call_source="return inputs * 2")
    try:
        render(model, "layer")
    except LayergenError as exc:
        assert "not exactly the spec's body" in str(exc)
    else:
        raise AssertionError("render wrote a call that is not the spec's body")


@SLOW
@given(
    valid_spec(),
    st.lists(
        st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters='"\\')), max_size=3
    ),
    st.sampled_from(sorted(FOREIGN_LINE_BREAKS)),
)
def test_line_breaks_python_does_not_count_are_refused_in_call_and_fine_as_escapes(spec, texts, char):
    lines = "".join(f's{i} = """{t}{char}"""\n' for i, t in enumerate([*texts, ""])) + spec["call"]
    try:
        generate(to_yaml({**spec, "call": lines}))
    except LayergenError as exc:
        assert any(f"U+{ord(char):04X}" in p.message and p.field == "call" and p.line for p in exc.problems), str(exc)
    else:
        raise AssertionError(f"a call body holding U+{ord(char):04X} was accepted")
    escaped = lines.replace(char, f"\\u{ord(char):04x}")
    try:
        _, layer_code, _ = generate(to_yaml({**spec, "call": escaped}))
    except LayergenError as exc:
        raise AssertionError(f"the escaped body was refused: {exc}") from None
    tree = ast.parse(layer_code)
    assert all(isinstance(node, (ast.Import, ast.ImportFrom, ast.ClassDef)) for node in tree.body)
    assert all(f"s{i}" in layer_code for i in range(len(texts) + 1))


@FAST
@given(st.text(), st.text(), st.text())
def test_a_problem_is_one_line_of_printable_text(file, field, message):
    text = str(Problem(file, message, field, 3, 4))
    assert "\n" not in text and text.isprintable()
    assert text.startswith(str(Problem(file, "", "", 3, 4)).removesuffix(": ").rstrip())


MASKED_SPEC = {
    **BASE_SPEC,
    "masking": {"uses_mask": True, "output_mask": "return mask\n"},
    "call": "return inputs * self.w + offset if mask is None else inputs\n",
}


def test_a_compute_mask_body_is_held_to_the_same_rules(monkeypatch):
    model = build(to_yaml(MASKED_SPEC))
    assert model.masking.source == "return mask"
    render(model, "layer")  # passes the check as it is
    body = ESCAPE.replace("return inputs", "return mask")
    broken = replace(model.masking, compute_mask_body=body, source=body)
    with monkeypatch.context() as patch:
        patch.setattr(render_module, "indent_code", splitlines_indent)  # the old line handling
        render_module.method_body.cache_clear()
        try:
            render(replace(model, masking=broken), "layer")
        except LayergenError as exc:
            assert str(exc).startswith("prop.yaml: masking.output_mask: the generated `compute_mask` method is not")
        else:
            raise AssertionError("render wrote a compute_mask that is not the spec's body")
    render_module.method_body.cache_clear()
    for output_mask, message in [
        ("return mask.__class__", "`.__class__` reaches Python's internals"),
        ("return eval('mask')", "`eval` runs text as code; a layer's compute_mask is plain tensor code"),
        ("x = 1  # \u2028\nreturn mask", "the compute_mask body holds U+2028 (LINE SEPARATOR)"),
        ("return units", "`units` is `self.units` in compute_mask"),
    ]:
        spec = {**MASKED_SPEC, "arguments": {"units": {"type": "int", "default": 2}}}
        spec["masking"] = {"uses_mask": True, "output_mask": output_mask}
        try:
            build(to_yaml(spec))
        except LayergenError as exc:
            assert any(p.field == "masking.output_mask" and message in p.message for p in exc.problems), str(exc)
        else:
            raise AssertionError(f"accepted compute_mask body {output_mask!r}")


def test_a_compute_mask_body_that_uses_ops_gets_the_import():
    spec = {**MASKED_SPEC, "call": "return inputs if mask is None else inputs\n"}
    spec["masking"] = {"uses_mask": True, "output_mask": "return ops.any(mask, axis=-1)\n"}
    assert "from keras import ops" in render(build(to_yaml(spec)), "layer")


# -- sub-layers: hostile names and values never do more than the fields mean --------------------

# Pieces of code a hostile spec may try to slip into a name or a value.
PAYLOADS = [
    "x=open('canary.txt','w').write('changed'),y",
    "__import__('os').environ.__setitem__('LAYERGEN_CANARY','changed')",
    "x'), __import__('os').system('touch escaped'), ('",
    '"""\nimport os\nos.environ["LAYERGEN_CANARY"] = "changed"\n"""',
    "canary_pkg.__main__",
    "$units); import os; os.system('touch escaped'",
]
hostile_piece = st.sampled_from(
    ["x", "y", "_", "__", "=", "(", ")", ",", "'", '"', "\\", "\n", "#", ";", " ", ":", ".", "*", "$", "1"]
    + ["__import__", "os", "open", "environ", "lambda", "class", "None", "__class__", "é", "\uff58", "\u2028"]
)
hostile_text = st.one_of(st.sampled_from(PAYLOADS), st.lists(hostile_piece, min_size=1, max_size=8).map("".join))
hostile_name = st.one_of(hostile_text, names)
argument_name = st.one_of(names, names, names, hostile_text)  # mostly names, so that many specs pass
hostile_value = st.one_of(
    hostile_text,
    nasty_text,
    st.integers(-(10**6), 10**6),
    finite,
    st.booleans(),
    st.none(),
    st.lists(st.one_of(st.integers(-3, 3), hostile_text, st.none(), st.booleans()), max_size=3),
)
CANARY_PACKAGE = '''
import keras


class Probe(keras.layers.Layer):
    """Records what it is given, and does nothing else."""

    def __init__(self, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self.received = kwargs
        self.build_received = None

    def build(self, *args, **kwargs):
        self.build_received = (args, kwargs)

    def call(self, inputs):
        return inputs
'''
# Run in a fresh process: import each generated module and construct and build its layer, with
# an audit hook that records anything done besides reading; then the canary must be as it was.
CANARY_RUNNER = """
import importlib, json, os, sys
import keras, canary_pkg

plan = json.load(open("plan.json"))
done = []

def watch(event, args):
    mode, flags = (args[1], args[2]) if event == "open" else (None, 0)
    writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
        isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC)
    )
    if writing or event in ("os.system", "subprocess.Popen", "os.putenv", "os.unsetenv", "os.exec", "os.spawn",
                            "os.posix_spawn", "socket.connect", "webbrowser.open", "os.remove", "os.rename"):
        done.append([event, repr(args)[:200]])

sys.addaudithook(watch)
results = []
for entry in plan:
    module = importlib.import_module(entry["module"])
    layer = getattr(module, entry["class"])()
    layer.build((2, 3))
    args, kwargs = layer.probe.build_received
    results.append({"received": layer.probe.received, "build": sorted(kwargs), "build_args": len(args)})
print(json.dumps({"done": done, "results": results, "env": os.environ.get("LAYERGEN_CANARY")}, default=repr))
"""


@st.composite
def hostile_sub_layer_spec(draw):
    # Half the specs have only names as keys: their values are what is hostile.
    keys = draw(st.sampled_from([names, argument_name]))
    arguments = draw(st.dictionaries(keys, hostile_value, max_size=4))
    spec = {
        "layer": "Probing",
        "summary": "s",
        "inputs": {"inputs": {"shape": ["batch", "d"]}},
        "layers": {"probe": {"class": "canary_pkg.Probe", "arguments": arguments}},
        "call": "return self.probe(inputs)\n",
        "output_shape": ["batch", "d"],
    }
    if draw(st.booleans()):
        spec["layers"]["probe"]["build"] = draw(st.dictionaries(keys, st.just(["batch", "d"]), max_size=2))
    return spec


def build_allowing(text: str, imports=("canary_pkg",)):
    source = parse_spec_text(text, "prop.yaml")
    spec = parse_layer_spec(source)
    return analyze(
        spec, source, module_name="probing", spec_path="prop.yaml", default_package="prop", allowed_imports=imports
    )


def test_hostile_sub_layers_do_nothing_beyond_their_fields(tmp_path):
    """Names and values drawn from hostile alphabets: every spec is refused with located lines,
    or its module, imported and its layer constructed and built in a fresh process, passes
    exactly the spec's values under exactly its names and touches nothing (canary file,
    environment variable, and an audit hook watching writes, processes and the network)."""
    (tmp_path / "canary_pkg").mkdir()
    (tmp_path / "canary_pkg" / "__init__.py").write_text(CANARY_PACKAGE)
    (tmp_path / "canary.txt").write_text("untouched")
    plan, expected, refused = [], [], []

    @settings(max_examples=120, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(hostile_sub_layer_spec())
    def collect(spec):
        try:
            model = build_allowing(to_yaml(spec))
        except LayergenError as exc:
            assert all(p.file == "prop.yaml" and p.line and "\n" not in str(p) for p in exc.problems), str(exc)
            refused.append(spec)
            return
        code = render(model, "layer")
        assert all(isinstance(node, (ast.Import, ast.ImportFrom, ast.ClassDef)) for node in ast.parse(code).body)
        name = f"probing_{len(plan)}"
        (tmp_path / f"{name}.py").write_text(code)
        plan.append({"module": name, "class": "Probing"})
        probe = spec["layers"]["probe"]
        expected.append((probe["arguments"], sorted(probe.get("build") or {}), 0 if "build" in probe else 1))

    collect()
    print(f"{len(plan)} accepted, {len(refused)} refused")
    assert len(plan) >= 20 and len(refused) >= 20, (len(plan), len(refused))  # both kinds really drawn
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    env = {**os.environ, "PYTHONPATH": python_path(tmp_path), "KERAS_BACKEND": "numpy", "LAYERGEN_CANARY": "untouched"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # so that any file written is the generated code's doing
    before = sorted(p.name for p in tmp_path.iterdir())
    done = subprocess.run(
        [sys.executable, "-c", CANARY_RUNNER], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["done"] == [] and report["env"] == "untouched"
    assert (tmp_path / "canary.txt").read_text() == "untouched"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "__pycache__") == [
        n for n in before if n != "__pycache__"
    ]
    for result, (arguments, build_arguments, positional) in zip(report["results"], expected, strict=True):
        literal = {k: v for k, v in arguments.items() if not (isinstance(v, str) and v.startswith("$"))}
        assert {k: v for k, v in result["received"].items() if k in literal} == literal
        assert set(result["received"]) == set(arguments)
        assert result["build"] == build_arguments and result["build_args"] == positional


NAMES = settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))


@NAMES
@given(hostile_name)
def test_a_name_that_passes_the_names_rule_is_one_keyword_argument(name):
    if import_policy.name_problem(name) is not None:
        return
    (call,) = ast.parse(f"f({name}=1)").body
    assert [k.arg for k in call.value.keywords] == [name] and name.isascii() and not name.startswith("__")


@NAMES
@given(st.lists(hostile_name, min_size=1, max_size=4).map(".".join))
def test_a_class_path_that_passes_is_one_plain_import(path):
    if "." not in path or import_policy.class_path_problem(path) is not None:
        return
    module = path.rsplit(".", 1)[0]
    (statement,) = ast.parse(f"import {module}").body
    assert [alias.name for alias in statement.names] == [module]
    assert not any(part.startswith("__") for part in path.split("."))


@NAMES
@given(st.sampled_from(["arguments", "constants", "weights"]), hostile_name, hostile_text)
def test_a_project_class_defines_parameters_only_under_names_that_pass(section, name, layer):
    entry = {"arguments": {"type": "int"}, "constants": {"value": 1.0}, "weights": {"shape": []}}[section]
    for class_name in ("Other", layer):
        definition = project_classes._definition({"layer": class_name, section: {name: entry}})
        if definition.reason is None:
            assert class_name_problem(class_name) is None
            assert all(import_policy.name_problem(p) is None and p.isidentifier() for p in definition.params)
        else:  # refused: a name it keeps is a class name all the same
            assert definition.name is None or class_name_problem(definition.name) is None
