"""A run of `layergen new`, `check` or `status`, step by step: the specs named in; the plan
of each spec's files out (carried out when the run writes), with what writing it did.

    take the project's lock and load the records
    split the specs by fingerprint: current ones need nothing generated
    generate the stale ones (`pipeline.generate_layer`, steps 1 to 4) and format them together
    plan each spec's files (`update.planner`), and carry the plan out when writing (`update.apply`)

The speed shortcuts live here too: a run whose specs are all current loads neither the
generator (`pipeline`: pydantic, jinja2) nor black; the formatter is started before the
generator is loaded (black loads in its worker meanwhile, `formatting.Formatter(early=True)`),
and formats while later specs are generated.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from layergen.formatting.formatter import formatter_version
from layergen.project.classes import run_scope
from layergen.project.lock import project_lock
from layergen.project.settings import Project
from layergen.project.spec_files import spec_files
from layergen.records import frozen_record
from layergen.render.templates_dir import builtin_template_dir
from layergen.update.apply import Applied, carry_out
from layergen.update.current import Progress, StaleSpec, split_by_fingerprint
from layergen.update.fingerprint import Fingerprints, environment_digest
from layergen.update.plan import GeneratedSpec, Plan, PlanOptions
from layergen.update.planner import Known, plan_updates
from layergen.update.records import RecordStore

if TYPE_CHECKING:
    from layergen.pipeline import Generation


_DEFAULTS = PlanOptions()


@frozen_record
class Run:
    plan: Plan
    applied: Applied | None  # None: the run wrote nothing


def run(
    project: Project,
    paths: list[Path],
    *,
    writes: bool,
    options: PlanOptions = _DEFAULTS,
    notify: Callable[[str], None] | None = None,
    progress: Progress | None = None,
    also_write: Callable[[], bool] = lambda: False,
) -> Run:
    """The plan of the specs at `paths` (files or folders), carried out when the run `writes`,
    followed by `also_write` (the command's own writes) under the same lock. `notify` shows a
    notice at once (while waiting for another run), `progress(what, done, total)` how far it is."""
    progress = progress or _silent
    specs = spec_files(paths, project, hint=True)
    with project_lock(project.root, writes=writes, on_wait=notify or _silent_notice):
        store = RecordStore(project.root)
        records = store.load()
        environment = environment_digest(project, formatter_version(project.formatter), builtin_template_dir())
        fingerprints = Fingerprints(project, environment)
        with run_scope():  # the project's classes are read once, whichever specs need them
            split = split_by_fingerprint(specs, project, records, fingerprints, progress)
            known = _generate_stale(project, split, progress)
        plan = plan_updates(
            list(zip(specs, known, strict=True)), project, records, fingerprints, options, _analyzer(project)
        )
        applied = carry_out(plan, store, records, project, also_write) if writes else None
    return Run(plan, applied)


def _silent(what: str, done: int, total: int) -> None:
    pass


def _silent_notice(notice: str) -> None:
    pass


def _generate_stale(project: Project, split: Sequence[Known | StaleSpec], progress: Progress) -> list[Known]:
    """Each spec as `split` has it, the stale ones generated and formatted."""
    stale = [item for item in split if isinstance(item, StaleSpec)]
    if not stale:
        return [item for item in split if not isinstance(item, StaleSpec)]
    generated = iter(_generate(project, stale, progress))
    return [next(generated) if isinstance(item, StaleSpec) else item for item in split]


def _generate(project: Project, specs: list[StaleSpec], progress: Progress) -> list[GeneratedSpec | Exception]:
    """Each spec generated, or the exception it raised; their files are formatted while
    later specs are generated (`formatting.Formatter`)."""
    # The formatter and the generator are loaded only when there is work. What both of
    # them load (black and its cache; jinja2's compiled templates and the writes) is loaded
    # once, before the formatter's process is forked.
    import tempfile  # noqa: F401
    import textwrap  # noqa: F401
    import threading  # noqa: F401

    from layergen.formatting.formatter import Formatter, collect_again

    # Started before the generator is loaded: black loads in the pool meanwhile.
    formatter = Formatter(project.formatter, expected=2 * len(specs), early=True, style=project.style)
    from layergen import pipeline

    collect_again()
    generations: list[Generation | Exception] = []
    for index, spec in enumerate(specs):
        progress("generating", index, len(specs))
        try:
            generation = pipeline.generate_layer(spec.path, project, formatted=False)
            for file in generation.files:
                formatter.submit(file.content)
            generations.append(generation)
        except Exception as exc:  # reported as that spec's failure, in order, by `plan_updates`
            generations.append(exc)
    progress("formatting", 0, len(specs))
    texts = iter(formatter.results())
    progress("formatting", len(specs), len(specs))
    return [
        item if isinstance(item, Exception) else _received(item, [next(texts) for _ in item.files], spec.spec_bytes)
        for item, spec in zip(generations, specs, strict=True)
    ]


def _received(generation: Generation, contents: list[str], spec_bytes: bytes | None) -> GeneratedSpec:
    """A generation as the update step receives it, its files holding `contents`."""
    from layergen.pipeline import weight_records, with_contents

    files = with_contents(generation, contents).files
    model = generation.model
    return GeneratedSpec(
        generation.spec_path, generation.spec, model.class_name, weight_records(model), files, spec_bytes
    )


def _analyzer(project: Project) -> Callable[[str], GeneratedSpec | None]:
    """The analysis of a project class neither generated in this run nor recorded (a run
    naming only the specs that use it), from its spec; None where it has none, or a broken one."""

    def analyze_class(name: str) -> GeneratedSpec | None:
        from layergen.pipeline import build_model, weight_records
        from layergen.project.classes import read_definitions

        if not project.specs.is_dir():
            return None
        files = sorted(p for p in project.specs.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())
        for path, definition in zip(files, read_definitions(files), strict=True):
            if definition is not None and definition.reason is None and definition.name == name:
                try:
                    spec, model = build_model(path, project)
                except Exception:  # its own run reports what is wrong with it
                    return None
                return GeneratedSpec(path, spec, model.class_name, weight_records(model), ())
        return None

    return analyze_class
