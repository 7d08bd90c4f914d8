"""The values of number arguments the generated test uses: a sample for a required one, a
value `__init__` must refuse, and candidates other than the default, each within the
argument's `min` and `max`. In: the argument's spec. Out: plain Python values.
(`argument_types` puts them in its table, one entry per type.)"""

from __future__ import annotations

from collections.abc import Iterator

from layergen.spec.sections import ArgumentSpec


def nothing(*_: object) -> None:
    return None


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def sample_int(arg: ArgumentSpec, sizes: Iterator[int]) -> int:
    value = next(sizes)
    if arg.max is not None and value > arg.max:
        value = int(arg.max)
    if arg.min is not None and value < arg.min:
        value = int(arg.min)
    return value


def sample_float(arg: ArgumentSpec, sizes: Iterator[int]) -> float:
    low = arg.min if arg.min is not None else (arg.max - 1 if arg.max is not None else 0.0)
    high = arg.max if arg.max is not None else low + 1.0
    return float(low + high) / 2


def invalid_int(arg: ArgumentSpec) -> int | str:
    if arg.min is not None:
        return int(arg.min) - 1
    if arg.max is not None:
        return int(arg.max) + 1
    return "three"


def invalid_float(arg: ArgumentSpec) -> float | str:
    if arg.min is not None:
        return arg.min - max(1.0, abs(arg.min))
    if arg.max is not None:
        return arg.max + max(1.0, abs(arg.max))
    return "half"


def other_ints(arg: ArgumentSpec, default: object) -> list[object]:
    return [default + 1, default - 1, default + 2] if isinstance(default, int) else []


def other_floats(arg: ArgumentSpec, default: object) -> list[object]:
    if not isinstance(default, (int, float)):
        return []
    low = arg.min if arg.min is not None else default - 1.0
    high = arg.max if arg.max is not None else default + 1.0
    return [(default + high) / 2, (default + low) / 2]
