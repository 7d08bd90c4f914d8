"""Spec strategies shared by the property tests (test_properties.py) and the tests that
draw specs from them: valid element-wise specs, hostile text, and the pipeline run on them."""

import io
import tokenize

import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from layergen.analysis import analyze, snake_case
from layergen.pipeline import render
from layergen.spec.models import parse_layer_spec
from layergen.spec.names import class_name_problem, name_problem
from layergen.spec.source import parse_spec_text
from layergen.vocabulary import load

MARK = "QQmarkQQ"  # put in every free text of a spec, to find where it lands
VOCAB = load()
FAST = settings(max_examples=2500, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
SLOW = settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))

# -- strategies ------------------------------------------------------------------------------

nasty_text = (
    st.lists(
        st.one_of(
            st.characters(blacklist_categories=("Cc", "Cs")),
            st.sampled_from(['"""', "'''", "\\", '"', "'", "\n", "{", "}", "#", "é", "字", "\u2028"]),
        ),
        max_size=30,
    )
    .map("".join)
    .map(lambda text: f"{text}{MARK}{text[::-1]}")
)

names = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True).filter(
    lambda n: name_problem(n, VOCAB.layer_attributes) is None and not n.endswith("_shape")
)
class_names = st.from_regex(r"[A-Z][a-z]{1,8}(?:[A-Z][a-z]{1,6})?", fullmatch=True).filter(
    lambda n: class_name_problem(n) is None
)
finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def argument(draw):
    kind = draw(st.sampled_from(["int", "float", "bool", "str", "choice", "list[int]", "list[str]"]))
    doc = draw(nasty_text)
    if kind == "int":
        low = draw(st.integers(0, 5))
        return {"type": "int", "min": low, "default": draw(st.integers(low, low + 10)), "doc": doc}
    if kind == "float":
        return {"type": "float", "default": draw(finite), "doc": doc}
    if kind == "bool":
        return {"type": "bool", "default": draw(st.booleans()), "doc": doc}
    if kind == "str":
        return {"type": "str", "default": draw(nasty_text), "doc": doc}
    if kind == "choice":
        choices = draw(st.lists(nasty_text, min_size=1, max_size=3, unique=True))
        return {"type": "str", "choices": choices, "default": draw(st.sampled_from(choices)), "doc": doc}
    if kind == "list[int]":
        return {"type": "list[int]", "default": draw(st.lists(st.integers(-3, 3), max_size=3)), "doc": doc}
    return {"type": "list[str]", "default": draw(st.lists(nasty_text, max_size=2)), "doc": doc}


@st.composite
def valid_spec(draw):
    """A spec of an element-wise layer: weights of shape [features] or [], any arguments."""
    taken = set()

    def fresh_name():
        name = draw(
            names.filter(
                lambda n: n not in taken and not any(n.startswith(t + "_") or t.startswith(n + "_") for t in taken)
            )
        )
        taken.add(name)
        return name

    input_name, dim = fresh_name(), fresh_name()
    arguments = {fresh_name(): draw(argument()) for _ in range(draw(st.integers(0, 3)))}
    weights = {}
    for _ in range(draw(st.integers(0, 3))):
        name = fresh_name()
        taken.update({f"{name}_initializer", f"{name}_regularizer", f"{name}_constraint"})
        role = draw(st.sampled_from(["trainable", "frozen"]))
        weight = {"shape": draw(st.sampled_from([[dim], []])), "role": role, "doc": draw(nasty_text)}
        weight["initializer"] = draw(
            st.one_of(
                st.sampled_from(["zeros", "ones", "glorot_uniform", "RandomNormal"]),
                st.builds(lambda v: {"name": "constant", "value": v}, finite),
                st.builds(lambda s: {"name": "random_normal", "stddev": s}, st.floats(0.01, 2)),
            )
        )
        if role == "trainable" and draw(st.booleans()):
            weight["regularizer"] = {"name": "l2", "l2": draw(st.floats(0, 1))}
        gates = [a for a, spec in arguments.items() if spec["type"] == "bool"]
        if gates and draw(st.booleans()):
            weight["when"] = draw(st.sampled_from(gates))
        weights[name] = weight
    constants = {}
    for _ in range(draw(st.integers(0, 2))):
        constants[fresh_name()] = {
            "value": draw(st.one_of(finite, st.lists(finite, min_size=1, max_size=3))),
            "doc": draw(nasty_text),
        }
    body = [f"outputs = {input_name}"]
    body += [
        (
            f"outputs = outputs * self.{w}"
            if "when" not in weight
            else f"outputs = outputs * (1.0 if self.{w} is None else self.{w})"
        )
        for w, weight in weights.items()
    ]
    body += [f"outputs = outputs + ops.sum({c})" for c in constants]
    body.append(f"note = {draw(nasty_text)!r}  # {MARK} a comment may hold spec text")
    body.append("return outputs")
    spec = {
        "layer": draw(class_names),
        "summary": "S " + draw(nasty_text),
        "description": draw(nasty_text),
        "arguments": arguments,
        "inputs": {input_name: {"shape": ["batch", "...", dim], "doc": draw(nasty_text)}},
        "weights": weights,
        "constants": constants,
        "call": "\n".join(body) + "\n",
        "output_shape": ["batch", "...", dim],
    }
    return spec


def to_yaml(spec) -> str:
    text = yaml.safe_dump(spec, sort_keys=False, allow_unicode=True, width=1000)
    if any(char in text for char in "\x85\u2028\u2029"):
        # PyYAML writes these raw as YAML 1.1 line breaks; a spec must escape them.
        text = yaml.safe_dump(spec, sort_keys=False, allow_unicode=False, width=1000)
    return text


def build(text: str):
    """Steps 1-3 of the pipeline on spec text: the render model, or a LayergenError."""
    source = parse_spec_text(text, "prop.yaml")
    spec = parse_layer_spec(source)
    model = analyze(spec, source, module_name=snake_case(spec.layer), spec_path="prop.yaml", default_package="prop")
    model.layer_import = f"layers.{model.module_name}"
    return model


def generate(text: str):
    model = build(text)
    return model, render(model, "layer"), render(model, "test")


def assert_spec_text_only_in_strings(code: str):
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if MARK in token.string:
            assert token.type in (tokenize.STRING, tokenize.COMMENT), f"spec text reached code: {token}"


BASE_SPEC = {
    "layer": "Demo",
    "summary": "s",
    "inputs": {"inputs": {"shape": ["batch", "d"]}},
    "weights": {"w": {"shape": ["d"]}},
    "constants": {"offset": {"value": 1.0}},
    "call": "return inputs * self.w + offset\n",
    "output_shape": ["batch", "d"],
}
BASE_MODEL = build(to_yaml(BASE_SPEC))
