"""What each CLI command does, as plain functions over the pipeline.

Each returns the failures it met (or an exit code); the CLI prints them. A spec with
problems is reported and nothing is written for it; the other specs are still handled.
"""

from __future__ import annotations

import os
from pathlib import Path

import typer

from layergen.errors import LayergenError, Problem
from layergen.generate import build_model
from layergen.manifest import Manifest
from layergen.project import Project, find_project
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
):
    """Generate or update each spec's layer and test, keeping hand edits."""
    project = find_project().with_overrides(layers=layers_dir, tests=tests_dir, package=package)
    manifest = Manifest.load(project.root)
    plan = plan_updates(spec_files(paths, project), project, manifest, prune=prune, accept_breaking=accept_breaking)
    if diff:
        for file in plan.all_files():
            if file.before != file.after:
                typer.echo(unified_diff(file, project), nl=False)
    else:
        apply_updates(plan, project, manifest, conflicts)
        if (project.root / SCHEMA_PATH).is_file() and write_schema(project.root):
            typer.echo(f"updated {SCHEMA_PATH.as_posix()}")
    _report(plan, project, dry_run=diff, accepted=accept_breaking)
    return plan.errors + _conflict_failures(plan, project)


def check(paths, *, accept_breaking=False) -> int:
    """Exit status 0 when every generated file is current, 1 when any is stale, 2 on errors."""
    project = find_project()
    manifest = Manifest.load(project.root)
    plan = plan_updates(spec_files(paths, project), project, manifest)
    stale = False
    for update in plan.updates + plan.orphans:
        for file in update.files:
            if file.status.stale:
                stale = True
                typer.echo(f"{project.display(file.path)}: {_why_stale(file.status, update)}")
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


def validate(paths: list[Path]) -> list[LayergenError]:
    project = find_project()
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
    Status.REMOVED: "removed",
}


def _report(plan: Plan, project: Project, *, dry_run: bool, accepted: bool) -> None:
    prefix = "would be " if dry_run else ""
    for update in plan.updates:
        for file in update.files:
            if file.status in _SHOWN and not (dry_run and file.status in (Status.UNCHANGED, Status.KEPT)):
                typer.echo(f"{prefix}{_SHOWN[file.status]} {project.display(file.path)}")
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


def _conflict_failures(plan: Plan, project: Project) -> list[LayergenError]:
    failures = []
    for update in plan.updates:
        for file in update.files:
            name = project.display(file.path)
            if file.status == Status.UNTRACKED:
                failures.append(
                    LayergenError(
                        Problem(name, "exists, but layergen has no record of writing it; move it away and run again")
                    )
                )
            elif file.status == Status.CONFLICT:
                for conflict in file.merge.conflicts:
                    typer.echo(_show_conflict(name, conflict), err=True)
                failures.append(
                    LayergenError(Problem(name, _conflict_message(file, update), line=file.merge.conflicts[0].line))
                )
    return failures


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
