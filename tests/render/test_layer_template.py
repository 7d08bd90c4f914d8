"""What the layer template writes from the model's data: imports, call's signature and prelude."""

from spec_strategies import BASE_MODEL

from layergen.pipeline import render
from layergen.records import replace
from layergen.render.model import Import
from layergen.render.values import Call, Literal, Name


def test_imports_follow_isorts_order_case_aside():
    """`import x` lines, then `from x import y` lines, each sorted as isort sorts them."""
    imports = [Import("b_pkg.mod"), Import("a.z", "Zeta"), Import("A_pkg"), Import("a.z", "alpha")]
    text = render(replace(BASE_MODEL, imports=imports), "layer")
    lines = [line for line in text.splitlines() if line.startswith(("import a", "import A_", "import b_", "from a."))]
    assert lines == ["import A_pkg", "import b_pkg.mod", "from a.z import alpha", "from a.z import Zeta"]


def test_call_takes_its_parameters_and_runs_its_prelude_first():
    params = [("x", None), ("reverse", Literal(False)), ("training", Literal(None))]
    prelude = [("scale", Call("ops.convert_to_tensor", (Name("self.scale"),), (("dtype", Literal("int32")),)))]
    model = replace(BASE_MODEL, call_params=params, call_prelude=prelude, call_body="return x", call_source="return x")
    text = render(model, "layer")
    assert "    def call(self, x, reverse=False, training=None):\n" in text
    assert '        scale = ops.convert_to_tensor(self.scale, dtype="int32")\n        return x\n' in text
