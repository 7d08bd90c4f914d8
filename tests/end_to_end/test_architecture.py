"""The house's rules, read from the source: packages follow the pipeline, imports never run back
up it or in a circle (lazy imports inside functions count, and so does the `__init__.py` of each
package an import passes through), and no module or function has grown past what a reader
takes in at once."""

import ast
from pathlib import Path

import pytest
from conftest import REPO

PACKAGE = REPO / "layergen"
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60

# The pipeline, low to high: a module imports only from its own level or a lower one.
LEVELS = {
    "layergen": 0,  # the package itself: __version__
    "layergen.errors": 0,
    "layergen.writing": 0,
    "layergen.paths": 0,
    "layergen.vocabulary": 0,
    "layergen.contract_tests": 0,
    "layergen.cache": 0,
    "layergen.project": 1,
    "layergen.spec": 2,
    "layergen.project.classes": 3,  # reads the project's other specs, as the analysis will use them
    "layergen.analysis": 3,
    "layergen.render": 4,
    "layergen.formatting": 5,
    "layergen.update": 6,
    "layergen.pipeline": 7,
    "layergen.run": 7,
    "layergen.exit_status": 0,
    "layergen.commands": 8,
    "layergen.show": 8,
    "layergen.audit": 8,
    "layergen.cli": 9,
    "layergen.__main__": 9,
}
# The analysis fills the render model: its dataclasses and the code values they hold.
ALLOWED_UPWARD = {
    ("layergen.analysis", "layergen.render.model"),
    ("layergen.analysis", "layergen.render.values"),
}


def modules(package: Path = PACKAGE) -> dict[str, Path]:
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = modules()


def imported(name: str, path: Path, known: dict[str, Path] = MODULES) -> set[str]:
    """The layergen modules `name` imports when it runs: at its top or inside its functions."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    # Imports for type checkers only (`if TYPE_CHECKING:`) never run.
    type_only = {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for statement in node.body
        for child in ast.walk(statement)
    }
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            targets = [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target.startswith("layergen") and target != name:
                found.add(target)
    return found


def run_on_import(name: str, targets: set[str], known: dict[str, Path] = MODULES) -> set[str]:
    """What `name`'s imports of `targets` run: each target, and before it the `__init__.py` of
    every package it sits in (importing `layergen.a.b` first runs `layergen/a/__init__.py`, and
    so depends on all that file imports). The packages `name` sits in are left out: they have
    started before `name` runs, so its imports never wait on them."""
    found = set(targets)
    for target in targets:
        parts = target.split(".")
        for end in range(1, len(parts)):
            enclosing = ".".join(parts[:end])
            if enclosing in known and not (name == enclosing or name.startswith(enclosing + ".")):
                found.add(enclosing)
    return found


def import_graphs(known: dict[str, Path]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Each module's own imports, and what its imports run (the packages' `__init__.py` added)."""
    direct = {name: imported(name, path, known) for name, path in known.items()}
    return direct, {name: run_on_import(name, targets, known) for name, targets in direct.items()}


# DIRECT: the imports a module writes; GRAPH: what they run when it is imported.
DIRECT, GRAPH = import_graphs(MODULES)


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles of `graph`: its strongly connected components of more than one module
    (Tarjan's algorithm), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for child in sorted(graph[node]):
            if child not in index:
                visit(child)
                low[node] = min(low[node], low[child])
            elif child in on_stack:
                low[node] = min(low[node], index[child])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def level(name: str) -> tuple[str, int] | None:
    best = None
    for prefix, value in LEVELS.items():
        if (name == prefix or name.startswith(prefix + ".")) and (best is None or len(prefix) > len(best[0])):
            best = (prefix, value)
    return best


def test_no_import_circles():
    found = circles(GRAPH)
    assert not found, "import circles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_a_circle_through_a_package_init_is_a_circle(tmp_path):
    # The loop that once went unseen: render.pycode imports a helper of the analysis, which runs
    # analysis/__init__.py, which imports modules that import render.pycode. No module imports
    # one that imports it back, yet importing render.pycode first fails half-way.
    files = {
        "__init__.py": "",
        "analysis/__init__.py": "from layergen.analysis.weights import weight_models\n",
        "analysis/weights.py": "from layergen.render.pycode import code\n",
        "analysis/helper.py": "",
        "render/__init__.py": "",
        "render/pycode.py": "from layergen.analysis.helper import helper\n",
    }
    for relative, text in files.items():
        (tmp_path / "layergen" / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "layergen" / relative).write_text(f'"""{relative}"""\n{text}', encoding="utf-8")
    direct, graph = import_graphs(modules(tmp_path / "layergen"))

    assert circles(direct) == []
    assert graph["layergen.render.pycode"] == {"layergen.analysis.helper", "layergen.analysis"}
    assert circles(graph) == [["layergen.analysis", "layergen.analysis.weights", "layergen.render.pycode"]]
    # A module's own packages have started before it runs: no circle from analysis's own imports.
    assert graph["layergen.analysis.weights"] == {"layergen.render.pycode", "layergen.render"}


def test_no_import_runs_back_up_the_pipeline():
    # The imports as written: the package `__init__.py` an allowed import passes through is
    # allowed with it, and what that `__init__.py` imports is checked as its own import.
    upward = []
    for name, targets in DIRECT.items():
        if name.startswith("layergen.testing"):
            continue
        own = level(name)
        for target in sorted(targets):
            theirs = level(target)
            if theirs[1] > own[1] and not any(name.startswith(a) and target == b for a, b in ALLOWED_UPWARD):
                upward.append(f"{name} (level {own[1]}) imports {target} (level {theirs[1]})")
    assert not upward, "\n".join(upward)


def test_the_contract_library_imports_only_itself():
    # Generated tests import layergen.testing in the user's project: it must not pull in the generator.
    outside = {
        f"{name} imports {target}"
        for name, targets in GRAPH.items()
        if name.startswith("layergen.testing")
        for target in targets
        if not target.startswith("layergen.testing") and target not in ("layergen", "layergen.contract_tests")
    }
    assert not outside, "\n".join(sorted(outside))


def test_data_classes_are_records_outside_the_contract_library():
    """`layergen.records` makes them at a tenth of a dataclass's cost, and loading `dataclasses`
    (with `inspect`, `ast`, `dis`) is a cost of its own; the contract library imports only itself."""
    users = []
    for name, path in MODULES.items():
        if name.startswith("layergen.testing"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            imported = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                imported = [node.module]
            if "dataclasses" in imported:
                users.append(f"{name}:{node.lineno} imports dataclasses: use layergen.records")
    assert not users, "\n".join(users)


def test_every_module_and_function_is_short_enough_to_read():
    long = []
    for name, path in MODULES.items():
        text = path.read_text(encoding="utf-8")
        lines = text.count("\n")
        if lines > MAX_MODULE_LINES:
            long.append(f"{name}: {lines} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    long.append(f"{name}.{node.name}: {length} lines")
    assert not long, "\n".join(long)


@pytest.mark.parametrize("name", sorted(n for n in MODULES if MODULES[n].name == "__init__.py"))
def test_every_package_says_what_goes_in_and_what_comes_out(name):
    docstring = ast.get_docstring(ast.parse(MODULES[name].read_text(encoding="utf-8")))
    assert docstring and len(docstring) > 40, f"{name} has no docstring that describes the package"
