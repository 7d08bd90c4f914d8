"""Step 2 of the pipeline: a read spec (`SpecSource`) in, its sections (`LayerSpec`) out, or every
problem of its structure, each with its line.

The fast reader (`layergen.spec.fast`) reads a valid spec without loading pydantic; only when it is
not sure does pydantic (`layergen.spec.models`) validate, and word the problems.
"""

from __future__ import annotations

from layergen.spec.fast import read_fast
from layergen.spec.sections import LayerSpec
from layergen.spec.source import SpecSource


def parse_layer_spec(source: SpecSource) -> LayerSpec:
    """Validate the document's structure; every problem is reported, each with its line."""
    spec = read_fast(source.data)
    if spec is not None:
        return spec
    from layergen.spec import models  # ~70 ms: only for a spec the fast reader is not sure of

    return models.parse_layer_spec(source)
