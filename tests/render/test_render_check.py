"""render's cheap proof that a spec's bodies changed nothing else, against the full check."""

import ast
from pathlib import Path

import pytest

from layergen.errors import LayergenError
from layergen.pipeline import build_model
from layergen.project.settings import find_project
from layergen.records import replace
from layergen.render import renderer as render_module

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "specs" / "examples").glob("*.yaml"))


def model_of(spec: Path):
    return build_model(spec, find_project(REPO))[1]


def checks(monkeypatch) -> dict[str, int]:
    """Counts how often the cheap proof passes and how often the full check runs."""
    counts = {"cheap": 0, "full": 0}
    cheap, full = render_module._only_the_bodies_differ, render_module._check_spec_code

    def counting_cheap(*args):
        passed = cheap(*args)
        counts["cheap"] += passed
        return passed

    def counting_full(*args):
        counts["full"] += 1
        return full(*args)

    monkeypatch.setattr(render_module, "_only_the_bodies_differ", counting_cheap)
    monkeypatch.setattr(render_module, "_check_spec_code", counting_full)
    return counts


def test_every_example_is_proven_cheaply(monkeypatch):
    counts = checks(monkeypatch)
    for spec in EXAMPLES:
        render_module.render_code(model_of(spec), "layer")
    assert counts == {"cheap": len(EXAMPLES), "full": 0}


def test_the_cheap_proof_and_the_full_check_agree_on_the_examples():
    """Where the cheap proof passes, the full check (the reference) passes too."""
    for spec in EXAMPLES:
        model = model_of(spec)
        code, filename = render_module._render_template(model, "layer.py.jinja", None)
        placeholder, _ = render_module._render_template(
            render_module._with_placeholder_bodies(model), "layer.py.jinja", None
        )
        assert render_module._only_the_bodies_differ(model, code, ast.parse(code), placeholder)
        render_module._check_spec_code(model, ast.parse(code), ast.parse(placeholder))


def override(tmp_path: Path, old: str, new: str) -> Path:
    text = (render_module.builtin_template_dir() / "layer.py.jinja").read_text()
    assert old in text
    (tmp_path / "layer.py.jinja").write_text(text.replace(old, new, 1))
    render_module.environment.cache_clear()
    return tmp_path


def render_with(model, templates: Path) -> str:
    try:
        return render_module.render_code(model, "layer", templates)
    finally:
        render_module.environment.cache_clear()


def test_a_template_that_puts_the_body_twice_is_refused(tmp_path, monkeypatch):
    counts = checks(monkeypatch)
    model = model_of(EXAMPLES[0])
    templates = override(
        tmp_path, "    def call(", "    def again(self):\n{{ m.call_body | method_body }}\n\n    def call("
    )
    with pytest.raises(LayergenError, match="changed the module outside the methods it writes"):
        render_with(model, templates)
    assert counts == {"cheap": 0, "full": 1}


def test_a_template_that_changes_the_body_is_refused(tmp_path, monkeypatch):
    counts = checks(monkeypatch)
    model = model_of(EXAMPLES[0])
    templates = override(
        tmp_path, "{{ m.call_body | method_body }}", "{{ m.call_body | replace('return ', 'return -') | method_body }}"
    )
    with pytest.raises(LayergenError, match="not exactly the spec's body"):
        render_with(model, templates)
    assert counts == {"cheap": 0, "full": 1}


def test_a_template_whose_text_differs_harmlessly_goes_to_the_full_check_and_passes(tmp_path, monkeypatch):
    """Text that differs only where the AST does not (a comment) is still accepted, as before."""
    counts = checks(monkeypatch)
    model = model_of(EXAMPLES[0])
    templates = override(tmp_path, "    def call(", "    # {{ m.call_body | length }}\n    def call(")
    assert "def call(" in render_with(model, templates)
    assert counts == {"cheap": 0, "full": 1}


def test_a_body_that_leaves_its_method_is_refused(tmp_path, monkeypatch):
    counts = checks(monkeypatch)
    model = model_of(EXAMPLES[0])
    body = "return inputs\nx = 1"
    # A template that indents only the body's first line: the second lands at column 0.
    templates = override(tmp_path, "{{ m.call_body | method_body }}", "        {{ m.call_body }}")
    with pytest.raises(LayergenError):
        render_with(replace(model, call_body=body, call_source=body), templates)
    assert counts["cheap"] == 0


def test_a_template_that_writes_code_from_the_body_elsewhere_is_refused(tmp_path, monkeypatch):
    counts = checks(monkeypatch)
    model = model_of(EXAMPLES[0])
    templates = override(
        tmp_path, "    def call(", "{% if 'return' in m.call_body %}\n    leak = 1\n{% endif %}\n    def call("
    )
    with pytest.raises(LayergenError, match="changed the module outside the methods it writes"):
        render_with(model, templates)
    assert counts == {"cheap": 0, "full": 1}
