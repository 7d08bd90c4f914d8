"""The pipeline, one named step after another:

    read (yaml_source) -> parse (spec) -> analyze -> render -> write

`generate_layer` runs the first four for one spec and returns the files it would write;
`write_files` is the only step that touches the disk.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from layergen.analyze import analyze, snake_case
from layergen.layer_model import LayerModel
from layergen.project import Project
from layergen.render import render
from layergen.spec import LayerSpec, parse_layer_spec
from layergen.yaml_source import read_spec


@dataclass(frozen=True)
class GeneratedFile:
    path: Path
    content: str


@dataclass(frozen=True)
class Generation:
    spec_path: Path
    model: LayerModel
    files: tuple[GeneratedFile, ...]


def load_spec(spec_path: Path, project: Project) -> tuple[LayerSpec, object]:
    """Steps 1 and 2: read the YAML and validate its structure."""
    source = read_spec(spec_path, project.display(spec_path))
    return parse_layer_spec(source), source


def build_model(spec_path: Path, project: Project) -> LayerModel:
    """Steps 1 to 3: the render model of one spec."""
    spec, source = load_spec(spec_path, project)
    model = analyze(
        spec,
        source,
        module_name=snake_case(spec.layer),
        spec_path=project.display(spec_path),
        default_package=project.package,
    )
    model.layer_import = f"{project.layers_module}.{model.module_name}"
    return model


def generate_layer(spec_path: Path, project: Project) -> Generation:
    """Steps 1 to 4: the layer module and its test, rendered but not written."""
    model = build_model(spec_path, project)
    files = (
        GeneratedFile(project.layers / f"{model.module_name}.py", render(model, "layer", project.templates)),
        GeneratedFile(project.tests / f"test_{model.module_name}.py", render(model, "test", project.templates)),
    )
    return Generation(spec_path, model, files)


def write_files(files) -> list[tuple[GeneratedFile, bool]]:
    """Step 5: write each file whose bytes changed; returns (file, changed) pairs.

    A file is written to a temporary neighbour and renamed over the old one, so it is
    never left half-written; an unchanged file is not touched (its mtime stays).
    """
    results = []
    for file in files:
        data = file.content.encode("utf-8")
        if file.path.is_file() and file.path.read_bytes() == data:
            results.append((file, False))
            continue
        file.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=file.path.parent, prefix=f".{file.path.name}.", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
            os.replace(temporary, file.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        results.append((file, True))
    return results
