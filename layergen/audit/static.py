"""The findings the source shows without running it: imports of a backend or of Keras's private
code, bare tensors and backend variables kept on the layer, `add_weight` outside `build` and
`__init__`, read-only Layer attributes assigned, no registration, a `get_config` that misses
constructor arguments, and an `__init__` that drops the base layer's keyword arguments."""

from __future__ import annotations

import ast
from collections.abc import Iterable

from layergen.audit.findings import Finding
from layergen.audit.source import (
    LayerClass,
    LayerModule,
    dotted,
    enclosing_methods,
    keyword,
    self_attribute,
)

_BACKENDS = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}
# Calls that make a backend variable Keras 3 does not track (keras.Variable it does track).
_UNTRACKED_VARIABLES = ("tf.Variable", "tensorflow.Variable", "K.variable", "backend.variable", "torch.nn.Parameter")
# Calls that make a bare tensor of a fixed dtype.
_BACKEND_TENSORS = (
    "K.constant",
    "backend.constant",
    "tf.constant",
    "tensorflow.constant",
    "tf.convert_to_tensor",
    "tf.ones",
    "tf.zeros",
    "tf.fill",
    "jnp.array",
    "jnp.asarray",
    "torch.tensor",
)
_KERAS_TENSORS = ("ops.convert_to_tensor", "ops.array", "ops.ones", "ops.zeros", "ops.full", "ops.eye")
# Layer properties without a setter (keras/src/layers/layer.py): assigning one fails or hides it.
_READ_ONLY = (
    "weights",
    "trainable_weights",
    "non_trainable_weights",
    "variables",
    "trainable_variables",
    "non_trainable_variables",
    "losses",
    "metrics",
    "metrics_variables",
    "input",
    "output",
    "dtype",
    "compute_dtype",
    "variable_dtype",
    "path",
)
_REGISTER = "register_keras_serializable"
# keras.layers.Layer's own arguments: a class that names one passes it on, and the base config has it.
BASE_LAYER_ARGUMENTS = {
    "name",
    "dtype",
    "trainable",
    "autocast",
    "activity_regularizer",
    "input_shape",
    "input_dim",
    "batch_input_shape",
    "batch_size",
    "dynamic",
}


def static_findings(module: LayerModule, layer: LayerClass) -> list[Finding]:
    found = _import_findings(module, layer)
    found += _tensor_findings(module, layer)
    found += _early_weight_findings(module, layer)
    found += _attribute_findings(module, layer)
    found += _registration_findings(module, layer)
    found += _config_findings(module, layer)
    return found


def _finding(module: LayerModule, layer: LayerClass, line: int, check: str, message: str) -> Finding:
    return Finding(module.shown, line, check, message, layer.name)


def _imported_modules(module: LayerModule) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(module.tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
    return found


def _import_findings(module: LayerModule, layer: LayerClass) -> list[Finding]:
    found = []
    for line, name in _imported_modules(module):
        top = name.split(".")[0]
        if name == "keras.src" or name.startswith("keras.src."):
            message = (
                f"imports {name}, Keras's private code, which moves between Keras releases; "
                "import the public API instead (`import keras`, `from keras import ops`)"
            )
            found.append(_finding(module, layer, line, "private-keras-import", message))
        elif top in _BACKENDS:
            message = (
                f"imports {name}: a Keras 3 layer written with {top} runs only on the {_BACKENDS[top]} backend, "
                "and its variables and tensors bypass Keras's tracking; write it with `keras.ops` and "
                "`self.add_weight` (and `keras.layers.Layer` as the base class)"
            )
            found.append(_finding(module, layer, line, "backend-import", message))
    return found


def _tensor_findings(module: LayerModule, layer: LayerClass) -> list[Finding]:
    found = []
    for method, node in enclosing_methods(layer):
        if not isinstance(node, ast.Call):
            continue
        called = dotted(node.func)
        if called.endswith(_UNTRACKED_VARIABLES) or called in ("Variable", "tf.compat.v1.Variable"):
            frozen = _is_false(keyword(node, "trainable"))
            role = "a frozen weight with `trainable=False`" if frozen else "a trainable weight"
            message = (
                f"{called}(...) in {method}: Keras 3 does not track it, so it is not in `layer.weights`, the "
                "optimizer never updates it and save_weights/load_model skip it; make it in build with "
                f"`self.add_weight(name=..., shape=..., initializer=...)`, {role}"
            )
            found.append(_finding(module, layer, node.lineno, "untracked-variable", message))
        elif dotted(node.func).endswith(("add_weight", "add_variable")) and method not in _made_in_build(layer):
            message = (
                f"add_weight in {method}: weights made outside build and __init__ do not exist when a checkpoint "
                "loads, and a traced call makes a new one each time; make it in build"
            )
            found.append(_finding(module, layer, node.lineno, "weight-outside-build", message))
    parameters = {a.arg for a in layer.init_parameters()}
    for assign in ast.walk(layer.node):
        if not isinstance(assign, ast.Assign) or not isinstance(assign.value, ast.Call):
            continue
        made = dotted(assign.value.func)
        targets = [t for t in (self_attribute(t) for t in assign.targets) if t]
        if not targets:
            continue
        # Keras-ops tensors of a constructor argument (kept in the config) are the run's to judge.
        literal = not _mentions(assign.value, parameters)
        bare = made.endswith(_BACKEND_TENSORS) or (
            made.endswith(_KERAS_TENSORS) and _fixed_dtype(assign.value) and literal
        )
        if bare:
            name = targets[0]
            message = (
                f"`self.{name}` holds a bare tensor made by {made}: it is not a weight (not saved with the "
                "weights), not in the config, and keeps a fixed dtype (wrong under mixed_float16); keep the "
                f"numbers as a constructor argument saved by get_config and make the tensor in call with "
                f"`ops.convert_to_tensor(self.{name}, dtype=self.compute_dtype)`, or make it a weight with "
                "`self.add_weight(..., trainable=False)`"
            )
            found.append(_finding(module, layer, assign.lineno, "constant-as-tensor", message))
    return found


def _made_in_build(layer: LayerClass) -> set[str]:
    """__init__, build, and the methods of the class they call (`self._make_weights()`)."""
    allowed = {"__init__", "build"}
    pending = ["__init__", "build"]
    while pending:
        method = layer.methods.get(pending.pop())
        for node in ast.walk(method) if method is not None else ():
            if isinstance(node, ast.Call):
                name = self_attribute(node.func)
                if name in layer.methods and name not in allowed:
                    allowed.add(name)
                    pending.append(name)
    return allowed


def _mentions(node: ast.AST, names: set[str]) -> bool:
    """Whether the expression reads one of `names`, plainly or as `self.<name>`."""
    for item in ast.walk(node):
        if isinstance(item, ast.Name) and item.id in names:
            return True
        if self_attribute(item) in names:
            return True
    return False


def _early_weight_findings(module: LayerModule, layer: LayerClass) -> list[Finding]:
    """Weights made in __init__ from an argument that gives the input's size."""
    init = layer.methods.get("__init__")
    inputs = {a.arg for a in layer.init_parameters() if "input" in a.arg}
    found = []
    for node in ast.walk(init) if init is not None and inputs else ():
        if isinstance(node, ast.Call) and dotted(node.func).endswith("add_weight"):
            shape = keyword(node, "shape") or (node.args[0] if node.args else None)
            if shape is not None and _mentions(shape, inputs):
                message = (
                    "add_weight in __init__ sized by the input's size given as an argument: the layer cannot take "
                    "the size from its input, and a wrong argument only fails at call time; make the weight in "
                    "build(self, input_shape) from input_shape[-1], and drop the argument"
                )
                found.append(_finding(module, layer, node.lineno, "weight-before-input-shape", message))
    return found


def _is_false(node: ast.expr | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is False


def _fixed_dtype(call: ast.Call) -> bool:
    """A Keras-ops tensor made with a literal dtype (or none): not the layer's compute dtype."""
    dtype = keyword(call, "dtype")
    if dtype is None and len(call.args) > 1:
        dtype = call.args[1]
    return dtype is None or isinstance(dtype, ast.Constant)


def _attribute_findings(module: LayerModule, layer: LayerClass) -> list[Finding]:
    found = []
    for name in _READ_ONLY:
        line = layer.assigned.get(name)
        if line is None:
            continue
        message = (
            f"assigns `self.{name}`, a read-only property of keras.layers.Layer (Keras sets it from the weights "
            "the layer tracks): Keras 3 raises AttributeError, and the real value is hidden; name the attribute "
            f"after what it holds (`self.kernel`) and make weights with `self.add_weight`"
        )
        found.append(_finding(module, layer, line, "reserved-attribute", message))
    return found


def _registration_findings(module: LayerModule, layer: LayerClass) -> list[Finding]:
    if any(dotted(d).endswith(_REGISTER) for d in layer.node.decorator_list) or _registered_later(module, layer):
        return []
    message = (
        f"{layer.name} is not registered: a model saved with it fails to load with 'Unknown layer' unless "
        "every caller passes custom_objects; add `@keras.saving.register_keras_serializable(package=...)` "
        "above the class"
    )
    return [_finding(module, layer, layer.line, "not-registered", message)]


def _registered_later(module: LayerModule, layer: LayerClass) -> bool:
    """`register_keras_serializable(...)(Class)` or `get_custom_objects()[...] = Class` in the module."""
    for node in ast.walk(module.tree):
        wrapped = isinstance(node, ast.Call) and isinstance(node.func, ast.Call)
        if wrapped and dotted(node.func).endswith(_REGISTER) and _names(node.args, layer.name):  # type: ignore[attr-defined]
            return True
        stored = isinstance(node, ast.Assign) and _names([node.value], layer.name)
        if stored and any(isinstance(t, ast.Subscript) and dotted(t.value).endswith("get_custom_objects") for t in node.targets):  # type: ignore[attr-defined]
            return True
    return False


def _names(nodes: Iterable[ast.AST], name: str) -> bool:
    return any(isinstance(node, ast.Name) and node.id == name for node in nodes)


def _config_findings(module: LayerModule, layer: LayerClass) -> list[Finding]:
    init = layer.methods.get("__init__")
    if init is None:
        return []
    found = []
    if init.args.kwarg is None or not _passes_kwargs(init, init.args.kwarg.arg):
        message = (
            "__init__ does not pass **kwargs on to super().__init__: from_config and load_model give it "
            "`name`, `trainable` and `dtype`, which then fail or are lost (no mixed precision); take "
            "`**kwargs` and call `super().__init__(**kwargs)`"
        )
        found.append(_finding(module, layer, init.lineno, "init-drops-kwargs", message))
    # An argument that defaults to None may stay out of the config on purpose (an array of
    # starting values, which the saved weights restore); the run checks those.
    wanted = [
        a.arg
        for a in layer.init_parameters()
        if not _defaults_to_none(init, a.arg) and a.arg not in BASE_LAYER_ARGUMENTS
    ]
    if not wanted:
        return found
    get_config = layer.methods.get("get_config")
    if get_config is None:
        message = (
            f"no get_config, but __init__ takes {', '.join(wanted)}: load_model and from_config rebuild the "
            f"layer without them; add get_config returning `{{**super().get_config(), {wanted[0]!r}: "
            f"self.{wanted[0]}, ...}}`"
        )
        return [*found, _finding(module, layer, init.lineno, "config-missing-argument", message)]
    keys = _config_keys(get_config)
    if keys is None:
        return found  # built in a way the source does not show: the run checks it
    missing = [name for name in wanted if name not in keys]
    if missing:
        shown = ", ".join(f"`{m}`" for m in missing)
        message = (
            f"get_config leaves out {shown}: a layer rebuilt from its config (load_model, clone_model) "
            f"silently gets the default instead; add {', '.join(f'{m!r}: self.{m}' for m in missing)} to it"
        )
        found.append(_finding(module, layer, get_config.lineno, "config-missing-argument", message))
    return found


def _defaults_to_none(init: ast.FunctionDef, name: str) -> bool:
    args = init.args
    positional = args.posonlyargs + args.args
    pairs = list(zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True))
    pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None]
    return any(a.arg == name and isinstance(d, ast.Constant) and d.value is None for a, d in pairs)


def _passes_kwargs(init: ast.FunctionDef, name: str) -> bool:
    for node in ast.walk(init):
        if not (isinstance(node, ast.Call) and dotted(node.func).endswith("__init__")):
            continue
        if any(k.arg is None and isinstance(k.value, ast.Name) and k.value.id == name for k in node.keywords):
            return True
    return False


def _config_keys(get_config: ast.FunctionDef) -> set[str] | None:
    """The keys get_config's dicts name; None when it builds them some other way."""
    keys: set[str] = set()
    for node in ast.walk(get_config):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    keys.add(key.value)
                elif key is not None or not _is_config_call(value):
                    return None  # a computed key, or `**other` that may hold any of them
        elif isinstance(node, ast.Call) and (dotted(node.func) in ("dict",) or dotted(node.func).endswith(".update")):
            keys |= {k.arg for k in node.keywords if k.arg is not None}
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Store):
            index = node.slice
            if isinstance(index, ast.Constant) and isinstance(index.value, str):
                keys.add(index.value)
            else:
                return None
    if not keys and not _only_super(get_config):
        return None
    return keys


def _is_config_call(node: ast.expr) -> bool:
    """`super().get_config()`, or a name it was stored in (`base_config`)."""
    return isinstance(node, ast.Name) or (isinstance(node, ast.Call) and dotted(node.func).endswith("get_config"))


def _only_super(get_config: ast.FunctionDef) -> bool:
    """Whether get_config returns the base layer's config and nothing else."""
    returns = [n for n in ast.walk(get_config) if isinstance(n, ast.Return) and n.value is not None]
    return all(isinstance(r.value, ast.Call) and dotted(r.value.func).endswith("get_config") for r in returns)
