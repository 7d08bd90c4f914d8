"""The docs site: it builds with `mkdocs build --strict` (a broken link, anchor or include
fails), every page is in its navigation, the cookbook's specs and worked example are what
layergen accepts and prints, and the README leads with what a user does."""

import importlib.util
import os
import re
import shlex
import shutil
import subprocess
import sys

import pytest
import yaml
from conftest import REPO, cli

DOCS = REPO / "docs"


def nav_pages(entries) -> list[str]:
    pages = []
    for entry in entries:
        for value in entry.values() if isinstance(entry, dict) else [entry]:
            pages += nav_pages(value) if isinstance(value, list) else [value]
    return pages


def mkdocs_config() -> dict:
    # The config names a Python function (the mermaid fence), which safe_load cannot build.
    text = re.sub(r"!!python/name:\S+", "null", (REPO / "mkdocs.yml").read_text())
    return yaml.safe_load(text)


def test_the_site_builds_strict_with_every_page(tmp_path):
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    # The cookbook includes the example specs themselves: they cannot go stale.
    page = (tmp_path / "site" / "cookbook" / "sub-layers" / "index.html").read_text()
    assert "TransformerEncoderBlock" in page and "--8&lt;--" not in page
    assert 'class="mermaid"' in (tmp_path / "site" / "cli" / "index.html").read_text()


def test_every_markdown_page_is_in_the_navigation():
    pages = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))
    assert sorted(nav_pages(mkdocs_config()["nav"])) == pages


def cookbook_specs() -> list[str]:
    """Every whole spec a cookbook page writes out (a yaml block with `layer:`; the others are fragments)."""
    blocks = [
        b
        for page in sorted(DOCS.glob("cookbook/*.md"))
        for b in re.findall(r"```yaml\n(.*?)```", page.read_text(), re.S)
    ]
    return [block for block in blocks if re.search(r"^layer:", block, re.MULTILINE)]


@pytest.mark.parametrize("text", cookbook_specs(), ids=lambda text: re.search(r"^layer: (\w+)", text, re.M)[1])
def test_every_spec_in_the_cookbook_is_valid(project, text):
    (project / "specs" / "doc.yaml").write_text(text)
    result = cli("validate", "specs/doc.yaml")
    assert result.exit_code == 0, result.output


def console_runs(page: str) -> dict[str, list[str]]:
    """`$ command` -> the lines shown after it, once per time the page's console blocks show it, in order."""
    runs: dict[str, list[str]] = {}
    for block in re.findall(r"```console\n(.*?)```", page, re.S):
        for run in re.split(r"^\$ ", block, flags=re.MULTILINE)[1:]:
            command, *lines = run.rstrip("\n").split("\n")
            runs.setdefault(command, []).append(lines)
    return runs


def test_the_cookbook_adoption_is_what_audit_adopt_and_new_print(project):
    """The walk-through of cookbook/hand-written-layers.md, run again (audit with --static: the
    page shows the full audit, which finds the same for these classes but imports Keras)."""
    page = (DOCS / "cookbook" / "hand-written-layers.md").read_text()
    runs = console_runs(page)

    def shown(command: str, *args: str) -> None:
        result = cli(*(args or shlex.split(command)[1:]))
        assert result.output.splitlines() == runs[command].pop(0), command

    (project / "layers").mkdir()
    examples = REPO / "examples" / "hand_written"
    shutil.copy(examples / "broken" / "scalable_layer.py", project / "layers")
    shown("layergen audit layers/scalable_layer.py", "audit", "--static", "layers/scalable_layer.py")
    shutil.copy(examples / "corrected" / "scalable_layer.py", project / "layers")
    shown("layergen audit layers/scalable_layer.py", "audit", "--static", "layers/scalable_layer.py")
    shown("layergen adopt layers/scalable_layer.py:ScalableLayer")
    adopted = (project / "specs" / "scalable_layer.yaml").read_text()
    assert adopted.splitlines() == runs["cat specs/scalable_layer.yaml"][0]
    shown("layergen new")
    # A class whose helper method adopt cannot translate: the spec is fixed, then the conflict resolved.
    source = [b for b in re.findall(r"```python\n(.*?)```", page, re.S) if "class ScaledGelu" in b]
    (project / "layers" / "scaled_gelu.py").write_text(source[0])
    shown("layergen adopt layers/scaled_gelu.py:ScaledGelu")
    spec = project / "specs" / "scaled_gelu.yaml"
    fixed_call = re.search(r"```yaml\n(call: \|\n.*?)```", page, re.S)[1]
    spec.write_text(re.sub(r"call: \|\n.*?(?=^output_shape)", fixed_call, spec.read_text(), flags=re.S | re.M))
    shown("layergen adopt layers/scaled_gelu.py:ScaledGelu --spec specs/scaled_gelu.yaml")
    shown("layergen new specs/scaled_gelu.yaml")
    # The resolution the page describes: `call` returns the spec's line, and `_gelu` is deleted.
    layer = project / "layers" / "scaled_gelu.py"
    text = layer.read_text()
    helper = text[text.index("        return self._gelu") : text.index("    def compute_output_shape")]
    layer.write_text(text.replace(helper, fixed_call.split("\n")[1].replace("  ", "        ", 1) + "\n\n"))
    shown("layergen new specs/scaled_gelu.yaml")


def test_the_cookbook_cells_are_what_show_and_validate_print(project, monkeypatch):
    page = (DOCS / "cookbook" / "rnn-cells.md").read_text()
    runs = console_runs(page)
    spec = (REPO / "specs" / "examples" / "lstm_cell.yaml").read_text()
    assert spec.count("  h_tm1, c_tm1 = states\n") == 1
    (project / "specs" / "lstm_cell.yaml").write_text(
        spec.replace("h_tm1, c_tm1 = states", "h_tm1, c_tm1, extra = states")
    )
    refused = cli("validate", "specs/lstm_cell.yaml")
    assert refused.output.splitlines() == runs["layergen validate specs/lstm_cell.yaml"][0]
    monkeypatch.chdir(REPO)
    shown = cli("show", "specs/examples/gru_cell.yaml")
    assert shown.output.splitlines() == runs["layergen show specs/examples/gru_cell.yaml"][0]


def test_the_cli_reference_is_current():
    spec = importlib.util.spec_from_file_location("update_cli_docs", REPO / "scripts" / "update_cli_docs.py")
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    text = (DOCS / "cli.md").read_text()
    assert script.rewrite(text) == text, "run `.venv/bin/python scripts/update_cli_docs.py`"
    commands = re.findall(r"^### layergen (\w+)$", text, re.MULTILINE)
    assert {"new", "check", "status", "schema", "init", "validate", "show"} <= set(commands)


def test_the_readme_leads_with_the_user_and_keeps_the_contributor_commands():
    readme = (REPO / "README.md").read_text()
    headings = re.findall(r"^## (.+)$", readme, re.MULTILINE)
    assert headings[0] == "Use layergen in your project"
    first_block = re.search(r"```sh\n(.*?)```", readme, re.DOTALL)[1]
    assert first_block.startswith("python -m venv"), "the first commands a reader sees are a user's"
    contributing = readme[readme.index("## Working on layergen") :]
    for command in ("sh scripts/dev.sh generate", "sh scripts/dev.sh test"):
        assert command in readme.split("\n## ", 1)[0], f"the top of the README points to `{command}`"
        assert f"\n{command}" in contributing
    assert "GIT_URL" not in readme and "hatchling build" not in readme
