"""Knowing that a spec's files are current without generating them.

A spec's record keeps a fingerprint: a hash of everything its outputs depend on (the
spec's bytes, layergen's own code and version, the templates, the settings that reach
the output, the formatter and its version, and for a spec with sub-layers the project's
layer classes) and of its output files' bytes as layergen left them. When the fingerprint
computed now is the recorded one, nothing the outputs depend on has changed and nobody
touched them since, so generating again would give what is there:
`Fingerprints.current_files` says so without loading pydantic, jinja2 or the formatter.
Anything else (no fingerprint, a different one, an open conflict, a pending write, a
moved file) takes the full path.
"""

from __future__ import annotations

import functools
import hashlib
import os
from pathlib import Path

from layergen import __version__
from layergen.project.locations import from_key, project_key
from layergen.project.settings import Project
from layergen.update.record_types import OutputRecord, SpecRecord
from layergen.writing import split_newlines

SCHEME = "sha256"  # a fingerprint is "sha256:<hex>", or "sha256+classes:<hex>" when it covers project classes
_WITH_CLASSES = "+classes"
ROLES = ("layer", "test")


class Fingerprints:
    """The fingerprints of one run: what every spec shares (`environment_digest`) is read
    once, at the start."""

    def __init__(self, project: Project, environment: bytes):
        self.project = project
        self.environment = environment
        self._classes: dict[Path, bytes] = {}
        self._folders: dict[str, Path] = {}  # a key's folder -> the folder resolved, as `from_key` does

    def of(self, spec_path: Path, spec_bytes: bytes, outputs: list[bytes], with_classes: bool) -> str:
        """The fingerprint of a spec whose files hold `outputs` (in `ROLES` order)."""
        digest = hashlib.sha256(self.environment)
        digest.update(_framed(spec_bytes))
        if with_classes:
            digest.update(_framed(self.classes(spec_path)))
        for output in outputs:
            digest.update(_framed(output))
        return f"{SCHEME}{_WITH_CLASSES if with_classes else ''}:{digest.hexdigest()}"

    def classes(self, spec_path: Path) -> bytes:
        """The project classes a spec's analysis sees (see `pipeline._project_index`), and
        the bytes of the specs that could define them: a sub-layer's weights are part of the
        layer's weight tree, so a change to its spec must reach the layers that hold it."""
        folder = Path(spec_path).absolute().parent
        if folder not in self._classes:
            from layergen.project.classes import project_classes

            module = self.project.layers_module
            near = project_classes(folder, module, below=False)
            classes = {**near, **project_classes(self.project.specs, module)}
            # What a class holds decides whether a spec holding it makes a cycle.
            entries = sorted((name, c.module, c.params, c.holds, c.build_params) for name, c in classes.items())
            # Any spec edit may change what a held class holds: its bytes are part of it too.
            self._classes[folder] = repr(entries).encode() + _specs_digest(folder, self.project.specs)
        return self._classes[folder]

    def _path(self, key: str) -> Path:
        folder, _, name = key.rpartition("/")
        if folder not in self._folders or name in ("", ".", ".."):
            self._folders[folder] = from_key(self.project, key).parent
        return self._folders[folder] / name

    def current_files(
        self, spec: Path, spec_bytes: bytes, record: SpecRecord | None
    ) -> list[tuple[str, Path, str, str, OutputRecord]] | None:
        """The spec's outputs as (role, path, text with `\\n`, newline, record), when its record's
        fingerprint says they are current; None when the full path must decide."""
        if record is None or record.fingerprint is None or set(record.outputs) != set(ROLES):
            return None
        entries = [record.outputs[role] for role in ROLES]
        if any(not _plain(entry) for entry in entries):
            return None
        paths = [self._path(entry.path) for entry in entries]
        read = [read_bytes(path) for path in paths]
        contents = [content for content in read if content is not None]
        if len(contents) != len(read):
            return None
        with_classes = covers_classes(record.fingerprint)
        if self.of(spec, spec_bytes, contents, with_classes) != record.fingerprint:
            return None
        found: list[tuple[str, Path, str, str, OutputRecord]] = []
        for role, path, entry, content in zip(ROLES, paths, entries, contents, strict=True):
            try:
                text = content.decode("utf-8")
            except UnicodeDecodeError:
                return None
            ours, newline = split_newlines(text)
            found.append((role, path, ours, newline, entry))
        return found


def _specs_digest(folder: Path, specs: Path) -> bytes:
    """The names and bytes of the spec files a spec in `folder` may name a class from: those
    in `folder` itself (not below it, as `project_classes(below=False)` reads) and every one
    below the project's `specs` folder."""
    digest = hashlib.sha256()
    for top, recursive in ((folder, False), (specs, True)):
        digest.update(_framed(os.fsencode(top)))
        digest.update(_folder_digest(top, (".yaml", ".yml"), recursive) if top.is_dir() else b"")
    return digest.digest()


def covers_classes(value: str) -> bool:
    return value.startswith(SCHEME + _WITH_CLASSES + ":")


def _framed(data: bytes) -> bytes:
    """Length-prefixed, so no two sequences of parts hash alike."""
    return len(data).to_bytes(8, "big") + data


def environment_digest(project: Project, formatter_version: str, builtin_templates: Path) -> bytes:
    """What every spec's outputs depend on besides the spec (read afresh each run): with the
    project's formatter's version and the folder of layergen's own templates."""
    settings = "\n".join(
        [
            __version__,
            project_key(project, project.layers),
            project_key(project, project.tests),
            project.layers_module,
            project.package,
            project.formatter,
            formatter_version,  # a new black or ruff may format differently
            project.style.key(),
            " ".join(project.imports),  # what a sub-layer may import decides whether its spec is valid
        ]
    )
    parts = [settings.encode(), _code_digest(), _templates_digest(builtin_templates, project.templates)]
    return hashlib.sha256(b"".join(_framed(p) for p in parts)).digest()


@functools.cache
def _code_digest() -> bytes:
    """layergen's own code and data: a change to them (even without a new version) changes output."""
    return _folder_digest(Path(__file__).resolve().parents[1], (".py", ".json"))


def _templates_digest(builtin: Path, override_dir: Path | None) -> bytes:
    digest = hashlib.sha256(_folder_digest(builtin, None))
    if override_dir is not None:
        digest.update(b"override\0" + _folder_digest(override_dir, None))
    return digest.digest()


def _folder_digest(folder: Path, suffixes: tuple[str, ...] | None, recursive: bool = True) -> bytes:
    """Every file in `folder`, and below it when `recursive` (those ending in `suffixes`;
    None: all), names and bytes."""
    found = []
    for top, children, names in os.walk(folder):  # much faster than `rglob`, run after run
        children[:] = [child for child in children if child != "__pycache__"] if recursive else []
        relative = os.path.relpath(top, folder).replace(os.sep, "/")
        for name in names:
            if suffixes is None or name.endswith(suffixes):
                found.append((name if relative == "." else f"{relative}/{name}", os.path.join(top, name)))
    digest = hashlib.sha256()
    for name, path in sorted(found):
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except IsADirectoryError:  # a link to a folder
            continue
        digest.update(_framed(name.encode()))
        digest.update(_framed(data))
    return digest.digest()


def output_bytes(text: str, newline: str) -> bytes:
    """A file's bytes as `writing.write_atomically` stores `text`."""
    return (text.replace("\n", newline) if newline != "\n" else text).encode("utf-8")


def read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _plain(entry: OutputRecord) -> bool:
    return entry.conflict is None and entry.write is None and entry.moved_from is None
