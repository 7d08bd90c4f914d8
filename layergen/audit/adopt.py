"""`layergen adopt FILE.py:CLASS`: a spec written from a hand-written class, the file recorded so
that the next `layergen new` takes it over through the three-way merge, a copy of the original
kept under `.layergen/adopted/`, and a parity test beside the generated one.

The record's base is the original file less the code the spec could not say: with nothing left
out, `new` replaces the file by the generated layer; otherwise that code shows as the person's
edit, and the merge reports it rather than dropping it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import yaml

from layergen.audit.command import collect
from layergen.audit.findings import CouldNotRun
from layergen.audit.parity import parity_test
from layergen.audit.translate import Translation, Untranslated, translate
from layergen.errors import LayergenError, Problem
from layergen.project import Project, find_project
from layergen.project_classes import snake_case
from layergen.records import OutputRecord, RecordStore, SpecRecord, WeightRecord
from layergen.result import CommandResult
from layergen.writing import write_atomically

ADOPTED_DIR = Path(".layergen") / "adopted"


def adopt(target: str, spec: Path | None, kwargs: dict, shapes: list[list[int]], dtype: str, top: int) -> CommandResult:
    result = CommandResult()
    try:
        modules = collect(target)
    except CouldNotRun as exc:
        return _cannot(result, exc.file, exc.line, exc.reason)
    module, layers = modules[0]
    if len(layers) != 1:
        names = ", ".join(layer.name for layer in layers)
        return _cannot(result, module.shown, None, f"holds several layers ({names}); name one: {module.shown}:CLASS")
    layer = layers[0]
    project = find_project()
    docstring = ast.get_docstring(layer.node) or ""
    summary = docstring.strip().splitlines()[0] if docstring.strip() else f"{layer.name}, adopted from {module.shown}."
    translation = translate(layer, module.text, summary)
    spec_path = (spec or project.specs / f"{snake_case(layer.name)}.yaml").absolute()
    if project.display(spec_path) in RecordStore(project.root).load():
        reason = "layergen already generates this spec's files (it has a record); edit the spec and run `layergen new`"
        return _cannot(result, project.display(spec_path), None, reason)
    if spec_path.exists():
        # The person wrote the spec already: it is what the class becomes; nothing is translated.
        result.info(f"uses {project.display(spec_path)} as the spec of {layer.name}")
    else:
        write_atomically(spec_path, _spec_text(translation, project.display(module.path.absolute())))
        result.info(f"wrote {project.display(spec_path)}")
        for item in translation.untranslated:
            result.warn(f"{module.shown}:{item.line}: not translated: {item.what}; left to the merge as a hand edit")
    from layergen.generate import generate_layer

    try:
        generation = generate_layer(spec_path, project)
    except LayergenError as error:
        result.fail(error)
        result.warn(
            f"fix {project.display(spec_path)}, then run `layergen adopt {target} --spec {project.display(spec_path)}` again"
        )
        return result
    layer_file, test_file = (f.path for f in generation.files)
    copy = project.root / ADOPTED_DIR / f"{generation.model.module_name}.py"
    parity_path = test_file.with_name(f"test_{generation.model.module_name}_parity.py")
    for kept in (copy, parity_path):
        if kept.exists():
            reason = "exists from an earlier adoption; move it away to adopt again (adopt never overwrites it)"
            return _cannot(result, project.display(kept), None, reason)
    write_atomically(copy, module.text)
    result.info(f"kept the original as {project.display(copy)}")
    _record(result, project, spec_path, generation, module.path, module.text, translation)
    if test_file.exists():
        result.warn(
            f"{project.display(test_file)} exists, and layergen has no record of it: move it away before `layergen new`"
        )
    arguments = {**_required_values(translation), **kwargs}
    text = parity_test(
        name=layer.name,
        layer_module=generation.model.layer_import,
        original=module.shown,
        spec=project.display(spec_path),
        copy=copy,
        test_path=parity_path,
        kwargs=arguments,
        shapes=[tuple(s) for s in shapes] or [_test_shape(translation)],
        dtype=dtype,
        top=top,
        shown_copy=project.display(copy),
    )
    write_atomically(parity_path, text)
    result.info(f"wrote {project.display(parity_path)}")
    result.info(
        f"next: `layergen new {project.display(spec_path)}`, then pytest {project.display(test_file)} {project.display(parity_path)}"
    )
    return result


def _cannot(result: CommandResult, file: str, line: int | None, reason: str) -> CommandResult:
    result.fail(LayergenError(Problem(file, reason, line=line)))
    result.status = 2
    return result


def _spec_text(translation: Translation, original: str) -> str:
    header = f"# Adopted by `layergen adopt` from {original}.\n"
    return header + yaml.dump(translation.spec, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100)


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data) -> bool:
        return True  # a shape used twice is written twice, not as an anchor


def _text(dumper: yaml.SafeDumper, value: str):
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _list(dumper: yaml.SafeDumper, value: list):
    # Shapes and values on one line (`[batch, ..., units]`); lists of mappings in block style.
    flow = all(not isinstance(item, (dict, list)) for item in value) or all(isinstance(i, list) for i in value)
    return dumper.represent_sequence("tag:yaml.org,2002:seq", value, flow_style=flow)


_Dumper.add_representer(str, _text)
_Dumper.add_representer(list, _list)


def _test_shape(translation: Translation) -> tuple[int, ...]:
    """The parity test's input: (2, 5, features), with the spec's last axis when it is a number."""
    (first,) = list(translation.spec["inputs"].values())[:1]
    last = first["shape"][-1]
    return (2, 5, last if isinstance(last, int) else 3)


def _required_values(translation: Translation) -> dict:
    """Test values for required arguments: 4 for an integer (a size), 0.5 otherwise."""
    arguments = translation.spec.get("arguments", {})
    return {name: (4 if a["type"] == "int" else 0.5) for name, a in arguments.items() if "default" not in a}


def _record(result, project: Project, spec_path: Path, generation, original: Path, text: str, translation) -> None:
    layer_file = generation.files[0].path
    if layer_file.resolve() != original.resolve():
        result.info(
            f"`layergen new` writes {project.display(layer_file)}; {project.display(original)} stays as it is "
            "(import the new module, then delete it)"
        )
        return
    weights = {
        w.name: WeightRecord(w.checkpoint_shape, w.checkpoint_dtype, w.earlier_names) for w in generation.model.weights
    }
    base = _without(text, translation.untranslated)
    output = OutputRecord(project.display(layer_file), base)
    RecordStore(project.root).save(
        project.display(spec_path), SpecRecord(generation.model.class_name, weights, {"layer": output})
    )
    result.info(f"recorded {project.display(layer_file)}: the next `layergen new` takes it over by a three-way merge")


def _without(text: str, untranslated: list[Untranslated]) -> str:
    """The text less the whole statements the spec does not say: the merge sees them as edits."""
    dropped = {n for item in untranslated if item.end for n in range(item.line, item.end + 1)}
    lines = text.splitlines(keepends=True)
    return "".join(line for number, line in enumerate(lines, 1) if number not in dropped)
