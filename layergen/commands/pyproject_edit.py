"""`layergen init`'s edits of pyproject.toml: `[tool.layergen]`, and pytest's `pythonpath`.

The generated tests import the layers by their module path (`layers.scaled_dense`, or
`pkg.layers.scaled_dense` for `src/pkg/layers`), so pytest must put the folder that path
starts from on `sys.path`. The file is edited with tomlkit: every value is quoted as TOML
requires, and the user's own tables, comments and layout stay exactly as they were.
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePath
from typing import Any, TypeGuard

import tomlkit
from tomlkit.container import OutOfOrderTableProxy
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import Table

from layergen.errors import LayergenError
from layergen.records import field, record

TomlTable = Table | OutOfOrderTableProxy  # a table that tables can be added to

# pytest reads the first of these it finds, and ignores pyproject.toml then.
_PYTEST_FILES_BEFORE_PYPROJECT = ("pytest.toml", ".pytest.toml", "pytest.ini", ".pytest.ini")
# ...and these only when pyproject.toml has no pytest table, which adding one would change.
_PYTEST_FILES_AFTER_PYPROJECT = {"tox.ini": r"^\[pytest\]", "setup.cfg": r"^\[tool:pytest\]"}
# Keras 3 on NumPy 2 warns about `__array__` without `copy=` in every generated test run;
# the warning is Keras's to fix, and a new project's first `pytest` should be quiet.
NUMPY_ARRAY_FILTER = "ignore:__array__ implementation doesn.t accept a copy keyword:DeprecationWarning"


@record
class Edit:
    """The new pyproject.toml text, and what to tell the user about it."""

    text: str
    done: list[str] = field(default_factory=list)  # e.g. "[tool.layergen]"
    warnings: list[str] = field(default_factory=list)


def import_root(layers: str) -> str:
    """The folder the tests import the layers folder from, as `layers_module` is derived
    (see project.py): the project root, or `src` for a `src/` layout."""
    parts = PurePath(layers).parts
    if PurePath(layers).is_absolute() or ".." in parts:
        return os.path.dirname(os.path.normpath(layers)) or "."  # outside the root: its own name
    return "src" if len(parts) > 1 and parts[0] == "src" else "."


def read_pyproject(root: Path) -> str | None:
    """The text of the project's pyproject.toml, or None when there is none."""
    path = root / "pyproject.toml"
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise LayergenError.plain("pyproject.toml", f"cannot read pyproject.toml: {reason}") from None


def add_settings(root: Path, text: str, settings: dict[str, str]) -> Edit:
    """`text` with `[tool.layergen]` = `settings`, and `import_root` on pytest's pythonpath."""
    try:
        document = tomlkit.parse(text)
    except TOMLKitError as exc:
        raise LayergenError.plain("pyproject.toml", f"cannot read pyproject.toml: {exc}") from None
    tool = document.get("tool")
    if tool is None:
        tool = tomlkit.table(is_super_table=True)
        document["tool"] = tool
    elif not _is_table(tool):
        raise LayergenError.plain(
            "pyproject.toml", "[tool] must be a table of [tool.NAME] tables to add [tool.layergen]"
        )
    if "layergen" in tool:
        raise LayergenError.plain("pyproject.toml", "[tool.layergen] is already there; this project is set up")
    tool["layergen"] = _table(settings)  # item assignment: tool may be split across the file
    edit = Edit(text="", done=["[tool.layergen]"])
    _add_pythonpath(root, tool, import_root(settings["layers"]), edit)
    edit.text = tomlkit.dumps(document)
    if edit.text.endswith("\n\n") and not text.endswith("\n\n"):
        edit.text = edit.text.rstrip("\n") + "\n"  # the blank line that closes our last table
    return edit


def _add_pythonpath(root: Path, tool: TomlTable, folder: str, edit: Edit) -> None:
    elsewhere = _pytest_settings_elsewhere(root, tool)
    if elsewhere:
        edit.warnings.append(
            f"pytest reads its settings from {elsewhere}: add {folder!r} to its pythonpath there, "
            "or the generated tests cannot import the layers (and, for quiet test runs, "
            f"filterwarnings = {NUMPY_ARRAY_FILTER})"
        )
        return
    where, table = _pytest_table(tool)
    if table is not None and "pythonpath" not in table:
        table["pythonpath"] = tomlkit.array()
    if table is None or not isinstance(table["pythonpath"], list):
        edit.warnings.append(
            f"pyproject.toml: cannot add {folder!r} to pytest's pythonpath in {where}; add it yourself"
        )
    elif not any(os.path.normpath(str(entry)) == os.path.normpath(folder) for entry in table["pythonpath"]):
        table["pythonpath"].append(folder)
        edit.done.append(f"{where} pythonpath += {folder!r}")
    if table is not None and isinstance(table["pythonpath"], list):  # a table it can extend
        _add_warning_filter(table, where, edit)


def _add_warning_filter(table: TomlTable, where: str, edit: Edit) -> None:
    """NumPy 2's `__array__` DeprecationWarning from Keras, filtered in pytest's settings."""
    filters = table.get("filterwarnings")
    if filters is None:
        table["filterwarnings"] = filters = tomlkit.array()
    if not isinstance(filters, list):
        return  # the user's own form: left alone
    if NUMPY_ARRAY_FILTER not in [str(entry) for entry in filters]:
        filters.append(NUMPY_ARRAY_FILTER)
        edit.done.append(f"{where} filterwarnings += NumPy 2's __array__ warning")


def _pytest_table(tool: TomlTable) -> tuple[str, TomlTable | None]:
    """The table of pytest's settings (made if missing; None if it is not a table), and its name."""
    pytest_tables = tool.get("pytest")
    if pytest_tables is None:
        tool["pytest"] = pytest_tables = tomlkit.table(is_super_table=True)
    if not _is_table(pytest_tables):
        return "[tool.pytest]", None
    if set(pytest_tables) - {"ini_options"}:
        return "[tool.pytest]", pytest_tables  # pytest 9's native table; it refuses both at once
    if "ini_options" not in pytest_tables:
        pytest_tables["ini_options"] = _table({"pythonpath": tomlkit.array(), "filterwarnings": tomlkit.array()})
    table = pytest_tables["ini_options"]
    return "[tool.pytest.ini_options]", table if _is_table(table) else None


def _pytest_settings_elsewhere(root: Path, tool: TomlTable) -> str | None:
    """The file pytest takes its settings from instead of pyproject.toml, if any."""
    for name in _PYTEST_FILES_BEFORE_PYPROJECT:
        if (root / name).is_file():
            return name
    if "pytest" in tool:
        return None
    for name, section in _PYTEST_FILES_AFTER_PYPROJECT.items():
        path = root / name
        if path.is_file() and re.search(section, path.read_text(encoding="utf-8", errors="replace"), re.MULTILINE):
            return name
    return None


def _is_table(item: object) -> TypeGuard[TomlTable]:
    """A table we can add tables to: not an inline `{...}` one, nor a value."""
    return isinstance(item, (Table, OutOfOrderTableProxy))


def _table(values: dict[str, Any]) -> Table:
    table = tomlkit.table()
    for key, value in values.items():
        table.add(key, value)
    table.add(tomlkit.nl())  # a blank line before whatever table follows
    return table
