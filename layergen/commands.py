"""What each CLI command does, as plain functions over the pipeline.

Each returns a `CommandResult` (the lines to show, the problems met, the exit code) and
prints nothing: `layergen.report` shows it. A spec with problems is reported and nothing
is written for it; the other specs are still handled. A failure that stops the whole
command is raised as a `LayergenError`, which the CLI reports.
"""

from __future__ import annotations

import os
from pathlib import Path

from layergen.errors import LayergenError, Problem
from layergen.generate import build_model
from layergen.manifest import Manifest
from layergen.project import Project, find_project
from layergen.result import CommandResult
from layergen.writing import read_text, write_atomically
from layergen.merge import ConflictMode
from layergen.update import Plan, SpecUpdate, Status, apply_updates, plan_updates, side_file, unified_diff


def spec_files(paths: list[Path], project: Project) -> list[Path]:
    """Expand folders to the `*.yaml` / `*.yml` files in them; no paths means the project's specs."""
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
        unique.setdefault(file.resolve(), file)
    return list(unique.values())


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
) -> CommandResult:
    """Generate or update each spec's layer and test, keeping hand edits; `diff` writes nothing."""
    project = find_project().with_overrides(layers=layers_dir, tests=tests_dir, package=package)
    manifest = Manifest.load(project.root)
    plan = plan_updates(spec_files(paths, project), project, manifest, prune=prune, accept_breaking=accept_breaking)
    result = CommandResult()
    if diff:
        for file in plan.all_files():
            if file.before != file.after:
                result.info(unified_diff(file, project).removesuffix("\n"))
    else:
        apply_updates(plan, project, manifest, conflicts)
        if (project.root / SCHEMA_PATH).is_file() and write_schema(project.root):
            result.info(f"updated {SCHEMA_PATH.as_posix()}")
    _report(result, plan, project, dry_run=diff, accepted=accept_breaking)
    result.fail(*plan.errors)
    _report_conflicts(result, plan, project)
    return result


def check(paths, *, accept_breaking=False) -> CommandResult:
    """Exit status 0 when every generated file is current, 1 when any is stale, 2 on errors."""
    project = find_project()
    manifest = Manifest.load(project.root)
    plan = plan_updates(spec_files(paths, project), project, manifest)
    result = CommandResult()
    stale = False
    for update in plan.updates + plan.orphans:
        for file in update.files:
            if file.status.stale:
                stale = True
                result.info(f"{project.display(file.path)}: {_why_stale(file.status, update)}")
        for change in update.compat:
            if change.breaking and not accept_breaking:
                stale = True
                result.info(
                    f"{update.key}: weights.{change.weight}: breaking: {change.message} "
                    "(accept it with `layergen new --accept-breaking`)"
                )
    result.fail(*plan.errors)
    if plan.errors:
        result.status = CHECK_ERROR
    elif not stale:
        result.info(f"all generated files are current ({len(plan.updates)} specs)")
    else:
        result.status = 1
    return result


CHECK_ERROR = 2  # `check`'s exit code for problems, apart from 1 for "out of date"


def validate(paths: list[Path]) -> CommandResult:
    """Check each spec as `new` would, writing nothing."""
    project = find_project()
    result = CommandResult()
    for spec in spec_files(paths, project):
        try:
            _, model = build_model(spec, project)
        except LayergenError as exc:
            result.fail(exc)
            continue
        result.info(f"ok {project.display(spec)} ({model.class_name})")
    return result


def schema() -> CommandResult:
    """The JSON Schema of spec files, for editors."""
    result = CommandResult()
    result.info(_schema_text().rstrip("\n"))
    return result


_SHOWN = {
    Status.CREATED: "wrote",
    Status.UPDATED: "updated",
    Status.MERGED: "merged (your edits kept)",
    Status.UNCHANGED: "unchanged",
    Status.KEPT: "unchanged (your edits kept)",
    Status.REMOVED: "removed",
}


def _report(result: CommandResult, plan: Plan, project: Project, *, dry_run: bool, accepted: bool) -> None:
    prefix = "would be " if dry_run else ""
    for update in plan.updates:
        for file in update.files:
            if file.status in _SHOWN and not (dry_run and file.status in (Status.UNCHANGED, Status.KEPT)):
                result.info(f"{prefix}{_SHOWN[file.status]} {project.display(file.path)}")
        for change in update.compat:
            if not change.breaking:
                result.info(f"{update.key}: weights.{change.weight}: note: {change.message}")
            elif accepted:
                result.info(f"{update.key}: weights.{change.weight}: breaking, accepted: {change.message}")
            else:
                result.warn(f"{update.key}: weights.{change.weight}: breaking: {change.message}")
        if not accepted and any(c.breaking for c in update.compat):
            result.warn(
                f"{update.key}: `layergen check` fails until you accept this with `layergen new --accept-breaking`"
            )
    for orphan in plan.orphans:
        for file in orphan.files:
            name = project.display(file.path)
            if file.status == Status.REMOVED:
                result.info(f"{prefix}removed {name} (its spec {orphan.key} was deleted)")
            elif file.status == Status.ORPHANED:
                result.info(f"orphaned {name}: its spec {orphan.key} was deleted; remove it with --prune")
            else:
                result.info(
                    f"orphaned {name}: its spec {orphan.key} was deleted, but it has hand edits; delete it yourself"
                )


def _report_conflicts(result: CommandResult, plan: Plan, project: Project) -> None:
    """Files left alone: one in the way that layergen did not write, or a merge with conflicts."""
    for update in plan.updates:
        for file in update.files:
            name = project.display(file.path)
            if file.status == Status.UNTRACKED:
                result.fail(
                    LayergenError(
                        Problem(name, "exists, but layergen has no record of writing it; move it away and run again")
                    )
                )
            elif file.status == Status.CONFLICT:
                for conflict in file.merge.conflicts:
                    result.detail(_show_conflict(name, conflict))
                result.fail(
                    LayergenError(Problem(name, _conflict_message(file, update), line=file.merge.conflicts[0].line))
                )


def _conflict_message(file, update: SpecUpdate) -> str:
    count = len(file.merge.conflicts)
    what = f"{count} conflict{'s' if count > 1 else ''} between your edits and {update.key}"
    if file.after != file.before:
        return f"{what}; the file now holds both versions between conflict markers"
    written = side_file(file.path)
    if written.exists():
        return f"{what}; left as it was, the merge with conflict markers is in {written.name}"
    return f"{what}; left as it was (use --conflicts side or --conflicts inline to write the merge)"


def _show_conflict(name: str, conflict) -> str:
    def block(lines):
        return (
            "".join(f"    | {line}" if line.endswith("\n") else f"    | {line}\n" for line in lines)
            or "    (nothing)\n"
        )

    return (
        f"{name}:{conflict.line}: both changed these lines\n"
        f"  on disk (your edits):\n{block(conflict.ours)}"
        f"  generated now:\n{block(conflict.theirs)}"
    ).rstrip("\n")


def _why_stale(status: Status, update: SpecUpdate) -> str:
    return {
        Status.CREATED: f"missing; run `layergen new {update.key}`",
        Status.UPDATED: f"out of date with {update.key}",
        Status.MERGED: f"out of date with {update.key} (your edits would be kept)",
        Status.CONFLICT: f"out of date with {update.key}, and the update conflicts with your edits",
        Status.UNTRACKED: "not written by layergen, but in the way of a generated file",
        Status.ORPHANED: f"left over: its spec {update.key} was deleted",
        Status.EDITED_ORPHAN: f"left over: its spec {update.key} was deleted",
    }[status]


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
    from layergen.render import builtin_template_dir

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
