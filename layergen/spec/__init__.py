"""Steps 1 and 2 of the pipeline: a spec file in, a validated `LayerSpec` out.

`source` reads the YAML into plain data and a map of where each value is; `fast` turns
valid data into plain objects without pydantic; `models` (pydantic) words the problems of
a spec that is not valid, and gives the JSON Schema.
"""
