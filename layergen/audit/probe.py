"""Runs in the fresh process `layergen audit` starts (`python -m layergen.audit.probe REQUEST
RESULTS`): imports the module, and for each class picks arguments and inputs, makes the layer,
and runs the layer contract's checks on it. The only part of `layergen audit` that imports Keras.

It writes one JSON object a line to RESULTS as it goes (`phase` lines say where it is, so a
hang is located), and never writes to standard output: what the layer prints is captured.
"""

from __future__ import annotations

import contextlib
import importlib
import inspect
import io
import json
import os
import sys
import tempfile
import traceback
from pathlib import Path
from types import ModuleType
from typing import Any

from layergen.audit.findings import JsonObject
from layergen.audit.probe_checks import CHECKED_TESTS, describe_failure
from layergen.audit.probe_contract import HandWrittenCell, InferredShapes, InheritedInit, cell_data
from layergen.audit.probe_inputs import (
    CannotRun,
    InputSpecs,
    LayerType,
    arguments_for,
    arrays_of,
    cell_sizes,
    inherited,
    inputs_and_outputs,
    positional,
)
from layergen.records import frozen_record

_BASE_ARGUMENTS = {"name", "dtype", "trainable", "autocast", "activity_regularizer", "input_shape", "input_dim"}


class _Results:
    def __init__(self, path: str):
        self.file = open(path, "a", encoding="utf-8")  # noqa: SIM115 - open for the whole run

    def emit(self, **data: object) -> None:
        self.file.write(json.dumps(data, default=repr) + "\n")
        self.file.flush()


def main(request_path: str, results_path: str) -> None:
    request = json.loads(Path(request_path).read_text(encoding="utf-8"))
    results = _Results(results_path)
    printed = io.StringIO()
    results.emit(event="phase", phase="importing the module")
    try:
        with contextlib.redirect_stdout(printed):
            module = _import(request)
    except BaseException as exc:  # noqa: BLE001 - anything the module does is reported
        results.emit(event="import-failed", message=_one_line(exc), line=_line_in(exc, request["file"]))
        return
    _report_printed(results, None, printed, "importing the module")
    for name in request["classes"]:
        results.emit(event="start", layer=name)
        try:
            findings = _audit_class(module, name, request, results)
        except CannotRun as exc:
            results.emit(event="cannot-run", layer=name, message=exc.reason, line=exc.line)
            continue
        except BaseException as exc:  # noqa: BLE001
            results.emit(event="cannot-run", layer=name, message=_one_line(exc), line=_line_in(exc, request["file"]))
            continue
        results.emit(event="done", layer=name, findings=findings)


def _import(request: JsonObject) -> ModuleType:
    file = Path(request["file"]).resolve()
    name = request["module"]
    folder = str(file.parent) if "." not in name else os.getcwd()
    if folder not in sys.path:
        sys.path.insert(0, folder)
    # The fresh process that loads .keras files imports the module by this name too.
    os.environ["PYTHONPATH"] = os.pathsep.join([folder, *os.environ.get("PYTHONPATH", "").split(os.pathsep)])
    return importlib.import_module(name)


def _audit_class(module: ModuleType, name: str, request: JsonObject, results: _Results) -> list[JsonObject]:
    import keras

    cls = getattr(module, name, None)
    if not (inspect.isclass(cls) and issubclass(cls, keras.layers.Layer)):
        raise CannotRun(f"{name} is not a keras.layers.Layer subclass once imported (is it a Keras 2 layer?)")
    file = request["file"]
    findings: list[JsonObject] = []
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        kwargs = arguments_for(cls, request["arguments"])
        results.emit(event="phase", phase="making the layer")
        try:
            sizes = cell_sizes(cls(**kwargs))  # an RNN cell runs as keras.layers.RNN calls it
        except Exception as exc:
            line = _line_in(exc, file)
            return [_finding("crashes", line, f"the constructor raises {_one_line(exc)} with {kwargs!r}; fix it")]
        results.emit(event="phase", phase="calling the layer")
        inputs, outcome = inputs_and_outputs(cls, kwargs, request, sizes)
        if isinstance(outcome, BaseException):
            hint = "" if request["input_shapes"] else " (if it needs other inputs, pass --input-shape)"
            message = f"calling the layer raises {_one_line(outcome)}{hint}"
            return [_finding("crashes", _line_in(outcome, file), message)]
        assert inputs is not None  # the layer ran on them
        cell = sizes is not None
        findings += _untracked(cls(**kwargs), inputs, cell)
        contract = _contract(cls, kwargs, Probed(inputs, outcome, cell), request)
        findings += _run_checks(contract, file, results)
    _report_printed(results, name, printed, "running the layer")
    return findings


def _finding(check: str, line: int | None, message: str, **where: str) -> JsonObject:
    return {"check": check, "line": line, "message": message, **where}


def _untracked(layer: Any, inputs: InputSpecs, cell: bool) -> list[JsonObject]:
    """Attributes holding a tensor or a backend variable that is not one of the layer's weights."""
    import keras
    import numpy as np

    layer(*positional(arrays_of(inputs, np), cell))
    tracked = {id(w) for w in layer.weights} | {id(getattr(w, "value", None)) for w in layer.weights}
    found = []
    for attribute, value in vars(layer).items():
        if attribute.startswith("_") or id(value) in tracked or isinstance(value, keras.Variable):
            continue
        kind = type(value).__name__
        if "Variable" in kind or kind == "Parameter":
            message = (
                f"`self.{attribute}` is a {kind} that Keras 3 does not track: it is not in `layer.weights`, no "
                "optimizer trains it and saving skips it; make it with `self.add_weight` in build"
            )
            found.append(_finding("untracked-variable", None, message, attribute=attribute))
    return found


@frozen_record
class Probed:
    """What the layer ran on, what it returned, and whether it is an RNN cell (called with
    its states as one list)."""

    inputs: InputSpecs
    outputs: Any
    cell: bool


def _contract(cls: LayerType, kwargs: dict[str, object], probed: Probed, request: JsonObject) -> type[Any]:
    import keras

    from layergen.testing import Input, LayerContract
    from layergen.testing.values import Output, as_list, layers_in

    inputs, outputs = probed.inputs, probed.outputs
    layer = cls(**kwargs)
    layer(*positional(arrays_of(inputs, __import__("numpy")), probed.cell))
    sublayers = [
        attribute
        for attribute, value in vars(layer).items()
        if not attribute.startswith("_")
        and layers_in(value)
        and all(isinstance(v, keras.layers.Layer) for v in layers_in(value) if v is not None)
    ]
    theirs = {id(w) for a in sublayers for sub in layers_in(getattr(layer, a)) for w in sub.weights}
    own = [w for w in layer.weights if id(w) not in theirs]
    outputs_list = as_list(outputs)
    data = {
        "layer_class": cls,
        "init_kwargs": kwargs,
        "inputs": [Input(n, s, d, range(0, top) if "int" in d else None) for n, s, d, top in inputs],
        "trainable": [w.name for w in own if w.trainable],
        "non_trainable": [w.name for w in own if not w.trainable],
        "regularized": [w.name for w in own if w.trainable and w.regularizer is not None],
        "state": _state_weights(cls, kwargs, probed, own),
        "sublayers": sublayers,
        "fresh_process_timeout": float(request["timeout"]),
        # Left out of the config: None (starting values the saved weights restore, as array
        # arguments), and keras.layers.Layer's own arguments the base config does not keep.
        "array_arguments": [
            k for k, v in kwargs.items() if (v is None or k in _BASE_ARGUMENTS) and k not in layer.get_config()
        ],
    }
    dtypes = [keras.backend.standardize_dtype(o.dtype) for o in outputs_list]
    compute = layer.compute_dtype
    # An output that stays float32 under mixed_float16 is taken as declared so (a statistic kept
    # in float32); one that fails there is the contract's to report.
    mixed = _mixed_dtypes(cls, kwargs, probed)
    if len(mixed) == len(dtypes):
        dtypes = [d if d != compute or m != "float32" else "float32!" for d, m in zip(dtypes, mixed, strict=True)]
    if isinstance(outputs, (list, tuple)):
        data["outputs"] = [  # "float32!": declared float32, whatever the policy
            Output(f"output_{i}", tuple(o.shape), _declared(d, compute))
            for i, (o, d) in enumerate(zip(outputs_list, dtypes, strict=True))
        ]
    else:
        data["output_shape"] = tuple(outputs.shape)
        data["output_dtype"] = _declared(dtypes[0], compute)
    bases: tuple[type, ...] = (LayerContract,)
    if probed.cell:
        data.update(cell_data(layer))
        bases = (HandWrittenCell, *bases)
    if inherited(cls.compute_output_shape):
        bases = (InferredShapes, *bases)  # Keras infers the shape by tracing call
    if inherited(cls.__init__):
        bases = (InheritedInit, *bases)
    return type(f"Audit{cls.__name__}", bases, data)


def _declared(dtype: str, compute: str) -> str | None:
    if dtype.endswith("!"):
        return dtype[:-1]
    return None if dtype == compute else dtype


def _mixed_dtypes(cls: LayerType, kwargs: dict[str, object], probed: Probed) -> list[str]:
    """The outputs' dtypes under mixed_float16; [] when the layer fails there."""
    import keras
    import numpy as np

    from layergen.testing.values import as_list

    try:
        layer = cls(**kwargs, dtype="mixed_float16")
        outputs = as_list(layer(*positional(arrays_of(probed.inputs, np), probed.cell)))
    except Exception:
        return []
    return [keras.backend.standardize_dtype(o.dtype) for o in outputs]


def _state_weights(cls: LayerType, kwargs: dict[str, object], probed: Probed, own: list[Any]) -> list[str]:
    """Non-trainable weights that a call in training changes."""
    import numpy as np

    if "training" not in inspect.signature(cls.call).parameters or not any(not w.trainable for w in own):
        return []
    layer = cls(**kwargs)
    arrays = positional(arrays_of(probed.inputs, np), probed.cell)
    layer(*arrays)
    frozen = [w for w in layer.weights if not w.trainable]
    before = [np.array(w.numpy()) for w in frozen]
    layer(*arrays, training=True)
    names = {w.name for w in own}
    return [
        w.name for w, old in zip(frozen, before, strict=True) if w.name in names and not np.array_equal(old, w.numpy())
    ]


def _run_checks(contract: type[Any], file: str, results: _Results) -> list[JsonObject]:
    import pytest

    from layergen.testing.base import NotApplicable

    findings = []
    instance = contract()
    for test in CHECKED_TESTS:
        method = getattr(contract, test, None)
        if method is None or isinstance(method, NotApplicable):
            continue
        results.emit(event="phase", phase=test)
        bound = getattr(instance, test)
        try:
            with tempfile.TemporaryDirectory() as folder:
                if "tmp_path" in inspect.signature(bound).parameters:
                    bound(Path(folder))
                else:
                    bound()
        except pytest.skip.Exception:
            continue
        except (Exception, pytest.fail.Exception) as exc:
            check, message, where = describe_failure(test, _failure_text(exc), contract)
            findings.append(_finding(check, _line_in(exc, file), message, **where))
    return findings


def _report_printed(results: _Results, layer: str | None, printed: io.StringIO, phase: str) -> None:
    text = printed.getvalue()
    if text.strip():
        results.emit(event="printed", layer=layer, phase=phase, text=text[:200])


def _failure_text(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    if not isinstance(exc, AssertionError):
        text = f"{type(exc).__name__}: {text}"
    return text


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    if len(text) > 300:
        text = text[:297] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _line_in(exc: BaseException, file: str) -> int | None:
    """The last line of the traceback that is in the audited file."""
    target = os.path.realpath(file)
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if os.path.realpath(frame.filename) == target:
            line = frame.lineno
    if line is None and isinstance(exc, SyntaxError) and exc.filename and os.path.realpath(exc.filename) == target:
        line = exc.lineno
    return line


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    main(sys.argv[1], sys.argv[2])
