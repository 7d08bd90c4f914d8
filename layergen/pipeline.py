"""The pipeline, one named step after another:

    read (spec.source) -> parse (spec.fast, or spec.models) -> analyze (analysis) -> render -> format

then `update` (merge, write), driven for many specs by `layergen.run`.

The analyze step is the `layergen.analysis` package, one module per concern: names,
shapes, arguments (argument_types: one table of what each type accepts), weights,
call_body, docstring, sublayers and test_plan.

`generate_layer` runs the first four for one spec and returns the files it would write;
`layergen.run` runs them for the specs that need it, and hands their files to
`layergen.update`, which merges them with what is on disk and writes them.
"""

from __future__ import annotations

from pathlib import Path

from layergen.analysis import analyze, snake_case
from layergen.errors import LayergenError
from layergen.formatting.formatter import format_texts
from layergen.project.classes import ProjectIndex, project_index
from layergen.project.settings import Project, check_module_path
from layergen.records import frozen_record, replace
from layergen.render.model import LayerModel
from layergen.render.renderer import render_code
from layergen.spec.parse import parse_layer_spec
from layergen.spec.sections import LayerSpec
from layergen.spec.source import SpecSource, read_spec
from layergen.update.plan import GeneratedFile
from layergen.update.record_types import WeightRecord
from layergen.vocabulary import load as load_vocabulary


@frozen_record
class Generation:
    spec_path: Path
    spec: LayerSpec
    model: LayerModel
    files: tuple[GeneratedFile, ...]


def load_spec(spec_path: Path, project: Project) -> tuple[LayerSpec, SpecSource]:
    """Steps 1 and 2: read the YAML and validate its structure."""
    try:
        source = read_spec(spec_path, project.display(spec_path))
    except LayergenError as error:
        # pydantic is imported only for a spec with problems (see layergen.spec.fast).
        from layergen.spec.models import with_structure_problems

        raise with_structure_problems(error) from None
    return parse_layer_spec(source), source


def build_model(spec_path: Path, project: Project) -> tuple[LayerSpec, LayerModel]:
    """Steps 1 to 3: the spec and its render model."""
    spec, source = load_spec(spec_path, project)
    module = check_module_path(project.layers_module, project.display(project.layers))
    # Only a sub-layer class that is neither Keras's nor a dotted path can be the project's;
    # finding those reads every spec of the folders.
    index = _project_index(spec_path, project, module) if _names_project_class(spec) else ProjectIndex({})
    model = analyze(
        spec,
        source,
        module_name=snake_case(spec.layer),
        spec_path=project.display(spec_path),
        default_package=project.package,
        project_classes=index.classes,
        broken_specs=index.broken,
        allowed_imports=project.imports,
        layers_module=module,
        line_length=project.style.line_length,
    )
    return spec, model


def _names_project_class(spec: LayerSpec) -> bool:
    keras = load_vocabulary().layers
    return any(sub.class_ not in keras and "." not in sub.class_ for sub in spec.layers.values())


def _project_index(spec_path: Path, project: Project, module: str) -> ProjectIndex:
    """The layers of the project's specs, and of the specs beside this one; the broken
    specs of both, as the user sees their paths."""
    # The spec's own folder, not the folders below it: run at a project's root, a spec
    # would otherwise read every YAML file of the project (a virtual environment's too).
    near = project_index(Path(spec_path).absolute().parent, module, below=False)
    main = project_index(project.specs, module)
    broken = {b.path: replace(b, path=Path(project.display(b.path))) for b in near.broken + main.broken}
    return ProjectIndex({**near.classes, **main.classes}, tuple(broken.values()))


def generate_layer(spec_path: Path, project: Project, *, formatted: bool = True) -> Generation:
    """Steps 1 to 4: the layer module and its test, rendered but not written.

    With `formatted=False` the files hold the rendered code before formatting, for the
    caller to format many specs' files together (`formatting.Formatter`).
    """
    spec, model = build_model(spec_path, project)
    files = (
        GeneratedFile(project.layers / f"{model.module_name}.py", render_code(model, "layer", project.templates)),
        GeneratedFile(project.tests / f"test_{model.module_name}.py", render_code(model, "test", project.templates)),
    )
    generation = Generation(spec_path, spec, model, files)
    if not formatted:
        return generation
    return with_contents(generation, format_texts([f.content for f in files], project.formatter, project.style))


def with_contents(generation: Generation, contents: list[str]) -> Generation:
    """The generation with its files' contents replaced (by their formatted text)."""
    files = tuple(replace(f, content=text) for f, text in zip(generation.files, contents, strict=True))
    return replace(generation, files=files)


def render(model: LayerModel, artefact: str, override_dir: Path | None = None, formatter: str = "black") -> str:
    """Steps 4 and 5 for one artefact ("layer" or "test") of a model: its formatted Python source."""
    return format_texts([render_code(model, artefact, override_dir)], formatter)[0]


def weight_records(model: LayerModel) -> dict[str, WeightRecord]:
    """What the records keep of each of a layer's own weights, to tell which spec edits break
    checkpoints."""
    return {
        weight.name: WeightRecord(weight.checkpoint_shape, weight.checkpoint_dtype, weight.earlier_names)
        for weight in model.weights
    }
