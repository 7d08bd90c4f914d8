"""`layergen show SPEC`: a layer's weights, shapes and parameter count, and a diagram of
its sub-layers, from its spec (`weights`) or from Keras in a fresh process (`probe`).
"""
