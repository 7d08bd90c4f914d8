"""Steps 1 and 2 of the pipeline: a spec file in, a validated `LayerSpec` out.

`source` reads the YAML into plain data and a map of where each value is (with `limits`,
`core_schema`, `loaders` and `builder`). `sections` declares the spec's structure once (how:
`fields`); `parse` checks the data against it: `fast` reads a valid spec without pydantic,
`models` (pydantic, built from the sections) words the problems of one that is not valid
(`problems`), and `schema` gives the JSON Schema. `nested_lists` (the nested lists in a
spec's values) and `python_lines` (how Python counts the lines of the code a spec holds)
serve the steps after.
"""
