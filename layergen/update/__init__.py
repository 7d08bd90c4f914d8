"""Step 6 of the pipeline: freshly generated files in, the project's files brought up to
date out, without losing a person's edits.

`records` and `record_state` hold what was generated last time, `fingerprint` knows a
current spec without generating it; `planner` decides each file's fate (`reconcile`,
`merge`, `compat` for checkpoint breaks, `weight_tree`) as a `plan`; `apply` carries the
plan out, one spec at a time.
"""
