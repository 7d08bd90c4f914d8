"""The project a command runs in: its `[tool.layergen]` settings, how its paths are shown,
the lock that lets one run at a time, the import policy, and the layer classes its own
specs define (so that a spec can hold one as a sub-layer).
"""
