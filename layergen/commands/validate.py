"""`validate`: each spec checked as `new` would check it, nothing written."""

from __future__ import annotations

from pathlib import Path

from layergen.commands.generated_files import current_project
from layergen.commands.result import CommandResult
from layergen.errors import LayergenError, internal_error
from layergen.project.spec_files import spec_files


def validate(paths: list[Path], *, quiet: bool = False) -> CommandResult:
    """Check each spec as `new` would, writing nothing; `quiet` prints only problems."""
    from layergen.pipeline import build_model

    project = current_project()
    result = CommandResult()
    for spec in spec_files(paths, project):
        try:
            _, model = build_model(spec, project)
        except LayergenError as exc:
            result.fail(exc)
            continue
        except Exception as exc:  # a bug in layergen: one line, as `new` says it, and the other specs go on
            result.fail(internal_error(project.display(spec), exc))
            continue
        if not quiet:
            result.info(f"ok {project.display(spec)} ({model.class_name})")
    return result
