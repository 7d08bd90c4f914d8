"""The docs site: it builds with `mkdocs build --strict` (a broken link, anchor or include
fails), every page is in its navigation, and the README leads with what a user does."""

import importlib.util
import os
import re
import subprocess
import sys

import yaml
from conftest import REPO

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
