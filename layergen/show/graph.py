"""`layergen show --mermaid`: a diagram of a layer's sub-layers and how `call` connects them.

Read from the spec's `call` body alone (already parsed and checked by the analysis): each
local name carries the set of nodes its value comes from (the inputs, the sub-layers whose
output it holds); calling a sub-layer draws an edge from each node its arguments come from,
labelled with the keyword when there is one. Loops are read twice, so that a value fed back
into the next round (`outputs = block(outputs)`) shows as an edge into the same sub-layer.
"""

from __future__ import annotations

import ast

from layergen.records import field, record
from layergen.render.model import LayerModel, SubLayerModel
from layergen.render.pycode import code

Edge = tuple[str, str, str]  # (from node, to node, label)


@record
class _Flow:
    sublayers: set[str]
    values: dict[str, frozenset[str]] = field(default_factory=dict)  # local name -> nodes
    aliases: dict[str, str] = field(default_factory=dict)  # loop variable -> the sub-layer list it walks
    edges: list[Edge] = field(default_factory=list)
    returns: list[list[frozenset[str]]] = field(default_factory=list)  # each return: nodes per output

    def edge(self, source: str, target: str, label: str = "") -> None:
        if (source, target, label) not in self.edges:
            self.edges.append((source, target, label))


def mermaid(model: LayerModel) -> str:
    """The diagram as a fenced Markdown block (GitHub renders `mermaid` blocks)."""
    flow = _Flow({sub.name for sub in model.sublayers})
    for name in model.input_names:
        flow.values[name] = frozenset({_input_id(name)})
    uses_mask = bool(model.masking and model.masking.uses_mask)
    if uses_mask:
        flow.values["mask"] = frozenset({_input_id("mask")})
    _statements(flow, ast.parse(model.call_source).body)
    outputs = [o.name for o in model.test.outputs] or ["output"]
    lines = ["```mermaid", "flowchart TD"]
    for name in [*model.input_names, *(["mask"] if uses_mask else [])]:
        lines.append(f'    {_input_id(name)}(["{name}"])')
    if model.sublayers:
        lines.append(f'    subgraph layer["{model.class_name}"]')
        for sub in model.sublayers:
            lines.append(f'        {_layer_id(sub.name)}["{_layer_label(sub)}"]')
        lines.append("    end")
    else:  # no sub-layers: the layer is one box between its inputs and outputs
        lines.append(f'    layer["{model.class_name}"]')
        used = frozenset().union(*(sources for returned in flow.returns for sources in returned))
        for source in sorted(used):
            flow.edge(source, "layer")
        flow.returns = [[frozenset({"layer"})]]
    for name in outputs:
        lines.append(f'    {_output_id(name)}(["{name}"])')
    for returned in flow.returns:
        per_output = returned if len(returned) == len(outputs) else [frozenset().union(*returned)] * len(outputs)
        for name, sources in zip(outputs, per_output, strict=True):
            for source in sorted(sources):
                flow.edge(source, _output_id(name))
    for source, target, label in flow.edges:
        arrow = f"-->|{label}|" if label else "-->"
        lines.append(f"    {source} {arrow} {target}")
    lines.append("```")
    return "\n".join(lines)


def _input_id(name: str) -> str:
    return f"input_{name}"


def _layer_id(name: str) -> str:
    return f"layer_{name}"


def _output_id(name: str) -> str:
    return f"output_{name}"


def _layer_label(sub: SubLayerModel) -> str:
    label = f"{sub.name}<br/>{sub.class_code.rsplit('.', 1)[-1]}"
    if sub.repeat is not None:
        label += f" × {code(sub.repeat).replace('self.', '')}"
    if sub.when is not None:
        label += f"<br/>when {sub.when}"
    return label


def _statements(flow: _Flow, body: list[ast.stmt]) -> None:
    for statement in body:
        _statement(flow, statement)


def _statement(flow: _Flow, node: ast.stmt) -> None:
    if isinstance(node, ast.Assign):
        sources = _sources(flow, node.value)
        for target in node.targets:
            _bind(flow, target, sources)
    elif isinstance(node, ast.AugAssign | ast.AnnAssign) and node.value is not None:
        sources = _sources(flow, node.value)
        if isinstance(node, ast.AugAssign):
            sources |= _sources(flow, node.target)
        _bind(flow, node.target, sources)
    elif isinstance(node, ast.For):
        walked = _sublayer_of(flow, node.iter)
        if walked is not None and isinstance(node.target, ast.Name):
            flow.aliases[node.target.id] = walked
        else:
            _bind(flow, node.target, _sources(flow, node.iter))
        for _ in range(2):  # the second round sees what the first fed back
            _statements(flow, node.body)
        _statements(flow, node.orelse)
    elif isinstance(node, ast.While | ast.If):
        _sources(flow, node.test)
        before = dict(flow.values)
        for _ in range(2 if isinstance(node, ast.While) else 1):
            _statements(flow, node.body)
        after_body, flow.values = flow.values, dict(before)
        _statements(flow, node.orelse)
        for name, sources in after_body.items():  # either branch may have run
            flow.values[name] = flow.values.get(name, frozenset()) | sources
    elif isinstance(node, ast.With):
        _statements(flow, node.body)
    elif isinstance(node, ast.Try):
        for part in (node.body, *(h.body for h in node.handlers), node.orelse, node.finalbody):
            _statements(flow, part)
    elif isinstance(node, ast.Return) and node.value is not None:
        elements = node.value.elts if isinstance(node.value, ast.Tuple | ast.List) else [node.value]
        flow.returns.append([_sources(flow, element) for element in elements])
    elif isinstance(node, ast.Expr):
        _sources(flow, node.value)


def _bind(flow: _Flow, target: ast.expr, sources: frozenset[str]) -> None:
    if isinstance(target, ast.Name):
        flow.values[target.id] = sources
    elif isinstance(target, ast.Tuple | ast.List):
        for element in target.elts:
            _bind(flow, element.value if isinstance(element, ast.Starred) else element, sources)


def _sublayer_of(flow: _Flow, node: ast.expr) -> str | None:
    """The sub-layer `node` names: `self.dense`, `self.blocks[0]`, or a loop's `block`."""
    if isinstance(node, ast.Subscript):
        return _sublayer_of(flow, node.value)
    if isinstance(node, ast.Name):
        return flow.aliases.get(node.id)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
        return node.attr if node.attr in flow.sublayers else None
    return None


def _sources(flow: _Flow, node: ast.expr) -> frozenset[str]:
    """The nodes the value of `node` comes from; calls of sub-layers become edges."""
    if isinstance(node, ast.Name):
        return flow.values.get(node.id, frozenset())
    if isinstance(node, ast.Call):
        layer = _sublayer_of(flow, node.func)
        arguments = [("", a.value if isinstance(a, ast.Starred) else a) for a in node.args]
        arguments += [(k.arg or "", k.value) for k in node.keywords]
        if layer is None:
            found: frozenset[str] = _sources(flow, node.func)
            for _, argument in arguments:
                found |= _sources(flow, argument)
            return found
        for keyword, argument in arguments:
            label = "" if keyword in ("", "inputs") else keyword
            for source in sorted(_sources(flow, argument)):
                flow.edge(source, _layer_id(layer), label)
        return frozenset({_layer_id(layer)})
    if isinstance(node, ast.Lambda):
        return frozenset()
    found = frozenset()
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.expr):
            found |= _sources(flow, child)
        elif isinstance(child, ast.comprehension):
            found |= _sources(flow, child.iter)
            _bind(flow, child.target, _sources(flow, child.iter))
    return found
