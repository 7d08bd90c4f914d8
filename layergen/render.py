"""Step 4 of the pipeline: lay the render model out through Jinja templates, then black.

Each artefact has its own template (`layer.py.jinja`, `test_layer.py.jinja`). A project can
override either by putting a file of the same name in its template directory. The
rendered text is compiled before black runs, so a broken template is reported by name, and
the layer's `call` is checked to hold exactly the spec's body and nothing to escape it.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import replace
from importlib import resources
from pathlib import Path

import black
import jinja2

from layergen.errors import LayergenError, Problem
from layergen.layer_model import LayerModel

TEMPLATES = {"layer": "layer.py.jinja", "test": "test_layer.py.jinja"}
_BLACK_MODE = black.Mode(target_versions={black.TargetVersion.PY311})


def builtin_template_dir() -> Path:
    """Templates inside the installed package, or the repository's `templates/` in a checkout."""
    packaged = resources.files("layergen").joinpath("templates")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "templates"


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
    )
    env.filters["py"] = repr  # a Python literal: strings come out quoted and escaped
    env.filters["comment"] = comment_text
    return env


def comment_text(text: str) -> str:
    """Text that stays inside a `#` comment: line breaks and control characters escaped."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def render(model: LayerModel, artefact: str, override_dir: Path | None = None) -> str:
    """Render one artefact ("layer" or "test") as black-formatted Python source."""
    name = TEMPLATES[artefact]
    code, filename = _render_template(model, name, override_dir)
    tree = _parse(code, filename, model)
    if artefact == "layer":
        # The same template with a body that is surely harmless: everything but the body must match.
        placeholder, _ = _render_template(replace(model, call_body=_PLACEHOLDER_BODY), name, override_dir)
        _check_call(model, tree, _parse(placeholder, filename, model))
    return black.format_str(code, mode=_BLACK_MODE)


_PLACEHOLDER_BODY = " " * 8 + "pass"


def _render_template(model: LayerModel, name: str, override_dir: Path | None) -> tuple[str, str]:
    try:
        template = environment(override_dir).get_template(name)
        return template.render(m=model), template.filename or name
    except jinja2.TemplateSyntaxError as exc:
        raise LayergenError.plain(f"{exc.filename or name}:{exc.lineno}", f"template error: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise LayergenError.plain(name, f"template error: {exc}") from None


def _parse(code: str, filename: str, model: LayerModel) -> ast.Module:
    try:
        # compile, not just parse: it also finds duplicate arguments and the like.
        compile(code, filename, "exec", dont_inherit=True)
        return ast.parse(code)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        raise LayergenError.plain(
            filename, f"rendering {model.spec_path} gave invalid Python at line {line}: {getattr(exc, 'msg', exc)}"
        ) from None


def _check_call(model: LayerModel, tree: ast.Module, placeholder: ast.Module) -> None:
    """The rendered `call` runs exactly the spec's body, and the body changed nothing else.

    The spec's body is the one piece of spec text that becomes code. Parsing the result is
    not enough: a body whose lines were indented wrongly could leave the method and run at
    import. So the statements after the prelude must be the body's own statements, and the
    module with the body taken out must be what the template makes with a placeholder body.
    """
    call, expected_call = _call_method(tree, model.class_name), _call_method(placeholder, model.class_name)
    if call is None or expected_call is None:
        raise _unverified(model, f"the module has no method `call` in class {model.class_name}")
    prelude = len(model.call_prelude)
    if model.call_source:
        body = ast.parse(model.call_source).body
        if ast.dump(ast.Module(call.body[prelude:], [])) != ast.dump(ast.Module(body, [])):
            raise _unverified(model, "the generated `call` method is not exactly the spec's call body")
    call.body, expected_call.body = call.body[:prelude], expected_call.body[:prelude]
    if ast.dump(tree) != ast.dump(placeholder):
        raise _unverified(model, "the spec's call body changed code outside the `call` method")


def _call_method(tree: ast.Module, class_name: str) -> ast.FunctionDef | None:
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "call":
                    return item
    return None


def _unverified(model: LayerModel, reason: str) -> LayergenError:
    return LayergenError(Problem(model.spec_path, f"{reason}; nothing was written (please report this)", "call"))
