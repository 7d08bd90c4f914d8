"""The one way layergen shows a path: relative to a folder (the project root, or the current
folder), with `/` whatever the system.

In: a path and the folder it is shown from. Out: the text that messages and records hold.
`writing` (a file it cannot read or write, from the current folder), `project.settings`
(`Project.display`), `project.locations` (project keys), `audit.advice` and
`update.legacy_manifest` all show paths through `display_path`.
"""

from __future__ import annotations

import os
from pathlib import Path


def display_path(path: Path | str, root: Path, *, climb: bool = False) -> str:
    """`path` relative to `root`, with '/'. A path outside `root` is shown whole (absolute), or
    with `climb`, relative all the same, climbing out with `..` (as keys must stay relative)."""
    if climb:
        try:
            return Path(os.path.relpath(path, root)).as_posix()
        except ValueError:  # another drive on Windows
            return Path(path).as_posix()
    if isinstance(path, Path) and os.sep == "/":
        # What `relative_to` gives for a path under the root, without its parsing (POSIX:
        # a `Path`'s text is normalized, and names compare exactly).
        text, start = str(path), str(root)
        if text.startswith(start) and text[len(start) : len(start) + 1] == "/" and len(text) > len(start) + 1:
            return text[len(start) + 1 :]
    path = Path(path).absolute()
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
