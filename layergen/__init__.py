"""layergen: generate correct, tested Keras 3 layers from a YAML spec."""

__version__ = "0.1.0"
