"""Where the built-in templates are; apart from `renderer`, so finding them loads no Jinja."""

from __future__ import annotations

from pathlib import Path


def builtin_template_dir() -> Path:
    """The templates beside the render model, inside the package."""
    return Path(__file__).resolve().parent / "templates"
