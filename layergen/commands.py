"""What each CLI command does, as plain functions over the pipeline.

Each returns the failures it met (or an exit code); the CLI prints them. A spec with
problems is reported and nothing is written for it; the other specs are still handled.
"""

from __future__ import annotations

import os
from pathlib import Path

import typer

from layergen.apply import apply_updates, remove_temporaries_of
from layergen.errors import LayergenError, Problem
from layergen.generate import build_model
from layergen.locations import real_path, resolved_project
from layergen.merge import OURS_MARKER
from layergen.project import Project, find_project
from layergen.project_lock import project_lock
from layergen.records import LEGACY_MANIFEST, RECORDS_DIR, RecordStore
from layergen.update import (
    ConflictMode,
    FileUpdate,
    Plan,
    SpecUpdate,
    Status,
    plan_updates,
    unified_diff,
)
from layergen.writing import read_text, write_atomically


def spec_files(paths: list[Path], project: Project) -> list[Path]:
    """Expand folders to the `*.yaml` / `*.yml` files in them; no paths means the project's specs.

    Paths come back with their folders resolved, so a spec is the same spec from any
    working directory and through any symbolic link.
    """
    paths = paths or [project.specs]
    files = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()))
        elif path.exists():
            files.append(path)
        else:
            raise LayergenError.plain(path, "no such spec file or folder")
    if not files and paths != [project.specs]:
        raise LayergenError.plain(paths[0], "no spec files (*.yaml) found")
    unique = {}
    for file in files:
        unique.setdefault(file.resolve(), real_path(file))
    return list(unique.values())


def _project(**overrides) -> Project:
    return resolved_project(find_project().with_overrides(**overrides))


def _plan(project: Project, paths, *, writes: bool, **options) -> tuple[Plan, list[LayergenError]]:
    """Under the project's lock: the plan, and when `writes`, the failures of carrying it out."""
    specs = spec_files(paths, project)
    with project_lock(project.root, writes=writes, on_wait=lambda message: typer.echo(message, err=True)):
        store = RecordStore(project.root)
        records = store.load()
        plan = plan_updates(specs, project, records, **options)
        failures = []
        if writes:
            removed = remove_temporaries_of(plan, store, records, project)
            if removed:
                typer.echo(f"removed {removed} temporary file{'s' if removed > 1 else ''} of an interrupted run")
            failures = apply_updates(plan, store, records)
            if store.migrate(records):
                typer.echo(
                    f"moved {LEGACY_MANIFEST.as_posix()} to one record per spec in {RECORDS_DIR.as_posix()}/ "
                    "(commit the change)"
                )
            if (project.root / SCHEMA_PATH).is_file() and write_schema(project.root):
                typer.echo(f"updated {SCHEMA_PATH.as_posix()}")
    return plan, failures


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
):
    """Generate or update each spec's layer and test, keeping hand edits."""
    project = _project(layers=layers_dir, tests=tests_dir, package=package)
    options = dict(conflicts=conflicts, prune=prune, accept_breaking=accept_breaking)
    plan, failures = _plan(project, paths, writes=not diff, **options)
    if diff:
        for file in plan.all_files():
            if file.write or file.remove or file.moved_from:
                typer.echo(unified_diff(file, project), nl=False)
    _report(plan, project, dry_run=diff, accepted=accept_breaking)
    failures = plan.errors + failures + _file_failures(plan, project)
    _summary(plan, failures, project)
    return failures


def check(paths, *, accept_breaking=False) -> int:
    """Exit status 0 when every generated file is current, 1 when any is stale, 2 on errors."""
    project = _project()
    plan, _ = _plan(project, paths, writes=False)
    stale = False
    for update in plan.updates + plan.orphans:
        for file in update.files:
            for line in _stale_lines(file, update, project):
                stale = True
                typer.echo(line)
        for change in update.compat:
            if change.breaking and not accept_breaking:
                stale = True
                typer.echo(
                    f"{update.key}: weights.{change.weight}: breaking: {change.message} "
                    "(accept it with `layergen new --accept-breaking`)"
                )
    for error in plan.errors:
        _print_problems(error)
    if plan.errors:
        return 2
    if not stale:
        typer.echo(f"all generated files are current ({len(plan.updates)} specs)")
    return 1 if stale else 0


def status(paths, *, as_json=False) -> int:
    """Each spec's state, and what is the matter with its files; writes nothing."""
    import json

    from layergen.status import project_status

    project = _project()
    plan, _ = _plan(project, paths, writes=False)
    result = project_status(plan, project.display, _why_stale)
    if as_json:
        typer.echo(json.dumps(result.as_json(), indent=2))
        return 0
    width = max([len(s.state) for s in result.specs] + [len("invalid")])
    for spec in result.specs:
        typer.echo(f"{spec.state:<{width}}  {spec.spec}")
        for file in spec.files:
            where = f"{file.path}:{file.line}" if file.line else file.path
            typer.echo(f"    {file.state}: {where}: {file.detail}")
        for change in spec.breaking:
            typer.echo(f"    breaking: {change}")
    for problem in result.errors:
        typer.echo(f"{'invalid':<{width}}  {problem}")
    return 0


def validate(paths: list[Path]) -> list[LayergenError]:
    project = _project()
    failures = []
    for spec in spec_files(paths, project):
        try:
            _, model = build_model(spec, project)
        except LayergenError as exc:
            failures.append(exc)
            continue
        typer.echo(f"ok {project.display(spec)} ({model.class_name})")
    return failures


_SHOWN = {
    Status.CREATED: "wrote",
    Status.UPDATED: "updated",
    Status.MERGED: "merged (your edits kept)",
    Status.UNCHANGED: "unchanged",
    Status.KEPT: "unchanged (your edits kept)",
    Status.RESOLVED: "resolved (your resolution recorded)",
    Status.REMOVED: "removed",
}


def _report(plan: Plan, project: Project, *, dry_run: bool, accepted: bool) -> None:
    prefix = "would be " if dry_run else ""
    for update in plan.updates:
        for file in update.files if not update.failed else ():
            line = _update_line(file, update, project)
            if line and not (dry_run and not (file.write or file.remove or file.moved_from)):
                typer.echo(prefix + line)
        for change in update.compat:
            if not change.breaking:
                typer.echo(f"{update.key}: weights.{change.weight}: note: {change.message}")
            elif accepted:
                typer.echo(f"{update.key}: weights.{change.weight}: breaking, accepted: {change.message}")
            else:
                typer.secho(f"{update.key}: weights.{change.weight}: breaking: {change.message}", fg="yellow", err=True)
        if not accepted and any(c.breaking for c in update.compat):
            typer.secho(
                f"{update.key}: `layergen check` fails until you accept this with `layergen new --accept-breaking`",
                fg="yellow",
                err=True,
            )
    for orphan in plan.orphans:
        for file in orphan.files:
            name = project.display(file.path)
            if file.status == Status.REMOVED:
                typer.echo(f"{prefix}removed {name} (its spec {orphan.key} was deleted)")
            elif file.status == Status.ORPHANED:
                typer.echo(f"orphaned {name}: its spec {orphan.key} was deleted; remove it with --prune")
            else:
                typer.echo(
                    f"orphaned {name}: its spec {orphan.key} was deleted, but it has hand edits; delete it yourself"
                )


def _update_line(file: FileUpdate, update: SpecUpdate, project: Project) -> str | None:
    """What `layergen new` says it did to a file (failures are reported apart)."""
    name = project.display(file.path)
    if file.status == Status.MOVED_AWAY:
        return f"removed {name} (an old copy of a renamed layer's file)"
    if file.status == Status.LEFTOVER:
        return f"left over {name}: a renamed layer's old file, edited after the move; delete it yourself"
    if update.held:
        pending = file.status in (Status.CREATED, Status.UPDATED, Status.MERGED, Status.RESOLVED)
        return f"not updated {name}: first resolve what is reported for {update.key}" if pending else None
    if file.status not in _SHOWN:
        return None
    shown = _SHOWN[file.status]
    if file.status == Status.RESOLVED and file.write:
        shown = "resolved (your resolution, with the spec's other changes)"
    if file.moved_from is not None:
        return f"moved {project.display(file.moved_from)} to {name}: {shown}"
    if file.drop_side_file is not None:
        shown += f"; removed {project.display(file.drop_side_file)}"
    return f"{shown} {name}"


def _file_failures(plan: Plan, project: Project) -> list[LayergenError]:
    failures = []
    for update in plan.updates:
        for file in update.files:
            name = project.display(file.path)
            if file.status == Status.UNTRACKED:
                message = (
                    "exists, but layergen has no record of writing it; move it away and run again "
                    f"(if layergen wrote it, restore {RECORDS_DIR.as_posix()}/ from version control)"
                )
                failures.append(LayergenError(Problem(name, message)))
            elif file.status == Status.MARKERS:
                message = (
                    "holds conflict markers; keep the lines you want, delete the marker lines, then run `layergen new`"
                )
                failures.append(LayergenError(Problem(name, message, line=file.marker_line)))
            elif file.status == Status.CONFLICT:
                lines = _conflict_lines(file)
                for conflict, line in zip(file.merge.conflicts, lines):
                    typer.echo(_show_conflict(project.display(file.location), conflict, line), err=True)
                line = lines[0]
                failures.append(
                    LayergenError(Problem(project.display(file.location), _conflict_message(file, update), line=line))
                )
            if file.syntax_error is not None:
                line, message = file.syntax_error
                failures.append(LayergenError(Problem(name, f"does not parse ({message}); fix it", line=line)))
    return failures


def _summary(plan: Plan, failures: list[LayergenError], project: Project) -> None:
    """One line when some specs failed and others did not."""
    failed = {p.file for error in failures for p in error.problems}
    total = len(plan.updates) + len(plan.errors)
    count = len(plan.errors) + sum(
        1
        for u in plan.updates
        if u.failed or any(project.display(f.path) in failed or project.display(f.location) in failed for f in u.files)
    )
    if failures and total > 1 and count < total:
        typer.echo(f"{count} of {total} specs failed; the others are done")


def _conflict_message(file: FileUpdate, update: SpecUpdate) -> str:
    count = len(file.merge.conflicts)
    what = f"{count} conflict{'s' if count > 1 else ''} between your edits and {update.key}"
    if file.write:
        return (
            f"{what}; the file now holds both versions between conflict markers: resolve them, then run `layergen new`"
        )
    if file.side_path is not None:
        return (
            f"{what}; left as it was, the merge with conflict markers is in {file.side_path.name} "
            "(resolve it and move it into place, then run `layergen new`)"
        )
    if _blocked(update):
        return f"{what}; left as it was, as another file of the spec is in the way"
    return (
        f"{what}; left as it was (edit the conflicting lines to hold both changes and run `layergen new` again, "
        "or use --conflicts side or --conflicts inline to write the merge)"
    )


def _blocked(update: SpecUpdate) -> bool:
    return any(f.status in (Status.UNTRACKED, Status.MARKERS) for f in update.files)


def _conflict_lines(file: FileUpdate) -> list[int]:
    """Where each conflict is: its markers' line once written inline, else the line on disk."""
    if not file.write:
        return [conflict.line for conflict in file.merge.conflicts]
    return [i + 1 for i, line in enumerate(file.after.splitlines()) if line == OURS_MARKER]


def _show_conflict(name: str, conflict, line: int) -> str:
    def block(lines):
        return (
            "".join(f"    | {line}" if line.endswith("\n") else f"    | {line}\n" for line in lines)
            or "    (nothing)\n"
        )

    return (
        f"{name}:{line}: both changed these lines\n"
        f"  on disk (your edits):\n{block(conflict.ours)}"
        f"  generated now:\n{block(conflict.theirs)}"
    ).rstrip("\n")


def _stale_lines(file: FileUpdate, update: SpecUpdate, project: Project) -> list[str]:
    """Why `layergen check` fails on a file, one line per reason."""
    name = project.display(file.path)
    lines = []
    if file.syntax_error is not None:
        lines.append(f"{name}:{file.syntax_error[0]}: does not parse ({file.syntax_error[1]})")
    if file.moved_from is not None:
        old = project.display(file.moved_from)
        lines.append(f"{old}: {update.key} now generates {name}; `layergen new` moves it there, with your edits")
    elif file.stale:
        reason = _why_stale(file, update)
        if reason:
            where = f"{name}:{file.marker_line}" if file.status == Status.MARKERS else name
            lines.append(f"{where}: {reason}")
    return lines


def _why_stale(file: FileUpdate, update: SpecUpdate) -> str | None:
    open_conflict = file.previous is not None and file.previous.conflict is not None
    return {
        Status.CREATED: f"missing; run `layergen new {update.key}`",
        Status.UPDATED: f"out of date with {update.key}",
        Status.MERGED: f"out of date with {update.key} (your edits would be kept)",
        Status.RESOLVED: "conflict resolved; run `layergen new` to record it",
        Status.CONFLICT: f"out of date with {update.key}, and the update conflicts with your edits"
        + ("; the conflict reported earlier is not resolved yet" if open_conflict else ""),
        Status.MARKERS: "holds conflict markers; resolve them, then run `layergen new`",
        Status.UNTRACKED: "not written by layergen, but in the way of a generated file",
        Status.ORPHANED: f"left over: its spec {update.key} was deleted",
        Status.EDITED_ORPHAN: f"left over: its spec {update.key} was deleted",
        Status.MOVED_AWAY: "left over: an old copy of a renamed layer's file; `layergen new` removes it",
        Status.LEFTOVER: "left over: a renamed layer's old file, edited after the move; delete it",
    }.get(file.status)


def _print_problems(error: LayergenError) -> None:
    for problem in error.problems:
        typer.secho(str(problem), fg="red", err=True)


STARTER_SPEC = "scaled_dense.yaml"
SCHEMA_PATH = Path(".layergen") / "spec.schema.json"


def write_schema(root: Path) -> bool:
    """Write the spec format's JSON Schema for editors; only when its content changed."""
    import json

    from layergen.spec import json_schema

    path = root / SCHEMA_PATH
    text = json.dumps(json_schema(), indent=2) + "\n"
    if read_text(path) == text:
        return False
    write_atomically(path, text)
    return True


def init(root: Path, *, specs: str, layers: str, tests: str, package: str | None) -> list[str]:
    """Set up a project: `[tool.layergen]`, a spec folder with a starter spec, output folders.

    Returns the lines to show. Refuses to touch a project that is already set up.
    """
    from layergen.render import builtin_template_dir

    pyproject = root / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8") if pyproject.is_file() else ""
    if "[tool.layergen]" in text:
        raise LayergenError.plain("pyproject.toml", "[tool.layergen] is already there; this project is set up")
    settings = [f'specs = "{specs}"', f'layers = "{layers}"', f'tests = "{tests}"']
    if package:
        settings.append(f'package = "{package}"')
    section = "[tool.layergen]\n" + "\n".join(settings) + "\n"
    write_atomically(pyproject, (text.rstrip("\n") + "\n\n" if text.strip() else "") + section)
    shown = [f"{'updated' if text else 'wrote'} pyproject.toml ([tool.layergen])"]
    starter = root / specs / STARTER_SPEC
    write_schema(root)
    shown.append(f"wrote {SCHEMA_PATH.as_posix()} (the spec format, for editors)")
    if not starter.exists():
        schema_link = Path(os.path.relpath(root / SCHEMA_PATH, starter.parent)).as_posix()
        text = (builtin_template_dir() / "starter_spec.yaml").read_text(encoding="utf-8")
        write_atomically(starter, f"# yaml-language-server: $schema={schema_link}\n{text}")
        shown.append(f"wrote {Path(specs, STARTER_SPEC).as_posix()}")
    for folder in (layers, tests):
        (root / folder).mkdir(parents=True, exist_ok=True)
    shown.append(f"next: layergen new   (writes {layers}/ and {tests}/)")
    return shown
