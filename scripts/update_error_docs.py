"""Rewrite docs/errors.md: every error of tests/error_catalog.py with the message layergen
really prints for it (each case is run through the CLI here).

    .venv/bin/python scripts/update_error_docs.py
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from typer.testing import CliRunner

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from error_catalog import CASES, PROJECT_CASES, PYPROJECT_HEAD, SETTINGS_CASES, TITLES, VALID, spec_bytes  # noqa: E402

from layergen.cli.app import app  # noqa: E402
from layergen.cli.options import EXIT_CODES  # noqa: E402
from layergen.exit_status import MEANINGS  # noqa: E402

HEADER = """\
# Errors

Every problem with a spec is one line on standard error:

```
FILE:LINE:COLUMN: FIELD: MESSAGE
```

`FIELD` is the path of the field in the spec (`weights.kernel.shape[1]`); the line and
column point at it, or at its key. Where a name is misspelt and a valid one is close, the
message says `(did you mean '...'?)`. All the problems of a spec are reported together,
one stage at a time:

1. reading the YAML: every duplicate key, key that is not a name, disallowed tag and value
   that breaks a rule (an integer of over 20 digits, a control character, ...); a YAML
   syntax error or a size limit (bytes, values, nesting) stops reading where it is;
2. structure: every field that is unknown, missing or of the wrong type, reported with
   the problems of reading (except for the values reading refused);
3. meaning: every name, shape, argument, weight, sub-layer and body, once the structure
   is right;
4. the generated test's values and budget, once the shapes are sound.

Nothing is written for a spec with problems; other specs given in the same command are
still generated.

The findings of `layergen audit` (`FILE:LINE: check-name: what is wrong; how to fix it`)
and the messages of `layergen adopt` are listed in [audit.md](audit.md).

## Exit codes

Each code means the same in every command:

{exit_codes}
Two messages belong to no spec: in a folder with neither `[tool.layergen]` settings nor a
`specs/` folder, a command says ``specs: no such spec folder; `layergen init` sets up a
project here`` (exit 2), and Ctrl-C stops it with `Aborted.` (exit 130).

## Messages

Each row is a real run of `layergen validate demo.yaml` on a spec with that one mistake,
or (rows that name other.yaml) on a spec whose sub-layer class is defined by the spec
other.yaml beside it, or (rows starting with pyproject.toml) on a valid spec in a project
whose `[tool.layergen]` has that one mistake (see `tests/error_catalog.py`;
`scripts/update_error_docs.py` rewrites this table).

| mistake | message |
|---|---|
"""


def render() -> str:
    rows = []
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as folder:
        here = os.getcwd()
        os.chdir(folder)
        try:
            for case in CASES:
                text, _ = case.values
                Path("demo.yaml").write_bytes(spec_bytes(text))
                rows.append(_row(case.id, runner.invoke(app, ["validate", "demo.yaml"])))
            for case in PROJECT_CASES:
                files, _ = case.values
                for name, text in files.items():
                    Path(name).write_text(text)
                rows.append(_row(case.id, runner.invoke(app, ["validate", "demo.yaml"])))
                for name in files:
                    Path(name).unlink()
            Path("demo.yaml").write_text(VALID)
            for case in SETTINGS_CASES:
                settings, _ = case.values
                Path("pyproject.toml").write_text(PYPROJECT_HEAD + settings)
                rows.append(_row(case.id, runner.invoke(app, ["validate", "demo.yaml"])))
        finally:
            os.chdir(here)
    return HEADER.format(exit_codes=exit_code_table()) + "\n".join(rows) + "\n"


def exit_code_table() -> str:
    """From `exit_status.MEANINGS` and `cli.options.EXIT_CODES`, which `--help` shows too: one meaning
    per code, whatever the command."""
    lines = ["| code | meaning | commands |", "|---|---|---|"]
    for code, meaning in MEANINGS.items():
        commands = ", ".join(f"`{command}`" for command, codes in EXIT_CODES.items() if code in codes)
        lines.append(f"| {code} | {meaning} | {commands} |")
    return "\n".join(lines) + "\n"


def _row(case_id: str, result) -> str:
    message = result.stderr.strip().splitlines()[0]
    return f"| {TITLES[case_id]} | ``{message.replace('|', '&#124;')}`` |"


if __name__ == "__main__":
    target = REPO / "docs" / "errors.md"
    target.write_text(render())
    print(f"wrote {target}")
