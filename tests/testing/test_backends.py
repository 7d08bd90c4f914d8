"""Generated layers use public Keras API only, so they run on every backend.

TensorFlow (the default) runs the examples' tests directly; these run them again on JAX
and on PyTorch (its CPU build, installed with the test extras), the fresh process that
loads their `.keras` files included (it takes the tests' backend). A test skipped on one
backend only says why.
"""

import os
import re
import subprocess
import sys

from conftest import REPO

# The only tests a backend may skip for being that backend: (backend, words of the reason).
BACKEND_SKIPS = {("torch", "keras.distribution has no PyTorch backend")}


# Keras's own test files for the built-ins the examples stand for (run on TensorFlow by the suite).
KERAS_OWN_TESTS = sorted(
    str(path.relative_to(REPO)) for path in (REPO / "tests" / "testing").glob("test_keras_own_*.py")
)


def run_examples(backend: str, paths: tuple[str, ...] = ("examples/tests",)) -> subprocess.CompletedProcess:
    env = {**os.environ, "KERAS_BACKEND": backend}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider", *paths],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=2400,
    )


def check_run(result: subprocess.CompletedProcess, backend: str) -> None:
    assert result.returncode == 0, result.stdout[-6000:]
    assert re.search(r"\d+ passed", result.stdout)
    assert "failed" not in result.stdout.splitlines()[-1]
    for line in result.stdout.splitlines():
        if line.startswith("SKIPPED") and backend in line.lower().replace("pytorch", "torch"):
            assert any(b == backend and words in line for b, words in BACKEND_SKIPS), line


def test_examples_pass_on_jax():
    check_run(run_examples("jax"), "jax")


def test_examples_pass_on_torch():
    # The compiled tests run too: `jit_compile=True` is torch.compile here, as Keras does it.
    result = run_examples("torch")
    check_run(result, "torch")
    assert "compile" not in "".join(line for line in result.stdout.splitlines() if line.startswith("SKIPPED"))


def test_keras_own_tests_pass_on_jax():
    """Keras's own test files, run against the generated classes, on JAX as on TensorFlow."""
    assert len(KERAS_OWN_TESTS) >= 3, KERAS_OWN_TESTS
    check_run(run_examples("jax", tuple(KERAS_OWN_TESTS)), "jax")


def test_generated_code_uses_public_keras_api_only():
    # examples/hand_written/ holds hand-written layers for `layergen audit`, mistakes included.
    examples = [p for p in (REPO / "examples").rglob("*.py") if "hand_written" not in p.parts]
    generated = examples + list((REPO / "layergen" / "render" / "templates").glob("*.jinja"))
    for path in generated:
        text = path.read_text()
        assert "keras.src" not in text, path
        assert not re.search(r"(^|[^a-z_.])tf\.|import tensorflow", text), path
