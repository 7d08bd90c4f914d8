"""The spec's `call` body: parsed once into a `CallBody`, checked, and the lines `call` runs
before it (constants as tensors)."""

from __future__ import annotations

import ast
import textwrap
import tokenize
from dataclasses import dataclass

from layergen.analysis.context import Context
from layergen.call_safety import check_call_body
from layergen.errors import Problem
from layergen.pycode import describe_char, foreign_line_break, indent_code

# A body that could not be read: the spec has a problem, so it is never rendered.
_UNREADABLE = "return inputs"


@dataclass(frozen=True)
class CallBody:
    text: str  # dedented, as it goes into the generated `call`
    names: frozenset[str]  # every plain name the body reads or writes
    tree: ast.Module | None = None  # `def call():` around the body; None if it does not parse

    @property
    def uses_training(self) -> bool:
        return "training" in self.names


def read_call_body(context: Context) -> CallBody:
    """Parse the body and check it: it returns, does only what a layer's call may do (see
    `layergen.call_safety`), and reads `training` where a state weight needs it."""
    # Python reads CR LF and CR as LF, in strings too: one form keeps every line count equal.
    text = textwrap.dedent(context.spec.call.replace("\r\n", "\n").replace("\r", "\n")).strip("\n")
    path = ("call",)
    if not text.strip():
        context.problem(path, "`call` needs a body that returns the output")
        return CallBody(_UNREADABLE, frozenset())
    foreign = foreign_line_break(text)
    if foreign:
        line, column, char = foreign
        message = (
            f"the call body holds {describe_char(char)}, which Python does not count as a line break;"
            f" write it as the escape \\u{ord(char):04x} inside a string"
        )
        context.problems.append(
            Problem(context.source.file, message, "call", *_body_position(context, text, line + 1, column + 4))
        )
        return CallBody(_UNREADABLE, frozenset())
    try:
        tree = _parse(text)
        body = CallBody(text, frozenset(n.id for n in ast.walk(tree) if isinstance(n, ast.Name)), tree)
        _check(context, body, tree)  # its tree walks recurse as deep as the body nests
    except (RecursionError, MemoryError):
        context.problem(path, "the call body is too deeply nested to compile")
        return CallBody(_UNREADABLE, frozenset())
    except SyntaxError as exc:
        line, column = _body_position(context, text, exc.lineno or 2, exc.offset or 5)
        context.problems.append(
            Problem(context.source.file, f"the call body does not parse: {exc.msg}", "call", line, column)
        )
        return CallBody(_UNREADABLE, frozenset())
    return body


def _parse(text: str) -> ast.Module:
    """`def call():` around the body, indented as the generated method indents it."""
    try:
        indented = indent_code(text, "    ")
    except (tokenize.TokenError, SyntaxError):
        indented = textwrap.indent(text, "    ")  # it does not parse: ast says where, in its own words
    return ast.parse(f"def call():\n{indented}\n")


# What the generated module gives `call` besides the spec's inputs and constants.
_MODULE_NAMES = frozenset({"ops", "keras", "np", "self", "training"})


def _check(context: Context, body: CallBody, tree: ast.Module) -> None:
    path = ("call",)
    spec = context.spec
    if not any(isinstance(node, ast.Return) and node.value is not None for node in ast.walk(tree)):
        context.problem(path, "`call` must return its output (add a `return` statement)")
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "self"
            and node.attr in spec.constants
        ):
            context.problem(
                path,
                f"use `{node.attr}` instead of `self.{node.attr}` in call: `{node.attr}` is the constant "
                f"as a tensor of the layer's dtype, `self.{node.attr}` is its plain config value",
            )
    function = tree.body[0]
    available, hints = [*spec.inputs, *spec.constants], _name_hints(context)
    if spec.masking is None or spec.masking.uses_mask:
        available.append("mask")  # a parameter of call; without `masking`, masking.py says what to add
    else:
        hints["mask"] = "`call` gets `mask` only with `masking: {uses_mask: true, ...}`"
    for finding in check_call_body(function, available, hints, _MODULE_NAMES):
        line, column = _body_position(context, body.text, finding.line, finding.column)
        context.problems.append(Problem(context.source.file, finding.message, "call", line, column))
    state = [name for name, w in spec.weights.items() if w.role == "state"]
    if state and not body.uses_training:
        context.problem(
            path,
            f"state weight {state[0]!r} is updated in training: `call` should read `training` (e.g. `if training:`)",
        )


def _name_hints(context: Context) -> dict[str, str]:
    """What to write in `call` for the spec's names that are not plain names there."""
    hints = {name: f"argument `{name}` is `self.{name}` in call" for name in context.spec.arguments}
    hints.update({name: f"weight `{name}` is `self.{name}` in call" for name in context.spec.weights})
    hints.update({name: f"sub-layer `{name}` is `self.{name}` in call" for name in context.spec.layers})
    hints.update(
        {
            name: f"dimension `{name}` has no value in call; read it from the input's shape (`ops.shape(x)[-1]`)"
            for name in context.dims
        }
    )
    return hints


def _body_position(context: Context, body: str, lineno: int, offset: int) -> tuple[int | None, int | None]:
    """Map a position in the parsed `def call():` wrapper back to the spec file."""
    source = context.source
    line, column = source.locate(("call",))
    if line is None:
        return None, None
    file_lines = source.text.splitlines()
    block = file_lines[line - 1][(column or 1) - 1 :][:1] in ("|", ">")
    if not block:
        return line, (column or 1) + offset - 5
    body_line = lineno - 1  # the wrapper adds the `def` line
    call = context.spec.call
    file_line = line + body_line + (len(call) - len(call.lstrip("\n")))
    text = file_lines[file_line - 1] if file_line <= len(file_lines) else ""
    dedented = body.splitlines()[body_line - 1] if body_line <= len(body.splitlines()) else ""
    return file_line, max(offset - 4 + len(text) - len(dedented), 1)


def constant_tensors(context: Context, body: CallBody) -> list[str]:
    """Lines that turn each constant the body uses into a tensor of the layer's dtype."""
    lines = []
    for name, constant in context.spec.constants.items():
        if name in body.names:
            dtype = "self.compute_dtype" if constant.dtype == "float" else repr(constant.dtype)
            lines.append(f"{name} = ops.convert_to_tensor(self.{name}, dtype={dtype})")
    return lines
