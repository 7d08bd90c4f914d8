"""Generated layers use public Keras API only, so they run on other backends too.

TensorFlow (the default) runs the examples' tests directly; this runs them again on JAX,
the fresh process that loads their `.keras` files included (it takes the tests' backend).
`sh scripts/check_backends.sh` also runs them on PyTorch.
"""

import os
import re
import subprocess
import sys

from conftest import REPO


def test_examples_pass_on_jax():
    env = {**os.environ, "KERAS_BACKEND": "jax"}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "examples/tests"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, result.stdout[-6000:]
    assert re.search(r"\d+ passed", result.stdout)
    assert "failed" not in result.stdout.splitlines()[-1]


def test_generated_code_uses_public_keras_api_only():
    # examples/hand_written/ holds hand-written layers for `layergen audit`, mistakes included.
    examples = [p for p in (REPO / "examples").rglob("*.py") if "hand_written" not in p.parts]
    generated = examples + list((REPO / "templates").glob("*.jinja"))
    for path in generated:
        text = path.read_text()
        assert "keras.src" not in text, path
        assert not re.search(r"(^|[^a-z_.])tf\.|import tensorflow", text), path
