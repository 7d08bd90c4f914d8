"""`layergen audit`: what the targets are, the static and the run findings together, and the
result (exit 0: no finding, 1: findings, 2: a target could not be audited)."""

from __future__ import annotations

import json
from pathlib import Path

from layergen.audit.findings import CouldNotRun, Finding, unique
from layergen.audit.runner import RunOptions, dynamic_findings
from layergen.audit.source import LayerClass, LayerModule, read_module
from layergen.audit.static import static_findings
from layergen.commands.result import CommandResult, Level, Line

CANNOT_RUN = 2
# Static findings whose effects the run then shows again, as the checks below.
_ROOT_CAUSES = {"untracked-variable", "constant-as-tensor", "reserved-attribute"}
_CONSEQUENCES = {
    "config",
    "save-weights",
    "mixed-precision",
    "weight-does-not-train",
    "no-gradient",
    "keras-file",
    "symbolic-call",
    "xla",
}
_SKIPPED_FOLDERS = {".git", ".layergen", ".venv", "venv", "__pycache__", "node_modules", ".tox"}


def split_target(target: str) -> tuple[Path, str | None]:
    """`FILE.py:CLASS` -> (FILE.py, CLASS); a file or folder -> (it, None)."""
    head, colon, tail = target.rpartition(":")
    if colon and head.endswith(".py") and tail.isidentifier():
        return Path(head), tail
    return Path(target), None


def collect(target: str) -> list[tuple[LayerModule, list[LayerClass]]]:
    """The modules and classes a target names; CouldNotRun when it names none."""
    path, class_name = split_target(target)
    shown = target.rpartition(":")[0] if class_name else target
    if path.is_dir():
        files = [p for p in sorted(path.rglob("*.py")) if not _SKIPPED_FOLDERS & set(p.relative_to(path).parts[:-1])]
        modules = [read_module(p, p.as_posix()) for p in files]
        found = [(m, m.classes) for m in modules if m.classes]
        if not found:
            raise CouldNotRun(shown, None, "holds no keras.layers.Layer subclass")
        return found
    if not path.is_file():
        raise CouldNotRun(shown, None, "no such file or folder")
    module = read_module(path, shown)
    if class_name is None:
        if not module.classes:
            raise CouldNotRun(shown, None, "defines no keras.layers.Layer subclass")
        return [(module, module.classes)]
    chosen = [c for c in module.classes if c.name == class_name]
    if not chosen:
        names = ", ".join(c.name for c in module.classes) or "none"
        raise CouldNotRun(shown, None, f"defines no Layer subclass {class_name} (its Layer subclasses: {names})")
    return [(module, chosen)]


def audit(targets: list[str], options: RunOptions, *, run: bool = True, as_json: bool = False) -> CommandResult:
    findings: list[Finding] = []
    failures: list[CouldNotRun] = []
    for target in targets:
        try:
            modules = collect(target)
        except CouldNotRun as exc:
            failures.append(exc)
            continue
        for module, layers in modules:
            found = [f for layer in layers for f in static_findings(module, layer)]
            if run:
                ran = dynamic_findings(module, layers, options)
                failures += [r for r in ran if isinstance(r, CouldNotRun)]
                found += _unexplained([r for r in ran if isinstance(r, Finding)], found)
            findings += unique(found)
    return _result(findings, failures, as_json)


def _unexplained(ran: list[Finding], static: list[Finding]) -> list[Finding]:
    """What the run found that the source does not already explain: not at a line with a
    static finding, and not a consequence of an untracked variable or bare tensor of its class."""
    lines = {(f.file, f.line) for f in static}
    rooted = {f.layer for f in static if f.check in _ROOT_CAUSES}
    return [f for f in ran if (f.file, f.line) not in lines and not (f.layer in rooted and f.check in _CONSEQUENCES)]


NO_FINDINGS = "no findings"


def _result(findings: list[Finding], failures: list[CouldNotRun], as_json: bool) -> CommandResult:
    result = CommandResult()
    if as_json:
        data = {
            "findings": [f.as_json() for f in findings],
            "errors": [{"file": e.file, "line": e.line, "reason": e.reason} for e in failures],
        }
        result.info(json.dumps(data, indent=2))
    else:
        for finding in findings:
            result.info(str(finding))
        for failure in failures:
            result.lines.append(Line(str(failure), Level.ERROR))
        if not findings and not failures:
            result.info(NO_FINDINGS)
    result.status = CANNOT_RUN if failures else (1 if findings else 0)
    return result
