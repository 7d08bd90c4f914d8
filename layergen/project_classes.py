"""The layer classes of a project's own specs, so that a spec can use one as a sub-layer.

Generating a spec that names `class: ResidualBlock` needs to know that some spec of the
project defines `layer: ResidualBlock`, which module it is generated into, and what its
constructor takes. Each spec is read cheaply (plain YAML, no analysis), once per run as
long as the file is unchanged.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

# libyaml when it is there: reading every spec of a big project in pure Python takes long.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Base-layer keyword arguments every generated layer accepts through **kwargs.
BASE_LAYER_ARGUMENTS = ("trainable", "activity_regularizer", "autocast")


@dataclass(frozen=True)
class ProjectClass:
    """A layer generated from one of the project's specs."""

    name: str
    module: str  # import path of its generated module, e.g. "pkg.layers.residual_block"
    params: tuple[str, ...]  # its constructor parameters (besides **kwargs)


def project_classes(specs: Path, layers_module: str) -> dict[str, ProjectClass]:
    """Class name -> the project's layer of that name, from every spec under `specs`."""
    if not specs.is_dir():
        return {}
    files = sorted(p for p in specs.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
    stamps = tuple((str(p), p.stat().st_mtime_ns) for p in files)
    return dict(_read_all(stamps, layers_module))


@functools.lru_cache(maxsize=8)
def _read_all(stamps: tuple[tuple[str, int], ...], layers_module: str) -> tuple[tuple[str, ProjectClass], ...]:
    classes: dict[str, ProjectClass] = {}
    for path, _ in stamps:
        found = _read_one(Path(path), layers_module)
        if found is not None:
            classes.setdefault(found.name, found)
    return tuple(sorted(classes.items()))


def _read_one(path: Path, layers_module: str) -> ProjectClass | None:
    """The class a spec defines; None for a file that is no readable spec (its own run says why)."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("layer"), str):
        return None
    name = data["layer"]
    return ProjectClass(name, f"{layers_module}.{snake_case(name)}", _constructor_params(data))


def snake_case(class_name: str) -> str:
    """`LinearLayer` -> `linear_layer`, `LSTMCell` -> `lstm_cell`: the module a class goes in."""
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", class_name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def _constructor_params(data: dict) -> tuple[str, ...]:
    """Arguments, constants and the initializer / regularizer / constraint arguments of weights."""
    params: list[str] = []
    for field in ("arguments", "constants"):
        section = data.get(field)
        if isinstance(section, dict):
            params += [str(name) for name in section]
    weights = data.get("weights")
    if isinstance(weights, dict):
        for name, weight in weights.items():
            trainable = not isinstance(weight, dict) or weight.get("role", "trainable") == "trainable"
            kinds = ("initializer", "regularizer", "constraint") if trainable else ("initializer",)
            params += [f"{name}_{kind}" for kind in kinds]
    return tuple(params)
