"""The class docstring, in the layout of Keras's own layers: summary, description, then
Args, Call arguments, Input shape and Output shape."""

from __future__ import annotations

import textwrap

from layergen.analysis import expressions
from layergen.analysis.call_shapes import call_inputs
from layergen.analysis.cell_states import states_doc
from layergen.analysis.context import BATCH, ELLIPSIS, Context, ShapeItem
from layergen.analysis.outputs import Output
from layergen.render.model import ConstructorArg, DocSection
from layergen.spec.source import Path_

_DOC_WIDTH = 72


def class_docstring(
    context: Context, args: list[ConstructorArg], uses_training: bool, outputs: list[Output], *, uses_mask: bool = False
) -> str:
    """The whole docstring body (its text: the template escapes it for a triple-quoted string)."""
    spec = context.spec
    parts = [_wrap(spec.summary.strip())]
    if spec.description.strip():
        # In a folded (>) block YAML has already turned each blank line into one newline.
        separator = "\n" if _is_folded(context, ("description",)) else "\n\n"
        paragraphs = [p for p in spec.description.strip().split(separator) if p.strip()]
        parts.append("\n\n".join(_wrap(p) for p in paragraphs))
    for section in _sections(context, args, uses_training, outputs, uses_mask):
        parts.append(section.title + ":\n" + "\n".join(textwrap.indent(e, "    ") for e in section.entries))
    return "\n\n".join(parts)


def _sections(
    context: Context, args: list[ConstructorArg], uses_training: bool, outputs: list[Output], uses_mask: bool
) -> list[DocSection]:
    inputs = context.inputs
    call_arguments = [
        _entry(i.name, (i.spec.doc.strip() or f"{'Integer' if i.is_int else 'Float'} input tensor.")) for i in inputs
    ]
    for name, argument in context.spec.call_arguments.items():
        default = argument.default if not isinstance(argument.default, str) else f'"{argument.default}"'
        doc = argument.doc.strip() or f"Python {argument.type}."
        call_arguments.append(_entry(name, f"{doc} Defaults to `{default}`."))
    if context.spec.cell is not None:
        call_arguments.append(_entry("states", states_doc(context.spec.cell)))
    if uses_training:
        call_arguments.append(_entry("training", "Python boolean, whether the layer runs in training mode."))
    if uses_mask:
        call_arguments.append(
            _entry("mask", "Boolean mask of the input (Keras passes the input's mask); `None` means no mask.")
        )
    if len(outputs) == 1 and outputs[0].cases:
        output_entries = [
            "\n".join(
                textwrap.wrap(
                    _shape_doc(c.items, None)[:-1] + (f" when `{c.condition.text}`." if c.condition else " otherwise."),
                    width=_DOC_WIDTH - 4,
                    subsequent_indent="    ",
                    break_on_hyphens=False,
                )
            )
            for c in outputs[0].cases
        ]
    elif len(outputs) == 1:
        output_entries = [_shape_doc(outputs[0].items, None)]
    else:
        output_entries = [_entry(o.name, " ".join(filter(None, [o.doc, _shape_doc(o.items, None)]))) for o in outputs]
    return [
        DocSection(
            "Args",
            [_entry(a.name, a.doc) for a in args]
            + [_entry("**kwargs", "Base layer keyword arguments, such as `name` and `dtype`.")],
        ),
        DocSection("Call arguments", call_arguments),
        DocSection("Input shape", _input_entries(context)),
        DocSection("Output shape", output_entries),
    ]


def _input_entries(context: Context) -> list[str]:
    """Each input's shape; then, where a call argument says `call` takes other inputs with
    it, theirs (`With reverse=True: ...`)."""
    inputs = context.inputs
    entries = [_shape_doc(i.items, i.name if len(inputs) > 1 else None) for i in inputs]
    given = next(((n, a) for n, a in context.spec.call_arguments.items() if a.inputs is not None), None)
    for item in call_inputs(context) if given is not None else []:
        text = _shape_doc(item.items, item.name if len(inputs) > 1 else None)
        text = f"With `{given[0]}={not given[1].default}`: {text}" if given else text
        entries.append("\n".join(textwrap.wrap(text, width=_DOC_WIDTH - 4, subsequent_indent="    ")))
    return entries


def _is_folded(context: Context, path: Path_) -> bool:
    """Whether the value at `path` is a folded (`>`) block in the spec file."""
    line, column = context.source.locate(path)
    if line is None:
        return False
    return context.source.text.splitlines()[line - 1][(column or 1) - 1 :].startswith(">")


def _shape_doc(items: list[ShapeItem], input_name: str | None) -> str:
    dims = [_item_doc(item) for item in items]
    rank = f"{len(dims)}D" if ELLIPSIS not in dims else "N-D"
    text = f"{rank} tensor with shape: `({', '.join(dims)}{',' if len(dims) == 1 else ''})`."
    return f"{input_name}: {text}" if input_name else text


def _item_doc(item: ShapeItem) -> str:
    if isinstance(item, expressions.Expression):
        return item.text
    return "batch_size" if item == BATCH else item


def _entry(name: str, text: str) -> str:
    wrapped = textwrap.wrap(f"{name}: {text}", width=_DOC_WIDTH - 4, subsequent_indent="    ", break_on_hyphens=False)
    return "\n".join(wrapped)


def _wrap(paragraph: str) -> str:
    return "\n".join(textwrap.wrap(" ".join(paragraph.split()), width=_DOC_WIDTH, break_on_hyphens=False))
