"""What each CLI command does, as plain functions over the pipeline.

Each returns a `CommandResult` (the lines to show, the problems met, the exit code) and
prints nothing: `layergen.report` shows it. A spec with problems is reported and nothing
is written for it; the other specs are still handled. A failure that stops the whole
command is raised as a `LayergenError`, which the CLI reports.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from layergen.errors import LayergenError
from layergen.locations import real_path, resolved_project
from layergen.plan import ConflictMode, Plan
from layergen.project import Project, find_project
from layergen.result import CommandResult, Level
from layergen.update import internal_error, plan_updates, unified_diff
from layergen.writing import read_text, write_atomically


def spec_files(paths: list[Path], project: Project) -> list[Path]:
    """Expand folders to the `*.yaml` / `*.yml` files in them; no paths means the project's specs.

    Paths come back with their folders resolved, so a spec is the same spec from any
    working directory and through any symbolic link.
    """
    paths = paths or [project.specs]
    unique: dict[Path, Path] = {}  # the file, every link followed -> the file as it is named
    for path in paths:
        if path.is_dir():
            for file, linked in _specs_in(path.resolve()):
                unique.setdefault(file.resolve() if linked else file, file)
        elif path.exists():
            unique.setdefault(path.resolve(), real_path(path))
        else:
            raise LayergenError.plain(path, "no such spec file or folder")
    if not unique and paths != [project.specs]:
        raise LayergenError.plain(paths[0], "no spec files (*.yaml) found")
    return list(unique.values())


def _specs_in(folder: Path) -> list[tuple[Path, bool]]:
    """(spec file, whether it is a symbolic link) under a resolved folder, sorted as paths
    are; folders that are links are not followed (as `Path.rglob` does), so each file's
    folders are real ones."""
    found: list[tuple[tuple[str, ...], bool]] = []
    pending: list[tuple[str, ...]] = [()]
    while pending:
        parts = pending.pop()
        try:
            entries = list(os.scandir(os.path.join(folder, *parts)))
        except OSError:
            continue
        for entry in entries:
            linked = entry.is_symlink()
            if entry.is_dir() and not linked:
                pending.append((*parts, entry.name))
            elif os.path.splitext(entry.name)[1] in (".yaml", ".yml") and entry.is_file():
                found.append(((*parts, entry.name), linked))
    fold = str.lower if os.name == "nt" else str  # how `Path` compares names
    found.sort(key=lambda item: tuple(map(fold, item[0])))
    return [(folder.joinpath(*parts), linked) for parts, linked in found]


def _project(**overrides) -> Project:
    return resolved_project(find_project().with_overrides(**overrides))


def _plan(project: Project, paths, result: CommandResult, *, writes: bool, notify, progress=None, **options) -> Plan:
    """Under the project's lock: the plan, and when `writes`, carrying it out."""
    from layergen.project_lock import project_lock
    from layergen.records import RecordStore

    specs = spec_files(paths, project)
    with project_lock(project.root, writes=writes, on_wait=notify or (lambda _: None)):
        store = RecordStore(project.root)
        records = store.load()
        plan = plan_updates(specs, project, records, progress=progress, **options)
        if writes:
            _write(plan, store, records, project, result)
    return plan


def _write(plan: Plan, store, records, project: Project, result: CommandResult) -> None:
    """Carry the plan out, after clearing what a stopped run left behind."""
    from layergen.apply import apply_updates, remove_temporaries_of, settle_pending_writes, writing_run
    from layergen.records import LEGACY_MANIFEST, RECORDS_DIR

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
        if (project.root / SCHEMA_PATH).is_file() and write_schema(project.root):
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
    from layergen import plan_report

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
    from layergen import plan_report

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
    if plan.errors:
        result.status = CHECK_ERROR
    elif not stale:
        if not quiet:
            result.info(f"all generated files are current ({len(plan.updates)} specs)")
    else:
        result.status = 1
    return result


CHECK_ERROR = 2  # `check`'s exit code for problems, apart from 1 for "out of date"


def status(paths, *, as_json=False, notify: Callable[[str], None] | None = None) -> CommandResult:
    """Each spec's state, and what is the matter with its files; writes nothing."""
    import json

    from layergen import plan_report
    from layergen.status import project_status

    project = _project()
    result = CommandResult()
    plan = _plan(project, paths, result, writes=False, notify=notify)
    states = project_status(plan, project.display, plan_report.why_stale)
    if as_json:
        result.info(json.dumps(states.as_json(), indent=2))
    else:
        plan_report.report_status(result, states)
    return result


def validate(paths: list[Path]) -> CommandResult:
    """Check each spec as `new` would, writing nothing."""
    from layergen.generate import build_model

    project = _project()
    result = CommandResult()
    for spec in spec_files(paths, project):
        try:
            _, model = build_model(spec, project)
        except LayergenError as exc:
            result.fail(exc)
            continue
        except Exception as exc:  # a bug in layergen: one line, as `new` says it, and the other specs go on
            if os.environ.get("LAYERGEN_DEBUG"):
                raise
            result.fail(internal_error(project.display(spec), exc))
            continue
        result.info(f"ok {project.display(spec)} ({model.class_name})")
    return result


def schema() -> CommandResult:
    """The JSON Schema of spec files, for editors."""
    result = CommandResult()
    result.info(_schema_text().rstrip("\n"))
    return result


STARTER_SPEC = "scaled_dense.yaml"
SCHEMA_PATH = Path(".layergen") / "spec.schema.json"


def _schema_text() -> str:
    import json

    from layergen.spec import json_schema

    return json.dumps(json_schema(), indent=2) + "\n"


def write_schema(root: Path) -> bool:
    """Write the spec format's JSON Schema for editors; only when its content changed."""
    path = root / SCHEMA_PATH
    text = _schema_text()
    if read_text(path) == text:
        return False
    write_atomically(path, text)
    return True


def init(root: Path, *, specs: str, layers: str, tests: str, package: str | None) -> CommandResult:
    """Set up a project: `[tool.layergen]` and pytest's import path in pyproject.toml, a spec
    folder with a starter spec, output folders. Refuses a project that is already set up.
    """
    from layergen.pyproject_edit import add_settings, read_pyproject
    from layergen.templates_dir import builtin_template_dir

    pyproject = root / "pyproject.toml"
    before = read_pyproject(root)
    settings = {"specs": specs, "layers": layers, "tests": tests} | ({"package": package} if package else {})
    edit = add_settings(root, before or "", settings)
    write_atomically(pyproject, edit.text)
    result = CommandResult()
    result.info(f"{'wrote' if before is None else 'updated'} pyproject.toml ({'; '.join(edit.done)})")
    for warning in edit.warnings:
        result.warn(warning)
    write_schema(root)
    result.info(f"wrote {SCHEMA_PATH.as_posix()} (the spec format, for editors)")
    starter = root / specs / STARTER_SPEC
    if not starter.exists():
        schema_link = Path(os.path.relpath(root / SCHEMA_PATH, starter.parent)).as_posix()
        text = (builtin_template_dir() / "starter_spec.yaml").read_text(encoding="utf-8")
        write_atomically(starter, f"# yaml-language-server: $schema={schema_link}\n{text}")
        result.info(f"wrote {Path(specs, STARTER_SPEC).as_posix()}")
    for folder in (layers, tests):
        (root / folder).mkdir(parents=True, exist_ok=True)
    result.info(f"next: layergen new   (writes {Path(layers).as_posix()}/ and {Path(tests).as_posix()}/)")
    result.info("then: pytest         (runs the generated tests)")
    return result
