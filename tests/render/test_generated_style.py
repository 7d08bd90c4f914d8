"""Generated code passes the project's own tools: formatted with its black or ruff settings
(line length, target versions), one f-string per message, imports in isort order, and
clean under `ruff check` with the rule sets projects commonly select."""

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from conftest import REPO, cli

from layergen.formatting.formatter import format_texts
from layergen.project.format_style import FormatStyle
from layergen.render import values as v
from layergen.render.pycode import _fstring_body, _words, code, fit_strings

RULES = "E,F,I,B,UP,SIM,ISC"
BIN = Path(sys.executable).parent
# Specs whose code holds long messages, sub-layer imports, layouts, constants and masks.
SPECS = [
    "dense_layer",
    "embedding_layer",
    "sharded_dense",
    "residual_block",
    "residual_stack",
    "per_channel_rescaling",
    "masked_mean_pooling",
]


def tool(name, *args, cwd):
    return subprocess.run([str(BIN / name), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=300)


def test_a_message_is_one_f_string_where_it_fits():
    source = code(v.Message(("`units` must be a positive integer. Received: units=", v.Field(v.Name("units"), "r"))))
    assert source == "f'`units` must be a positive integer. Received: units={units!r}'"
    assert fit_strings(source, 80) == 'f"`units` must be a positive integer. Received: units={units!r}"'
    # Two literals on one line (what black makes of them) become one.
    assert fit_strings('"a {b} " f"c{x!r}"', 80) == 'f"a {{b}} c{x!r}"'


@pytest.mark.parametrize("width", [12, 20, 30, 45])
def test_a_long_message_is_split_after_spaces_into_parts_that_fit(width):
    other = v.Collection((v.Literal(1), v.Literal(2)))
    parts = (
        "`units` must be a {positive} integer. Received: units=",
        v.Field(v.Name("units"), "r"),
        ", other=",
        v.Field(other),
    )
    source = code(v.Message(parts))
    lines = fit_strings(source, width).split("\n")
    assert len(lines) > 1
    # A line is longer than `width` only where it is one word (spaces inside `{...}` do not count).
    assert all(len(line) <= width or len(_words(_fstring_body(line))) == 1 for line in lines)
    assert not any(line.startswith("f") and "{" not in line.replace("{{", "") for line in lines)  # no needless f
    units = 3
    joined = eval("(" + "\n".join(lines) + ")")  # noqa: S307 - our own literal
    assert joined == eval(source) == f"`units` must be a {{positive}} integer. Received: units={units!r}, other=(1, 2)"
    assert fit_strings(source, width, parenthesized=True) == "(\n" + "\n".join(lines) + "\n)"


def test_anything_but_string_literals_is_left_alone():
    for source in ("repr(x)", 'b"bytes"', 'rf"{x}"', '"a" + "b"', "x"):
        assert fit_strings(source, 1) == source


def test_the_format_cache_keys_on_the_style(tmp_path, monkeypatch):
    monkeypatch.setenv("LAYERGEN_CACHE_DIR", str(tmp_path))
    text = "x = [" + ", ".join(f"'item{i}'" for i in range(12)) + "]\n"
    for formatter in ("black", "ruff"):
        wide = format_texts([text], formatter, FormatStyle(line_length=200))[0]
        narrow = format_texts([text], formatter, FormatStyle(line_length=40))[0]
        assert wide.count("\n") == 1 and narrow.count("\n") > 10, formatter
        assert max(map(len, narrow.splitlines())) <= 40
        assert format_texts([text], formatter, FormatStyle(line_length=200))[0] == wide  # from the cache


def _line_length() -> int:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["black"]["line-length"]


def test_the_examples_pass_ruff_check_black_and_ruff_format():
    # This repository's [tool.black] is the examples' project settings; here layergen is
    # first-party, in a user's project it is a third-party package.
    length = _line_length()
    config = ["--isolated", f"--line-length={length}", "--target-version=py311"]
    found = tool("ruff", "check", *config, "--select", RULES, "--config", 'lint.isort.known-third-party=["layergen"]',
                 "--config", 'src=["."]', "--output-format=concise", "examples", cwd=REPO)  # fmt: skip
    assert found.returncode == 0, found.stdout
    black = tool("black", "--check", "examples", cwd=REPO)
    assert black.returncode == 0, black.stderr
    ruff_format = tool("ruff", "format", "--check", *config, "examples", cwd=REPO)
    assert ruff_format.returncode == 0, ruff_format.stdout


def _project(folder: Path, settings: str, formatter: str | None = None) -> None:
    (folder / "pyproject.toml").write_text(f'[project]\nname = "demo"\n\n{settings}')
    assert cli("init").exit_code == 0
    if formatter:
        text = (folder / "pyproject.toml").read_text()
        (folder / "pyproject.toml").write_text(
            text.replace("[tool.layergen]\n", f'[tool.layergen]\nformatter = "{formatter}"\n')
        )
    for name in SPECS:
        shutil.copy(REPO / "specs" / "examples" / f"{name}.yaml", folder / "specs")
    result = cli("new")
    assert result.exit_code == 0, result.output


def test_a_black_project_with_79_columns_passes_black_and_ruff(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _project(tmp_path, '[tool.black]\nline-length = 79\ntarget-version = ["py310", "py311"]\n')
    black = tool("black", "--check", ".", cwd=tmp_path)
    assert black.returncode == 0, black.stderr
    found = tool("ruff", "check", "--line-length=79", "--select", RULES, "--output-format=concise", ".", cwd=tmp_path)
    assert found.returncode == 0, found.stdout
    assert max(len(line) for file in tmp_path.glob("*/*.py") for line in file.read_text().splitlines()) <= 79


def test_a_ruff_project_is_formatted_with_its_line_length(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    settings = (
        f'[tool.ruff]\nline-length = 100\ntarget-version = "py310"\n\n[tool.ruff.lint]\nselect = {RULES.split(",")!r}\n'
    )
    _project(tmp_path, settings.replace("'", '"'), formatter="ruff")
    assert tool("ruff", "format", "--check", ".", cwd=tmp_path).returncode == 0
    found = tool("ruff", "check", "--output-format=concise", ".", cwd=tmp_path)
    assert found.returncode == 0, found.stdout
    # 100 columns, not 88: a line black's default would have split is kept whole.
    assert any(88 < len(line) <= 100 for file in tmp_path.glob("*/*.py") for line in file.read_text().splitlines())


@pytest.mark.parametrize(
    ("table", "problem"),
    [
        ('[tool.black]\nline-length = "long"\n', "pyproject.toml:5:1: tool.black.line-length: expected a whole number"),
        ('[tool.black]\ntarget-version = "py311"\n', "pyproject.toml:5:1: tool.black.target-version: expected a list"),
        ('[tool.black]\ntarget-version = ["py27"]\n', "tool.black.target-version: expected a list of versions"),
    ],
)
def test_formatter_settings_that_are_wrong_are_located(project, table, problem):
    (project / "pyproject.toml").write_text(f'[project]\nname = "demo"\n\n{table}\n[tool.layergen]\nspecs = "specs"\n')
    result = cli("validate")
    assert result.exit_code != 0
    assert problem in result.stderr, result.stderr
