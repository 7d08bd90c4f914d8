"""call_safety: what a `call` body may do, on parsed bodies alone (no spec, no Keras)."""

import ast

import pytest

from layergen.analysis.call_safety import SAFE_BUILTINS, Finding, check_call_body

DECLARED = {"inputs", "scale"}
HINTS = {"units": "argument `units` is `self.units` in call"}


def findings(body: str) -> list[Finding]:
    return check_call_body(ast.parse(body), DECLARED, HINTS)


def messages(body: str) -> list[str]:
    return [f.message for f in findings(body)]


FINE = [
    "return inputs",
    "return ops.matmul(inputs, self.kernel) * scale",
    "if training:\n    self.steps.assign(self.steps + 1)\nreturn inputs",
    "axes = tuple(range(len(inputs.shape) - 1))\nreturn ops.mean(inputs, axis=axes)",
    "outputs = [x * 2 for x in ops.split(inputs, 2)]\nreturn ops.concatenate(outputs)",
    "def double(x):\n    return x * 2\nreturn double(inputs)",
    "square = lambda v: v * v\nreturn square(inputs)",
    "try:\n    y = inputs\nexcept ValueError as error:\n    raise ValueError(str(error))\nreturn y",
    "if not isinstance(scale, float):\n    raise TypeError('scale')\nreturn inputs",
    "return getattr(self, 'kernel') * inputs",
    "return inputs if hasattr(self, 'bias') else inputs + 1",
    "match inputs.shape:\n    case (a, b):\n        n = a\n    case _:\n        n = 1\nreturn inputs * n",
    "(total := ops.sum(inputs))\nreturn total",
    "for i, v in enumerate(zip(inputs, inputs)):\n    pass\nreturn np.asarray(inputs) + math.pi",
    "x = f'{inputs.shape}'\nreturn inputs",
    "del scale\nreturn inputs",
]


@pytest.mark.parametrize("body", FINE)
def test_plain_tensor_code_has_no_findings(body):
    assert findings(body) == []


BAD = [
    ("return inputs.__class__", "`.__class__` reaches Python's internals"),
    ("f = self.call.__globals__\nreturn inputs", "`.__globals__` reaches Python's internals"),
    ("return __builtins__", "`__builtins__` reaches Python's internals"),
    ("return __import__('os').system('ls')", "`__import__` imports a module at run time"),
    ("exec('x = 1')\nreturn inputs", "`exec` runs text as code"),
    ("return eval('inputs')", "`eval` runs text as code"),
    ("c = compile('1', 'f', 'eval')\nreturn inputs", "`compile` turns text into code"),
    ("g = globals()\nreturn inputs", "`globals` exposes the module's namespace"),
    ("return locals()['inputs']", "`locals` exposes the method's namespace"),
    ("return vars(self)", "`vars` exposes an object's namespace"),
    ("open('/etc/passwd')\nreturn inputs", "`open` reads and writes files"),
    ("input()\nreturn inputs", "`input` waits for someone to type"),
    ("breakpoint()\nreturn inputs", "`breakpoint` stops the program in a debugger"),
    ("run = eval\nreturn inputs", "`eval` runs text as code"),
    ("name = 'kernel'\nreturn getattr(self, name)", "`getattr` with a computed attribute name"),
    ("setattr(self, 'k' + 'x', 1)\nreturn inputs", "`setattr` with a computed attribute name"),
    ("delattr(self, '__dict__')\nreturn inputs", "`delattr` of '__dict__' reaches Python's internals"),
    ("return '{0.__class__}'.format(inputs)", "a format string that names a dunder attribute"),
    ("yield inputs", "`yield` turns call into a generator"),
    ("yield from [inputs]", "`yield` turns call into a generator"),
    ("x = await inputs\nreturn x", "`await` turns call into a coroutine"),
    ("global scale\nreturn inputs", "`global scale` lets call change names outside the method"),
    (
        "def f():\n    nonlocal y\n    return 1\ny = 1\nreturn inputs",
        "`nonlocal y` lets call change names outside the method",
    ),
    ("import os\nreturn inputs", "`call` must not import"),
    ("from os import path\nreturn inputs", "`call` must not import"),
    ("return keras.src.ops.add(inputs, 1)", "`keras.src` is Keras's private code"),
    ("return input_dim * inputs", "unknown name `input_dim` (did you mean 'inputs'?)"),
    ("return tf.add(inputs, 1)", "unknown name `tf`: call can use its inputs, constants"),
    ("return units * inputs", "argument `units` is `self.units` in call"),
    ("return type(inputs)", "the builtin `type` is not one a layer's call may use"),
    ("return object()", "the builtin `object` is not one a layer's call may use"),
]


@pytest.mark.parametrize(("body", "expected"), BAD, ids=[b for b, _ in BAD])
def test_each_escape_hatch_is_found_and_says_why(body, expected):
    found = messages(body)
    assert any(m.startswith(expected) for m in found), found


def test_findings_are_located_in_the_tree_and_ordered():
    body = "x = 1\ny = inputs.__dict__\nreturn eval('x')"
    assert findings(body) == [
        Finding(2, 5, "`.__dict__` reaches Python's internals (a dunder attribute), not the layer's data"),
        Finding(3, 8, "`eval` runs text as code; a layer's call is plain tensor code"),
    ]


def test_an_unknown_name_is_reported_once_at_its_first_use():
    assert [(f.line, f.column) for f in findings("a = nope\nb = nope\nreturn nope")] == [(1, 5)]


def test_the_caller_decides_which_names_exist():
    tree = ast.parse("return x * mask")
    assert check_call_body(tree, {"x"}) == []
    assert check_call_body(tree, {"y"})[0].message.startswith("unknown name `x`")


def test_every_safe_builtin_is_a_real_builtin_that_runs_no_code():
    import builtins

    assert all(hasattr(builtins, name) for name in SAFE_BUILTINS)
    assert not SAFE_BUILTINS & {"eval", "exec", "compile", "open", "__import__", "getattr", "type", "globals"}
