"""Where the built-in templates are; apart from `render`, so finding them loads no Jinja."""

from __future__ import annotations

from pathlib import Path


def builtin_template_dir() -> Path:
    """Templates inside the installed package, or the repository's `templates/` in a checkout."""
    packaged = Path(__file__).resolve().parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "templates"
