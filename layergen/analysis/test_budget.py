"""What the generated test costs, checked before anything of that size is made.

The test runs on any laptop, often several at once, so it has a budget: each tensor it
makes (an input, an output, a weight, a constant, a sub-layer's weights), all of them
together, the numbers layergen writes into it as one literal, and the sub-layers it
creates. Each cost is computed from the test sizes by arithmetic on the shape alone;
nothing is built to find out.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from layergen.analysis import expressions
from layergen.analysis.context import BATCH, ELLIPSIS, Context
from layergen.records import field, record
from layergen.spec.sections import SubLayerSpec
from layergen.spec.source import Path_

# The most memory one tensor of the generated test may take, and all of them together.
TEST_TENSOR_BUDGET = 64 * 2**20
TEST_TOTAL_BUDGET = 256 * 2**20
# The most numbers layergen writes into the generated test as one literal (a shaped
# constant's test value): as many values as a spec itself may hold.
TEST_LITERAL_LIMIT = 10_000
# The most sub-layers the generated test's layer may hold (`repeat` counts each).
TEST_SUBLAYER_LIMIT = 100
# What the test's `...` stands for (test_plan uses it for every shape).
ELLIPSIS_SIZES = (15,)
# Sub-layer arguments that take integers which size nothing.
_NOT_SIZES = frozenset({"seed"})


def elements(shape: Sequence[int]) -> int:
    """How many numbers a tensor of `shape` holds (the product, never built)."""
    return math.prod(shape)


def itemsize(dtype: str | None) -> int:
    """Bytes per element: from the dtype's bits (`float16` -> 2); float32 by default."""
    bits = re.search(r"\d+", dtype if dtype and dtype != "float" else "float32")  # float8_e4m3fn: the first number
    return max(int(bits[0]) // 8, 1) if bits else 1  # bool: one byte


def _mib(size_bytes: int) -> str:
    """Bytes in MiB, rounded; integer arithmetic, since a product of sizes can pass any float."""
    mib = (size_bytes + 2**19) // 2**20
    return f"{mib:,} MiB" if mib < 10**30 else f"{number_text(mib)} MiB"


def number_text(value: int) -> str:
    """An integer for a message: huge ones by their size, which also keeps clear of Python's
    limit on converting integers of over 4,300 digits to text."""
    if abs(value) < 10**30:
        return str(value)
    digits = value.bit_length() * 30103 // 100000  # log10(2): one short at most
    while 10**digits <= abs(value):
        digits += 1
    return f"a {digits}-digit number"


@record
class TestBudget:
    """The memory the generated test's tensors take; each is checked as it is added, and
    `check_total` checks them together."""

    context: Context
    costs: list[tuple[int, str, Path_]] = field(default_factory=list)  # (bytes, what, path)

    def tensor(self, what: str, shape: Sequence[int], dtype: str | None, path: Path_, *, count: int = 1) -> bool:
        """A tensor of the test (`count` of them: a repeated sub-layer's); False (and a
        problem) when one is over the budget."""
        size_bytes = elements(shape) * itemsize(dtype)
        self.costs.append((size_bytes * count, what, path))
        if size_bytes > TEST_TENSOR_BUDGET:
            self.context.problem(
                path,
                f"the test's {what} of shape {tuple(shape)} would take {_mib(size_bytes)}, over the"
                f" {TEST_TENSOR_BUDGET // 2**20} MiB a test tensor may take; set smaller sizes in `test`",
            )
            return False
        return True

    def check_total(self) -> None:
        """All the test's tensors together must fit; the problem is put on the largest."""
        total = sum(cost for cost, _, _ in self.costs)
        if total <= TEST_TOTAL_BUDGET or any(cost > TEST_TENSOR_BUDGET for cost, _, _ in self.costs):
            return  # each tensor over the budget is reported already
        largest, what, path = max(self.costs, key=lambda c: c[0])
        self.context.problem(
            path,
            f"the test's tensors together would take {_mib(total)}, over the {TEST_TOTAL_BUDGET // 2**20} MiB"
            f" a test may take; the largest is its {what} ({_mib(largest)}); set smaller sizes in `test`",
        )


def check_literal(context: Context, name: str, shape: tuple[int, ...], path: Path_) -> bool:
    """A shaped constant's test value is written into the test as numbers; False (and a
    problem) when there would be too many."""
    count = elements(shape)
    if count <= TEST_LITERAL_LIMIT:
        return True
    context.problem(
        path,
        f"the test's value of constant {name!r} would be {number_text(count)} numbers of shape {shape}"
        f" written into the test, over the {TEST_LITERAL_LIMIT:,} a test may hold; give one number in"
        f" `test.arguments.{name}` (broadcast to the shape) or set smaller sizes",
    )
    return False


def check_sublayers(context: Context, scope: dict[str, int], budget: TestBudget) -> None:
    """The sub-layers the test makes: at most `TEST_SUBLAYER_LIMIT` (`repeat` counts each),
    and the weights their integer arguments imply (e.g. a Dense's `units` times its input
    size) within the budget."""
    total, reported = 0, False
    for name, sub in context.spec.layers.items():
        path = ("layers", name)
        count = 1
        if sub.repeat is not None:
            count = max(_value(sub.repeat, scope) or 0, 0)
            if count > TEST_SUBLAYER_LIMIT:
                context.problem(
                    path + ("repeat",),
                    f"is {number_text(count)} in the test, over the {TEST_SUBLAYER_LIMIT} sub-layers a test may make;"
                    " set a smaller value in `test.arguments`",
                )
                reported = True
                continue
        total += count
        sizes = _weight_sizes(context, sub, scope)
        if len(sizes) == 2 and count:
            what = f"sub-layer {name!r} (weights sized by its integer arguments and input)"
            budget.tensor(what, sizes, None, path + ("arguments",) if sub.arguments else path, count=count)
    if total > TEST_SUBLAYER_LIMIT and not reported:
        context.problem(
            ("layers",),
            f"the test's layer would hold {number_text(total)} sub-layers, over the {TEST_SUBLAYER_LIMIT} a test may make;"
            " set smaller `repeat` values in `test.arguments`",
            key=True,
        )


def _weight_sizes(context: Context, sub: SubLayerSpec, scope: dict[str, int]) -> tuple[int, ...]:
    """The two largest sizes a sub-layer's weights have at least: its integer arguments
    (`units`, `input_dim` and `output_dim`, ...) and, when it has fewer than two, the last
    axis of the shape it is built with (a Dense's kernel is that by `units`)."""
    sizes = []
    for param, value in sub.arguments.items():
        if param not in _NOT_SIZES:
            sizes += _argument_integers(context, value, scope)
    if len(sizes) < 2:
        sizes += _build_last_axes(context, sub, scope)
    sizes = sorted((s for s in sizes if s > 1), reverse=True)[:2]
    return tuple(sizes) if len(sizes) == 2 else ()


def _argument_integers(context: Context, value: object, scope: dict[str, int]) -> list[int]:
    """The integers a sub-layer argument gives in the test: a literal, integers in a list,
    or `$expression` / `$name` with the test values."""
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, int) and not isinstance(v, bool)]
    if isinstance(value, str) and value.startswith("$"):
        text = value[1:].strip()
        constant = context.spec.constants.get(text)
        if constant is not None:
            return _argument_integers(context, constant.value, scope) if not isinstance(constant.value, str) else []
        found = _value(text, scope)
        return [found] if found is not None else []
    return []


def _build_last_axes(context: Context, sub: SubLayerSpec, scope: dict[str, int]) -> list[int]:
    shapes: list[Sequence[int | str | expressions.Expression]]
    if sub.build is None:
        shapes = [context.inputs[0].items] if context.inputs else []
    elif isinstance(sub.build, list):
        shapes = [sub.build]
    else:
        shapes = list(sub.build.values())
    sizes = []
    for shape in shapes:
        last = shape[-1] if shape else None
        if last == ELLIPSIS:
            sizes.append(ELLIPSIS_SIZES[-1])
        elif last is not None and last != BATCH:
            found = _value(last, scope)
            if found is not None:
                sizes.append(found)
    return sizes


def _value(item: int | str | expressions.Expression, scope: dict[str, int]) -> int | None:
    """An integer expression's test value; None where it has none (reported elsewhere)."""
    try:
        expression = item if isinstance(item, expressions.Expression) else expressions.parse(item)
        return expression.evaluate(scope)
    except (expressions.ExpressionError, KeyError, ZeroDivisionError):
        return None
