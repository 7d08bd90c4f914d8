"""The command line's options of `audit` and `adopt`, read into what the commands take; a bad
option is a one-line error naming it (exit status 2)."""

from __future__ import annotations

from pathlib import Path

from layergen.audit.runner import RunOptions
from layergen.commands.result import CommandResult, Level
from layergen.errors import LayergenError, Problem
from layergen.exit_status import CANNOT_RUN


def run_options(
    arguments: list[str], shapes: list[str], dtype: str | None, top: int | None, timeout: float
) -> RunOptions:
    import yaml

    values = {}
    for given in arguments:
        name, equals, text = given.partition("=")
        if not equals or not name.strip().isidentifier():
            raise _usage("--arg", f"{given!r} is not NAME=VALUE")
        try:
            values[name.strip()] = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise _usage("--arg", f"{name}: {text!r} is not a YAML value ({exc.__class__.__name__})") from None
    parsed = []
    for shape in shapes:
        try:
            sizes = [int(part) for part in shape.replace("(", "").replace(")", "").split(",") if part.strip()]
        except ValueError:
            raise _usage("--input-shape", f"{shape!r} is not sizes separated by commas, e.g. 4,10") from None
        if not sizes or any(size < 1 for size in sizes):
            raise _usage("--input-shape", f"{shape!r} needs positive sizes, the batch first, e.g. 4,10")
        parsed.append(sizes)
    if top is not None and top < 1:
        raise _usage("--input-max", f"is {top}; it must be at least 1")
    if timeout <= 0:
        raise _usage("--timeout", f"is {timeout}; it must be positive")
    return RunOptions(values, parsed, dtype, None if top is None else top + 1, timeout)


class _UsageError(LayergenError):
    """A bad option: the command cannot run."""

    exit_code = CANNOT_RUN


def _usage(option: str, message: str) -> LayergenError:
    return _UsageError(Problem("(command line)", message, field=option))


def run_audit(
    targets: list[str],
    arguments: list[str],
    shapes: list[str],
    dtype: str | None,
    top: int | None,
    timeout: float,
    static: bool,
    as_json: bool,
    quiet: bool = False,
) -> CommandResult:
    from layergen.audit.command import NO_FINDINGS, audit

    result = audit(targets, run_options(arguments, shapes, dtype, top, timeout), run=not static, as_json=as_json)
    if quiet:  # the findings are what was asked for: only the all-clear line goes
        result.lines = [line for line in result.lines if line.text != NO_FINDINGS]
    return result


def run_adopt(
    target: str,
    spec: Path | None,
    arguments: list[str],
    shapes: list[str],
    dtype: str,
    top: int,
    quiet: bool = False,
) -> CommandResult:
    from layergen.audit.adopt import adopt

    options = run_options(arguments, shapes, dtype, top, 1.0)
    dtype = options.input_dtype or "float32"
    result = adopt(target, spec, options.arguments, options.input_shapes, dtype, options.input_max or 10)
    if quiet:  # what was written goes; what was not translated, and problems, stay
        result.lines = [line for line in result.lines if line.level != Level.INFO]
    return result
