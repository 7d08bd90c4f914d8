"""The update step: freshly generated files in (`plan.GeneratedSpec`), the project's files
brought up to date out, without losing a person's edits. It decides files' fate; it never
generates (`layergen.run` drives the run and hands it what was generated).

`records` (with `record_types`, `record_files`, `legacy_manifest`) and `record_state` hold
what was generated last time; `fingerprint` and `current` know a current spec without
generating it; `planner` decides each spec's files as a `plan` (`outputs` and `reconcile`
one file's content, `merge` three-way merges, `settle` the conflict mode and the record
after, `compat` and `weight_tree` checkpoint breaks); `apply` carries the plan out, one
spec at a time.
"""
