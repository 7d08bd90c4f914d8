"""The generated examples in the repository are golden files: rendering each example
spec must give exactly the committed bytes. To update them after a deliberate change:

    sh scripts/dev.sh generate
"""

import pytest
from conftest import EXAMPLE_SPECS, REPO

from layergen.pipeline import generate_layer
from layergen.project.settings import find_project

UPDATE = "run `sh scripts/dev.sh generate` to update the golden files"


@pytest.mark.parametrize("spec", EXAMPLE_SPECS, ids=lambda p: p.stem)
def test_example_output_matches_golden_files(spec):
    project = find_project(REPO)
    for file in generate_layer(spec, project).files:
        assert file.path.is_file(), f"{file.path.relative_to(REPO)} is missing; {UPDATE}"
        assert file.path.read_text() == file.content, f"{file.path.relative_to(REPO)} is stale; {UPDATE}"


def test_examples_are_exactly_the_listed_layers():
    project = find_project(REPO)
    names = sorted(generate_layer(spec, project).model.class_name for spec in EXAMPLE_SPECS)
    assert names == sorted(
        [
            "ConstantWeightLayer",
            "TrainableWeightLayer",
            "ConstantOffsetLayer",
            "WeightOffsetLayer",
            "ScaledLinearLayer",
            "BiasedDenseLayer",
            "LookupLayer",
            "FixedBiasLinear",
            "EmbeddingLayer",
            "CombinedTransformation",
            "LinearLayer",
            "RegularizedLinear",
            "ScalableLayer",
            "OffsetLayer",
            "ReversibleEmbedding",
            "RunningMeanLayer",
            # Issue 8, sub-layers:
            "ResidualBlock",
            "ResidualStack",
            "TransformerEncoderBlock",
            # Issue 8, masking:
            "MaskedMeanPooling",
            # Issue 8, distribution:
            "ShardedDense",
            # Issue 8a
            "DenseLayer",
            "Bucketize",
            "MeanAndVariance",
            "GaussianNoiseLayer",
            "PReLUAllAxes",
            "PerChannelRescaling",
            # Issue 18, Keras's own tests:
            "DropoutLayer",
            "TokenEmbedding",
            "GlobalAveragePooling",
            "LayerNormalizationLayer",
            "BatchNormalizationLayer",
            # Issue 18, part B
            "GRUCell",
            "TransformerEncoder",
            "NoisyDense",
            "LSTMCell",
            # Issue 18, constants the user gives
            "FixedNormalization",
            # Issue 18, layers that learn statistics from data (`adapt`)
            "NormalizationLayer",
            "MinMaxScaler",
            # Issue 18, more built-ins measured by Keras's own tests
            "ReluLayer",
            "SoftmaxLayer",
            "ActivityRegularizationLayer",
            "UpSampling1DLayer",
            "ZeroPadding1DLayer",
            "MaxPooling1DLayer",
        ]
    )
    generated = {p.name for p in (REPO / "examples" / "layers").glob("*.py")}
    assert generated == {f"{spec.stem}.py" for spec in EXAMPLE_SPECS}, "a generated layer has no spec"


def test_rendering_is_deterministic():
    project = find_project(REPO)
    spec = REPO / "specs" / "examples" / "embedding_layer.yaml"
    first = [f.content for f in generate_layer(spec, project).files]
    second = [f.content for f in generate_layer(spec, project).files]
    assert first == second
