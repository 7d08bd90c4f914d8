"""The names rule and the import rule for spec text that becomes code outside `call`.

A sub-layer's argument names and build parameters become keyword arguments of the
generated code, and a dotted class path `pkg.module.Class` becomes `import pkg.module`
at the top of the generated module (importing a module runs its code). So:

- a keyword-argument name is an ASCII identifier, not a Python keyword, and does not
  start with `__` (Python's own names, and names Python mangles inside a class);
- a class path is dotted names under the same rule, and its module is imported only
  when it lies in a package the project allows (`[tool.layergen] imports`); Keras's
  private `keras.src` is never allowed. Keras's own layers (`Dense`,
  `keras.layers.Dense`) and the project's own classes need no setting.

Values never follow this rule: they are written as Python literals (`repr`).
"""

from __future__ import annotations

import keyword
import re

# fullmatch: `$` would also match before a trailing newline.
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PRIVATE_KERAS = "keras.src"


def name_problem(name: object) -> str | None:
    """Why `name` cannot be written as a name into generated code, or None."""
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        return "must be ASCII letters, digits and '_', not starting with a digit"
    if keyword.iskeyword(name):
        return "is a Python keyword"
    if name.startswith("__"):
        return "starts with '__', which Python keeps for its own names"
    return None


def class_path_problem(path: str) -> str | None:
    """Why `path` (with a dot) is not a class path such as `my_pkg.layers.MyLayer`, or None."""
    for part in path.split("."):
        problem = name_problem(part)
        if problem:
            shown = repr(part) if part else "an empty name"
            return f"a class path is dotted names, like my_pkg.layers.MyLayer; {shown} {problem}"
    if is_private_keras(path):
        return "use the public Keras API (keras.layers.X), not keras.src"
    return None


def is_private_keras(path: str) -> bool:
    return path == _PRIVATE_KERAS or path.startswith(_PRIVATE_KERAS + ".")


def allows(imports: tuple[str, ...], module: str) -> bool:
    """Whether the project's `imports` setting allows generated code to import `module`."""
    return not is_private_keras(module) and any(module == entry or module.startswith(entry + ".") for entry in imports)


def refusal(module: str) -> str:
    """The message for a class path whose module the project does not allow."""
    package = module.split(".")[0]
    return (
        f"generated code would import {module!r}, which runs its code; to allow it, add"
        f' "{package}" to imports in [tool.layergen] of pyproject.toml (imports = ["{package}"])'
    )


def import_entry_problem(entry: str) -> str | None:
    """Why an entry of the `imports` setting is not a package name, or None."""
    problem = class_path_problem(entry)
    if problem and is_private_keras(entry):
        return f"{entry!r} is Keras's private code, which generated code never imports; use the public keras API"
    if problem:
        return f"{entry!r} is not a package name such as keras_hub or my_pkg.layers: {problem.split('; ', 1)[1]}"
    return None
