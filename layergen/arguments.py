"""What each argument type accepts: the check `__init__` runs, the message it raises, and
the values the generated test passes (valid, other than the default, and invalid)."""

from __future__ import annotations

from layergen.layer_model import Check
from layergen.pycode import message
from layergen.spec import ArgumentSpec


def argument_check(name: str, arg: ArgumentSpec) -> Check | None:
    condition = invalid_condition(name, arg)
    if condition is None:
        return None
    if not arg.required and arg.default is None:
        condition = f"{name} is not None and ({condition})"
    return Check(condition, message(f"`{name}` must be {requirement(arg)}. ", f"Received: {name}={{{name}!r}}"))


def invalid_condition(name: str, arg: ArgumentSpec) -> str | None:
    element_type = arg.type.removeprefix("list[").removesuffix("]")
    is_list = arg.type.startswith("list[")
    value = "v" if is_list else name
    if arg.choices is not None:
        condition = f"{value} not in {tuple(arg.choices)!r}"
    else:
        parts = [
            {
                "int": "not isinstance({v}, int) or isinstance({v}, bool)",
                "float": "not isinstance({v}, (int, float)) or isinstance({v}, bool)",
                "bool": "not isinstance({v}, bool)",
                "str": "not isinstance({v}, str)",
            }[element_type].format(v=value)
        ]
        if arg.min is not None:
            parts.append(f"{value} < {arg.min!r}")
        if arg.max is not None:
            parts.append(f"{value} > {arg.max!r}")
        condition = " or ".join(parts)
    if is_list:
        return f"not isinstance({name}, (list, tuple)) or any({condition} for v in {name})"
    return condition


def requirement(arg: ArgumentSpec) -> str:
    """How the error message says what a valid value is: "a positive integer"."""
    if arg.choices is not None:
        return "one of " + ", ".join(repr(c) for c in arg.choices)
    element = arg.type.removeprefix("list[").removesuffix("]")
    if element == "activation":
        return 'a Keras activation (a name such as "relu", or a callable)'
    noun = {"int": "integer", "float": "number", "bool": "boolean", "str": "string", "array": "array"}[element]
    if element == "int" and arg.min == 1 and arg.max is None:
        text = "a positive integer"
    elif element == "int" and arg.min == 0 and arg.max is None:
        text = "a non-negative integer"
    elif arg.min is not None and arg.max is not None:
        text = f"a{'n' if noun[0] in 'aeiou' else ''} {noun} between {arg.min} and {arg.max}"
    elif arg.min is not None:
        text = f"a{'n' if noun[0] in 'aeiou' else ''} {noun} >= {arg.min}"
    elif arg.max is not None:
        text = f"a{'n' if noun[0] in 'aeiou' else ''} {noun} <= {arg.max}"
    else:
        text = f"a{'n' if noun[0] in 'aeiou' else ''} {noun}"
    if arg.type.startswith("list["):
        text = f"a list of {text.split(' ', 1)[1].replace(noun, noun + 's', 1)}"
    if not arg.required and arg.default is None:
        text = "None or " + text
    return text


def value_fits(arg: ArgumentSpec, value) -> bool:
    if value is None:
        return not arg.required and arg.default is None
    items = value if arg.type.startswith("list[") else [value]
    if arg.type.startswith("list[") and not isinstance(value, list):
        return False
    element = arg.type.removeprefix("list[").removesuffix("]")
    for v in items:
        if element == "activation" and not isinstance(v, str):
            return False
        if element == "int" and (not isinstance(v, int) or isinstance(v, bool)):
            return False
        if element == "float" and (not isinstance(v, (int, float)) or isinstance(v, bool)):
            return False
        if element == "bool" and not isinstance(v, bool):
            return False
        if element == "str" and not isinstance(v, str):
            return False
        if arg.min is not None and v < arg.min or arg.max is not None and v > arg.max:
            return False
        if arg.choices is not None and v not in arg.choices:
            return False
    return True


def sample_value(arg: ArgumentSpec, sizes):
    if arg.type == "int":
        value = next(sizes)
        if arg.max is not None and value > arg.max:
            value = int(arg.max)
        if arg.min is not None and value < arg.min:
            value = int(arg.min)
        return value
    if arg.type == "float":
        low = arg.min if arg.min is not None else (arg.max - 1 if arg.max is not None else 0.0)
        high = arg.max if arg.max is not None else low + 1.0
        return float(low + high) / 2
    if arg.type == "bool":
        return True
    if arg.type == "activation":
        return "relu"
    if arg.type == "str":
        return arg.choices[0] if arg.choices else "value"
    single = sample_value(
        ArgumentSpec(type=arg.type.removeprefix("list[").removesuffix("]"), min=arg.min, max=arg.max), sizes
    )
    return [single, single]


def invalid_value(arg: ArgumentSpec):
    """A value `__init__` must refuse, for the generated test; None if every value is valid."""
    if arg.choices is not None:
        return "not-a-choice"
    if arg.type == "int":
        if arg.min is not None:
            return int(arg.min) - 1
        if arg.max is not None:
            return int(arg.max) + 1
        return "three"
    if arg.type == "float":
        if arg.min is not None:
            return arg.min - max(1.0, abs(arg.min))
        if arg.max is not None:
            return arg.max + max(1.0, abs(arg.max))
        return "half"
    if arg.type == "bool":
        return "yes"
    return None


def other_value(arg: ArgumentSpec):
    """A valid value other than the default, for the generated test; None if there is none."""
    default = arg.default
    if arg.type == "bool":
        return not default if isinstance(default, bool) else True
    if arg.choices:
        return next((c for c in arg.choices if c != default), None)
    if arg.type == "activation":
        return "tanh" if default != "tanh" else "relu"
    candidates = []
    if arg.type == "int" and isinstance(default, int):
        candidates = [default + 1, default - 1, default + 2]
    elif arg.type == "float" and isinstance(default, (int, float)):
        low = arg.min if arg.min is not None else default - 1.0
        high = arg.max if arg.max is not None else default + 1.0
        candidates = [(default + high) / 2, (default + low) / 2]
    elif arg.type.startswith("list[") and isinstance(default, list) and default:
        element = ArgumentSpec(type=arg.type[5:-1], min=arg.min, max=arg.max, default=default[0])
        other = other_value(element)
        candidates = [[other] * len(default)] if other is not None else []
    elif arg.type == "str" and isinstance(default, str):
        candidates = [default + "_other"]
    return next((c for c in candidates if c != default and value_fits(arg, c)), None)


def describe_type(arg: ArgumentSpec) -> str:
    text = requirement(arg)
    return text[0].upper() + text[1:] + "."
