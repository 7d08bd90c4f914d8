"""Runs `probe.py` on one module in a fresh Python process with a time limit, and turns what
it reports into findings located in the class. layergen's own process imports no backend.

The probe writes a line per event to a results file; a class that hangs is killed at its
time limit, reported (with the step it was in), and the classes after it run in a new process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from layergen.audit.findings import CouldNotRun, Finding, JsonObject
from layergen.audit.source import LayerClass, LayerModule
from layergen.records import field, record

_IMPORT_ALLOWANCE = 120.0  # seconds to start Python and import Keras and the module, beyond --timeout


@record
class RunOptions:
    arguments: dict[str, object] = field(default_factory=dict)
    input_shapes: list[list[int]] = field(default_factory=list)
    input_dtype: str | None = None  # None: float32, else int32 when no float input works
    input_max: int | None = None  # integer inputs stay below it; None: 0 and 1 only, unless --input-dtype
    timeout: float = 300.0  # seconds per class


def dynamic_findings(module: LayerModule, layers: list[LayerClass], options: RunOptions) -> list[Finding | CouldNotRun]:
    """What running each class shows; a CouldNotRun for a class (or the module) that cannot run."""
    by_name = {layer.name: layer for layer in layers}
    pending = [layer.name for layer in layers]
    found: list[Finding | CouldNotRun] = []
    while pending:
        events, hung = _run_probe(module, pending, options)
        done = []
        for event in events:
            kind = event.get("event")
            if kind == "import-failed":
                return [CouldNotRun(module.shown, event.get("line"), f"importing it fails: {event['message']}")]
            name = event.get("layer")
            layer = by_name.get(name) if name else None
            if kind == "printed":
                found.append(_printed(module, layer, event))
            if layer is None:
                continue
            if kind == "cannot-run":
                found.append(CouldNotRun(module.shown, event.get("line") or layer.line, f"{name}: {event['message']}"))
                done.append(name)
            elif kind == "done":
                found += [_locate(module, layer, raw) for raw in event["findings"]]
                done.append(name)
        if hung is not None:
            layer_name, phase = hung
            layer = by_name.get(layer_name) if layer_name else None
            if layer is None:
                reason = f"importing it did not finish in {_IMPORT_ALLOWANCE:.0f} s (does it run code at import?)"
                return [*found, CouldNotRun(module.shown, None, reason)]
            message = f"{layer.name} did not finish {phase} in {options.timeout:.0f} s; a layer must not block or loop"
            found.append(Finding(module.shown, layer.line, "hangs", message, layer.name))
            done.append(layer.name)
        remaining = [name for name in pending if name not in done]
        if remaining == pending:
            last = next((e["message"] for e in events if e.get("event") == "crashed"), "no output")
            reason = f"the audit process stopped without an answer (its last words: {last})"
            return [*found, CouldNotRun(module.shown, None, reason)]
        pending = remaining
    return found


def _run_probe(
    module: LayerModule, classes: list[str], options: RunOptions
) -> tuple[list[JsonObject], tuple[str | None, str] | None]:
    """The probe's events, and (class, phase) if it had to be killed."""
    with tempfile.TemporaryDirectory(prefix="layergen-audit-") as folder:
        request = Path(folder) / "request.json"
        results = Path(folder) / "results.jsonl"
        results.touch()
        request.write_text(json.dumps(_request(module, classes, options)), encoding="utf-8")
        stderr = Path(folder) / "stderr.txt"
        env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "3")}
        with open(stderr, "wb") as err:
            process = subprocess.Popen(
                [sys.executable, "-m", "layergen.audit.probe", str(request), str(results)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
                env=env,
            )
            hung = _wait(process, results, options.timeout)
        events = _read_events(results)
        if process.returncode not in (0, None) and hung is None and not any(e.get("event") == "done" for e in events):
            tail = stderr.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-1:] or ["(no output)"]
            events.append({"event": "crashed", "message": tail[0]})
            layer, phase = _current(events)
            if layer is not None:  # the class killed the process: a crash of the class, not of the audit
                code = process.returncode
                how = f"signal {-code}" if code < 0 else f"exit status {code}"
                message = f"the Python process died while {phase} ({how}); a layer must not exit or crash Python"
                died = {"check": "crashes", "line": None, "message": message, "at": "class"}
                events.append({"event": "done", "layer": layer, "findings": [died]})
        return events, hung


def _request(module: LayerModule, classes: list[str], options: RunOptions) -> JsonObject:
    return {
        "file": str(module.path),
        "module": _module_name(module.path),
        "classes": classes,
        "arguments": options.arguments,
        "input_shapes": options.input_shapes,
        "input_dtype": options.input_dtype or "float32",
        "dtype_given": options.input_dtype is not None,
        "input_max": options.input_max or 10,
        "max_given": options.input_max is not None,
        "timeout": options.timeout,
    }


def _module_name(path: Path) -> str:
    """A dotted name from the current folder when the path allows one, else the file's stem
    (its folder then goes on sys.path)."""
    try:
        parts = path.resolve().relative_to(Path.cwd().resolve()).with_suffix("").parts
    except ValueError:
        return path.stem
    if all(part.isidentifier() for part in parts):
        return ".".join(parts)
    return path.stem


def _wait(process: subprocess.Popen[bytes], results: Path, timeout: float) -> tuple[str | None, str] | None:
    """Wait for the probe; kill it when a class (or the import) runs past its limit."""
    started = time.monotonic()
    seen = 0
    current: tuple[str | None, str] = (None, "importing the module")
    while process.poll() is None:
        time.sleep(0.2)
        events = _read_events(results)
        if len(events) > seen:
            newest = _current(events)
            if newest[0] != current[0]:
                started = time.monotonic()
            current, seen = newest, len(events)
        limit = timeout if current[0] is not None else _IMPORT_ALLOWANCE
        if time.monotonic() - started > limit:
            process.kill()
            process.wait()
            return current
    return None


def _current(events: list[JsonObject]) -> tuple[str | None, str]:
    layer: str | None = None
    phase = "importing the module"
    for event in events:
        if event.get("event") == "start":
            layer, phase = event["layer"], "making the layer"
        elif event.get("event") == "phase":
            phase = event["phase"]
        elif event.get("event") in ("done", "cannot-run"):
            layer = None
    return layer, phase


def _read_events(results: Path) -> list[JsonObject]:
    events = []
    for line in results.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            break  # a line still being written
    return events


def _locate(module: LayerModule, layer: LayerClass, raw: JsonObject) -> Finding:
    """The line a finding of the run points at: the traceback's line in the class, the
    `self.<attribute>` assignment, the weight's add_weight call, or the method."""
    line = raw.get("line")
    if line is None and raw.get("attribute"):
        line = layer.assigned.get(raw["attribute"])
    if line is None and raw.get("weight"):
        line = layer.weight_lines.get(raw["weight"].split("/")[-1])
    if line is None and raw.get("at") and raw["at"] != "class":
        line = layer.method_line(raw["at"])
    return Finding(module.shown, line or layer.line, raw["check"], raw["message"], layer.name)


def _printed(module: LayerModule, layer: LayerClass | None, event: JsonObject) -> Finding:
    text = " ".join(str(event.get("text", "")).split())[:60]
    where = f"{layer.name} prints" if layer else "the module prints"
    message = (
        f"{where} while {event.get('phase')} ({text!r}); a layer that prints floods logs and prints only when "
        "traced inside a model; remove it or use logging"
    )
    line = layer.line if layer else 1
    for node_line in _print_lines(module, layer):
        line = node_line
        break
    return Finding(module.shown, line, "prints", message, layer.name if layer else "")


def _print_lines(module: LayerModule, layer: LayerClass | None) -> list[int]:
    import ast

    scope = layer.node if layer is not None else module.tree
    return sorted(
        n.lineno
        for n in ast.walk(scope)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "print"
    )
