"""What a `call` body may do: plain tensor code over the layer's own names.

The body of `call` is the one piece of a spec that becomes code. `check_call_body` walks its
syntax tree and finds what a layer's `call` has no business doing, each finding with its
line and column in the tree and a message that says why:

- reaching Python's internals: dunder attributes and names (`x.__class__`, `__globals__`),
  attribute access by computed name (`getattr(x, name)`), `"{0.__class__}".format(x)`;
- running or loading code, or touching the world outside: `exec`, `eval`, `compile`,
  `__import__`, `globals`, `locals`, `vars`, `open`, `input`, `breakpoint`, `import`;
- changing what `call` is: `yield` (a generator), `await` (a coroutine), `global`/`nonlocal`;
- names the generated method does not have: anything but its inputs, constants, the names
  it assigns, `ops`, `keras`, `np`, `self`, `training` and a set of harmless builtins;
- `keras.src`, Keras's private code.

It takes an `ast` tree and knows nothing of specs; the analysis maps findings to the file.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterable, Mapping

from layergen.records import frozen_record
from layergen.vocabulary import closest

# Names every generated `call` can read besides the spec's own (the brief's list; the
# analysis passes what its template really provides).
MODULE_NAMES = frozenset({"ops", "keras", "np", "math", "self", "training", "mask"})

SAFE_BUILTINS = frozenset(
    {
        "abs", "all", "any", "bool", "callable", "dict", "divmod", "enumerate", "filter", "float",
        "frozenset", "hasattr", "int", "isinstance", "issubclass", "iter", "len", "list", "map", "max",
        "min", "next", "pow", "print", "range", "repr", "reversed", "round", "set", "slice", "sorted",
        "str", "sum", "tuple", "zip", "Ellipsis", "NotImplemented",
        "ArithmeticError", "AssertionError", "Exception", "IndexError", "KeyError", "LookupError",
        "NotImplementedError", "RuntimeError", "StopIteration", "TypeError", "ValueError",
        "ZeroDivisionError",
    }
)  # fmt: skip

# Builtins that run code, reach namespaces or the outside world, and why call must not use them.
_FORBIDDEN_BUILTINS = {
    "exec": "runs text as code",
    "eval": "runs text as code",
    "compile": "turns text into code",
    "__import__": "imports a module at run time",
    "globals": "exposes the module's namespace",
    "locals": "exposes the method's namespace",
    "vars": "exposes an object's namespace",
    "open": "reads and writes files",
    "input": "waits for someone to type",
    "breakpoint": "stops the program in a debugger",
}
_ATTRIBUTE_BUILTINS = ("getattr", "setattr", "delattr", "hasattr")


@frozen_record
class Finding:
    """Something a `call` body must not do, at a line and column (1-based) of the tree."""

    line: int
    column: int
    message: str


def check_call_body(
    tree: ast.AST,
    available: Iterable[str],
    hints: Mapping[str, str] | None = None,
    module_names: Iterable[str] = MODULE_NAMES,
    method: str = "call",
) -> list[Finding]:
    """Findings in the parsed body `tree`, in order of position.

    `available` are the spec's names `call` can read (inputs, constants); `module_names` the
    ones the generated module gives it (`ops`, `self`, ...); `hints` say what to write
    instead for names that exist but not as plain names in `call` (an argument is
    `self.units`). Names the body assigns anywhere count as available everywhere: which
    runs first is Python's business at run time, not a safety question. `method` names the
    generated method in messages (`call`, `compute_mask`).
    """
    module_names = frozenset(module_names)
    checker = _Checker(set(available) | module_names | _bound_names(tree), dict(hints or {}), module_names, method)
    checker.visit(tree)
    return sorted(checker.findings, key=lambda f: (f.line, f.column))


_NAMED_BINDERS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.ExceptHandler, ast.MatchAs, ast.MatchStar)


def _bound_names(tree: ast.AST) -> set[str]:
    """Every name the body binds: assignment targets, loop and `with` variables, function
    and lambda parameters, `except ... as`, nested definitions, pattern captures."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, _NAMED_BINDERS) and node.name:
            names.add(node.name)
        elif isinstance(node, ast.MatchMapping) and node.rest:
            names.add(node.rest)
    return names


class _Checker(ast.NodeVisitor):
    def __init__(self, available: set[str], hints: dict[str, str], module_names: frozenset[str], method: str):
        self.available = available
        self.hints = hints
        self.module_names = module_names
        self.method = method
        self.findings: list[Finding] = []
        self.reported_names: set[str] = set()

    def report(self, node: ast.expr | ast.stmt, message: str) -> None:
        self.findings.append(Finding(node.lineno, node.col_offset + 1, message))

    def visit_Name(self, node: ast.Name) -> None:
        name = node.id
        if isinstance(node.ctx, ast.Store) or name in self.reported_names:
            return
        message = self._name_problem(name)
        if message:
            self.reported_names.add(name)
            self.report(node, message)

    def _name_problem(self, name: str) -> str | None:
        if name in _FORBIDDEN_BUILTINS:
            return f"`{name}` {_FORBIDDEN_BUILTINS[name]}; a layer's {self.method} is plain tensor code"
        if name in self.available or name in SAFE_BUILTINS or name in _ATTRIBUTE_BUILTINS:
            return None
        if name in self.hints:
            return self.hints[name]
        if name.startswith("__") and name.endswith("__"):
            return f"`{name}` reaches Python's internals, not the layer's data"
        if hasattr(builtins, name):
            return f"the builtin `{name}` is not one a layer's {self.method} may use (len, range, isinstance, ...)"
        suggestion = closest(name, self.available - self.module_names)
        hint = f" (did you mean '{suggestion}'?)" if suggestion else ""
        given = ", ".join(sorted(self.module_names))
        return (
            f"unknown name `{name}`{hint}: {self.method} can use {self._own_names()}, the names it assigns, and {given}"
        )

    def _own_names(self) -> str:
        return "its inputs, constants" if self.method == "call" else "its parameters"

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if _is_dunder(node.attr):
            self.report(node, f"`.{node.attr}` reaches Python's internals (a dunder attribute), not the layer's data")
        elif node.attr == "src" and isinstance(node.value, ast.Name) and node.value.id == "keras":
            self.report(node, "`keras.src` is Keras's private code; use the public API (keras.ops, keras.layers, ...)")
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Name) and func.id in _ATTRIBUTE_BUILTINS:
            self._check_attribute_builtin(func.id, node)
        if isinstance(func, ast.Attribute) and func.attr in ("format", "format_map"):
            template = func.value
            if isinstance(template, ast.Constant) and isinstance(template.value, str) and "__" in template.value:
                self.report(node, "a format string that names a dunder attribute reaches Python's internals")
        self.generic_visit(node)

    def _check_attribute_builtin(self, name: str, node: ast.Call) -> None:
        attribute = node.args[1] if len(node.args) > 1 else None
        if not (isinstance(attribute, ast.Constant) and isinstance(attribute.value, str)):
            self.report(
                node,
                f"`{name}` with a computed attribute name can reach anything; write the attribute (`x.name`)",
            )
        elif _is_dunder(attribute.value):
            self.report(node, f"`{name}` of {attribute.value!r} reaches Python's internals, not the layer's data")

    def visit_Yield(self, node: ast.Yield | ast.YieldFrom) -> None:
        self.report(node, f"`yield` turns {self.method} into a generator: Keras would get a generator, not tensors")
        self.generic_visit(node)

    visit_YieldFrom = visit_Yield

    def visit_Await(self, node: ast.Await) -> None:
        self.report(node, f"`await` turns {self.method} into a coroutine: Keras would get a coroutine, not tensors")
        self.generic_visit(node)

    def visit_Global(self, node: ast.Global) -> None:
        self.report(node, f"`global {', '.join(node.names)}` lets {self.method} change names outside the method")

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self.report(node, f"`nonlocal {', '.join(node.names)}` lets {self.method} change names outside the method")

    def visit_Import(self, node: ast.Import | ast.ImportFrom) -> None:
        self.report(node, f"`{self.method}` must not import; the module imports keras, ops (and numpy as np) for it")

    visit_ImportFrom = visit_Import


def _is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")
