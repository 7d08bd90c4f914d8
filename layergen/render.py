"""Step 4 of the pipeline: lay the render model out through Jinja templates, then format it.

Each artefact has its own template (`layer.py.jinja`, `test_layer.py.jinja`). A project can
override either by putting a file of the same name in its template directory. The
rendered text is compiled before it is formatted, so a broken template is reported by
name. Formatting (black or ruff, cached, in parallel) is `layergen.formatting`.
"""

from __future__ import annotations

import functools
from pathlib import Path

import jinja2

from layergen.errors import LayergenError
from layergen.formatting import cache_dir, format_texts
from layergen.layer_model import LayerModel
from layergen.templates_dir import builtin_template_dir

__all__ = ["builtin_template_dir", "render", "render_code"]

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


def comment_text(text: str) -> str:
    """Text that stays inside a `#` comment: line breaks and control characters escaped."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def render(model: LayerModel, artefact: str, override_dir: Path | None = None, formatter: str = "black") -> str:
    """Render one artefact ("layer" or "test") as formatted Python source."""
    return format_texts([render_code(model, artefact, override_dir)], formatter)[0]


def render_code(model: LayerModel, artefact: str, override_dir: Path | None = None) -> str:
    """Render one artefact as Python source that compiles, not formatted yet."""
    name = TEMPLATES[artefact]
    try:
        template = environment(override_dir).get_template(name)
        code = template.render(m=model)
    except jinja2.TemplateSyntaxError as exc:
        raise LayergenError.plain(f"{exc.filename or name}:{exc.lineno}", f"template error: {exc.message}") from None
    except jinja2.TemplateError as exc:
        raise LayergenError.plain(name, f"template error: {exc}") from None
    try:
        # compile, not just parse: it also finds duplicate arguments and the like.
        compile(code, name, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as exc:
        line = getattr(exc, "lineno", None)
        raise LayergenError.plain(
            template.filename,
            f"rendering {model.spec_path} gave invalid Python at line {line}: {getattr(exc, 'msg', exc)}",
        ) from None
    return code
