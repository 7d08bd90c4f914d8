"""`layergen new` with nothing to do, in a project made by `layergen init` (so with its
`.layergen/spec.schema.json`) whose specs use the project's own classes, loads nothing that
`layergen check` does not: the schema file is remade only when layergen has changed."""

import json
import shutil
import subprocess
import sys

import pytest
from conftest import REPO, cli

SPECS = ["residual_block", "residual_stack", "dense_layer"]  # residual_stack holds ResidualBlocks
HEAVY = ("pydantic", "jinja2", "black", "typer", "yaml", "layergen.pipeline", "layergen.spec.models")
PROBE = (
    "import sys\nfrom layergen.cli.main import main\ntry:\n    main([{command!r}])\nexcept SystemExit as e:\n"
    "    print(e.code)\n    print(' '.join(sorted(sys.modules)))\n"
)


def loaded(folder, command):
    """(exit code, the modules loaded) of one command run in a fresh Python."""
    code = PROBE.format(command=command)
    done = subprocess.run([sys.executable, "-c", code], cwd=folder, capture_output=True, text=True, check=True)
    status, modules = done.stdout.splitlines()[-2:]
    return int(status), set(modules.split())


@pytest.fixture
def made_by_init(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli("init", "-q").exit_code == 0
    for name in SPECS:
        shutil.copy(REPO / "specs" / "examples" / f"{name}.yaml", tmp_path / "specs")
    assert cli("new", "-q").exit_code == 0
    return tmp_path


def test_new_with_nothing_to_do_loads_nothing_check_does_not(made_by_init):
    check_status, check_modules = loaded(made_by_init, "check")
    new_status, new_modules = loaded(made_by_init, "new")
    assert (check_status, new_status) == (0, 0)
    assert not [m for m in HEAVY if m in new_modules], "new loaded a generator module"
    assert new_modules - check_modules <= {m for m in new_modules if m.startswith("layergen.")}, sorted(
        new_modules - check_modules
    )


def test_the_schema_file_is_remade_when_another_layergen_wrote_it(made_by_init):
    path = made_by_init / ".layergen" / "spec.schema.json"
    written = path.read_text()
    assert json.loads(written)["$comment"].startswith("layergen ")
    path.write_text(written.replace('"$comment": "layergen ', '"$comment": "layergen 0.0.1 was '))
    result = cli("new")
    assert "updated .layergen/spec.schema.json" in result.stdout
    assert path.read_text() == written
    assert "spec.schema.json" not in cli("new").stdout, "once"


COLLECTOR_PROBE = (
    "import gc, sys\nimport layergen.cli.main as m\n"
    "m.hard_exit = lambda code: (print(gc.isenabled()), sys.exit(code))\n"
    "sys.argv = ['layergen', {command!r}]\nm.main()\n"
)


def collector_on_at_exit(folder, command):
    """Whether the console script's run of `command` ended with the cyclic collector on."""
    code = COLLECTOR_PROBE.format(command=command)
    done = subprocess.run([sys.executable, "-c", code], cwd=folder, capture_output=True, text=True, check=True)
    return done.stdout.split()[-1] == "True"


def test_the_collector_is_off_while_loading_and_on_while_generating(made_by_init):
    assert not collector_on_at_exit(made_by_init, "check"), "a run that generates nothing loads with it off"
    spec = made_by_init / "specs" / "dense_layer.yaml"
    spec.write_text(spec.read_text().replace("summary: ", "summary: Edited. ", 1))
    assert collector_on_at_exit(made_by_init, "new"), "generating (black's parse trees hold cycles) runs with it on"
