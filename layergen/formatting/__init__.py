"""Step 5 of the pipeline: rendered source in, the project's formatter's output out.

black (the default) or ruff with the project's own settings (`project.format_style`), cached by content,
in parallel for many files; `pieces` formats a module piece by piece from the cache, and
`worker` loads black in a forked process while a small run generates.
"""
