"""`new`, `check` and `status`: the commands over a project's generated files.

Each returns a `CommandResult` (the lines to show, the problems met, the exit code) and
prints nothing: `layergen.cli.report` shows it. A spec with problems is reported and nothing
is written for it; the other specs are still handled. A failure that stops the whole
command is raised as a `LayergenError`, which the CLI reports.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from layergen.commands.plan_report import (
    report_counts,
    report_file_failures,
    report_new,
    report_status,
    report_summary,
    stale_lines,
    unified_diff,
    why_stale,
)
from layergen.commands.result import CommandResult, Level
from layergen.commands.setup import SCHEMA_PATH, write_schema
from layergen.commands.status_report import project_status
from layergen.exit_status import NEEDS_FIXING
from layergen.project.locations import resolved_project
from layergen.project.settings import Project, find_project
from layergen.run import Run, run
from layergen.update.current import Progress
from layergen.update.plan import ConflictMode, PlanOptions
from layergen.update.record_types import LEGACY_MANIFEST, RECORDS_DIR


def current_project(**overrides: str | None) -> Project:
    """The project of the working folder, with the command's overriding settings."""
    return resolved_project(find_project().with_overrides(**overrides))


def _report_writing(ran: Run, result: CommandResult) -> None:
    """What carrying the plan out did besides the plan's own files (`also_wrote`: the schema
    file updated)."""
    applied = ran.applied
    if applied is None:
        return
    if applied.removed:
        result.info(
            f"removed {applied.removed} temporary file{'s' if applied.removed > 1 else ''} of an interrupted run"
        )
    result.fail(*applied.failures)
    if applied.migrated:
        result.info(
            f"moved {LEGACY_MANIFEST.as_posix()} to one record per spec in {RECORDS_DIR.as_posix()}/ "
            "(commit the change)"
        )
    if applied.also_wrote:
        result.info(f"updated {SCHEMA_PATH.as_posix()}")


def new(
    paths: list[Path],
    *,
    layers_dir: str | None = None,
    tests_dir: str | None = None,
    package: str | None = None,
    conflicts: ConflictMode = ConflictMode.report,
    prune: bool = False,
    diff: bool = False,
    accept_breaking: bool = False,
    quiet: bool = False,
    notify: Callable[[str], None] | None = None,
    progress: Progress | None = None,
) -> CommandResult:
    """Generate or update each spec's layer and test, keeping hand edits; `diff` writes nothing.

    `notify` shows a notice at once (while waiting for another run to finish), `progress`
    how far it is; `quiet` leaves out what went well, for hooks.
    """
    project = current_project(layers=layers_dir, tests=tests_dir, package=package)
    result = CommandResult()
    options = PlanOptions(conflicts, prune, accept_breaking)
    schema = project.root / SCHEMA_PATH

    def refresh_schema() -> bool:
        return schema.is_file() and write_schema(project.root, when_stale=True)

    ran = run(
        project, paths, writes=not diff, options=options, notify=notify, progress=progress, also_write=refresh_schema
    )
    _report_writing(ran, result)
    plan = ran.plan
    failed = ran.applied.failed if ran.applied is not None else frozenset()
    if diff:
        for file in plan.all_files():
            if file.write or file.remove or file.moved_from:
                result.info(unified_diff(file, project).removesuffix("\n"))
    report_new(result, plan, project, dry_run=diff, accepted=accept_breaking, failed=failed)
    result.fail(*plan.errors)
    report_file_failures(result, plan, project)
    report_summary(result, plan, project, failed)
    report_counts(result, plan, dry_run=diff, failed=failed)
    if quiet:
        result.lines = [line for line in result.lines if line.level != Level.INFO]
    return result


def check(
    paths: list[Path],
    *,
    accept_breaking: bool = False,
    quiet: bool = False,
    notify: Callable[[str], None] | None = None,
    progress: Progress | None = None,
) -> CommandResult:
    """Exit status 0 when every generated file is current, 1 when any is stale, 2 on errors."""
    project = current_project()
    result = CommandResult()
    plan = run(project, paths, writes=False, notify=notify, progress=progress).plan
    stale = False
    for update in plan.updates + plan.orphans:
        for file in update.files:
            for line in stale_lines(file, update, project):
                stale = True
                result.info(line)
        for change in update.compat:
            if change.breaking and not accept_breaking:
                stale = True
                result.info(
                    f"{update.key}: {change.where}: breaking: {change.shown} "
                    "(accept it with `layergen new --accept-breaking`)"
                )
    result.fail(*plan.errors)
    if stale:
        result.status = NEEDS_FIXING
    elif not plan.errors and not quiet:
        result.info(f"all generated files are current ({len(plan.updates)} specs)")
    return result


def status(
    paths: list[Path], *, as_json: bool = False, quiet: bool = False, notify: Callable[[str], None] | None = None
) -> CommandResult:
    """Each spec's state, and what is the matter with its files; writes nothing. `quiet`
    leaves out the specs that need nothing (current or hand-edited) from the text. Exit
    status 1 when a spec is invalid or conflicted, else 0."""
    import json

    project = current_project()
    result = CommandResult()
    plan = run(project, paths, writes=False, notify=notify).plan
    states = project_status(plan, project.display, why_stale)
    if states.needs_fixing:
        result.status = NEEDS_FIXING
    if as_json:
        result.info(json.dumps(states.as_json(), indent=2))
    else:
        if quiet:
            states.specs = [spec for spec in states.specs if spec.state not in ("current", "hand-edited")]
        report_status(result, states)
    return result
