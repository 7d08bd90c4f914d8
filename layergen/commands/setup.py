"""`init` and `schema`: a project set up for layergen, and the spec format's JSON Schema."""

from __future__ import annotations

import os
from pathlib import Path

from layergen.commands.result import CommandResult, Level
from layergen.writing import read_text, write_atomically


def schema() -> CommandResult:
    """The JSON Schema of spec files, for editors."""
    result = CommandResult()
    result.info(_schema_text().rstrip("\n"))
    return result


STARTER_SPEC = "scaled_dense.yaml"
SCHEMA_PATH = Path(".layergen") / "spec.schema.json"


# What the spec format's schema is made from: the file records a digest of them, so `new`
# remakes it (which loads pydantic) only when layergen has changed, not on every run.
_SCHEMA_SOURCES = (
    "__init__.py",
    "spec/sections.py",
    "spec/fields.py",
    "spec/models.py",
    "spec/schema.py",
    "spec/limits.py",
    "spec/core_schema.py",
    "vocabulary.py",
    "keras_vocabulary.json",
)


def _schema_stamp() -> str:
    import hashlib

    from layergen import __version__

    digest = hashlib.sha256()
    for name in _SCHEMA_SOURCES:
        data = (Path(__file__).parents[1] / name).read_bytes()
        digest.update(len(data).to_bytes(8, "big") + data)
    return f"layergen {__version__} ({digest.hexdigest()[:16]})"


def _schema_text() -> str:
    import json

    from layergen.spec.schema import json_schema

    schema = {"$comment": _schema_stamp(), **json_schema()}
    return json.dumps(schema, indent=2) + "\n"


def write_schema(root: Path, *, when_stale: bool = False) -> bool:
    """Write the spec format's JSON Schema for editors; only when its content changed.
    With `when_stale`, only when another layergen wrote it (nothing is imported otherwise)."""
    path = root / SCHEMA_PATH
    if when_stale:
        try:
            with open(path, encoding="utf-8") as file:
                head = file.read(200)
        except (OSError, UnicodeDecodeError):
            head = ""
        if f'"$comment": "{_schema_stamp()}"' in head:
            return False
    text = _schema_text()
    if read_text(path) == text:
        return False
    write_atomically(path, text)
    return True


def init(root: Path, *, specs: str, layers: str, tests: str, package: str | None, quiet: bool = False) -> CommandResult:
    """Set up a project: `[tool.layergen]` and pytest's import path in pyproject.toml, a spec
    folder with a starter spec, output folders. Refuses a project that is already set up.
    """
    from layergen.commands.pyproject_edit import add_settings, read_pyproject
    from layergen.render.templates_dir import builtin_template_dir

    pyproject = root / "pyproject.toml"
    before = read_pyproject(root)
    settings = {"specs": specs, "layers": layers, "tests": tests} | ({"package": package} if package else {})
    edit = add_settings(root, before or "", settings)
    write_atomically(pyproject, edit.text)
    result = CommandResult()
    result.info(f"{'wrote' if before is None else 'updated'} pyproject.toml ({'; '.join(edit.done)})")
    for warning in edit.warnings:
        result.warn(warning)
    write_schema(root)
    result.info(f"wrote {SCHEMA_PATH.as_posix()} (the spec format, for editors)")
    starter = root / specs / STARTER_SPEC
    if not starter.exists():
        schema_link = Path(os.path.relpath(root / SCHEMA_PATH, starter.parent)).as_posix()
        text = (builtin_template_dir() / "starter_spec.yaml").read_text(encoding="utf-8")
        write_atomically(starter, f"# yaml-language-server: $schema={schema_link}\n{text}")
        result.info(f"wrote {Path(specs, STARTER_SPEC).as_posix()}")
    for folder in (layers, tests):
        (root / folder).mkdir(parents=True, exist_ok=True)
    result.info(f"next: layergen new   (writes {Path(layers).as_posix()}/ and {Path(tests).as_posix()}/)")
    result.info("then: pytest         (runs the generated tests)")
    result.info(
        'formatter: black; for ruff (much faster), add formatter = "ruff" to [tool.layergen] and `pip install ruff`'
    )
    if quiet:
        result.lines = [line for line in result.lines if line.level != Level.INFO]
    return result
