"""`new`, `check` and `status`: the commands over a project's generated files.

Each returns a `CommandResult` (the lines to show, the problems met, the exit code) and
prints nothing: `layergen.cli.report` shows it. A spec with problems is reported and nothing
is written for it; the other specs are still handled. A failure that stops the whole
command is raised as a `LayergenError`, which the CLI reports.
"""

from __future__ import annotations

from collections.abc import Callable

from layergen.commands.result import CommandResult, Level
from layergen.commands.setup import SCHEMA_PATH, write_schema
from layergen.exit_status import NEEDS_FIXING
from layergen.project.locations import resolved_project
from layergen.project.settings import Project, find_project
from layergen.project.spec_files import spec_files
from layergen.update.plan import ConflictMode, Plan
from layergen.update.planner import plan_updates, unified_diff


def _project(**overrides) -> Project:
    return resolved_project(find_project().with_overrides(**overrides))


def _plan(project: Project, paths, result: CommandResult, *, writes: bool, notify, progress=None, **options) -> Plan:
    """Under the project's lock: the plan, and when `writes`, carrying it out."""
    from layergen.project.lock import project_lock
    from layergen.update.records import RecordStore

    specs = spec_files(paths, project, hint=True)
    with project_lock(project.root, writes=writes, on_wait=notify or (lambda _: None)):
        store = RecordStore(project.root)
        records = store.load()
        plan = plan_updates(specs, project, records, progress=progress, **options)
        if writes:
            _write(plan, store, records, project, result)
    return plan


def _write(plan: Plan, store, records, project: Project, result: CommandResult) -> None:
    """Carry the plan out, after clearing what a stopped run left behind."""
    from layergen.update.apply import apply_updates, remove_temporaries_of, settle_pending_writes, writing_run
    from layergen.update.records import LEGACY_MANIFEST, RECORDS_DIR

    with writing_run(project.root) as interrupted:
        removed = remove_temporaries_of(plan, store, records, project) if interrupted else 0
        # Stored texts no record names: whether or not the killed run's mark is there.
        removed += store.clean_debris()
        if removed:
            result.info(f"removed {removed} temporary file{'s' if removed > 1 else ''} of an interrupted run")
        result.fail(*apply_updates(plan, store, records))
        settle_pending_writes(plan, store, records, project)
        if store.migrate(records):
            result.info(
                f"moved {LEGACY_MANIFEST.as_posix()} to one record per spec in {RECORDS_DIR.as_posix()}/ "
                "(commit the change)"
            )
        store.flush()
        if (project.root / SCHEMA_PATH).is_file() and write_schema(project.root, when_stale=True):
            result.info(f"updated {SCHEMA_PATH.as_posix()}")


def new(
    paths,
    *,
    layers_dir=None,
    tests_dir=None,
    package=None,
    conflicts=ConflictMode.report,
    prune=False,
    diff=False,
    accept_breaking=False,
    quiet=False,
    notify: Callable[[str], None] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> CommandResult:
    """Generate or update each spec's layer and test, keeping hand edits; `diff` writes nothing.

    `notify` shows a notice at once (while waiting for another run to finish), `progress`
    how far it is; `quiet` leaves out what went well, for hooks.
    """
    from layergen.commands import plan_report

    project = _project(layers=layers_dir, tests=tests_dir, package=package)
    result = CommandResult()
    options = {"conflicts": conflicts, "prune": prune, "accept_breaking": accept_breaking}
    plan = _plan(project, paths, result, writes=not diff, notify=notify, progress=progress, **options)
    if diff:
        for file in plan.all_files():
            if file.write or file.remove or file.moved_from:
                result.info(unified_diff(file, project).removesuffix("\n"))
    plan_report.report_new(result, plan, project, dry_run=diff, accepted=accept_breaking)
    result.fail(*plan.errors)
    plan_report.report_file_failures(result, plan, project)
    plan_report.report_summary(result, plan, project)
    plan_report.report_counts(result, plan, dry_run=diff)
    if quiet:
        result.lines = [line for line in result.lines if line.level != Level.INFO]
    return result


def check(
    paths,
    *,
    accept_breaking=False,
    quiet=False,
    notify: Callable[[str], None] | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> CommandResult:
    """Exit status 0 when every generated file is current, 1 when any is stale, 2 on errors."""
    from layergen.commands import plan_report

    project = _project()
    result = CommandResult()
    plan = _plan(project, paths, result, writes=False, notify=notify, progress=progress)
    stale = False
    for update in plan.updates + plan.orphans:
        for file in update.files:
            for line in plan_report.stale_lines(file, update, project):
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


def status(paths, *, as_json=False, quiet=False, notify: Callable[[str], None] | None = None) -> CommandResult:
    """Each spec's state, and what is the matter with its files; writes nothing. `quiet`
    leaves out the specs that need nothing (current or hand-edited) from the text."""
    import json

    from layergen.commands import plan_report
    from layergen.commands.status_report import project_status

    project = _project()
    result = CommandResult()
    plan = _plan(project, paths, result, writes=False, notify=notify)
    states = project_status(plan, project.display, plan_report.why_stale)
    if as_json:
        result.info(json.dumps(states.as_json(), indent=2))
    else:
        if quiet:
            states.specs = [spec for spec in states.specs if spec.state not in ("current", "hand-edited")]
        plan_report.report_status(result, states)
    return result
