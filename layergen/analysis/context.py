"""What every analysis step shares: the spec, where its values are, Keras's vocabulary, the
input dimensions found so far, and the problems found so far.

Steps record problems here and carry on, so that one run reports all of a spec's problems;
only the driver (`layergen.analysis.analyze`) raises them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

from layergen.analysis import expressions
from layergen.errors import LayergenError, Problem
from layergen.project.classes import BrokenSpec, ProjectClass
from layergen.records import field, frozen_record, record
from layergen.spec.sections import InputSpec, LayerSpec
from layergen.spec.source import Path_, SpecSource
from layergen.vocabulary import Vocabulary, closest

BATCH = "batch"
ELLIPSIS = "..."
# A parsed shape item: BATCH, ELLIPSIS or an expression such as `heads * head_dim`.
ShapeItem = str | expressions.Expression


@frozen_record
class Dimension:
    """A named input dimension, e.g. `input_dim` in `[batch, ..., input_dim]`."""

    name: str
    input_name: str
    index: int  # position in the input's shape, negative when counted from the end
    shape_param: str  # the `build` parameter holding that input's shape


@frozen_record
class Input:
    """One input of `call`, its shape parsed."""

    name: str
    spec: InputSpec
    shape_param: str
    items: list[ShapeItem]
    is_int: bool
    dtype: str

    @property
    def ellipsis(self) -> bool:
        return ELLIPSIS in self.items


@record
class Context:
    spec: LayerSpec
    source: SpecSource
    vocab: Vocabulary
    problems: list[Problem] = field(default_factory=list)
    inputs: list[Input] = field(default_factory=list)
    dims: dict[str, Dimension] = field(default_factory=dict)
    shared_dims: list[tuple[Dimension, Dimension]] = field(default_factory=list)  # (later use, first use)
    # The project's own layer classes a sub-layer can name (`layergen.project.classes`).
    project_classes: dict[str, ProjectClass] = field(default_factory=dict)
    # Spec files of the project that define no usable class (`project_classes.BrokenSpec`).
    broken_specs: tuple[BrokenSpec, ...] = ()
    # Packages generated code may import a sub-layer class from (`[tool.layergen] imports`).
    allowed_imports: tuple[str, ...] = ()

    def problem(self, path: Path_, message: str, *, key: bool = False) -> None:
        self.problems.append(self.source.problem(path, message, key=key))

    def unknown(self, path: Path_, what: str, name: str, candidates: Iterable[str], *, key: bool = False) -> None:
        """`unknown <what> 'name'`, with the closest known name or a list of the known ones."""
        suggestion = closest(name, candidates)
        hint = f" (did you mean '{suggestion}'?)" if suggestion else ""
        known = "" if hint else f"; known: {', '.join(sorted(candidates)) or 'none'}"
        if len(known) > 160:
            known = known[:157] + "..."
        self.problem(path, f"unknown {what} {name!r}{hint}{known}", key=key)

    def raise_problems(self) -> None:
        """Raise every problem found so far, in the order they appear in the file."""
        if self.problems:
            raise LayergenError(sorted(self.problems, key=lambda p: (p.line or 0, p.column or 0)))

    @functools.cached_property
    def sizing_arguments(self) -> frozenset[str]:
        """Arguments that can size a dimension: integers that cannot be None."""
        return frozenset(
            name
            for name, arg in self.spec.arguments.items()
            if arg.type == "int" and (arg.required or arg.default is not None or arg.none_means is not None)
        )
