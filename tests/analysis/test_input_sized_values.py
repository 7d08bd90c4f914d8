"""Initializer values computed from the input's size (`$sigma0 / input_dim ** 0.5`), as in the
example NoisyDense: made in build, following the input; misuse gets one located line."""

import keras
import numpy as np
import pytest
from conftest import REPO, cli

from examples.layers.noisy_dense import NoisyDense


@pytest.mark.parametrize("input_dim", [4, 9])
def test_noisy_dense_starts_its_weights_from_the_inputs_size(input_dim):
    layer = NoisyDense(3, sigma0=0.6)
    layer.build((2, input_dim))
    sigma = keras.ops.convert_to_numpy(layer.sigma_kernel)
    np.testing.assert_allclose(sigma, np.full((input_dim, 3), 0.6 / input_dim**0.5), rtol=1e-6)
    mu = keras.ops.convert_to_numpy(layer.mu_kernel)
    assert np.all(np.abs(mu) <= 1 / input_dim**0.5) and np.std(mu) > 0
    # The default stays None in the config: a rebuilt layer computes it again from its input.
    config = layer.get_config()
    assert config["sigma_kernel_initializer"] is None
    clone = NoisyDense.from_config(config)
    clone.build((2, input_dim))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(clone.sigma_kernel), sigma)


def test_a_given_initializer_still_wins():
    layer = NoisyDense(3, sigma_kernel_initializer="ones")
    layer.build((2, 4))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer.sigma_kernel), np.ones((4, 3), "float32"))


SPEC = (REPO / "specs" / "examples" / "noisy_dense.yaml").read_text()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "$sigma0 / input_dim ** 0.5}",
            "$sigma0 / input_dimm ** 0.5}",
            "weights.sigma_kernel.initializer.value: unknown number argument or dimension 'input_dimm' "
            "(did you mean 'input_dim'?)",
        ),
        (
            "$sigma0 / input_dim ** 0.5}",
            "$sigma0 / sqrt(input_dim)}",
            "weights.sigma_kernel.initializer.value: an initializer value is numbers and names with "
            "+ - * / // ** and parentheses",
        ),
        (
            "$sigma0 / input_dim ** 0.5}",
            "$sigma0 / (input_dim}",
            "weights.sigma_kernel.initializer.value: cannot parse 'sigma0 / (input_dim'; use numbers, names, "
            "+ - * / // ** and parentheses",
        ),
    ],
)
def test_a_bad_input_sized_value_is_one_located_line(project, old, new, message):
    (project / "demo.yaml").write_text(SPEC.replace(old, new))
    result = cli("validate", "demo.yaml")
    assert result.exit_code == 1
    assert [line.split(": ", 1)[1] for line in result.stderr.strip().splitlines()] == [message]
