"""The layer classes of a project's own specs, so that a spec can use one as a sub-layer.

Generating a spec that names `class: ResidualBlock` needs to know that some spec of the
project defines `layer: ResidualBlock`, which module it is generated into, what its
constructor takes and which of the project's classes it holds in turn (a cycle of
classes holding each other would recurse forever). Each spec is read as any spec is
(`yaml_source`: at most `MAX_SPEC_BYTES`, bounded nesting and size, by libyaml when
it is there; no analysis), and
what it defines is accepted only when its class name and every constructor parameter
pass the names rule (`analysis.names`): they are written into generated code. A spec
that cannot be read, or defines a class that does not pass, is kept as broken, with the
reason, so that a spec needing it can say so. What a spec defines is kept by the digest
of its bytes, in memory and in a cache file (`cache_dir("classes")`), so a run parses
only the specs that changed. The cache file starts with the digest of what follows: one
that does not match, or does not hold what it should, is rebuilt, never trusted. Within
one run (`run_scope`), each folder's classes are worked out once.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from layergen.cache import FormatCache, cache_dir
from layergen.records import frozen_record
from layergen.spec.limits import MAX_SPEC_BYTES
from layergen.spec.names import class_name_problem, name_problem, snake_case
from layergen.spec.weight_arguments import weight_arguments

# Base-layer keyword arguments every generated layer accepts through **kwargs.
BASE_LAYER_ARGUMENTS = ("trainable", "activity_regularizer", "autocast")
MAX_CACHED = 20_000  # specs' entries the cache file keeps: those used last, then the newest others
MAX_REASON_CHARS = 200  # why a spec defines no usable class, as another spec's message quotes it


@frozen_record
class ProjectClass:
    """A layer generated from one of the project's specs."""

    name: str
    module: str  # import path of its generated module, e.g. "pkg.layers.residual_block"
    params: tuple[str, ...]  # its constructor parameters (besides **kwargs)
    holds: tuple[str, ...] = ()  # the classes its sub-layers name without a dot (maybe project classes)
    build_params: tuple[str, ...] = ("input_shape",)  # its build's parameters: one per input


@frozen_record
class BrokenSpec:
    """A spec file of the project that defines no usable class, and why."""

    path: Path
    name: str | None  # the class it means to define, when its `layer:` is a valid class name
    reason: str  # one line, e.g. "spec is over 100,000 bytes; ..."


@frozen_record
class ProjectIndex:
    """The project's classes by name, and the spec files that define none but might have."""

    classes: dict[str, ProjectClass]
    broken: tuple[BrokenSpec, ...] = ()


@frozen_record
class Definition:
    """What a spec's bytes define: a class (`reason` None), or a reason it defines none usable."""

    name: str | None
    params: tuple[str, ...] = ()
    holds: tuple[str, ...] = ()
    reason: str | None = None
    build_params: tuple[str, ...] = ("input_shape",)


# By the sha256 of a spec's bytes: what they define, or None for YAML that is no spec.
_known: dict[str, Definition | None] = {}
_run: dict[tuple[Path, str, bool], ProjectIndex] | None = None  # each folder's classes, in `run_scope`


@contextlib.contextmanager
def run_scope() -> Iterator[None]:
    """Within it, a folder's classes are read once: the specs do not change during a run."""
    global _run
    outer, _run = _run, _run if _run is not None else {}
    try:
        yield
    finally:
        _run = outer


def project_classes(specs: Path, layers_module: str, *, below: bool = True) -> dict[str, ProjectClass]:
    """Class name -> the project's layer of that name, from every spec in `specs` (and
    `below` it)."""
    return dict(project_index(specs, layers_module, below=below).classes)


def project_index(specs: Path, layers_module: str, *, below: bool = True) -> ProjectIndex:
    """The classes every spec in `specs` (and in its folders, `below`) defines, and the
    specs that define none usable."""
    key = (specs, layers_module, below)
    if _run is not None and key in _run:
        return _run[key]
    classes: dict[str, ProjectClass] = {}
    broken: list[BrokenSpec] = []
    if specs.is_dir():
        found = specs.rglob("*") if below else specs.glob("*")
        files = sorted(p for p in found if p.suffix in (".yaml", ".yml") and p.is_file())
        for path, definition in zip(files, read_definitions(files), strict=True):
            if definition is None:
                continue
            if definition.reason is not None or definition.name is None:
                broken.append(BrokenSpec(path, definition.name, definition.reason or "defines no class"))
            else:
                module = f"{layers_module}.{snake_case(definition.name)}"
                classes.setdefault(
                    definition.name,
                    ProjectClass(definition.name, module, definition.params, definition.holds, definition.build_params),
                )
    index = ProjectIndex(dict(sorted(classes.items())), tuple(broken))
    if _run is not None:
        _run[key] = index
    return index


def read_definitions(files: list[Path]) -> list[Definition | None]:
    """What each file defines: from its digest when it is known, else read (and cached)."""
    contents: list[bytes | Definition | None] = [_read_bounded(path) for path in files]
    digests = [hashlib.sha256(c).hexdigest() if isinstance(c, bytes) else None for c in contents]
    missing = [d for d in digests if d is not None and d not in _known]
    if missing:
        _known.update({d: v for d, v in _load_cache().items() if d not in _known})
    fresh = False
    for content, digest in zip(contents, digests, strict=True):
        if isinstance(content, bytes) and digest is not None and digest not in _known:
            _known[digest] = _read_one(content)
            fresh = True
    if fresh:
        _save_cache([d for d in digests if d is not None])
    return [_known[d] if d is not None else c for c, d in zip(contents, digests, strict=True)]  # type: ignore[misc]


def _read_bounded(path: Path) -> bytes | Definition | None:
    """A file's bytes, never more than a spec may have: a bigger file is broken, unread."""
    try:
        with path.open("rb") as handle:
            content = handle.read(MAX_SPEC_BYTES + 1)
    except OSError:
        return None
    if len(content) > MAX_SPEC_BYTES:
        return Definition(None, reason=f"spec is over {MAX_SPEC_BYTES:,} bytes; a layer spec is a page of YAML")
    return content


@functools.cache
def _cache_key() -> str:
    from layergen import __version__

    # What a spec defines is what this code, the reader and the names rule make of it:
    # another version of any of them reads afresh.
    package = Path(__file__).parents[1]
    reader = ("source.py", "builder.py", "core_schema.py", "loaders.py", "limits.py")
    code = [Path(__file__), *(package / "spec" / name for name in reader), package / "analysis" / "names.py"]
    code.append(package / "keras_vocabulary.json")
    digest = hashlib.sha256(__version__.encode())
    for path in code:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16] + ".json"


def _cache() -> FormatCache:
    """The cache file's folder: a `FormatCache`, which checks each file's digest on reading."""
    return FormatCache(cache_dir("classes"))


def _cache_file() -> Path:
    return _cache().folder / _cache_key()


def _load_cache() -> dict[str, Definition | None]:
    """The cached definitions; nothing when the file is missing, damaged or not as written."""
    import json

    text = _cache().get(_cache_key())
    try:
        raw = json.loads(text) if text is not None else None
    except ValueError:
        return {}
    if not isinstance(raw, dict):
        return {}
    found: dict[str, Definition | None] = {}
    for digest, value in raw.items():
        if value is None:
            found[digest] = None
        elif _well_formed(value):
            found[digest] = Definition(value[0], tuple(value[1]), tuple(value[2]), value[3], tuple(value[4]))
        else:
            return {}
    return found


def _well_formed(value: object) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 5
        and (value[0] is None or isinstance(value[0], str))
        and all(isinstance(part, list) and all(isinstance(p, str) for p in part) for part in value[1:3] + value[4:])
        and (value[3] is None or isinstance(value[3], str))
    )


def _save_cache(used: list[str]) -> None:
    """Keep what this run used first, then the rest; a cache that cannot be written only costs time."""
    import json

    order = list(dict.fromkeys(used + list(reversed(_known))))[:MAX_CACHED]
    entries = {d: _as_json(_known[d]) for d in order}
    _cache().put(_cache_key(), json.dumps(entries))


def _as_json(definition: Definition | None) -> list[str | list[str] | None] | None:
    if definition is None:
        return None
    fields = [definition.name, list(definition.params), list(definition.holds), definition.reason]
    return [*fields, list(definition.build_params)]


def _read_one(content: bytes) -> Definition | None:
    """What a spec's bytes define, read as any spec is read; None for YAML that is no spec."""
    from layergen.errors import LayergenError
    from layergen.spec.source import read_quickly

    try:
        source = read_quickly(content.decode("utf-8"), "")
    except UnicodeDecodeError:
        return Definition(None, reason="spec is not UTF-8 text")
    except LayergenError as exc:
        return Definition(None, reason=_short(exc.problems[0].message))
    data = source.data
    if not isinstance(data, dict) or "layer" not in data:
        return None
    return _definition(data)


def _definition(data: dict[str, Any]) -> Definition:
    """The class a spec's data defines, if its name and its constructor's pass the names rule."""

    name = data["layer"]
    problem = class_name_problem(name) if isinstance(name, str) else "must be a class name"
    if problem:
        return Definition(None, reason=_short(f"layer: {problem}"))
    params, reason = _constructor_params(data)
    if reason is not None:
        return Definition(name, reason=_short(reason))
    inputs = data.get("inputs", {"inputs": None})
    shapes = ("input_shape",) if len(inputs) == 1 else tuple(f"{input_name}_shape" for input_name in inputs)
    return Definition(name, params, _holds(data), build_params=shapes)


def _short(reason: str) -> str:
    """A reason short enough for the message of another spec (it may quote a long name)."""
    return reason if len(reason) <= MAX_REASON_CHARS else reason[: MAX_REASON_CHARS - 3] + "..."


def _constructor_params(data: dict[str, Any]) -> tuple[tuple[str, ...], str | None]:
    """Arguments, constants, the initializer / regularizer / constraint arguments of weights
    and a random layer's `seed`; or the reason one of them (or an input, whose name makes a
    build parameter) cannot be a parameter."""
    from layergen.vocabulary import load

    reserved = load().layer_attributes
    params: list[str] = []
    for field in ("arguments", "constants", "weights", "inputs"):
        section = data.get(field, {})
        if not isinstance(section, dict):
            return (), f"{field}: must be a mapping of names"
        for name in section:
            problem = name_problem(name, reserved)
            if problem:
                return (), f"{field}.{name}: {field[:-1]} name {name!r} {problem}"
        if field in ("arguments", "constants"):
            params += list(section)
    for name, weight in data.get("weights", {}).items():
        role = weight.get("role", "trainable") if isinstance(weight, dict) else "trainable"
        params += [argument for argument, _ in weight_arguments(name, role)]
    if data.get("random") is True:
        params.append("seed")
    return tuple(params), None


def _holds(data: dict[str, Any]) -> tuple[str, ...]:
    """The classes the spec's sub-layers name without a dot: those that may be project classes."""
    layers = data.get("layers")
    if not isinstance(layers, dict):
        return ()
    names = [sub.get("class") for sub in layers.values() if isinstance(sub, dict)]
    return tuple(dict.fromkeys(n for n in names if isinstance(n, str) and "." not in n))
