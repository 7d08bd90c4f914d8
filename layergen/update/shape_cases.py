"""Whether old checkpoints still load a weight whose shape follows a condition (`shapes:`).

A record keeps such a weight's cases as the spec writes them (`"[2, 3 * units] if
reset_after"`, `"[3 * units]"`), so that adding or changing a case is seen. But which case a
checkpoint holds depends on the arguments its layer was made with, and a changed case list
may still give every old checkpoint the shape it has: GRUCell's bias `[2, 3 * units]` turned
into cases under a new argument `reset_after` (default true) is `[2, 3 * units]` for every
checkpoint saved before, since none was saved with `reset_after=False`.

So the shapes before and after are compared for each value of the bool arguments the
conditions read that the old layer took (as the layer module generated last time declares
them in `__init__`): a config saved then may hold any of them. An argument that is new since
is at its default, as an old config (or code written before it) loads. The defaults are
compared first, so a break names them when they are what breaks.

When a condition reads the input (`inputs.rank`, a dimension), or an argument that is not a
bool and old checkpoints may hold any value of, this cannot tell (`CannotTell`); a changed
case list is then a break, as before.

A weight below a sub-layer that is a class of this project has its class's cases, with the
arguments the holding layer passes written in (`weight_tree`): `[2, width] if split`. A name
there is the holding layer's own argument (any value an old checkpoint has, as above), a
literal it passes (`true`, as JSON writes it), or an argument of the class that the holding
layer does not pass: at the class's default, the one its layer took when the checkpoint was
saved before the change and its default now after it (`held_defaults`).
"""

from __future__ import annotations

import ast
import itertools
from collections.abc import Iterator, Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any

from layergen.records import frozen_record

if TYPE_CHECKING:
    from layergen.spec.sections import LayerSpec

MAX_FREE = 8  # at most 2 ** 8 combinations of bool arguments are compared


class _Unknown(Exception):
    """A condition reads something whose value is not known here."""


REQUIRED = object()  # an argument without a default
UNKNOWN = object()  # a default that is not a literal

Arguments = dict[str, object]  # an argument's name -> its default (or REQUIRED, UNKNOWN)


@frozen_record
class Case:
    shape: tuple[str, ...]  # ("2", "3 * units")
    condition: str | None  # "reset_after"; None for the last case, or a plain shape


def cases(shape: tuple[str, ...]) -> list[Case]:
    """A record's shape as cases: a plain shape is one case without a condition."""
    if not shape or not all(item.startswith("[") for item in shape):
        return [Case(shape, None)]
    found = []
    for item in shape:
        # Shape items hold no brackets and no commas: the grammar is names, numbers, + - * //.
        inside, _, rest = item[1:].partition("]")
        items = tuple(part.strip() for part in inside.split(",")) if inside.strip() else ()
        condition = rest.strip().removeprefix("if").strip() or None
        found.append(Case(items, condition))
    return found


def shown(shape: tuple[str, ...]) -> str:
    return "[" + ", ".join(shape) + "]"


def spec_arguments(spec: LayerSpec) -> Arguments:
    """The arguments a spec's layer takes, with their defaults."""
    return {name: REQUIRED if arg.required else arg.default for name, arg in spec.arguments.items()}


class CaseArguments:
    """The arguments that choose a case, after a spec edit (`new`) and before it (`old`: read
    from the layer module generated last time, only when a weight with cases is compared)."""

    def __init__(self, new: Arguments, old_text: str | None, old_class: str):
        self.new = new
        self._old_text = old_text
        self._old_class = old_class

    @cached_property
    def old(self) -> Arguments | None:
        return None if self._old_text is None else layer_arguments(self._old_text, self._old_class)


def layer_arguments(text: str, class_name: str) -> Arguments | None:
    """The arguments the class's `__init__` takes, with their defaults, read from the
    layer module layergen generated (None where it has no such class or does not parse)."""
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return None
    for node in tree.body:
        if not (isinstance(node, ast.ClassDef) and node.name == class_name):
            continue
        for method in node.body:
            if isinstance(method, ast.FunctionDef) and method.name == "__init__":
                return _parameters(method.args)
    return None


def _parameters(args: ast.arguments) -> Arguments:
    positional = args.posonlyargs + args.args
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    found: Arguments = {}
    pairs = [*zip(positional, defaults, strict=True), *zip(args.kwonlyargs, args.kw_defaults, strict=True)]
    for arg, default in pairs[1:] if positional else pairs:  # not `self`
        found[arg.arg] = REQUIRED if default is None else _literal(default)
    return found


def _literal(node: ast.expr) -> object:
    try:
        return ast.literal_eval(node)
    except ValueError:
        return UNKNOWN


@frozen_record
class Difference:
    before: tuple[str, ...]
    after: tuple[str, ...]
    setting: str  # "with the default arguments", "with reset_after=False"


class CannotTell(Exception):
    """The conditions read something old checkpoints may have any value of."""


# A name whose value an old checkpoint does not choose: its value before the change, and after.
Fixed = dict[str, tuple[object, object]]


def first_difference(
    before: list[Case], after: list[Case], old: Arguments | None, new: Arguments, fixed: Fixed | None = None
) -> Difference | None:
    """The first setting of the arguments under which an old checkpoint's shape is not the
    new layer's (the defaults first); None when there is none. `old`: the arguments the old
    layer took (None where they are not known: every argument the conditions read may then
    have had any value); `fixed`: names whose values are known, before and after. `CannotTell`
    when the conditions read the input, or an argument that is not a bool, whose values old
    checkpoints may have any of."""
    if len({case.shape for case in before + after}) == 1:
        return None  # one shape in every case: whatever the conditions read, it is the shape
    fixed = fixed or {}
    read = (_names(before) | _names(after)) - set(fixed)
    known = old if old is not None else new
    if any(n not in known and n not in new for n in read):
        raise CannotTell("a condition reads the input")
    # Any value in an old config: the arguments the old layer took. One new since is at its default.
    free = sorted(n for n in read if n in known)
    defaults = {n: new.get(n, known[n]) for n in free}
    if len(free) > MAX_FREE or not all(isinstance(value, bool) for value in defaults.values()):
        raise CannotTell(f"a condition reads {', '.join(free)}, whose values old checkpoints may be any of")
    for values in itertools.product(*[(defaults[n], not defaults[n]) for n in free]):
        setting = dict(zip(free, values, strict=True))
        changed = {n: v for n, v in setting.items() if v != defaults[n]}
        words = ", ".join(f"{n}={v}" for n, v in changed.items())
        # The old layer's other arguments do not matter; an argument new since is at its
        # default, as an old config loads.
        given = {**new, **setting}
        found = _differs(
            before,
            after,
            ({**given, **{n: v[0] for n, v in fixed.items()}}, {**given, **{n: v[1] for n, v in fixed.items()}}),
            f"with {words}" if words else "with the default arguments",
        )
        if found is not None:
            return found
    return None


@frozen_record
class ClassArguments:
    """A project class's arguments, with their defaults: as its layer took them when the
    holding layer's record was made (`old`: from the module generated last time; None where
    not known), and now (`new`)."""

    old: Arguments | None
    new: Arguments


_JSON_LITERALS = {"true": True, "false": False, "null": None}  # a passed literal, as the tree writes it


def held_defaults(found: list[Case], outer: CaseArguments, classes: list[ClassArguments]) -> Fixed:
    """The names the cases of a weight below sub-layers (`classes`: their project classes)
    read that are not the holding layer's arguments (`outer`): an argument of one class
    there, which the holding layer does not pass, is at the class's default (old, new); a
    literal the holding layer passes is itself. Anything else is left out (the input:
    `first_difference` cannot tell). `CannotTell` where the default is not known."""
    fixed: Fixed = {}
    outers = set(outer.new) | set(outer.old or ())
    for name in sorted(_names(found)):
        holders = [c for c in classes if name in c.new or name in (c.old or ())]
        if name in outers:
            if any(
                name in c.new and c.old is not None and c.old.get(name, c.new[name]) != c.new[name] for c in holders
            ):
                raise CannotTell(f"{name} is an argument of the layer and of its sub-layer, whose default changed")
            continue  # the layer's own argument (where a sub-layer's too, both values are tried)
        if not holders:
            if name in _JSON_LITERALS:
                fixed[name] = (_JSON_LITERALS[name],) * 2
            continue
        if len(holders) > 1 or holders[0].old is None:
            raise CannotTell(f"which default of {name} old checkpoints hold is not known")
        old, new = holders[0].old, holders[0].new
        value = new.get(name, old.get(name))
        fixed[name] = (old.get(name, value), value)  # an argument new since: its default in both
        if any(v is REQUIRED or v is UNKNOWN for v in fixed[name]):
            raise CannotTell(f"the default of {name} is not a literal")
    return fixed


def _has_value(values: Mapping[str, object], name: str) -> bool:
    return values[name] is not REQUIRED and values[name] is not UNKNOWN


def _differs(
    before: list[Case], after: list[Case], values: tuple[Mapping[str, object], Mapping[str, object]], setting: str
) -> Difference | None:
    """Whether the shapes differ, `before` chosen by `values[0]`, `after` by `values[1]`."""
    try:
        old_shape, new_shape = _chosen(before, values[0]), _chosen(after, values[1])
    except _Unknown:
        raise CannotTell("a condition reads something whose value is not known") from None
    return None if old_shape == new_shape else Difference(old_shape, new_shape, setting)


def _chosen(found: list[Case], values: Mapping[str, object]) -> tuple[str, ...]:
    for case in found:
        if case.condition is None or _value(_parse(case.condition), values):
            return case.shape
    return found[-1].shape


def _names(found: list[Case]) -> set[str]:
    names = set()
    for case in found:
        if case.condition is not None:
            names |= set(_read(_parse(case.condition)))
    return names


def _read(node: ast.expr) -> Iterator[str]:
    """The names a condition reads; an input's rank (`inputs.rank`) as `inputs.rank`."""
    for child in ast.walk(node):
        if isinstance(child, ast.Attribute) and isinstance(child.value, ast.Name):
            yield f"{child.value.id}.{child.attr}"
        elif isinstance(child, ast.Name) and not any(
            isinstance(a, ast.Attribute) and a.value is child for a in ast.walk(node)
        ):
            yield child.id


def _parse(condition: str) -> ast.expr:
    try:
        return ast.parse(condition, mode="eval").body
    except SyntaxError:
        raise CannotTell(f"cannot read the condition {condition!r}") from None


_COMPARE: dict[type[ast.cmpop], Any] = {
    ast.Eq: lambda a, b: a == b,
    ast.NotEq: lambda a, b: a != b,
    ast.Lt: lambda a, b: a < b,
    ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b,
    ast.GtE: lambda a, b: a >= b,
    ast.Is: lambda a, b: a is b,
    ast.IsNot: lambda a, b: a is not b,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
_ARITHMETIC: dict[type[ast.operator], Any] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.FloorDiv: lambda a, b: a // b,
}


def _value(node: ast.expr, values: Mapping[str, object]) -> Any:
    """A condition's value, walking the tree (the grammar `analysis.expressions` checked
    when the spec was generated); `_Unknown` for a name without a value here."""
    if isinstance(node, ast.Name):
        if node.id not in values or not _has_value(values, node.id):
            raise _Unknown(node.id)
        return values[node.id]
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Tuple):
        return tuple(_value(item, values) for item in node.elts)
    if isinstance(node, ast.BoolOp):
        result = _value(node.values[0], values)
        for item in node.values[1:]:
            if bool(result) is isinstance(node.op, ast.Or):
                break
            result = _value(item, values)
        return result
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.Not, ast.USub)):
        operand = _value(node.operand, values)
        return (not operand) if isinstance(node.op, ast.Not) else -operand
    if isinstance(node, ast.Compare):
        left = _value(node.left, values)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = _value(right_node, values)
            if type(op) not in _COMPARE or not _COMPARE[type(op)](left, right):
                return False
            left = right
        return True
    if isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:
        try:
            return _ARITHMETIC[type(node.op)](_value(node.left, values), _value(node.right, values))
        except (ArithmeticError, TypeError):
            raise _Unknown(ast.unparse(node)) from None
    if isinstance(node, ast.IfExp):
        return _value(node.body if _value(node.test, values) else node.orelse, values)
    raise _Unknown(ast.unparse(node))  # `inputs.rank`: the input is not known here
