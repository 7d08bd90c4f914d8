"""Step 4 of the pipeline: lay the render model out through Jinja templates.

Each artefact has its own template (`layer.py.jinja`, `test_layer.py.jinja`). A project can
override either by putting a file of the same name in its template directory. The
rendered text is compiled before it is formatted, so a broken template is reported by
name, and the layer's `call` is checked to hold exactly the spec's body and nothing to
escape it. Formatting is the next step (`layergen.formatting`), which `layergen.pipeline` runs.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import jinja2

from layergen.cache import cache_dir
from layergen.errors import LayergenError, Problem
from layergen.records import replace
from layergen.render.model import LayerModel
from layergen.render.pycode import call_code, code, escape_docstring, first_given, fit_strings
from layergen.render.templates_dir import builtin_template_dir
from layergen.render.values import Field, Literal, Message, Name
from layergen.spec.python_lines import indent_code

__all__ = ["builtin_template_dir", "render_code"]

TEMPLATES = {"layer": "layer.py.jinja", "test": "test_layer.py.jinja"}


@functools.cache
def environment(override_dir: Path | None = None) -> jinja2.Environment:
    search_path = [str(override_dir)] if override_dir else []
    search_path.append(str(builtin_template_dir()))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search_path),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
        bytecode_cache=_bytecode_cache(),
    )
    env.filters["py"] = repr  # a Python literal: strings come out quoted and escaped
    env.filters["comment"] = comment_text
    env.filters["fit"] = fit_strings  # a message as one f-string, or parts that fit the line length
    env.filters["code"] = code  # a code value (`layergen.render.values`) as Python source
    env.filters["docstring"] = escape_docstring  # text safe inside a triple-quoted docstring
    env.filters["method_body"] = method_body  # a spec's body, indented for its method
    env.globals["call"] = call_code  # `callee(a=..., b=...)`
    env.globals["first_given"] = first_given  # `self.a if self.a is not None else ...`
    # Code values the template makes itself (a sub-layer's `name=` and `dtype=`).
    env.globals.update(Name=Name, Literal=Literal, Message=Message, Field=Field)
    return env


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates, kept beside the format cache: compiling them costs ~40 ms a run.
    Jinja checks each entry against its template's source and its own version."""
    folder = cache_dir("jinja")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return jinja2.FileSystemBytecodeCache(str(folder))


@functools.lru_cache(maxsize=64)
def method_body(text: str) -> str:
    """A spec's body (dedented) as its method holds it; the check below compares it too."""
    return indent_code(text, " " * 8)


def comment_text(text: str) -> str:
    """Text that stays inside a `#` comment: line breaks and control characters escaped."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def render_code(model: LayerModel, artefact: str, override_dir: Path | None = None) -> str:
    """Render one artefact as Python source that compiles and is verified, not formatted yet."""
    name = TEMPLATES[artefact]
    code, filename = _render_template(model, name, override_dir)
    if artefact != "layer":
        _compile(code, filename, model)
        return code
    tree = _parse(code, filename, model)
    # The same template with bodies that are surely harmless: everything else must match.
    placeholder, _ = _render_template(_with_placeholder_bodies(model), name, override_dir)
    if not _only_the_bodies_differ(model, code, tree, placeholder):
        _check_spec_code(model, tree, _parse(placeholder, filename, model))
    return code


# Harmless bodies, each marked by a comment that finds its place in the rendered text.
_PLACEHOLDERS = {
    "call": " " * 8 + "pass  # layergen: the spec's call body",
    "compute_mask": " " * 8 + "pass  # layergen: the spec's compute_mask body",
}


def _render_template(model: LayerModel, name: str, override_dir: Path | None) -> tuple[str, str]:
    try:
        template = environment(override_dir).get_template(name)
        return template.render(m=model), template.filename or name
    except jinja2.TemplateSyntaxError as exc:
        raise LayergenError.plain(f"{exc.filename or name}:{exc.lineno}", f"template error: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise LayergenError.plain(name, f"template error: {exc}") from None


def _parse(code: str, filename: str, model: LayerModel) -> ast.Module:
    _compile(code, filename, model)
    return ast.parse(code)


def _compile(code: str, filename: str, model: LayerModel) -> None:
    try:
        # compile, not just parse: it also finds duplicate arguments and the like.
        compile(code, filename, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        raise LayergenError.plain(
            filename, f"rendering {model.spec_path} gave invalid Python at line {line}: {getattr(exc, 'msg', exc)}"
        ) from None


def _spec_methods(model: LayerModel) -> list[tuple[str, str, int, str]]:
    """(method, the spec's body, generated statements before it, the body as rendered) for
    each method whose body a spec writes."""
    methods = [("call", model.call_source, len(model.call_prelude), method_body(model.call_body))]
    if model.masking is not None:
        methods.append(("compute_mask", model.masking.source, 0, method_body(model.masking.compute_mask_body)))
    return methods


def _with_placeholder_bodies(model: LayerModel) -> LayerModel:
    masking = model.masking and replace(model.masking, compute_mask_body=_PLACEHOLDERS["compute_mask"].lstrip())
    return replace(model, call_body=_PLACEHOLDERS["call"].lstrip(), masking=masking)


def _only_the_bodies_differ(model: LayerModel, code: str, tree: ast.Module, placeholder: str) -> bool:
    """The cheap proof of what `_check_spec_code` checks, for the usual case (~10x faster).

    The text is the placeholder text with each placeholder replaced by its rendered body,
    and each method's statements after its prelude are exactly the spec's body: then the
    bodies changed nothing else, and the module with the bodies taken out is the placeholder
    module. False sends the module to the full check."""
    places = []
    for method, source, prelude, rendered in _spec_methods(model):
        marker = _PLACEHOLDERS[method]
        found = _method(tree, model.class_name, method)
        if not source or found is None or placeholder.count(marker) != 1 or not _same_body(found, prelude, source):
            return False
        places.append((placeholder.index(marker), marker, rendered))
    expected, last = [], 0
    for index, marker, rendered in sorted(places):
        expected += [placeholder[last:index], rendered]
        last = index + len(marker)
    expected.append(placeholder[last:])
    return "".join(expected) == code


def _same_body(method: ast.FunctionDef, prelude: int, source: str) -> bool:
    """The method's statements after its prelude are the spec's body, statement for statement."""
    return ast.dump(ast.Module(method.body[prelude:], [])) == ast.dump(ast.Module(ast.parse(source).body, []))


def _check_spec_code(model: LayerModel, tree: ast.Module, placeholder: ast.Module) -> None:
    """Each method a spec writes runs exactly the spec's body, and the bodies changed nothing else.

    A spec's method bodies are the only spec text that becomes code. Parsing the result is
    not enough: a body whose lines were indented wrongly could leave the method and run at
    import. So the statements after a method's prelude must be the body's own statements,
    and the module with the bodies taken out must be what the template makes with
    placeholder bodies.
    """
    for method, source, prelude, _ in _spec_methods(model):
        found, expected = _method(tree, model.class_name, method), _method(placeholder, model.class_name, method)
        if found is None or expected is None:
            raise _unverified(model, method, f"the module has no method `{method}` in class {model.class_name}")
        if source and not _same_body(found, prelude, source):
            raise _unverified(model, method, f"the generated `{method}` method is not exactly the spec's body")
        found.body, expected.body = found.body[:prelude], expected.body[:prelude]
    if ast.dump(tree) != ast.dump(placeholder):
        raise _unverified(model, "call", "the spec's code changed the module outside the methods it writes")


def _method(tree: ast.Module, class_name: str, method: str) -> ast.FunctionDef | None:
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == method:
                    return item
    return None


def _unverified(model: LayerModel, method: str, reason: str) -> LayergenError:
    field = "masking.output_mask" if method == "compute_mask" else "call"
    return LayergenError(Problem(model.spec_path, f"{reason}; nothing was written (please report this)", field))
