"""The layer classes of a project's own specs, so that a spec can use one as a sub-layer.

Generating a spec that names `class: ResidualBlock` needs to know that some spec of the
project defines `layer: ResidualBlock`, which module it is generated into, and what its
constructor takes. Each spec is read cheaply (plain YAML, no analysis); what a spec
defines is kept by the digest of its bytes, in memory and in a cache file
(`cache_dir("classes")`), so a run parses only the specs that changed. The cache file
starts with the digest of what follows: one that does not match, or does not hold what
it should, is rebuilt, never trusted. Within one run (`run_scope`), each folder's
classes are worked out once.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

# Base-layer keyword arguments every generated layer accepts through **kwargs.
BASE_LAYER_ARGUMENTS = ("trainable", "activity_regularizer", "autocast")
MAX_CACHED = 20_000  # specs' entries the cache file keeps: those used last, then the newest others


@dataclass(frozen=True)
class ProjectClass:
    """A layer generated from one of the project's specs."""

    name: str
    module: str  # import path of its generated module, e.g. "pkg.layers.residual_block"
    params: tuple[str, ...]  # its constructor parameters (besides **kwargs)


# What a spec's bytes define, by their sha256: (class name, constructor parameters), or None.
Definition = tuple[str, tuple[str, ...]] | None
_known: dict[str, Definition] = {}
_run: dict[tuple[Path, str], dict[str, ProjectClass]] | None = None  # each folder's classes, in `run_scope`


@contextlib.contextmanager
def run_scope() -> Iterator[None]:
    """Within it, a folder's classes are read once: the specs do not change during a run."""
    global _run
    outer, _run = _run, _run if _run is not None else {}
    try:
        yield
    finally:
        _run = outer


def project_classes(specs: Path, layers_module: str) -> dict[str, ProjectClass]:
    """Class name -> the project's layer of that name, from every spec under `specs`."""
    if _run is not None and (specs, layers_module) in _run:
        return dict(_run[specs, layers_module])
    classes: dict[str, ProjectClass] = {}
    if specs.is_dir():
        files = sorted(p for p in specs.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
        for definition in _definitions(files):
            if definition is not None:
                name, params = definition
                classes.setdefault(name, ProjectClass(name, f"{layers_module}.{snake_case(name)}", params))
    classes = dict(sorted(classes.items()))
    if _run is not None:
        _run[specs, layers_module] = classes
    return dict(classes)


def _definitions(files: list[Path]) -> list[Definition]:
    """What each file defines: from its digest when it is known, else read (and cached)."""
    contents: list[bytes | None] = []
    for path in files:
        try:
            contents.append(path.read_bytes())
        except OSError:
            contents.append(None)
    digests = [hashlib.sha256(c).hexdigest() if c is not None else None for c in contents]
    missing = [d for d in digests if d is not None and d not in _known]
    if missing:
        _known.update({d: v for d, v in _load_cache().items() if d not in _known})
    fresh = False
    for content, digest in zip(contents, digests, strict=True):
        if content is not None and digest is not None and digest not in _known:
            _known[digest] = _read_one(content)
            fresh = True
    if fresh:
        _save_cache([d for d in digests if d is not None])
    return [_known[d] if d is not None else None for d in digests]


def _cache_key() -> str:
    from layergen import __version__

    # What a spec defines is what this code reads from it: another version reads afresh.
    return hashlib.sha256(Path(__file__).read_bytes() + __version__.encode()).hexdigest()[:16] + ".json"


def _cache():
    """The cache file's folder: a `FormatCache`, which checks each file's digest on reading."""
    from layergen.formatting import FormatCache, cache_dir

    return FormatCache(cache_dir("classes"))


def _cache_file() -> Path:
    return _cache().folder / _cache_key()


def _load_cache() -> dict[str, Definition]:
    """The cached definitions; nothing when the file is missing, damaged or not as written."""
    import json

    text = _cache().get(_cache_key())
    try:
        raw = json.loads(text) if text is not None else None
    except ValueError:
        return {}
    if not isinstance(raw, dict):
        return {}
    found: dict[str, Definition] = {}
    for digest, value in raw.items():
        if value is None:
            found[digest] = None
        elif _well_formed(value):
            found[digest] = (value[0], tuple(value[1]))
        else:
            return {}
    return found


def _well_formed(value) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], list)
        and all(isinstance(p, str) for p in value[1])
    )


def _save_cache(used: list[str]) -> None:
    """Keep what this run used first, then the rest; a cache that cannot be written only costs time."""
    import json

    order = list(dict.fromkeys(used + list(reversed(_known))))[:MAX_CACHED]
    _cache().put(_cache_key(), json.dumps({d: _known[d] and [_known[d][0], list(_known[d][1])] for d in order}))  # type: ignore[index]


def _read_one(content: bytes) -> Definition:
    """The class a spec's bytes define; None for no readable spec (its own run says why)."""
    import yaml

    # libyaml when it is there: reading every spec of a big project in pure Python takes long.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        # Line ends as a file read as text has them.
        text = content.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        data = yaml.load(text, Loader=loader)
    except (UnicodeDecodeError, yaml.YAMLError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("layer"), str):
        return None
    return data["layer"], _constructor_params(data)


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
