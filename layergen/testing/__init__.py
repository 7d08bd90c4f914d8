"""The layer contract as a pytest base class, shared by every generated test module.

A generated test module holds only its layer's data and one class::

    from layergen.testing import Input, LayerContract

    class TestLinearLayer(LayerContract):
        layer_class = LinearLayer
        init_kwargs = {"units": 4}
        inputs = [Input("inputs", shape=(2, 15, 3))]
        output_shape = (2, 15, 4)
        trainable = ["kernel", "bias"]

The contract's tests live here, so a fix reaches every project by upgrading layergen instead
of rewriting every test module. Importing this package imports neither Keras nor NumPy: they
load when a test runs. docs/contract.md describes each test and how to override or skip one.
"""

from layergen.testing.contract import Input, LayerContract, random_array

__all__ = ["Input", "LayerContract", "random_array"]
