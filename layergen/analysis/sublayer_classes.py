"""A sub-layer's class, as generated code names and imports it, and what its constructor takes.

A class is a `keras.layers` class (`Dense`, or `keras.layers.Dense`), a class of the
project (by its spec's `layer:`; its parameters are those of its spec, whose names have
passed the names rule), or a dotted path `pkg.module.Class` whose module the project
allows (`layergen.project.imports`). A project class that holds, through other project
classes, the layer itself or a class already on the way is a cycle: constructing it would
recurse forever, so it is refused with the cycle named.
"""

from __future__ import annotations

from layergen.analysis.context import Context
from layergen.project import imports as import_policy
from layergen.project.classes import ProjectClass
from layergen.records import frozen_record
from layergen.render.model import Import
from layergen.spec.source import Path_
from layergen.vocabulary import closest

_KERAS_LAYERS = "keras.layers."
# Names the generated module binds at its top (templates/layer.py.jinja): `import np.x`
# would rebind one of them (`keras` itself is imported already, so never again).
_MODULE_NAMES = frozenset({"np", "ops", "warnings", "re"})


@frozen_record
class ResolvedClass:
    """A sub-layer class as the generated code names it, and what its constructor takes."""

    code: str  # its qualified name
    params: tuple[str, ...] | None  # None: not known (a dotted path), so not checked
    build_params: tuple[str, ...] | None
    imports: tuple[Import, ...] = ()


def resolve_class(context: Context, name: str, path: Path_) -> ResolvedClass | None:
    """The class a sub-layer's `class:` names; None (and a problem) when it cannot be used."""
    keras_layer = context.vocab.layers.get(name)
    if keras_layer is not None:
        return ResolvedClass(f"keras.layers.{name}", keras_layer.params, keras_layer.build_params)
    if "." in name:
        return _class_path(context, name, path)
    project_class = context.project_classes.get(name)
    if project_class is not None:
        return _project_class(context, project_class, path)
    _not_found(context, name, path)
    return None


def _not_found(context: Context, name: str, path: Path_) -> None:
    """Why no class of that name can be used: a spec defines it but has a problem, or none
    does (and a spec that defines no usable class may have been meant to)."""
    broken = [b for b in context.broken_specs if b.name == name]
    if broken:
        file = broken[0].path.as_posix()
        context.problem(path, f"layer class {name!r} is defined by {file}, which cannot be used: {broken[0].reason}")
        return
    candidates = list(context.vocab.layers) + list(context.project_classes)
    unread = [b for b in context.broken_specs if b.name is None]
    if not unread:
        context.unknown(path, "layer class", name, candidates)
        return
    # Name that spec (and why it cannot be used) rather than the list of known classes.
    suggestion = closest(name, candidates)
    hint = f" (did you mean '{suggestion}'?)" if suggestion else ""
    others = f" (and {len(unread) - 1} other specs)" if len(unread) > 1 else ""
    where = f"{unread[0].path.as_posix()}{others} may define it but cannot be used: {unread[0].reason}"
    context.problem(path, f"unknown layer class {name!r}{hint}; {where}")


def _class_path(context: Context, name: str, path: Path_) -> ResolvedClass | None:
    problem = import_policy.class_path_problem(name)
    if problem:
        context.problem(path, problem)
        return None
    if name.startswith(_KERAS_LAYERS) and name.count(".") == 2:
        keras_name = name.rsplit(".", 1)[1]
        if keras_name in context.vocab.layers:
            return resolve_class(context, keras_name, path)
        context.unknown(path, "keras.layers class", keras_name, context.vocab.layers)
        return None
    module = name.rsplit(".", 1)[0]
    if not import_policy.allows(context.allowed_imports, module):
        context.problem(path, import_policy.refusal(module))
        return None
    package = module.split(".")[0]
    if package in _MODULE_NAMES or package == context.spec.layer:
        context.problem(path, f"`import {module}` would rebind {package!r}, a name the generated module uses")
        return None
    if package in _init_locals(context):
        context.problem(path, f"the argument or constant {package!r} hides the package {package!r} in __init__")
        return None
    keras = package == "keras"  # imported by every generated module
    return ResolvedClass(name, None, None, () if keras else (Import(module),))


def _project_class(context: Context, project_class: ProjectClass, path: Path_) -> ResolvedClass | None:
    name = project_class.name
    if name == context.spec.layer:
        context.problem(path, f"{name} cannot hold itself as a sub-layer")
        return None
    cycle = _cycle(context, name)
    if cycle:
        context.problem(path, f"project classes hold each other, so constructing one never ends: {' -> '.join(cycle)}")
        return None
    if name in _init_locals(context):
        context.problem(path, f"the argument or constant {name!r} hides the class {name!r} in __init__")
        return None
    imports = (Import(project_class.module, name),)
    return ResolvedClass(name, project_class.params, project_class.build_params, imports)


def _cycle(context: Context, start: str) -> list[str] | None:
    """The first cycle that the project classes held from `start` lead into, as class names
    (`A -> B -> A`); None when there is none. Depth first, without recursion: a chain of
    classes may be long."""
    classes, keras = context.project_classes, context.vocab.layers
    chain = [context.spec.layer, start]
    pending = [iter(classes[start].holds)]
    done: set[str] = set()
    while pending:
        held = next(pending[-1], None)
        if held is None:
            pending.pop()
            done.add(chain.pop())
        elif held in keras:
            continue  # a Keras class wins over a project class of the same name
        elif held in chain:
            return [*chain[chain.index(held) :], held]
        elif held in classes and held not in done:
            chain.append(held)
            pending.append(iter(classes[held].holds))
    return None


def _init_locals(context: Context) -> set[str]:
    """The names `__init__`'s parameters bind, which hide module names inside it."""
    return set(context.spec.arguments) | set(context.spec.constants)
