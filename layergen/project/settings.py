"""Where things go: the `[tool.layergen]` settings of the project a command runs in.

```toml
[tool.layergen]
specs = "specs"            # where `layergen new` with no arguments finds specs
layers = "src/pkg/layers"  # layer modules
tests = "tests/layers"     # their test modules
package = "pkg"            # registration package for keras.saving.register_keras_serializable
layers_module = "pkg.layers"  # import path of `layers`; derived from it when absent
templates = "layergen_templates"  # optional: templates here override the built-in ones
allow_outside_root = false # true lets `layers` and `tests` lie outside the project folder
formatter = "black"        # or "ruff" (much faster; `pip install ruff`)
imports = ["keras_hub"]    # packages whose classes sub-layers may name by dotted path
```

The table is validated by a pydantic model; each problem is located at its key's line
in pyproject.toml. Output folders must lie inside the project root (after resolving
`..` and symbolic links), so a cloned project cannot make layergen write elsewhere.
"""

from __future__ import annotations

import keyword
import os
import re
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from layergen.errors import LayergenError, Problem
from layergen.paths import display_path
from layergen.project.format_style import FormatStyle, read_style
from layergen.project.imports import import_entry_problem
from layergen.records import frozen_record, replace

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# A registration package, as for a spec's `package`: Keras joins it to the class name.
PACKAGE = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-]*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
FORMATTERS = ("black", "ruff")  # `layergen.formatting.formatter` knows how to run each


@frozen_record
class Settings:
    """The `[tool.layergen]` table, validated (see `_read_settings`)."""

    specs: str = "specs"  # where specs are found
    layers: str = "layers"  # where layer modules are written
    tests: str = "tests"  # where test modules are written
    package: str | None = None  # registration package
    layers_module: str | None = None  # import path of `layers`
    templates: str | None = None  # folder of templates overriding the built-in ones
    allow_outside_root: bool = False  # let `layers` and `tests` lie outside the project
    formatter: str = "black"  # or ruff (much faster)
    imports: tuple[str, ...] = ()  # packages generated code may import for sub-layer classes


# Each setting's TOML type: a table of these alone is valid as it is.
_KINDS = {
    "specs": str,
    "layers": str,
    "tests": str,
    "package": str,
    "layers_module": str,
    "templates": str,
    "allow_outside_root": bool,
    "formatter": str,
    "imports": list,
}


def _read_settings(table: dict[str, Any], locate: _Locator) -> Settings:
    """The settings of a valid table. pydantic, which a `layergen check` of a current project
    never needs to load, only words the problems of a table that is not."""
    if all(type(value) is _KINDS.get(key) for key, value in table.items()) and _plain_strings(table):
        return _settings(table)
    from pydantic import ConfigDict, ValidationError, create_model

    fields = {
        name: (
            (kind | None, None)
            if name not in ("specs", "layers", "tests", "formatter", "allow_outside_root")
            else (kind, getattr(Settings, name))
        )
        for name, kind in {**_KINDS, "imports": list[str]}.items()
    }
    model = create_model("Settings", __config__=ConfigDict(extra="forbid", strict=True), **fields)  # type: ignore[call-overload]
    try:
        model.model_validate(table)
    except ValidationError as exc:
        raise LayergenError([_settings_problem(error, locate) for error in exc.errors()]) from None
    return _settings(table)


def _plain_strings(table: dict[str, Any]) -> bool:
    return all(type(item) is str for item in table.get("imports", ()))


def _settings(table: dict[str, Any]) -> Settings:
    return Settings(**{**table, "imports": tuple(table.get("imports", ()))})


@frozen_record
class Project:
    root: Path
    specs: Path
    layers: Path
    tests: Path
    package: str
    layers_module: str
    templates: Path | None = None
    formatter: str = "black"
    style: FormatStyle = FormatStyle()  # the formatter's settings in pyproject.toml
    imports: tuple[str, ...] = ()  # packages sub-layer classes may be imported from (`import_policy`)

    def display(self, path: Path | str) -> str:
        """A path as the user should see it: relative to the project root, with '/'."""
        return display_path(path, self.root)

    def with_overrides(self, **overrides: Path | str | None) -> Project:
        # Any: each value goes to the field of its name, which `replace` checks.
        changes: dict[str, Any] = {k: v for k, v in overrides.items() if v is not None}
        for key in ("layers", "tests", "specs", "templates"):
            if key in changes:
                changes[key] = (Path.cwd() / changes[key]).absolute()
        if "layers" in changes and "layers_module" not in changes:
            changes["layers_module"] = _module_for(changes["layers"], self.root)
        return replace(self, **changes)


def module_path_problem(module: str) -> str | None:
    """Why `module` is not a dotted import path such as `pkg.layers`, or None."""
    if all(_IDENTIFIER.fullmatch(part) and not keyword.iskeyword(part) for part in module.split(".")):
        return None
    return f"{module!r} is not an importable module path"


def check_module_path(module: str, where: str) -> str:
    """A dotted import path such as `pkg.layers`; it is written into generated tests."""
    problem = module_path_problem(module)
    if problem:
        raise LayergenError.plain(where, f'{problem}; set layers_module in [tool.layergen] (e.g. "pkg.layers")')
    return module


def package_problem(package: str) -> str | None:
    """Why `package` cannot be a registration package, or None."""
    if PACKAGE.fullmatch(package):
        return None
    return f"package must be letters, digits, '_', '.' or '-', starting with a letter or '_'; found {package!r}"


def find_project(start: Path | None = None) -> Project:
    """The project containing `start` (default: the current directory)."""
    start = (start or Path.cwd()).absolute()
    for folder in [start, *start.parents]:
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            return _from_pyproject(folder, pyproject)
    return _from_settings(start, Settings(), "custom_layers", _Locator(start / "pyproject.toml", ""))


def _from_pyproject(root: Path, pyproject: Path) -> Project:
    locate = _Locator(pyproject, "")
    try:
        locate.text = pyproject.read_text(encoding="utf-8")
        data = tomllib.loads(locate.text)
    except UnicodeDecodeError as exc:
        raise LayergenError(locate.problem("", f"pyproject.toml is not UTF-8 text ({exc.reason})")) from None
    except tomllib.TOMLDecodeError as exc:
        raise LayergenError(locate.toml_error(exc)) from None
    tool = data.get("tool", {})
    table = tool.get("layergen", {}) if isinstance(tool, dict) else None
    if not isinstance(table, dict):
        raise LayergenError(locate.problem("", "[tool.layergen] must be a table of settings"))
    settings = _read_settings(table, locate)
    project_table = data.get("project", {})
    project_name = project_table.get("name", "") if isinstance(project_table, dict) else ""
    if not isinstance(project_name, str):
        raise LayergenError(locate.problem("name", "[project] name must be a string", table="project"))
    project = _from_settings(root, settings, _default_package(project_name), locate)
    style = read_style(tool, project.formatter, lambda table, key, message: locate.problem(key, message, table=table))
    return replace(project, style=style) if style != project.style else project


def _default_package(project_name: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_]", "_", project_name)
    return ("_" + name if name[:1].isdigit() else name) or "custom_layers"


def _settings_problem(error: ErrorDetails, locate: _Locator) -> Problem:
    key = str(error["loc"][0]) if error["loc"] else ""
    if error["type"] == "extra_forbidden":
        from layergen.vocabulary import closest

        suggestion = closest(key, _KINDS)
        hint = f" (did you mean '{suggestion}'?)" if suggestion else f"; known: {', '.join(_KINDS)}"
        return locate.problem(key, f"unknown setting {key!r}{hint}")
    if key == "imports":
        return locate.problem(key, f'expected a list of package names, e.g. ["keras_hub"]; found {error["input"]!r}')
    expected = "true or false" if error["type"] == "bool_type" else "a string"
    return locate.problem(key, f"expected {expected}; found {error['input']!r}")


def _from_settings(root: Path, settings: Settings, default_package: str, locate: _Locator) -> Project:
    problems = []
    for key in ("specs", "layers", "tests", "templates"):
        value = getattr(settings, key)
        if value is not None:
            problem = _folder_problem(root, key, value, settings.allow_outside_root)
            if problem:
                problems.append(locate.problem(key, problem))
    layers = root / settings.layers
    package = settings.package if settings.package is not None else default_package
    package_text = package_problem(package) if settings.package is not None else None
    if package_text:
        problems.append(locate.problem("package", package_text))
    if settings.layers_module is not None:
        module_problem = module_path_problem(settings.layers_module)
        if module_problem:
            problems.append(locate.problem("layers_module", f'{module_problem}; write it as "pkg.layers"'))
    elif not problems and module_path_problem(_module_for(layers, root)):
        message = f"{module_path_problem(_module_for(layers, root))} (made from this folder); set layers_module"
        problems.append(locate.problem("layers", message + ' in [tool.layergen] (e.g. "pkg.layers")'))
    if settings.formatter not in FORMATTERS:
        problems.append(
            locate.problem("formatter", f"expected one of {', '.join(FORMATTERS)}; found {settings.formatter!r}")
        )
    problems += [locate.problem("imports", text) for text in filter(None, map(import_entry_problem, settings.imports))]
    if problems:
        raise LayergenError(problems)
    return Project(
        root=root,
        specs=root / settings.specs,
        layers=layers,
        tests=root / settings.tests,
        package=package,
        layers_module=settings.layers_module or _module_for(layers, root),
        templates=root / settings.templates if settings.templates is not None else None,
        formatter=settings.formatter,
        imports=settings.imports,
    )


def _folder_problem(root: Path, key: str, value: str, allow_outside_root: bool) -> str | None:
    if not value.strip() or _CONTROL.search(value):
        return f"{key} must name a folder; found {value!r}"
    folder = root / value
    if key == "templates" and not folder.is_dir():
        return f"no such folder {value!r}"
    # resolve: `..` and symbolic links are followed to where the files would really go.
    if key in ("layers", "tests") and not allow_outside_root and not folder.resolve().is_relative_to(root.resolve()):
        # Where a symbolic link leads is not in the setting's text: say it.
        lexical = Path(os.path.normpath(folder)).is_relative_to(os.path.normpath(root))
        leads = f" (it leads to {folder.resolve().as_posix()})" if lexical else ""
        return (
            f"{value!r} is outside the project folder{leads}; layergen writes only inside it"
            " unless [tool.layergen] says allow_outside_root = true"
        )
    return None


def _module_for(layers: Path, root: Path) -> str:
    """`src/pkg/layers` -> `pkg.layers`: the import path of the layers folder."""
    layers = Path(os.path.normpath(layers))  # `a/../b` is `b`
    try:
        parts = list(layers.relative_to(os.path.normpath(root)).parts)
    except ValueError:
        parts = [layers.name]
    if parts and parts[0] == "src":
        parts = parts[1:]
    return ".".join(parts) or layers.name


class _Locator:
    """Problems in pyproject.toml, each at the line of its key in the `[tool.layergen]` table."""

    def __init__(self, path: Path, text: str):
        self.path, self.text = path, text
        self.file = display_path(path, Path.cwd(), climb=True)

    def problem(self, key: str, message: str, *, table: str = "tool.layergen") -> Problem:
        line, column = self._find(table, key)
        return Problem(self.file, message, f"{table}.{key}" if key else table, line, column)

    def toml_error(self, exc: tomllib.TOMLDecodeError) -> Problem:
        # tomllib's message ends with "(at line L, column C)"; the position is not an attribute.
        match = re.search(r"\(at line (\d+), column (\d+)\)$", str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)$", "", str(exc)) or "invalid TOML"
        position = (int(match[1]), int(match[2])) if match else (None, None)
        return Problem(self.file, f"cannot read pyproject.toml: {message}", "", *position)

    def _find(self, table: str, key: str) -> tuple[int | None, int | None]:
        header = re.compile(r"\s*\[\s*" + r"\s*\.\s*".join(f'"?{re.escape(p)}"?' for p in table.split(".")) + r"\s*\]")
        key_line = re.compile(r'(\s*)"?' + re.escape(key) + r'"?\s*=') if key else None
        found: tuple[int | None, int | None] = (None, None)
        in_table = False
        for number, line in enumerate(self.text.split("\n"), start=1):  # TOML's lines, not splitlines'
            if re.match(r"\s*\[", line):
                in_table = bool(header.match(line))
                if in_table and found == (None, None):
                    found = (number, 1)
            elif in_table and key_line is not None:
                match = key_line.match(line)
                if match:
                    return number, len(match[1]) + 1
        return found
