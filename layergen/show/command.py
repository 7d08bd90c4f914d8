"""`layergen show SPEC`: the layer's weights, their shapes and the parameter count, as
`model.summary()` gives them, or a diagram of a composite's sub-layers (`--mermaid`).

A generated layer makes the weights its spec declares, and a sub-layer of the project's
own classes those of its spec: `show_weights` computes them without Keras. A sub-layer of
a Keras class (`MultiHeadAttention`) or of an imported module makes weights only Keras
knows; for such a layer this process renders the layer module (and those of the project's
classes it holds) into a temporary folder, and one fresh Python process
(`layergen.show.probe`) builds it there with Keras and lists `layer.weights`, as the
generated tests do. This process imports no backend; the diagram needs no Keras at all.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from layergen.errors import LayergenError, Problem
from layergen.project.settings import Project
from layergen.records import frozen_record
from layergen.render.model import LayerModel
from layergen.render.values import Literal
from layergen.show.options import given_arguments, given_shapes
from layergen.show.weights import NeedsKeras, planned_weights
from layergen.spec.nested_lists import as_tuple
from layergen.spec.sections import LayerSpec

if TYPE_CHECKING:
    from layergen.commands.result import CommandResult

# The fresh process imports Keras and a backend: seconds, more on a busy machine.
PROBE_TIMEOUT = 600


@frozen_record
class Weight:
    path: str  # "kernel", or "attention/query/kernel" for a sub-layer's
    shape: tuple[int, ...]
    dtype: str
    role: str  # the spec's role for the layer's own weights; "trainable" / "non-trainable" for a sub-layer's
    trainable: bool

    @property
    def parameters(self) -> int:
        count = 1
        for size in self.shape:
            count *= size
        return count


@frozen_record
class Request:
    """One layer to build: where its module is, and what to build it with."""

    spec: str  # as the user sees it
    model: LayerModel
    sources: dict[str, str]  # module import path -> rendered source (the layer's and its project classes')
    arguments: dict[str, object]
    inputs: list[tuple[str, tuple[int | None, ...], str]]  # (name, shape with batch, dtype)
    layer_spec: LayerSpec
    project_specs: dict[str, LayerSpec]  # class name -> spec, for the project's classes it holds
    given: tuple[str, ...] = ()  # the arguments given with --arg


@frozen_record
class WeightTable:
    layer: str
    spec: str
    arguments: dict[str, object]
    inputs: list[tuple[str, tuple[int | None, ...], str]]
    weights: list[Weight]
    built_by: str = "spec"  # "spec": computed from the specs; "keras": built in a fresh process

    @property
    def total(self) -> int:
        return sum(w.parameters for w in self.weights)

    @property
    def trainable(self) -> int:
        return sum(w.parameters for w in self.weights if w.trainable)

    def as_json(self) -> dict[str, object]:
        return {
            "layer": self.layer,
            "spec": self.spec,
            "arguments": self.arguments,
            "inputs": {name: list(shape) for name, shape, _ in self.inputs},
            "weights": [
                {
                    "path": w.path,
                    "shape": list(w.shape),
                    "dtype": w.dtype,
                    "role": w.role,
                    "trainable": w.trainable,
                    "parameters": w.parameters,
                }
                for w in self.weights
            ],
            "totals": {
                "parameters": self.total,
                "trainable": self.trainable,
                "non_trainable": self.total - self.trainable,
            },
        }


def make_request(
    spec_path: Path, project: Project, arguments: Sequence[str] = (), input_shapes: Sequence[str] = ()
) -> Request:
    """The layer to build for `spec_path`: the test's arguments and input shapes, with the
    `--arg NAME=VALUE` and `--input-shape [NAME=]SIZES` given instead."""
    from layergen.pipeline import build_model
    from layergen.render.renderer import render_code

    layer_spec, model = build_model(spec_path, project)
    spec = project.display(spec_path)
    sources = {model.layer_import: render_code(model, "layer", project.templates)}
    project_specs: dict[str, LayerSpec] = {}
    _add_project_classes(model, spec_path, project, sources, project_specs)
    given = given_arguments(spec, model, layer_spec, arguments)
    values = {**_test_arguments(model), **given}
    inputs = [(item.name, tuple(item.shape), item.dtype) for item in model.test.inputs]
    shapes = given_shapes(spec, inputs, input_shapes)
    return Request(spec, model, sources, values, shapes, layer_spec, project_specs, tuple(given))


def weight_tables(requests: list[Request], project_root: Path) -> list[WeightTable | LayergenError]:
    """Each request's weights: computed from the specs where they say it all, else built by
    Keras in one fresh process for all those requests; an error for a layer that cannot be
    built (say, an argument its `__init__` refuses)."""
    tables: dict[int, WeightTable | LayergenError] = {}
    for index, request in enumerate(requests):
        try:
            tables[index] = _planned_table(request)
        except NeedsKeras:
            continue
    pending = [index for index in range(len(requests)) if index not in tables]
    if pending:
        tables.update(zip(pending, _keras_tables([requests[i] for i in pending], project_root), strict=True))
    return [tables[index] for index in range(len(requests))]


def _planned_table(request: Request) -> WeightTable:
    """The table from the specs alone; `NeedsKeras` where only Keras can say."""
    generated = [name for name in request.given if name not in request.layer_spec.arguments]
    if generated:  # an initializer, a regularizer, a seed: Keras checks the value
        raise NeedsKeras(f"argument {generated[0]!r} is checked by Keras")
    shapes = [shape for _, shape, _ in request.inputs]
    planned = planned_weights(request.layer_spec, request.arguments, shapes, request.project_specs.get)
    weights = [Weight(w.path, w.shape, w.dtype, w.role, w.trainable) for w in planned]
    return WeightTable(request.model.class_name, request.spec, request.arguments, request.inputs, weights)


def _keras_tables(requests: list[Request], project_root: Path) -> list[WeightTable | LayergenError]:
    """The requests' weights as Keras lists them, built in one fresh process."""
    with tempfile.TemporaryDirectory(prefix="layergen-show-") as folder:
        payload = []
        for request in requests:
            for module, source in request.sources.items():
                _write_module(Path(folder), module, source)
            payload.append(
                {
                    "module": request.model.layer_import,
                    "class": request.model.class_name,
                    "arguments": request.arguments,
                    "inputs": [[name, list(shape), dtype] for name, shape, dtype in request.inputs],
                    "grouped_states": bool(request.model.cell and request.model.cell.several),  # a cell's states
                }
            )
        answers = _run_probe(folder, payload, project_root)
    tables: list[WeightTable | LayergenError] = []
    for request, answer in zip(requests, answers, strict=True):
        if "error" in answer:
            tables.append(LayergenError(Problem(request.spec, f"Keras cannot build the layer: {answer['error']}")))
            continue
        roles = {w.name: w.role for w in request.model.weights}
        weights = [
            Weight(
                path=item["path"],
                shape=tuple(item["shape"]),
                dtype=item["dtype"],
                role=roles.get(item["path"]) or ("trainable" if item["trainable"] else "non-trainable"),
                trainable=item["trainable"],
            )
            for item in answer["weights"]
        ]
        table = WeightTable(request.model.class_name, request.spec, request.arguments, request.inputs, weights, "keras")
        if table.total != answer["count_params"]:  # a weight Keras counts twice or not at all
            raise AssertionError(f"{request.spec}: {table.total} parameters, Keras counts {answer['count_params']}")
        tables.append(table)
    return tables


def format_table(table: WeightTable) -> list[str]:
    """The weights as an aligned table, with the totals `model.summary()` prints."""
    arguments = ", ".join(f"{name}={value!r}" for name, value in table.arguments.items())
    inputs = ", ".join(f"{name} {_shape_text(shape)}" for name, shape, _ in table.inputs)
    lines = [f"{table.layer} ({table.spec})", f"arguments: {arguments or 'none'}", f"inputs: {inputs}", ""]
    header = ("path", "shape", "dtype", "role", "trainable", "parameters")
    rows = [
        (w.path, _shape_text(w.shape), w.dtype, w.role, "yes" if w.trainable else "no", f"{w.parameters:,}")
        for w in table.weights
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=False)]
        lines.append("  ".join([*cells, row[-1].rjust(widths[-1])]).rstrip())
    if not rows:
        lines.append("(no weights)")
    lines += [
        "",
        f"Total params: {table.total:,}",
        f"Trainable params: {table.trainable:,}",
        f"Non-trainable params: {table.total - table.trainable:,}",
    ]
    return lines


def _shape_text(shape: Sequence[int | None]) -> str:
    return (
        "("
        + ", ".join("None" if size is None else str(size) for size in shape)
        + ("," if len(shape) == 1 else "")
        + ")"
    )


def _write_module(folder: Path, module: str, source: str) -> None:
    """`source` as module `module` under `folder`, with its packages; each package also
    reaches the project's own package of that name, so its other modules still import."""
    parts = module.split(".")
    package = folder
    for part in parts[:-1]:
        package = package / part
        package.mkdir(exist_ok=True)
        init = package / "__init__.py"
        if not init.exists():
            init.write_text("import pkgutil\n\n__path__ = pkgutil.extend_path(__path__, __name__)\n")
    (package / f"{parts[-1]}.py").write_text(source)


def _run_probe(folder: str, payload: list[dict[str, Any]], project_root: Path) -> list[dict[str, Any]]:
    # Any: JSON, to and from the probe's process.
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "3")}
    # The project's own modules (sub-layer classes by import path) import as in its tests.
    paths = [str(project_root), str(project_root / "src"), env.get("PYTHONPATH", "")]
    env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "layergen.show.probe", folder],
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            cwd=project_root,
            env=env,
            timeout=PROBE_TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        raise LayergenError.plain(
            payload[0]["module"], f"Keras took over {PROBE_TIMEOUT} s to build the layer"
        ) from None
    answers = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if len(answers) != len(payload):
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise LayergenError.plain("layergen show", f"the Keras process stopped (exit {done.returncode}): {last}")
    return answers


def _test_arguments(model: LayerModel) -> dict[str, object]:
    """The generated test's constructor arguments, as values (array arguments left out:
    the weight starts from its initializer)."""
    # Tuples, as the generated test passes them; an array argument's `random_array(...)` is no `Literal`.
    return {name: as_tuple(value.value) for name, value in model.test.init_kwargs if isinstance(value, Literal)}


def _add_project_classes(
    model: LayerModel, spec_path: Path, project: Project, sources: dict[str, str], specs: dict[str, LayerSpec]
) -> None:
    """Render the project's own classes the layer holds as sub-layers, and theirs in turn;
    keep their specs in `specs`."""
    from layergen.pipeline import build_model, load_spec
    from layergen.render.renderer import render_code

    wanted = [sub.class_code for sub in model.sublayers if "." not in sub.class_code]
    if not wanted:
        return
    folders = [Path(spec_path).absolute().parent, project.specs]
    files = sorted({p for folder in folders if folder.is_dir() for p in folder.rglob("*.y*ml")})
    for path in files:
        if not wanted:
            return
        try:
            spec, _ = load_spec(path, project)
        except LayergenError:
            continue  # not this class's spec; `new` reports it
        if spec.layer not in wanted:
            continue
        wanted.remove(spec.layer)
        _, sub_model = build_model(path, project)
        specs[spec.layer] = spec
        if sub_model.layer_import not in sources:
            sources[sub_model.layer_import] = render_code(sub_model, "layer", project.templates)
            _add_project_classes(sub_model, path, project, sources, specs)


def show(
    spec_path: Path,
    *,
    arguments: Sequence[str] = (),
    input_shapes: Sequence[str] = (),
    as_json: bool = False,
    as_mermaid: bool = False,
) -> CommandResult:
    """The `layergen show` command: a `CommandResult` with the table, its JSON or the diagram."""
    from layergen.commands.result import CommandResult
    from layergen.project.locations import resolved_project
    from layergen.project.settings import find_project

    project = resolved_project(find_project())
    if not spec_path.is_file():
        raise LayergenError.plain(spec_path, "no such spec file")
    result = CommandResult()
    if as_mermaid:
        from layergen.pipeline import build_model
        from layergen.show.graph import mermaid

        _, model = build_model(spec_path, project)
        result.info(mermaid(model))
        return result
    request = make_request(spec_path, project, list(arguments), list(input_shapes))
    (table,) = weight_tables([request], project.root)
    if isinstance(table, LayergenError):
        result.fail(table)
    elif as_json:
        result.info(json.dumps(table.as_json(), indent=2))
    else:
        for line in format_table(table):
            result.info(line)
    return result
