"""Where things go: the `[tool.layergen]` settings of the project a command runs in.

```toml
[tool.layergen]
specs = "specs"            # where `layergen new` with no arguments finds specs
layers = "src/pkg/layers"  # layer modules
tests = "tests/layers"     # their test modules
package = "pkg"            # registration package for keras.saving.register_keras_serializable
layers_module = "pkg.layers"  # import path of `layers`; derived from it when absent
templates = "layergen_templates"  # optional: templates here override the built-in ones
formatter = "black"        # or "ruff" (much faster; `pip install ruff`)
```
"""

from __future__ import annotations

import keyword
import re
import tomllib
from dataclasses import dataclass, replace
from pathlib import Path

from layergen.errors import LayergenError

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_KNOWN_KEYS = {"specs", "layers", "tests", "package", "layers_module", "templates", "formatter"}
FORMATTERS = ("black", "ruff")  # `layergen.formatting` knows how to run each


@dataclass(frozen=True)
class Project:
    root: Path
    specs: Path
    layers: Path
    tests: Path
    package: str
    layers_module: str
    templates: Path | None = None
    formatter: str = "black"

    def display(self, path: Path) -> str:
        """A path as the user should see it: relative to the project root, with '/'."""
        path = Path(path).absolute()
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def with_overrides(self, **overrides) -> "Project":
        changes = {k: v for k, v in overrides.items() if v is not None}
        for key in ("layers", "tests", "specs", "templates"):
            if key in changes:
                changes[key] = (Path.cwd() / changes[key]).absolute()
        if "layers" in changes and "layers_module" not in changes:
            changes["layers_module"] = _module_for(changes["layers"], self.root)
        return replace(self, **changes)


def check_module_path(module: str, where: str) -> str:
    """A dotted import path such as `pkg.layers`; it is written into generated tests."""
    parts = module.split(".")
    if not all(_IDENTIFIER.match(part) and not keyword.iskeyword(part) for part in parts):
        raise LayergenError.plain(
            where,
            f'{module!r} is not an importable module path; set layers_module in [tool.layergen] (e.g. "pkg.layers")',
        )
    return module


def find_project(start: Path | None = None) -> Project:
    """The project containing `start` (default: the current directory)."""
    start = (start or Path.cwd()).absolute()
    for folder in [start, *start.parents]:
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            return _from_pyproject(folder, pyproject)
    return _from_settings(start, {}, "custom_layers")


def _from_pyproject(root: Path, pyproject: Path) -> Project:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise LayergenError.plain(pyproject, f"cannot read pyproject.toml: {exc}") from None
    tool = data.get("tool", {})
    settings = tool.get("layergen", {}) if isinstance(tool, dict) else None
    if not isinstance(settings, dict):
        raise LayergenError.plain(pyproject, "[tool.layergen] must be a table of settings")
    unknown = sorted(set(settings) - _KNOWN_KEYS)
    if unknown:
        raise LayergenError.plain(
            pyproject, f"[tool.layergen]: unknown setting {unknown[0]!r}; known: {', '.join(sorted(_KNOWN_KEYS))}"
        )
    for key, value in settings.items():
        if not isinstance(value, str):
            raise LayergenError.plain(pyproject, f"[tool.layergen]: {key} must be a string")
    project_table = data.get("project", {})
    project_name = project_table.get("name", "") if isinstance(project_table, dict) else ""
    if not isinstance(project_name, str):
        raise LayergenError.plain(pyproject, "[project] name must be a string")
    default_package = re.sub(r"[^A-Za-z0-9_]", "_", project_name) or "custom_layers"
    return _from_settings(root, settings, default_package)


def _from_settings(root: Path, settings: dict, default_package: str) -> Project:
    layers = root / settings.get("layers", "layers")
    templates = root / settings["templates"] if "templates" in settings else None
    if templates is not None and not templates.is_dir():
        raise LayergenError.plain(
            "pyproject.toml", f"[tool.layergen] templates: no such folder {settings['templates']!r}"
        )
    formatter = settings.get("formatter", "black")
    if formatter not in FORMATTERS:
        raise LayergenError.plain(
            "pyproject.toml", f"[tool.layergen] formatter: {formatter!r} is not one of {', '.join(FORMATTERS)}"
        )
    return Project(
        root=root,
        specs=root / settings.get("specs", "specs"),
        layers=layers,
        tests=root / settings.get("tests", "tests"),
        package=settings.get("package", default_package),
        layers_module=settings.get("layers_module") or _module_for(layers, root),
        templates=templates,
        formatter=formatter,
    )


def _module_for(layers: Path, root: Path) -> str:
    """`src/pkg/layers` -> `pkg.layers`: the import path of the layers folder."""
    try:
        parts = list(layers.relative_to(root).parts)
    except ValueError:
        parts = [layers.name]
    if parts and parts[0] == "src":
        parts = parts[1:]
    return ".".join(parts) or layers.name
